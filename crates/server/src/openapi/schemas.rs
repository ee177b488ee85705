//! Schemas of what the API answers that the `formats` crate writes by hand
//! for speed (GeoJSON of incidents and places, OGC documents, TileJSON).
//! The answers built from typed values derive theirs (see
//! [`crate::api::types`]). They say what is always there and leave room
//! for members a later version may add; schemathesis holds the answers to
//! them in `./scripts/test`.

use marsad_model::EventType;
use utoipa::openapi::schema::{
    AnyOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

fn object() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Object)
}

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn constant(value: &str) -> ObjectBuilder {
    string().enum_values(Some([value]))
}

fn count() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0.0))
}

fn number() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Number)
}

fn nullable(t: Type) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::from_iter([t, Type::Null]))
}

fn array(items: impl Into<Schema>) -> ArrayBuilder {
    ArrayBuilder::new().items(RefOr::T(items.into()))
}

/// A GeoJSON Point, `[lon, lat]`.
fn point() -> ObjectBuilder {
    object()
        .property("type", constant("Point"))
        .property(
            "coordinates",
            array(number()).min_items(Some(2)).max_items(Some(3)),
        )
        .required("type")
        .required("coordinates")
}

/// A Point, or null: an incident whose reports name no place is a feature
/// without a location (RFC 7946, 3.2).
fn located() -> Schema {
    AnyOfBuilder::new()
        .item(point())
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .into()
}

/// A GeoJSON Feature whose properties are `properties` and id a string.
fn feature(geometry: impl Into<Schema>, properties: ObjectBuilder) -> ObjectBuilder {
    object()
        .property("type", constant("Feature"))
        .property("id", string())
        .property("geometry", geometry.into())
        .property("properties", properties)
        .required("type")
        .required("geometry")
        .required("properties")
}

/// A FeatureCollection of `feature`s.
fn collection(feature: ObjectBuilder) -> ObjectBuilder {
    object()
        .property("type", constant("FeatureCollection"))
        .property("features", array(feature))
        .required("type")
        .required("features")
}

/// A collection of a page: how many matched and how many came.
fn paged(c: ObjectBuilder) -> ObjectBuilder {
    c.property("numberMatched", count())
        .property("numberReturned", count())
        .required("numberMatched")
        .required("numberReturned")
}

fn incident_properties() -> ObjectBuilder {
    let types: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
    object()
        .property("id", string())
        .property("type", string().enum_values(Some(types)))
        .property(
            "date",
            nullable(Type::String).format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
        )
        .property(
            "date_precision",
            string().enum_values(Some(["day", "week", "month", "unknown"])),
        )
        .property("place_id", nullable(Type::String))
        .property("place_ar", nullable(Type::String))
        .property("place_en", nullable(Type::String))
        .property(
            "geo_precision",
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1.0))
                .maximum(Some(3.0)),
        )
        .property("killed", nullable(Type::Integer).minimum(Some(0.0)))
        .property("injured", nullable(Type::Integer).minimum(Some(0.0)))
        .property("arrested", nullable(Type::Integer).minimum(Some(0.0)))
        .property("confidence", number().minimum(Some(0.0)).maximum(Some(1.0)))
        .property("distance_km", number().minimum(Some(0.0)))
        .property(
            "status",
            string().enum_values(Some(["unreviewed", "verified", "rejected"])),
        )
        .property("sources", array(object()))
        .required("id")
        .required("type")
        .required("confidence")
        .description(Some(
            "The incident's fields; with properties=min only id, type, date, place_ar, place_en, distance_km and confidence.",
        ))
}

fn incident_feature() -> ObjectBuilder {
    feature(located(), incident_properties()).required("id")
}

fn place_feature() -> ObjectBuilder {
    let props = object()
        .property("id", string())
        .property("name_ar", string())
        .property("name_en", nullable(Type::String))
        .property("kind", string())
        .property("score", number())
        .property("incident_count", count())
        .required("id")
        .required("name_ar");
    feature(point(), props).required("id")
}

/// Declares a schema component from a builder.
macro_rules! component {
    ($(#[$doc:meta])* $name:ident = $schema:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                RefOr::T(Schema::from($schema))
            }
        }

        impl ToSchema for $name {}
    };
}

component!(
    /// One incident with its place, actors, tolls and (alone) its sources.
    IncidentFeature = incident_feature()
);
component!(
    /// A page of incidents.
    IncidentPage = paged(collection(incident_feature()))
        .property("limit", count())
        .property("offset", count())
        .required("limit")
        .required("offset")
);
component!(
    /// Incidents.
    IncidentCollection = collection(incident_feature())
);
component!(
    /// Every incident selected, as a file.
    IncidentFile = paged(collection(incident_feature()))
);
component!(
    /// A layer's file: its incidents, or for `places.geojson` the places
    /// with their `incident_count`.
    LayerFile = AnyOfBuilder::new()
        .item(paged(collection(incident_feature())))
        .item(collection(place_feature()))
);
component!(
    /// A gazetteer place.
    PlaceFeature = place_feature()
);
component!(
    /// Gazetteer places.
    PlaceCollection = collection(place_feature())
);
component!(
    /// Any GeoJSON features (basemap boundaries and labels).
    FeatureCollection = collection(
        object()
            .property("type", constant("Feature"))
            .property("geometry", object())
            .property("properties", object())
            .required("type")
    )
);
component!(
    /// OGC API - Features items: a page of features with its links.
    OgcItems = paged(collection(
        object()
            .property("type", constant("Feature"))
            .property("id", string())
            .property("geometry", located())
            .property("properties", object())
            .required("type")
            .required("id")
    ))
    .property("links", array(link()))
    .property("timeStamp", string())
    .required("links")
);
component!(
    /// OGC API - Features: one feature with its links.
    OgcFeature = object()
        .property("type", constant("Feature"))
        .property("id", string())
        .property("geometry", located())
        .property("properties", object())
        .property("links", array(link()))
        .required("type")
        .required("id")
        .required("links")
);
component!(
    /// An OGC API document: a landing page or a collection, with links.
    OgcDocument = object().property("links", array(link())).required("links")
);
component!(
    /// What a filter may ask of a collection: a JSON Schema of its
    /// queryables (OGC API - Features Part 3), with the same names as a
    /// list, as GDAL before 3.13 reads them.
    Queryables = object()
        .property("type", string())
        .property("properties", object())
        .property("queryables", array(object().property("id", string()).required("id")))
        .required("type")
        .required("properties")
        .required("queryables")
);
component!(
    /// An OpenAPI 3.0 document: this OGC service's own definition.
    OgcApiDefinition = object()
        .property("openapi", string())
        .property("paths", object())
        .property("components", object())
        .required("openapi")
        .required("paths")
);
component!(
    /// The collections the OGC API serves.
    OgcCollections = object()
        .property("collections", array(object().property("id", string()).property("links", array(link())).required("id").required("links")))
        .property("links", array(link()))
        .required("collections")
        .required("links")
);
component!(
    /// The OGC conformance classes.
    Conformance = object()
        .property("conformsTo", array(string()))
        .required("conformsTo")
);
component!(
    /// TileJSON 3.0.
    TileJson = object()
        .property("tilejson", constant("3.0.0"))
        .property("tiles", array(string()).min_items(Some(1)))
        .property("minzoom", count())
        .property("maxzoom", count())
        .property("bounds", array(number()).min_items(Some(4)).max_items(Some(4)))
        .property("vector_layers", array(object().property("id", string()).property("fields", object()).required("id").required("fields")))
        .required("tilejson")
        .required("tiles")
        .required("vector_layers")
);
component!(
    /// An OpenAPI document.
    OpenApiDocument = object().property("openapi", string()).required("openapi")
);

/// An OGC link.
fn link() -> ObjectBuilder {
    object()
        .property("href", string())
        .property("rel", string())
        .property("type", string())
        .property("title", string())
        .required("href")
        .required("rel")
}

component!(
    /// An article's text, as `text/plain`: not blank.
    ArticleText = super::article_text()
);

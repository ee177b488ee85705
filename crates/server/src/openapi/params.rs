//! The query parameters of the API as its contract states them, built from
//! the same constants and enums the parsers in [`crate::query`] check
//! against: the limits, the event types, the orders, the ranges.

use marsad_model::{EventType, RadiusKm};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::{
    ArrayBuilder, ArrayItems, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::{RefOr, Required};
use utoipa::IntoParams;

use crate::query::{MAX_LIMIT, MAX_OFFSET, MAX_PLACE_QUERY};

/// A parameter with an example a client can try (and the contract test
/// starts from).
fn with_example(p: Parameter, example: serde_json::Value) -> Parameter {
    ParameterBuilder::from(p).example(Some(example)).build()
}

/// An optional query parameter.
fn query(name: &str, description: &str, schema: impl Into<Schema>) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(description))
        .schema(Some(schema.into()))
        .build()
}

/// A list written as one comma-separated value (`bbox=1,2,3,4`).
fn comma_list(name: &str, description: &str, items: Vec<Schema>) -> Parameter {
    let n = items.len();
    let array = ArrayBuilder::new()
        .prefix_items(items)
        .items(ArrayItems::False)
        .min_items(Some(n))
        .max_items(Some(n));
    let mut p = query(name, description, array);
    p.style = Some(ParameterStyle::Form);
    p.explode = Some(false);
    p
}

/// A list given by repeating the parameter (`type=a&type=b`).
fn repeated(name: &str, description: &str, item: impl Into<Schema>) -> Parameter {
    let mut p = query(
        name,
        description,
        ArrayBuilder::new().items(RefOr::T(item.into())),
    );
    p.style = Some(ParameterStyle::Form);
    p.explode = Some(true);
    p
}

fn number(lo: f64, hi: f64) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Number)
        .minimum(Some(lo))
        .maximum(Some(hi))
}

fn integer(lo: u64, hi: u64) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(lo as f64))
        .maximum(Some(hi as f64))
}

fn text(min: usize, max: usize) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(min))
        .max_length(Some(max))
}

fn nonempty() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
}

/// What an article's text, title and address may not hold: a NUL, which
/// no text has and PostgreSQL cannot store (refused alike on both).
pub(crate) const NO_NUL: &str = r"^[^\x00]*$";

/// An article's text: something besides spaces, and no NUL. The spaces
/// are the server's (Unicode's White_Space and the separators U+001C–1F):
/// regex dialects differ on whether `\s` holds U+0085, so it is named.
pub(crate) const ARTICLE_TEXT: &str = r"^[^\x00]*[^\s\x00\x1c-\x1f\x85][^\x00]*$";

/// A field of an article: not empty, no NUL.
fn article_field() -> ObjectBuilder {
    nonempty().pattern(Some(NO_NUL))
}

/// An article's text, as JSON or `text/plain` bodies give it.
pub(crate) fn article_text() -> ObjectBuilder {
    nonempty().pattern(Some(ARTICLE_TEXT)).description(Some(
        "The text (plain text; HTML is read as HTML): something besides spaces, and no NUL.",
    ))
}

/// A JSON article's address: absent, null, or a field.
pub(crate) fn article_url() -> ObjectBuilder {
    optional_article_field().description(Some("Where it was published."))
}

/// A JSON article's headline: absent, null, or a field.
pub(crate) fn article_title() -> ObjectBuilder {
    optional_article_field().description(Some("Its headline (else taken from the text)."))
}

fn optional_article_field() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
            Type::String,
            Type::Null,
        ]))
        .min_length(Some(1))
        .pattern(Some(NO_NUL))
}

fn one_of(values: &[&str]) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
}

/// A correction's event type: one of the taxonomy.
pub(crate) fn event_type_field() -> ObjectBuilder {
    let types: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
    one_of(&types).description(Some("What happened: an event type of the taxonomy."))
}

/// A correction's day.
pub(crate) fn day_field() -> ObjectBuilder {
    day().description(Some("When it happened (YYYY-MM-DD); with date_precision."))
}

/// A correction's latitude.
pub(crate) fn latitude_field() -> ObjectBuilder {
    number(-90.0, 90.0).description(Some("A point moved on the map: its latitude (with lon)."))
}

/// A correction's longitude.
pub(crate) fn longitude_field() -> ObjectBuilder {
    number(-180.0, 180.0).description(Some("A point moved on the map: its longitude (with lat)."))
}

/// A day, `YYYY-MM-DD`.
pub(crate) fn day() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
}

fn latitude() -> Schema {
    number(-90.0, 90.0).into()
}

fn longitude() -> Schema {
    number(-180.0, 180.0).into()
}

/// `min_lon,min_lat,max_lon,max_lat`.
fn bbox(description: &str) -> Parameter {
    comma_list(
        "bbox",
        description,
        vec![longitude(), latitude(), longitude(), latitude()],
    )
}

/// The filters every incident query shares (also the tiles').
pub struct FilterParams;

impl IntoParams for FilterParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let types: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
        vec![
            query("since", "Only incidents on or after this day. A range that ends before it starts holds nothing.", day()),
            query("until", "Only incidents on or before this day.", day()),
            repeated("type", "Event types: repeated, or comma-separated in one value.", one_of(&types)),
            repeated(
                "actor",
                "Ids of actors or targets (sdf, irgc, us_forces…): repeated, or comma-separated in one value.",
                nonempty(),
            ),
            query("min_confidence", "Lowest confidence admitted.", number(0.0, 1.0)),
            query("geo_precision", "Coarsest ACLED geo precision admitted: 1 the place itself, 2 near it, 3 its district or region.", integer(1, 3)),
            repeated(
                "status",
                "Review states: unreviewed, verified, rejected; repeated, or comma-separated in one value. On a server started with `--public verified`, readers who are not signed in see verified incidents only, whatever they ask.",
                one_of(&["unreviewed", "verified", "rejected"]),
            ),
        ]
    }
}

/// Where: a radius around a point or a named place, or a box.
pub struct AreaParams;

impl IntoParams for AreaParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut radius = ObjectBuilder::new()
            .schema_type(Type::Number)
            .exclusive_minimum(Some(0.0))
            .maximum(Some(RadiusKm::MAX));
        radius = radius.default(Some(25.0.into()));
        use serde_json::json;
        vec![
            with_example(bbox("A box, min_lon,min_lat,max_lon,max_lat (WGS 84); min_lat above max_lat is refused with 422."), json!([38.5, 33.5, 41.5, 36.0])),
            with_example(query("lat", "Latitude of a radius query's centre; lon is then required (422 without it).", latitude()), json!(34.45)),
            with_example(query("lon", "Longitude of a radius query's centre; lat is then required (422 without it).", longitude()), json!(40.92)),
            with_example(query("place", "A radius query's centre: a gazetteer place id or name («البوكمال», «Deir ez-Zor»); 422 if the gazetteer has no such place.", text(1, MAX_PLACE_QUERY)), json!("البوكمال")),
            with_example(query("radius_km", "Geodesic radius around the centre, km (25 if a centre is given without it; 422 without a centre).", radius), json!(150)),
        ]
    }
}

/// A page and its order.
pub struct PageParams;

impl IntoParams for PageParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            query("limit", "Page size (downloads: every incident unless given).", integer(0, MAX_LIMIT as u64)),
            query("offset", "Incidents to skip.", integer(0, MAX_OFFSET as u64)),
            query("sort", "distance (radius queries; nearest first), date (oldest first), -date (newest first) or confidence (least confident first: a review queue). Default: distance around a centre, else -date.", one_of(&["distance", "date", "-date", "confidence"])),
            query("properties", "all (default) or min: only id, type, date, place names and confidence.", one_of(&["all", "min"])),
        ]
    }
}

/// A histogram's bins.
pub struct BinParams;

impl IntoParams for BinParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![query(
            "bin",
            "Width of a bin: day (default), week (from Monday) or month.",
            one_of(&["day", "week", "month"]),
        )]
    }
}

/// A gazetteer search.
pub struct PlaceSearchParams;

impl IntoParams for PlaceSearchParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut q = with_example(
            query(
                "q",
                "A place name in Arabic or Latin script; spelling-tolerant.",
                text(1, MAX_PLACE_QUERY),
            ),
            "الميادين".into(),
        );
        q.required = Required::True;
        vec![
            q,
            comma_list(
                "near",
                "lat,lon: rank places nearer this point higher.",
                vec![latitude(), longitude()],
            ),
            query(
                "limit",
                "How many places at most (default 10).",
                integer(0, crate::query::MAX_PLACES as u64),
            ),
        ]
    }
}

/// OGC API - Features items.
pub struct OgcItemsParams;

impl IntoParams for OgcItemsParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            bbox("min_lon,min_lat,max_lon,max_lat (WGS 84)."),
            query(
                "datetime",
                "incidents: a day or date-time, or an interval a/b with .. or nothing for an open end (RFC 3339); 422 for a day that does not exist.",
                ObjectBuilder::new().schema_type(Type::String).pattern(Some(crate::ogc::DATETIME_PATTERN)),
            ),
            query(
                "limit",
                "Page size (default 100). The page's `next` link asks twice it, up to 1,000, so a walk's pages grow.",
                integer(0, MAX_LIMIT as u64),
            ),
            query("offset", "Features to skip.", integer(0, MAX_OFFSET as u64)),
            repeated(
                "status",
                "incidents: review states (unreviewed, verified, rejected); repeated, or comma-separated in one value. Readers who are not signed in on a server started with `--public verified` see verified incidents only.",
                one_of(&["unreviewed", "verified", "rejected"]),
            ),
            query(
                "filter",
                "incidents: a CQL2-text expression over the queryables (/ogc/collections/incidents/queryables): comparisons, AND/OR/NOT, BETWEEN, IN, LIKE, IS NULL, S_INTERSECTS(geometry, BBOX(…) or WKT), T_INTERSECTS(date, DATE(…) or INTERVAL(…)). 400 with the line and column where it does not parse.",
                text(1, crate::ogc::MAX_FILTER),
            ),
            query(
                "filter-lang",
                "The filter's language: cql2-text (cql-text, as GDAL writes it, is read as cql2-text).",
                one_of(&["cql2-text", "cql-text"]),
            ),
            query(
                "cursor",
                "incidents: where the previous page ended, as its `next` link gives it (a keyset: a page deep in the collection costs what the first does).",
                text(3, 512).pattern(Some(crate::ogc::CURSOR_PATTERN)),
            ),
        ]
    }
}

/// What a `text/plain` article's query string may add.
pub struct ArticleParams;

impl IntoParams for ArticleParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            query(
                "published",
                "Publication day (for text/plain bodies, or to override the body's).",
                day(),
            ),
            query(
                "url",
                "Where the article was published (text/plain bodies).",
                article_field(),
            ),
            query(
                "title",
                "Its headline (text/plain bodies).",
                article_field(),
            ),
        ]
    }
}

/// A layer's file, `<layer id>.geojson`.
pub struct LayerFileParam;

impl IntoParams for LayerFileParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let files = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(crate::api::layers::layer_files()));
        vec![ParameterBuilder::new()
            .name("file")
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .description(Some("`<layer id>.geojson`: all, an event type, or places"))
            .schema(Some(files))
            .build()]
    }
}

/// An OGC collection: `incidents` or `places`.
pub struct CollectionParam;

impl IntoParams for CollectionParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![ParameterBuilder::new()
            .name("cid")
            .parameter_in(ParameterIn::Path)
            .required(Required::True)
            .description(Some("The collection"))
            .schema(Some(one_of(&crate::ogc::COLLECTIONS)))
            .build()]
    }
}

/// How many of the latest articles.
pub struct LatestParams;

impl IntoParams for LatestParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![query(
            "limit",
            "How many articles at most (default 20).",
            integer(0, crate::query::MAX_ARTICLES as u64),
        )]
    }
}

/// A tile's address: zoom, column, row (the row's path segment ends in
/// `.mvt`).
pub struct TileParams;

impl IntoParams for TileParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let max_zoom = marsad_tiles::TileId::MAX_ZOOM;
        let path = |name: &str, description: &str, hi: u64| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .description(Some(description))
                .schema(Some(integer(0, hi)))
                .build()
        };
        vec![
            path("z", "Zoom", u64::from(max_zoom)),
            path("x", "Column, below 2^z", (1 << max_zoom) - 1),
            path("y", "Row, below 2^z", (1 << max_zoom) - 1),
        ]
    }
}

/// `If-Match`: the version of an incident a writer read.
pub struct IfMatchParam;

impl IntoParams for IfMatchParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![ParameterBuilder::new()
            .name("If-Match")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "The version read (the review's ETag, `\"3\"`): refused with 409 if the incident changed since.",
            ))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .pattern(Some(r#"^(\*|(W/)?"?[0-9]{1,9}"?)$"#)),
            ))
            .build()]
    }
}

/// The version key the map adds to its tile addresses.
pub struct TileVersionParam;

impl IntoParams for TileVersionParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![query(
            "v",
            "Any value, ignored: the map changes it when the data changes, so caches fetch the tiles again.",
            ObjectBuilder::new().schema_type(Type::String),
        )]
    }
}

/// `f`, the encoding an OGC client may ask for: JSON is the only one served.
pub struct OgcFormatParam;

impl IntoParams for OgcFormatParam {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![query(
            "f",
            "The encoding: JSON (GeoJSON for features), the only one served.",
            one_of(&["json", "geojson"]),
        )]
    }
}

/// Whose alerts a list gives.
pub struct AlertListParams;

impl IntoParams for AlertListParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![query(
            "owner",
            "Whose alerts: the caller's by default; an admin may name another user, or `*` for everyone's (403 for anyone else).",
            text(1, 200).pattern(Some(NO_NUL)),
        )]
    }
}

/// How many of an alert's matches.
pub struct AlertMatchParams;

impl IntoParams for AlertMatchParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![query(
            "limit",
            "At most this many, newest first (default 100).",
            integer(1, crate::api::alerts::MAX_MATCHES as u64),
        )]
    }
}

/// An alert feed's key.
pub struct FeedKeyParams;

impl IntoParams for FeedKeyParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let mut key = query(
            "key",
            "The alert's feed key, as in its `feed_url`: it stands for a token.",
            text(1, 200).pattern(Some(NO_NUL)),
        );
        key.required = Required::True;
        vec![key]
    }
}

/// What the live stream carries.
pub struct StreamParams;

impl IntoParams for StreamParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let types: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
        vec![
            bbox("Only incidents inside min_lon,min_lat,max_lon,max_lat (WGS 84); min_lat above max_lat is refused with 422."),
            repeated("type", "Only these event types: repeated, or comma-separated in one value.", one_of(&types)),
        ]
    }
}

/// A list of event types (an alert's filter).
pub(crate) fn event_types_field() -> ArrayBuilder {
    let types: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
    ArrayBuilder::new().items(RefOr::T(Schema::from(one_of(&types))))
}

/// A list of review states (an alert's filter).
pub(crate) fn review_states_field() -> ArrayBuilder {
    ArrayBuilder::new().items(RefOr::T(Schema::from(one_of(&[
        "unreviewed",
        "verified",
        "rejected",
    ]))))
}

/// An alert's box: `[west, south, east, north]`.
pub(crate) fn bbox_field() -> ArrayBuilder {
    ArrayBuilder::new()
        .prefix_items(vec![longitude(), latitude(), longitude(), latitude()])
        .items(ArrayItems::False)
        .min_items(Some(4))
        .max_items(Some(4))
}

//! The API's contract (`GET /api/v1/openapi.json`): an OpenAPI 3.1
//! document generated from the code. Each handler carries its
//! `#[utoipa::path]` (method, path, parameters, every answer), and
//! [`routes`] registers the handlers through it, so a route cannot exist
//! without its description. The parameters come from the parsers'
//! constants ([`params`]), the answers from the typed bodies or, for the
//! GeoJSON written by hand, from [`schemas`].

mod params;
mod schemas;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use utoipa::openapi::response::{Response as Answer, ResponseBuilder};
use utoipa::openapi::schema::Ref;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, RefOr};
use utoipa::{IntoResponses, Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) use params::{
    article_text, article_title, article_url, bbox_field, day_field, event_type_field,
    event_types_field, latitude_field, longitude_field, review_states_field,
};
pub(crate) use params::{
    AlertListParams, AlertMatchParams, AreaParams, ArticleParams, BinParams, CollectionParam,
    FeedKeyParams, FilterParams, IfMatchParam, LatestParams, LayerFileParam, OgcFormatParam,
    OgcItemsParams, PageParams, PlaceSearchParams, StreamParams, TileParams, TileVersionParam,
};
pub(crate) use schemas::*;

use crate::{api, ogc, tiles, web, AppState};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Marsad API",
        description = "Incidents in eastern Syria extracted from Arabic news: GeoJSON, radius queries, downloads, aggregates, vector tiles, OGC API - Features. Errors are JSON {error: {code, message}}: 400 for a malformed request (what this document calls invalid), 422 for a well-formed one that cannot be answered (parameters that need each other, a place the gazetteer lacks), 404 for what does not exist.",
        license(name = "MIT OR Apache-2.0")
    ),
    servers((url = "/")),
    paths(tiles::incident_tile, tiles::place_tile),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&BearerToken),
    tags(
        (name = "incidents", description = "Incidents: pages, the nearest, one, downloads"),
        (name = "map", description = "What the web map draws: layers, aggregates, tiles, basemap"),
        (name = "places", description = "The gazetteer"),
        (name = "articles", description = "Submitting articles (bearer token)"),
        (name = "review", description = "Verifying and rejecting incidents, and the audit trail (bearer token; roles)"),
        (name = "alerts", description = "Standing alerts on areas: webhooks, Atom feeds, the live stream (bearer token; a user's own alerts)"),
        (name = "ogc", description = "OGC API - Features"),
        (name = "service", description = "Health and this document"),
    )
)]
struct ApiDoc;

/// The bearer token that allows writes.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, doc: &mut Document) {
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
    }
}

/// Every documented route, registered through its description.
pub(crate) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(api::health::healthz))
        .routes(routes!(api::health::healthz_v1))
        .routes(routes!(document))
        .routes(routes!(api::incidents::list))
        .routes(routes!(api::incidents::near))
        .routes(routes!(api::actors::list))
        .routes(routes!(api::incidents::one, api::review::correct))
        .routes(routes!(api::review::get, api::review::post))
        .routes(routes!(api::review::history))
        .routes(routes!(api::review::merge))
        .routes(routes!(api::review::split))
        .routes(routes!(api::review::me))
        .routes(routes!(api::alerts::create, api::alerts::list))
        .routes(routes!(
            api::alerts::one,
            api::alerts::update,
            api::alerts::remove
        ))
        .routes(routes!(api::alerts::matches))
        .routes(routes!(api::alerts::feed))
        .routes(routes!(api::stream::stream))
        .routes(routes!(api::layers::list))
        .routes(routes!(api::layers::download))
        .routes(routes!(api::exports::csv))
        .routes(routes!(api::exports::geojson))
        .routes(routes!(api::exports::parquet))
        .routes(routes!(api::exports::fgb))
        .routes(routes!(api::places::search))
        .routes(routes!(api::places::one))
        .routes(routes!(api::stats::counts))
        .routes(routes!(api::stats::histogram))
        .routes(routes!(api::articles::post, api::feeds::latest))
        .routes(routes!(api::articles::one))
        .routes(routes!(api::feeds::list))
        .routes(routes!(tiles::tilejson))
        .routes(routes!(web::admin))
        .routes(routes!(web::labels))
        .routes(routes!(ogc::landing))
        .routes(routes!(ogc::conformance))
        .routes(routes!(ogc::collections))
        .routes(routes!(ogc::collection))
        .routes(routes!(ogc::items))
        .routes(routes!(ogc::item))
        .routes(routes!(ogc::queryables))
        .routes(routes!(ogc::api))
}

/// The document as registered.
pub fn spec() -> Document {
    let (_, mut doc) = routes().split_for_parts();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    refusable_queries(&mut doc);
    doc
}

/// Declares the 400 of every operation that takes query parameters: the
/// router refuses unknown, repeated or unlisted ones before the handler
/// runs (`crate::contract`), whatever the handler itself may answer.
fn refusable_queries(doc: &mut Document) {
    use utoipa::openapi::path::ParameterIn;
    for item in doc.paths.paths.values_mut() {
        for op in [&mut item.get, &mut item.post].into_iter().flatten() {
            let takes_query = op
                .parameters
                .iter()
                .flatten()
                .any(|p| p.parameter_in == ParameterIn::Query);
            if takes_query {
                op.responses
                    .responses
                    .entry("400".to_string())
                    .or_insert_with(|| {
                        RefOr::T(error(
                            "A parameter is unknown, given twice, malformed or out of range; the message names it",
                        ))
                    });
            }
        }
    }
}

/// The document as served: with the links from lists to their items
/// (added as JSON: utoipa 5 writes a link's `operationId` in snake case).
pub fn document_json() -> Value {
    let mut doc = serde_json::to_value(spec()).unwrap_or_default();
    let features = "$response.body#/features/0/id";
    let links = [
        (
            "/api/v1/incidents",
            "get",
            "200",
            "getIncident",
            json!({"id": features}),
        ),
        (
            "/api/v1/incidents/near",
            "get",
            "200",
            "getIncident",
            json!({"id": features}),
        ),
        (
            "/api/v1/places",
            "get",
            "200",
            "getPlace",
            json!({"id": features}),
        ),
        (
            "/api/v1/articles",
            "post",
            "201",
            "getIncident",
            json!({"id": "$response.body#/incidents/features/0/id"}),
        ),
        (
            "/ogc/collections/{cid}/items",
            "get",
            "200",
            "getOgcItem",
            json!({"cid": "$request.path.cid", "fid": features}),
        ),
    ];
    for (path, method, status, to, parameters) in links {
        if let Some(answer) = doc
            .pointer_mut(&format!(
                "/paths/{}/{method}/responses/{status}",
                path.replace('/', "~1")
            ))
            .and_then(Value::as_object_mut)
        {
            answer.insert(
                "links".into(),
                json!({ to: {"operationId": to, "parameters": parameters} }),
            );
        }
    }
    doc
}

/// Returns the OpenAPI 3.1 description of this API.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    operation_id = "getOpenApi",
    tag = "service",
    responses((status = 200, description = "This document", body = OpenApiDocument), Unavailable)
)]
pub async fn document() -> Response {
    static DOC: OnceLock<String> = OnceLock::new();
    let json = DOC.get_or_init(|| document_json().to_string());
    ([(header::CONTENT_TYPE, "application/json")], json.as_str()).into_response()
}

/// An error answer with the error body.
fn error(description: &str) -> Answer {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
        )
        .build()
}

/// Declares a set of error answers an operation may give.
macro_rules! errors {
    ($($(#[$doc:meta])* $name:ident { $($status:literal => $why:literal),* $(,)? })*) => {$(
        $(#[$doc])*
        pub struct $name;

        impl IntoResponses for $name {
            fn responses() -> BTreeMap<String, RefOr<Answer>> {
                BTreeMap::from([$(($status.to_string(), RefOr::T(error($why)))),*])
            }
        }
    )*};
}

errors! {
    /// Any answer may be late.
    Unavailable {
        "503" => "The answer took longer than the server allows",
        "500" => "The server failed (a bug): the body names the request_id to quote; the cause is logged",
    }
    /// Queries: a malformed parameter, or well-formed ones that cannot be answered.
    QueryErrors {
        "400" => "A parameter is malformed or out of range; the message names it",
        "422" => "The parameters are well-formed but cannot be answered together (lat without lon, radius_km without a centre, min_lat above max_lat, a place the gazetteer lacks)",
        "503" => "The answer took longer than the server allows",
        "500" => "The server failed (a bug): the body names the request_id to quote; the cause is logged",
    }
    /// Items: no such item.
    ItemErrors {
        "404" => "No such item",
        "503" => "The answer took longer than the server allows",
        "500" => "The server failed (a bug): the body names the request_id to quote; the cause is logged",
    }
    /// Queries of an item's children (layers, OGC collections).
    ItemQueryErrors {
        "400" => "A parameter is malformed or out of range; the message names it",
        "404" => "No such layer or collection",
        "422" => "The parameters are well-formed but cannot be answered together",
        "503" => "The answer took longer than the server allows",
        "500" => "The server failed (a bug): the body names the request_id to quote; the cause is logged",
    }
}

/// A 401 with the header that names the scheme.
fn unauthorized() -> Answer {
    let mut a = error("No bearer token, or a wrong or revoked one");
    let mut h = utoipa::openapi::header::Header::new(
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String),
    );
    h.description = Some("Bearer: the scheme the token is sent with".into());
    a.headers.insert("WWW-Authenticate".into(), h);
    a
}

/// The answers of what only signed-in users may read.
pub struct SignedInErrors;

impl IntoResponses for SignedInErrors {
    fn responses() -> BTreeMap<String, RefOr<Answer>> {
        [
            ("401", unauthorized()),
            ("403", error("The token's role may not do this")),
            ("404", error("No such incident or article")),
            ("503", error("The answer took longer than the server allows")),
            ("500", error("The server failed (a bug): the body names the request_id to quote; the cause is logged")),
        ]
        .into_iter()
        .map(|(s, a)| (s.to_string(), RefOr::T(a)))
        .collect()
    }
}

/// The answers of a review decision.
pub struct ReviewErrors;

impl IntoResponses for ReviewErrors {
    fn responses() -> BTreeMap<String, RefOr<Answer>> {
        let mut out = SignedInErrors::responses();
        out.insert(
            "400".into(),
            RefOr::T(error(
                "The body is malformed, or a field is missing or wrong; the message names it",
            )),
        );
        out.insert(
            "403".into(),
            RefOr::T(error("The token's role may not review (a viewer)")),
        );
        out.insert(
            "422".into(),
            RefOr::T(error("Fields that do not go together: a rejection without a reason, a reason without a rejection, `other` without a note")),
        );
        out.insert(
            "409".into(),
            RefOr::T(error("The incident changed since the version If-Match names; the message gives the current one")),
        );
        out
    }
}

/// The answers of a correction.
pub struct CorrectionErrors;

impl IntoResponses for CorrectionErrors {
    fn responses() -> BTreeMap<String, RefOr<Answer>> {
        let mut out = ReviewErrors::responses();
        out.insert(
            "403".into(),
            RefOr::T(error(
                "The token's role may not correct incidents (an editor or above may)",
            )),
        );
        out.insert(
            "422".into(),
            RefOr::T(error("Nothing to correct, a place the gazetteer lacks, an actor the lexicon lacks, lat without lon, or a date without a precision that has one")),
        );
        out
    }
}

/// The answers of writing an alert.
pub struct AlertErrors;

impl IntoResponses for AlertErrors {
    fn responses() -> BTreeMap<String, RefOr<Answer>> {
        let mut out = SignedInErrors::responses();
        out.insert(
            "400".into(),
            RefOr::T(error(
                "The body is malformed, or a field is out of range (a radius over 500 km, a self-intersecting polygon, a line without a buffer); the message names the field",
            )),
        );
        out.insert("403".into(), RefOr::T(error("The alert is another user's")));
        out.insert(
            "422".into(),
            RefOr::T(error(
                "A place the gazetteer lacks, or a webhook address the server may not call (loopback, private, link-local)",
            )),
        );
        out
    }
}

/// The answers of a merge.
pub struct MergeErrors;

impl IntoResponses for MergeErrors {
    fn responses() -> BTreeMap<String, RefOr<Answer>> {
        let mut out = CorrectionErrors::responses();
        out.insert(
            "403".into(),
            RefOr::T(error(
                "The token's role may not merge incidents (an editor or above may)",
            )),
        );
        out.insert(
            "422".into(),
            RefOr::T(error(
                "No incident to merge into, the incident itself, or one merged already",
            )),
        );
        out
    }
}

/// The answers of a split.
pub struct SplitErrors;

impl IntoResponses for SplitErrors {
    fn responses() -> BTreeMap<String, RefOr<Answer>> {
        let mut out = CorrectionErrors::responses();
        out.insert(
            "403".into(),
            RefOr::T(error(
                "The token's role may not split incidents (an editor or above may)",
            )),
        );
        out.insert(
            "422".into(),
            RefOr::T(error(
                "The incident has no such source, or it is its only one",
            )),
        );
        out
    }
}

/// The answers of a write, with their headers.
pub struct WriteErrors;

impl IntoResponses for WriteErrors {
    fn responses() -> BTreeMap<String, RefOr<Answer>> {
        use utoipa::openapi::header::Header;
        let header = |description: &str| {
            let mut h = Header::new(
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String),
            );
            h.description = Some(description.to_string());
            h
        };
        let mut unauthorized = error("No bearer token, or the wrong one");
        unauthorized.headers.insert(
            "WWW-Authenticate".into(),
            header("Bearer: the scheme the token is sent with"),
        );
        let mut throttled = error("Too many writes; try again after Retry-After seconds");
        throttled
            .headers
            .insert("Retry-After".into(), header("Seconds to wait"));
        [
            (
                "400",
                error("The body or a parameter is malformed, empty or not UTF-8"),
            ),
            ("401", unauthorized),
            (
                "403",
                error("Writes are disabled (no one can sign in: the server runs without --token and the store has no users), or the token's role may not write (an editor or above may)"),
            ),
            ("413", error("The body is larger than the server accepts")),
            (
                "415",
                error("The body is neither application/json nor text/plain"),
            ),
            ("429", throttled),
            (
                "503",
                error("The answer took longer than the server allows, or the database cannot be written now (its disk is full, it is read-only): nothing was stored; try again later"),
            ),
            (
                "500",
                error("The server failed (a bug): the body names the request_id to quote; the cause is logged"),
            ),
        ]
        .into_iter()
        .map(|(s, a)| (s.to_string(), RefOr::T(a)))
        .collect()
    }
}

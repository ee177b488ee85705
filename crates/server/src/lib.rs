//! Marsad's HTTP API, built on axum: incidents as GeoJSON, layers,
//! downloads (GeoJSON and ACLED-style CSV), radius queries, place search,
//! article submission, aggregates for the map (`/api/v1/stats`), vector
//! tiles (`/tiles`), an OpenAPI description and OGC API - Features
//! (`/ogc`) for GIS tools. Library crates below know nothing of HTTP; this
//! crate only adapts them.
//!
//! [`router`] builds the whole application; `main` and the tests both call it.
#![forbid(unsafe_code)]

mod api;
mod cache;
mod download;
mod error;
mod log;
mod ogc;
mod openapi;
mod query;
mod readers;
mod response;
mod state;
mod tiles;
mod web;

pub use error::AppError;
pub use query::{Area, Params, Selection, MAX_LIMIT};
pub use state::{follow, AppState, Config, Follow, FOLLOW_EVERY};

use axum::routing::{get, post};
use axum::Router;

/// How long a request may take to be answered (its body may stream for
/// longer: a download of millions), waiting for a free slot included.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Requests served at once; more wait for a slot (within the timeout), so
/// one client's burst cannot take every thread from the rest.
pub const MAX_IN_FLIGHT: usize = 256;

/// The policy sent with every answer: the map loads nothing from elsewhere,
/// runs no inline script or style, and is framed by no other site.
pub const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The application: every route, with body limits, security headers, a
/// timeout, a limit on requests at once, and tracing.
pub fn router(state: AppState) -> Router {
    use axum::http::{header, HeaderValue};
    use tower_http::set_header::SetResponseHeaderLayer;
    let max_body = state.config.max_body_bytes;
    let limits = tower::ServiceBuilder::new()
        .layer(axum::error_handling::HandleErrorLayer::new(
            error::from_layers,
        ))
        .timeout(REQUEST_TIMEOUT)
        .concurrency_limit(MAX_IN_FLIGHT);
    Router::new()
        .route("/", get(web::index))
        .route("/assets/{file}", get(web::assets))
        .route("/basemap/admin.geojson", get(web::admin))
        .route("/api/v1/basemap/places.geojson", get(web::labels))
        .route("/healthz", get(api::health::healthz))
        .route("/api/v1/healthz", get(api::health::healthz))
        .route("/api/v1/openapi.json", get(openapi::document))
        .route("/api/v1/incidents", get(api::incidents::list))
        .route("/api/v1/incidents/near", get(api::incidents::near))
        .route("/api/v1/incidents/{id}", get(api::incidents::one))
        .route("/api/v1/layers", get(api::layers::list))
        .route("/api/v1/layers/{file}", get(api::layers::download))
        .route("/api/v1/export.csv", get(api::exports::csv))
        .route("/api/v1/export.geojson", get(api::exports::geojson))
        .route("/api/v1/places", get(api::places::search))
        .route("/api/v1/places/{id}", get(api::places::one))
        .route("/api/v1/stats/counts", get(api::stats::counts))
        .route("/api/v1/stats/histogram", get(api::stats::histogram))
        .route("/api/v1/articles", post(api::articles::post))
        .route("/tiles/incidents.json", get(tiles::tilejson))
        .route("/tiles/incidents/{z}/{x}/{y}", get(tiles::incident_tile))
        .route("/ogc", get(ogc::landing))
        .route("/ogc/", get(ogc::landing))
        .route("/ogc/conformance", get(ogc::conformance))
        .route("/ogc/api", get(openapi::document))
        .route("/ogc/collections", get(ogc::collections))
        .route("/ogc/collections/{cid}", get(ogc::collection))
        .route("/ogc/collections/{cid}/items", get(ogc::items))
        .route("/ogc/collections/{cid}/items/{fid}", get(ogc::item))
        .fallback(api::health::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .layer(limits)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(log::requests())
        .with_state(state)
}

/// Every route's method and path, as the OpenAPI document must list them.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/basemap/admin.geojson"),
    ("get", "/api/v1/basemap/places.geojson"),
    ("get", "/healthz"),
    ("get", "/api/v1/healthz"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/incidents"),
    ("get", "/api/v1/incidents/near"),
    ("get", "/api/v1/incidents/{id}"),
    ("get", "/api/v1/layers"),
    ("get", "/api/v1/layers/{file}"),
    ("get", "/api/v1/export.csv"),
    ("get", "/api/v1/export.geojson"),
    ("get", "/api/v1/places"),
    ("get", "/api/v1/places/{id}"),
    ("get", "/api/v1/stats/counts"),
    ("get", "/api/v1/stats/histogram"),
    ("post", "/api/v1/articles"),
    ("get", "/tiles/incidents.json"),
    ("get", "/tiles/incidents/{z}/{x}/{y}.mvt"),
    ("get", "/ogc"),
    ("get", "/ogc/conformance"),
    ("get", "/ogc/collections"),
    ("get", "/ogc/collections/{cid}"),
    ("get", "/ogc/collections/{cid}/items"),
    ("get", "/ogc/collections/{cid}/items/{fid}"),
];

//! Marsad's HTTP API, built on axum: incidents as GeoJSON, layers,
//! downloads (GeoJSON and ACLED-style CSV), radius queries, place search,
//! article submission, aggregates for the map (`/api/v1/stats`), vector
//! tiles (`/tiles`), an OpenAPI description and OGC API - Features
//! (`/ogc`) for GIS tools. Library crates below know nothing of HTTP; this
//! crate only adapts them.
//!
//! [`router`] builds the whole application; `main` and the tests both call it.
#![forbid(unsafe_code)]

mod alerts;
mod api;
mod auth;
mod cache;
mod contract;
mod download;
mod error;
mod fgb;
mod guard;
mod log;
pub mod metrics;
mod ogc;
mod openapi;
mod query;
mod readers;
mod response;
mod snapshot;
mod state;
mod tiles;
mod web;

pub use alerts::alert_jobs;
pub use error::{AppError, ErrorBody};
pub use guard::REQUEST_ID;
pub use openapi::{document_json as openapi_document, spec as openapi_spec};
pub use query::{Area, Params, Selection, MAX_LIMIT};
pub use snapshot::{keep_snapshot, SNAPSHOT_EVERY};
pub use state::{
    follow, AppState, Config, Cors, Follow, LoadedIndex, MetricsAt, Public, FOLLOW_EVERY,
};

use axum::routing::get;
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

/// The application: every route, through [`serve_routes`]'s layers.
pub fn router(state: AppState) -> Router {
    let (documented, _) = openapi::routes().split_for_parts();
    let mut routes = documented
        .route("/", get(web::index))
        .route("/assets/{file}", get(web::assets))
        // The path `{y}.mvt`, which axum's router cannot match, as `{y}`.
        .route("/tiles/incidents/{z}/{x}/{y}", get(tiles::incident_tile))
        .route("/tiles/places/{z}/{x}/{y}", get(tiles::place_tile))
        .route("/ogc/", get(ogc::landing))
        // Only on the routes above: a path no route matches has no
        // operation to check against, and gets its 404.
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            contract::check_query,
        ));
    if state.config.metrics == MetricsAt::Public {
        routes = routes.route("/metrics", get(metrics::scrape));
    }
    serve_routes(routes, state)
}

/// The metrics alone, for a listener of their own (`--metrics-addr`).
pub fn metrics_router(state: AppState) -> Router {
    serve_routes(Router::new().route("/metrics", get(metrics::scrape)), state)
}

/// `routes` as the server serves every route: unknown paths a JSON 404;
/// body limits, a timeout and a limit on requests at once; panics
/// answered and every request counted ([`guard::contain`]); security
/// headers, CORS as configured; request ids and tracing.
pub fn serve_routes(routes: Router<AppState>, state: AppState) -> Router {
    use axum::http::{header, HeaderValue};
    use tower_http::set_header::SetResponseHeaderLayer;
    let max_body = state.config.max_body_bytes;
    let cors = cors(&state.config.cors);
    let limits = tower::ServiceBuilder::new()
        .layer(axum::error_handling::HandleErrorLayer::new(
            error::from_layers,
        ))
        .timeout(REQUEST_TIMEOUT)
        .concurrency_limit(MAX_IN_FLIGHT);
    routes
        .fallback(api::health::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(max_body))
        .layer(limits)
        .layer(axum::middleware::from_fn(guard::contain))
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
        .layer(tower::util::option_layer(cors))
        .layer(log::requests())
        .layer(axum::middleware::from_fn(guard::identify))
        .with_state(state)
}

/// The CORS policy configured, if any: reads (and writes, which still need
/// the token) from the origins given, answering their preflights.
fn cors(policy: &Cors) -> Option<tower_http::cors::CorsLayer> {
    use axum::http::{header, Method};
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let origins = match policy {
        Cors::Off => return None,
        Cors::Any => AllowOrigin::any(),
        Cors::Origins(list) => AllowOrigin::list(list.iter().cloned()),
    };
    Some(
        CorsLayer::new()
            .allow_origin(origins)
            .allow_methods([Method::GET, Method::HEAD, Method::POST])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_NONE_MATCH,
            ])
            .expose_headers([
                header::ETAG,
                header::CONTENT_DISPOSITION,
                header::RETRY_AFTER,
            ])
            .max_age(std::time::Duration::from_secs(3600)),
    )
}

/// Every documented operation's method and path, from the OpenAPI
/// document (the router registers these through their descriptions).
pub fn documented_routes() -> Vec<(String, String)> {
    openapi::spec()
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| {
            [
                ("get", item.get.is_some()),
                ("post", item.post.is_some()),
                ("put", item.put.is_some()),
                ("delete", item.delete.is_some()),
                ("patch", item.patch.is_some()),
            ]
            .into_iter()
            .filter(|(_, has)| *has)
            .map(move |(m, _)| (m.to_string(), path.clone()))
        })
        .collect()
}

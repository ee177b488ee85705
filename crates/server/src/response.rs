//! Response shapes shared by the handlers.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// A GeoJSON body; with `download`, a file of that name.
pub fn geojson(body: impl Into<axum::body::Body>, download: Option<&str>) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/geo+json"),
    );
    if let Some(name) = download {
        if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
            headers.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    (StatusCode::OK, headers, body.into()).into_response()
}

/// A JSON body of another media type (OGC's `application/json`,
/// `application/geo+json`).
pub fn json_as(v: &impl serde::Serialize, ctype: &'static str) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, ctype)],
        serde_json::to_string(v).unwrap_or_default(),
    )
        .into_response()
}

/// Base URL of the request («http://127.0.0.1:8080»), from the Host header
/// (and `X-Forwarded-Proto` behind a proxy).
pub fn base(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("http");
    format!("{proto}://{host}")
}

/// An `ETag` for a representation (`what`: the tile, the query) of the
/// index at `generation` in the process started at `started`: no other
/// state of the data, and no other run of the server, gives the same.
pub fn etag(started: u128, generation: u64, what: &str) -> String {
    format!(
        "\"{started:x}-{generation:x}-{:x}\"",
        marsad_model::fnv1a(what.as_bytes(), 0)
    )
}

/// Whether the client already holds `etag` (`If-None-Match`).
pub fn fresh(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
}

/// Headers of an answer a client revalidates every time: its type, its
/// tag, `Cache-Control: no-cache`, `Vary: Authorization`. The answer is a 304 until an ingest
/// changes the index, and a map never shows yesterday's data.
pub fn revalidated(ctype: &'static str, etag: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // A signed-in reader may see more than an anonymous one (`--public
    // verified`): a cache keeps their answers apart.
    h.insert(header::VARY, HeaderValue::from_static("authorization"));
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    h
}

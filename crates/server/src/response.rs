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

//! What no request may end in: a connection dropped without an answer.
//! Every request gets an id (`X-Request-Id`, kept from a proxy or made
//! here), carried by its log lines and its answer; a panic anywhere below
//! [`contain`] is answered with a 500 and the JSON error body naming that
//! id, logged at `error` with its cause, and counted.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;

use crate::AppError;

/// The header a request's id travels in, both ways.
pub const REQUEST_ID: &str = "x-request-id";

/// Longest id taken from a client or proxy; a longer one is replaced.
const MAX_ID: usize = 64;

/// A request's id.
#[derive(Debug, Clone)]
pub(crate) struct RequestId(pub(crate) String);

tokio::task_local! {
    /// The id of the request the current task answers: error bodies made
    /// deep in a handler name it without every handler passing it down.
    static CURRENT: RequestId;
}

/// The id of the request being answered, if any.
pub(crate) fn current_request_id() -> Option<String> {
    CURRENT.try_with(|id| id.0.clone()).ok()
}

/// The id a proxy gave the request, if it is a plain token (letters,
/// digits, `-`, `_`, `.`) short enough to log; else a new one.
fn id_of(req: &Request) -> RequestId {
    let given = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=MAX_ID).contains(&v.len())
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        });
    RequestId(given.map_or_else(|| format!("{:016x}", rand::random::<u64>()), str::to_string))
}

/// The outermost layer: the request's id, for the log lines below and the
/// answer's `X-Request-Id`.
pub(crate) async fn identify(mut req: Request, next: Next) -> Response {
    let id = id_of(&req);
    let header = HeaderValue::from_str(&id.0).ok();
    req.extensions_mut().insert(id);
    let mut res = next.run(req).await;
    if let Some(v) = header {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    res
}

/// Answers a panic in any layer or handler below with a 500, and counts
/// every request by route and status with its latency.
pub(crate) async fn contain(req: Request, next: Next) -> Response {
    let id = req
        .extensions()
        .get::<RequestId>()
        .cloned()
        .unwrap_or_else(|| id_of(&req));
    // The route as declared (`/api/v1/incidents/{id}`), so the metrics'
    // labels stay few whatever the paths asked.
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_string();
    let method = req.method().clone();
    let started = Instant::now();
    let answered = CURRENT
        .scope(id.clone(), AssertUnwindSafe(next.run(req)).catch_unwind())
        .await;
    let res = match answered {
        Ok(res) => res,
        Err(payload) => CURRENT.sync_scope(id, || {
            AppError::Panicked(cause(payload.as_ref())).into_response()
        }),
    };
    crate::metrics::request(&method, &route, res.status(), started.elapsed());
    res
}

/// What a panic said, if it said it as text.
pub(crate) fn cause(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

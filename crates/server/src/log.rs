//! One log line per request at `info`: method, path (never the query or
//! the headers, which may carry a token) and request id, then status and
//! latency.
//! Server errors are logged with their cause where they become responses
//! (see [`crate::AppError`]).

use std::time::Duration;

use axum::http::{Request, Response};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{MakeSpan, OnResponse, TraceLayer};
use tracing::Span;

/// The request span: method, path and the request's id (see
/// [`crate::guard`]), which every line logged while answering carries.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, req: &Request<B>) -> Span {
        let id = req
            .extensions()
            .get::<crate::guard::RequestId>()
            .map_or("", |id| id.0.as_str());
        // At error level, so an error logged while answering names its
        // request (and its id) even when the log is filtered to warnings.
        tracing::error_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
    }
}

/// The line logged when the response is ready.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Served;

impl<B> OnResponse<B> for Served {
    fn on_response(self, res: &Response<B>, latency: Duration, _: &Span) {
        tracing::info!(
            status = res.status().as_u16(),
            latency_ms = (latency.as_secs_f64() * 1e5).round() / 100.0,
            "served"
        );
    }
}

/// The tracing layer of the router.
pub(crate) fn requests(
) -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RequestSpan, (), Served> {
    TraceLayer::new_for_http()
        .make_span_with(RequestSpan)
        .on_request(())
        .on_response(Served)
}

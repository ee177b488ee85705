//! One log line per request at `info`: method and path (never the query
//! or the headers, which may carry a token), then status and latency.
//! Server errors are logged with their cause where they become responses
//! (see [`crate::AppError`]).

use std::time::Duration;

use axum::http::{Request, Response};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{MakeSpan, OnResponse, TraceLayer};
use tracing::Span;

/// The request span: method and path.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, req: &Request<B>) -> Span {
        tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
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

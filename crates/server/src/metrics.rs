//! Operations to watch: what the server counts, exposed in the Prometheus
//! text format (`GET /metrics`, off the public router unless asked for).
//!
//! Requests are counted here, by route as declared and status, with their
//! latency; panics contained by [`crate::guard`] too. Articles and
//! incidents ingested are counted by the pipeline, feed polls by the
//! watcher (both through the [`metrics`] facade, which costs nothing when
//! no recorder is installed). The index size and how far the index lags
//! the store are read at each scrape.

use std::sync::OnceLock;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};

use crate::AppState;

/// Requests answered, by method, route and status.
pub const REQUESTS: &str = "marsad_http_requests_total";
/// Time to the answer's head, seconds, by method and route.
pub const LATENCY: &str = "marsad_http_request_duration_seconds";
/// Panics answered with a 500 instead of a dropped connection.
pub const PANICS: &str = "marsad_http_panics_total";
/// Incidents in the index.
pub const INDEX_SIZE: &str = "marsad_index_incidents";
/// Seconds since the index last read the store's changes.
pub const SYNC_LAG: &str = "marsad_sync_lag_seconds";
/// The store's last change number the index holds.
pub const LAST_CHANGE: &str = "marsad_last_change";
/// Rebuilds of the index after losing the database.
pub const RESYNCS: &str = "marsad_index_resyncs_total";

/// Latency buckets, seconds: a tile from the cache to a cold download.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How often the recorder drains its histograms' samples into buckets.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// The process's Prometheus recorder, installed the first time it is
/// asked for (it is global: the pipeline and the watcher count through
/// it too; the watcher's `# HELP` lines are its own to describe). `None`
/// if another recorder was installed first.
pub fn recorder() -> Option<PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| match install() {
            Ok(handle) => Some(handle),
            Err(e) => {
                tracing::error!(error = %e, "cannot install the metrics recorder");
                None
            }
        })
        .clone()
}

fn install() -> Result<PrometheusHandle, BuildError> {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(LATENCY.into()), BUCKETS)?
        .install_recorder()?;
    describe();
    let upkeep = handle.clone();
    // Without upkeep a histogram keeps every sample until the next scrape.
    let _ = std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || loop {
            std::thread::sleep(UPKEEP_EVERY);
            upkeep.run_upkeep();
        });
    Ok(handle)
}

/// The `# HELP` lines.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(REQUESTS, "Requests answered, by method, route and status");
    describe_histogram!(
        LATENCY,
        Unit::Seconds,
        "Time to the answer's head, by method and route"
    );
    describe_counter!(
        PANICS,
        "Handler panics answered with a 500 instead of a dropped connection"
    );
    describe_gauge!(INDEX_SIZE, "Incidents in the spatial index");
    describe_gauge!(
        SYNC_LAG,
        Unit::Seconds,
        "Time since the index last read the store's changes (replicas follow the database)"
    );
    describe_gauge!(
        LAST_CHANGE,
        "The store's last change number the index holds"
    );
    describe_counter!(RESYNCS, "Index rebuilds after losing the database");
    marsad_pipeline::describe_metrics();
}

/// Counts one answered request.
pub(crate) fn request(method: &Method, route: &str, status: StatusCode, took: Duration) {
    let (method, route) = (method.as_str().to_string(), route.to_string());
    metrics::counter!(REQUESTS, "method" => method.clone(), "route" => route.clone(), "status" => status.as_str().to_string()).increment(1);
    metrics::histogram!(LATENCY, "method" => method, "route" => route).record(took.as_secs_f64());
}

/// Counts one panic answered with a 500.
pub(crate) fn panic_contained() {
    metrics::counter!(PANICS).increment(1);
}

/// The metrics in the Prometheus text format, with the index's size and
/// lag read now.
pub async fn scrape(State(state): State<AppState>) -> Response {
    let Some(handle) = state.metrics.as_ref() else {
        return crate::AppError::NotFound(
            "metrics are off; start the server with --metrics".into(),
        )
        .into_response();
    };
    let f = &state.follow;
    let lag = f
        .last_sync
        .lock()
        .map_or(0.0, |t| t.elapsed().as_secs_f64());
    use std::sync::atomic::Ordering::Acquire;
    metrics::gauge!(INDEX_SIZE).set(state.index.read().map_or(0, |i| i.len()) as f64);
    metrics::gauge!(SYNC_LAG).set(lag);
    metrics::gauge!(LAST_CHANGE).set(f.last_change.load(Acquire) as f64);
    metrics::counter!(RESYNCS).absolute(f.resyncs.load(Acquire));
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

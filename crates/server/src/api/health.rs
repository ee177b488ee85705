//! Health.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::{AppError, AppState};

/// `GET /healthz`: status, counts, the database and how far behind it the
/// index may be (`sync_lag_ms`: since the store was last read for changes;
/// `resyncs`: index rebuilds after losing the database).
pub async fn healthz(State(state): State<AppState>) -> Json<Value> {
    let n = state.index.read().map(|i| i.len()).unwrap_or(0);
    let f = &state.follow;
    let lag = f
        .last_sync
        .lock()
        .map(|t| t.elapsed().as_millis() as u64)
        .unwrap_or(0);
    Json(json!({
        "status": "ok",
        "incidents": n,
        "places": state.gaz.len(),
        "database": f.database,
        "last_change": f.last_change.load(std::sync::atomic::Ordering::Acquire),
        "sync_lag_ms": lag,
        "resyncs": f.resyncs.load(std::sync::atomic::Ordering::Acquire),
    }))
}

/// Unknown paths: a JSON 404.
pub async fn not_found() -> AppError {
    AppError::NotFound("no such endpoint; see /api/v1/openapi.json".into())
}

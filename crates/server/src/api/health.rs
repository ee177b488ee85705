//! Health.

use axum::extract::State;
use axum::Json;

use super::types::Health;
use crate::openapi::Unavailable;
use crate::{AppError, AppState};

/// Health: status, counts, the database and how far behind it the index
/// may be.
///
/// `sync_lag_ms` is the time since the store was last read for changes;
/// `resyncs` counts index rebuilds after losing the database.
#[utoipa::path(
    get,
    path = "/api/v1/healthz",
    operation_id = "getHealth",
    tag = "service",
    responses((status = 200, description = "The server is up", body = Health), Unavailable)
)]
pub async fn healthz_v1(State(state): State<AppState>) -> Json<Health> {
    let n = state.index.read().map(|i| i.len()).unwrap_or(0);
    let f = &state.follow;
    let lag = f
        .last_sync
        .lock()
        .map(|t| t.elapsed().as_millis() as u64)
        .unwrap_or(0);
    Json(Health {
        status: "ok".into(),
        incidents: n,
        places: state.gaz.len(),
        database: f.database.into(),
        last_change: f.last_change.load(std::sync::atomic::Ordering::Acquire),
        sync_lag_ms: lag,
        resyncs: f.resyncs.load(std::sync::atomic::Ordering::Acquire),
    })
}

/// Health, where load balancers look for it (as `/api/v1/healthz`).
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "getHealthRoot",
    tag = "service",
    responses((status = 200, description = "The server is up", body = Health), Unavailable)
)]
pub async fn healthz(state: State<AppState>) -> Json<Health> {
    healthz_v1(state).await
}

/// Unknown paths: a JSON 404.
pub async fn not_found() -> AppError {
    AppError::NotFound("no such endpoint; see /api/v1/openapi.json".into())
}

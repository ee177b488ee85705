//! Health.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::{AppError, AppState};

/// `GET /healthz`: status and counts.
pub async fn healthz(State(state): State<AppState>) -> Json<Value> {
    let n = state.index.read().map(|i| i.len()).unwrap_or(0);
    Json(json!({ "status": "ok", "incidents": n, "places": state.gaz.len() }))
}

/// Unknown paths: a JSON 404.
pub async fn not_found() -> AppError {
    AppError::NotFound("no such endpoint; see /api/v1/openapi.json".into())
}

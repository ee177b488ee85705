//! Incidents: a selection, the nearest, one with its sources.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;

use super::feature_collection;
use crate::query::{Area, Selection};
use crate::{response, AppError, AppState};

/// Default page size of incident listings.
const PAGE: usize = 1000;

/// `GET /api/v1/incidents?bbox&since&until&type&actor&min_confidence&geo_precision&limit&offset&sort`.
pub async fn list(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    sel: Selection,
) -> Result<Response, AppError> {
    let area = sel.area(false)?;
    page(&state, &uri, &headers, &sel, area).await
}

/// `GET /api/v1/incidents/near?lat&lon|place&radius_km` + filters, nearest first.
pub async fn near(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    sel: Selection,
) -> Result<Response, AppError> {
    let area = sel.area(true)?;
    page(&state, &uri, &headers, &sel, area).await
}

/// A page of the selection in `area`, kept until the index changes.
async fn page(
    state: &AppState,
    uri: &Uri,
    headers: &HeaderMap,
    sel: &Selection,
    area: Area,
) -> Result<Response, AppError> {
    state
        .page(uri, headers, || feature_collection(state, sel, area, PAGE))
        .await
}

/// `GET /api/v1/incidents/{id}`: one incident with its sources.
pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let lookup = id.clone();
    let inc = state
        .read(move |s| s.incident(&lookup))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no incident {id:?}")))?;
    let f = marsad_formats::incident_feature(&inc, None);
    Ok(response::geojson(
        serde_json::to_string(&f).unwrap_or_default(),
        None,
    ))
}

//! Downloads of a selection: GeoJSON and ACLED-compatible CSV.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{feature_collection, records};
use crate::query::{Selection, MAX_LIMIT};
use crate::{response, AppError, AppState};

/// `GET /api/v1/export.geojson`: the selection as a download.
pub async fn geojson(State(state): State<AppState>, sel: Selection) -> Result<Response, AppError> {
    let area = sel.area(false)?;
    let body = feature_collection(&state, &sel, area, MAX_LIMIT).await?;
    Ok(response::geojson(body, Some("marsad-incidents.geojson")))
}

/// `GET /api/v1/export.csv`: ACLED-compatible columns, honouring the filters.
pub async fn csv(State(state): State<AppState>, sel: Selection) -> Result<Response, AppError> {
    let area = sel.area(false)?;
    let (page, _) = sel.run(&state, area, MAX_LIMIT);
    let incidents: Vec<_> = records(&state, &page)
        .await?
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    let first = state.read(|s| s.first_sources()).await?;
    let bytes = marsad_formats::acled_csv(&incidents, &first)?;
    let headers = [
        (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
        (
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"marsad-incidents.csv\"",
        ),
    ];
    Ok((StatusCode::OK, headers, bytes).into_response())
}

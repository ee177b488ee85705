//! Incidents: a selection, the nearest, one with its sources.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;

use super::feature_collection;
use crate::openapi::{
    AreaParams, FilterParams, IncidentFeature, IncidentPage, ItemErrors, PageParams, QueryErrors,
};
use crate::query::{Area, Selection};
use crate::{response, AppError, AppState};

/// Default page size of incident listings.
const PAGE: usize = 1000;

/// A page of incidents under the filters, in a box, around a point or
/// everywhere, newest first unless asked otherwise.
///
/// The page is kept until the index changes; its `ETag` answers
/// `If-None-Match` with 304.
#[utoipa::path(
    get,
    path = "/api/v1/incidents",
    operation_id = "listIncidents",
    tag = "incidents",
    params(FilterParams, AreaParams, PageParams),
    responses(
        (status = 200, description = "A page of incidents", body = IncidentPage, content_type = "application/geo+json"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        QueryErrors,
    )
)]
pub async fn list(
    State(state): State<AppState>,
    uri: Uri,
    headers: HeaderMap,
    sel: Selection,
) -> Result<Response, AppError> {
    let area = sel.area(false)?;
    page(&state, &uri, &headers, &sel, area).await
}

/// Incidents within `radius_km` of `lat`,`lon` or of a `place`, nearest
/// first, each with its `distance_km`.
#[utoipa::path(
    get,
    path = "/api/v1/incidents/near",
    operation_id = "nearIncidents",
    tag = "incidents",
    params(FilterParams, AreaParams, PageParams),
    responses(
        (status = 200, description = "A page of incidents with distance_km", body = IncidentPage, content_type = "application/geo+json"),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        QueryErrors,
    )
)]
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

/// One incident with every source that reported it and the sentences it
/// was read from.
#[utoipa::path(
    get,
    path = "/api/v1/incidents/{id}",
    operation_id = "getIncident",
    tag = "incidents",
    params(("id" = String, Path, description = "The incident's id")),
    responses(
        (status = 200, description = "The incident", body = IncidentFeature, content_type = "application/geo+json"),
        ItemErrors,
    )
)]
pub async fn one(
    State(state): State<AppState>,
    public: Option<axum::Extension<crate::contract::PublicOnly>>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let lookup = id.clone();
    let inc = state
        .read(move |s| s.incident(&lookup))
        .await?
        // What the public may not see is, to them, not there.
        .filter(|i| public.is_none() || i.status == marsad_model::ReviewStatus::Verified)
        .ok_or_else(|| AppError::NotFound(format!("no incident {id:?}")))?;
    let f = marsad_formats::incident_feature(&inc, None);
    Ok(response::geojson(
        serde_json::to_string(&f).unwrap_or_default(),
        None,
    ))
}

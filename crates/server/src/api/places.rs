//! The gazetteer: search and one place.

use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::Map;

use crate::openapi::{ItemErrors, PlaceCollection, PlaceFeature, PlaceSearchParams, QueryErrors};
use crate::query::{Params, MAX_PLACES, MAX_PLACE_QUERY};
use crate::{response, AppError, AppState};

/// Searches the gazetteer by name, in Arabic or Latin script, tolerant of
/// spelling, best first (nearer `near` first among equals).
#[utoipa::path(
    get,
    path = "/api/v1/places",
    operation_id = "searchPlaces",
    tag = "places",
    params(PlaceSearchParams),
    responses(
        (status = 200, description = "The places found, with their score", body = PlaceCollection, content_type = "application/geo+json"),
        QueryErrors,
    )
)]
pub async fn search(State(state): State<AppState>, p: Params) -> Result<Response, AppError> {
    let query = p.text("q")?.ok_or_else(|| {
        AppError::param("q", "is required: a place name in Arabic or Latin script")
    })?;
    if query.chars().count() > MAX_PLACE_QUERY {
        return Err(AppError::param(
            "q",
            format!("is longer than {MAX_PLACE_QUERY} characters"),
        ));
    }
    let limit = p.count("limit", MAX_PLACES)?.unwrap_or(10);
    let near = p.get("near").map(near).transpose()?;
    let features = state
        .gaz
        .search(query, near, limit)
        .iter()
        .map(|h| marsad_formats::place_feature(state.gaz.place(h.place), Some(h.score)))
        .collect();
    Ok(response::geojson(
        marsad_formats::collection(features, Map::new()).to_string(),
        None,
    ))
}

/// `lat,lon`, each a number in its range.
fn near(v: &str) -> Result<(f64, f64), AppError> {
    let (lat, lon) = v
        .split_once(',')
        .ok_or_else(|| AppError::param("near", "expected lat,lon"))?;
    let coordinate = |x: &str, limit: f64| {
        marsad_model::json_number(x)
            .and_then(|x| marsad_model::in_range(x, -limit, limit))
            .map_err(|e| AppError::from(e.for_param("near")))
    };
    Ok((coordinate(lat, 90.0)?, coordinate(lon, 180.0)?))
}

/// One gazetteer place by its id.
#[utoipa::path(
    get,
    path = "/api/v1/places/{id}",
    operation_id = "getPlace",
    tag = "places",
    params(("id" = String, Path, description = "The place's id (wof:…, gn:…, a P-code, cur:…)")),
    responses(
        (status = 200, description = "The place", body = PlaceFeature, content_type = "application/geo+json"),
        ItemErrors,
    )
)]
pub async fn one(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let i = state
        .gaz
        .by_id(&id)
        .ok_or_else(|| AppError::NotFound(format!("no place {id:?}")))?;
    let f = marsad_formats::place_feature(state.gaz.place(i), None);
    Ok(response::geojson(
        serde_json::to_string(&f).unwrap_or_default(),
        None,
    ))
}

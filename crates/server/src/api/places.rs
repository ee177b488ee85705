//! The gazetteer: search and one place.

use axum::extract::{Path, State};
use axum::response::Response;
use marsad_model::LatLon;
use serde_json::Map;

use crate::query::Params;
use crate::{response, AppError, AppState};

/// `GET /api/v1/places?q=&near=lat,lon&limit=`: gazetteer search.
pub async fn search(State(state): State<AppState>, p: Params) -> Result<Response, AppError> {
    let query = p.get("q").ok_or_else(|| {
        AppError::param("q", "is required: a place name in Arabic or Latin script")
    })?;
    if query.chars().count() > 200 {
        return Err(AppError::param("q", "is longer than 200 characters"));
    }
    let limit = p.count("limit", 100)?.unwrap_or(10);
    let near = p.typed::<LatLon>("near")?.map(|c| (c.lat, c.lon));
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

/// `GET /api/v1/places/{id}`.
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

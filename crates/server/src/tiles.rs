//! Vector tiles of incidents (`/tiles/incidents/{z}/{x}/{y}.mvt`) and
//! their TileJSON, under the same filters as the API: cut from the index
//! on request, cached until the index changes, with an `ETag`.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use marsad_model::EventType;
use marsad_tiles::{TileId, CLUSTERS, CLUSTER_BELOW, INCIDENTS};
use serde_json::{json, Value};

use crate::query::Params;
use crate::response::base;
use crate::{AppError, AppState};

/// The filter parameters a tile honours.
const FILTERS: &[&str] = &[
    "since",
    "until",
    "type",
    "actor",
    "min_confidence",
    "geo_precision",
];

/// The filters of a tile request, in a canonical order: the cache key and
/// the query string the TileJSON passes on.
fn filter_query(params: &Params) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for name in FILTERS {
        for v in params.all(name) {
            out.append_pair(name, v);
        }
    }
    out.finish()
}

/// `GET /tiles/incidents/{z}/{x}/{y}.mvt`.
pub async fn incident_tile(
    State(state): State<AppState>,
    Path((z, x, y)): Path<(u32, u32, String)>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let y: u32 = y
        .strip_suffix(".mvt")
        .and_then(|y| y.parse().ok())
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "no tile {z}/{x}/{y}; tiles are /tiles/incidents/{{z}}/{{x}}/{{y}}.mvt"
            ))
        })?;
    let tile = TileId::new(z, x, y).map_err(|e| AppError::NotFound(e.to_string()))?;
    let query = params.filters()?;
    let key = (tile, filter_query(&params));
    let etag = |generation: u64| {
        format!(
            "\"{:x}-{generation:x}-{:x}\"",
            state.started,
            marsad_model::fnv1a(format!("{tile:?}{}", key.1).as_bytes(), 0)
        )
    };
    let current = etag(state.generation());
    if headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == current.as_bytes())
    {
        return Ok((StatusCode::NOT_MODIFIED, tile_headers(&current)).into_response());
    }
    let (generation, body) = state
        .cached(&state.tiles, key.clone(), move |ix| {
            let mut found = Vec::new();
            ix.for_each(Some(tile.bbox()), &query, |f| found.push(f));
            marsad_tiles::encode(tile, &found)
                .map(bytes::Bytes::from)
                .map_err(|e| AppError::Internal(e.to_string()))
        })
        .await?;
    // The tag of the index the tile was cut from, which an ingest meanwhile
    // may have moved past.
    let etag = etag(generation);
    Ok((StatusCode::OK, tile_headers(&etag), body).into_response())
}

fn tile_headers(etag: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.mapbox-vector-tile"),
    );
    // Revalidate every time: the answer is a 304 until an ingest changes
    // the index, and a map never shows yesterday's tiles.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    h
}

/// `GET /tiles/incidents.json`: the TileJSON 3.0 of the incident tiles,
/// with the request's filters carried into the tile URLs.
pub async fn tilejson(
    State(state): State<AppState>,
    params: Params,
    headers: HeaderMap,
) -> Result<Json<Value>, AppError> {
    params.filters()?;
    let q = filter_query(&params);
    let url = format!(
        "{}/tiles/incidents/{{z}}/{{x}}/{{y}}.mvt{}{q}",
        base(&headers),
        if q.is_empty() { "" } else { "?" }
    );
    let extent = state
        .index
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .extent();
    let bounds = extent.map_or([-180.0, -85.0511, 180.0, 85.0511], |x| x.bbox);
    let mut cluster_fields = serde_json::Map::new();
    cluster_fields.insert("count".into(), json!("Number"));
    cluster_fields.insert("type".into(), json!("String"));
    for t in EventType::ALL {
        cluster_fields.insert(format!("count_{}", t.as_str()), json!("Number"));
    }
    Ok(Json(json!({
        "tilejson": "3.0.0",
        "name": "Marsad incidents",
        "description": format!("Incidents extracted from Arabic news. Below zoom {CLUSTER_BELOW}, grid clusters with counts per type; single incidents at every zoom."),
        "attribution": "Marsad; places: see /api/v1/places",
        "scheme": "xyz",
        "tiles": [url],
        "minzoom": 0,
        "maxzoom": TileId::MAX_ZOOM,
        "bounds": bounds,
        "vector_layers": [
            {"id": INCIDENTS, "description": "Single incidents", "minzoom": 0, "maxzoom": TileId::MAX_ZOOM,
             "fields": {"id": "String", "type": "String", "date": "String", "confidence": "Number", "geo_precision": "Number"}},
            {"id": CLUSTERS, "description": "Grid clusters of incidents", "minzoom": 0, "maxzoom": CLUSTER_BELOW - 1,
             "fields": cluster_fields},
        ],
    })))
}

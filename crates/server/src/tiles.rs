//! Vector tiles of incidents (`/tiles/incidents/{z}/{x}/{y}.mvt`) and
//! their TileJSON, under the same filters as the API: cut from the index
//! on request, cached until the index changes, with an `ETag`. And the
//! basemap's place labels (`/tiles/places/{z}/{x}/{y}.mvt`).

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use marsad_model::EventType;
use marsad_tiles::{Label, TileId, CLUSTERS, CLUSTER_BELOW, INCIDENTS};
use serde_json::{json, Value};

use crate::openapi::{FilterParams, QueryErrors, TileJson, TileParams, TileVersionParam};
use crate::query::Params;
use crate::response::{self, base};
use crate::{AppError, AppState};

/// The filter parameters a tile honours.
const FILTERS: &[&str] = &[
    "since",
    "until",
    "type",
    "actor",
    "min_confidence",
    "geo_precision",
    "status",
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

/// A Mapbox Vector Tile of the incidents under the filters: below zoom
/// 12 a layer of grid clusters (each with its count and counts per type)
/// as well as single incidents; `ETag` and `If-None-Match`.
#[utoipa::path(
    get,
    path = "/tiles/incidents/{z}/{x}/{y}.mvt",
    operation_id = "getIncidentTile",
    tag = "map",
    params(TileParams, FilterParams, TileVersionParam),
    responses(
        (status = 200, description = "The tile (empty when no incident falls in it)",
            content((Vec<u8> = "application/vnd.mapbox-vector-tile"))),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 404, description = "No such tile (a row or column past 2^z)", body = crate::error::ErrorBody),
        QueryErrors,
    )
)]
pub async fn incident_tile(
    State(state): State<AppState>,
    Path((z, x, y)): Path<(String, String, String)>,
    params: Params,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let tile = tile_id("incidents", &z, &x, &y)?;
    let query = params.filters()?;
    let key = (tile, filter_query(&params));
    let what = format!("{tile:?}{}", key.1);
    let current = response::etag(state.started, state.generation(), &what);
    if response::fresh(&headers, &current) {
        return Ok((
            StatusCode::NOT_MODIFIED,
            response::revalidated(MVT, &current),
        )
            .into_response());
    }
    let (generation, body) = state
        .cached(&state.tiles, key.clone(), move |ix| {
            marsad_tiles::cut(ix, tile, &query)
                .map(bytes::Bytes::from)
                .map_err(|e| AppError::Internal(e.to_string()))
        })
        .await?;
    // The tag of the index the tile was cut from, which an ingest meanwhile
    // may have moved past.
    let etag = response::etag(state.started, generation, &what);
    Ok((StatusCode::OK, response::revalidated(MVT, &etag), body).into_response())
}

/// A Mapbox Vector Tile of the basemap's place labels (layer `places`:
/// `name_ar`, `name_en`, `rank`), with the ranks its zoom shows: rank 1
/// (capitals, large cities) below zoom 6, rank 2 (cities of Syria and
/// its neighbours) to zoom 7, rank 3 (towns, curated sites) at 8, rank 4
/// (villages of the eastern governorates) from 9.
#[utoipa::path(
    get,
    path = "/tiles/places/{z}/{x}/{y}.mvt",
    operation_id = "getPlaceTile",
    tag = "map",
    params(TileParams),
    responses(
        (status = 200, description = "The tile (empty when no label falls in it)",
            content((Vec<u8> = "application/vnd.mapbox-vector-tile"))),
        (status = 404, description = "No such tile (a row or column past 2^z)", body = crate::error::ErrorBody),
    )
)]
pub async fn place_tile(
    State(state): State<AppState>,
    Path((z, x, y)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let tile = tile_id("places", &z, &x, &y)?;
    let [w, s, e, n] = tile.bbox();
    let inside = |l: &&Label| (w..=e).contains(&l.lon) && (s..=n).contains(&l.lat);
    let body =
        marsad_tiles::encode_places(tile, crate::web::labels_of(state.gaz).iter().filter(inside))
            .map_err(|e| AppError::Internal(e.to_string()))?;
    // The labels come from the gazetteer, fixed while the process runs.
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, MVT),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response())
}

/// The tile a path names (`{y}` ends in `.mvt`): anything else is no tile.
fn tile_id(layer: &str, z: &str, x: &str, y: &str) -> Result<TileId, AppError> {
    let whole = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let missing = || {
        AppError::NotFound(format!(
            "no tile {z}/{x}/{y}; tiles are /tiles/{layer}/{{z}}/{{x}}/{{y}}.mvt"
        ))
    };
    let (z, x, y) = (
        whole(z).ok_or_else(missing)?,
        whole(x).ok_or_else(missing)?,
        y.strip_suffix(".mvt").and_then(whole).ok_or_else(missing)?,
    );
    TileId::new(z, x, y).map_err(|e| AppError::NotFound(e.to_string()))
}

/// The media type of vector tiles.
const MVT: &str = "application/vnd.mapbox-vector-tile";

/// The TileJSON 3.0 of the incident tiles, with the request's filters
/// carried into the tile URLs (for QGIS, GDAL and MapLibre).
#[utoipa::path(
    get,
    path = "/tiles/incidents.json",
    operation_id = "getTileJson",
    tag = "map",
    params(FilterParams),
    responses((status = 200, description = "The TileJSON", body = TileJson), QueryErrors)
)]
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

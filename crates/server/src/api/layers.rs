//! Layers: one per event type (titles, colour and icon defined once, in
//! the model), plus «all» and «places», each downloadable.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use axum::Json;
use marsad_model::EventType;
use serde_json::{json, Map, Value};

use crate::download::Download;
use crate::query::Selection;
use crate::{response, AppError, AppState};

/// `GET /api/v1/layers`: each layer with its look and its count under the
/// filters.
pub async fn list(
    State(state): State<AppState>,
    uri: Uri,
    sel: Selection,
) -> Result<Json<Value>, AppError> {
    let value = state
        .aggregate(uri.to_string(), move |ix| {
            let counts = ix.counts_by_type(&sel.query);
            let total: usize = counts.values().sum();
            let mut out = vec![
                json!({"id": "all", "title_ar": "كل الأحداث", "title_en": "All incidents", "colour": "#444444", "count": total, "url": "/api/v1/layers/all.geojson"}),
            ];
            for t in EventType::ALL {
                out.push(json!({
                    "id": t.as_str(),
                    "title_ar": t.title_ar(),
                    "title_en": t.title_en(),
                    "colour": t.colour(),
                    "icon": t.icon(),
                    "attack": t.is_attack(),
                    "count": counts.get(&t).copied().unwrap_or(0),
                    "url": format!("/api/v1/layers/{}.geojson", t.as_str()),
                }));
            }
            // Places: distinct points (to 1 m), counted from the index alone.
            let mut places = rustc_hash::FxHashSet::default();
            ix.for_each(None, &sel.query, |f| {
                places.insert(((f.lat * 1e5).round() as i64, (f.lon * 1e5).round() as i64));
            });
            out.push(json!({"id": "places", "title_ar": "الأماكن", "title_en": "Places with incidents", "colour": "#1a1a1a", "count": places.len(), "url": "/api/v1/layers/places.geojson"}));
            json!({ "layers": out })
        })
        .await?;
    Ok(Json(value))
}

/// `GET /api/v1/layers/{id}.geojson`: a layer as a download, honouring the filters.
pub async fn download(
    State(state): State<AppState>,
    Path(file): Path<String>,
    mut sel: Selection,
) -> Result<Response, AppError> {
    let id = file.strip_suffix(".geojson").ok_or_else(|| {
        AppError::NotFound(format!(
            "no layer file {file:?}; layers are /api/v1/layers/<id>.geojson"
        ))
    })?;
    let area = match id {
        "all" | "places" => sel.area(false)?,
        _ => {
            let t = EventType::parse(id).ok_or_else(|| {
                AppError::NotFound(format!("no layer {id:?}; see /api/v1/layers"))
            })?;
            sel.query = sel.query.only(t);
            sel.area(false)?
        }
    };
    if id == "places" {
        let body = places_layer(&state, &sel, area).await?;
        return Ok(response::geojson(body, Some("marsad-places.geojson")));
    }
    super::exports::geojson_download(&state, &sel, area, &format!("marsad-{id}.geojson")).await
}

/// The places that have incidents (within the filters), with counts:
/// every selected incident's record is read, a chunk at a time.
async fn places_layer(
    state: &AppState,
    sel: &Selection,
    area: crate::query::Area,
) -> Result<String, AppError> {
    let download = Download::open(state, sel, area).await?;
    let by_place = tokio::task::spawn_blocking(move || {
        let mut by_place: BTreeMap<String, usize> = BTreeMap::new();
        download.for_each_chunk(|_, records| {
            for (r, _) in records {
                if let Some(p) = r.place {
                    *by_place.entry(p.id).or_insert(0) += 1;
                }
            }
            Ok(())
        })?;
        Ok::<_, AppError>(by_place)
    })
    .await??;
    let features = by_place
        .into_iter()
        .filter_map(|(id, n)| {
            let mut f = marsad_formats::place_feature(state.gaz.place(state.gaz.by_id(&id)?), None);
            if let Some(props) = f.properties.as_mut() {
                props.insert("incident_count".into(), json!(n));
            }
            Some(f)
        })
        .collect();
    Ok(marsad_formats::collection(features, Map::new()).to_string())
}

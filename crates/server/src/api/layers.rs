//! Layers: one per event type (titles, colour and icon defined once, in
//! the model), plus «all» and «places», each downloadable.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::Response;
use axum::Json;
use marsad_model::EventType;
use serde_json::{json, Map, Value};

use super::types::{Layer, Layers};
use crate::download::Download;
use crate::openapi::{
    AreaParams, FilterParams, ItemQueryErrors, LayerFile, LayerFileParam, PageParams, QueryErrors,
};
use crate::query::Selection;
use crate::{response, AppError, AppState};

/// The layers: all incidents, one per event type (title, colour, symbol)
/// and the places with incidents, each with its count under the filters
/// and its file.
#[utoipa::path(
    get,
    path = "/api/v1/layers",
    operation_id = "listLayers",
    tag = "map",
    params(FilterParams),
    responses((status = 200, description = "The layers", body = Layers), QueryErrors)
)]
pub async fn list(
    State(state): State<AppState>,
    uri: Uri,
    sel: Selection,
) -> Result<Json<Value>, AppError> {
    state
        .aggregate(uri.to_string(), move |ix| {
            let counts = ix.counts_by_type(&sel.query);
            let layer = |id: &str, title_ar: &str, title_en: &str, colour: &str, count| Layer {
                id: id.into(),
                title_ar: title_ar.into(),
                title_en: title_en.into(),
                colour: colour.into(),
                icon: None,
                attack: None,
                count,
                url: format!("/api/v1/layers/{id}.geojson"),
            };
            let mut out = vec![layer(
                "all",
                "كل الأحداث",
                "All incidents",
                "#444444",
                counts.values().sum(),
            )];
            for t in EventType::ALL {
                out.push(Layer {
                    icon: Some(t.icon().into()),
                    attack: Some(t.is_attack()),
                    ..layer(
                        t.as_str(),
                        t.title_ar(),
                        t.title_en(),
                        t.colour(),
                        counts.get(&t).copied().unwrap_or(0),
                    )
                });
            }
            // Places: distinct points (to 1 m), counted from the index alone,
            // each as one integer, sorted rather than hashed: ten million
            // distinct points took 3 s in a hash set of pairs.
            let mut places = Vec::new();
            ix.for_each_point(&sel.query, |lon, lat| {
                // Rounded to 1e-5 degrees, made positive.
                let lat = ((lat * 1e5).round() as i64 + 9_000_000) as u64;
                let lon = ((lon * 1e5).round() as i64 + 18_000_000) as u64;
                places.push(lat << 26 | lon);
            });
            radsort::sort(&mut places);
            places.dedup();
            out.push(layer(
                "places",
                "الأماكن",
                "Places with incidents",
                "#1a1a1a",
                places.len(),
            ));
            Layers { layers: out }
        })
        .await
}

/// The files layers are downloaded as.
pub(crate) fn layer_files() -> Vec<String> {
    ["all"]
        .into_iter()
        .chain(EventType::ALL.iter().map(|t| t.as_str()))
        .chain(["places"])
        .map(|id| format!("{id}.geojson"))
        .collect()
}

/// A layer as a GeoJSON download, honouring the filters: every incident of
/// the layer, or for `places.geojson` the places with their
/// `incident_count`.
#[utoipa::path(
    get,
    path = "/api/v1/layers/{file}",
    operation_id = "downloadLayer",
    tag = "map",
    params(
        LayerFileParam, FilterParams, AreaParams, PageParams
    ),
    responses(
        (status = 200, description = "The layer, as an attachment", content(
            (LayerFile = "application/geo+json"),
        ), headers(("Content-Disposition" = String, description = "attachment; filename=…"))),
        ItemQueryErrors,
    )
)]
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
/// every selected incident's record is read, a chunk at a time. A place
/// the gazetteer lacks (an unlisted village) is given as its incidents
/// record it, so the counts add up to the incidents selected.
async fn places_layer(
    state: &AppState,
    sel: &Selection,
    area: crate::query::Area,
) -> Result<String, AppError> {
    let download = Download::open(state, sel, area).await?;
    let by_place = tokio::task::spawn_blocking(move || {
        let mut by_place: BTreeMap<String, (marsad_model::Place, usize)> = BTreeMap::new();
        download.for_each_chunk(|_, records| {
            for (r, _) in records {
                if let Some(p) = r.place {
                    by_place.entry(p.id.clone()).or_insert((p, 0)).1 += 1;
                }
            }
            Ok(())
        })?;
        Ok::<_, AppError>(by_place)
    })
    .await??;
    let features = by_place
        .into_values()
        .map(|(place, n)| {
            let mut f = match state.gaz.by_id(&place.id) {
                Some(listed) => marsad_formats::place_feature(state.gaz.place(listed), None),
                None => marsad_formats::recorded_place_feature(&place),
            };
            if let Some(props) = f.properties.as_mut() {
                props.insert("incident_count".into(), json!(n));
            }
            f
        })
        .collect();
    Ok(marsad_formats::collection(features, Map::new()).to_string())
}

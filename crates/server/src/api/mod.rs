//! The API under `/api/v1`, one module per resource. Handlers are thin:
//! take typed inputs, call the library crates, shape the response.

pub(crate) mod actors;
pub(crate) mod alerts;
pub(crate) mod articles;
pub(crate) mod exports;
pub(crate) mod feeds;
pub(crate) mod health;
pub(crate) mod incidents;
pub(crate) mod layers;
pub(crate) mod places;
pub(crate) mod review;
pub(crate) mod stats;
pub(crate) mod stream;
pub(crate) mod types;

use marsad_formats::{IncidentCollectionWriter, IncidentFeature};
use marsad_index::Page;
use marsad_model::Incident;
use serde_json::{json, Map};

use crate::query::{Area, Selection};
use crate::{AppError, AppState};

/// The incidents of a page, in page order, with their distances.
pub(crate) async fn records(
    state: &AppState,
    page: &Page,
) -> Result<Vec<(Incident, Option<f64>)>, AppError> {
    read_records(state, page.hits.clone()).await
}

async fn read_records(
    state: &AppState,
    hits: Vec<marsad_index::Hit>,
) -> Result<Vec<(Incident, Option<f64>)>, AppError> {
    state
        .read(move |s| marsad_pipeline::records(s, &hits))
        .await
}

/// A page of incidents as a FeatureCollection with `numberMatched`,
/// `numberReturned`, `limit` and `offset`.
pub(crate) async fn feature_collection(
    state: &AppState,
    sel: &Selection,
    area: Area,
    default_limit: usize,
) -> Result<Vec<u8>, AppError> {
    // Taken before the query: features of a generation the index has
    // meanwhile left are not kept.
    let generation = state.generation();
    let (page, limit) = sel.run(state, area, default_limit);
    let features = if sel.minimal || page.hits.iter().any(|h| h.distance_km.is_some()) {
        // Fewer properties or a distance: written for this page alone.
        let records = records(state, &page).await?;
        records
            .iter()
            .map(|(r, d)| serde_json::to_vec(&IncidentFeature::new(r, *d).minimal(sel.minimal)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| AppError::Internal(e.to_string()))?
            .into_iter()
            .map(bytes::Bytes::from)
            .collect()
    } else {
        kept_features(state, generation, &page).await?
    };
    let mut m = Map::new();
    m.insert("numberMatched".into(), json!(page.total));
    m.insert("numberReturned".into(), json!(features.len()));
    m.insert("limit".into(), json!(limit));
    m.insert("offset".into(), json!(sel.offset));
    let size = features.iter().map(|f| f.len() + 1).sum::<usize>() + 256;
    let mut w = IncidentCollectionWriter::start(Vec::with_capacity(size), &m)?;
    for f in &features {
        w.write_serialized(f)?;
    }
    Ok(w.finish()?)
}

/// The page's incidents as features, in page order: those kept from
/// earlier pages as they are, the others read, written and kept.
async fn kept_features(
    state: &AppState,
    generation: u64,
    page: &Page,
) -> Result<Vec<bytes::Bytes>, AppError> {
    let mut kept = state
        .features
        .get_many(generation, page.hits.iter().map(|h| &h.id));
    let missing: Vec<marsad_index::Hit> = page
        .hits
        .iter()
        .zip(&kept)
        .filter(|(_, k)| k.is_none())
        .map(|(h, _)| h.clone())
        .collect();
    if !missing.is_empty() {
        let made = read_records(state, missing)
            .await?
            .into_iter()
            .map(|(r, _)| {
                let f = serde_json::to_vec(&IncidentFeature::new(&r, None))
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                Ok((r.id, bytes::Bytes::from(f)))
            })
            .collect::<Result<rustc_hash::FxHashMap<String, bytes::Bytes>, AppError>>()?;
        for (k, h) in kept.iter_mut().zip(&page.hits) {
            if k.is_none() {
                *k = made.get(&h.id).cloned();
            }
        }
        state.features.put_many(generation, made);
    }
    // An incident gone from the store since the query is left out.
    Ok(kept.into_iter().flatten().collect())
}

//! The API under `/api/v1`, one module per resource. Handlers are thin:
//! take typed inputs, call the library crates, shape the response.

pub(crate) mod articles;
pub(crate) mod exports;
pub(crate) mod health;
pub(crate) mod incidents;
pub(crate) mod layers;
pub(crate) mod places;
pub(crate) mod stats;
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
    let hits = page.hits.clone();
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
    let (page, limit) = sel.run(state, area, default_limit);
    let records = records(state, &page).await?;
    let mut m = Map::new();
    m.insert("numberMatched".into(), json!(page.total));
    m.insert("numberReturned".into(), json!(records.len()));
    m.insert("limit".into(), json!(limit));
    m.insert("offset".into(), json!(sel.offset));
    let mut w = IncidentCollectionWriter::start(Vec::with_capacity(records.len() * 1024), &m)?;
    for (r, d) in &records {
        w.write(&IncidentFeature::new(r, *d).minimal(sel.minimal))?;
    }
    Ok(w.finish()?)
}

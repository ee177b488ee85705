//! The actors Marsad knows: what the `actor` filter and a correction's
//! `actors` and `targets` name.

use axum::Json;

use super::types::ActorEntry;
use crate::openapi::Unavailable;

/// Every actor of the lexicon (armed forces, militias, groups, civilians):
/// their ids, kinds and names in Arabic and English.
#[utoipa::path(
    get,
    path = "/api/v1/actors",
    operation_id = "listActors",
    tag = "incidents",
    responses((status = 200, description = "The actors, in the lexicon's order", body = Vec<ActorEntry>), Unavailable)
)]
pub async fn list() -> Json<Vec<ActorEntry>> {
    Json(
        marsad_extract::actor_catalogue()
            .iter()
            .map(|a| ActorEntry {
                id: a.id.clone(),
                kind: a.kind,
                name_ar: a.name_ar.clone(),
                name_en: a.name_en.clone(),
            })
            .collect(),
    )
}

//! The embedded web map and the offline basemap data it draws.

use std::sync::OnceLock;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use marsad_gazetteer::{Gazetteer, Place, PlaceKind};
use marsad_tiles::Label;
use serde_json::{json, Map};

use crate::AppState;
use marsad_formats::{collection, place_feature};

include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));

/// Governorate and district boundaries (Who's On First), simplified.
static ADMIN: &str = include_str!("../../../data/basemap/admin.geojson");

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "map" => "application/json",
        _ => "application/octet-stream",
    }
}

fn asset(path: &str) -> Option<Response> {
    let (_, bytes) = ASSETS.iter().find(|(p, _)| *p == path)?;
    // Hashed file names under /assets never change: cache them for good.
    let cache = if path.starts_with("/assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Some(
        (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, mime(path)),
                (header::CACHE_CONTROL, cache),
            ],
            *bytes,
        )
            .into_response(),
    )
}

/// `GET /`: the map (or, built without it, a page of links).
pub async fn index() -> Response {
    asset("/index.html").unwrap_or_else(|| {
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            include_str!("home.html"),
        )
            .into_response()
    })
}

/// `GET /assets/{file}`.
pub async fn assets(Path(file): Path<String>) -> Response {
    asset(&format!("/assets/{file}"))
        .unwrap_or_else(|| crate::AppError::NotFound(format!("no asset {file:?}")).into_response())
}

/// Governorate and district boundaries for the offline basemap.
#[utoipa::path(
    get,
    path = "/basemap/admin.geojson",
    operation_id = "getBasemapAdmin",
    tag = "map",
    responses(
        (status = 200, description = "The boundaries", body = crate::openapi::FeatureCollection, content_type = "application/geo+json"),
        crate::openapi::Unavailable,
    )
)]
pub async fn admin() -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/geo+json"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        ADMIN,
    )
        .into_response()
}

/// Label points for the basemap, with a `rank` for label priority (1
/// shows first).
///
/// Cities and towns of Syria, Iraq and their neighbours, villages of the
/// eastern governorates, and the curated sites, from the gazetteer.
#[utoipa::path(
    get,
    path = "/api/v1/basemap/places.geojson",
    operation_id = "getBasemapPlaces",
    tag = "map",
    responses(
        (status = 200, description = "The label points", body = crate::openapi::FeatureCollection, content_type = "application/geo+json"),
        crate::openapi::Unavailable,
    )
)]
pub async fn labels(State(state): State<AppState>) -> Response {
    static BODY: OnceLock<String> = OnceLock::new();
    let body = BODY.get_or_init(|| {
        let features = ranked_places(state.gaz)
            .iter()
            .map(|&(p, rank)| {
                let mut f = place_feature(p, None);
                if let Some(props) = f.properties.as_mut() {
                    let keep: Map<String, serde_json::Value> = ["id", "name_ar", "name_en", "kind"]
                        .iter()
                        .filter_map(|k| props.get(*k).map(|v| (k.to_string(), v.clone())))
                        .collect();
                    *props = keep;
                    props.insert("rank".into(), json!(rank));
                }
                f.bbox = None;
                f
            })
            .collect();
        collection(features, Map::new()).to_string()
    });
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/geo+json"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body.clone(),
    )
        .into_response()
}

/// The basemap's labels, for its vector tiles (`/tiles/places`).
pub(crate) fn labels_of(gaz: &'static Gazetteer) -> &'static [Label] {
    static LABELS: OnceLock<Vec<Label>> = OnceLock::new();
    LABELS.get_or_init(|| {
        ranked_places(gaz)
            .iter()
            .map(|&(p, rank)| Label {
                id: p.id.clone(),
                lon: p.lon,
                lat: p.lat,
                name_ar: p.name_ar.clone(),
                name_en: p.name_en.clone(),
                rank,
            })
            .collect()
    })
}

/// The gazetteer's places the basemap labels, each with its rank: 1 for
/// capitals and large cities, 2 for the cities of Syria and its
/// neighbours, 3 for Syrian and Iraqi towns and the curated sites (bases,
/// fields, crossings, airports), 4 for the villages of the eastern
/// governorates.
fn ranked_places(gaz: &'static Gazetteer) -> &'static [(&'static Place, u8)] {
    static RANKED: OnceLock<Vec<(&'static Place, u8)>> = OnceLock::new();
    RANKED.get_or_init(|| rank_places(gaz))
}

/// The ranking itself, run once by [`ranked_places`].
fn rank_places(gaz: &'static Gazetteer) -> Vec<(&'static Place, u8)> {
    let eastern = ["Deir ez-Zor", "Al-Hasakah", "Raqqa", "Al-Anbar"];
    let near = ["SY", "IQ", "LB", "JO", "TR", "IR", "IL", "PS", "SA", "KW"];
    let rank = |p: &Place| match p.kind {
        PlaceKind::City if p.capital || p.population.unwrap_or(0) >= 500_000 => Some(1),
        PlaceKind::City if near.contains(&p.country.as_str()) => Some(2),
        PlaceKind::Town if matches!(p.country.as_str(), "SY" | "IQ") => Some(3),
        PlaceKind::Base
        | PlaceKind::OilField
        | PlaceKind::GasField
        | PlaceKind::Crossing
        | PlaceKind::Airport
            if p.source == "curated" =>
        {
            Some(3)
        }
        PlaceKind::Village | PlaceKind::Neighbourhood
            if p.admin1.as_deref().is_some_and(|a| eastern.contains(&a)) && p.country == "SY" =>
        {
            Some(4)
        }
        _ => None,
    };
    gaz.places()
        .iter()
        .filter(|p| !(p.name_ar.is_empty() && p.name_en.is_empty()))
        .filter_map(|p| Some((p, rank(p)?)))
        .collect()
}

//! `marsad query`: incidents near a place or point, as GeoJSON.

use anyhow::{Context, Result};
use clap::Args;
use marsad_model::{LatLon, RadiusKm, Sort};
use serde_json::json;

use super::common::load_gazetteer;
use super::{DbArgs, FilterArgs, GazetteerArgs};

#[derive(Args)]
pub(super) struct QueryArgs {
    #[command(flatten)]
    db: DbArgs,
    /// A place name or id («البوكمال», «Deir ez-Zor», wof:890449891) or LAT,LON.
    #[arg(long)]
    near: String,
    /// Radius: a number of km, optionally written with «km» (25km).
    #[arg(long, default_value = "25km")]
    radius: RadiusKm,
    #[command(flatten)]
    filters: FilterArgs,
    /// At most this many incidents.
    #[arg(long, default_value_t = 1000)]
    limit: usize,
}

pub(super) fn run(gaz: &GazetteerArgs, args: QueryArgs) -> Result<()> {
    let centre = centre(gaz, &args.near)?;
    let query = args.filters.query()?;
    let db = &args.db.db;
    let store = marsad_store::Store::open(db).with_context(|| db.to_string())?;
    let index = args.db.index(&store)?;
    let page = index.radius(
        centre.lat,
        centre.lon,
        args.radius.km(),
        &query,
        Sort::Distance,
        args.limit,
        0,
    );
    let ids: Vec<String> = page.hits.iter().map(|h| h.id.clone()).collect();
    let features = store
        .incidents(&ids)?
        .iter()
        .zip(&page.hits)
        .map(|(i, h)| marsad_formats::incident_feature(i, h.distance_km))
        .collect();
    let mut m = serde_json::Map::new();
    m.insert("numberMatched".into(), json!(page.total));
    println!("{}", marsad_formats::collection(features, m));
    Ok(())
}

/// `LAT,LON`, or a place the gazetteer knows.
fn centre(gaz: &GazetteerArgs, near: &str) -> Result<LatLon> {
    if let Ok(p) = near.parse::<LatLon>() {
        return Ok(p);
    }
    let gaz = load_gazetteer(gaz)?;
    let i = gaz.lookup_name(near).with_context(|| {
        format!("--near: no place called {near:?} (try `marsad places search`)")
    })?;
    let p = gaz.place(i);
    Ok(LatLon {
        lat: p.lat,
        lon: p.lon,
    })
}

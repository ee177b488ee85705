//! `marsad places`: the gazetteer, searched.

use anyhow::Result;
use clap::Subcommand;
use marsad_model::LatLon;

use super::common::{load_gazetteer, place_json};
use super::GazetteerArgs;

#[derive(Subcommand)]
pub(super) enum PlacesCommand {
    /// Finds places by name, tolerant to spelling («Deir Ezzor», «دير الزور»).
    Search {
        /// The name to look for.
        query: String,
        /// Rank places near this point higher: LAT,LON.
        #[arg(long)]
        near: Option<LatLon>,
        /// How many results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
}

pub(super) fn run(gaz: &GazetteerArgs, command: PlacesCommand) -> Result<()> {
    let PlacesCommand::Search { query, near, limit } = command;
    let gaz = load_gazetteer(gaz)?;
    let hits: Vec<serde_json::Value> = gaz
        .search(&query, near.map(|c| (c.lat, c.lon)), limit)
        .into_iter()
        .map(|h| place_json(gaz.place(h.place), Some(h.score)))
        .collect();
    println!(
        "{}",
        serde_json::to_string_pretty(&serde_json::json!({ "places": hits }))?
    );
    Ok(())
}

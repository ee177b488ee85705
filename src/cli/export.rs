//! `marsad export`: incidents as GeoJSON or ACLED-style CSV.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};

use super::{DbArgs, FilterArgs};

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Geojson,
    Csv,
}

#[derive(Args)]
pub(super) struct ExportArgs {
    #[command(flatten)]
    db: DbArgs,
    /// geojson or csv.
    #[arg(long, default_value = "geojson")]
    format: Format,
    #[command(flatten)]
    filters: FilterArgs,
    /// Output file (default: standard output).
    #[arg(short, long)]
    output: Option<PathBuf>,
}

pub(super) fn run(args: ExportArgs) -> Result<()> {
    let db = &args.db.db;
    let store = marsad_store::Store::open(db).with_context(|| db.to_string())?;
    let query = args.filters.query()?;
    let incidents: Vec<_> = store
        .all_incidents()?
        .into_iter()
        .filter(|i| query.accepts(i))
        .collect();
    let bytes = match args.format {
        Format::Csv => marsad_formats::acled_csv(&incidents, &store.first_sources()?)?,
        Format::Geojson => {
            let features = incidents
                .iter()
                .map(|i| marsad_formats::incident_feature(i, None))
                .collect();
            marsad_formats::collection(features, serde_json::Map::new())
                .to_string()
                .into_bytes()
        }
    };
    match args.output {
        Some(path) => std::fs::write(&path, &bytes).with_context(|| path.display().to_string()),
        None => Ok(std::io::Write::write_all(&mut std::io::stdout(), &bytes)?),
    }
}

//! `marsad gazetteer`: build the bundled gazetteer, import into the user's.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Subcommand;

use super::common::user_gazetteer_path;
use super::GazetteerArgs;

#[derive(Subcommand)]
pub(super) enum GazetteerCommand {
    /// Rebuilds the bundled gazetteer from the raw sources.
    Build {
        /// Folder with one sub-folder per source (wof-sy, wof-iq, …).
        #[arg(long, env = "MARSAD_GAZETTEER_SOURCES")]
        sources: PathBuf,
        /// Folder with the project's additions.tsv and corrections.tsv.
        #[arg(long, default_value = "gazetteer")]
        editorial: PathBuf,
        /// Output file.
        #[arg(long, default_value = "gazetteer/places.jsonl.gz")]
        out: PathBuf,
        /// Where to write the simplified admin boundaries for the offline basemap.
        #[arg(long, default_value = "data/basemap/admin.geojson")]
        basemap_out: PathBuf,
    },
    /// Imports a dump into the user gazetteer.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
}

#[derive(Subcommand)]
pub(super) enum ImportSource {
    /// A GeoNames geoname table (allCountries.txt, SY.txt, cities500.txt).
    Geonames {
        /// The geoname table.
        file: PathBuf,
        /// alternateNamesV2.txt, for Arabic and English names.
        #[arg(long)]
        alternate_names: Option<PathBuf>,
    },
}

pub(super) fn run(gaz: &GazetteerArgs, command: GazetteerCommand) -> Result<()> {
    match command {
        GazetteerCommand::Build {
            sources,
            editorial,
            out,
            basemap_out,
        } => {
            let admin = marsad_gazetteer::build::admin_boundaries(&sources)?;
            if let Some(dir) = basemap_out.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&basemap_out, admin.to_string())
                .with_context(|| basemap_out.display().to_string())?;
            eprintln!(
                "wrote {} ({} boundaries)",
                basemap_out.display(),
                admin.features.len()
            );
            let (places, report) = marsad_gazetteer::build::build(&sources, &editorial)
                .with_context(|| format!("building the gazetteer from {}", sources.display()))?;
            marsad_gazetteer::write_places(&out, &places)?;
            for (what, n) in report.lines {
                eprintln!("{n:>8}  {what}");
            }
            eprintln!(
                "wrote {} ({} bytes)",
                out.display(),
                std::fs::metadata(&out)?.len()
            );
        }
        GazetteerCommand::Import {
            source:
                ImportSource::Geonames {
                    file,
                    alternate_names,
                },
        } => {
            let (places, report) =
                marsad_gazetteer::geonames::import(&file, alternate_names.as_deref())?;
            let out = user_gazetteer_path(gaz)
                .context("no place for the user gazetteer: set --user-gazetteer or HOME")?;
            let mut existing = if out.exists() {
                marsad_gazetteer::read_places(&out)?
            } else {
                Vec::new()
            };
            marsad_gazetteer::build::merge_into(&mut existing, places);
            if let Some(dir) = out.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            marsad_gazetteer::write_places(&out, &existing)?;
            eprintln!(
                "read {} rows, kept {} places, added {} alternate names; user gazetteer {} now holds {} places",
                report.rows, report.kept, report.alternate_names, out.display(), existing.len()
            );
        }
    }
    Ok(())
}

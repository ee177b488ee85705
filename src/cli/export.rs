//! `marsad export`: incidents as GeoJSON, ACLED-style CSV, GeoParquet or
//! FlatGeobuf, newest first, streamed: the index selects them, their
//! records are read and written a thousand at a time, so a store of
//! millions exports in the memory of a chunk (a GeoParquet row group; a
//! FlatGeobuf file gathers its features in a temporary file until its
//! index is built). A file is written beside its name and moved into place when
//! whole: a failed export leaves no partial file.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use marsad_formats::{
    AcledWriter, FgbFile, IncidentCollectionWriter, IncidentFeature, ParquetWriter,
};
use marsad_index::{Region, Sort};
use marsad_model::Incident;
use marsad_store::Store;

use super::{DbArgs, FilterArgs};

/// Records read from the store at a time.
const CHUNK: usize = 1000;

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Geojson,
    Csv,
    /// GeoParquet 1.1.
    Parquet,
    /// FlatGeobuf, with its spatial index.
    Fgb,
}

#[derive(Args)]
pub(super) struct ExportArgs {
    #[command(flatten)]
    db: DbArgs,
    /// geojson, csv, parquet (GeoParquet) or fgb (FlatGeobuf).
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
    let store = Store::open(db).with_context(|| db.to_string())?;
    let query = args.filters.query()?;
    let index = args.db.index(&store)?;
    let selected = index.select(Region::All, &query, Sort::DateDesc);
    // indicatif draws nothing when stderr is not a terminal.
    let bar = ProgressBar::new(selected.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} incidents exported {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let chunks = (0..selected.len()).step_by(CHUNK).map(|start| {
        let hits = selected
            .hits(&index, start..start + CHUNK)
            .context("the index changed during the export")?;
        let records = marsad_pipeline::records(&store, &hits)?;
        bar.inc(hits.len() as u64);
        anyhow::Ok(records)
    });
    // Every record in order with its first report (source, evidence), as
    // the CSV and GeoParquet carry it.
    let with_sources = |each: &mut WithSource<'_>| {
        for chunk in chunks.clone() {
            let chunk = chunk?;
            let ids: Vec<String> = chunk.iter().map(|(r, _)| r.id.clone()).collect();
            let first = store.first_sources_of(&ids)?;
            for (r, _) in &chunk {
                each(r, first.get(&r.id).map(|(s, e)| (s.as_str(), e.as_str())))?;
            }
        }
        anyhow::Ok(())
    };
    let write = |out: &mut (dyn Write + Send)| -> Result<()> {
        match args.format {
            Format::Geojson => {
                let mut w = IncidentCollectionWriter::start(out, &serde_json::Map::new())?;
                for chunk in chunks.clone() {
                    for (r, _) in &chunk? {
                        w.write(&IncidentFeature::new(r, None))?;
                    }
                }
                w.finish()?;
            }
            Format::Csv => {
                let mut w = AcledWriter::start(out)?;
                with_sources(&mut |r, source| Ok(w.write(r, source)?))?;
                w.finish()?;
            }
            Format::Parquet => {
                let mut w = ParquetWriter::start(out)?;
                with_sources(&mut |r, source| Ok(w.write(r, source)?))?;
                w.finish()?;
            }
            Format::Fgb => {
                let mut fgb = FgbFile::new()?;
                for chunk in chunks.clone() {
                    for (r, _) in &chunk? {
                        fgb.add(r)?;
                    }
                }
                fgb.write(out)?;
            }
        }
        Ok(())
    };
    match &args.output {
        Some(path) => write_whole(path, write)?,
        None => write(&mut std::io::BufWriter::new(std::io::stdout()))?,
    }
    bar.finish_and_clear();
    Ok(())
}

/// What takes each record with its first report (source, evidence).
type WithSource<'a> = dyn FnMut(&Incident, Option<(&str, &str)>) -> Result<()> + 'a;

/// Writes `path` through `write` into a file beside it, moved into place
/// only once written whole.
fn write_whole(
    path: &Path,
    write: impl FnOnce(&mut (dyn Write + Send)) -> Result<()>,
) -> Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let done = (|| -> Result<()> {
        let file = std::fs::File::create(&partial)?;
        let mut out = std::io::BufWriter::new(file);
        write(&mut out)?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&partial, path)?;
        Ok(())
    })();
    if done.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    done.with_context(|| path.display().to_string())
}

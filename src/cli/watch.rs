//! `marsad watch`: follows the feeds of a feeds file, ingesting each new
//! article once; `--once` polls every feed once and exits.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, RwLock};

use anyhow::{bail, Context, Result};
use clap::Args;
use marsad_feeds::{FeedList, Watcher};
use marsad_pipeline::Pipeline;
use marsad_store::Store;

use super::common::load_gazetteer;
use super::DbArgs;

#[derive(Args)]
pub(super) struct WatchArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The feeds file: TOML, `[[feed]]` with `url`, `outlet` and optional
    /// `interval` (seconds); see data/feeds.toml.
    #[arg(long, env = "MARSAD_FEEDS")]
    feeds: PathBuf,
    /// Poll every feed once, print a JSON line per feed, and exit (for cron
    /// and tests); the exit code is 1 if a feed failed.
    #[arg(long)]
    once: bool,
}

pub(super) fn run(gaz: &super::GazetteerArgs, args: WatchArgs) -> Result<()> {
    let list = FeedList::from_path(&args.feeds)?;
    let gaz = load_gazetteer(gaz)?;
    let db = &args.db.db;
    // Nothing here reads the index; a server next to it follows the store.
    let index = Arc::new(RwLock::new(marsad_index::SpatialIndex::default()));
    let pipeline = Pipeline::open(&gaz, db, index).with_context(|| db.to_string())?;
    let state = Store::open(db).with_context(|| db.to_string())?;
    let watcher = Watcher::new(list, &pipeline, state)?;
    if !args.once {
        eprintln!("marsad: following the feeds of {}", args.feeds.display());
        watcher.run(&AtomicBool::new(false));
        return Ok(());
    }
    let reports = watcher.poll(chrono::Utc::now(), true);
    for r in &reports {
        println!("{}", serde_json::to_string(r)?);
    }
    let failed: Vec<&str> = reports
        .iter()
        .filter(|r| r.status == "error")
        .map(|r| r.url.as_str())
        .collect();
    eprintln!(
        "feeds: {} polled, {} failed; articles: {} new addresses, {} ingested; incidents: {} new",
        reports.len(),
        failed.len(),
        reports.iter().map(|r| r.new_items).sum::<u64>(),
        reports.iter().map(|r| r.ingested).sum::<u64>(),
        reports.iter().map(|r| r.incidents_new).sum::<u64>(),
    );
    if !failed.is_empty() {
        bail!("{} feed(s) failed: {}", failed.len(), failed.join(", "));
    }
    Ok(())
}

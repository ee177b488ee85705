//! `marsad ingest`: articles into the database, one transaction each.

use std::io::Write as _;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use marsad_extract::Intake;
use marsad_model::Article;
use marsad_pipeline::Pipeline;
use serde_json::json;

use super::common::{article_files, load_gazetteer};
use super::DbArgs;

#[derive(Args)]
pub(super) struct IngestArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Publication date for relative dates, YYYY-MM-DD; overrides the articles' own.
    #[arg(long, value_parser = marsad_model::parse_date)]
    published: Option<chrono::NaiveDate>,
    /// Article files, folders whose files are all read, or http(s)
    /// addresses of article pages (fetched politely: robots.txt, a size
    /// limit, a User-Agent).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

/// What `ingest` did, for the final summary.
#[derive(Default)]
struct Totals {
    new: usize,
    unchanged: usize,
    failed: usize,
    incidents_new: usize,
    incidents_merged: usize,
}

/// Stores articles one transaction each, printing a JSON line per article
/// as soon as it is committed (so a crash loses nothing that was reported).
pub(super) fn run(gaz: &super::GazetteerArgs, args: IngestArgs) -> Result<()> {
    let gaz = load_gazetteer(gaz)?;
    let (urls, paths): (Vec<&PathBuf>, Vec<&PathBuf>) = args.paths.iter().partition(|p| {
        p.to_str()
            .is_some_and(|s| s.starts_with("http://") || s.starts_with("https://"))
    });
    let paths: Vec<PathBuf> = paths.into_iter().cloned().collect();
    let files = if paths.is_empty() {
        Vec::new()
    } else {
        article_files(&paths)?
    };
    let db = &args.db.db;
    // Nothing here reads the index; the pipeline keeps it up to date anyway.
    let index = Arc::new(RwLock::new(marsad_index::SpatialIndex::default()));
    let pipeline = Pipeline::open(&gaz, db, index).with_context(|| db.to_string())?;
    // indicatif draws nothing when stderr is not a terminal.
    let bar = ProgressBar::new(files.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} articles {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut t = Totals::default();
    let mut out = std::io::stdout().lock();
    if !urls.is_empty() {
        let fetcher = marsad_feeds::Fetcher::new(marsad_feeds::FetchSettings::default())?;
        for url in urls {
            let url = url.to_string_lossy();
            let line = match marsad_feeds::ingest_url(&fetcher, &pipeline, &url) {
                Ok(done) => {
                    let r = done.report;
                    t.count(&r);
                    json!({
                        "url": url,
                        "article_id": r.article_id,
                        "status": if r.new_article { "stored" } else { "unchanged" },
                        "incidents_new": r.incidents_new.len(),
                        "incidents_merged": r.incidents_merged.len(),
                    })
                }
                Err(e) => {
                    t.failed += 1;
                    bar.suspend(|| eprintln!("marsad: error: {e}"));
                    json!({"url": url, "status": "failed", "error": e.to_string()})
                }
            };
            writeln!(out, "{line}")?;
            out.flush()?;
        }
    }
    for path in &files {
        let line = match Article::from_path(path) {
            Ok(mut article) => {
                if args.published.is_some() {
                    article.published = args.published;
                }
                let r = match pipeline.ingest(&article) {
                    Ok(done) => done.report,
                    Err(e) => {
                        // The store refused it: so would it the rest.
                        bar.finish_and_clear();
                        t.report(db);
                        return Err(not_stored(path, &t, e));
                    }
                };
                t.count(&r);
                json!({
                    "path": path.display().to_string(),
                    "article_id": r.article_id,
                    "status": if r.new_article { "stored" } else { "unchanged" },
                    "incidents_new": r.incidents_new.len(),
                    "incidents_merged": r.incidents_merged.len(),
                })
            }
            Err(e) => {
                t.failed += 1;
                bar.suspend(|| eprintln!("marsad: error: {e}"));
                json!({"path": path.display().to_string(), "status": "failed", "error": e.to_string()})
            }
        };
        writeln!(out, "{line}")?;
        out.flush()?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    t.report(db);
    if t.failed > 0 {
        bail!("{} article(s) could not be read", t.failed);
    }
    Ok(())
}

/// Why `path` was not stored (nothing of it was written), and what to do.
fn not_stored(path: &std::path::Path, t: &Totals, e: marsad_pipeline::Error) -> anyhow::Error {
    let kept = t.new + t.unchanged;
    let why = match &e {
        marsad_pipeline::Error::Store(s) => s.unwritable(),
        _ => None,
    };
    match why {
        Some(why) => anyhow::anyhow!(
            "{}: not stored: the database cannot be written ({why}); the {kept} article(s) before it are stored; \
             once there is room (or the file is writable), run the same ingest again: what is stored is skipped",
            path.display()
        ),
        None => anyhow::Error::new(e).context(format!(
            "{}: not stored ({kept} article(s) before it are)",
            path.display()
        )),
    }
}

impl Totals {
    fn count(&mut self, r: &marsad_store::IngestReport) {
        if r.new_article {
            self.new += 1;
        } else {
            self.unchanged += 1;
        }
        self.incidents_new += r.incidents_new.len();
        self.incidents_merged += r.incidents_merged.len();
    }

    fn report(&self, db: &marsad_store::Location) {
        eprintln!(
            "articles: {} new, {} unchanged, {} failed; incidents: {} new, {} merged into existing",
            self.new, self.unchanged, self.failed, self.incidents_new, self.incidents_merged
        );
        tracing::info!(
            db = %db,
            articles_new = self.new,
            articles_unchanged = self.unchanged,
            articles_failed = self.failed,
            incidents_new = self.incidents_new,
            incidents_merged = self.incidents_merged,
            "ingest finished"
        );
    }
}

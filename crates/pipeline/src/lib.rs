//! The one way an article enters Marsad: its text is read into incidents
//! ([`marsad_extract`]), stored with its sources in one transaction
//! ([`marsad_store`]), and the incidents it created or reported again are
//! put in the R-tree ([`marsad_index`]). `marsad ingest`, `POST
//! /api/v1/articles` and the bundled examples all go through
//! [`Pipeline::ingest`].
//!
//! ```
//! use std::sync::{Arc, RwLock};
//! use marsad_extract::Intake;
//! let dir = tempfile::tempdir().unwrap();
//! let gaz = marsad_gazetteer::Gazetteer::bundled().unwrap();
//! let index = Arc::new(RwLock::new(marsad_index::SpatialIndex::default()));
//! let db = marsad_store::Location::from(dir.path().join("m.db"));
//! let pipeline = marsad_pipeline::Pipeline::open(&gaz, &db, index.clone()).unwrap();
//! let article = marsad_model::Article::from_text(
//!     "قصفت طائرات حربية مواقع في مدينة البوكمال يوم الثلاثاء.",
//!     chrono::NaiveDate::from_ymd_opt(2024, 3, 6),
//! );
//! let done = pipeline.ingest(&article).unwrap();
//! assert!(done.report.new_article);
//! assert_eq!(index.read().unwrap().len(), done.incidents.len());
//! ```
#![forbid(unsafe_code)]

mod correction;
mod error;

use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use marsad_extract::Extractor;
use marsad_gazetteer::Gazetteer;

use marsad_index::{Hit, IncidentPoint, SpatialIndex};
use marsad_model::{Article, Incident};
use marsad_store::{IngestReport, Location, Store};

pub use correction::CorrectionRequest;
pub use error::{Error, Result};

/// Extraction, the writing connection and the index, for ingesting
/// articles one transaction each.
pub struct Pipeline<'g> {
    extractor: Extractor<'g>,
    writer: Mutex<Store>,
    index: Arc<RwLock<SpatialIndex>>,
}

impl std::fmt::Debug for Pipeline<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline").finish_non_exhaustive()
    }
}

/// What ingesting one article did.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// What the store did.
    pub report: IngestReport,
    /// The incidents the article created or reported again, as stored now.
    pub incidents: Vec<Incident>,
}

impl<'g> Pipeline<'g> {
    /// A pipeline writing to the database at `db` and keeping `index` up
    /// to date.
    pub fn open(
        gaz: &'g Gazetteer,
        db: &Location,
        index: Arc<RwLock<SpatialIndex>>,
    ) -> Result<Self> {
        Ok(Pipeline {
            extractor: Extractor::new(gaz),
            writer: Mutex::new(Store::open(db)?),
            index,
        })
    }

    /// The extractor, for reading without storing.
    pub fn extractor(&self) -> &Extractor<'g> {
        &self.extractor
    }

    /// Extracts the article's incidents, stores the article and them in one
    /// transaction, and indexes what changed. An article already stored
    /// changes nothing.
    pub fn ingest(&self, article: &Article) -> Result<Ingested> {
        self.ingest_as(article, None)
    }

    /// [`Pipeline::ingest`], recording who sent the article.
    pub fn ingest_as(&self, article: &Article, by: Option<&str>) -> Result<Ingested> {
        let extraction = self.extractor.extract(article);
        let (report, incidents) = {
            let mut store = self.writer.lock().unwrap_or_else(|e| e.into_inner());
            let report = store
                .ingest_as(article, &extraction.incidents, by)
                .inspect_err(|_| {
                    metrics::counter!(INGEST_FAILURES).increment(1);
                })?;
            let touched: Vec<String> = report
                .incidents_new
                .iter()
                .chain(&report.incidents_merged)
                .cloned()
                .collect();
            let incidents = store.incidents(&touched)?;
            (report, incidents)
        };
        let mut index = self.index.write().unwrap_or_else(|e| e.into_inner());
        for p in incidents.iter().filter_map(IncidentPoint::of) {
            index.upsert(p);
        }
        count(&report);
        tracing::info!(
            article = %report.article_id,
            new_article = report.new_article,
            incidents_new = report.incidents_new.len(),
            incidents_merged = report.incidents_merged.len(),
            "ingested"
        );
        Ok(Ingested { report, incidents })
    }
}

impl Pipeline<'_> {
    /// Runs `f` on the writing connection (one writer at a time): for
    /// writes other than ingests, such as a reviewer's decision.
    pub fn with_writer<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        f(&mut self.writer.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Puts the incidents `ids` in the index as they are stored now: after
    /// a write other than an ingest, so the next query sees it at once.
    pub fn reindex(&self, ids: &[String]) -> Result<()> {
        let incidents = self.with_writer(|s| s.incidents(ids))?;
        let mut index = self.index.write().unwrap_or_else(|e| e.into_inner());
        for p in incidents.iter().filter_map(IncidentPoint::of) {
            index.upsert(p);
        }
        Ok(())
    }
}

/// Articles ingested, by outcome (`new`, `unchanged`: stored already).
pub const ARTICLES_INGESTED: &str = "marsad_articles_ingested_total";
/// Incidents ingested, by outcome (`new`, `merged`: another report of one
/// stored already).
pub const INCIDENTS_INGESTED: &str = "marsad_incidents_ingested_total";
/// Ingests the store refused (nothing of the article was written).
pub const INGEST_FAILURES: &str = "marsad_ingest_failures_total";

/// The `# HELP` lines of what the pipeline counts (for an exporter).
pub fn describe_metrics() {
    metrics::describe_counter!(
        ARTICLES_INGESTED,
        "Articles ingested, by outcome (new, or unchanged: stored already)"
    );
    metrics::describe_counter!(
        INCIDENTS_INGESTED,
        "Incidents ingested, by outcome (new, or merged into one stored already)"
    );
    metrics::describe_counter!(
        INGEST_FAILURES,
        "Ingests the store refused; nothing of the article was written"
    );
}

fn count(report: &IngestReport) {
    let outcome = if report.new_article {
        "new"
    } else {
        "unchanged"
    };
    metrics::counter!(ARTICLES_INGESTED, "outcome" => outcome).increment(1);
    metrics::counter!(INCIDENTS_INGESTED, "outcome" => "new")
        .increment(report.incidents_new.len() as u64);
    metrics::counter!(INCIDENTS_INGESTED, "outcome" => "merged")
        .increment(report.incidents_merged.len() as u64);
}

/// The R-tree of every stored incident that has a place, and the store's
/// last change number (where [`catch_up`] goes on from).
pub fn load_index(store: &Store) -> Result<(SpatialIndex, i64)> {
    let mut last = Ok(0);
    let index = SpatialIndex::build(|add| last = store.for_each_point_since(0, add));
    Ok((index, last?))
}

/// How a server came by its index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// From a snapshot, then the changes written since it was taken.
    Snapshot {
        /// How many incidents changed since.
        caught_up: usize,
    },
    /// From every incident in the store: there was no snapshot, or it
    /// could not be used (`why`).
    Rebuilt {
        /// Why the snapshot was not used, if there was one.
        why: Option<String>,
    },
}

/// The index of `store` and its last change number: read from the snapshot
/// at `snapshot` when that is whole and of this store, and brought up to
/// date with the changes since; else rebuilt from every incident (a
/// snapshot that cannot be used is logged, never trusted).
pub fn open_index(store: &Store, snapshot: Option<&Path>) -> Result<(SpatialIndex, i64, Opened)> {
    let why = match snapshot.filter(|p| p.exists()) {
        None => None,
        Some(path) => match index_from_snapshot(store, path) {
            Ok(Ok((index, last, caught_up))) => {
                return Ok((index, last, Opened::Snapshot { caught_up }))
            }
            Ok(Err(why)) => Some(why),
            Err(e) => return Err(e),
        },
    };
    if let (Some(why), Some(path)) = (&why, snapshot) {
        tracing::warn!(snapshot = %path.display(), %why, "index snapshot not used; rebuilding the index from the store");
    }
    let (index, last) = load_index(store)?;
    Ok((index, last, Opened::Rebuilt { why }))
}

/// The snapshot's index caught up with the store, or why it cannot be used
/// (the outer error is the store failing).
fn index_from_snapshot(
    store: &Store,
    path: &Path,
) -> Result<std::result::Result<(SpatialIndex, i64, usize), String>> {
    let (mut index, stamp) = match SpatialIndex::load(path) {
        Ok(loaded) => loaded,
        Err(e) => return Ok(Err(e.to_string())),
    };
    if stamp.store != store.identity()? {
        return Ok(Err("it is of another store".into()));
    }
    if let Some((seq, id)) = &stamp.witness {
        if !store.holds_change(*seq, id)? {
            return Ok(Err(format!(
                "the store's history differs from the snapshot's (incident {id} is not at change {seq})"
            )));
        }
    }
    let (changed, last) = store.points_since(stamp.last_change)?;
    let caught_up = changed.len();
    for p in changed {
        index.upsert(p);
    }
    Ok(Ok((index, last, caught_up)))
}

/// Saves `index`, which holds every change of `store` up to `last_change`,
/// as a snapshot at `path` (see [`open_index`]); returns its size.
pub fn save_index(
    store: &Store,
    index: &SpatialIndex,
    last_change: i64,
    path: &Path,
) -> Result<u64> {
    let stamp = marsad_index::Stamp {
        store: store.identity()?,
        last_change,
        witness: store.witness(last_change)?,
    };
    Ok(index.save(path, &stamp)?)
}

/// Rebuilds `index` from the whole store; returns the last change number.
/// A server does this after losing its database: whatever happened
/// meanwhile (a failover, a restore behind the same URL), its index then
/// holds what the store holds, not what it held before.
pub fn resync(store: &Store, index: &RwLock<SpatialIndex>) -> Result<i64> {
    let (fresh, last) = load_index(store)?;
    let incidents = fresh.len();
    *index.write().unwrap_or_else(|e| e.into_inner()) = fresh;
    tracing::info!(
        incidents,
        last_change = last,
        "index rebuilt from the store"
    );
    Ok(last)
}

/// Puts into `index` what was written to the store after change `since`
/// (by this process or any other); returns the last change number. A
/// server calls it every moment, so replicas over one database, or a
/// `marsad ingest` next to a `marsad serve`, show every write. `seen`
/// hears each changed incident (the live stream).
pub fn catch_up(
    store: &Store,
    index: &RwLock<SpatialIndex>,
    since: i64,
    seen: &mut dyn FnMut(&marsad_model::IncidentPoint),
) -> Result<i64> {
    let (changed, last) = store.points_since(since)?;
    if !changed.is_empty() {
        let n = changed.len();
        for p in &changed {
            seen(p);
        }
        let mut index = index.write().unwrap_or_else(|e| e.into_inner());
        for p in changed {
            index.upsert(p);
        }
        tracing::debug!(incidents = n, last_change = last, "caught up");
    }
    Ok(last)
}

/// The stored records of `hits` (an index page or a chunk of a
/// selection), in their order, each with its distance; hits whose incident
/// left the store since the index was read are left out.
pub fn records(store: &Store, hits: &[Hit]) -> Result<Vec<(Incident, Option<f64>)>> {
    let ids: Vec<String> = hits.iter().map(|h| h.id.clone()).collect();
    // `incidents` keeps the order asked and skips the missing.
    let mut hits = hits.iter();
    Ok(store
        .incidents(&ids)?
        .into_iter()
        .filter_map(|r| {
            let d = hits.by_ref().find(|h| h.id == r.id)?.distance_km;
            Some((r, d))
        })
        .collect())
}

//! Shared state: the gazetteer, the extractor, the store and the index.

use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use marsad_extract::Extractor;
use marsad_gazetteer::Gazetteer;
use marsad_index::{IncidentPoint, SpatialIndex};
use marsad_store::{IncidentRecord, Store};

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Bearer token for writes; `None` refuses every write.
    pub token: Option<String>,
    /// Largest request body accepted, bytes.
    pub max_body_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            token: None,
            max_body_bytes: 2 * 1024 * 1024,
        }
    }
}

/// What every handler shares. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The gazetteer (lives as long as the process).
    pub gaz: &'static Gazetteer,
    /// Incident extraction for submitted articles.
    pub extractor: Arc<Extractor<'static>>,
    /// The connection that writes; one writer at a time.
    pub writer: Arc<Mutex<Store>>,
    /// The connection that reads, so reads go on during a write (WAL).
    pub reader: Arc<Mutex<Store>>,
    /// The R-tree, updated after every committed write.
    pub index: Arc<RwLock<SpatialIndex>>,
    /// Settings.
    pub config: Arc<Config>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The index's view of a stored incident (only incidents with a point).
pub fn point_of(r: &IncidentRecord) -> Option<IncidentPoint> {
    let (lat, lon) = (r.lat?, r.lon?);
    let mut p = IncidentPoint::new(&r.id, lat, lon)
        .with_type(&r.event_type)
        .with_date(r.date)
        .with_actors(r.actors.iter().chain(&r.targets).map(|a| a.id.as_str()));
    p.confidence = r.confidence;
    p.geo_precision = r.geo_precision;
    Some(p)
}

impl AppState {
    /// Opens the database (two connections) and bulk-loads the index.
    pub fn open(gaz: &'static Gazetteer, db: &Path, config: Config) -> marsad_store::Result<Self> {
        let writer = Store::open(db)?;
        let reader = Store::open(db)?;
        let points: Vec<IncidentPoint> = reader
            .all_incidents()?
            .iter()
            .filter_map(point_of)
            .collect();
        Ok(AppState {
            gaz,
            extractor: Arc::new(Extractor::new(gaz)),
            writer: Arc::new(Mutex::new(writer)),
            reader: Arc::new(Mutex::new(reader)),
            index: Arc::new(RwLock::new(SpatialIndex::bulk_load(points))),
            config: Arc::new(config),
        })
    }

    /// Puts freshly written incidents into the index.
    pub fn reindex(&self, records: &[IncidentRecord]) {
        let mut ix = self.index.write().unwrap_or_else(|p| p.into_inner());
        for r in records {
            if let Some(p) = point_of(r) {
                ix.upsert(p);
            }
        }
    }
}

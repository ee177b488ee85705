//! Shared state: the gazetteer, the pipeline that writes, the connection
//! that reads, and the index.

use std::sync::{Arc, Mutex, RwLock};

use marsad_gazetteer::Gazetteer;
use marsad_index::SpatialIndex;
use marsad_pipeline::Pipeline;
use marsad_store::{Location, Store};

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
    /// Extraction, the writing connection (one writer at a time) and the
    /// index updates: the one way an article gets in.
    pub pipeline: Arc<Pipeline<'static>>,
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

impl AppState {
    /// Opens the database (a writer and a reader) and bulk-loads the index.
    pub fn open(
        gaz: &'static Gazetteer,
        db: &Location,
        config: Config,
    ) -> marsad_pipeline::Result<Self> {
        let reader = Store::open(db)?;
        let index = Arc::new(RwLock::new(marsad_pipeline::load_index(&reader)?));
        Ok(AppState {
            gaz,
            pipeline: Arc::new(Pipeline::open(gaz, db, index.clone())?),
            reader: Arc::new(Mutex::new(reader)),
            index,
            config: Arc::new(config),
        })
    }

    /// Runs a read on the reading connection, on a blocking thread.
    pub(crate) async fn read<T, F>(&self, f: F) -> Result<T, crate::AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Store) -> marsad_store::Result<T> + Send + 'static,
    {
        let reader = self.reader.clone();
        let out = tokio::task::spawn_blocking(move || {
            f(&reader.lock().unwrap_or_else(|e| e.into_inner()))
        })
        .await??;
        Ok(out)
    }
}

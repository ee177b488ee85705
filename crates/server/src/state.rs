//! Shared state: the gazetteer, the pipeline that writes, the connection
//! that reads, and the index.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

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
    /// Articles accepted per second at most, across all clients (bursts of
    /// twice as many): extraction is the costliest thing a client can ask
    /// for, and a flood of writes would stall every reader.
    pub writes_per_second: std::num::NonZeroU32,
    /// Which other sites' pages may read the API (CORS); none by default.
    pub cors: Cors,
    /// Where `GET /metrics` is served, if anywhere.
    pub metrics: MetricsAt,
    /// What readers who are not signed in see.
    pub public: Public,
    /// Where alerts' webhooks may go, and when failed deliveries are
    /// tried again.
    pub webhooks: marsad_alerts::Courier,
    /// Where the index is kept on disk between runs (see
    /// [`marsad_index::snapshot`]); `None`: rebuilt from the store at
    /// every start.
    pub index_snapshot: Option<std::path::PathBuf>,
}

/// What readers who are not signed in see (`--public`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Public {
    /// Every incident, whatever its review: a single user's install.
    #[default]
    All,
    /// Verified incidents only: what a team publishes.
    Verified,
}

/// Where the Prometheus metrics are served. They can tell an outsider
/// about traffic and feeds, so they are off the public router unless asked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MetricsAt {
    /// Not counted, not served.
    #[default]
    Off,
    /// `GET /metrics` on the public router (`--metrics`).
    Public,
    /// Only on a listener of their own (`--metrics-addr`), which the
    /// binary serves with [`crate::metrics_router`].
    Separate,
}

/// Changes a slow live-stream client may fall behind by before it is told
/// to reload.
const CHANGES_KEPT: usize = 4096;

/// Features kept at most (see [`AppState::features`]).
const FEATURES_KEPT: usize = 250_000;

/// Bytes of features kept at most: a busy region's, not the world's.
const FEATURE_BYTES_KEPT: usize = 128 << 20;

/// Which origins may read the API from their pages' scripts.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Cors {
    /// None: browsers keep other sites from reading answers.
    #[default]
    Off,
    /// Any site (`*`): for a public, read-mostly deployment.
    Any,
    /// These origins (`https://example.org`), each exactly.
    Origins(Vec<axum::http::HeaderValue>),
}

impl Cors {
    /// From the command line's list: `*`, or origins `scheme://host[:port]`.
    pub fn from_origins(origins: &[String]) -> Result<Self, String> {
        if origins.is_empty() {
            return Ok(Cors::Off);
        }
        if origins.iter().any(|o| o == "*") {
            return match origins.len() {
                1 => Ok(Cors::Any),
                _ => Err("CORS origin `*` allows every site: give it alone".into()),
            };
        }
        origins
            .iter()
            .map(|o| {
                let (scheme, rest) = o.split_once("://").unwrap_or(("", ""));
                let host_ok = !rest.is_empty()
                    && !rest.contains(['/', '?', '#', ' ', '@'])
                    && rest.is_ascii();
                if !matches!(scheme, "http" | "https") || !host_ok {
                    return Err(format!(
                        "CORS origin {o:?} is not scheme://host[:port] (e.g. https://example.org)"
                    ));
                }
                axum::http::HeaderValue::from_str(o).map_err(|e| format!("CORS origin {o:?}: {e}"))
            })
            .collect::<Result<_, _>>()
            .map(Cors::Origins)
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            token: None,
            max_body_bytes: 2 * 1024 * 1024,
            writes_per_second: std::num::NonZeroU32::new(20).unwrap_or(std::num::NonZeroU32::MIN),
            cors: Cors::Off,
            metrics: MetricsAt::Off,
            public: Public::All,
            webhooks: marsad_alerts::Courier::default(),
            index_snapshot: None,
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
    /// The connections that read, so reads go on side by side and during
    /// a write.
    pub readers: Arc<crate::readers::Readers>,
    /// The R-tree, updated after every committed write.
    pub index: Arc<RwLock<SpatialIndex>>,
    /// Settings.
    pub config: Arc<Config>,
    /// How far the index has followed the store.
    pub follow: Arc<Follow>,
    /// Vector tiles cut for the index as it is, by tile and filters.
    pub tiles: Arc<crate::cache::GenerationCache<(marsad_tiles::TileId, String), bytes::Bytes>>,
    /// Pages of incidents for the index as it is, by path and query.
    pub pages: Arc<crate::cache::GenerationCache<String, bytes::Bytes>>,
    /// Incidents as GeoJSON features (full properties, no distance), by
    /// id, for the index as it is: a new page over incidents shown before
    /// is assembled from them instead of read and written again.
    pub features: Arc<crate::cache::GenerationCache<String, bytes::Bytes>>,
    /// FlatGeobuf downloads made for the index as it is, by path and query
    /// (files on disk: a few kept, so a client's range requests find the
    /// file they read the index of).
    pub fgb_files: Arc<crate::cache::GenerationCache<String, Arc<crate::fgb::Made>>>,
    /// Selections of OGC items (4 bytes an incident and its day) for the
    /// index as it is, by area and filters: a client walking the pages of
    /// one query pays for the selection once.
    pub selections: Arc<crate::cache::GenerationCache<String, Arc<marsad_index::Selected>>>,
    /// Aggregates (stats, layers) for the index as it is, by path and query.
    pub aggregates: Arc<crate::cache::GenerationCache<String, serde_json::Value>>,
    /// The write rate limit (see [`Config::writes_per_second`]).
    pub writes: Arc<governor::DefaultDirectRateLimiter>,
    /// When this process started (nanoseconds since 1970): with the index
    /// generation, an `ETag` no other run of the server gives.
    pub started: u128,
    /// The Prometheus recorder's handle, when metrics are on.
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// Every incident stored or changed, as the follower reads it (from
    /// this process or any other): the live stream's source.
    pub changes: tokio::sync::broadcast::Sender<std::sync::Arc<marsad_model::IncidentPoint>>,
    /// The change number the index snapshot on disk holds, if it is this
    /// index's (see [`crate::snapshot`]).
    pub(crate) snapshot_at: Arc<Mutex<Option<i64>>>,
}

/// An index loaded for a server, and how far in the store's changes it is.
#[derive(Debug)]
pub struct LoadedIndex {
    /// The index.
    pub index: SpatialIndex,
    /// The last change it holds.
    pub last_change: i64,
    /// Whether the snapshot on disk holds that change already (nothing
    /// to save until another comes).
    pub snapshot_current: bool,
}

/// The index's position in the store's changes, for `/healthz`.
#[derive(Debug)]
pub struct Follow {
    /// `sqlite` or `postgres`.
    pub database: &'static str,
    /// The last change number put in the index.
    pub last_change: AtomicI64,
    /// When the store was last read for changes.
    pub last_sync: Mutex<Instant>,
    /// How many times the index was rebuilt after losing the database.
    pub resyncs: AtomicU64,
    /// A connection of the follower's own, so waiting for changes never
    /// holds up the handlers' reads (the snapshot's writer uses it too).
    pub(crate) store: Mutex<Store>,
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
        let index = Self::load_index(db, config.index_snapshot.as_deref())?;
        Self::with_index(gaz, db, config, index)
    }

    /// The index of every incident in the database and its last change
    /// number (for [`AppState::with_index`]; a server loads the gazetteer
    /// meanwhile): from the snapshot at `snapshot` if it is whole and of
    /// this store, else from every incident.
    pub fn load_index(
        db: &Location,
        snapshot: Option<&std::path::Path>,
    ) -> marsad_pipeline::Result<LoadedIndex> {
        let started = Instant::now();
        // Through a connection of its own, closed after, so the page cache
        // a full scan fills does not stay resident.
        let (index, last_change, opened) =
            marsad_pipeline::open_index(&Store::open(db)?, snapshot)?;
        let (incidents, seconds) = (index.len(), started.elapsed().as_secs_f64());
        let snapshot_current = match &opened {
            marsad_pipeline::Opened::Snapshot { caught_up } => {
                tracing::info!(
                    incidents,
                    caught_up,
                    seconds,
                    "index read from its snapshot"
                );
                *caught_up == 0
            }
            marsad_pipeline::Opened::Rebuilt { .. } => {
                tracing::info!(incidents, seconds, "index built from the store");
                false
            }
        };
        Ok(LoadedIndex {
            index,
            last_change,
            snapshot_current,
        })
    }

    /// Opens the database (a writer and a reader) around an index loaded
    /// from it by [`AppState::load_index`].
    pub fn with_index(
        gaz: &'static Gazetteer,
        db: &Location,
        config: Config,
        loaded: LoadedIndex,
    ) -> marsad_pipeline::Result<Self> {
        let LoadedIndex {
            index,
            last_change,
            snapshot_current,
        } = loaded;
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let readers = crate::readers::Readers::open(db, cores.clamp(2, 8))?;
        let index = Arc::new(RwLock::new(index));
        let follow = Arc::new(Follow {
            database: readers.backend(),
            last_change: AtomicI64::new(last_change),
            last_sync: Mutex::new(Instant::now()),
            resyncs: AtomicU64::new(0),
            store: Mutex::new(Store::open(db)?),
        });
        Ok(AppState {
            follow,
            gaz,
            pipeline: Arc::new(Pipeline::open(gaz, db, index.clone())?),
            readers: Arc::new(readers),
            index,
            writes: Arc::new(governor::RateLimiter::direct(
                governor::Quota::per_second(config.writes_per_second).allow_burst(
                    config.writes_per_second.saturating_mul(
                        std::num::NonZeroU32::new(2).unwrap_or(std::num::NonZeroU32::MIN),
                    ),
                ),
            )),
            metrics: (config.metrics != MetricsAt::Off)
                .then(crate::metrics::recorder)
                .flatten(),
            config: Arc::new(config),
            tiles: Arc::default(),
            pages: Arc::default(),
            selections: Arc::new(crate::cache::GenerationCache::with_limits(64, 256 << 20)),
            fgb_files: Arc::new(crate::cache::GenerationCache::with_limits(8, usize::MAX)),
            features: Arc::new(crate::cache::GenerationCache::with_limits(
                FEATURES_KEPT,
                FEATURE_BYTES_KEPT,
            )),
            aggregates: Arc::default(),
            changes: tokio::sync::broadcast::channel(CHANGES_KEPT).0,
            snapshot_at: Arc::new(Mutex::new(snapshot_current.then_some(last_change))),
            started: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        })
    }

    /// The index's current generation (see [`SpatialIndex::generation`]).
    pub(crate) fn generation(&self) -> u64 {
        self.index
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .generation()
    }

    /// What `compute` makes of the index, kept in `cache` under `key` until
    /// the index changes, and the generation it was made from. Computed on
    /// a blocking thread, since it may visit every incident.
    pub(crate) async fn cached<K, V, F>(
        &self,
        cache: &crate::cache::GenerationCache<K, V>,
        key: K,
        compute: F,
    ) -> Result<(u64, V), crate::AppError>
    where
        K: std::hash::Hash + Eq,
        V: Clone + crate::cache::Weigh + Send + 'static,
        F: FnOnce(&SpatialIndex) -> Result<V, crate::AppError> + Send + 'static,
    {
        let generation = self.generation();
        if let Some(v) = cache.get(generation, &key) {
            return Ok((generation, v));
        }
        let _making = cache.making(&key).await;
        let generation = self.generation();
        if let Some(v) = cache.get(generation, &key) {
            return Ok((generation, v));
        }
        let index = self.index.clone();
        let (generation, value) = tokio::task::spawn_blocking(move || {
            let ix = index.read().unwrap_or_else(|e| e.into_inner());
            compute(&ix).map(|v| (ix.generation(), v))
        })
        .await??;
        cache.put(generation, key, value.clone());
        Ok((generation, value))
    }

    /// An aggregate of the index (stats, layers), kept as JSON under `key`
    /// (the request's path and query) until the index changes.
    pub(crate) async fn aggregate<F, T>(
        &self,
        key: String,
        compute: F,
    ) -> Result<axum::Json<serde_json::Value>, crate::AppError>
    where
        F: FnOnce(&SpatialIndex) -> T + Send + 'static,
        T: serde::Serialize,
    {
        let (_, value) = self
            .cached(&self.aggregates, key, |ix| {
                serde_json::to_value(compute(ix))
                    .map_err(|e| crate::AppError::Internal(e.to_string()))
            })
            .await?;
        Ok(axum::Json(value))
    }

    /// A GeoJSON page made by `make`, kept under `uri` until the index
    /// changes, with an `ETag` naming the index and the query: a 304 when
    /// the client holds it already. The same page asked again (a map's
    /// view, a dashboard) is then a copy of bytes, not a thousand reads.
    pub(crate) async fn page<Fut>(
        &self,
        uri: &axum::http::Uri,
        headers: &axum::http::HeaderMap,
        make: impl FnOnce() -> Fut,
    ) -> Result<axum::response::Response, crate::AppError>
    where
        Fut: std::future::Future<Output = Result<Vec<u8>, crate::AppError>>,
    {
        use axum::response::IntoResponse;
        const GEOJSON: &str = "application/geo+json";
        let key = uri.to_string();
        let generation = self.generation();
        let etag = crate::response::etag(self.started, generation, &key);
        if crate::response::fresh(headers, &etag) {
            let h = crate::response::revalidated(GEOJSON, &etag);
            return Ok((axum::http::StatusCode::NOT_MODIFIED, h).into_response());
        }
        let body = match self.pages.get(generation, &key) {
            Some(body) => body,
            None => {
                let _making = self.pages.making(&key).await;
                // Made meanwhile by the request that held the lock?
                match self.pages.get(generation, &key) {
                    Some(body) => body,
                    None => {
                        let body = bytes::Bytes::from(make().await?);
                        self.pages.put(generation, key, body.clone());
                        body
                    }
                }
            }
        };
        let h = crate::response::revalidated(GEOJSON, &etag);
        Ok((axum::http::StatusCode::OK, h, body).into_response())
    }

    /// Runs a read on a reading connection, on a blocking thread.
    pub(crate) async fn read<T, E, F>(&self, f: F) -> Result<T, crate::AppError>
    where
        T: Send + 'static,
        E: Into<crate::AppError> + Send + 'static,
        F: FnOnce(&Store) -> Result<T, E> + Send + 'static,
    {
        let readers = self.readers.clone();
        let out = tokio::task::spawn_blocking(move || f(&readers.lock()))
            .await?
            .map_err(Into::into)?;
        Ok(out)
    }

    /// Runs `f` on the writing connection, off the async threads: for
    /// writes other than ingests (a reviewer's decision).
    pub(crate) async fn pipeline_write<T, E, F>(&self, f: F) -> Result<T, crate::AppError>
    where
        T: Send + 'static,
        E: Into<crate::AppError> + Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, E> + Send + 'static,
    {
        let pipeline = self.pipeline.clone();
        let out = tokio::task::spawn_blocking(move || pipeline.with_writer(f))
            .await?
            .map_err(Into::into)?;
        Ok(out)
    }
}

/// How often a server reads the store for writes made elsewhere, at most
/// (on PostgreSQL a notification wakes it at once).
pub const FOLLOW_EVERY: Duration = Duration::from_millis(250);

/// Keeps the index in step with writes made by other processes (replicas
/// over one PostgreSQL database, or `marsad ingest` next to `marsad serve`),
/// on a thread of its own: waits for a change notification (PostgreSQL
/// LISTEN) or [`FOLLOW_EVERY`], then reads the changes after the last one
/// indexed. A failed read (the database restarting, the connection cut) is
/// logged and tried again; the first read that works after it rebuilds the
/// index from the whole store, since notifications were lost meanwhile and
/// the database may not be the one it was.
pub fn follow(state: AppState) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("marsad-follow".into())
        .spawn(move || {
            let f = &state.follow;
            let mut failing = false;
            loop {
                // The store's lock is not fair: taken again at once, it
                // would starve whoever waits for it (the snapshot written
                // at shutdown waited for ever). Step aside between waits.
                std::thread::sleep(Duration::from_millis(1));
                let since = f.last_change.load(Ordering::Acquire);
                let read = {
                    let store = f.store.lock().unwrap_or_else(|e| e.into_inner());
                    store.wait_for_changes(FOLLOW_EVERY).map(|_| {
                        if failing {
                            marsad_pipeline::resync(&store, &state.index)
                        } else {
                            marsad_pipeline::catch_up(&store, &state.index, since, &mut |p| {
                                // No stream open: nothing to copy or tell.
                                if state.changes.receiver_count() > 0 {
                                    let _ = state.changes.send(Arc::new(p.clone()));
                                }
                            })
                        }
                    })
                };
                match read {
                    Ok(Ok(last)) => {
                        if failing {
                            f.last_change.store(last, Ordering::Release);
                            f.resyncs.fetch_add(1, Ordering::AcqRel);
                            tracing::info!("following the database again");
                            failing = false;
                        } else {
                            f.last_change.fetch_max(last, Ordering::AcqRel);
                        }
                        *f.last_sync.lock().unwrap_or_else(|e| e.into_inner()) = Instant::now();
                        continue;
                    }
                    Ok(Err(e)) if !failing => {
                        tracing::warn!(error = %e, "cannot read the database's changes; retrying");
                        failing = true;
                    }
                    Err(e) if !failing => {
                        tracing::warn!(error = %e, "cannot wait for the database's changes; retrying");
                        failing = true;
                    }
                    _ => {}
                }
                std::thread::sleep(FOLLOW_EVERY);
            }
        })
}

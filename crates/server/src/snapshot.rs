//! Keeping the index's snapshot on disk: written after the index is built
//! from the store, every [`SNAPSHOT_EVERY`] while changes come, and at
//! shutdown, so the next start reads it (seconds at ten million
//! incidents) instead of every incident (tens of seconds).

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::AppState;

/// How often a changed index is written again, at most. Between writes a
/// restart reads the snapshot and then the changes after it.
pub const SNAPSHOT_EVERY: Duration = Duration::from_secs(600);

impl AppState {
    /// Writes the index snapshot if the server keeps one and the index
    /// holds changes the snapshot on disk lacks; returns its size if it
    /// wrote. The index is read-locked meanwhile: writes to it wait.
    pub fn save_snapshot(&self) -> marsad_pipeline::Result<Option<u64>> {
        let Some(path) = self.config.index_snapshot.as_deref() else {
            return Ok(None);
        };
        let mut saved = self.snapshot_at.lock().unwrap_or_else(|e| e.into_inner());
        let store = self.follow.store.lock().unwrap_or_else(|e| e.into_inner());
        let started = Instant::now();
        let index = self.index.read().unwrap_or_else(|e| e.into_inner());
        // Read under the index's lock: the follower moves it only after
        // the changes are in, so the index holds at least this much.
        let last_change = self.follow.last_change.load(Ordering::Acquire);
        if *saved == Some(last_change) {
            return Ok(None);
        }
        let bytes = marsad_pipeline::save_index(&store, &index, last_change, path)?;
        *saved = Some(last_change);
        tracing::info!(
            incidents = index.len(),
            last_change,
            bytes,
            seconds = started.elapsed().as_secs_f64(),
            snapshot = %path.display(),
            "index snapshot written"
        );
        Ok(Some(bytes))
    }

    /// The snapshot written at shutdown: changes the follower has not read
    /// yet (writes of the last moments) go into the index first, so the
    /// next start catches up only what was stored after the stop.
    pub fn save_final_snapshot(&self) -> marsad_pipeline::Result<Option<u64>> {
        {
            let store = self.follow.store.lock().unwrap_or_else(|e| e.into_inner());
            let since = self.follow.last_change.load(Ordering::Acquire);
            // No stream is served any more: nothing to tell.
            let last = marsad_pipeline::catch_up(&store, &self.index, since, &mut |_| {})?;
            self.follow.last_change.fetch_max(last, Ordering::AcqRel);
        }
        self.save_snapshot()
    }
}

/// Writes the snapshot now if the index was built from the store, then
/// every [`SNAPSHOT_EVERY`] if it changed, on a thread of its own, for as
/// long as the process. A failed write is logged and tried again later.
pub fn keep_snapshot(state: AppState) -> std::io::Result<()> {
    if state.config.index_snapshot.is_none() {
        return Ok(());
    }
    std::thread::Builder::new()
        .name("marsad-snapshot".into())
        .spawn(move || loop {
            if let Err(e) = state.save_snapshot() {
                tracing::warn!(error = %e, "cannot write the index snapshot; trying again later");
            }
            std::thread::sleep(SNAPSHOT_EVERY);
        })?;
    Ok(())
}

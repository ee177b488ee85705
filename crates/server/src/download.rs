//! Downloads of any size in the memory of a chunk: the index selects the
//! incidents in order (4 bytes each), then a blocking thread reads their
//! records a chunk at a time and writes them into the response body as it
//! goes, waiting while the client is slower than the database.

use std::io::Write;
use std::ops::Range;

use axum::body::Body;
use bytes::Bytes;
use marsad_index::Selected;
use marsad_model::Incident;
use tokio::sync::mpsc;

use crate::query::{Area, Selection};
use crate::{AppError, AppState};

/// Records read from the store at a time.
pub(crate) const CHUNK: usize = 1000;

/// Bytes gathered before a piece of body is sent.
const PIECE: usize = 64 * 1024;

/// Pieces waiting for the client at most: the rest waits in the database.
const PIECES_AHEAD: usize = 4;

/// The records of a selection, a chunk at a time, in its order.
pub(crate) struct Download {
    state: AppState,
    selected: Selected,
    range: Range<usize>,
    /// The first chunk, read before the response starts so that a database
    /// that fails at once gets an error status, not a cut body.
    first: Vec<(Incident, Option<f64>)>,
}

impl Download {
    /// Selects what `sel` asks for in `area` (every match unless it gives
    /// `limit`), and reads the first chunk.
    pub(crate) async fn open(
        state: &AppState,
        sel: &Selection,
        area: Area,
    ) -> Result<Self, AppError> {
        let (query, sort) = (sel.query.clone(), sel.sort_for(area));
        let (offset, limit) = (sel.offset, sel.limit);
        let state = state.clone();
        tokio::task::spawn_blocking(move || {
            let selected = {
                let ix = state.index.read().unwrap_or_else(|e| e.into_inner());
                ix.select(area.region(), &query, sort)
            };
            let start = offset.min(selected.len());
            let end = limit.map_or(selected.len(), |l| {
                start.saturating_add(l).min(selected.len())
            });
            let mut download = Download {
                state,
                selected,
                range: start..end,
                first: Vec::new(),
            };
            if let Some(range) = download.chunks().next() {
                download.first = download.read(range)?;
            }
            Ok(download)
        })
        .await?
    }

    /// How many incidents the download holds.
    pub(crate) fn len(&self) -> usize {
        self.range.len()
    }

    /// How many incidents the query matched, before `offset` and `limit`.
    pub(crate) fn matched(&self) -> usize {
        self.selected.len()
    }

    fn chunks(&self) -> impl Iterator<Item = Range<usize>> {
        let end = self.range.end;
        self.range
            .clone()
            .step_by(CHUNK)
            .map(move |s| s..(s + CHUNK).min(end))
    }

    /// The records of `range` of the selection, with their distances; those
    /// deleted since the selection are left out.
    fn read(&self, range: Range<usize>) -> Result<Vec<(Incident, Option<f64>)>, AppError> {
        let hits = {
            let ix = self.state.index.read().unwrap_or_else(|e| e.into_inner());
            self.selected.hits(&ix, range).ok_or_else(|| {
                AppError::Internal("the index was rebuilt during the download".into())
            })?
        };
        let store = self.state.readers.lock();
        Ok(marsad_pipeline::records(&store, &hits)?)
    }

    /// Calls `each` with every chunk of records in order, on the calling
    /// (blocking) thread, while a thread of its own reads the next chunk:
    /// reading and writing take about as long as each other.
    pub(crate) fn for_each_chunk(
        mut self,
        mut each: impl FnMut(&AppState, Vec<(Incident, Option<f64>)>) -> Result<(), AppError>,
    ) -> Result<(), AppError> {
        let first = std::mem::take(&mut self.first);
        let mut chunks = self.chunks();
        if chunks.next().is_none() {
            return Ok(());
        }
        let this = &self;
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel(1);
            scope.spawn(move || {
                for range in chunks {
                    // Stops when the writer has stopped (an error, a client gone).
                    if tx.send(this.read(range)).is_err() {
                        break;
                    }
                }
            });
            each(&this.state, first)?;
            for chunk in rx {
                each(&this.state, chunk?)?;
            }
            Ok(())
        })
    }
}

impl Download {
    /// Calls `each` with every record in order and its first report
    /// (source, evidence sentence), as the CSV and GeoParquet carry it.
    pub(crate) fn for_each_with_sources(
        self,
        mut each: impl FnMut(&Incident, Option<(&str, &str)>) -> Result<(), AppError>,
    ) -> Result<(), AppError> {
        self.for_each_chunk(|state, records| {
            let ids: Vec<String> = records.iter().map(|(r, _)| r.id.clone()).collect();
            let first = {
                let store = state.readers.lock();
                store.first_sources_of(&ids)?
            };
            for (r, _) in &records {
                each(r, first.get(&r.id).map(|(s, e)| (s.as_str(), e.as_str())))?;
            }
            Ok(())
        })
    }
}

/// A response body written by `write` on a blocking thread, sent to the
/// client in pieces as it is written. If `write` fails the body is cut
/// short, so a client never takes a partial file for a whole one.
pub(crate) fn stream(
    write: impl FnOnce(&mut BodyWriter) -> Result<(), AppError> + Send + 'static,
) -> Body {
    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(PIECES_AHEAD);
    tokio::task::spawn_blocking(move || {
        let mut w = BodyWriter {
            buf: Vec::with_capacity(PIECE),
            tx,
        };
        let outcome = write(&mut w).and_then(|()| w.flush().map_err(client_gone));
        if let Err(e) = outcome {
            if w.tx.is_closed() {
                tracing::debug!("download stopped: the client went away");
            } else {
                tracing::warn!(error = %e, "download cut short");
                let _ =
                    w.tx.blocking_send(Err(std::io::Error::other(e.to_string())));
            }
        }
    });
    Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|piece| (piece, rx))
    }))
}

fn client_gone(e: std::io::Error) -> AppError {
    AppError::Internal(format!("sending the download: {e}"))
}

/// Where [`stream`]'s writer writes: pieces of [`PIECE`] bytes, each sent
/// when full, waiting while [`PIECES_AHEAD`] are unsent.
pub(crate) struct BodyWriter {
    buf: Vec<u8>,
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
}

impl Write for BodyWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= PIECE {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let piece = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(PIECE)));
        self.tx.blocking_send(Ok(piece)).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away")
        })
    }
}

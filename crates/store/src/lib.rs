//! The incident store: an embedded SQLite database that loses nothing.
//!
//! Articles (keyed by a hash of their normalised text), incidents and the
//! sources that report them. Every write is one transaction; the database
//! runs in WAL mode with full synchronisation, so an acknowledged ingest
//! survives a crash. The same incident reported by several articles is one
//! incident with several sources.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let mut store = marsad_store::Store::open(&dir.path().join("m.db")).unwrap();
//! assert_eq!(store.count_incidents().unwrap(), 0);
//! ```
#![forbid(unsafe_code)]

mod error;
mod schema;
mod store;

pub use error::{Error, Result};
pub use store::{IngestReport, Store};

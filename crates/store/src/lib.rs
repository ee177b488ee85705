//! The incident store: an embedded SQLite database that loses nothing, or
//! PostgreSQL with PostGIS when one machine is not enough.
//!
//! Articles (keyed by a hash of their normalised text), incidents and the
//! sources that report them. Every write is one transaction; an
//! acknowledged ingest survives a crash. The same incident reported by
//! several articles is one incident with several sources, found through a
//! spatial index (an R*Tree in SQLite, a GiST index on PostGIS).
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let mut store = marsad_store::Store::open(dir.path().join("m.db")).unwrap();
//! assert_eq!(store.count_incidents().unwrap(), 0);
//! ```
#![forbid(unsafe_code)]

mod accounts;
mod alerts;
mod backup;
mod columns;
mod error;
mod feeds;
mod location;
mod merges;
mod postgres;
mod queries;
mod schema;
mod sql;
mod sqlite;
mod store;

pub use accounts::{
    AuditEntry, Correction, Decision, NewToken, PeopleData, Relocation, Review, SignedIn,
    TokenInfo, User,
};
pub use alerts::{moment, AlertMatch, AlertRecord, Delivered, MatchReport};
pub use error::{Error, Result};
pub use feeds::{ArticleSummary, FeedState, SeenPage};
pub use location::Location;
pub use store::{IngestReport, Store, StoredArticle};

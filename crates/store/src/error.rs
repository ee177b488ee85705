use std::path::PathBuf;

/// Errors of the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database could not be opened.
    #[error("{path}: cannot open the database: {source}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// The database was written by a newer Marsad.
    #[error(
        "the database schema version {found} is newer than this Marsad understands ({supported})"
    )]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// A query or write failed.
    #[error("database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored JSON column is corrupt.
    #[error("database: corrupt JSON in {column}: {source}")]
    Json {
        /// The column.
        column: &'static str,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
}

/// Result alias of the store.
pub type Result<T, E = Error> = std::result::Result<T, E>;

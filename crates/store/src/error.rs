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
    /// The PostgreSQL database could not be reached.
    #[error("{location}: cannot connect to the database: {source}")]
    Connect {
        /// The URL, without its password.
        location: String,
        /// What the driver said.
        #[source]
        source: postgres::Error,
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
    /// A PostgreSQL query or write failed.
    #[error("database: {}", describe(.0))]
    Postgres(postgres::Error),
    /// A stored value is not one Marsad writes.
    #[error("database: corrupt value in {column}: {message}")]
    Corrupt {
        /// The column.
        column: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A backup or restore was asked to write over an existing file.
    #[error("{0}: exists already: write the backup or restored store to a new file (a store in use must not be replaced under its server)")]
    Exists(PathBuf),
    /// The file named as a backup is not one.
    #[error("{path}: not a Marsad backup: {why}")]
    NotABackup {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// SQLite's backup is for SQLite stores; PostgreSQL has its own tools.
    #[error("a PostgreSQL store is backed up with pg_dump (see `marsad db backup`)")]
    NotSqlite,
    /// A file could not be written or moved.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },
    /// An article holding a NUL character, which no store keeps (see
    /// [`marsad_model::Article::nul_field`]).
    #[error("the article's {0} holds a NUL character (U+0000): not stored")]
    Nul(&'static str),
    /// A copy was asked into a store that already holds data.
    #[error("the target database is not empty: copy into a new one")]
    NotEmpty,
    /// The connection was lost during a restore of incidents read as they
    /// came: they cannot be read again, and nothing was written.
    #[error("the connection to the database was lost during the restore; nothing was written: run it again")]
    RestoreInterrupted,
    /// A value given to the store is not one it keeps.
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// Why.
        message: String,
    },
    /// A user of that name exists already.
    #[error("user {0:?} exists already (rotate their token with `marsad users rotate`)")]
    UserExists(String),
    /// No user of that name.
    #[error("no user {0:?} (see `marsad users list`)")]
    UnknownUser(String),
    /// No incident with that id.
    #[error("no incident {0:?}")]
    UnknownIncident(String),
    /// No alert with that id.
    #[error("no alert {0:?} (see `marsad alerts list`)")]
    UnknownAlert(String),
    /// A merge a person asked for cannot be made (into itself, into
    /// nothing, of an incident merged already).
    #[error("{why}")]
    CannotMerge {
        /// Why.
        why: String,
    },
    /// A split a person asked for cannot be made (no such source, or the
    /// incident's only one).
    #[error("{why}")]
    CannotSplit {
        /// Why.
        why: String,
    },
    /// The incident changed since the version the writer read.
    #[error("the incident is at version {current}, not {expected}: someone changed it since; read it again")]
    VersionConflict {
        /// The version the writer named.
        expected: u32,
        /// The version it is at.
        current: u32,
    },
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

impl Error {
    /// Why the database cannot take writes now, if that is what failed:
    /// its disk is full, or it or its file system is read-only. Nothing of
    /// the write was kept, reads may go on, and the same write can succeed
    /// once space is freed or the file is writable again.
    pub fn unwritable(&self) -> Option<&'static str> {
        match self {
            Error::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => match e.code {
                rusqlite::ErrorCode::DiskFull => Some("its disk is full"),
                rusqlite::ErrorCode::ReadOnly => Some("it is read-only"),
                // A write the file system refused (EROFS, EFBIG, EIO): SQLite
                // reports the write, not the cause.
                rusqlite::ErrorCode::SystemIoFailure => {
                    Some("the file system refused a write (full, read-only or failing)")
                }
                _ => None,
            },
            Error::Postgres(e) => {
                use postgres::error::SqlState;
                match e.code()? {
                    c if *c == SqlState::DISK_FULL => Some("its disk is full"),
                    c if *c == SqlState::READ_ONLY_SQL_TRANSACTION => {
                        Some("it is read-only (a standby, or default_transaction_read_only)")
                    }
                    c if *c == SqlState::INSUFFICIENT_RESOURCES
                        || *c == SqlState::OUT_OF_MEMORY =>
                    {
                        Some("the server lacks resources")
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// Result alias of the store.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Self {
        Error::Postgres(e)
    }
}

/// The driver's error with its causes: "db error: ERROR: relation … does
/// not exist", not just "db error".
pub(crate) fn describe(e: &postgres::Error) -> String {
    let mut out = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

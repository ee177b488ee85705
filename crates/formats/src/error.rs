//! Errors of writing documents.

/// What can go wrong writing a document.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The CSV writer failed.
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    /// Serialising JSON failed.
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The output could not be written (a closed pipe, a client gone).
    #[error("writing: {0}")]
    Io(#[from] std::io::Error),
}

/// Result alias of the formats.
pub type Result<T, E = Error> = std::result::Result<T, E>;

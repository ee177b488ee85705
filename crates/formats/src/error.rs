//! Errors of writing documents.

/// What can go wrong writing a document.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The CSV writer failed.
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
}

/// Result alias of the formats.
pub type Result<T, E = Error> = std::result::Result<T, E>;

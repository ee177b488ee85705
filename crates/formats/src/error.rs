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
    /// Building the Arrow columns failed.
    #[error("writing Arrow columns: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    /// The Parquet writer failed.
    #[error("writing Parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    /// The FlatGeobuf writer failed.
    #[error("writing FlatGeobuf: {0}")]
    FlatGeobuf(#[from] flatgeobuf::Error),
    /// A feature's geometry or properties could not be written.
    #[error("writing a FlatGeobuf feature: {0}")]
    Feature(#[from] flatgeobuf::geozero::error::GeozeroError),
    /// A point could not be written as WKB.
    #[error("writing WKB: {0}")]
    Wkb(#[from] wkb::error::WkbError),
    /// The output could not be written (a closed pipe, a client gone).
    #[error("writing: {0}")]
    Io(#[from] std::io::Error),
}

/// Result alias of the formats.
pub type Result<T, E = Error> = std::result::Result<T, E>;

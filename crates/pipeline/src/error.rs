//! Errors of the pipeline.

/// What can go wrong ingesting an article or checking a correction.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The store failed; nothing of the article was written.
    #[error(transparent)]
    Store(#[from] marsad_store::Error),
    /// An index snapshot could not be written.
    #[error("index snapshot: {0}")]
    Snapshot(#[from] marsad_index::snapshot::Error),
    /// A correction's value is malformed (a type outside the taxonomy, a
    /// day that does not exist, a negative toll); the message names the
    /// field.
    #[error(transparent)]
    Invalid(#[from] marsad_model::Error),
    /// A correction's values cannot go together, or name nothing known (a
    /// place outside the gazetteer, an actor outside the lexicon).
    #[error("{field}: {message}")]
    Unprocessable {
        /// A short machine-readable code (`unknown_place`…).
        code: &'static str,
        /// The field.
        field: &'static str,
        /// Why.
        message: String,
    },
}

/// Result alias of the pipeline.
pub type Result<T, E = Error> = std::result::Result<T, E>;

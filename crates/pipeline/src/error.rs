//! Errors of the pipeline.

/// What can go wrong ingesting an article.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The store failed; nothing of the article was written.
    #[error(transparent)]
    Store(#[from] marsad_store::Error),
}

/// Result alias of the pipeline.
pub type Result<T, E = Error> = std::result::Result<T, E>;

//! Everything following feeds can fail with.

/// A failure of the feeds file, a fetch or a document.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The feeds file could not be read.
    #[error("{path}: {message}")]
    List {
        /// The file.
        path: String,
        /// What was wrong.
        message: String,
    },
    /// A request failed (network, timeout, TLS).
    #[error("{url}: {message}")]
    Http {
        /// The address.
        url: String,
        /// What failed.
        message: String,
    },
    /// The server answered with an error status.
    #[error("{url}: HTTP {status}")]
    Status {
        /// The address.
        url: String,
        /// The status.
        status: u16,
    },
    /// The body was larger than allowed.
    #[error("{url}: larger than {limit} bytes")]
    TooLarge {
        /// The address.
        url: String,
        /// The limit.
        limit: u64,
    },
    /// robots.txt forbids the address to this User-Agent.
    #[error("{url}: disallowed by robots.txt")]
    Disallowed {
        /// The address.
        url: String,
    },
    /// The document is neither a feed nor a sitemap.
    #[error("{url}: not an RSS, Atom or sitemap document ({message})")]
    NotAFeed {
        /// The address.
        url: String,
        /// The parsers' complaint.
        message: String,
    },
    /// Reading or storing failed.
    #[error(transparent)]
    Pipeline(#[from] marsad_pipeline::Error),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] marsad_store::Error),
}

impl Error {
    /// Whether trying again soon may help (network trouble, 5xx, 429).
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Http { .. } => true,
            Error::Status { status, .. } => *status >= 500 || *status == 429 || *status == 408,
            _ => false,
        }
    }
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, Error>;

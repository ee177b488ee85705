use std::path::PathBuf;

/// Errors of the extraction crate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not UTF-8.
    #[error("{what}: not valid UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 {
        /// The file or input.
        what: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The article holds a NUL character, which no text has.
    #[error("{what}: the {field} holds a NUL character (U+0000): not an article's text")]
    Nul {
        /// The file or input.
        what: String,
        /// `text`, `title` or `url`.
        field: &'static str,
    },
    /// A JSON article is malformed.
    #[error("{what}: not a JSON article ({message}); expected {{\"url\",\"title\",\"published\",\"text\"}}")]
    Json {
        /// The file or input.
        what: String,
        /// What the JSON parser said.
        message: String,
    },
    /// A date is not `YYYY-MM-DD`.
    #[error("{what}: published date {value:?} is not YYYY-MM-DD")]
    BadDate {
        /// Where the date came from.
        what: String,
        /// The rejected value.
        value: String,
    },
}

/// Result alias of the extraction crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

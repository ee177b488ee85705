//! What a filter can get wrong.

/// Why a filter was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Not CQL2-text: the grammar stopped at `line`, `column` (from 1).
    #[error("not CQL2-text at line {line}, column {column}: {message}")]
    Syntax {
        /// Line of the error.
        line: usize,
        /// Column (in characters) of the error.
        column: usize,
        /// What was expected there.
        message: String,
    },
    /// CQL2, but not something this server can evaluate.
    #[error("{0}")]
    Unsupported(String),
    /// A property that is not a queryable.
    #[error("{0:?} is not a queryable (see /ogc/collections/incidents/queryables)")]
    UnknownProperty(String),
    /// A value of the wrong kind or form for its property.
    #[error("{property}: {message}")]
    BadValue {
        /// The property compared.
        property: String,
        /// What is wrong with the value.
        message: String,
    },
}

impl Error {
    /// Where a syntax error is: (line, column), from 1.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            Error::Syntax { line, column, .. } => Some((*line, *column)),
            _ => None,
        }
    }
}

/// Result alias of the filters.
pub type Result<T, E = Error> = std::result::Result<T, E>;

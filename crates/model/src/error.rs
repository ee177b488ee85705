//! The model's errors.

/// Errors of the model: a value that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value is not what its field takes; the message says why.
    #[error("{0}")]
    Invalid(String),
    /// A named query parameter is wrong.
    #[error("{name}: {message}")]
    Param {
        /// The parameter.
        name: String,
        /// Why.
        message: String,
    },
}

impl Error {
    /// The same error, naming the parameter that carried the value.
    pub fn for_param(self, name: &str) -> Error {
        match self {
            Error::Invalid(message) => Error::Param {
                name: name.to_string(),
                message,
            },
            named => named,
        }
    }
}

/// Result alias of the model.
pub type Result<T, E = Error> = std::result::Result<T, E>;

pub(crate) fn invalid(message: impl Into<String>) -> Error {
    Error::Invalid(message.into())
}

//! What can go wrong with an alert or a delivery.

/// An alert that cannot be kept as given, or a delivery that could not be
/// made.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A field of the alert holds a value it may not (out of range, a
    /// self-intersecting polygon, a geometry of the wrong kind).
    #[error("{field}: {message}")]
    Invalid {
        /// The field, as the API names it (`area.radius_km`).
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A field whose value is in range but cannot be used as it is (a box
    /// whose west is east of its east, a self-intersecting polygon, a line
    /// without a buffer, a blank name).
    #[error("{field}: {message}")]
    Unusable {
        /// The field, as the API names it.
        field: &'static str,
        /// Why it cannot be used.
        message: String,
    },
    /// The webhook's address may not be called: not http(s), or it
    /// resolves to a loopback, link-local or private address the operator
    /// did not allow.
    #[error("webhook.url: {0}")]
    Destination(String),
    /// The receiver could not be reached or did not accept the delivery.
    #[error("delivery failed: {0}")]
    Delivery(String),
}

impl Error {
    pub(crate) fn unusable(field: &'static str, message: impl Into<String>) -> Self {
        Error::Unusable {
            field,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Error::Invalid {
            field,
            message: message.into(),
        }
    }
}

/// Results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

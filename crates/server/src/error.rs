//! The one place where errors become HTTP responses.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// Everything a handler can fail with. 4xx bodies say precisely what was
/// wrong; 5xx bodies stay generic and the cause is logged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// A query parameter or body field is malformed or out of range.
    #[error("{message}")]
    BadRequest {
        /// Machine-readable code (`invalid_parameter`, `invalid_utf8`…).
        code: &'static str,
        /// What was wrong, naming the parameter.
        message: String,
    },
    /// Well-formed parameters that cannot be used together or name what
    /// does not exist (`lat` without `lon`, a place the gazetteer lacks):
    /// what a schema cannot say, kept apart from malformed input (400).
    #[error("{message}")]
    Unprocessable {
        /// Machine-readable code (`invalid_combination`, `unknown_place`…).
        code: &'static str,
        /// What was wrong, naming the parameter.
        message: String,
    },
    /// No such resource.
    #[error("{0}")]
    NotFound(String),
    /// A write without the right bearer token.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in, but the role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The resource changed since the version the client names
    /// (`If-Match`): its current version is in the message.
    #[error("{message}")]
    Conflict {
        /// What happened.
        message: String,
        /// The version it is at now.
        current: u32,
    },
    /// Writes are off: the server runs without a token.
    #[error(
        "writes are disabled: start the server with --token (or MARSAD_TOKEN), or add users with `marsad users add`, and send a bearer token"
    )]
    WritesDisabled,
    /// The body is larger than the configured limit.
    #[error("the body is larger than {0} bytes")]
    TooLarge(usize),
    /// The body's media type is not one this endpoint reads.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Too many writes: the write rate limit was reached.
    #[error("too many articles at once: at most {0} a second; try again shortly")]
    TooManyRequests(u32),
    /// The request took longer than the server allows.
    #[error("the request took longer than {0} s")]
    Timeout(u64),
    /// The database cannot take writes now (its disk is full, it or its
    /// file system is read-only): nothing was written, reads go on.
    #[error("the article was not stored: the database cannot be written ({0}); reads go on; try again later")]
    Unwritable(&'static str),
    /// A failure of the server itself (database, task).
    #[error("internal error")]
    Internal(String),
    /// A handler (or a task it waited for) panicked: a bug, answered,
    /// logged with its cause and counted instead of a dropped connection.
    #[error(
        "internal error: the server failed on this request; quote its request_id when reporting it"
    )]
    Panicked(String),
}

impl AppError {
    /// A 422 naming the parameter.
    pub fn unprocessable(code: &'static str, name: &str, why: impl std::fmt::Display) -> Self {
        AppError::Unprocessable {
            code,
            message: format!("{name}: {why}"),
        }
    }

    /// A 400 naming the parameter.
    pub fn param(name: &str, why: impl std::fmt::Display) -> Self {
        AppError::BadRequest {
            code: "invalid_parameter",
            message: format!("{name}: {why}"),
        }
    }
}

/// The body of every error answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// An error's code and message.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Machine-readable: `invalid_parameter`, `not_found`, `unauthorized`…
    pub code: String,
    /// What was wrong, for people, naming the parameter.
    pub message: String,
    /// The request's id (as in `X-Request-Id` and the server's log), on
    /// answers to server failures (5xx): what to quote when reporting one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl From<marsad_model::Error> for AppError {
    fn from(e: marsad_model::Error) -> Self {
        AppError::BadRequest {
            code: "invalid_parameter",
            message: e.to_string(),
        }
    }
}

impl From<marsad_store::Error> for AppError {
    fn from(e: marsad_store::Error) -> Self {
        if let marsad_store::Error::Nul(_) = e {
            return AppError::BadRequest {
                code: "invalid_text",
                message: e.to_string(),
            };
        }
        match e {
            marsad_store::Error::UnknownIncident(id) => {
                return AppError::NotFound(format!("no incident {id:?}"))
            }
            marsad_store::Error::UnknownAlert(id) => {
                return AppError::NotFound(format!("no alert {id:?}"))
            }
            marsad_store::Error::VersionConflict { current, .. } => {
                return AppError::Conflict {
                    message: e.to_string(),
                    current,
                }
            }
            marsad_store::Error::CannotMerge { why } => {
                return AppError::unprocessable("cannot_merge", "into", why)
            }
            marsad_store::Error::CannotSplit { why } => {
                return AppError::unprocessable("cannot_split", "article_id", why)
            }
            _ => {}
        }
        match e.unwritable() {
            Some(why) => AppError::Unwritable(why),
            None => AppError::Internal(e.to_string()),
        }
    }
}

impl From<marsad_pipeline::Error> for AppError {
    fn from(e: marsad_pipeline::Error) -> Self {
        match e {
            marsad_pipeline::Error::Store(e) => e.into(),
            marsad_pipeline::Error::Invalid(e) => e.into(),
            marsad_pipeline::Error::Unprocessable {
                code,
                field,
                message,
            } => AppError::unprocessable(code, field, message),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<marsad_alerts::Error> for AppError {
    fn from(e: marsad_alerts::Error) -> Self {
        match e {
            marsad_alerts::Error::Invalid { .. } => AppError::BadRequest {
                code: "invalid_parameter",
                message: e.to_string(),
            },
            marsad_alerts::Error::Unusable { .. } => AppError::Unprocessable {
                code: "unusable_value",
                message: e.to_string(),
            },
            marsad_alerts::Error::Destination(_) => AppError::Unprocessable {
                code: "webhook_refused",
                message: e.to_string(),
            },
            marsad_alerts::Error::Delivery(_) => AppError::Internal(e.to_string()),
        }
    }
}

impl From<marsad_formats::Error> for AppError {
    fn from(e: marsad_formats::Error) -> Self {
        AppError::Internal(e.to_string())
    }
}

impl From<tokio::task::JoinError> for AppError {
    fn from(e: tokio::task::JoinError) -> Self {
        match e.try_into_panic() {
            Ok(payload) => AppError::Panicked(crate::guard::cause(payload.as_ref())),
            Err(e) => AppError::Internal(e.to_string()),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            AppError::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, *code),
            AppError::Unprocessable { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, *code),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, "unauthorized"),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::Conflict { .. } => (StatusCode::CONFLICT, "version_conflict"),
            AppError::WritesDisabled => (StatusCode::FORBIDDEN, "writes_disabled"),
            AppError::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            AppError::UnsupportedMediaType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            AppError::TooManyRequests(_) => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests"),
            AppError::Timeout(_) => (StatusCode::SERVICE_UNAVAILABLE, "timeout"),
            AppError::Unwritable(why) => {
                tracing::error!(cause = why, "the database cannot be written");
                (StatusCode::SERVICE_UNAVAILABLE, "storage_unwritable")
            }
            AppError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
            AppError::Panicked(cause) => {
                tracing::error!(%cause, "a handler panicked; answered 500");
                crate::metrics::panic_contained();
                (StatusCode::INTERNAL_SERVER_ERROR, "internal")
            }
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: code.to_string(),
                message: self.to_string(),
                request_id: status
                    .is_server_error()
                    .then(crate::guard::current_request_id)
                    .flatten(),
            },
        };
        let mut resp = (status, axum::Json(body)).into_response();
        if status == StatusCode::TOO_MANY_REQUESTS {
            resp.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static("1"),
            );
        }
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        resp
    }
}

/// What the service layers' errors mean to a client: a request past
/// [`crate::REQUEST_TIMEOUT`] (including the time it waited for a free
/// slot), or a failure of the layers themselves.
pub(crate) async fn from_layers(err: tower::BoxError) -> AppError {
    if err.is::<tower::timeout::error::Elapsed>() {
        AppError::Timeout(crate::REQUEST_TIMEOUT.as_secs())
    } else {
        AppError::Internal(err.to_string())
    }
}

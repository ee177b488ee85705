//! Who is asking, and whether their role lets them.
//!
//! A request signs in with `Authorization: Bearer <token>`: the server's own
//! `--token` (one admin, for a single-person install) or a user's token
//! (`marsad users add`), checked against the hashes the store keeps.

use axum::http::{header, HeaderMap};
use marsad_model::{Action, Role};

use crate::{AppError, AppState};

/// The user the server's own `--token` signs in as.
pub const TOKEN_USER: &str = "admin";

/// A signed-in caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Caller {
    /// Their name, as the audit log records it.
    pub user: String,
    /// What they may do.
    pub role: Role,
}

/// The caller the request's bearer token signs in, `None` without one; a
/// token that is malformed, wrong or revoked is refused (401).
pub(crate) async fn caller(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Caller>, AppError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            AppError::Unauthorized("the Authorization header must be `Bearer <token>`".into())
        })?
        .to_string();
    if let Some(expected) = state.config.token.as_deref() {
        // In constant time, so the answer's timing tells nothing of the token.
        if bool::from(subtle::ConstantTimeEq::ct_eq(
            token.as_bytes(),
            expected.as_bytes(),
        )) {
            return Ok(Some(Caller {
                user: TOKEN_USER.into(),
                role: Role::Admin,
            }));
        }
    }
    // A user's token: only its hash is compared, so its timing tells
    // nothing either.
    let signed = state.read(move |s| s.sign_in(&token)).await?;
    match signed {
        Some(s) => Ok(Some(Caller {
            user: s.user,
            role: s.role,
        })),
        None => Err(AppError::Unauthorized(
            "the bearer token is wrong or revoked".into(),
        )),
    }
}

/// The caller, who must be signed in with a role that may do `action`:
/// 401 without a token, 403 with one whose role may not.
pub(crate) async fn require(
    state: &AppState,
    headers: &HeaderMap,
    action: Action,
) -> Result<Caller, AppError> {
    let Some(c) = caller(state, headers).await? else {
        return Err(AppError::Unauthorized(
            "an Authorization: Bearer <token> header is required".into(),
        ));
    };
    if c.role.may(action) {
        Ok(c)
    } else {
        Err(AppError::Forbidden(format!(
            "{} is a {}: this needs the {} role or above",
            c.user,
            c.role,
            Role::least_for(action)
        )))
    }
}

//! Reviewing incidents: where one stands, a reviewer's decision, and the
//! audit trail of every decision.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use marsad_model::{Action, RejectReason};
use marsad_store::Decision;

use super::types::{DecisionKind, HistoryEntry, ReviewBody, ReviewState};
use crate::auth::require;
use crate::openapi::{ReviewErrors, SignedInErrors};
use crate::{AppError, AppState};

/// Where an incident stands with its reviewers: unreviewed, verified or
/// rejected (why, by whom, when), and its version for `If-Match`.
#[utoipa::path(
    get,
    path = "/api/v1/incidents/{id}/review",
    operation_id = "getReview",
    tag = "review",
    params(("id" = String, Path, description = "The incident's id")),
    responses(
        (status = 200, description = "The incident's review; its version is also the ETag", body = ReviewState),
        SignedInErrors,
    ),
    security(("bearer" = []))
)]
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    require(&state, &headers, Action::Read).await?;
    let lookup = id.clone();
    let review = state
        .read(move |s| s.review(&lookup))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no incident {id:?}")))?;
    Ok(tagged(ReviewState::from(review)))
}

/// Verifies or rejects an incident (a reviewer or above), or reopens it
/// (an undo). With `If-Match` naming the version read, a decision made
/// meanwhile by someone else is not overwritten: 409 with the current
/// version. Every decision is logged (see `/history`).
#[utoipa::path(
    post,
    path = "/api/v1/incidents/{id}/review",
    operation_id = "reviewIncident",
    tag = "review",
    params(
        ("id" = String, Path, description = "The incident's id"),
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^(\*|(W/)?"?[0-9]{1,9}"?)$"#, description = "The version read (the review's ETag, `\"3\"`): refused with 409 if the incident changed since"),
    ),
    request_body(content = ReviewBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Decided: the review as it is now", body = ReviewState),
        ReviewErrors,
    ),
    security(("bearer" = []))
)]
pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<ReviewBody>, JsonRejection>,
) -> Result<Response, AppError> {
    let caller = require(&state, &headers, Action::Review).await?;
    let Json(body) = body.map_err(|e| AppError::BadRequest {
        code: "invalid_body",
        message: e.body_text(),
    })?;
    let decision = body.decision()?;
    let expected = if_match(&headers)?;
    let decided = id.clone();
    let review = state
        .pipeline_write(move |s| s.decide(&decided, &caller.user, &decision, expected))
        .await?;
    // The map and every filter see the decision at once.
    let pipeline = state.pipeline.clone();
    tokio::task::spawn_blocking(move || pipeline.reindex(&[id])).await??;
    Ok(tagged(ReviewState::from(review)))
}

/// Every review action about an incident, oldest first: who, when, what,
/// and the review before and after.
#[utoipa::path(
    get,
    path = "/api/v1/incidents/{id}/history",
    operation_id = "incidentHistory",
    tag = "review",
    params(("id" = String, Path, description = "The incident's id")),
    responses(
        (status = 200, description = "The incident's review actions, oldest first", body = Vec<HistoryEntry>),
        SignedInErrors,
    ),
    security(("bearer" = []))
)]
pub async fn history(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Vec<HistoryEntry>>, AppError> {
    require(&state, &headers, Action::Read).await?;
    let lookup = id.clone();
    let (exists, entries) = state
        .read(move |s| {
            Ok::<_, marsad_store::Error>((s.review(&lookup)?.is_some(), s.history(&lookup)?))
        })
        .await?;
    if !exists && entries.is_empty() {
        return Err(AppError::NotFound(format!("no incident {id:?}")));
    }
    Ok(Json(entries.into_iter().map(HistoryEntry::from).collect()))
}

/// The review, with its version as a strong ETag.
fn tagged(review: ReviewState) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{}\"", review.version))
        .unwrap_or(HeaderValue::from_static("\"0\""));
    ([(header::ETAG, etag)], Json(review)).into_response()
}

/// The version `If-Match` names: `"3"`, `3` or `W/"3"`; `*` or none
/// names none.
fn if_match(headers: &HeaderMap) -> Result<Option<u32>, AppError> {
    let Some(v) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let bad = || {
        AppError::param(
            "If-Match",
            "give the version read, as the review's ETag (\"3\")",
        )
    };
    let v = v.to_str().map_err(|_| bad())?.trim();
    if v == "*" {
        return Ok(None);
    }
    let v = v.strip_prefix("W/").unwrap_or(v).trim_matches('"');
    v.parse().map(Some).map_err(|_| bad())
}

impl ReviewBody {
    /// The decision it asks for: a reason goes with a rejection only, and
    /// `other` with a note (422 otherwise: the body is well-formed).
    fn decision(self) -> Result<Decision, AppError> {
        let note = self.note.filter(|n| !n.trim().is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
            return Err(AppError::param("note", "at most 2000 characters"));
        }
        match (self.decision, self.reason) {
            (DecisionKind::Verify, None) => Ok(Decision::Verify),
            (DecisionKind::Reopen, None) => Ok(Decision::Reopen),
            (DecisionKind::Reject, Some(reason)) => {
                let reason = RejectReason::from(reason);
                if reason == RejectReason::Other && note.is_none() {
                    return Err(AppError::unprocessable(
                        "invalid_combination",
                        "note",
                        "a rejection for another reason says what it is",
                    ));
                }
                Ok(Decision::Reject { reason, note })
            }
            (DecisionKind::Reject, None) => Err(AppError::unprocessable(
                "invalid_combination",
                "reason",
                "a rejection gives a reason: not_an_event, duplicate, wrong_article or other",
            )),
            (_, Some(_)) => Err(AppError::unprocessable(
                "invalid_combination",
                "reason",
                "only a rejection gives a reason",
            )),
        }
    }
}

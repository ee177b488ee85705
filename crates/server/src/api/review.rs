//! Reviewing incidents: where one stands, a reviewer's decision, and the
//! audit trail of every decision.

use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use marsad_model::{Action, DatePrecision, RejectReason};
use marsad_store::{Correction, Decision};

use super::types::{
    CorrectionBody, DecisionKind, HistoryEntry, Me, MergeBody, PrecisionKind, ReviewBody,
    ReviewState, SplitBody,
};
use crate::auth::require;
use crate::openapi::{
    CorrectionErrors, IfMatchParam, IncidentFeature, MergeErrors, ReviewErrors, SignedInErrors,
    SplitErrors,
};
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
    params(("id" = String, Path, description = "The incident's id"), IfMatchParam),
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
    let decision = read_body(body)?.decision()?;
    let expected = if_match(&headers)?;
    let decided = id.clone();
    let review = state
        .pipeline_write(move |s| s.decide(&decided, &caller.user, &decision, expected))
        .await?;
    reindex(&state, vec![id]).await?;
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

/// The review, with its version as the ETag.
fn tagged(review: ReviewState) -> Response {
    let version = review.version;
    with_version(Json(review).into_response(), version)
}

/// An answer about an incident, with its version as a strong ETag: what
/// `If-Match` names.
fn with_version(mut resp: Response, version: u32) -> Response {
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{version}\"")) {
        resp.headers_mut().insert(header::ETAG, etag);
    }
    resp
}

/// A JSON body, or a 400 saying what is wrong with it.
fn read_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, AppError> {
    body.map(|Json(b)| b).map_err(|e| AppError::BadRequest {
        code: "invalid_body",
        message: e.body_text(),
    })
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

/// Corrects an incident (an editor or above): its type, date, place (a
/// gazetteer place, or its point moved on the map) and tolls. The incident
/// becomes verified as corrected, later reports of it add their sources and
/// change nothing a person set, and the correction is logged with every
/// field before and after. `If-Match` as for a decision.
#[utoipa::path(
    patch,
    path = "/api/v1/incidents/{id}",
    operation_id = "correctIncident",
    tag = "review",
    params(("id" = String, Path, description = "The incident's id"), IfMatchParam),
    request_body(content = CorrectionBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Corrected: the incident as stored now; its version is the ETag", body = IncidentFeature, content_type = "application/geo+json"),
        CorrectionErrors,
    ),
    security(("bearer" = []))
)]
pub async fn correct(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<CorrectionBody>, JsonRejection>,
) -> Result<Response, AppError> {
    let caller = require(&state, &headers, Action::Edit).await?;
    let correction = correction(&state, read_body(body)?)?;
    let expected = if_match(&headers)?;
    let corrected = id.clone();
    let (review, incident) = state
        .pipeline_write(move |s| s.correct(&corrected, &caller.user, &correction, expected))
        .await?;
    reindex(&state, vec![id]).await?;
    Ok(with_version(feature(&incident), review.version))
}

/// Merges the incident into another that tells the same event (an editor
/// or above): the other keeps its id and gains this one's sources and the
/// tolls it lacked; this one is rejected as a duplicate naming it, keeps
/// its sources for the record, and later reports of it go to the other.
/// Logged on both. `If-Match` names this incident's version.
#[utoipa::path(
    post,
    path = "/api/v1/incidents/{id}/merge",
    operation_id = "mergeIncident",
    tag = "review",
    params(("id" = String, Path, description = "The incident merged (it disappears into the other)"), IfMatchParam),
    request_body(content = MergeBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Merged: the incident merged into, as stored now; its version is the ETag", body = IncidentFeature, content_type = "application/geo+json"),
        MergeErrors,
    ),
    security(("bearer" = []))
)]
pub async fn merge(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<MergeBody>, JsonRejection>,
) -> Result<Response, AppError> {
    let caller = require(&state, &headers, Action::Edit).await?;
    let into = read_body(body)?.into;
    let expected = if_match(&headers)?;
    let merged = id.clone();
    let (review, incident) = state
        .pipeline_write(move |s| s.merge(&merged, &into, &caller.user, expected))
        .await?;
    reindex(&state, vec![id, incident.id.clone()]).await?;
    Ok(with_version(feature(&incident), review.version))
}

/// Splits a source off the incident (an editor or above): the source tells
/// another event, and becomes an unreviewed incident of its own with this
/// one's fields for a person to correct. Logged on both. `If-Match` names
/// this incident's version.
#[utoipa::path(
    post,
    path = "/api/v1/incidents/{id}/split",
    operation_id = "splitIncident",
    tag = "review",
    params(("id" = String, Path, description = "The incident a source is split off"), IfMatchParam),
    request_body(content = SplitBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Split: the new incident, as stored", body = IncidentFeature, content_type = "application/geo+json"),
        SplitErrors,
    ),
    security(("bearer" = []))
)]
pub async fn split(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Result<Json<SplitBody>, JsonRejection>,
) -> Result<Response, AppError> {
    let caller = require(&state, &headers, Action::Edit).await?;
    let SplitBody { article_id, start } = read_body(body)?;
    let expected = if_match(&headers)?;
    let parent = id.clone();
    let child = state
        .pipeline_write(move |s| {
            s.split(&parent, &article_id, start as usize, &caller.user, expected)
        })
        .await?;
    reindex(&state, vec![id, child.id.clone()]).await?;
    let mut resp = feature(&child);
    *resp.status_mut() = axum::http::StatusCode::CREATED;
    if let Ok(at) = HeaderValue::from_str(&format!("/api/v1/incidents/{}", child.id)) {
        resp.headers_mut().insert(header::LOCATION, at);
    }
    Ok(resp)
}

/// Puts the incidents as stored now in the index: the map and every filter
/// see a person's change at once.
async fn reindex(state: &AppState, ids: Vec<String>) -> Result<(), AppError> {
    let pipeline = state.pipeline.clone();
    tokio::task::spawn_blocking(move || pipeline.reindex(&ids)).await??;
    Ok(())
}

/// An incident as a GeoJSON Feature answer.
fn feature(incident: &marsad_model::Incident) -> Response {
    let feature = marsad_formats::incident_feature(incident, None);
    crate::response::geojson(serde_json::to_string(&feature).unwrap_or_default(), None)
}

/// The store's correction from the body: checked as every correction
/// is (400 for a malformed value, 422 for values that cannot go together
/// or name nothing).
fn correction(state: &AppState, body: CorrectionBody) -> Result<Correction, AppError> {
    let request = marsad_pipeline::CorrectionRequest {
        event_type: body.event_type,
        date: body.date,
        date_precision: body.date_precision.map(|p| match p {
            PrecisionKind::Day => DatePrecision::Day,
            PrecisionKind::Week => DatePrecision::Week,
            PrecisionKind::Month => DatePrecision::Month,
            PrecisionKind::Unknown => DatePrecision::Unknown,
        }),
        place_id: body.place_id,
        lat: body.lat,
        lon: body.lon,
        geo_precision: body.geo_precision,
        killed: body.killed,
        injured: body.injured,
        arrested: body.arrested,
        count_qualifiers: body.count_qualifiers.map(|q| q.named()).unwrap_or_default(),
        actors: body.actors,
        targets: body.targets,
    };
    Ok(request.check(state.gaz)?)
}

/// Who the bearer token signs in, and their role: what the web map asks
/// when someone signs in, to show what they may do.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    operation_id = "getMe",
    tag = "review",
    responses(
        (status = 200, description = "The signed-in user", body = Me),
        SignedInErrors,
    ),
    security(("bearer" = []))
)]
pub async fn me(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<Me>, AppError> {
    let caller = require(&state, &headers, Action::Read).await?;
    Ok(Json(Me {
        user: caller.user,
        role: caller.role.to_string(),
    }))
}

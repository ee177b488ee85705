//! Submitting an article: read, then the pipeline (extract, store, index).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use marsad_extract::Intake;
use marsad_model::Article;
use serde_json::{json, Map};

use crate::query::Params;
use crate::{AppError, AppState};

/// `POST /api/v1/articles`: JSON `{url,title,published,text}` or `text/plain`
/// (with `?published=&url=&title=`); extracts, stores and indexes.
pub async fn post(
    State(state): State<AppState>,
    headers: HeaderMap,
    p: Params,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    // Before the token: failed guesses count too.
    if state.writes.check().is_err() {
        return Err(AppError::TooManyRequests(
            state.config.writes_per_second.get(),
        ));
    }
    check_token(&state, &headers)?;
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(state.config.max_body_bytes)
        } else {
            AppError::BadRequest {
                code: "invalid_body",
                message: e.body_text(),
            }
        }
    })?;
    let mut article = read(&headers, &p, &body)?;
    if article.text.trim().is_empty() {
        return Err(AppError::BadRequest {
            code: "empty_body",
            message: "the article text is empty".into(),
        });
    }
    if let Some(d) = published(&p)? {
        article.published = Some(d);
    }
    let pipeline = state.pipeline.clone();
    let done = tokio::task::spawn_blocking(move || pipeline.ingest(&article)).await??;
    let status = if done.report.new_article {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let features = done
        .incidents
        .iter()
        .map(|r| marsad_formats::incident_feature(r, None))
        .collect();
    let body = json!({
        "article_id": done.report.article_id,
        "new_article": done.report.new_article,
        "incidents_new": done.report.incidents_new,
        "incidents_merged": done.report.incidents_merged,
        "incidents": marsad_formats::collection(features, Map::new()),
    });
    Ok((status, Json(body)).into_response())
}

fn published(p: &Params) -> Result<Option<chrono::NaiveDate>, AppError> {
    p.get("published")
        .map(|v| marsad_model::parse_date(v).map_err(|e| e.for_param("published").into()))
        .transpose()
}

/// The article in the body, by its media type.
fn read(headers: &HeaderMap, p: &Params, body: &[u8]) -> Result<Article, AppError> {
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ctype.starts_with("application/json") {
        if body.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(AppError::BadRequest {
                code: "empty_body",
                message: "the body is empty".into(),
            });
        }
        Article::from_bytes(body, "body").map_err(|e| match e {
            marsad_extract::Error::NotUtf8 { offset, .. } => not_utf8(offset),
            other => AppError::BadRequest {
                code: "invalid_article",
                message: other.to_string(),
            },
        })
    } else if ctype.starts_with("text/plain") || ctype.is_empty() {
        let text = std::str::from_utf8(body).map_err(|e| not_utf8(e.valid_up_to()))?;
        let mut a = Article::from_text(text, published(p)?);
        a.url = p.get("url").map(str::to_string);
        if let Some(t) = p.get("title") {
            a.title = Some(t.to_string());
        }
        Ok(a)
    } else {
        Err(AppError::UnsupportedMediaType(format!(
            "content type {ctype:?}: send application/json or text/plain"
        )))
    }
}

fn not_utf8(offset: usize) -> AppError {
    AppError::BadRequest {
        code: "invalid_utf8",
        message: format!("the body is not valid UTF-8 (invalid byte at offset {offset})"),
    }
}

fn check_token(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    let Some(expected) = state.config.token.as_deref() else {
        return Err(AppError::WritesDisabled);
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            AppError::Unauthorized("an Authorization: Bearer <token> header is required".into())
        })?;
    // In constant time, so the answer's timing tells nothing of the token.
    let same: bool = subtle::ConstantTimeEq::ct_eq(given.as_bytes(), expected.as_bytes()).into();
    if same {
        Ok(())
    } else {
        Err(AppError::Unauthorized("the bearer token is wrong".into()))
    }
}

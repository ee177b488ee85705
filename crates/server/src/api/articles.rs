//! Submitting an article: read, then the pipeline (extract, store, index).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use marsad_extract::Intake;
use marsad_model::Article;
use serde_json::{json, Map};

use super::types::{ArticleBody, ArticleReceipt, StoredArticleBody};
use crate::openapi::{ArticleParams, ArticleText, SignedInErrors, WriteErrors};
use crate::query::Params;
use crate::{AppError, AppState};

/// Submits an article: its incidents are extracted, stored and indexed
/// before the answer. The same article again changes nothing (200).
///
/// JSON `{text, url, title, published}`, or the text as `text/plain` with
/// `published`, `url` and `title` in the query string. Requires an
/// editor's (or the server's) bearer token; writes are rate-limited.
#[utoipa::path(
    post,
    path = "/api/v1/articles",
    operation_id = "postArticle",
    tag = "articles",
    params(ArticleParams),
    request_body(content(
        (ArticleBody = "application/json"),
        (ArticleText = "text/plain", example = "قصفت طائرة مسيّرة موقعاً في البوكمال فجر اليوم."),
    )),
    responses(
        (status = 201, description = "Stored: the incidents extracted", body = ArticleReceipt),
        (status = 200, description = "Stored already: nothing changed", body = ArticleReceipt),
        WriteErrors,
    ),
    security(("bearer" = []))
)]
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
    let caller = match crate::auth::require(&state, &headers, marsad_model::Action::Edit).await {
        // No one could sign in: say how writes are turned on.
        Err(AppError::Unauthorized(_))
            if state.config.token.is_none()
                && state.read(|s| s.users().map(|u| u.is_empty())).await? =>
        {
            return Err(AppError::WritesDisabled)
        }
        other => other?,
    };
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
    // The query's fields are checked whatever the body's type.
    let (url, title) = (article_param(&p, "url")?, article_param(&p, "title")?);
    let mut article = read(&headers, &p, &body, url, title)?;
    if let Some(field) = article.nul_field() {
        return Err(AppError::BadRequest {
            code: "invalid_text",
            message: format!("the {field} holds a NUL character (U+0000): not an article's text"),
        });
    }
    if blank(&article.text) {
        return Err(AppError::BadRequest {
            code: "empty_body",
            message: "the article text is empty".into(),
        });
    }
    if let Some(d) = published(&p)? {
        article.published = Some(d);
    }
    let pipeline = state.pipeline.clone();
    let done =
        tokio::task::spawn_blocking(move || pipeline.ingest_as(&article, Some(&caller.user)))
            .await??;
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
    let receipt = ArticleReceipt {
        article_id: done.report.article_id,
        new_article: done.report.new_article,
        incidents_new: done.report.incidents_new,
        incidents_merged: done.report.incidents_merged,
        incidents: json!(marsad_formats::collection(features, Map::new())),
    };
    Ok((status, Json(receipt)).into_response())
}

/// A field of the article given in the query: not empty, no NUL.
fn article_param<'p>(p: &'p Params, name: &str) -> Result<Option<&'p str>, AppError> {
    let value = p.text(name)?;
    if value.is_some_and(|v| v.contains('\0')) {
        return Err(AppError::param(name, "holds a NUL character (U+0000)"));
    }
    Ok(value)
}

/// Whether a text holds nothing but spaces (as Unicode and the contract's
/// `\S` pattern count them, which include the information separators).
fn blank(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

fn published(p: &Params) -> Result<Option<chrono::NaiveDate>, AppError> {
    p.text("published")?
        .map(|v| marsad_model::parse_day(v).map_err(|e| e.for_param("published").into()))
        .transpose()
}

/// A JSON body as the contract states it: an object with a text, every
/// field of the right type, no field it does not name, the day exact.
fn check_json(body: &[u8]) -> Result<(), AppError> {
    let invalid = |message: String| AppError::BadRequest {
        code: "invalid_article",
        message,
    };
    let a: ArticleBody = serde_json::from_slice(body).map_err(|e| invalid(e.to_string()))?;
    if blank(&a.text) {
        return Err(AppError::BadRequest {
            code: "empty_body",
            message: "the article text is empty".into(),
        });
    }
    for (name, value) in [("url", &a.url), ("title", &a.title)] {
        if value.as_deref() == Some("") {
            return Err(invalid(format!("{name}: is empty")));
        }
    }
    if let Some(d) = &a.published {
        marsad_model::parse_day(d).map_err(|e| invalid(format!("published: {e}")))?;
    }
    Ok(())
}

/// The article in the body, by its media type.
fn read(
    headers: &HeaderMap,
    p: &Params,
    body: &[u8],
    url: Option<&str>,
    title: Option<&str>,
) -> Result<Article, AppError> {
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
        if std::str::from_utf8(body).is_ok() {
            check_json(body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body))?;
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
        a.url = url.map(str::to_string);
        if let Some(t) = title {
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

/// One stored article with its text, for reading an incident's evidence in
/// context. Signed-in users only: articles are third-party texts, and the
/// public map shows only the evidence sentences.
#[utoipa::path(
    get,
    path = "/api/v1/articles/{id}",
    operation_id = "getArticle",
    tag = "articles",
    params(("id" = String, Path, description = "The article's id (an incident source's `article_id`)")),
    responses(
        (status = 200, description = "The article", body = StoredArticleBody),
        SignedInErrors,
    ),
    security(("bearer" = []))
)]
pub async fn one(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<StoredArticleBody>, AppError> {
    crate::auth::require(&state, &headers, marsad_model::Action::Read).await?;
    let lookup = id.clone();
    let stored = state
        .read(move |s| s.article(&lookup))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no article {id:?}")))?;
    Ok(Json(StoredArticleBody {
        outlet: stored.article.outlet(),
        url: stored.article.url,
        title: stored.article.title,
        published: stored.article.published.map(|d| d.to_string()),
        ingested_at: stored.ingested_at,
        text: stored.article.text,
        id,
    }))
}

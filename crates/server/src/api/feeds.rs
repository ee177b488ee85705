//! The feeds followed and the articles they brought.

use axum::extract::State;
use axum::Json;

use super::types::{ArticleItem, Articles, FeedStatus, Feeds};
use crate::openapi::{LatestParams, QueryErrors, Unavailable};
use crate::query::{Params, MAX_ARTICLES};
use crate::{AppError, AppState};

/// The feeds followed (`marsad watch`, `serve --feeds`): each one's last
/// poll, last error, and the articles it listed and brought.
#[utoipa::path(
    get,
    path = "/api/v1/feeds",
    operation_id = "listFeeds",
    tag = "articles",
    responses((status = 200, description = "The feeds", body = Feeds), Unavailable)
)]
pub async fn list(State(state): State<AppState>) -> Result<Json<Feeds>, AppError> {
    let feeds = state.read(|s| s.feed_states()).await?;
    Ok(Json(Feeds {
        feeds: feeds.into_iter().map(FeedStatus::from).collect(),
    }))
}

/// The latest stored articles, newest first, with how many incidents each
/// reports.
#[utoipa::path(
    get,
    path = "/api/v1/articles",
    operation_id = "latestArticles",
    tag = "articles",
    params(LatestParams),
    responses((status = 200, description = "The articles", body = Articles), QueryErrors)
)]
pub async fn latest(State(state): State<AppState>, p: Params) -> Result<Json<Articles>, AppError> {
    let limit = p.count("limit", MAX_ARTICLES)?.unwrap_or(20);
    let articles = state.read(move |s| s.latest_articles(limit)).await?;
    Ok(Json(Articles {
        articles: articles.into_iter().map(ArticleItem::from).collect(),
    }))
}

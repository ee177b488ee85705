//! What following news feeds needs to remember across restarts: each
//! feed's validators, last poll and error, and every page already taken
//! (by address, canonical address and content hash), so nothing is fetched
//! or ingested twice.

use chrono::{DateTime, Utc};

/// A followed feed's state.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct FeedState {
    /// The feed's address (its key).
    pub url: String,
    /// The outlet it belongs to.
    pub outlet: String,
    /// The feed's `ETag`, for a conditional GET.
    pub etag: Option<String>,
    /// The feed's `Last-Modified`, for a conditional GET.
    pub last_modified: Option<String>,
    /// When it was last polled.
    pub last_poll: Option<DateTime<Utc>>,
    /// When a poll last succeeded.
    pub last_success: Option<DateTime<Utc>>,
    /// What went wrong at the last poll, if it failed.
    pub last_error: Option<String>,
    /// Polls failed in a row (the backoff grows with them).
    pub failures: u32,
    /// When it is due again.
    pub next_poll: Option<DateTime<Utc>>,
    /// Article addresses it listed that were new.
    pub items_seen: u64,
    /// Of those, articles ingested (new to the store).
    pub articles_ingested: u64,
}

/// A page already taken from a feed (or given to `ingest URL`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SeenPage {
    /// The address it was listed under.
    pub url: String,
    /// The address the page names as its own (`<link rel=canonical>`).
    pub canonical: Option<String>,
    /// A hash of its text, when it had one.
    pub content_hash: Option<String>,
    /// The article it became, when it was ingested.
    pub article_id: Option<String>,
    /// What became of it: `ingested`, `duplicate`, `not_arabic`, `refused`.
    pub outcome: String,
}

/// An article as a list of the latest shows it.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct ArticleSummary {
    /// Its id.
    pub id: String,
    /// Where it was published.
    pub url: Option<String>,
    /// Its headline.
    pub title: Option<String>,
    /// Its outlet (from the address).
    pub outlet: Option<String>,
    /// Its publication day.
    pub published: Option<chrono::NaiveDate>,
    /// When it was stored (RFC 3339, UTC).
    pub ingested_at: String,
    /// Incidents it reports.
    pub incidents: u64,
}

/// The tables of migration 5, for either dialect (`$count`: the type of
/// counts that may pass 2³¹).
macro_rules! feeds_tables {
    ($count:literal) => {
        concat!(
            "CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        outlet TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        last_poll TEXT,
        last_success TEXT,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        next_poll TEXT,
        items_seen ",
            $count,
            " NOT NULL DEFAULT 0,
        articles_ingested ",
            $count,
            " NOT NULL DEFAULT 0
    );
    CREATE TABLE seen_pages (
        url TEXT PRIMARY KEY,
        canonical TEXT,
        content_hash TEXT,
        article_id TEXT,
        outcome TEXT NOT NULL,
        seen_at TEXT NOT NULL
    );
    CREATE INDEX seen_pages_by_canonical ON seen_pages(canonical);
    CREATE INDEX seen_pages_by_hash ON seen_pages(content_hash);"
        )
    };
}
pub(crate) use feeds_tables;

pub(crate) fn time(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

pub(crate) fn parse_time(t: Option<String>) -> Option<DateTime<Utc>> {
    t.and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc))
}

//! Following news outlets: the feeds and sitemaps listed in a TOML file are
//! polled politely, each new article page is fetched once, read (main text,
//! publication date, canonical address), kept only if it is Arabic, and
//! ingested through the same pipeline as `marsad ingest`. What was seen is
//! kept in the store, so a restart resumes without fetching or ingesting
//! anything twice.
//!
//! - [`FeedList`]: the feeds file (`[[feed]]` with `url`, `outlet`,
//!   `interval`), and the fetcher's settings.
//! - [`Fetcher`]: conditional GET, timeouts, retries with backoff, a delay
//!   per host, robots.txt, a size limit, gzip, a clear User-Agent.
//! - [`links`]: the article addresses an RSS, Atom or sitemap document
//!   lists.
//! - [`read_page`]: an article page as an [`marsad_model::Article`].
//! - [`Watcher`]: one poll of every feed that is due, or polls forever.
#![forbid(unsafe_code)]

mod error;
mod fetch;
mod list;
mod page;
mod parse;
mod watch;

pub use error::{Error, Result};
pub use fetch::{Fetched, Fetcher};
pub use list::{FeedConfig, FeedList, FetchSettings};
pub use page::{is_arabic, read_page, to_utf8, Page};
pub use parse::{links, Link};
pub use watch::{ingest_url, PollReport, Watcher};

/// Polls of a feed, by feed (its URL).
pub const FEED_POLLS: &str = "marsad_feed_polls_total";
/// Polls of a feed that failed, by feed (its URL).
pub const FEED_FAILURES: &str = "marsad_feed_poll_failures_total";

/// The `# HELP` lines of what the watcher counts (for an exporter).
pub fn describe_metrics() {
    metrics::describe_counter!(FEED_POLLS, "Polls of a feed, by feed URL");
    metrics::describe_counter!(
        FEED_FAILURES,
        "Polls of a feed that failed (it backs off), by feed URL"
    );
}

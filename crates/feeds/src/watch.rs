//! Polling: every feed that is due (or every feed, once), each new article
//! page fetched, read and ingested once, the feed's state kept in the
//! store. One failing feed never stops the others; it is tried again after
//! its interval doubled for each failure in a row (at most a day).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use marsad_pipeline::Pipeline;
use marsad_store::{FeedState, SeenPage, Store};
use serde::Serialize;

use crate::{is_arabic, links, read_page, Error, FeedConfig, FeedList, Fetched, Fetcher, Result};

/// The longest wait after failures, seconds.
const MAX_BACKOFF_S: i64 = 24 * 3600;

/// What one poll of one feed did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PollReport {
    /// The feed.
    pub url: String,
    /// `ok`, `not_modified`, `skipped` (not due) or `error`.
    pub status: String,
    /// What failed, for `error` (and pages that failed in an `ok` poll).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Addresses it listed that were new.
    pub new_items: u64,
    /// Articles stored for the first time.
    pub ingested: u64,
    /// Incidents those articles added.
    pub incidents_new: u64,
}

/// Follows the feeds of a list.
pub struct Watcher<'p, 'g> {
    list: FeedList,
    fetcher: Fetcher,
    pipeline: &'p Pipeline<'g>,
    /// A connection of its own for the feeds' state.
    store: Store,
}

/// What became of one listed address.
enum Taken {
    Before,
    Ingested { new: bool, incidents: u64 },
    Recorded,
}

impl<'p, 'g> Watcher<'p, 'g> {
    /// A watcher of `list`, ingesting through `pipeline`, keeping its state
    /// in `store`.
    pub fn new(list: FeedList, pipeline: &'p Pipeline<'g>, store: Store) -> Result<Self> {
        let fetcher = Fetcher::new(list.fetch.clone())?;
        Ok(Watcher {
            list,
            fetcher,
            pipeline,
            store,
        })
    }

    /// Polls the feeds that are due at `now` (with `every`, all of them),
    /// one after the other.
    pub fn poll(&self, now: DateTime<Utc>, every: bool) -> Vec<PollReport> {
        // Every feed's state in one read (a watcher is each feed's only writer).
        let mut known: std::collections::HashMap<String, FeedState> = self
            .store
            .feed_states()
            .unwrap_or_default()
            .into_iter()
            .map(|s| (s.url.clone(), s))
            .collect();
        self.list
            .feed
            .iter()
            .map(|feed| {
                let state = known.remove(&feed.url);
                self.poll_feed(feed, state, now, every)
            })
            .collect()
    }

    /// Polls until `stop` is set: each feed when it is due.
    pub fn run(&self, stop: &AtomicBool) {
        while !stop.load(Ordering::Relaxed) {
            for r in self.poll(Utc::now(), false) {
                if r.status != "skipped" {
                    tracing::info!(feed = %r.url, status = %r.status, new = r.new_items, ingested = r.ingested, error = r.error.as_deref().unwrap_or(""), "polled");
                }
            }
            // Wake often enough to stop promptly and to catch the next due feed.
            for _ in 0..10 {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        }
    }

    /// The feed's state as kept, or a new one, under its configured outlet.
    fn state(feed: &FeedConfig, known: Option<FeedState>) -> FeedState {
        FeedState {
            outlet: feed.outlet.clone(),
            ..known.unwrap_or_else(|| FeedState {
                url: feed.url.clone(),
                ..FeedState::default()
            })
        }
    }

    fn poll_feed(
        &self,
        feed: &FeedConfig,
        known: Option<FeedState>,
        now: DateTime<Utc>,
        every: bool,
    ) -> PollReport {
        let mut state = Self::state(feed, known);
        let mut report = PollReport {
            url: feed.url.clone(),
            ..PollReport::default()
        };
        if !every && state.next_poll.is_some_and(|t| t > now) {
            report.status = "skipped".into();
            return report;
        }
        let interval = i64::try_from(feed.interval)
            .unwrap_or(i64::MAX)
            .min(MAX_BACKOFF_S);
        state.last_poll = Some(now);
        metrics::counter!(crate::FEED_POLLS, "feed" => feed.url.clone()).increment(1);
        match self.read_feed(feed, &mut state, &mut report) {
            Ok(()) => {
                state.failures = 0;
                state.last_error = report.error.clone();
                state.last_success = Some(now);
                state.next_poll = Some(now + chrono::Duration::seconds(interval));
            }
            Err(e) => {
                metrics::counter!(crate::FEED_FAILURES, "feed" => feed.url.clone()).increment(1);
                state.failures = state.failures.saturating_add(1);
                let backoff = interval
                    .saturating_mul(1 << state.failures.min(20))
                    .min(MAX_BACKOFF_S);
                state.last_error = Some(e.to_string());
                state.next_poll = Some(now + chrono::Duration::seconds(backoff));
                report.status = "error".into();
                report.error = Some(e.to_string());
            }
        }
        state.items_seen += report.new_items;
        state.articles_ingested += report.ingested;
        if let Err(e) = self.store.save_feed_state(&state) {
            tracing::error!(feed = %feed.url, error = %e, "could not keep the feed's state");
        }
        report
    }

    fn read_feed(
        &self,
        feed: &FeedConfig,
        state: &mut FeedState,
        report: &mut PollReport,
    ) -> Result<()> {
        let fetched = self.fetcher.get(
            &feed.url,
            state.etag.as_deref(),
            state.last_modified.as_deref(),
        )?;
        let Fetched::Body {
            url,
            bytes,
            etag,
            last_modified,
            ..
        } = fetched
        else {
            report.status = "not_modified".into();
            return Ok(());
        };
        let mut listed = links(&bytes, &url)?;
        // A sitemap index: the sitemaps it lists, read in turn (one level).
        let nested: Vec<String> = listed
            .iter()
            .filter(|l| l.sitemap)
            .map(|l| l.url.clone())
            .collect();
        listed.retain(|l| !l.sitemap);
        for sitemap in nested {
            match self.fetcher.get(&sitemap, None, None) {
                Ok(Fetched::Body { url, bytes, .. }) => listed.extend(links(&bytes, &url)?),
                Ok(Fetched::NotModified) => {}
                Err(e) => report.error = Some(e.to_string()),
            }
        }
        for link in listed {
            match self.take(&link.url, link.published) {
                Ok(Taken::Before) => {}
                Ok(Taken::Ingested { new, incidents }) => {
                    report.new_items += 1;
                    report.ingested += u64::from(new);
                    report.incidents_new += incidents;
                }
                Ok(Taken::Recorded) => report.new_items += 1,
                // A page that failed for now is tried again next poll.
                Err(e) => {
                    tracing::warn!(page = %link.url, error = %e, "page not taken");
                    report.error = Some(e.to_string());
                }
            }
        }
        // Validators only once every item is taken: after a crash, or a
        // page that failed for now, the next poll reads the feed again
        // (not a 304) and tries what is left (seen pages are skipped).
        if report.error.is_none() {
            state.etag = etag;
            state.last_modified = last_modified;
        }
        report.status = "ok".into();
        Ok(())
    }

    /// Fetches, reads and ingests one listed address, unless taken before.
    fn take(&self, url: &str, listed: Option<chrono::NaiveDate>) -> Result<Taken> {
        if self.store.seen_page(url, None)?.is_some() {
            return Ok(Taken::Before);
        }
        let seen = |outcome: &'static str,
                    canonical: Option<String>,
                    hash: Option<String>,
                    article: Option<String>| {
            self.store.mark_page_seen(&SeenPage {
                url: url.to_string(),
                canonical,
                content_hash: hash,
                article_id: article,
                outcome: outcome.to_string(),
            })
        };
        let (bytes, content_type) = match self.fetcher.get(url, None, None) {
            Ok(Fetched::Body {
                bytes,
                content_type,
                ..
            }) => (bytes, content_type),
            Ok(Fetched::NotModified) => return Ok(Taken::Before),
            Err(e @ (Error::Disallowed { .. } | Error::TooLarge { .. })) => {
                tracing::info!(page = %url, reason = %e, "page refused");
                seen("refused", None, None, None)?;
                return Ok(Taken::Recorded);
            }
            Err(e) => return Err(e),
        };
        let page = read_page(&bytes, content_type.as_deref(), url, listed)?;
        let hash = page.article.id();
        if !is_arabic(&page.article.text) {
            seen("not_arabic", page.canonical, Some(hash), None)?;
            return Ok(Taken::Recorded);
        }
        let canonical = page.canonical.as_deref().unwrap_or(url);
        if let Some(before) = self.store.seen_page(canonical, Some(&hash))? {
            // The same story under another address: one article.
            seen(
                "duplicate",
                page.canonical.clone(),
                Some(hash),
                before.article_id,
            )?;
            return Ok(Taken::Recorded);
        }
        let done = self.pipeline.ingest(&page.article)?;
        seen(
            "ingested",
            page.canonical,
            Some(hash),
            Some(done.report.article_id.clone()),
        )?;
        Ok(Taken::Ingested {
            new: done.report.new_article,
            incidents: done.report.incidents_new.len() as u64,
        })
    }
}

/// Fetches, reads and ingests single pages (`marsad ingest URL…`): each
/// address's article, or why it was not taken.
pub fn ingest_url(
    fetcher: &Fetcher,
    pipeline: &Pipeline<'_>,
    url: &str,
) -> Result<marsad_pipeline::Ingested> {
    let Fetched::Body {
        url: final_url,
        bytes,
        content_type,
        ..
    } = fetcher.get(url, None, None)?
    else {
        return Err(Error::Http {
            url: url.to_string(),
            message: "answered 304 to an unconditional GET".into(),
        });
    };
    let page = read_page(&bytes, content_type.as_deref(), &final_url, None)?;
    Ok(pipeline.ingest(&page.article)?)
}

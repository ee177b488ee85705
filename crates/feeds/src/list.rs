//! The feeds file: which feeds to follow and how politely.
//!
//! ```toml
//! [fetch]                      # all optional
//! delay_ms = 1000              # between two requests to one host
//!
//! [[feed]]
//! url = "https://news.example/rss.xml"
//! outlet = "News Example"
//! interval = 900               # seconds between polls (default 900)
//! ```

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use crate::{Error, Result};

/// The feeds file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedList {
    /// How to fetch.
    #[serde(default)]
    pub fetch: FetchSettings,
    /// The feeds.
    #[serde(default)]
    pub feed: Vec<FeedConfig>,
}

/// One feed: RSS 2.0, Atom, or a sitemap.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    /// Its address.
    pub url: String,
    /// The outlet that publishes it.
    pub outlet: String,
    /// Seconds between polls.
    #[serde(default = "default_interval")]
    pub interval: u64,
}

fn default_interval() -> u64 {
    900
}

/// How the fetcher behaves; every field has a polite default.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchSettings {
    /// The User-Agent sent, and matched against robots.txt.
    pub user_agent: String,
    /// Milliseconds between two requests to one host (robots.txt's
    /// `Crawl-delay` wins when longer).
    pub delay_ms: u64,
    /// Seconds a request may take.
    pub timeout_s: u64,
    /// Tries of a request that failed for a transient reason.
    pub tries: u32,
    /// Milliseconds before the first retry; each next waits twice as long.
    pub backoff_ms: u64,
    /// Largest page or feed read, bytes.
    pub max_bytes: u64,
}

impl Default for FetchSettings {
    fn default() -> Self {
        FetchSettings {
            user_agent: format!(
                "Marsad/{} (incident mapper; +https://example.invalid/marsad)",
                env!("CARGO_PKG_VERSION")
            ),
            delay_ms: 1000,
            timeout_s: 30,
            tries: 3,
            backoff_ms: 1000,
            max_bytes: 5 << 20,
        }
    }
}

impl FetchSettings {
    /// The delay between two requests to one host.
    pub fn delay(&self) -> Duration {
        Duration::from_millis(self.delay_ms)
    }
}

impl FeedList {
    /// Reads and checks a feeds file.
    pub fn from_path(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::List {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::parse(&text).map_err(|message| Error::List {
            path: path.display().to_string(),
            message,
        })
    }

    /// Parses a feeds file's text.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let list: FeedList = toml::from_str(text).map_err(|e| e.message().to_string())?;
        for f in &list.feed {
            if !(f.url.starts_with("http://") || f.url.starts_with("https://")) {
                return Err(format!("feed {:?}: url must be http(s)", f.url));
            }
            if f.outlet.trim().is_empty() {
                return Err(format!("feed {:?}: outlet is empty", f.url));
            }
            if f.interval == 0 {
                return Err(format!("feed {:?}: interval must be at least 1 s", f.url));
            }
        }
        if list.fetch.tries == 0 || list.fetch.max_bytes == 0 || list.fetch.timeout_s == 0 {
            return Err("fetch: tries, max_bytes and timeout_s must be positive".into());
        }
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_starter_feeds_file_reads() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/feeds.toml");
        let list = FeedList::from_path(&path).unwrap();
        assert!(list.feed.len() >= 5);
        assert!(list.feed.iter().all(|f| f.url.starts_with("https://")));
    }

    #[test]
    fn a_feeds_file_with_defaults_and_its_errors() {
        let list = FeedList::parse(
            "[[feed]]\nurl = \"https://a.example/rss\"\noutlet = \"A\"\n\n[[feed]]\nurl = \"http://b.example/sitemap.xml\"\noutlet = \"B\"\ninterval = 60\n",
        )
        .unwrap();
        assert_eq!(list.feed.len(), 2);
        assert_eq!((list.feed[0].interval, list.feed[1].interval), (900, 60));
        assert_eq!(list.fetch.delay_ms, 1000);
        assert!(list.fetch.user_agent.starts_with("Marsad/"));
        for bad in [
            "[[feed]]\nurl = \"ftp://a\"\noutlet = \"A\"",
            "[[feed]]\nurl = \"https://a\"\noutlet = \" \"",
            "[[feed]]\nurl = \"https://a\"\noutlet = \"A\"\ninterval = 0",
            "[[feed]]\nurl = \"https://a\"\noutlet = \"A\"\ncolour = 1",
            "[fetch]\ntries = 0",
            "[[feed]]\nurl = \"https://a\"",
        ] {
            assert!(FeedList::parse(bad).is_err(), "{bad}");
        }
    }
}

//! A polite, robust HTTP fetcher: one request at a time per host with a
//! delay between them, robots.txt obeyed, conditional GET, retries of
//! transient failures with exponential backoff, a size limit, gzip, and a
//! User-Agent that says who is asking.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use reqwest::header::{
    CONTENT_LENGTH, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use reqwest::StatusCode;
use texting_robots::Robot;

use crate::{Error, FetchSettings, Result};

/// What a GET gave.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched {
    /// 304: unchanged since the validators given.
    NotModified,
    /// The body, with the validators to send next time.
    Body {
        /// The address after redirects.
        url: String,
        /// The body (decompressed).
        bytes: Vec<u8>,
        /// Its media type.
        content_type: Option<String>,
        /// Its `ETag`.
        etag: Option<String>,
        /// Its `Last-Modified`.
        last_modified: Option<String>,
    },
}

/// What robots.txt says for one host.
enum Rules {
    /// Every path allowed (no robots.txt, or one that allows all).
    All,
    /// The file's rules.
    File(Box<Robot>),
}

/// The fetcher. Share one across threads: the per-host delay holds for all.
pub struct Fetcher {
    client: Client,
    settings: FetchSettings,
    /// When each host may next be asked.
    next_turn: Mutex<HashMap<String, Instant>>,
    robots: Mutex<HashMap<String, std::sync::Arc<Rules>>>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// An error and its causes, as one line (reqwest's own message alone is
/// "error sending request").
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        out.push_str(": ");
        out.push_str(&c.to_string());
        cause = c.source();
    }
    out
}

/// `scheme://host:port` of an address: what delays and robots.txt apply to.
fn origin(url: &reqwest::Url) -> String {
    format!(
        "{}://{}:{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

fn parse(url: &str) -> Result<reqwest::Url> {
    let u = reqwest::Url::parse(url).map_err(|e| Error::Http {
        url: url.to_string(),
        message: e.to_string(),
    })?;
    if !matches!(u.scheme(), "http" | "https") || u.host_str().is_none() {
        return Err(Error::Http {
            url: url.to_string(),
            message: "not an http(s) address".into(),
        });
    }
    Ok(u)
}

impl Fetcher {
    /// A fetcher with these settings.
    pub fn new(settings: FetchSettings) -> Result<Self> {
        let client = Client::builder()
            .user_agent(settings.user_agent.clone())
            .timeout(Duration::from_secs(settings.timeout_s))
            .connect_timeout(Duration::from_secs(settings.timeout_s.min(10)))
            .gzip(true)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .map_err(|e| Error::Http {
                url: String::new(),
                message: e.to_string(),
            })?;
        Ok(Fetcher {
            client,
            settings,
            next_turn: Mutex::new(HashMap::new()),
            robots: Mutex::new(HashMap::new()),
        })
    }

    /// The settings.
    pub fn settings(&self) -> &FetchSettings {
        &self.settings
    }

    /// GETs `url` if robots.txt allows it, with the validators of an
    /// earlier answer (a 304 then is [`Fetched::NotModified`]); transient
    /// failures are tried again after 1, 2, 4… × `backoff_ms`.
    pub fn get(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Fetched> {
        let parsed = parse(url)?;
        if !self.allowed(&parsed)? {
            return Err(Error::Disallowed {
                url: url.to_string(),
            });
        }
        self.with_retries(|| self.once(&parsed, etag, last_modified))
    }

    fn with_retries<T>(&self, mut op: impl FnMut() -> Result<T>) -> Result<T> {
        let mut wait = Duration::from_millis(self.settings.backoff_ms);
        let mut tried = 1;
        loop {
            match op() {
                Err(e) if e.is_transient() && tried < self.settings.tries => {
                    tracing::debug!(error = %e, ?wait, "retrying");
                    std::thread::sleep(wait);
                    wait *= 2;
                    tried += 1;
                }
                other => return other,
            }
        }
    }

    /// Whether robots.txt lets this User-Agent fetch `url` (read once per
    /// host; a missing file allows everything).
    fn allowed(&self, url: &reqwest::Url) -> Result<bool> {
        let key = origin(url);
        let known = self
            .robots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .cloned();
        let rules = match known {
            Some(r) => r,
            None => {
                let rules = std::sync::Arc::new(self.read_robots(url)?);
                self.robots
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(key, rules.clone());
                rules
            }
        };
        Ok(match &*rules {
            Rules::All => true,
            Rules::File(robot) => robot.allowed(url.as_str()),
        })
    }

    fn read_robots(&self, url: &reqwest::Url) -> Result<Rules> {
        let mut robots = url.clone();
        robots.set_path("/robots.txt");
        robots.set_query(None);
        robots.set_fragment(None);
        match self.with_retries(|| self.once(&robots, None, None)) {
            Ok(Fetched::Body { bytes, .. }) => Ok(Robot::new(&self.settings.user_agent, &bytes)
                .map(|r| Rules::File(Box::new(r)))
                .unwrap_or(Rules::All)),
            Ok(Fetched::NotModified) => Ok(Rules::All),
            // No file (4xx): everything allowed, as RFC 9309 says.
            Err(Error::Status { status, .. }) if (400..500).contains(&status) => Ok(Rules::All),
            // Unreachable: nothing allowed for now (RFC 9309); asked again
            // on the next fetch.
            Err(e) => Err(e),
        }
    }

    /// Waits for this host's turn: one request per `delay` (or the
    /// robots.txt `Crawl-delay`, if longer).
    fn wait_turn(&self, url: &reqwest::Url) {
        let key = origin(url);
        let crawl_delay = self
            .robots
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            .and_then(|r| match &**r {
                Rules::File(robot) => robot.delay,
                Rules::All => None,
            })
            .map(|s| Duration::from_secs_f32(s.clamp(0.0, 60.0)));
        let delay = crawl_delay.map_or(self.settings.delay(), |d| d.max(self.settings.delay()));
        let at = {
            let mut turns = self.next_turn.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let at = turns.get(&key).copied().filter(|t| *t > now).unwrap_or(now);
            turns.insert(key, at + delay);
            at
        };
        let now = Instant::now();
        if at > now {
            std::thread::sleep(at - now);
        }
    }

    /// The body, at most `max_bytes` of it, read within `timeout_s` of
    /// `started`. The client's timeout bounds each read, not the whole: a
    /// server sending a byte now and then (a tarpit) would hold a read for
    /// days without the deadline checked between reads.
    fn read_body(
        &self,
        mut resp: reqwest::blocking::Response,
        url: &reqwest::Url,
        started: Instant,
    ) -> Result<Vec<u8>> {
        let limit = self.settings.max_bytes;
        let deadline = started + Duration::from_secs(self.settings.timeout_s);
        let failed = |message: String| Error::Http {
            url: url.to_string(),
            message,
        };
        let mut bytes = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            if Instant::now() > deadline {
                return Err(failed(format!(
                    "the answer took longer than {} s",
                    self.settings.timeout_s
                )));
            }
            let n = resp.read(&mut chunk).map_err(|e| failed(e.to_string()))?;
            if n == 0 {
                return Ok(bytes);
            }
            bytes.extend_from_slice(&chunk[..n]);
            if bytes.len() as u64 > limit {
                return Err(Error::TooLarge {
                    url: url.to_string(),
                    limit,
                });
            }
        }
    }

    fn once(
        &self,
        url: &reqwest::Url,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Fetched> {
        self.wait_turn(url);
        let http = |e: reqwest::Error| Error::Http {
            url: url.to_string(),
            message: chain(&e.without_url()),
        };
        let mut req = self.client.get(url.clone());
        if let Some(e) = etag {
            req = req.header(IF_NONE_MATCH, e);
        }
        if let Some(m) = last_modified {
            req = req.header(IF_MODIFIED_SINCE, m);
        }
        let started = Instant::now();
        let resp = req.send().map_err(http)?;
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(Error::Status {
                url: url.to_string(),
                status: status.as_u16(),
            });
        }
        let limit = self.settings.max_bytes;
        let too_large = || Error::TooLarge {
            url: url.to_string(),
            limit,
        };
        let header = |name| {
            resp.headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        if header(CONTENT_LENGTH)
            .and_then(|n| n.parse::<u64>().ok())
            .is_some_and(|n| n > limit)
        {
            return Err(too_large());
        }
        let (content_type, etag, last_modified) =
            (header(CONTENT_TYPE), header(ETAG), header(LAST_MODIFIED));
        let final_url = resp.url().to_string();
        let bytes = self.read_body(resp, url, started)?;
        Ok(Fetched::Body {
            url: final_url,
            bytes,
            content_type,
            etag,
            last_modified,
        })
    }
}

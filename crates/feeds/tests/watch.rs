//! Following feeds against a local HTTP server (port 0) serving feeds and
//! article pages written here: new items are ingested once, a second poll
//! with 304 ingests nothing, a failing feed is retried with backoff and
//! reported, an oversized page is refused, robots.txt is obeyed, a restart
//! resumes, and the same story at two addresses is one article.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

mod site;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use marsad_feeds::{FeedList, Watcher};
use marsad_gazetteer::Gazetteer;
use marsad_pipeline::Pipeline;
use marsad_store::Store;

fn gazetteer() -> &'static Gazetteer {
    static GAZ: OnceLock<Gazetteer> = OnceLock::new();
    GAZ.get_or_init(|| Gazetteer::bundled().unwrap())
}

/// What the site serves, and what it was asked.
#[derive(Clone, Default)]
struct Site {
    hits: Arc<Mutex<HashMap<String, usize>>>,
    /// Whether `/feed.xml` lists the third article too.
    more: Arc<AtomicBool>,
    /// Whether `/news/2` is down (503) for now.
    down: Arc<AtomicBool>,
}

impl Site {
    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }
}

fn page(title: &str, body: &str, canonical: &str) -> String {
    format!(
        r#"<!doctype html><html lang="ar"><head><title>{title}</title><link rel="canonical" href="{canonical}">
        <meta property="article:published_time" content="2026-03-07T08:00:00+03:00"></head>
        <body><nav>الرئيسية | سياسة | اقتصاد</nav><article><h1>{title}</h1><p>{body}</p></article>
        <footer>جميع الحقوق محفوظة</footer></body></html>"#
    )
}

async fn serve(State(site): State<Site>, Path(path): Path<String>, headers: HeaderMap) -> Response {
    *site.hits.lock().unwrap().entry(path.clone()).or_default() += 1;
    let xml = |body: String, etag: &'static str| {
        if headers
            .get(header::IF_NONE_MATCH)
            .is_some_and(|v| v == etag)
        {
            return StatusCode::NOT_MODIFIED.into_response();
        }
        (
            [
                (header::CONTENT_TYPE, "application/rss+xml"),
                (header::ETAG, etag),
            ],
            body,
        )
            .into_response()
    };
    let html =
        |s: String| ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], s).into_response();
    match path.as_str() {
        "robots.txt" => "User-agent: *\nDisallow: /private/\n".into_response(),
        "feed.xml" => {
            let more = site.more.load(Ordering::SeqCst);
            let items: Vec<&str> = ["/news/1", "/news/1?utm_source=rss", "/news/2", "/private/3", "/big", "/english"]
                .into_iter()
                .chain(more.then_some("/news/4"))
                .collect();
            let items: String = items
                .iter()
                .map(|p| format!("<item><title>x</title><link>{p}</link></item>"))
                .collect();
            let etag = if more { "\"v2\"" } else { "\"v1\"" };
            xml(format!(r#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>"#), etag)
        }
        "sitemap.xml" => xml(
            r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>/news/5</loc><lastmod>2026-03-08</lastmod></url></urlset>"#.into(),
            "\"s1\"",
        ),
        "broken.xml" => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        "news/1" => html(page(
            "غارة على البوكمال",
            "قصفت طائرة مسيّرة مجهولة موقعاً لميليشيا في مدينة البوكمال شرقي دير الزور فجر اليوم، ما أدى إلى مقتل ثلاثة عناصر.",
            "/news/1",
        )),
        "news/2" if site.down.load(Ordering::SeqCst) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        "news/2" => html(page(
            "اعتقالات في الميادين",
            "اعتقلت قوات النظام خمسة شبان خلال حملة دهم في مدينة الميادين بريف دير الزور الشرقي أمس.",
            "/news/2",
        )),
        "news/4" => html(page(
            "انتشار في الباغوز",
            "انتشرت تعزيزات عسكرية جديدة في بلدة الباغوز قرب الحدود العراقية صباح اليوم.",
            "/news/4",
        )),
        "news/5" => html(page(
            "اشتباك في هجين",
            "اندلعت اشتباكات بين مسلحين مجهولين وعناصر من قوات سوريا الديمقراطية في بلدة هجين شرقي دير الزور.",
            "/news/5",
        )),
        "private/3" => html(page("سري", "نص لا يجوز جلبه عن البوكمال وريفها الشرقي والغربي.", "/private/3")),
        "big" => html("<p>".to_string() + &"كلمة ".repeat(40_000) + "</p>"),
        "english" => html(page(
            "A strike",
            "A drone struck a militia position in the city of Al-Bukamal at dawn today, killing three fighters, sources said.",
            "/english",
        )),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The site on a free port.
fn start_site() -> (String, Site) {
    let site = Site::default();
    let app = axum::Router::new()
        .route("/{*path}", get(serve))
        .with_state(site.clone());
    (site::serve(app), site)
}

fn feeds(base: &str) -> FeedList {
    FeedList::parse(&format!(
        r#"[fetch]
delay_ms = 0
backoff_ms = 10
max_bytes = 100000

[[feed]]
url = "{base}/feed.xml"
outlet = "Example News"
interval = 600

[[feed]]
url = "{base}/broken.xml"
outlet = "Broken"
interval = 600

[[feed]]
url = "{base}/sitemap.xml"
outlet = "Example News"
"#
    ))
    .unwrap()
}

#[test]
fn feeds_are_followed_politely_and_nothing_is_taken_twice() {
    let (base, site) = start_site();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let index = Arc::new(RwLock::new(marsad_index_default()));
    let pipeline = Pipeline::open(gazetteer(), &db.as_path().into(), index).unwrap();
    let now = chrono::Utc::now();

    let watcher = Watcher::new(feeds(&base), &pipeline, Store::open(&db).unwrap()).unwrap();
    // One page is down at first: the poll takes the rest, and keeps the
    // feed's validators back so the next poll reads the feed again.
    site.down.store(true, Ordering::SeqCst);
    let failing = watcher.poll(now, true);
    assert_eq!(failing[0].status, "ok", "{failing:?}");
    assert!(
        failing[0].error.as_deref().unwrap().contains("503"),
        "{failing:?}"
    );
    assert_eq!(failing[0].ingested, 1, "{failing:?}");
    site.down.store(false, Ordering::SeqCst);
    let first = watcher.poll(now, true);
    let [feed, broken, sitemap] = first.as_slice() else {
        panic!("{first:?}")
    };
    // Listed: two articles (one under two addresses), a private page, an
    // oversized page and an English one.
    assert_eq!(feed.status, "ok", "{feed:?}");
    assert_eq!(
        (feed.new_items, feed.ingested),
        (1, 1),
        "only the page that was down: {feed:?}"
    );
    assert!(feed.incidents_new >= 1, "{feed:?}");
    assert_eq!(site.hits("private/3"), 0, "robots.txt obeyed");
    assert_eq!(site.hits("robots.txt"), 1, "robots.txt read once per host");
    assert_eq!(
        site.hits("news/1"),
        2,
        "both addresses fetched, one article kept"
    );
    // The failing feed: tried three times (with backoff), reported, and the
    // others went on.
    assert_eq!(broken.status, "error");
    assert!(
        broken.error.as_deref().unwrap().contains("503"),
        "{broken:?}"
    );
    assert_eq!(
        site.hits("broken.xml"),
        6,
        "tried three times in each of two polls"
    );
    assert_eq!(
        (failing[2].status.as_str(), failing[2].ingested),
        ("ok", 1),
        "{failing:?}"
    );
    assert_eq!(sitemap.status, "not_modified", "{sitemap:?}");

    let store = Store::open(&db).unwrap();
    assert_eq!(store.count_articles().unwrap(), 3);
    let states = store.feed_states().unwrap();
    let state = |url: &str| {
        states
            .iter()
            .find(|s| s.url.ends_with(url))
            .unwrap()
            .clone()
    };
    let b = state("/broken.xml");
    assert_eq!(b.failures, 2);
    assert!(b.last_error.as_deref().unwrap().contains("503"));
    let backoff = b.next_poll.unwrap() - (now + chrono::Duration::seconds(2400));
    assert!(
        backoff.num_milliseconds().abs() <= 1,
        "the interval doubled per failure: {backoff}"
    );
    assert_eq!(
        (
            state("/feed.xml").items_seen,
            state("/feed.xml").articles_ingested
        ),
        (6, 2)
    );
    assert_eq!(state("/feed.xml").etag.as_deref(), Some("\"v1\""));
    for (path, outcome) in [
        ("/big", "refused"),
        ("/english", "not_arabic"),
        ("/news/1?utm_source=rss", "duplicate"),
    ] {
        let seen = store
            .seen_page(&format!("{base}{path}"), None)
            .unwrap()
            .unwrap();
        assert_eq!(seen.outcome, outcome, "{path}");
    }

    // Again: the feed answers 304, nothing is fetched or ingested.
    let pages_before = site.hits("news/1") + site.hits("news/2");
    let again = watcher.poll(now, true);
    assert_eq!(again[0].status, "not_modified", "{again:?}");
    assert_eq!(site.hits("news/1") + site.hits("news/2"), pages_before);
    assert_eq!(store.count_articles().unwrap(), 3);
    // Not due yet: the loop would not poll at all.
    let later = watcher.poll(now + chrono::Duration::seconds(60), false);
    assert!(later.iter().all(|r| r.status == "skipped"), "{later:?}");
    drop(watcher);

    // A restart: a new watcher over the same database, the feed with one
    // more item. Only the new page is fetched.
    site.more.store(true, Ordering::SeqCst);
    let watcher = Watcher::new(feeds(&base), &pipeline, Store::open(&db).unwrap()).unwrap();
    let resumed = watcher.poll(now + chrono::Duration::seconds(601), false);
    assert_eq!(
        (
            resumed[0].status.as_str(),
            resumed[0].new_items,
            resumed[0].ingested
        ),
        ("ok", 1, 1),
        "{resumed:?}"
    );
    assert_eq!(
        site.hits("news/1") + site.hits("news/2"),
        pages_before,
        "nothing fetched twice"
    );
    assert_eq!(site.hits("news/4"), 1);
    assert_eq!(
        resumed[1].status, "skipped",
        "the broken feed waits out its backoff"
    );
    assert_eq!(store.count_articles().unwrap(), 4);
}

fn marsad_index_default() -> marsad_index::SpatialIndex {
    marsad_index::SpatialIndex::default()
}

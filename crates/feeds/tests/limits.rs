//! A hostile or broken site cannot hold the fetcher: a body that never
//! ends is cut at the size limit, a server that sends a byte now and then
//! (a tarpit) or nothing at all is cut at the timeout, and a feed that does
//! either is reported and backed off while the other feeds are read.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

mod site;

use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use marsad_feeds::{Error, FeedList, FetchSettings, Fetcher, Watcher};
use marsad_gazetteer::Gazetteer;
use marsad_pipeline::Pipeline;
use marsad_store::Store;

fn gazetteer() -> &'static Gazetteer {
    static GAZ: OnceLock<Gazetteer> = OnceLock::new();
    GAZ.get_or_init(|| Gazetteer::bundled().unwrap())
}

/// A body of `chunk`s, one every `every`, for ever.
fn forever(chunk: &'static [u8], every: Duration) -> Body {
    let stream = futures_util::stream::unfold((), move |()| async move {
        tokio::time::sleep(every).await;
        Some((
            Ok::<_, std::io::Error>(bytes::Bytes::from_static(chunk)),
            (),
        ))
    });
    Body::from_stream(stream)
}

async fn serve(Path(path): Path<String>) -> Response {
    match path.as_str() {
        // Megabytes a second, never ending, no length announced.
        "endless" => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            forever(&[b'x'; 64 * 1024], Duration::from_millis(1)),
        )
            .into_response(),
        // Headers at once, then a byte every half second.
        "drip" | "drip.xml" => (
            [(header::CONTENT_TYPE, "application/rss+xml")],
            forever(b"<", Duration::from_millis(500)),
        )
            .into_response(),
        // Nothing at all, for ever.
        "silent" => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            "late".into_response()
        }
        "feed.xml" => (
            [(header::CONTENT_TYPE, "application/rss+xml")],
            r#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>x</title><link>/news/1</link></item></channel></rss>"#,
        )
            .into_response(),
        "news/1" => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            r#"<!doctype html><html lang="ar"><head><title>غارة</title></head><body><article><p>قصفت طائرة مسيّرة موقعاً في مدينة البوكمال شرقي دير الزور فجر اليوم، ما أدى إلى مقتل ثلاثة عناصر.</p></article></body></html>"#,
        )
            .into_response(),
        _ => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

/// The site on a free port.
fn start_site() -> String {
    site::serve(axum::Router::new().route("/{*path}", get(serve)))
}

fn settings() -> FetchSettings {
    FetchSettings {
        delay_ms: 0,
        timeout_s: 2,
        tries: 1,
        backoff_ms: 10,
        max_bytes: 1 << 20,
        ..FetchSettings::default()
    }
}

#[test]
fn an_endless_body_is_cut_at_the_size_limit() {
    let site = start_site();
    let fetcher = Fetcher::new(settings()).unwrap();
    let started = Instant::now();
    let got = fetcher.get(&format!("{site}/endless"), None, None);
    assert!(
        matches!(got, Err(Error::TooLarge { limit, .. }) if limit == 1 << 20),
        "{got:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_tarpit_and_a_silent_server_are_cut_at_the_timeout() {
    let site = start_site();
    let fetcher = Fetcher::new(settings()).unwrap();
    for path in ["drip", "silent"] {
        let started = Instant::now();
        let got = fetcher.get(&format!("{site}/{path}"), None, None);
        let took = started.elapsed();
        assert!(matches!(got, Err(Error::Http { .. })), "{path}: {got:?}");
        assert!(
            took >= Duration::from_secs(2) && took < Duration::from_secs(6),
            "{path}: cut after {took:?}, the timeout is 2 s"
        );
    }
}

#[test]
fn a_tarpit_feed_is_reported_and_backed_off_while_the_others_are_read() {
    let site = start_site();
    let dir = tempfile::tempdir().unwrap();
    let db = marsad_store::Location::from(dir.path().join("m.db"));
    let list = FeedList::parse(&format!(
        "[fetch]\ndelay_ms = 0\ntimeout_s = 2\ntries = 2\nbackoff_ms = 10\n\n\
         [[feed]]\nurl = \"{site}/drip.xml\"\noutlet = \"tarpit\"\n\n\
         [[feed]]\nurl = \"{site}/feed.xml\"\noutlet = \"good\"\n"
    ))
    .unwrap();
    let index = Arc::new(RwLock::new(marsad_index::SpatialIndex::default()));
    let pipeline = Pipeline::open(gazetteer(), &db, index).unwrap();
    let watcher = Watcher::new(list, &pipeline, Store::open(&db).unwrap()).unwrap();
    let started = Instant::now();
    let reports = watcher.poll(chrono::Utc::now(), false);
    let took = started.elapsed();
    // Two tries of two seconds for the tarpit, then the good feed.
    assert!(took < Duration::from_secs(12), "a poll took {took:?}");
    assert_eq!(reports[0].status, "error", "{:?}", reports[0]);
    assert!(reports[1].ingested == 1, "{:?}", reports[1]);
    let states = Store::open(&db).unwrap().feed_states().unwrap();
    let tarpit = states.iter().find(|s| s.outlet == "tarpit").unwrap();
    assert_eq!(tarpit.failures, 1);
    assert!(tarpit.last_error.is_some());
    assert!(
        tarpit.next_poll > Some(chrono::Utc::now() + chrono::Duration::seconds(900)),
        "backed off: {tarpit:?}"
    );
}

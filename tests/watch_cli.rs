//! `marsad watch --once` as a user runs it from cron, against a local site
//! serving a feed of Arabic articles written here: it ingests them, a
//! second run adds nothing, `/api/v1/feeds` reports the feed, and the
//! incidents answer radius queries. `serve --feeds` follows the same feed.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

mod support;

use std::process::Output;

use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use support::{marsad, Server};

async fn site(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let article = |title: &str, body: &str| {
        let html = format!(
            r#"<!doctype html><html lang="ar"><head><title>{title}</title>
            <script type="application/ld+json">{{"@type":"NewsArticle","datePublished":"2026-03-10T07:00:00+03:00"}}</script></head>
            <body><header>شريط الأخبار</header><article><h1>{title}</h1><p>{body}</p></article></body></html>"#
        );
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
    };
    match path.as_str() {
        "robots.txt" => StatusCode::NOT_FOUND.into_response(),
        "rss" => {
            if headers.get(header::IF_NONE_MATCH).is_some_and(|v| v == "\"r1\"") {
                return StatusCode::NOT_MODIFIED.into_response();
            }
            let rss = r#"<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>أخبار الشرق</title>
                <item><title>غارة</title><link>/2026/03/strike</link><pubDate>Tue, 10 Mar 2026 06:00:00 +0300</pubDate></item>
                <item><title>دهم</title><link>/2026/03/raid</link></item></channel></rss>"#;
            ([(header::CONTENT_TYPE, "application/rss+xml"), (header::ETAG, "\"r1\"")], rss).into_response()
        }
        "2026/03/strike" => article(
            "غارة على البوكمال",
            "استهدفت طائرة مسيّرة مجهولة الهوية سيارة عسكرية في مدينة البوكمال فجر اليوم، ما أدى إلى مقتل عنصرين من الميليشيات.",
        ),
        "2026/03/raid" => article(
            "حملة دهم في الميادين",
            "شنت قوات النظام حملة دهم واعتقالات في مدينة الميادين بريف دير الزور الشرقي صباح اليوم، واعتقلت ستة شبان.",
        ),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn start_site() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            let app = axum::Router::new().route("/{*path}", get(site));
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

/// A feeds file in `dir` following the site's feed, without delays.
fn feeds_file(dir: &std::path::Path, base: &str) -> std::path::PathBuf {
    let path = dir.join("feeds.toml");
    let toml = format!(
        "[fetch]\ndelay_ms = 0\n\n[[feed]]\nurl = \"{base}/rss\"\noutlet = \"East News\"\n"
    );
    std::fs::write(&path, toml).unwrap();
    path
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn watch_once_ingests_a_feed_once_and_the_server_shows_it() {
    let (base, dir) = (start_site(), tempfile::tempdir().unwrap());
    let (db, feeds) = (dir.path().join("m.db"), feeds_file(dir.path(), &base));
    let watch = || {
        marsad()
            .args(["watch", "--db"])
            .arg(&db)
            .arg("--feeds")
            .arg(&feeds)
            .arg("--once")
            .output()
            .unwrap()
    };
    let first = watch();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let r = &lines(&first)[0];
    assert_eq!(
        (
            r["status"].as_str(),
            r["new_items"].as_u64(),
            r["ingested"].as_u64()
        ),
        (Some("ok"), Some(2), Some(2)),
        "{r}"
    );
    let again = watch();
    assert!(again.status.success());
    let r = &lines(&again)[0];
    assert_eq!(
        (r["status"].as_str(), r["ingested"].as_u64()),
        (Some("not_modified"), Some(0)),
        "{r}"
    );

    // A feeds file with a mistake: one line, exit 1, nothing written.
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[feed]]\nurl = \"ftp://x\"\noutlet = \"X\"\n").unwrap();
    let out = marsad()
        .args(["watch", "--db"])
        .arg(dir.path().join("other.db"))
        .arg("--feeds")
        .arg(&bad)
        .arg("--once")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
    assert!(!dir.path().join("other.db").exists());

    // Single pages: `marsad ingest URL`.
    let single = dir.path().join("single.db");
    let out = marsad()
        .args(["ingest", "--db"])
        .arg(&single)
        .arg(format!("{base}/2026/03/raid"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = &lines(&out)[0];
    assert_eq!(r["status"], "stored", "{r}");
    assert!(r["incidents_new"].as_u64().unwrap() >= 1, "{r}");

    let server = Server::start(&db, &[]);
    let client = reqwest::blocking::Client::new();
    let get = |path: &str| -> serde_json::Value {
        client.get(server.url(path)).send().unwrap().json().unwrap()
    };
    let feeds = get("/api/v1/feeds");
    let feed = &feeds["feeds"][0];
    assert_eq!(feed["outlet"], "East News", "{feeds}");
    assert_eq!(
        (
            feed["articles_seen"].as_u64(),
            feed["articles_ingested"].as_u64()
        ),
        (Some(2), Some(2)),
        "{feeds}"
    );
    assert!(
        feed["last_error"].is_null() && feed["last_success"].is_string(),
        "{feeds}"
    );
    let near = get("/api/v1/incidents/near?place=%D8%A7%D9%84%D8%A8%D9%88%D9%83%D9%85%D8%A7%D9%84&radius_km=20");
    let strike = near["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["killed"] == 2)
        .unwrap_or_else(|| panic!("{near}"));
    assert_eq!(
        strike["properties"]["date"], "2026-03-10",
        "the JSON-LD date resolves «فجر اليوم»"
    );
    let latest = get("/api/v1/articles?limit=5");
    assert_eq!(latest["articles"].as_array().unwrap().len(), 2, "{latest}");
}

#[test]
fn a_served_map_follows_its_feeds() {
    let (base, dir) = (start_site(), tempfile::tempdir().unwrap());
    let (db, feeds) = (dir.path().join("m.db"), feeds_file(dir.path(), &base));
    let server = Server::start(&db, &["--feeds", feeds.to_str().unwrap()]);
    let client = reqwest::blocking::Client::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let v: serde_json::Value = client
            .get(server.url("/api/v1/incidents"))
            .send()
            .unwrap()
            .json()
            .unwrap();
        if v["numberMatched"].as_u64().unwrap_or(0) >= 2 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the feed's incidents never arrived: {v}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

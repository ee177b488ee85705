//! A panic in a handler is answered, logged with the request's id and
//! counted. In a process of its own: the test reads the log through a
//! subscriber set for its thread, which other tests' requests, served
//! at the same time on other threads, could otherwise race with while
//! tracing caches which spans are enabled.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use marsad_server::{AppState, Config};
use serde_json::Value;
use tower::ServiceExt;

mod common;

/// The server's state over a new, empty database.
fn state_with(config: Config) -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let state = AppState::open(common::gazetteer(), &db.as_path().into(), config).unwrap();
    (dir, state)
}

/// A GET's body as text.
async fn get_text(app: &Router, uri: &str) -> String {
    let req = Request::builder().uri(uri).body(Body::empty()).unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    String::from_utf8_lossy(&body).into_owned()
}

/// A log of what the server writes while `f` runs on this thread.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn a_panicking_handler_answers_500_with_its_request_id_and_is_counted() {
    use axum::routing::get as route;
    let (_dir, state) = state_with(Config {
        metrics: marsad_server::MetricsAt::Public,
        ..Config::default()
    });
    let boom = axum::Router::new()
        .route(
            "/boom",
            route(|| async {
                if true {
                    panic!("a bug in a handler");
                }
                "unreachable"
            }),
        )
        .route(
            "/boom/blocking",
            route(|| async {
                tokio::task::spawn_blocking(|| -> &'static str {
                    panic!("a bug on a blocking thread")
                })
                .await
                .map_err(marsad_server::AppError::from)
            }),
        )
        .route("/metrics", route(marsad_server::metrics::scrape));
    let app = marsad_server::serve_routes(boom, state);
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let panics = |text: &str| common::metric(text, "marsad_http_panics_total", &[]);
    let before = panics(&get_text(&app, "/metrics").await);

    for (uri, given) in [("/boom", None), ("/boom/blocking", Some("proxy-id.42"))] {
        let mut req = Request::builder().uri(uri);
        if let Some(id) = given {
            req = req.header("x-request-id", id);
        }
        let res = app
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR, "{uri}");
        let header_id = res.headers()["x-request-id"].to_str().unwrap().to_string();
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/json");
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"]["code"], "internal", "{v}");
        assert_eq!(v["error"]["request_id"], header_id.as_str(), "{v}");
        if let Some(id) = given {
            assert_eq!(header_id, id, "a proxy's request id is kept");
        }
        assert!(
            !v["error"]["message"].as_str().unwrap().contains("bug"),
            "the cause stays in the log: {v}"
        );
        let logged = log.text();
        let line = logged
            .lines()
            .find(|l| l.contains("ERROR") && l.contains(&header_id))
            .unwrap_or_else(|| panic!("no error line names {header_id}:\n{logged}"));
        assert!(line.contains("a bug"), "the cause is logged: {line}");
    }
    let after = panics(&get_text(&app, "/metrics").await);
    assert_eq!(after - before, 2.0);
}

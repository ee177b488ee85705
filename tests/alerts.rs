//! Standing alerts end to end, over the real binary: webhooks that arrive
//! exactly once with a valid signature though the receiver was down and
//! the server restarted meanwhile, the Atom feed read back by a feed
//! parser, and the live stream of one replica telling what another wrote.
//! On SQLite, and on PostgreSQL when `./scripts/test` provides one.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

mod support;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::blocking::Client;
use serde_json::{json, Value};
use support::{postgres_database, run, Server};

const TOKEN: &str = "alert-test-token";

/// Articles written for this test, in the style of local monitors.
const STRIKE_AT_MAYADIN: &str = "قتل أربعة عناصر من ميليشيا موالية لإيران، صباح اليوم الإثنين، في غارة جوية استهدفت موقعاً عسكرياً في مدينة الميادين شرقي دير الزور.";
const ARRESTS_IN_RAQQA: &str = "اعتقلت قوات الأمن الداخلي ثلاثة شبان في مدينة الرقة، اليوم الإثنين، خلال حملة مداهمات في أحياء المدينة.";
const BOMB_NEAR_MAYADIN: &str = "انفجرت عبوة ناسفة بسيارة عسكرية في مدينة الميادين، مساء اليوم الثلاثاء، ما أدى إلى إصابة جنديين بجروح.";
const CLASH_AT_BUKAMAL: &str = "اندلعت اشتباكات عنيفة بين مسلحين مجهولين وعناصر حاجز أمني في مدينة البوكمال، ليل اليوم الأربعاء، وأسفرت عن مقتل أحد المسلحين.";

/// What the receiver was sent: (idempotency key, event), for bodies whose
/// signature checked; and how many did not check.
#[derive(Default)]
struct Received {
    good: Vec<(String, String)>,
    bad: usize,
}

/// A webhook receiver on `port` that checks each delivery's signature
/// with `secret`, as a user's would, on a thread of its own.
fn receiver(port: u16, secret: String) -> Arc<Mutex<Received>> {
    use axum::body::Bytes;
    use axum::http::{HeaderMap, StatusCode};
    let got = Arc::new(Mutex::new(Received::default()));
    let keep = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let got = keep.clone();
            let secret = secret.clone();
            async move {
                let signature = headers
                    .get("Marsad-Signature")
                    .and_then(|h| h.to_str().ok())
                    .unwrap_or("");
                let now = chrono::Utc::now().timestamp();
                if !marsad_alerts::sign::verify(&secret, signature, &body, now, 300) {
                    got.lock().unwrap().bad += 1;
                    return StatusCode::UNAUTHORIZED;
                }
                let v: Value = serde_json::from_slice(&body).unwrap();
                assert_eq!(
                    headers.get("Idempotency-Key").and_then(|h| h.to_str().ok()),
                    v["idempotency_key"].as_str()
                );
                assert_eq!(v["incident"]["type"], "Feature", "{v}");
                got.lock().unwrap().good.push((
                    v["idempotency_key"].as_str().unwrap().to_string(),
                    v["event"].as_str().unwrap().to_string(),
                ));
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    got
}

/// A port nothing listens on (yet).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn server(db: &str) -> Server {
    Server::start(
        db,
        &[
            "--token",
            TOKEN,
            "--webhook-allow",
            "127.0.0.1/32",
            "--webhook-retry",
            "0.2",
        ],
    )
}

fn post_article(c: &Client, s: &Server, text: &str, published: &str) -> Vec<String> {
    let r = c
        .post(s.url(&format!("/api/v1/articles?published={published}")))
        .bearer_auth(TOKEN)
        .header("Content-Type", "text/plain")
        .body(text.to_string())
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
    let v: Value = r.json().unwrap();
    v["incidents_new"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap().to_string())
        .collect()
}

fn wait_for(what: &str, timeout: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < timeout, "waited {timeout:?} for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn alerts_end_to_end(db: &str, dir: &std::path::Path) {
    let c = Client::new();
    let port = free_port();
    let first = server(db);
    // A security officer's office at Al-Mayadin, 20 km; every incident.
    let made = c
        .post(first.url("/api/v1/alerts"))
        .bearer_auth(TOKEN)
        .json(&json!({
            "name": "مكتب الميادين",
            "area": {"kind": "circle", "lat": 35.0167, "lon": 40.4525, "radius_km": 20},
            "webhook_url": format!("http://127.0.0.1:{port}/hook"),
        }))
        .send()
        .unwrap();
    assert_eq!(made.status(), 201);
    let alert: Value = made.json().unwrap();
    let id = alert["id"].as_str().unwrap().to_string();
    let secret = alert["webhook_secret"].as_str().unwrap().to_string();
    let feed_url = alert["feed_url"].as_str().unwrap().to_string();

    // The receiver is down: the strike at Al-Mayadin matches, its
    // delivery fails and is retried; the arrests at Raqqa do not match.
    let strike = post_article(&c, &first, STRIKE_AT_MAYADIN, "2026-11-30");
    let raqqa = post_article(&c, &first, ARRESTS_IN_RAQQA, "2026-11-30");
    assert_eq!((strike.len(), raqqa.len()), (1, 1));
    let matches = first.url(&format!("/api/v1/alerts/{id}/matches"));
    wait_for("a failed try", Duration::from_secs(20), || {
        let m: Value = c
            .get(&matches)
            .bearer_auth(TOKEN)
            .send()
            .unwrap()
            .json()
            .unwrap();
        m[0]["attempts"].as_u64().unwrap_or(0) >= 2
    });
    let m: Value = c
        .get(&matches)
        .bearer_auth(TOKEN)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(m.as_array().unwrap().len(), 1, "{m}");
    assert_eq!(m[0]["delivery"], "pending", "{m}");
    assert!(
        m[0]["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("connect")),
        "{m}"
    );

    // The server stops; meanwhile another writer stores a bomb at
    // Al-Mayadin straight into the database.
    drop(first);
    let file = dir.join("bomb.txt");
    std::fs::write(&file, BOMB_NEAR_MAYADIN).unwrap();
    let out = run(&[
        "ingest",
        "--db",
        db,
        "--published",
        "2026-12-01",
        file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The receiver comes up, and the server again: both incidents arrive,
    // once each, signed; nothing for Raqqa.
    let got = receiver(port, secret);
    let second = server(db);
    wait_for("two deliveries", Duration::from_secs(30), || {
        got.lock().unwrap().good.len() >= 2
    });
    // Anything sent twice would come within a few retry periods.
    std::thread::sleep(Duration::from_secs(2));
    let received = got.lock().unwrap();
    assert_eq!(received.bad, 0);
    let mut keys: BTreeMap<String, usize> = BTreeMap::new();
    for (k, event) in &received.good {
        assert_eq!(event, "new");
        *keys.entry(k.clone()).or_default() += 1;
    }
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert!(keys.values().all(|&n| n == 1), "sent twice: {keys:?}");
    assert!(keys.contains_key(&format!("{}:1", strike[0])), "{keys:?}");
    assert!(!keys.keys().any(|k| k.starts_with(&raqqa[0])), "{keys:?}");
    drop(received);
    let m: Value = c
        .get(second.url(&format!("/api/v1/alerts/{id}/matches")))
        .bearer_auth(TOKEN)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(
        m.as_array()
            .unwrap()
            .iter()
            .all(|m| m["delivery"] == "delivered"),
        "{m}"
    );

    // A reviewer verifies the strike, then an editor corrects its toll:
    // each is told again, as `verified` then `updated`, under the
    // incident's new version.
    let review = c
        .post(second.url(&format!("/api/v1/incidents/{}/review", strike[0])))
        .bearer_auth(TOKEN)
        .json(&json!({"decision": "verify"}))
        .send()
        .unwrap();
    assert_eq!(review.status(), 200);
    wait_for("the verified event", Duration::from_secs(20), || {
        got.lock().unwrap().good.len() >= 3
    });
    let corrected = c
        .patch(second.url(&format!("/api/v1/incidents/{}", strike[0])))
        .bearer_auth(TOKEN)
        .json(&json!({"killed": 5}))
        .send()
        .unwrap();
    assert_eq!(corrected.status(), 200);
    wait_for("the updated event", Duration::from_secs(20), || {
        got.lock().unwrap().good.len() >= 4
    });
    let later: Vec<(String, String)> = got.lock().unwrap().good[2..].to_vec();
    assert_eq!(
        later,
        [
            (format!("{}:2", strike[0]), "verified".to_string()),
            (format!("{}:3", strike[0]), "updated".to_string()),
        ]
    );

    // The Atom feed, read back by a feed parser: every match, each with a
    // GeoRSS point near Al-Mayadin.
    let xml = c.get(second.url(&feed_url)).send().unwrap().text().unwrap();
    let feed = feed_rs::parser::parse(xml.as_bytes()).unwrap();
    assert_eq!(feed.entries.len(), 4, "{xml}");
    assert!(feed.title.unwrap().content.contains("مكتب الميادين"));
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let points: Vec<(f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name(("http://www.georss.org/georss", "point")))
        .map(|n| {
            let t: Vec<f64> = n
                .text()
                .unwrap()
                .split(' ')
                .map(|x| x.parse().unwrap())
                .collect();
            (t[0], t[1])
        })
        .collect();
    assert_eq!(points.len(), 4, "{xml}");
    assert!(
        points
            .iter()
            .all(|(lat, lon)| (lat - 35.0).abs() < 0.2 && (lon - 40.45).abs() < 0.2),
        "{points:?}"
    );
    // A wrong key reads nothing.
    let wrong = feed_url.replace("key=", "key=0");
    assert_eq!(c.get(second.url(&wrong)).send().unwrap().status(), 404);

    // The live stream of a second replica tells of an incident the first
    // stores.
    let replica = server(db);
    let stream = Client::builder()
        .timeout(None)
        .build()
        .unwrap()
        .get(replica.url("/api/v1/stream?type=armed_clash"))
        .send()
        .unwrap();
    assert_eq!(stream.status(), 200);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stream);
        let mut line = String::new();
        while lines.read_line(&mut line).unwrap_or(0) > 0 {
            if let Some(data) = line.trim().strip_prefix("data: ") {
                let _ = tx.send((Instant::now(), data.to_string()));
            }
            line.clear();
        }
    });
    // Only a clash passes the stream's filter: the article before is not.
    post_article(
        &c,
        &second,
        STRIKE_AT_MAYADIN.replace("الإثنين", "الخميس").as_str(),
        "2026-12-03",
    );
    let posted = Instant::now();
    let clash = post_article(&c, &second, CLASH_AT_BUKAMAL, "2026-12-02");
    let (at, data) = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("a stream event");
    let v: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(v["id"].as_str(), clash.first().map(String::as_str), "{v}");
    assert_eq!(v["properties"]["type"], "armed_clash");
    eprintln!(
        "live stream: the other replica told of the incident {:?} after it was posted",
        at.duration_since(posted)
    );
}

#[test]
fn alerts_are_delivered_once_through_outages_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db").display().to_string();
    alerts_end_to_end(&db, dir.path());
}

#[test]
fn alerts_are_delivered_once_through_outages_on_postgres() {
    let Some(db) = postgres_database() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    alerts_end_to_end(&db, dir.path());
}

#[test]
fn one_user_may_not_read_or_change_another_users_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db").display().to_string();
    let token = |name: &str, role: &str| {
        let out = run(&["users", "add", name, "--role", role, "--db", &db]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .find(|w| w.starts_with("mrsd_"))
            .unwrap()
            .to_string()
    };
    let (huda, omar, admin) = (
        token("huda", "viewer"),
        token("omar", "editor"),
        token("root", "admin"),
    );
    let s = Server::start(&db, &[]);
    let c = Client::new();
    let made: Value = c
        .post(s.url("/api/v1/alerts"))
        .bearer_auth(&huda)
        .json(
            &json!({"name": "road", "area": {"kind": "shape", "buffer_km": 2,
            "geometry": {"type": "LineString", "coordinates": [[40.14, 35.33], [40.45, 35.02]]}}}),
        )
        .send()
        .unwrap()
        .json()
        .unwrap();
    let one = s.url(&format!("/api/v1/alerts/{}", made["id"].as_str().unwrap()));
    // Another user: 403 on every verb; their own list is empty.
    assert_eq!(c.get(&one).bearer_auth(&omar).send().unwrap().status(), 403);
    assert_eq!(
        c.patch(&one)
            .bearer_auth(&omar)
            .json(&json!({"name": "x"}))
            .send()
            .unwrap()
            .status(),
        403
    );
    assert_eq!(
        c.delete(&one).bearer_auth(&omar).send().unwrap().status(),
        403
    );
    let theirs: Value = c
        .get(s.url("/api/v1/alerts"))
        .bearer_auth(&omar)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(theirs, json!([]));
    assert_eq!(
        c.get(s.url("/api/v1/alerts?owner=huda"))
            .bearer_auth(&omar)
            .send()
            .unwrap()
            .status(),
        403
    );
    // An admin may.
    let all: Value = c
        .get(s.url("/api/v1/alerts?owner=*"))
        .bearer_auth(&admin)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(all.as_array().unwrap().len(), 1);
    assert_eq!(
        c.patch(&one)
            .bearer_auth(&admin)
            .json(&json!({"name": "convoy road"}))
            .send()
            .unwrap()
            .status(),
        200
    );
    // The owner sees the change, and removes it.
    let mine: Value = c
        .get(&one)
        .bearer_auth(&huda)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(mine["name"], "convoy road");
    assert_eq!(
        c.delete(&one).bearer_auth(&huda).send().unwrap().status(),
        204
    );
    assert_eq!(c.get(&one).bearer_auth(&huda).send().unwrap().status(), 404);
}

#[test]
fn bad_alerts_are_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db").display().to_string();
    let s = Server::start(&db, &["--token", TOKEN]);
    let c = Client::new();
    let circle = |km: f64| json!({"kind": "circle", "lat": 35.0, "lon": 40.4, "radius_km": km});
    let cases = [
        (
            json!({"name": "x", "area": circle(0.0)}),
            400,
            "area.radius_km",
        ),
        (
            json!({"name": "x", "area": circle(500.5)}),
            400,
            "area.radius_km",
        ),
        (
            json!({"name": "x", "area": {"kind": "circle", "lat": 95, "lon": 40, "radius_km": 5}}),
            400,
            "area.lat",
        ),
        // In range, but not usable as given: 422.
        (
            json!({"name": "x", "area": {"kind": "bbox", "bbox": [41, 34, 40, 35]}}),
            422,
            "area.bbox",
        ),
        (
            json!({"name": "x", "area": {"kind": "shape", "geometry": {"type": "Polygon",
            "coordinates": [[[40, 34], [41, 35], [41, 34], [40, 35], [40, 34]]]}}}),
            422,
            "area.geometry",
        ),
        (
            json!({"name": "x", "area": {"kind": "shape", "geometry": {"type": "Polygon", "coordinates": "no"}}}),
            422,
            "area",
        ),
        (
            json!({"name": "x", "area": {"kind": "shape", "geometry": {"type": "LineString",
            "coordinates": [[40, 34], [41, 35]]}}}),
            422,
            "area.buffer_km",
        ),
        (json!({"name": "", "area": circle(5.0)}), 400, "name"),
        (json!({"name": "  ", "area": circle(5.0)}), 422, "name"),
        (
            json!({"name": "x", "area": circle(5.0), "filters": {"min_confidence": 2}}),
            400,
            "filters.min_confidence",
        ),
        (
            // Below zero by less than an f32 can tell.
            json!({"name": "x", "area": circle(5.0), "filters": {"min_confidence": -1.6e-84}}),
            400,
            "filters.min_confidence",
        ),
        (
            json!({"name": "x", "area": circle(5.0), "filters": {"types": ["picnic"]}}),
            400,
            "filters",
        ),
        (
            json!({"name": "x", "area": {"kind": "place", "place_id": "no:such", "radius_km": 5}}),
            422,
            "area.place_id",
        ),
        (
            json!({"name": "x", "area": circle(5.0), "webhook_url": "http://127.0.0.1:9/hook"}),
            422,
            "webhook.url",
        ),
        (
            json!({"name": "x", "area": circle(5.0), "webhook_url": "http://169.254.169.254/latest"}),
            422,
            "webhook.url",
        ),
        (
            json!({"name": "x", "area": circle(5.0), "webhook_url": "file:///etc/passwd"}),
            422,
            "webhook.url",
        ),
    ];
    for (body, status, field) in cases {
        let r = c
            .post(s.url("/api/v1/alerts"))
            .bearer_auth(TOKEN)
            .json(&body)
            .send()
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "{body}");
        let v: Value = r.json().unwrap();
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(field), "{body}: {message}");
    }
    // Nothing was stored.
    let list: Value = c
        .get(s.url("/api/v1/alerts"))
        .bearer_auth(TOKEN)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(list, json!([]));
    // Without a token: 401.
    assert_eq!(
        c.post(s.url("/api/v1/alerts"))
            .json(&json!({}))
            .send()
            .unwrap()
            .status(),
        401
    );
}

#[test]
fn the_command_line_adds_lists_tests_and_removes_alerts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db").display().to_string();
    let article = dir.path().join("bomb.txt");
    std::fs::write(&article, BOMB_NEAR_MAYADIN).unwrap();
    assert!(run(&[
        "ingest",
        "--db",
        &db,
        "--published",
        "2026-12-01",
        article.to_str().unwrap()
    ])
    .status
    .success());
    // A road from Deir ez-Zor to Al-Mayadin, 3 km either side, for bombs,
    // posting to a local receiver.
    let road = dir.path().join("road.json");
    std::fs::write(
        &road,
        r#"{"type":"LineString","coordinates":[[40.14,35.33],[40.45,35.02]]}"#,
    )
    .unwrap();
    let port = free_port();
    let hook = format!("http://127.0.0.1:{port}/hook");
    let add = run(&[
        "alerts",
        "add",
        "--db",
        &db,
        "--name",
        "convoy road",
        "--geojson",
        road.to_str().unwrap(),
        "--buffer",
        "3",
        "--type",
        "ied_explosion",
        "--webhook",
        &hook,
        "--webhook-allow",
        "127.0.0.1/32",
    ]);
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let id = String::from_utf8_lossy(&add.stdout).trim().to_string();
    let stderr = String::from_utf8_lossy(&add.stderr);
    let secret = stderr
        .lines()
        .find_map(|l| l.split("): ").nth(1))
        .unwrap()
        .trim()
        .to_string();
    let list = run(&["alerts", "list", "--db", &db]);
    assert!(String::from_utf8_lossy(&list.stdout)
        .contains(&format!("{id}\tadmin\tconvoy road\tLineString + 3 km")));
    // `test` lists the stored bomb and posts a signed test delivery.
    let got = receiver(port, secret);
    let test = run(&[
        "alerts",
        "test",
        &id,
        "--db",
        &db,
        "--webhook-allow",
        "127.0.0.1",
    ]);
    assert!(
        test.status.success(),
        "{}",
        String::from_utf8_lossy(&test.stderr)
    );
    assert!(String::from_utf8_lossy(&test.stdout).contains("ied_explosion"));
    let received = got.lock().unwrap();
    assert_eq!((received.good.len(), received.bad), (1, 0));
    assert_eq!(received.good[0], ("test".to_string(), "test".to_string()));
    drop(received);
    // Bad input: one line, exit 1, nothing stored.
    for bad in [
        vec!["--circle", "35,40,600"],
        vec!["--circle", "35,40"],
        vec!["--bbox", "41,34,40,35"],
        vec!["--geojson", road.to_str().unwrap()],
        vec!["--circle", "35,40,5", "--webhook", "http://10.0.0.1/x"],
    ] {
        let mut args = vec!["alerts", "add", "--db", &db, "--name", "x"];
        args.extend(bad.iter().copied());
        let out = run(&args);
        assert_eq!(out.status.code(), Some(1), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("marsad: error: ") && err.trim().lines().count() == 1,
            "{bad:?}: {err}"
        );
    }
    assert_eq!(
        String::from_utf8_lossy(&run(&["alerts", "list", "--db", &db]).stdout)
            .lines()
            .count(),
        1
    );
    assert!(run(&["alerts", "rm", &id, "--db", &db]).status.success());
    assert_eq!(
        run(&["alerts", "rm", &id, "--db", &db]).status.code(),
        Some(1)
    );
}

#[test]
fn a_copy_carries_alerts_and_their_matches_and_matches_nothing_again() {
    let dir = tempfile::tempdir().unwrap();
    let from = dir.path().join("m.db").display().to_string();
    let add = run(&[
        "alerts",
        "add",
        "--db",
        &from,
        "--name",
        "office",
        "--circle",
        "35.0167,40.4525,20",
    ]);
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let id = String::from_utf8_lossy(&add.stdout).trim().to_string();
    let s = Server::start(&from, &["--token", TOKEN]);
    let c = Client::new();
    post_article(&c, &s, STRIKE_AT_MAYADIN, "2026-11-30");
    let matches = |s: &Server| -> Value {
        c.get(s.url(&format!("/api/v1/alerts/{id}/matches")))
            .bearer_auth(TOKEN)
            .send()
            .unwrap()
            .json()
            .unwrap()
    };
    wait_for("the match", Duration::from_secs(10), || {
        matches(&s).as_array().unwrap().len() == 1
    });
    drop(s);
    let mut stores = vec![dir.path().join("copy.db").display().to_string()];
    stores.extend(postgres_database());
    for to in stores {
        let out = run(&["db", "copy", "--from", &from, "--to", &to]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stderr).contains("copied 1 alert(s) and 1 match(es)"));
        let copy = Server::start(&to, &["--token", TOKEN]);
        // The copied incident is not a new change: still the one match.
        std::thread::sleep(Duration::from_millis(1500));
        let m = matches(&copy);
        assert_eq!(m.as_array().unwrap().len(), 1, "{to}: {m}");
        assert_eq!(m[0]["event"], "new");
    }
}

//! The HTTP API over real HTTP: `marsad serve` on port 0, with the example
//! articles ingested.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

mod support;

use reqwest::blocking::Client;
use serde_json::Value;
use support::{check_rfc7946, postgres_database, Server};

fn get(c: &Client, url: &str) -> (u16, Value) {
    let r = c.get(url).send().unwrap();
    let status = r.status().as_u16();
    let text = r.text().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{url}: not JSON: {text:.200}")),
    )
}

/// A server with the examples ingested, on SQLite, or on a fresh PostgreSQL
/// database when `MARSAD_TEST_API_BACKEND=postgres` (`./scripts/test` runs
/// this suite both ways).
fn examples_server(extra: &[&str]) -> (tempfile::TempDir, Server) {
    let (dir, db, server) = examples_server_at(extra);
    drop(db);
    (dir, server)
}

/// [`examples_server`], and where its store is (a file or a URL).
fn examples_server_at(extra: &[&str]) -> (tempfile::TempDir, String, Server) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["--examples"];
    args.extend_from_slice(extra);
    let db = match std::env::var("MARSAD_TEST_API_BACKEND").as_deref() {
        Ok("postgres") => postgres_database().expect("MARSAD_TEST_POSTGRES for the PostgreSQL run"),
        _ => dir.path().join("m.db").display().to_string(),
    };
    let server = Server::start(&db, &args);
    (dir, db, server)
}

/// Feature ids of a collection.
fn ids(fc: &Value) -> Vec<Value> {
    fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].clone())
        .collect()
}

// Each route's answers are specified in-process (crates/server/tests/router.rs);
// these tests keep what needs the real process: the examples ingested at
// start-up, sockets, absolute links, body limits on the wire and GDAL.

#[test]
fn the_examples_are_served_filtered_and_paged() {
    let (_dir, s) = examples_server(&[]);
    let c = Client::new();

    let (st, v) = get(&c, &s.url("/healthz"));
    assert_eq!(st, 200);
    assert!(v["incidents"].as_u64().unwrap() >= 20, "{v}");

    let (st, fc) = get(&c, &s.url("/api/v1/incidents?limit=5"));
    assert_eq!(st, 200);
    assert_eq!(fc["numberReturned"], 5);
    assert!(fc["numberMatched"].as_u64().unwrap() >= 20);
    let lon = fc["features"][0]["geometry"]["coordinates"][0]
        .as_f64()
        .unwrap();
    assert!((35.0..43.0).contains(&lon), "lon first: {lon}");

    let (_, drones) = get(&c, &s.url("/api/v1/incidents?type=drone_strike"));
    assert!(drones["features"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["properties"]["type"] == "drone_strike"));
    let (_, dated) = get(
        &c,
        &s.url("/api/v1/incidents?since=2023-01-01&until=2023-12-31&limit=10000"),
    );
    for f in dated["features"].as_array().unwrap() {
        let d = f["properties"]["date"].as_str().unwrap();
        assert!(("2023-01-01"..="2023-12-31").contains(&d), "{d}");
    }
    let (_, sdf) = get(&c, &s.url("/api/v1/incidents?actor=sdf"));
    assert!(!sdf["features"].as_array().unwrap().is_empty());

    // Pages of 7 put together are the whole list, in the same order.
    let (_, all) = get(&c, &s.url("/api/v1/incidents?limit=10000"));
    let mut paged = Vec::new();
    for page in 0..100 {
        let (_, p) = get(
            &c,
            &s.url(&format!("/api/v1/incidents?limit=7&offset={}", page * 7)),
        );
        if p["features"].as_array().unwrap().is_empty() {
            break;
        }
        paged.extend(ids(&p));
    }
    assert_eq!(paged, ids(&all));
}

#[test]
fn radius_by_arabic_place_name_is_nearest_first() {
    let (_dir, s) = examples_server(&[]);
    let c = Client::new();
    let (st, near) = get(
        &c,
        &s.url("/api/v1/incidents/near?place=%D8%A7%D9%84%D8%A8%D9%88%D9%83%D9%85%D8%A7%D9%84&radius_km=25"),
    );
    assert_eq!(st, 200);
    let d: Vec<f64> = near["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["distance_km"].as_f64().unwrap())
        .collect();
    assert!(
        !d.is_empty() && d.windows(2).all(|w| w[0] <= w[1]) && d.iter().all(|x| *x <= 25.0),
        "{d:?}"
    );
}

#[test]
fn downloads_are_valid_rfc7946_and_acled_csv() {
    let (dir, s) = examples_server(&[]);
    let c = Client::new();
    let save = |url: &str, name: &str| {
        let r = c.get(s.url(url)).send().unwrap();
        assert_eq!(r.status(), 200, "{url}");
        assert_eq!(r.headers()["content-type"], "application/geo+json");
        let path = dir.path().join(name);
        std::fs::write(&path, r.bytes().unwrap()).unwrap();
        check_rfc7946(&path);
    };
    for layer in ["all", "airstrike", "places"] {
        save(
            &format!("/api/v1/layers/{layer}.geojson"),
            &format!("{layer}.geojson"),
        );
    }
    save("/api/v1/export.geojson?type=raid_arrest", "export.geojson");

    let csv = c
        .get(s.url("/api/v1/export.csv?type=raid_arrest"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(&rows.headers().unwrap()[3], "sub_event_type");
    let recs: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert!(!recs.is_empty());
    assert!(recs.iter().all(|r| &r[3] == "Arrests"));
}

#[test]
fn ogc_links_are_absolute_and_lead_to_the_next_page() {
    let (_dir, s) = examples_server(&[]);
    let c = Client::new();
    let (_, items) = get(&c, &s.url("/ogc/collections/incidents/items?limit=3"));
    assert_eq!(items["numberReturned"], 3);
    let next = items["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "next")
        .unwrap()["href"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(next.starts_with(&s.base), "{next}");
    // A walk's pages grow along its next links (GDAL 3.6 asks 10 a page);
    // `self` keeps the size asked.
    assert!(next.contains("limit=6&"), "{next}");
    let own = items["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "self")
        .unwrap();
    assert!(own["href"].as_str().unwrap().contains("limit=3&"), "{own}");
    let (_, page2) = get(&c, &next);
    let matched = items["numberMatched"].as_u64().unwrap();
    assert_eq!(
        page2["numberReturned"].as_u64().unwrap(),
        (matched - 3).min(6)
    );
    assert!(ids(&page2).iter().all(|id| !ids(&items).contains(id)));
}

#[test]
fn an_article_posted_over_http_is_on_the_map_at_once() {
    let (_dir, s) = examples_server(&["--token", "s3cret"]);
    let c = Client::new();
    let text =
        "قصفت طائرات مسيرة مجهولة مقرا للفصائل في بلدة هجين فجر أمس الأحد، ما أدى إلى مقتل عنصرين.";
    let body = serde_json::json!({"url": "https://example.test/hajin", "published": "2024-06-03", "text": text}).to_string();
    let r = c
        .post(s.url("/api/v1/articles"))
        .bearer_auth("s3cret")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);
    let (_, near) = get(
        &c,
        &s.url("/api/v1/incidents/near?lat=34.69&lon=40.83&radius_km=2&since=2024-06-02"),
    );
    assert_eq!(near["numberMatched"], 1, "indexed at once: {near}");
}

#[test]
fn bad_writes_over_http_get_a_precise_error_and_lose_nothing() {
    let (_dir, s) = examples_server(&["--token", "t0ken", "--max-body", "2000"]);
    let c = Client::new();
    let post = |auth: Option<&str>, ctype: &str, body: Vec<u8>| {
        let mut r = c
            .post(s.url("/api/v1/articles"))
            .header("content-type", ctype)
            .body(body);
        if let Some(t) = auth {
            r = r.bearer_auth(t);
        }
        let r = r.send().unwrap();
        let status = r.status().as_u16();
        (status, r.json::<Value>().unwrap()["error"]["code"].clone())
    };
    let before = get(&c, &s.url("/healthz")).1["incidents"].clone();
    for (auth, ctype, body, status, code) in [
        (
            None,
            "text/plain",
            "قصف".as_bytes().to_vec(),
            401,
            "unauthorized",
        ),
        (
            Some("wrong"),
            "text/plain",
            "قصف".as_bytes().to_vec(),
            401,
            "unauthorized",
        ),
        (
            Some("t0ken"),
            "text/plain",
            b"\xd8\xa7\xff\xfe".to_vec(),
            400,
            "invalid_utf8",
        ),
        (
            Some("t0ken"),
            "text/plain",
            vec![b'a'; 5000],
            413,
            "payload_too_large",
        ),
        (
            Some("t0ken"),
            "application/json",
            b"{\"text\": 3}".to_vec(),
            400,
            "invalid_article",
        ),
    ] {
        assert_eq!(post(auth, ctype, body), (status, Value::from(code)));
    }
    assert_eq!(
        get(&c, &s.url("/healthz")).1["incidents"],
        before,
        "nothing half-written"
    );

    let (_d2, open) = examples_server(&[]);
    let r = c
        .post(open.url("/api/v1/articles"))
        .bearer_auth("anything")
        .header("content-type", "text/plain")
        .body("قصف")
        .send()
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[test]
fn radius_over_http_matches_brute_force_on_100k_incidents() {
    use geo::{Distance, Haversine, Point};
    use rand::{rngs::StdRng, Rng, SeedableRng};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.db");
    let mut rng = StdRng::seed_from_u64(42);
    let types = ["airstrike", "shelling", "raid_arrest", "armed_clash"];
    let article = marsad_model::Article {
        url: None,
        title: None,
        published: None,
        text: "synthetic".into(),
        format: marsad_model::Format::Text,
    };
    let records: Vec<marsad_model::Incident> = (0..100_000)
        .map(|i| marsad_model::Incident {
            id: format!("r{i:06}"),
            event_type: types[i % 4].parse().unwrap(),
            date: chrono::NaiveDate::from_ymd_opt(2015, 1, 1)
                .and_then(|d| d.checked_add_days(chrono::Days::new(rng.gen_range(0..3650)))),
            date_precision: marsad_model::DatePrecision::Day,
            date_text: None,
            place: Some(marsad_model::Place {
                id: format!("synthetic:{i}"),
                name_ar: String::new(),
                name_en: None,
                admin1: None,
                admin2: None,
                lat: rng.gen_range(32.0..38.0),
                lon: rng.gen_range(36.0..43.0),
            }),
            geo_precision: marsad_model::GeoPrecision::PLACE,
            actors: vec![],
            targets: vec![],
            people: vec![],
            counts: Default::default(),
            confidence: 0.8,
            source_count: 1,
            reported: None,
            sources: vec![],
            status: Default::default(),
        })
        .collect();
    let stored = {
        let mut store = marsad_store::Store::open(&db).unwrap();
        store.ingest(&article, &records).unwrap();
        store.all_incidents().unwrap()
    };
    assert!(stored.len() > 99_000);
    let s = Server::start(&db, &[]);
    let c = Client::new();
    for q in 0..200 {
        let (lat, lon) = (rng.gen_range(32.0..38.0), rng.gen_range(36.0..43.0));
        let radius = rng.gen_range(1.0..30.0);
        let ty = if q % 3 == 0 { Some(types[q % 4]) } else { None };
        let mut want: Vec<(f64, &str)> = stored
            .iter()
            .filter(|r| ty.is_none_or(|t| r.event_type.as_str() == t))
            .map(|r| {
                (
                    Haversine.distance(Point::new(lon, lat), {
                        let (la, lo) = r.lat_lon().unwrap();
                        Point::new(lo, la)
                    }) / 1000.0,
                    r.id.as_str(),
                )
            })
            .filter(|(d, _)| *d <= radius)
            .collect();
        want.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
        let url = format!(
            "/api/v1/incidents/near?lat={lat}&lon={lon}&radius_km={radius}&limit=10000{}",
            ty.map(|t| format!("&type={t}")).unwrap_or_default()
        );
        let (st, fc) = get(&c, &s.url(&url));
        assert_eq!(st, 200);
        let got: Vec<&str> = fc["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap())
            .collect();
        let want_ids: Vec<&str> = want.iter().map(|w| w.1).collect();
        assert_eq!(
            fc["numberMatched"].as_u64().unwrap() as usize,
            want.len(),
            "query {q}"
        );
        assert_eq!(got, want_ids, "query {q} at {lat},{lon} r={radius}");
    }
}

/// Posts an article (with token `t0ken`) to `server`; its status.
fn post_article(c: &Client, server: &Server, text: &str, published: &str) -> u16 {
    let body = serde_json::json!({"published": published, "text": text}).to_string();
    c.post(server.url("/api/v1/articles"))
        .bearer_auth("t0ken")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .unwrap()
        .status()
        .as_u16()
}

/// Seconds until `server` lists `n` incidents within 2 km of Hajin since
/// June 2024, or `None` after `limit` seconds.
fn seconds_until_listed(c: &Client, server: &Server, n: u64, limit: f64) -> Option<f64> {
    let start = std::time::Instant::now();
    while start.elapsed().as_secs_f64() < limit {
        let (_, near) = get(
            c,
            &server.url("/api/v1/incidents/near?lat=34.69&lon=40.83&radius_km=2&since=2024-06-01"),
        );
        if near["numberMatched"].as_u64() == Some(n) {
            return Some(start.elapsed().as_secs_f64());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    None
}

const HAJIN_STRIKE: &str =
    "قصفت طائرات مسيرة مجهولة مقرا للفصائل في بلدة هجين فجر أمس الأحد، ما أدى إلى مقتل عنصرين.";

#[test]
fn replicas_over_one_postgres_database_see_each_others_writes() {
    let Some(db) = postgres_database() else {
        return;
    };
    let a = Server::start(&db, &["--token", "t0ken"]);
    let b = Server::start(&db, &["--token", "t0ken"]);
    let c = Client::new();
    assert_eq!(get(&c, &b.url("/healthz")).1["database"], "postgres");
    assert_eq!(post_article(&c, &a, HAJIN_STRIKE, "2024-06-03"), 201);
    let took = seconds_until_listed(&c, &b, 1, 5.0).expect("the other replica lists it");
    eprintln!("seen by the other replica after {took:.3} s");
    assert!(took < 2.0, "seen by the other replica after {took:.2} s");
    // The same report through the other replica merges, on both.
    let again = HAJIN_STRIKE.replace("مجهولة", "");
    assert_eq!(post_article(&c, &b, &again, "2024-06-03"), 201);
    std::thread::sleep(std::time::Duration::from_millis(600));
    for s in [&a, &b] {
        let (_, near) = get(
            &c,
            &s.url("/api/v1/incidents/near?lat=34.69&lon=40.83&radius_km=2&since=2024-06-01"),
        );
        assert_eq!(near["numberMatched"], 1, "{near}");
        assert_eq!(
            near["features"][0]["properties"]["source_count"], 2,
            "{near}"
        );
    }
}

#[test]
fn a_replica_that_lost_the_database_rebuilds_its_index_and_goes_on() {
    let Some(db) = postgres_database() else {
        return;
    };
    let a = Server::start(&db, &["--token", "t0ken"]);
    let b = Server::start(&db, &["--token", "t0ken"]);
    let c = Client::new();
    let mut admin = postgres::Client::connect(&db, postgres::NoTls).unwrap();
    // Once both listen for changes (each server listens twice: its index
    // follower and its alert matcher)…
    let listening = |admin: &mut postgres::Client| -> i64 {
        admin
            .query_one(
                "SELECT count(*) FROM pg_stat_activity \
                 WHERE datname = current_database() AND query LIKE 'LISTEN%'",
                &[],
            )
            .unwrap()
            .get(0)
    };
    let start = std::time::Instant::now();
    while listening(&mut admin) < 4 && start.elapsed().as_secs() < 10 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(listening(&mut admin), 4, "two listeners per server");
    // …end every server session, as a database restart or failover would.
    let cut: i64 = admin
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(
        cut >= 6,
        "each server holds three or four sessions; cut {cut}"
    );
    // The first write after it is acknowledged, and the other replica,
    // having rebuilt its index, shows it.
    assert_eq!(post_article(&c, &a, HAJIN_STRIKE, "2024-06-03"), 201);
    let took = seconds_until_listed(&c, &b, 1, 5.0).expect("the other replica lists it");
    assert!(took < 2.0, "seen by the other replica after {took:.2} s");
    let (_, health) = get(&c, &b.url("/healthz"));
    assert!(health["resyncs"].as_u64() >= Some(1), "{health}");
}

#[test]
fn an_ingest_next_to_a_running_server_reaches_its_map() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let server = Server::start(&db, &[]);
    let c = Client::new();
    let file = dir.path().join("hajin.txt");
    std::fs::write(&file, HAJIN_STRIKE).unwrap();
    let out = support::run(&[
        "ingest",
        "--db",
        db.to_str().unwrap(),
        "--published",
        "2024-06-03",
        file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let took = seconds_until_listed(&c, &server, 1, 5.0).expect("the server lists it");
    assert!(took < 2.0, "after {took:.2} s");
}

/// Every incident the server lists, by id.
fn listed(c: &Client, server: &Server) -> Vec<String> {
    let (_, fc) = get(c, &server.url("/api/v1/incidents?limit=10000"));
    let mut ids: Vec<String> = ids(&fc).iter().map(|v| v.to_string()).collect();
    ids.sort();
    ids
}

/// The thread that follows the store waits with the store's lock held, and
/// took it again at once: the snapshot written at shutdown could wait for
/// it for ever, and SIGTERM never ended the server. A liveness bound, not a
/// speed test: a clean stop takes about a second.
#[test]
fn sigterm_stops_a_server_that_follows_its_store() {
    for _ in 0..3 {
        let (_dir, server) = examples_server(&[]);
        let c = Client::new();
        assert!(!listed(&c, &server).is_empty());
        // Let the follower go round a few times.
        std::thread::sleep(std::time::Duration::from_millis(800));
        assert!(
            server.stop_within(std::time::Duration::from_secs(30)),
            "marsad serve did not exit within 30 s of SIGTERM"
        );
    }
}

#[test]
fn a_restarted_server_reads_its_index_snapshot_and_never_a_damaged_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let snapshot = dir.path().join("m.db.index");
    let c = Client::new();
    let start = |name: &str, extra: &[&str]| {
        let log = std::fs::File::create(dir.path().join(name)).unwrap();
        Server::start_logging(&db, extra, &log)
    };
    let logged = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();

    // Built from the store, then written at shutdown.
    let first = start("1.log", &["--examples"]);
    let examples = listed(&c, &first);
    assert!(examples.len() >= 20);
    assert!(first.stop(), "a clean exit");
    assert!(logged("1.log").contains("index built from the store"));
    assert!(snapshot.exists(), "{}", logged("1.log"));

    // An article ingested while no server runs is caught up from the store.
    let file = dir.path().join("hajin.txt");
    std::fs::write(&file, HAJIN_STRIKE).unwrap();
    let db_arg = db.to_str().unwrap();
    let out = support::run(&[
        "ingest",
        "--db",
        db_arg,
        "--published",
        "2024-06-03",
        file.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let second = start("2.log", &[]);
    let now = listed(&c, &second);
    assert_eq!(now.len(), examples.len() + 1);
    assert!(second.stop());
    let log = logged("2.log");
    assert!(
        log.contains("index read from its snapshot") && log.contains("caught_up=1"),
        "{log}"
    );

    // Cut short: never read, the index is rebuilt and answers the same.
    let bytes = std::fs::read(&snapshot).unwrap();
    std::fs::write(&snapshot, &bytes[..bytes.len() / 3]).unwrap();
    let third = start("3.log", &[]);
    assert_eq!(listed(&c, &third), now);
    drop(third);
    let log = logged("3.log");
    assert!(
        log.contains("index snapshot not used") && log.contains("index built from the store"),
        "{log}"
    );

    // And with none kept, none is written or read.
    std::fs::remove_file(&snapshot).unwrap();
    let fourth = start("4.log", &["--no-index-snapshot"]);
    assert_eq!(listed(&c, &fourth), now);
    assert!(fourth.stop());
    assert!(!snapshot.exists());
}

#[test]
fn the_log_holds_no_token_query_or_article_text() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let token = "s3cret-t0ken-value";
    let server = Server::start_logging(dir.path().join("m.db"), &["--token", token], &log);
    let c = Client::new();
    let text = "داهمت دورية مشتركة منزلاً في بلدة الشحيل واعتقلت ثلاثة شبان صباح اليوم.";
    let r = c
        .post(server.url("/api/v1/articles?published=2024-05-02&title=secret-title"))
        .bearer_auth(token)
        .header("content-type", "text/plain")
        .body(text)
        .send()
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let wrong = c
        .post(server.url("/api/v1/articles"))
        .bearer_auth("a-guessed-token")
        .body("نص")
        .send()
        .unwrap();
    assert_eq!(wrong.status().as_u16(), 401);
    let (status, _) = get(
        &c,
        &server.url("/api/v1/incidents?bbox=40,34,41,35&since=2024-05-01"),
    );
    assert_eq!(status, 200);
    drop(server);
    let logged = std::fs::read_to_string(&log_path).unwrap();
    // The requests and the ingest were logged…
    assert!(
        logged.contains("/api/v1/articles") && logged.contains("ingested"),
        "{logged}"
    );
    // …but not what they carried.
    for secret in [
        token,
        "a-guessed-token",
        "secret-title",
        "bbox=40",
        "الشحيل",
        "داهمت",
    ] {
        assert!(!logged.contains(secret), "{secret:?} in the log:\n{logged}");
    }
}

#[test]
fn a_server_killed_while_taking_articles_keeps_every_one_it_acknowledged() {
    use rand::{rngs::StdRng, Rng, SeedableRng};
    use std::sync::atomic::{AtomicUsize, Ordering};
    let dir = tempfile::tempdir().unwrap();
    let mut dbs = vec![dir.path().join("m.db").to_str().unwrap().to_string()];
    dbs.extend(postgres_database());
    let places = ["البوكمال", "الميادين", "العشارة", "هجين", "الشحيل", "ذيبان"];
    for db in &dbs {
        let mut rng = StdRng::seed_from_u64(7);
        let next = std::sync::Arc::new(AtomicUsize::new(0));
        let taken = std::sync::Arc::new(AtomicUsize::new(0));
        let mut acknowledged: Vec<String> = Vec::new();
        for kill in 0..5 {
            let server = Server::start(db, &["--token", "t0ken", "--writes-per-second", "100000"]);
            let url = server.url("/api/v1/articles");
            // Two clients post new articles until the server goes away;
            // each keeps the ids of the articles answered 201.
            let posters: Vec<_> = (0..2)
                .map(|_| {
                    let (url, next, taken) = (url.clone(), next.clone(), taken.clone());
                    std::thread::spawn(move || {
                        let c = Client::builder()
                            .timeout(std::time::Duration::from_secs(10))
                            .build()
                            .unwrap();
                        let mut ids = Vec::new();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let text = format!(
                                "قصفت طائرات مسيرة مقراً في بلدة {} يوم {} من أيار {}، بحسب مصادر محلية (نشرة رقم {i}).",
                                places[i % places.len()],
                                1 + i % 28,
                                2000 + i / 28
                            );
                            let Ok(r) = c
                                .post(&url)
                                .bearer_auth("t0ken")
                                .header("content-type", "text/plain")
                                .body(text)
                                .send()
                            else {
                                return ids;
                            };
                            if r.status().as_u16() != 201 {
                                return ids;
                            }
                            let Ok(v) = r.json::<Value>() else {
                                return ids;
                            };
                            ids.push(v["article_id"].as_str().unwrap().to_string());
                            taken.fetch_add(1, Ordering::Relaxed);
                        }
                    })
                })
                .collect();
            // Once this server has taken an article (however loaded the
            // machine), at a moment of the clock's choosing: SIGKILL, in the
            // middle of posts.
            let start = (taken.load(Ordering::Relaxed), std::time::Instant::now());
            while taken.load(Ordering::Relaxed) == start.0 && start.1.elapsed().as_secs() < 60 {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            std::thread::sleep(std::time::Duration::from_millis(rng.gen_range(0..400)));
            drop(server);
            let before = acknowledged.len();
            for p in posters {
                acknowledged.extend(p.join().unwrap());
            }
            assert!(
                acknowledged.len() > before,
                "{db}, kill {kill}: no article was taken"
            );
            let location: marsad_store::Location = db.parse().unwrap();
            let store = marsad_store::Store::open(&location).unwrap();
            assert_eq!(store.integrity_check().unwrap(), "ok", "{db}, kill {kill}");
            for id in &acknowledged {
                assert!(
                    store.has_article(id).unwrap(),
                    "{db}, kill {kill}: article {id} was acknowledged but is missing"
                );
            }
            for i in store.incidents_with_sources().unwrap() {
                assert!(
                    !i.sources.is_empty(),
                    "{db}, kill {kill}: {} has no report",
                    i.id
                );
            }
        }
    }
}

/// A sample's value in Prometheus text, by name and labels; 0 if absent.
fn sample(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    let exposition = openmetrics_parser::prometheus::parse_prometheus(text)
        .unwrap_or_else(|e| panic!("not Prometheus text: {e:?}\n{text}"));
    let Some(family) = exposition.families.get(name) else {
        return 0.0;
    };
    family
        .iter_samples()
        .filter(|s| {
            let set = s.get_labelset().unwrap();
            labels
                .iter()
                .all(|(k, v)| set.get_label_value(k) == Some(*v))
        })
        .map(|s| match &s.value {
            openmetrics_parser::PrometheusValue::Counter(c) => c.value.as_f64(),
            openmetrics_parser::PrometheusValue::Gauge(g) => g.as_f64(),
            _ => 0.0,
        })
        .sum()
}

#[test]
fn metrics_are_scraped_from_their_own_address_as_prometheus_text() {
    let (_dir, s) = examples_server(&["--metrics-addr", "127.0.0.1:0", "--token", "t0ken"]);
    let metrics = s
        .printed("marsad: metrics on ")
        .expect("the metrics' address, printed before the listening line")
        .to_string();
    let c = Client::new();
    // Not on the public address.
    assert_eq!(
        c.get(s.url("/metrics")).send().unwrap().status().as_u16(),
        404
    );
    for _ in 0..3 {
        assert_eq!(get(&c, &s.url("/api/v1/stats/counts")).0, 200);
    }
    assert_eq!(get(&c, &s.url("/api/v1/incidents/none")).0, 404);
    let posted = c
        .post(s.url("/api/v1/articles"))
        .bearer_auth("t0ken")
        .header("content-type", "text/plain")
        .body("قصفت طائرة مسيرة موقعا عسكريا قرب مدينة الميادين فجر اليوم، ما أدى إلى مقتل عنصرين.")
        .send()
        .unwrap();
    assert_eq!(posted.status().as_u16(), 201);

    let scraped = c.get(&metrics).send().unwrap();
    assert_eq!(scraped.status().as_u16(), 200);
    let ctype = scraped.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(ctype.starts_with("text/plain; version=0.0.4"), "{ctype}");
    let text = scraped.text().unwrap();
    let counts = [
        ("route", "/api/v1/stats/counts"),
        ("method", "GET"),
        ("status", "200"),
    ];
    assert_eq!(
        sample(&text, "marsad_http_requests_total", &counts),
        3.0,
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "marsad_http_requests_total",
            &[("route", "/api/v1/incidents/{id}"), ("status", "404")]
        ),
        1.0,
        "{text}"
    );
    // The 21 examples at start-up and the article posted.
    assert_eq!(
        sample(
            &text,
            "marsad_articles_ingested_total",
            &[("outcome", "new")]
        ),
        22.0,
        "{text}"
    );
    assert!(
        sample(
            &text,
            "marsad_incidents_ingested_total",
            &[("outcome", "new")]
        ) >= 30.0,
        "{text}"
    );
    assert!(
        sample(&text, "marsad_index_incidents", &[]) >= 30.0,
        "{text}"
    );
    assert!(
        text.contains("marsad_http_request_duration_seconds_bucket{"),
        "{text}"
    );
    assert!(
        text.contains("# TYPE marsad_sync_lag_seconds gauge"),
        "{text}"
    );
    assert_eq!(sample(&text, "marsad_http_panics_total", &[]), 0.0);
}

/// Adds a user to the store at `db` with `marsad users add`; their token.
fn add_user(db: &str, name: &str, role: &str) -> String {
    let out = support::run(&["users", "add", name, "--role", role, "--db", db]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn each_role_may_do_what_it_may_and_no_more_over_http() {
    let (_dir, db, s) = examples_server_at(&["--token", "adm1n"]);
    let c = Client::new();
    let (_, page) = get(&c, &s.url("/api/v1/incidents?limit=1"));
    let id = page["features"][0]["id"].as_str().unwrap().to_string();
    let (_, one) = get(&c, &s.url(&format!("/api/v1/incidents/{id}")));
    let article_id = one["properties"]["sources"][0]["article_id"]
        .as_str()
        .unwrap()
        .to_string();
    let revoked = add_user(&db, "gone", "editor");
    assert!(support::run(&["users", "revoke", "gone", "--db", &db])
        .status
        .success());
    let callers = [
        ("anonymous", None),
        ("revoked", Some(revoked)),
        ("viewer", Some(add_user(&db, "omar", "viewer"))),
        ("reviewer", Some(add_user(&db, "sara", "reviewer"))),
        ("editor", Some(add_user(&db, "lina", "editor"))),
        ("admin", Some(add_user(&db, "rami", "admin"))),
        ("server token", Some("adm1n".to_string())),
    ];
    // Allowed (2xx; for a merge or split of nothing, the 422 past the
    // role's check), refused for the role (403), or not signed in (401).
    let want = |who: &str, least: &str, op: &str| -> &'static [u16] {
        let order = ["viewer", "reviewer", "editor", "admin", "server token"];
        match (
            order.iter().position(|r| *r == who),
            order.iter().position(|r| *r == least),
        ) {
            (None, _) => &[401],
            (Some(w), Some(l)) if w >= l && op.contains("nothing") => &[422],
            (Some(w), Some(l)) if w >= l => &[200, 201],
            _ => &[403],
        }
    };
    let text =
        "قصفت طائرة مسيّرة سيارة على طريق الميادين البوكمال صباح اليوم، ما أدى إلى مقتل شخصين.";
    let mut failures = Vec::new();
    for (who, token) in &callers {
        let with = |r: reqwest::blocking::RequestBuilder| match token {
            Some(t) => r.bearer_auth(t),
            None => r,
        };
        let review = s.url(&format!("/api/v1/incidents/{id}/review"));
        let history = s.url(&format!("/api/v1/incidents/{id}/history"));
        let article =
            serde_json::json!({"published": "2024-06-03", "text": format!("{text} ({who})")});
        let answers = [
            (
                "POST /articles",
                "editor",
                with(c.post(s.url("/api/v1/articles")).json(&article)),
            ),
            ("GET review", "viewer", with(c.get(&review))),
            (
                "POST review",
                "reviewer",
                with(
                    c.post(&review)
                        .json(&serde_json::json!({"decision": "verify"})),
                ),
            ),
            ("GET history", "viewer", with(c.get(&history))),
            ("GET me", "viewer", with(c.get(s.url("/api/v1/me")))),
            (
                "GET article",
                "viewer",
                with(c.get(s.url(&format!("/api/v1/articles/{article_id}")))),
            ),
            (
                "PATCH incident",
                "editor",
                with(
                    c.patch(s.url(&format!("/api/v1/incidents/{id}")))
                        .json(&serde_json::json!({"killed": 2})),
                ),
            ),
            (
                "POST merge into nothing",
                "editor",
                with(
                    c.post(s.url(&format!("/api/v1/incidents/{id}/merge")))
                        .json(&serde_json::json!({"into": "0000000000000000"})),
                ),
            ),
            (
                "POST split of nothing",
                "editor",
                with(
                    c.post(s.url(&format!("/api/v1/incidents/{id}/split")))
                        .json(&serde_json::json!({"article_id": article_id, "start": 999_999})),
                ),
            ),
        ];
        for (op, least, request) in answers {
            let r = request.send().unwrap();
            let status = r.status().as_u16();
            let body: Value = r.json().unwrap_or(Value::Null);
            if !want(who, least, op).contains(&status) {
                failures.push(format!("{who} {op}: {status} {body}"));
            } else if status >= 400 {
                let code = match status {
                    401 => "unauthorized",
                    403 => "forbidden",
                    _ if op.contains("merge") => "cannot_merge",
                    _ => "cannot_split",
                };
                if body["error"]["code"] != code {
                    failures.push(format!("{who} {op}: {body}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    // A reviewer reads the evidence in its article; no article, no answer.
    let read = |path: String| {
        let r = c.get(s.url(&path)).bearer_auth("adm1n").send().unwrap();
        (r.status().as_u16(), r.json::<Value>().unwrap())
    };
    let (status, stored) = read(format!("/api/v1/articles/{article_id}"));
    assert_eq!(status, 200);
    let evidence = one["properties"]["sources"][0]["evidence"]
        .as_str()
        .unwrap();
    assert!(
        stored["text"].as_str().unwrap().contains(evidence),
        "{stored}"
    );
    assert_eq!(stored["id"], article_id.as_str());
    let (status, missing) = read("/api/v1/articles/0000000000000000".into());
    assert_eq!(
        (status, &missing["error"]["code"]),
        (404, &Value::from("not_found")),
        "{missing}"
    );
    let (_, me) = read("/api/v1/me".into());
    assert_eq!(
        (&me["user"], &me["role"]),
        (&Value::from("admin"), &Value::from("admin"))
    );
    // Each decision is in the trail, by whom it was made, in order.
    let (status, trail) = {
        let r = c
            .get(s.url(&format!("/api/v1/incidents/{id}/history")))
            .bearer_auth("adm1n")
            .send()
            .unwrap();
        (r.status().as_u16(), r.json::<Value>().unwrap())
    };
    assert_eq!(status, 200);
    let users: Vec<&str> = trail
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["user"].as_str().unwrap())
        .collect();
    assert_eq!(
        users,
        ["sara", "lina", "lina", "rami", "rami", "admin", "admin"],
        "{trail}"
    );
    assert_eq!(trail[0]["before"]["status"], "unreviewed");
    assert_eq!(trail[0]["after"]["status"], "verified");
}

#[test]
fn two_reviewers_deciding_at_once_do_not_lose_a_decision_silently() {
    let (_dir, db, s) = examples_server_at(&[]);
    let c = Client::new();
    let (_, page) = get(&c, &s.url("/api/v1/incidents?limit=1"));
    let id = page["features"][0]["id"].as_str().unwrap().to_string();
    let (sara, omar) = (
        add_user(&db, "sara", "reviewer"),
        add_user(&db, "omar", "reviewer"),
    );
    let review = s.url(&format!("/api/v1/incidents/{id}/review"));
    let read = c.get(&review).bearer_auth(&sara).send().unwrap();
    let etag = read.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(etag, "\"1\"");
    let decide = |token: &str, body: Value| {
        let r = c
            .post(&review)
            .bearer_auth(token)
            .header("if-match", &etag)
            .json(&body)
            .send()
            .unwrap();
        (r.status().as_u16(), r.json::<Value>().unwrap())
    };
    let (first, _) = decide(&sara, serde_json::json!({"decision": "verify"}));
    let (second, body) = decide(
        &omar,
        serde_json::json!({"decision": "reject", "reason": "duplicate"}),
    );
    assert_eq!((first, second), (200, 409), "{body}");
    assert_eq!(body["error"]["code"], "version_conflict");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("version 2"),
        "{body}"
    );
    // Bad decisions are refused, naming the field, and change nothing.
    for (bad, field, status) in [
        (serde_json::json!({"decision": "approve"}), "decision", 400),
        (
            serde_json::json!({"decision": "reject", "reason": "boring"}),
            "reason",
            400,
        ),
        (
            serde_json::json!({"decision": "verify", "extra": 1}),
            "extra",
            400,
        ),
        (serde_json::json!({"decision": "reject"}), "reason", 422),
        (
            serde_json::json!({"decision": "verify", "reason": "duplicate"}),
            "reason",
            422,
        ),
        (
            serde_json::json!({"decision": "reject", "reason": "other"}),
            "note",
            422,
        ),
    ] {
        let r = c
            .post(&review)
            .bearer_auth(&omar)
            .json(&bad)
            .send()
            .unwrap();
        assert_eq!(r.status().as_u16(), status, "{bad}");
        let body: Value = r.json().unwrap();
        assert!(
            body["error"]["message"].as_str().unwrap().contains(field),
            "{bad}: {body}"
        );
    }
    let now: Value = c
        .get(&review)
        .bearer_auth(&omar)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        (now["status"].as_str(), now["version"].as_u64()),
        (Some("verified"), Some(2))
    );
}

#[test]
fn with_public_verified_anonymous_readers_see_exactly_the_verified_incidents() {
    let (_dir, db, s) = examples_server_at(&["--token", "adm1n", "--public", "verified"]);
    let c = Client::new();
    let viewer = add_user(&db, "omar", "viewer");
    let signed = |path: &str| -> Value {
        c.get(s.url(path))
            .bearer_auth(&viewer)
            .send()
            .unwrap()
            .json()
            .unwrap()
    };
    let all = signed("/api/v1/incidents?limit=1000");
    let total = all["numberMatched"].as_u64().unwrap();
    assert!(total >= 3, "{all}");
    let ids: Vec<String> = all["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    // Nothing is verified yet: the public sees nothing, anywhere.
    let (_, page) = get(&c, &s.url("/api/v1/incidents"));
    assert_eq!(page["numberMatched"], 0, "{page}");
    // Verify one, reject another.
    let decide = |id: &str, body: Value| {
        let r = c
            .post(s.url(&format!("/api/v1/incidents/{id}/review")))
            .bearer_auth("adm1n")
            .json(&body)
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
    };
    decide(&ids[0], serde_json::json!({"decision": "verify"}));
    decide(
        &ids[1],
        serde_json::json!({"decision": "reject", "reason": "duplicate"}),
    );
    let public_counts = [
        ("/api/v1/incidents", "numberMatched"),
        (
            "/api/v1/incidents?status=unreviewed,rejected",
            "numberMatched",
        ),
        ("/ogc/collections/incidents/items", "numberMatched"),
        (
            "/ogc/collections/incidents/items?status=rejected",
            "numberMatched",
        ),
        ("/api/v1/stats/counts", "total"),
    ];
    for (path, field) in public_counts {
        let (status, v) = get(&c, &s.url(path));
        assert_eq!((status, v[field].as_u64()), (200, Some(1)), "{path}: {v}");
    }
    let (_, export) = get(&c, &s.url("/api/v1/export.geojson"));
    assert_eq!(export["features"].as_array().unwrap().len(), 1);
    assert_eq!(export["features"][0]["properties"]["status"], "verified");
    let (_, layer) = get(&c, &s.url("/api/v1/layers/all.geojson"));
    assert_eq!(layer["features"].as_array().unwrap().len(), 1, "{layer}");
    // One incident at a time: the unverified are, to the public, not there.
    assert_eq!(
        get(&c, &s.url(&format!("/api/v1/incidents/{}", ids[0]))).0,
        200
    );
    assert_eq!(
        get(&c, &s.url(&format!("/api/v1/incidents/{}", ids[1]))).0,
        404
    );
    assert_eq!(
        get(
            &c,
            &s.url(&format!("/ogc/collections/incidents/items/{}", ids[2]))
        )
        .0,
        404
    );
    // Signed in, everything, and the status filter as asked.
    assert_eq!(signed("/api/v1/incidents")["numberMatched"], total);
    assert_eq!(
        signed("/api/v1/incidents?status=rejected")["numberMatched"],
        1
    );
    assert_eq!(
        signed("/api/v1/incidents?status=unreviewed")["numberMatched"],
        total - 2
    );
    // Tiles too, whoever asked for the same tile first (its cache keys on
    // what the reader may see).
    let tile = s.url("/tiles/incidents/0/0/0.mvt");
    let signed_tile = c
        .get(&tile)
        .bearer_auth(&viewer)
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    let public_tile = c.get(&tile).send().unwrap().bytes().unwrap();
    assert!(
        public_tile.len() < signed_tile.len(),
        "{} vs {}",
        public_tile.len(),
        signed_tile.len()
    );
    // A wrong token is refused, not treated as the public.
    let r = c
        .get(s.url("/api/v1/incidents"))
        .bearer_auth("guess")
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[test]
fn an_editor_corrects_an_incident_and_the_correction_outlasts_a_later_report() {
    let (_dir, db, s) = examples_server_at(&["--token", "adm1n"]);
    let c = Client::new();
    let (lina, sara) = (
        add_user(&db, "lina", "editor"),
        add_user(&db, "sara", "reviewer"),
    );
    let post = |text: &str, url: &str| -> Value {
        let body = serde_json::json!({"url": url, "published": "2024-06-03", "text": text});
        let r = c
            .post(s.url("/api/v1/articles"))
            .bearer_auth(&lina)
            .json(&body)
            .send()
            .unwrap();
        assert_eq!(r.status(), 201);
        r.json().unwrap()
    };
    let first = post(
        "قصفت طائرة مسيرة مجهولة سيارة في بلدة هجين فجر أمس الأحد، ما أدى إلى مقتل عنصرين.",
        "https://one.example/hajin",
    );
    let id = first["incidents"]["features"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let item = s.url(&format!("/api/v1/incidents/{id}"));
    let patch = |token: &str, body: Value, if_match: Option<&str>| {
        let mut r = c.patch(&item).bearer_auth(token).json(&body);
        if let Some(v) = if_match {
            r = r.header("if-match", v);
        }
        let r = r.send().unwrap();
        let status = r.status().as_u16();
        let etag = r
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_string());
        (status, etag, r.json::<Value>().unwrap())
    };
    // A reviewer may not correct; bad fields are refused, naming them.
    assert_eq!(patch(&sara, serde_json::json!({"killed": 5}), None).0, 403);
    for (bad, field, status) in [
        (serde_json::json!({"killed": -1}), "killed", 400),
        (serde_json::json!({"type": "picnic"}), "type", 400),
        (serde_json::json!({"date": "2024-02-30"}), "date", 400),
        (
            serde_json::json!({"place_id": "nowhere:0"}),
            "place_id",
            422,
        ),
        (serde_json::json!({"lat": 34.7}), "lat", 422),
        (serde_json::json!({"lat": 95.0, "lon": 40.8}), "lat", 400),
        (serde_json::json!({}), "body", 422),
    ] {
        let (got, _, body) = patch(&lina, bad.clone(), None);
        assert_eq!(got, status, "{bad}: {body}");
        assert!(
            body["error"]["message"].as_str().unwrap().contains(field),
            "{bad}: {body}"
        );
    }
    // The correction: the toll, and the date's precision.
    let (status, etag, feature) = patch(
        &lina,
        serde_json::json!({"killed": 3, "date": "2024-06-02", "date_precision": "day"}),
        Some("\"1\""),
    );
    assert_eq!((status, etag.as_deref()), (200, Some("\"2\"")), "{feature}");
    assert_eq!(feature["properties"]["killed"], 3);
    assert_eq!(feature["properties"]["status"], "verified");
    // A second editor who read version 1 does not overwrite it.
    assert_eq!(
        patch(&lina, serde_json::json!({"killed": 4}), Some("\"1\"")).0,
        409
    );
    // Another outlet tells the same strike with another toll: a source more,
    // the correction stands.
    post(
        "استهدفت مسيرة سيارة في هجين بريف دير الزور الشرقي يوم الأحد، وقتل ثلاثة عناصر على الأقل.",
        "https://two.example/hajin",
    );
    let (_, now) = get(&c, &item);
    let p = &now["properties"];
    assert_eq!(
        (p["killed"].as_u64(), p["source_count"].as_u64()),
        (Some(3), Some(2)),
        "{now}"
    );
    // The trail: the edit, with the fields before and after.
    let trail: Value = c
        .get(s.url(&format!("/api/v1/incidents/{id}/history")))
        .bearer_auth(&sara)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(trail[0]["action"], "edit", "{trail}");
    assert_eq!(
        (
            trail[0]["before"]["killed"].as_u64(),
            trail[0]["after"]["killed"].as_u64()
        ),
        (Some(2), Some(3))
    );
    assert_eq!(trail[0]["after"]["review"]["status"], "verified");

    // Moved to another village by its gazetteer id: the point and names move.
    let (_, places) = get(
        &c,
        &s.url("/api/v1/places?q=%D8%A7%D9%84%D8%B4%D8%B9%D9%8A%D8%B7%D8%A7%D8%AA"),
    );
    let village = places["features"][0]["properties"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, _, moved) = patch(&lina, serde_json::json!({"place_id": village}), None);
    assert_eq!(status, 200, "{moved}");
    assert_eq!(moved["properties"]["place_id"], village.as_str());
    // And by a point clicked on the map.
    let (status, _, clicked) = patch(
        &lina,
        serde_json::json!({"lat": 34.71, "lon": 40.81, "geo_precision": 2}),
        None,
    );
    assert_eq!(status, 200, "{clicked}");
    assert_eq!(
        clicked["geometry"]["coordinates"],
        serde_json::json!([40.81, 34.71])
    );
    assert_eq!(clicked["properties"]["geo_precision"], 2);
    let (_, near) = get(
        &c,
        &s.url("/api/v1/incidents/near?lat=34.71&lon=40.81&radius_km=0.5"),
    );
    assert_eq!(
        near["numberMatched"], 1,
        "indexed where it was moved: {near}"
    );

    // Who did it to whom, and how exact the toll is.
    for (bad, field, status) in [
        (serde_json::json!({"actors": ["martians"]}), "actors", 422),
        (
            serde_json::json!({"targets": ["sdf", "nobody"]}),
            "targets",
            422,
        ),
        (
            serde_json::json!({"count_qualifiers": {"killed": "loads"}}),
            "count_qualifiers",
            400,
        ),
        (
            serde_json::json!({"count_qualifiers": {"wounded": "approx"}}),
            "count_qualifiers",
            400,
        ),
    ] {
        let (got, _, body) = patch(&lina, bad.clone(), None);
        assert_eq!(got, status, "{bad}: {body}");
        assert!(
            body["error"]["message"].as_str().unwrap().contains(field),
            "{bad}: {body}"
        );
    }
    let (status, _, parties) = patch(
        &lina,
        serde_json::json!({"actors": ["us_forces", "us_forces"], "targets": ["iran_backed"],
            "count_qualifiers": {"killed": "at_least"}}),
        None,
    );
    assert_eq!(status, 200, "{parties}");
    let p = &parties["properties"];
    assert_eq!(p["actors"][0]["id"], "us_forces");
    assert_eq!(p["actors"].as_array().unwrap().len(), 1, "each actor once");
    assert_eq!(p["targets"][0]["name_en"], "Iran-backed militias");
    assert_eq!(p["count_qualifiers"]["killed"], "at_least");
    // The actor filter sees the correction at once.
    let (_, by_actor) = get(&c, &s.url("/api/v1/incidents?actor=us_forces&limit=100"));
    assert!(
        by_actor["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == id.as_str()),
        "{by_actor}"
    );
    let (_, catalogue) = get(&c, &s.url("/api/v1/actors"));
    assert!(catalogue
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == "us_forces" && a["kind"] == "foreign_state_force"));
}

#[test]
fn an_editor_merges_two_reports_of_one_event_and_splits_one_off_over_http() {
    let (_dir, db, s) = examples_server_at(&["--token", "adm1n"]);
    let c = Client::new();
    let lina = add_user(&db, "lina", "editor");
    let post = |text: &str, url: &str| -> (String, String, usize) {
        let body = serde_json::json!({"url": url, "published": "2024-06-03", "text": text});
        let r = c
            .post(s.url("/api/v1/articles"))
            .bearer_auth(&lina)
            .json(&body)
            .send()
            .unwrap();
        assert_eq!(r.status(), 201);
        let v: Value = r.json().unwrap();
        let id = v["incidents"]["features"][0]["id"].as_str().unwrap();
        let (_, f) = get(&c, &s.url(&format!("/api/v1/incidents/{id}")));
        let source = &f["properties"]["sources"][0];
        (
            id.to_string(),
            source["article_id"].as_str().unwrap().to_string(),
            source["start"].as_u64().unwrap() as usize,
        )
    };
    // One strike, placed 40 km apart by two outlets: two incidents.
    let (x, _, _) = post(
        "قصفت طائرة مسيرة مجهولة سيارة في بلدة هجين فجر أمس الأحد، ما أدى إلى مقتل عنصرين.",
        "https://one.example/strike",
    );
    let (y, y_article, y_start) = post(
        "استهدفت غارة جوية سيارة عسكرية قرب مدينة البوكمال يوم الأحد، وقتل ثلاثة عناصر.",
        "https://two.example/strike",
    );
    assert_ne!(x, y);
    let send = |path: String, body: Value, if_match: Option<&str>| {
        let mut r = c.post(s.url(&path)).bearer_auth(&lina).json(&body);
        if let Some(v) = if_match {
            r = r.header("if-match", v);
        }
        let r = r.send().unwrap();
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        (status, headers, r.json::<Value>().unwrap_or(Value::Null))
    };
    // Bad bodies are refused, naming what is wrong, and change nothing.
    for (path, bad) in [
        (
            format!("/api/v1/incidents/{y}/merge"),
            serde_json::json!({"into": 5}),
        ),
        (
            format!("/api/v1/incidents/{y}/merge"),
            serde_json::json!({}),
        ),
        (
            format!("/api/v1/incidents/{y}/split"),
            serde_json::json!({"article_id": y_article, "start": -1}),
        ),
    ] {
        let (status, _, body) = send(path.clone(), bad.clone(), None);
        assert_eq!(status, 400, "{path} {bad}: {body}");
    }
    let (status, _, body) = send(
        format!("/api/v1/incidents/{y}/merge"),
        serde_json::json!({"into": y}),
        None,
    );
    assert_eq!(
        (status, &body["error"]["code"]),
        (422, &Value::from("cannot_merge"))
    );

    // y into x: x has both sources; y is a duplicate naming x.
    let (status, headers, merged) = send(
        format!("/api/v1/incidents/{y}/merge"),
        serde_json::json!({"into": x}),
        Some("\"1\""),
    );
    assert_eq!(status, 200, "{merged}");
    assert_eq!(merged["id"], x.as_str());
    assert_eq!(merged["properties"]["source_count"], 2);
    assert!(headers.get("etag").is_some());
    let review: Value = c
        .get(s.url(&format!("/api/v1/incidents/{y}/review")))
        .bearer_auth(&lina)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(
        (&review["status"], &review["reason"], &review["merged_into"]),
        (
            &Value::from("rejected"),
            &Value::from("duplicate"),
            &Value::from(x.as_str())
        ),
        "{review}"
    );
    let (_, rejected) = get(&c, &s.url("/api/v1/incidents?status=rejected&limit=100"));
    assert!(
        rejected["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["id"] == y.as_str()),
        "the index knows y is rejected: {rejected}"
    );

    // y's report was another event after all: split it off x.
    let (status, headers, child) = send(
        format!("/api/v1/incidents/{x}/split"),
        serde_json::json!({"article_id": y_article, "start": y_start}),
        None,
    );
    assert_eq!(status, 201, "{child}");
    let child_id = child["id"].as_str().unwrap();
    assert_ne!(child_id, x);
    assert_eq!(
        headers.get("location").unwrap().to_str().unwrap(),
        format!("/api/v1/incidents/{child_id}")
    );
    assert_eq!(child["properties"]["status"], "unreviewed");
    let (_, now) = get(&c, &s.url(&format!("/api/v1/incidents/{x}")));
    assert_eq!(now["properties"]["source_count"], 1, "{now}");
    let (status, _, body) = send(
        format!("/api/v1/incidents/{child_id}/split"),
        serde_json::json!({"article_id": y_article, "start": y_start}),
        None,
    );
    assert_eq!(
        (status, &body["error"]["code"]),
        (422, &Value::from("cannot_split")),
        "the only source"
    );
    let trail: Value = c
        .get(s.url(&format!("/api/v1/incidents/{x}/history")))
        .bearer_auth(&lina)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let actions: Vec<&str> = trail
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["merge", "split"], "{trail}");
    assert!(trail
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["user"] == "lina"));
}

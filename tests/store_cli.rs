//! The store through the command line: ingest, duplicates across articles,
//! crashes, `query`, `export`, and GDAL reading the server.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

mod support;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use serde_json::Value;
use support::{marsad, postgres_database, run, Server};

fn write_articles(dir: &std::path::Path, articles: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, text) in articles {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn ingest(db: &std::path::Path, args: &[&str]) -> (Vec<Value>, String) {
    let mut all = vec!["ingest", "--db", db.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = run(&all);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (lines, String::from_utf8(out.stderr).unwrap())
}

fn count_incidents(db: &std::path::Path) -> u64 {
    marsad_store::Store::open(db)
        .unwrap()
        .count_incidents()
        .unwrap()
}

#[test]
fn ingesting_twice_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let arts = dir.path().join("articles");
    write_articles(
        &arts,
        &[
            ("a.txt", "قصفت طائرات مسيرة مقرا في مدينة البوكمال يوم أمس الأربعاء.\nواشتبكت قسد مع مسلحين في بلدة هجين."),
            ("b.txt", "داهمت قوات سوريا الديمقراطية منازل في بلدة الشحيل الاثنين واعتقلت عشرة أشخاص."),
        ],
    );
    let db = dir.path().join("m.db");
    let (lines, summary) = ingest(&db, &["--published", "2024-03-07", arts.to_str().unwrap()]);
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["status"] == "stored"));
    assert!(
        summary.contains("articles: 2 new, 0 unchanged, 0 failed"),
        "{summary}"
    );
    let n = count_incidents(&db);
    assert!(n >= 3, "{n}");
    let (lines, summary) = ingest(&db, &["--published", "2024-03-07", arts.to_str().unwrap()]);
    assert!(lines.iter().all(|l| l["status"] == "unchanged"));
    assert!(
        summary.contains("0 new, 2 unchanged") && summary.contains("incidents: 0 new, 0 merged"),
        "{summary}"
    );
    assert_eq!(count_incidents(&db), n);
}

/// Three outlets tell one drone strike on a village: a local network
/// without a date, an agency a day later as shelling with «مساء أمس السبت»,
/// a monitor's roundup the next day as an air strike, undated again. A
/// strike on the same village 16 days later, and one the same evening on a
/// village 14 km away, are other events.
#[test]
fn three_outlets_telling_one_strike_differently_make_one_incident() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let reports = [
        ("local.json", "https://local-network.example/news/1", "2024-05-12",
         "استهدفت طائرة مسيّرة مجهولة سيارة تقل عناصر من الميليشيات الإيرانية على أطراف بلدة الهري بريف البوكمال، ما أدى إلى مقتل عنصرين وإصابة ثالث، بحسب ما أفاد به مراسل الشبكة."),
        ("agency.json", "https://agency.example/2024/05/12/strike", "2024-05-12",
         "دير الزور - وكالات\nقُتل ثلاثة عناصر من ميليشيا لواء فاطميون مساء أمس السبت جراء قصف استهدف سيارتهم قرب بلدة الهري شرقي دير الزور، وفق ما ذكرت مصادر محلية."),
        ("roundup.json", "https://monitor.example/roundup/0513", "2024-05-13",
         "وفي ريف البوكمال، ارتفع إلى ثلاثة عدد قتلى الغارة الجوية التي استهدفت سيارة عسكرية في بلدة الهري، فيما لم تُعرف هوية الطائرة المنفذة."),
        ("later.json", "https://local-network.example/news/2", "2024-05-28",
         "شنت طائرة مسيّرة غارة فجر اليوم الثلاثاء على موقع للميليشيات الإيرانية في بلدة الهري بريف البوكمال، دون ورود معلومات عن خسائر بشرية."),
        ("nearby.json", "https://agency.example/2024/05/12/sousa", "2024-05-12",
         "أفادت مصادر محلية بأن طائرة مسيرة قصفت مساء أمس السبت مقرا للحرس الثوري الإيراني في بلدة السوسة بريف البوكمال، ما أسفر عن إصابة عنصرين."),
    ];
    let mut paths = Vec::new();
    for (file, url, published, text) in reports {
        let path = dir.path().join(file);
        let body = serde_json::json!({"url": url, "published": published, "text": text});
        std::fs::write(&path, body.to_string()).unwrap();
        paths.push(path);
    }
    let args: Vec<&str> = paths.iter().map(|p| p.to_str().unwrap()).collect();
    let (lines, summary) = ingest(&db, &args);
    assert!(
        summary.contains("incidents: 3 new, 2 merged"),
        "{summary}\n{lines:?}"
    );
    let store = marsad_store::Store::open(&db).unwrap();
    let all = store.all_incidents().unwrap();
    assert_eq!(all.len(), 3, "{all:?}");
    let strike = all.iter().find(|i| i.source_count == 3).unwrap();
    let strike = store.incident(&strike.id).unwrap().unwrap();
    assert_eq!(strike.place.as_ref().unwrap().name_ar, "الهري");
    assert_eq!(
        strike.date.unwrap().to_string(),
        "2024-05-11",
        "the agency's date"
    );
    assert_eq!(strike.counts.killed, Some(3), "the larger toll");
    let urls: Vec<_> = strike
        .sources
        .iter()
        .filter_map(|s| s.url.as_deref())
        .collect();
    assert_eq!(urls.len(), 3, "{urls:?}");
    assert!(all
        .iter()
        .filter(|i| i.id != strike.id)
        .all(|i| i.source_count == 1));
}

#[test]
fn the_same_strike_in_two_articles_is_one_incident_with_two_sources() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let one = dir.path().join("one.json");
    let two = dir.path().join("two.json");
    std::fs::write(&one, r#"{"url":"https://first.example/a","published":"2024-02-14","text":"شنت طائرات مجهولة غارات على مواقع للفصائل الإيرانية في بلدة السوسة فجر الثلاثاء، ما أدى إلى مقتل ثلاثة عناصر."}"#).unwrap();
    std::fs::write(&two, r#"{"url":"https://second.example/b","published":"2024-02-15","text":"قالت مصادر محلية إن غارة جوية استهدفت فجر أمس الثلاثاء مقرا للحرس الثوري في السوسة بريف البوكمال وأسفرت عن مقتل خمسة."}"#).unwrap();
    ingest(&db, &[one.to_str().unwrap()]);
    let (lines, _) = ingest(&db, &[two.to_str().unwrap()]);
    assert_eq!(lines[0]["incidents_merged"], 1, "{lines:?}");
    let store = marsad_store::Store::open(&db).unwrap();
    let all = store.all_incidents().unwrap();
    let strikes: Vec<_> = all
        .iter()
        .filter(|r| r.event_type.as_str() == "airstrike")
        .collect();
    assert_eq!(strikes.len(), 1, "{all:?}");
    let inc = store.incident(&strikes[0].id).unwrap().unwrap();
    assert_eq!(inc.source_count, 2);
    assert_eq!(inc.sources.len(), 2);
    assert_eq!(inc.counts.killed, Some(5), "the larger toll wins");
    assert_eq!(inc.date.unwrap().to_string(), "2024-02-13");

    // Two strikes the same night in two villages stay two.
    let three = dir.path().join("three.json");
    std::fs::write(&three, r#"{"url":"https://third.example/c","published":"2024-02-14","text":"شنت طائرات مجهولة غارة على موقع في بلدة الهري فجر الثلاثاء."}"#).unwrap();
    ingest(&db, &[three.to_str().unwrap()]);
    let strikes: Vec<_> = store
        .all_incidents()
        .unwrap()
        .into_iter()
        .filter(|r| r.event_type.as_str() == "airstrike")
        .collect();
    assert_eq!(strikes.len(), 2);
    assert!(strikes
        .iter()
        .any(|r| r.place.as_ref().and_then(|p| p.name_en.as_deref()) == Some("Al Hury")));
}

#[test]
fn a_killed_ingest_loses_nothing_it_reported() {
    let dir = tempfile::tempdir().unwrap();
    let arts = dir.path().join("articles");
    std::fs::create_dir_all(&arts).unwrap();
    let places = [
        "البوكمال",
        "الميادين",
        "العشارة",
        "هجين",
        "الشحيل",
        "البصيرة",
        "ذيبان",
        "القورية",
    ];
    let kinds = [
        "قصفت طائرات مسيرة مقرا",
        "داهمت قسد منازل",
        "اندلعت اشتباكات",
        "انفجرت عبوة ناسفة",
    ];
    for i in 0..ARTICLES {
        let text = format!(
            "{} في بلدة {} يوم {} من آذار {}، بحسب مصادر محلية (تقرير رقم {i}).",
            kinds[i % kinds.len()],
            places[i % places.len()],
            1 + i % 28,
            2000 + i / 28
        );
        std::fs::write(arts.join(format!("{i:04}.txt")), text).unwrap();
    }
    let mut stores = vec![dir.path().join("m.db").to_str().unwrap().to_string()];
    stores.extend(postgres_database());
    for db in &stores {
        kill_during_ingest(db, &arts);
    }
}

/// Articles the kill test ingests: enough that twenty kills find it writing.
const ARTICLES: usize = 1500;

/// Kills `marsad ingest` into `db` with SIGKILL at 20 random moments (the
/// same every run). After each kill the store passes its integrity check,
/// holds every article the ingest reported stored, and holds nothing
/// half-written: every incident has its report. A last run completes the
/// job, storing nothing twice.
fn kill_during_ingest(db: &str, arts: &std::path::Path) {
    use rand::{rngs::StdRng, Rng, SeedableRng};
    let location: marsad_store::Location = db.parse().unwrap();
    let mut rng = StdRng::seed_from_u64(20);
    let mut reported: Vec<String> = Vec::new();
    // Kills that found the ingest still running, and of those, the ones
    // that came after it had stored something in that run.
    let (mut interrupted, mut mid_write) = (0, 0);
    for kill in 0..20 {
        let mut child = marsad()
            .args(["ingest", "--db", db, arts.to_str().unwrap()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Read what it reports on a thread of its own, so the kill comes at
        // a moment of the clock's choosing, not between two lines.
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<String>();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let v: Value = serde_json::from_str(&line).unwrap();
                if v["status"] == "stored" {
                    let _ = tx.send(v["article_id"].as_str().unwrap().to_string());
                }
            }
        });
        // Half the kills come at any moment from the start (loading the
        // gazetteer, opening the store, writing); half while it writes.
        let mut stored = Vec::new();
        if kill % 2 == 1 {
            if let Ok(first) = rx.recv_timeout(std::time::Duration::from_secs(20)) {
                stored.push(first);
            }
            std::thread::sleep(std::time::Duration::from_millis(rng.gen_range(0..60)));
        } else {
            std::thread::sleep(std::time::Duration::from_millis(rng.gen_range(20..450)));
        }
        let running = child.try_wait().unwrap().is_none();
        // SIGKILL: no chance to clean up.
        child.kill().unwrap();
        child.wait().unwrap();
        reader.join().unwrap();
        stored.extend(rx.try_iter());
        interrupted += usize::from(running);
        mid_write += usize::from(running && !stored.is_empty());
        reported.extend(stored);
        let store = marsad_store::Store::open(&location).unwrap();
        assert_eq!(store.integrity_check().unwrap(), "ok", "{db}, kill {kill}");
        for id in &reported {
            assert!(
                store.has_article(id).unwrap(),
                "{db}, kill {kill}: article {id} was reported stored but is missing"
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
    assert!(
        interrupted >= 15 && mid_write >= 8,
        "{db}: {interrupted} kills interrupted, {mid_write} mid-write"
    );
    // A rerun completes the job and stores nothing twice.
    let out = run(&["ingest", "--db", db, arts.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().lines().count(),
        ARTICLES
    );
    let store = marsad_store::Store::open(&location).unwrap();
    assert_eq!(store.count_articles().unwrap(), ARTICLES as u64, "{db}");
}

#[test]
fn query_and_export_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let arts = dir.path().join("a");
    write_articles(&arts, &[("x.txt", "قصفت المدفعية أطراف بلدة هجين أمس.\nوداهمت قسد منازل في بلدة الشحيل أمس واعتقلت خمسة أشخاص.")]);
    ingest(&db, &["--published", "2024-01-10", arts.to_str().unwrap()]);
    let out = run(&[
        "query",
        "--db",
        db.to_str().unwrap(),
        "--near",
        "هجين",
        "--radius",
        "10km",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(fc["features"].as_array().unwrap().len(), 1);
    assert_eq!(fc["features"][0]["properties"]["place_en"], "Hajin");
    let out = run(&[
        "query",
        "--db",
        db.to_str().unwrap(),
        "--near",
        "34.69,40.83",
        "--radius",
        "200",
        "--type",
        "raid_arrest",
    ]);
    let fc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(fc["features"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["properties"]["type"] == "raid_arrest"));
    let csv_path = dir.path().join("out.csv");
    let out = run(&[
        "export",
        "--db",
        db.to_str().unwrap(),
        "--format",
        "csv",
        "-o",
        csv_path.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert!(csv.starts_with("event_id,event_date,event_type"));
    assert_eq!(csv.lines().count(), 3);
    let bad = run(&["query", "--db", db.to_str().unwrap(), "--near", "Atlantis"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Atlantis"));
    let bad = run(&[
        "query",
        "--db",
        db.to_str().unwrap(),
        "--near",
        "هجين",
        "--radius",
        "-5km",
    ]);
    assert!(!bad.status.success());
}

#[test]
fn gdal_opens_the_ogc_api_and_the_downloads() {
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(dir.path().join("m.db"), &["--examples"]);
    let ogr = support::ogrinfo;
    let src = format!("OAPIF:{}", s.url("/ogc"));
    let layers = ogr(&["-ro", &src]);
    assert!(
        layers.contains("incidents") && layers.contains("places"),
        "{layers}"
    );
    let summary = ogr(&["-ro", "-so", &src, "incidents"]);
    let count: usize = summary
        .lines()
        .find_map(|l| l.strip_prefix("Feature Count: "))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(count >= 20, "{summary}");
    let features = ogr(&["-ro", &src, "incidents"]);
    assert_eq!(features.matches("OGRFeature(incidents)").count(), count);
    let c = reqwest::blocking::Client::new();
    for layer in ["all", "shelling", "places"] {
        let path = dir.path().join(format!("{layer}.geojson"));
        std::fs::write(
            &path,
            c.get(s.url(&format!("/api/v1/layers/{layer}.geojson")))
                .send()
                .unwrap()
                .bytes()
                .unwrap(),
        )
        .unwrap();
        let info = ogr(&["-ro", "-so", "-al", path.to_str().unwrap()]);
        assert!(info.contains("Geometry: Point"), "{info}");
    }
    // A vector tile: the world at zoom 0 holds every placed incident, as
    // clusters and single incidents that GDAL reads back.
    let tile = format!("MVT:{}", s.url("/tiles/incidents/0/0/0.mvt"));
    let all = ogr(&["-ro", "-al", &tile]);
    let singles = all.matches("OGRFeature(incidents)").count();
    let clustered: usize = all
        .lines()
        .filter_map(|l| l.trim().strip_prefix("count (Integer"))
        .filter_map(|l| l.rsplit('=').next()?.trim().parse::<usize>().ok())
        .sum();
    assert_eq!(singles + clustered, count, "{all}");
    // The basemap's labels at zoom 7 over Deir ez-Zor, read by GDAL too.
    let labels = ogr(&[
        "-ro",
        "-al",
        &format!("MVT:{}", s.url("/tiles/places/7/78/50.mvt")),
    ]);
    assert!(
        labels.contains("OGRFeature(places)") && labels.contains("name_ar (String) = دير الزور"),
        "{labels}"
    );
}

/// As a new user met it: articles ingested without a publication date (so
/// no incident has one), served, opened in GDAL. The collection's extent
/// then has a box and no time, and GDAL reads the layer.
#[test]
fn gdal_opens_a_store_where_no_incident_has_a_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    write_articles(
        &dir.path().join("undated"),
        &[
            ("a.txt", "قصفت طائرة مسيرة مجهولة موقعا عسكريا في مدينة البوكمال، ما أدى إلى مقتل ثلاثة عناصر."),
            ("b.txt", "اندلعت اشتباكات عنيفة بين مسلحين وقوات النظام في بلدة هجين بريف دير الزور الشرقي."),
            ("c.txt", "داهمت قوات قسد منازل في بلدة ذيبان واعتقلت خمسة شبان بتهمة التعامل مع خلايا التنظيم."),
        ],
    );
    let (lines, _) = ingest(&db, &[dir.path().join("undated").to_str().unwrap()]);
    assert_eq!(lines.len(), 3);
    let s = Server::start(&db, &[]);
    let c = reqwest::blocking::Client::new();
    let histogram: Value = c
        .get(s.url("/api/v1/stats/histogram"))
        .send()
        .unwrap()
        .json()
        .unwrap();
    let undated = histogram["undated"].as_u64().unwrap();
    assert!(
        undated >= 3 && histogram["bins"] == serde_json::json!([]),
        "{histogram}"
    );
    let collections = c.get(s.url("/ogc/collections")).send().unwrap();
    assert_eq!(collections.status().as_u16(), 200);
    let summary = support::ogrinfo(&[
        "-ro",
        "-so",
        &format!("OAPIF:{}", s.url("/ogc")),
        "incidents",
    ]);
    assert!(
        summary.contains("Extent: (") && summary.contains(&format!("Feature Count: {undated}")),
        "{summary}"
    );
}

#[test]
fn a_store_copies_between_backends_and_back() {
    let dir = tempfile::tempdir().unwrap();
    let articles = dir.path().join("articles");
    write_articles(
        &articles,
        &[
            ("a.txt", "قصفت طائرات حربية مواقع في مدينة البوكمال يوم الثلاثاء، ما أدى إلى مقتل ثلاثة عناصر."),
            ("b.txt", "شنت طائرات حربية غارة على البوكمال يوم الثلاثاء وقتل فيها ثلاثة مسلحين."),
            ("c.txt", "داهمت قوات الأمن منازل في بلدة هجين يوم الأحد واعتقلت خمسة شبان."),
        ],
    );
    let first = dir.path().join("first.db");
    ingest(
        &first,
        &["--published", "2024-03-07", articles.to_str().unwrap()],
    );
    // SQLite → PostgreSQL (when the suite has a server) → SQLite.
    let mut stops = vec![first.to_str().unwrap().to_string()];
    stops.extend(postgres_database());
    stops.push(dir.path().join("last.db").to_str().unwrap().to_string());
    let mut summaries = Vec::new();
    for pair in stops.windows(2) {
        let out = run(&["db", "copy", "--from", &pair[0], "--to", &pair[1]]);
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        summaries.push(stdout.split(" from ").next().unwrap().to_string());
    }
    assert!(
        summaries[0].starts_with("copied 3 articles, 2 incidents, 3 sources"),
        "{summaries:?}"
    );
    assert!(summaries.windows(2).all(|w| w[0] == w[1]), "{summaries:?}");

    // Never into a store that holds data: one line, exit 1, nothing written.
    let out = run(&["db", "copy", "--from", &stops[0], "--to", &stops[0]]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("not empty") && err.lines().count() == 1,
        "{err}"
    );
    assert_eq!(count_incidents(&first), 2);
}

#[test]
fn users_and_reviews_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("m.db").to_str().unwrap().to_string();
    for db in std::iter::once(sqlite).chain(support::postgres_database()) {
        users_and_reviews_on(&db);
    }
}

/// Every role against every review command, on the store at `db`.
fn users_and_reviews_on(db: &str) {
    let dir = tempfile::tempdir().unwrap();
    let arts = dir.path().join("articles");
    write_articles(
        &arts,
        &[
            ("a.txt", "قصفت طائرات مسيرة مقرا في مدينة البوكمال يوم أمس الأربعاء، ما أدى إلى مقتل ثلاثة عناصر."),
            ("b.txt", "داهمت قوات سوريا الديمقراطية منازل في بلدة الشحيل الاثنين واعتقلت عشرة أشخاص."),
        ],
    );
    let out = run(&[
        "ingest",
        "--db",
        db,
        "--published",
        "2024-03-07",
        arts.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);
    let location: marsad_store::Location = db.parse().unwrap();
    let ok = |args: &[&str]| -> String {
        let out = run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let fails = |args: &[&str]| -> String {
        let out = run(args);
        assert!(!out.status.success(), "{args:?} succeeded");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        err
    };
    // Users: the token printed once, listed without it, rotated, revoked.
    let token = ok(&["users", "add", "sara", "--role", "reviewer", "--db", db]);
    assert!(token.trim().starts_with("mrsd_"));
    ok(&["users", "add", "omar", "--role", "viewer", "--db", db]);
    let list = ok(&["users", "list", "--db", db]);
    assert!(
        list.contains("sara\treviewer") && list.contains("omar\tviewer"),
        "{list}"
    );
    assert!(!list.contains(token.trim()), "no secret listed");
    assert!(
        fails(&["users", "add", "sara", "--role", "admin", "--db", db]).contains("exists already")
    );
    // A role that is not one: the argument parser names the ones there are.
    let out = run(&["users", "add", "x", "--role", "root", "--db", db]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("reviewer"));
    let rotated = ok(&["users", "rotate", "sara", "--db", db]);
    assert_ne!(rotated, token);
    assert!(ok(&["users", "revoke", "omar", "--db", db]).contains("1 token(s) revoked"));
    assert!(fails(&["users", "revoke", "nobody", "--db", db]).contains("no user"));

    // Decisions: by reviewers only, versioned, logged, exported.
    let store = marsad_store::Store::open(&location).unwrap();
    let ids: Vec<String> = store
        .all_incidents()
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect();
    drop(store);
    assert_eq!(ids.len(), 2);
    assert!(fails(&["review", "verify", &ids[0], "--as", "omar", "--db", db]).contains("viewer"));
    let verified: Value = serde_json::from_str(&ok(&[
        "review",
        "verify",
        &ids[0],
        "--as",
        "sara",
        "--if-version",
        "1",
        "--db",
        db,
    ]))
    .unwrap();
    assert_eq!(
        (verified["status"].as_str(), verified["version"].as_u64()),
        (Some("verified"), Some(2))
    );
    assert!(fails(&[
        "review",
        "verify",
        &ids[0],
        "--as",
        "sara",
        "--if-version",
        "1",
        "--db",
        db
    ])
    .contains("version 2"));
    assert!(
        fails(&["review", "reject", &ids[1], "--as", "sara", "--reason", "other", "--db", db])
            .contains("--note")
    );
    ok(&[
        "review",
        "reject",
        &ids[1],
        "--as",
        "sara",
        "--reason",
        "not-an-event",
        "--db",
        db,
    ]);
    let log = ok(&["review", "log", "--db", db]);
    let actions: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(actions.len(), 2);
    assert_eq!(
        (actions[0]["action"].as_str(), actions[1]["action"].as_str()),
        (Some("verify"), Some("reject"))
    );
    assert_eq!(
        ok(&["review", "log", "--incident", &ids[1], "--db", db])
            .lines()
            .count(),
        1
    );

    // As annotations: one line per article, verified as gold, rejected apart.
    let export = ok(&["review", "export", "--since", "2000-01-01", "--db", db]);
    let lines: Vec<Value> = export
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{export}");
    let gold: Vec<&Value> = lines
        .iter()
        .flat_map(|l| l["incidents"].as_array().unwrap())
        .collect();
    let rejected: Vec<&Value> = lines
        .iter()
        .flat_map(|l| l["rejected"].as_array().unwrap())
        .collect();
    assert_eq!((gold.len(), rejected.len()), (1, 1), "{export}");
    assert_eq!(gold[0]["primary"], true);
    assert!(
        gold[0]["place_lat"].is_number() && gold[0]["type"].is_string(),
        "{export}"
    );
    assert_eq!(rejected[0]["reason"], "not_an_event");
    assert!(ok(&["review", "export", "--since", "2999-01-01", "--db", db]).is_empty());

    // Corrections: by editors only, checked as the API checks them.
    let correct = |who: &str, more: &[&str]| -> Vec<String> {
        let mut args = vec!["review", "correct", &ids[0], "--as", who, "--db", db];
        args.extend_from_slice(more);
        args.into_iter().map(String::from).collect()
    };
    fn argv(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    assert!(fails(&argv(&correct("sara", &["--killed", "4"]))).contains("editor"));
    ok(&["users", "add", "lina", "--role", "editor", "--db", db]);
    for (bad, says) in [
        (vec!["--place", "nowhere:0"], "place_id"),
        (vec!["--lat", "34.5"], "lat"),
        (vec!["--type", "picnic"], "type"),
        (vec!["--actors", "martians"], "actors"),
        (vec!["--qualifier", "killed=loads"], "count_qualifiers"),
        (vec![], "at least one field"),
    ] {
        assert!(
            fails(&argv(&correct("lina", &bad))).contains(says),
            "{bad:?}"
        );
    }
    let corrected: Value = serde_json::from_str(&ok(&argv(&correct(
        "lina",
        &[
            "--killed",
            "4",
            "--qualifier",
            "killed=at_least",
            "--actors",
            "us_forces",
            "--targets",
            "",
        ],
    ))))
    .unwrap();
    let p = &corrected["properties"];
    assert_eq!(p["killed"], 4);
    assert_eq!(p["count_qualifiers"]["killed"], "at_least");
    assert_eq!(p["actors"][0]["id"], "us_forces");
    assert_eq!(p["targets"], serde_json::json!([]));
    assert_eq!(corrected["review"]["status"], "verified");
    let last: Value = serde_json::from_str(
        ok(&["review", "log", "--incident", &ids[0], "--db", db])
            .lines()
            .last()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        (&last["action"], &last["user"]),
        (&Value::from("edit"), &Value::from("lina"))
    );
    assert_eq!(last["after"]["killed"], 4);

    // Merges and splits: editors only; the second incident into the first, then back out.
    let merge = ["review", "merge", &ids[1], "--into", &ids[0], "--db", db];
    assert!(fails(&[&merge[..], &["--as", "sara"]].concat()).contains("editor"));
    let merged: Value =
        serde_json::from_str(&ok(&[&merge[..], &["--as", "lina"]].concat())).unwrap();
    assert_eq!(merged["id"], ids[0].as_str());
    assert_eq!(merged["properties"]["source_count"], 2);
    assert!(fails(&[&merge[..], &["--as", "lina"]].concat()).contains("merged already"));
    let store = marsad_store::Store::open(&location).unwrap();
    let moved = store
        .incident(&ids[0])
        .unwrap()
        .unwrap()
        .sources
        .into_iter()
        .find(|s| store.incident(&ids[1]).unwrap().unwrap().sources[0].article_id == s.article_id)
        .unwrap();
    drop(store);
    let start = moved.start.to_string();
    let split = [
        "review",
        "split",
        &ids[0],
        "--article",
        &moved.article_id,
        "--start",
        &start,
        "--as",
        "lina",
        "--db",
        db,
    ];
    let child: Value = serde_json::from_str(&ok(&split)).unwrap();
    assert_eq!(child["review"]["split_from"], ids[0].as_str());
    assert_eq!(child["review"]["status"], "unreviewed");
    assert!(fails(&split).contains("no source"));
}

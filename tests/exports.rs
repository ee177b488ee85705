//! The columnar downloads and OGC API filtering against the real binary,
//! read as analysts' tools read them: GeoParquet validated by
//! geoparquet-validator and read in pyarrow and GeoPandas (a virtual
//! environment `./scripts/test` makes, named by
//! `MARSAD_TEST_GEOPYTHON`), FlatGeobuf in GDAL, whole and a box of it
//! over HTTP range requests, CQL2 filters against a scan of the store,
//! and GDAL's OAPIF driver pushing `-where` down as a filter.
#![allow(clippy::unwrap_used)] // a panic is how a test fails

mod support;

use std::path::Path;
use std::process::Command;

use marsad_model::{Incident, ReviewStatus};
use reqwest::blocking::Client;
use serde_json::Value;
use support::Server;

const TYPES: [&str; 4] = ["airstrike", "shelling", "raid_arrest", "armed_clash"];

/// A store of `n` incidents spread over eastern Syria and beyond: every
/// eleventh undated, tolls on some, three review states, a few sharing a
/// day so ids break ties; its incidents as stored.
fn store(db: &Path, n: usize) -> Vec<Incident> {
    use rand::{rngs::StdRng, Rng, SeedableRng};
    let mut rng = StdRng::seed_from_u64(7);
    let article = marsad_model::Article {
        url: None,
        title: None,
        published: None,
        text: "synthetic".into(),
        format: marsad_model::Format::Text,
    };
    let records: Vec<Incident> = (0..n)
        .map(|i| Incident {
            id: format!("x{i:06}"),
            event_type: TYPES[i % 4].parse().unwrap(),
            date: (i % 11 != 0)
                .then(|| chrono::NaiveDate::from_ymd_opt(2020, 1, 1))
                .flatten()
                .and_then(|d| d.checked_add_days(chrono::Days::new(rng.gen_range(0..1500)))),
            date_precision: marsad_model::DatePrecision::Day,
            date_text: None,
            place: Some(marsad_model::Place {
                id: format!("synthetic:{i}"),
                name_ar: "موقع".into(),
                name_en: Some("Site".into()),
                admin1: None,
                admin2: None,
                lat: rng.gen_range(32.0..38.0),
                lon: rng.gen_range(36.0..43.0),
            }),
            geo_precision: marsad_model::GeoPrecision::new(1 + (i % 3) as u8),
            actors: vec![],
            targets: vec![],
            people: vec![],
            counts: marsad_model::Counts {
                killed: (i % 3 == 0).then_some((i % 17) as u32),
                ..Default::default()
            },
            confidence: 0.5 + (i % 5) as f32 / 10.0,
            source_count: 1,
            reported: None,
            sources: vec![],
            status: ReviewStatus::Unreviewed,
        })
        .collect();
    let mut store = marsad_store::Store::open(db).unwrap();
    store.ingest(&article, &records).unwrap();
    store.all_incidents().unwrap()
}

fn get_bytes(c: &Client, url: &str) -> (u16, Vec<u8>) {
    let r = c.get(url).send().unwrap();
    (r.status().as_u16(), r.bytes().unwrap().to_vec())
}

fn get_json(c: &Client, url: &str) -> (u16, Value) {
    let (status, body) = get_bytes(c, url);
    (status, serde_json::from_slice(&body).unwrap())
}

/// The Python of the test environment, if `./scripts/test` made it.
fn geopython() -> Option<String> {
    let py = std::env::var("MARSAD_TEST_GEOPYTHON").ok();
    if py.is_none() {
        eprintln!("GeoParquet not read in pyarrow/GeoPandas: MARSAD_TEST_GEOPYTHON is not set (scripts/test sets it)");
    }
    py
}

/// Validates `parquet` (geoparquet-validator), reads it in pyarrow and
/// GeoPandas and holds it against the GeoJSON download `geojson` of the
/// same query.
const SAME_AS_GEOJSON: &str = r#"
import json, sys
import pyarrow.parquet as pq
import pyarrow as pa
import geopandas
import geoparquet_validator
import shapely

parquet, geojson = sys.argv[1], sys.argv[2]
# The specification's own tests of a GeoParquet 1.1 file (its metadata
# against the JSON schema, the WKB, the types, the bbox, the CRS).
report = geoparquet_validator.check(parquet)
assert report["version"] == "1.1.0", report["version"]
assert geoparquet_validator.conformant(report, "core"), geoparquet_validator.failed(report)
passed = {o["id"] for o in report["outcomes"] if o["status"] == "pass"}
assert {"/conf/core/geo-metadata", "/conf/core/wkb", "/conf/core/bbox-extent"} <= passed, passed
table = pq.read_table(parquet)
meta = json.loads(table.schema.metadata[b"geo"])
# GeoParquet 1.1's required members, as its schema states them.
assert meta["version"] == "1.1.0", meta
assert meta["primary_column"] == "geometry", meta
col = meta["columns"]["geometry"]
assert col["encoding"] == "WKB" and col["geometry_types"] == ["Point"], col
assert "crs" not in col  # absent: OGC:CRS84
types = {f.name: f.type for f in table.schema}
assert types["date"] == pa.date32(), types["date"]
assert types["killed"] == pa.int32() and types["confidence"] == pa.float64()
assert types["actors"] == pa.list_(pa.string()), types["actors"]
assert types["geometry"] == pa.binary()

features = json.load(open(geojson))["features"]
rows = table.to_pylist()
assert len(rows) == len(features), (len(rows), len(features))
frame = geopandas.read_parquet(parquet)
assert frame.crs.to_string() == "OGC:CRS84", frame.crs
lons, lats = [], []
for row, f, point in zip(rows, features, frame.geometry):
    p = f["properties"]
    assert row["id"] == f["id"], (row["id"], f["id"])
    assert row["type"] == p["type"] and row["status"] == p["status"]
    assert (row["date"].isoformat() if row["date"] else None) == p["date"], (row["date"], p["date"])
    assert row["killed"] == p["killed"], (row["killed"], p["killed"])
    assert abs(row["confidence"] - p["confidence"]) < 1e-9
    assert row["geo_precision"] == p["geo_precision"]
    assert [point.x, point.y] == f["geometry"]["coordinates"], (point, f["geometry"])
    lons.append(point.x); lats.append(point.y)
if rows:
    assert col["bbox"] == [min(lons), min(lats), max(lons), max(lats)], col["bbox"]
print(len(rows))
"#;

#[test]
fn geoparquet_reads_in_pyarrow_and_geopandas_as_the_geojson_download() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    store(&db, 20_000);
    let s = Server::start(&db, &[]);
    let c = Client::new();
    for query in ["", "?type=airstrike&bbox=38,33,41.5,36&since=2021-01-01"] {
        let (status, parquet) = get_bytes(&c, &s.url(&format!("/api/v1/export.parquet{query}")));
        assert_eq!(status, 200);
        assert_eq!(&parquet[..4], b"PAR1");
        let (_, geojson) = get_bytes(&c, &s.url(&format!("/api/v1/export.geojson{query}")));
        let (pq_path, gj_path) = (dir.path().join("a.parquet"), dir.path().join("a.geojson"));
        std::fs::write(&pq_path, &parquet).unwrap();
        std::fs::write(&gj_path, &geojson).unwrap();
        let Some(py) = geopython() else { return };
        let out = Command::new(py)
            .args(["-c", SAME_AS_GEOJSON])
            .arg(&pq_path)
            .arg(&gj_path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{query}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let rows: usize = String::from_utf8_lossy(&out.stdout).trim().parse().unwrap();
        assert!(rows > 100, "{query}: {rows} rows");
    }
}

#[test]
fn the_cli_writes_geoparquet_and_flatgeobuf_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let stored = store(&db, 3_000);
    let db = db.to_str().unwrap();
    let fgb = dir.path().join("all.fgb");
    let out = support::run(&[
        "export",
        "--db",
        db,
        "--format",
        "fgb",
        "-o",
        fgb.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = support::ogrinfo(&["-ro", "-so", fgb.to_str().unwrap(), "incidents"]);
    assert!(
        summary.contains(&format!("Feature Count: {}", stored.len())),
        "{summary}"
    );
    assert!(
        summary.contains("killed: Integer") && summary.contains("date: DateTime"),
        "{summary}"
    );
    // A filter, as OGC API's.
    let pq = dir.path().join("air.parquet");
    let out = support::run(&[
        "export",
        "--db",
        db,
        "--format",
        "parquet",
        "--filter",
        "type = 'airstrike' AND killed IS NULL",
        "-o",
        pq.to_str().unwrap(),
    ]);
    // `killed` is not a queryable: refused in one line, and no file.
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--filter") && err.contains("killed") && err.lines().count() == 1,
        "{err}"
    );
    assert!(!pq.exists() && !dir.path().join("air.parquet.partial").exists());
    let out = support::run(&[
        "export",
        "--db",
        db,
        "--format",
        "parquet",
        "--filter",
        "type = 'airstrike'",
        "-o",
        pq.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(&std::fs::read(&pq).unwrap()[..4], b"PAR1");
}

#[test]
fn gdal_reads_a_box_of_the_flatgeobuf_download_with_a_fraction_of_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let stored = store(&db, 60_000);
    let s = Server::start(&db, &[]);
    let c = Client::new();
    let url = s.url("/api/v1/export.fgb");
    let whole = c.get(&url).send().unwrap();
    assert_eq!(whole.status().as_u16(), 200);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    let size = whole.bytes().unwrap().len();
    // A range answers 206 with those bytes.
    let part = c.get(&url).header("Range", "bytes=0-7").send().unwrap();
    assert_eq!(part.status().as_u16(), 206);
    assert_eq!(&part.bytes().unwrap()[..3], b"fgb");
    // GDAL reads the header and index, then the features in the box.
    let (w, so, e, n) = (39.0, 34.0, 39.3, 34.3);
    let out = Command::new("ogrinfo")
        .args(["-ro", "-al", "-so", "--debug", "on"])
        .arg(format!("/vsicurl/{url}"))
        .args([
            "-spat",
            &w.to_string(),
            &so.to_string(),
            &e.to_string(),
            &n.to_string(),
        ])
        .output()
        .unwrap();
    let log =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{log}");
    let in_box = stored
        .iter()
        .filter(|i| {
            i.lat_lon()
                .is_some_and(|(lat, lon)| (w..=e).contains(&lon) && (so..=n).contains(&lat))
        })
        .count();
    assert!(in_box > 10, "{in_box}");
    assert!(log.contains(&format!("Feature Count: {in_box}")), "{log}");
    // Bytes fetched: the sum of the ranges GDAL logs ("Downloading a-b").
    let fetched: usize = log
        .lines()
        .filter_map(|l| l.split("Downloading ").nth(1))
        .filter_map(|r| r.split_whitespace().next())
        .filter_map(|r| r.split_once('-'))
        .map(|(a, b)| b.parse::<usize>().unwrap() - a.parse::<usize>().unwrap() + 1)
        .sum();
    assert!(fetched > 0, "{log}");
    assert!(
        fetched * 4 < size,
        "a box of {in_box} of {} incidents fetched {fetched} of {size} bytes",
        stored.len()
    );
}

/// What the CQL2 test table admits, by a scan of the stored incidents.
fn expected(stored: &[Incident], admits: impl Fn(&Incident) -> bool) -> usize {
    stored.iter().filter(|i| admits(i)).count()
}

#[test]
fn cql2_filters_select_what_a_scan_selects_and_bad_ones_say_where() {
    use chrono::NaiveDate;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let stored = store(&db, 5_000);
    let s = Server::start(&db, &[]);
    let c = Client::new();
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let in_box = |i: &Incident, w: f64, s: f64, e: f64, n: f64| {
        i.lat_lon()
            .is_some_and(|(lat, lon)| (w..=e).contains(&lon) && (s..=n).contains(&lat))
    };
    type Case<'a> = (&'a str, Box<dyn Fn(&Incident) -> bool + 'a>);
    let table: Vec<Case<'_>> = vec![
        ("type = 'airstrike'", Box::new(|i| i.event_type.as_str() == "airstrike")),
        ("type <> 'airstrike'", Box::new(|i| i.event_type.as_str() != "airstrike")),
        ("confidence >= 0.75", Box::new(|i| f64::from(i.confidence) >= 0.75 - 1e-6)),
        ("0.75 <= confidence", Box::new(|i| f64::from(i.confidence) >= 0.75 - 1e-6)),
        ("geo_precision < 2 OR type = 'shelling'", Box::new(|i| i.geo_precision.code() < 2 || i.event_type.as_str() == "shelling")),
        ("NOT (type = 'shelling')", Box::new(|i| i.event_type.as_str() != "shelling")),
        ("type IN ('raid_arrest', 'armed_clash')", Box::new(|i| ["raid_arrest", "armed_clash"].contains(&i.event_type.as_str()))),
        ("type NOT IN ('raid_arrest')", Box::new(|i| i.event_type.as_str() != "raid_arrest")),
        ("confidence BETWEEN 0.6 AND 0.8", Box::new(|i| (0.6 - 1e-6..=0.8 + 1e-6).contains(&f64::from(i.confidence)))),
        ("type LIKE 'air%'", Box::new(|i| i.event_type.as_str().starts_with("air"))),
        ("date IS NULL", Box::new(|i| i.date.is_none())),
        ("date IS NOT NULL AND date < DATE('2021-01-01')", Box::new(move |i| i.date.is_some_and(|d| d < day("2021-01-01")))),
        ("T_INTERSECTS(date, INTERVAL('2021-03-01', '2021-06-30'))", Box::new(move |i| i.date.is_some_and(|d| d >= day("2021-03-01") && d <= day("2021-06-30")))),
        ("T_INTERSECTS(date, INTERVAL('2023-01-01', '..'))", Box::new(move |i| i.date.is_some_and(|d| d >= day("2023-01-01")))),
        ("date >= '2022-01-01T'", Box::new(move |i| i.date.is_some_and(|d| d >= day("2022-01-01")))),
        ("S_INTERSECTS(geometry, BBOX(38, 33, 40, 35))", Box::new(move |i| in_box(i, 38.0, 33.0, 40.0, 35.0))),
        ("S_INTERSECTS(geometry, POLYGON((38 33, 40 33, 40 35, 38 35, 38 33))) AND type = 'airstrike'", Box::new(move |i| in_box(i, 38.0, 33.0, 40.0, 35.0) && i.event_type.as_str() == "airstrike")),
        ("status = 'verified'", Box::new(|i| i.status == ReviewStatus::Verified)),
        ("true", Box::new(|_| true)),
    ];
    for (filter, admits) in &table {
        let want = expected(&stored, admits);
        let q = form_urlencoded::byte_serialize(filter.as_bytes()).collect::<String>();
        let (status, page) = get_json(
            &c,
            &s.url(&format!(
                "/ogc/collections/incidents/items?limit=5&filter={q}"
            )),
        );
        assert_eq!(status, 200, "{filter}: {page}");
        assert_eq!(page["numberMatched"], want, "{filter}");
        // With GDAL's name for the language too.
        let (status, page) = get_json(
            &c,
            &s.url(&format!(
                "/ogc/collections/incidents/items?limit=5&filter-lang=cql-text&filter={q}"
            )),
        );
        assert_eq!(
            (status, page["numberMatched"].as_u64()),
            (200, Some(want as u64)),
            "{filter}"
        );
    }
    // Refused: where it does not parse, what is not a queryable or not a value.
    let bad = [
        ("type = ", "column 8"),
        ("type = 'airstrike' AND", "column 23"),
        ("(type = 'raid'", "column 15"),
        ("killed > 3", "not a queryable"),
        ("confidence > 'high'", "takes a number"),
        ("date < DATE('2021-02-30')", "is not a day"),
        ("S_INTERSECTS(geometry, BBOX(200, 0, 210, 10))", "longitude"),
        ("type = 'a' + 3", "takes a quoted text"),
        ("type ILIKE 'air%'", "column 6"),
    ];
    for (filter, says) in bad {
        let q = form_urlencoded::byte_serialize(filter.as_bytes()).collect::<String>();
        let (status, body) = get_json(
            &c,
            &s.url(&format!("/ogc/collections/incidents/items?filter={q}")),
        );
        assert_eq!(status, 400, "{filter}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(
            message.starts_with("filter: ") && message.contains(says),
            "{filter}: {message}"
        );
    }
    let (status, body) = get_json(
        &c,
        &s.url("/ogc/collections/incidents/items?filter-lang=cql2-json&filter=true"),
    );
    assert_eq!(status, 400, "{body}");
    // The queryables say what a filter may ask; the conformance says CQL2.
    let (_, q) = get_json(&c, &s.url("/ogc/collections/incidents/queryables"));
    let names: Vec<&str> = q["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        names,
        [
            "geometry",
            "type",
            "date",
            "confidence",
            "geo_precision",
            "status"
        ]
    );
    let (_, conf) = get_json(&c, &s.url("/ogc/conformance"));
    for class in [
        "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
        "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
        "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    ] {
        assert!(
            conf["conformsTo"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == class),
            "{class}"
        );
    }
}

#[test]
fn next_links_walk_every_incident_once_in_order_even_as_the_store_grows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let stored = store(&db, 12_000);
    let s = Server::start(&db, &["--token", "t0ken"]);
    let c = Client::new();
    let mut url =
        s.url("/ogc/collections/incidents/items?limit=1000&filter=type%20%3C%3E%20%27shelling%27");
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let (status, page) = get_json(&c, &url);
        assert_eq!(status, 200, "{url}: {page}");
        pages += 1;
        for f in page["features"].as_array().unwrap() {
            seen.push((
                f["properties"]["date"].as_str().map(str::to_string),
                f["id"].as_str().unwrap().to_string(),
            ));
        }
        if pages == 3 {
            // An article arrives mid-walk: a strike dated after every
            // incident, so before the cursor; the walk neither repeats nor
            // skips what it had not reached.
            let r = c
                .post(s.url("/api/v1/articles?published=2030-01-02"))
                .bearer_auth("t0ken")
                .header("Content-Type", "text/plain; charset=utf-8")
                .body("شنت طائرات حربية غارة على مدينة البوكمال فجر اليوم.")
                .send()
                .unwrap();
            assert_eq!(r.status().as_u16(), 201);
        }
        let next = page["links"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rel"] == "next")
            .map(|l| l["href"].as_str().unwrap().to_string());
        match next {
            Some(n) => {
                assert!(
                    n.contains("cursor=") && n.contains("filter=") && !n.contains("offset="),
                    "{n}"
                );
                url = n;
            }
            None => break,
        }
    }
    let want: Vec<(Option<String>, String)> = {
        let mut v: Vec<&Incident> = stored
            .iter()
            .filter(|i| i.event_type.as_str() != "shelling")
            .collect();
        // Newest first, undated last, ids breaking ties.
        v.sort_by(|a, b| match (a.date, b.date) {
            (Some(x), Some(y)) => y.cmp(&x).then(a.id.cmp(&b.id)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.id.cmp(&b.id),
        });
        v.into_iter()
            .map(|i| (i.date.map(|d| d.to_string()), i.id.clone()))
            .collect()
    };
    assert_eq!(seen.len(), want.len());
    assert!(seen == want, "the walk differs from the store's order");
    assert_eq!(pages, want.len().div_ceil(1000));
    // A cursor that is not one is a 400.
    let (status, _) = get_json(
        &c,
        &s.url("/ogc/collections/incidents/items?cursor=2024-13-40~x"),
    );
    assert_eq!(status, 400);
}

#[test]
fn gdal_pushes_a_where_clause_down_as_a_cql2_filter() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let stored = store(&db, 3_000);
    let s = Server::start(&db, &[]);
    let since = chrono::NaiveDate::from_ymd_opt(2022, 6, 1).unwrap();
    let want = stored
        .iter()
        .filter(|i| i.event_type.as_str() == "airstrike" && i.date.is_some_and(|d| d >= since))
        .count();
    let out = Command::new("ogrinfo")
        .args(["-ro", "-so", "--debug", "on"])
        .arg(format!("OAPIF:{}", s.url("/ogc")))
        .arg("incidents")
        .args(["-where", "type = 'airstrike' AND date >= '2022-06-01'"])
        .output()
        .unwrap();
    let log =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{log}");
    assert!(log.contains("CQL text detected"), "{log}");
    assert!(
        log.lines().any(|l| l.contains("/items?")
            && l.contains("filter=")
            && l.contains("filter-lang=cql-text")),
        "{log}"
    );
    assert!(
        log.contains(&format!("Feature Count: {want}")),
        "want {want}: {log}"
    );
}

#[test]
fn gdal_walks_every_incident_in_pages_that_grow_along_next_links() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let stored = store(&db, 3_000);
    let s = Server::start(&db, &[]);
    let gpkg = dir.path().join("all.gpkg");
    // GDAL 3.6's defaults: it asks 10 a page and follows `next` links.
    let out = Command::new("ogr2ogr")
        .args(["--debug", "on", "-f", "GPKG"])
        .arg(&gpkg)
        .arg(format!("OAPIF:{}", s.url("/ogc")))
        .arg("incidents")
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{log}");
    let pages: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("/collections/incidents/items?"))
        .collect();
    // 10, 20, … 640, then 1,000 a page: 9 pages and GDAL's first look,
    // where pages of 10 would be 300.
    assert!(pages.len() <= 12, "{} pages: {log}", pages.len());
    assert!(pages.iter().any(|l| l.contains("limit=1000")), "{log}");
    let info = Command::new("ogrinfo")
        .args(["-ro", "-so"])
        .arg(&gpkg)
        .arg("incidents")
        .output()
        .unwrap();
    let info = String::from_utf8_lossy(&info.stdout);
    let want = stored.len();
    assert!(
        info.contains(&format!("Feature Count: {want}")),
        "want {want}: {info}"
    );
}

//! The HTTP API over real HTTP: `marsad serve` on port 0, with the example
//! articles ingested.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

mod support;

use reqwest::blocking::Client;
use serde_json::Value;
use support::{check_rfc7946, Server};

fn get(c: &Client, url: &str) -> (u16, Value) {
    let r = c.get(url).send().unwrap();
    let status = r.status().as_u16();
    let text = r.text().unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{url}: not JSON: {text:.200}")),
    )
}

fn assert_error(c: &Client, url: &str, status: u16, names: &str) {
    let (s, v) = get(c, url);
    assert_eq!(s, status, "{url}: {v}");
    let msg = v["error"]["message"]
        .as_str()
        .unwrap_or_else(|| panic!("{url}: no error message in {v}"));
    assert!(v["error"]["code"].is_string());
    assert!(
        msg.contains(names),
        "{url}: message {msg:?} should name {names:?}"
    );
}

fn examples_server(extra: &[&str]) -> (tempfile::TempDir, Server) {
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec!["--examples"];
    args.extend_from_slice(extra);
    let server = Server::start(&dir.path().join("m.db"), &args);
    (dir, server)
}

#[test]
fn every_endpoint_answers() {
    let (dir, s) = examples_server(&["--token", "s3cret"]);
    let c = Client::new();

    let (st, v) = get(&c, &s.url("/healthz"));
    assert_eq!(st, 200);
    assert!(v["incidents"].as_u64().unwrap() >= 20, "{v}");

    // OpenAPI lists every route.
    let (st, spec) = get(&c, &s.url("/api/v1/openapi.json"));
    assert_eq!(st, 200);
    assert_eq!(spec["openapi"], "3.0.3");
    for (method, path) in marsad_server::ROUTES {
        assert!(
            spec["paths"][path][method].is_object(),
            "openapi.json lacks {method} {path}"
        );
    }

    // Incidents: a FeatureCollection with counts, newest first.
    let (st, fc) = get(&c, &s.url("/api/v1/incidents?limit=5"));
    assert_eq!(st, 200);
    assert_eq!(fc["type"], "FeatureCollection");
    assert_eq!(fc["numberReturned"], 5);
    assert!(fc["numberMatched"].as_u64().unwrap() >= 20);
    let f = &fc["features"][0];
    assert_eq!(f["geometry"]["type"], "Point");
    let coords = f["geometry"]["coordinates"].as_array().unwrap();
    assert!(
        (35.0..43.0).contains(&coords[0].as_f64().unwrap()),
        "lon first: {coords:?}"
    );
    assert!(fc.get("crs").is_none());

    // Filters and pagination.
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
    let (_, all) = get(&c, &s.url("/api/v1/incidents?limit=10000"));
    let mut paged = Vec::new();
    for page in 0..100 {
        let (_, p) = get(
            &c,
            &s.url(&format!("/api/v1/incidents?limit=7&offset={}", page * 7)),
        );
        let fs = p["features"].as_array().unwrap().clone();
        if fs.is_empty() {
            break;
        }
        paged.extend(fs.into_iter().map(|f| f["id"].clone()));
    }
    let ids: Vec<Value> = all["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].clone())
        .collect();
    assert_eq!(paged, ids);
    let (_, sdf) = get(&c, &s.url("/api/v1/incidents?actor=sdf"));
    assert!(!sdf["features"].as_array().unwrap().is_empty());

    // Radius around a place by name, nearest first with distances.
    let (st, near) = get(&c, &s.url("/api/v1/incidents/near?place=%D8%A7%D9%84%D8%A8%D9%88%D9%83%D9%85%D8%A7%D9%84&radius_km=25"));
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
    let (st, _) = get(
        &c,
        &s.url("/api/v1/incidents/near?lat=34.45&lon=40.92&radius_km=10"),
    );
    assert_eq!(st, 200);

    // One incident with its sources.
    let id = ids[0].as_str().unwrap();
    let (st, one) = get(&c, &s.url(&format!("/api/v1/incidents/{id}")));
    assert_eq!(st, 200);
    assert_eq!(one["type"], "Feature");
    assert!(
        one["properties"]["sources"][0]["evidence"]
            .as_str()
            .unwrap()
            .chars()
            .count()
            > 10
    );

    // Layers and downloads.
    let (_, layers) = get(&c, &s.url("/api/v1/layers"));
    let ls = layers["layers"].as_array().unwrap();
    assert_eq!(ls.len(), 18);
    let total = ls.iter().find(|l| l["id"] == "all").unwrap()["count"]
        .as_u64()
        .unwrap();
    let sum: u64 = ls
        .iter()
        .filter(|l| l["id"] != "all" && l["id"] != "places")
        .map(|l| l["count"].as_u64().unwrap())
        .sum();
    assert_eq!(total, sum);
    for l in ls {
        assert!(
            l["title_ar"].is_string()
                && l["title_en"].is_string()
                && l["colour"].as_str().unwrap().starts_with('#')
        );
    }
    for layer in ["all", "airstrike", "places"] {
        let r = c
            .get(s.url(&format!("/api/v1/layers/{layer}.geojson")))
            .send()
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/geo+json");
        assert!(r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("marsad-{layer}.geojson")));
        let path = dir.path().join(format!("{layer}.geojson"));
        std::fs::write(&path, r.bytes().unwrap()).unwrap();
        check_rfc7946(&path);
    }
    let r = c
        .get(s.url("/api/v1/export.geojson?type=raid_arrest"))
        .send()
        .unwrap();
    let path = dir.path().join("export.geojson");
    std::fs::write(&path, r.bytes().unwrap()).unwrap();
    check_rfc7946(&path);

    // CSV with ACLED columns, honouring filters.
    let r = c
        .get(s.url("/api/v1/export.csv?type=raid_arrest"))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = r.text().unwrap();
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_string).collect();
    for col in [
        "event_id",
        "event_date",
        "event_type",
        "sub_event_type",
        "actor1",
        "actor2",
        "admin1",
        "admin2",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "source",
        "notes",
        "fatalities",
    ] {
        assert!(header.iter().any(|h| h == col), "missing column {col}");
    }
    let recs: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert!(!recs.is_empty());
    assert!(recs.iter().all(|r| &r[3] == "Arrests"));

    // Places.
    let (st, places) = get(&c, &s.url("/api/v1/places?q=Deir%20Ezzor"));
    assert_eq!(st, 200);
    assert_eq!(places["features"][0]["id"], "wof:421202167");
    let (st, place) = get(&c, &s.url("/api/v1/places/wof:890449891"));
    assert_eq!(st, 200);
    assert_eq!(place["properties"]["name_en"], "Abu Kamal");

    // Posting an article: stored, extracted, indexed; the same again changes nothing.
    let text =
        "قصفت طائرات مسيرة مجهولة مقرا للفصائل في بلدة هجين فجر أمس الأحد، ما أدى إلى مقتل عنصرين.";
    let post = |body: &str| {
        c.post(s.url("/api/v1/articles"))
            .bearer_auth("s3cret")
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .unwrap()
    };
    let body = serde_json::json!({"url": "https://example.test/hajin", "title": "هجين", "published": "2024-06-03", "text": text}).to_string();
    let r = post(&body);
    assert_eq!(r.status(), 201);
    let v: Value = r.json().unwrap();
    assert_eq!(
        v["incidents"]["features"][0]["properties"]["place_en"],
        "Hajin"
    );
    assert_eq!(
        v["incidents"]["features"][0]["properties"]["date"],
        "2024-06-02"
    );
    let r = post(&body);
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().unwrap()["new_article"], false);
    let (_, near) = get(
        &c,
        &s.url("/api/v1/incidents/near?lat=34.69&lon=40.83&radius_km=2"),
    );
    assert!(
        near["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["properties"]["date"] == "2024-06-02"),
        "indexed at once"
    );
    let r = c
        .post(s.url("/api/v1/articles?published=2024-06-04"))
        .bearer_auth("s3cret")
        .header("content-type", "text/plain")
        .body("اشتباكات في بلدة ذيبان اليوم")
        .send()
        .unwrap();
    assert_eq!(r.status(), 201);

    // OGC API - Features.
    let (_, landing) = get(&c, &s.url("/ogc"));
    let rels: Vec<&str> = landing["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["rel"].as_str().unwrap())
        .collect();
    for rel in ["self", "service-desc", "conformance", "data"] {
        assert!(rels.contains(&rel), "{rels:?}");
    }
    let (_, conf) = get(&c, &s.url("/ogc/conformance"));
    assert!(conf["conformsTo"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c.as_str().unwrap().ends_with("/conf/core")));
    let (_, cols) = get(&c, &s.url("/ogc/collections"));
    assert_eq!(cols["collections"].as_array().unwrap().len(), 2);
    let (_, col) = get(&c, &s.url("/ogc/collections/incidents"));
    assert_eq!(col["id"], "incidents");
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
    let (_, page2) = get(&c, &next);
    assert_ne!(page2["features"][0]["id"], items["features"][0]["id"]);
    let (_, in_box) = get(&c, &s.url("/ogc/collections/incidents/items?bbox=40.5,34.3,41.1,34.8&datetime=2020-01-01/..&limit=100"));
    for f in in_box["features"].as_array().unwrap() {
        let lon = f["geometry"]["coordinates"][0].as_f64().unwrap();
        assert!((40.5..=41.1).contains(&lon));
    }
    let fid = items["features"][0]["id"].as_str().unwrap();
    let (st, item) = get(
        &c,
        &s.url(&format!("/ogc/collections/incidents/items/{fid}")),
    );
    assert_eq!(st, 200);
    assert_eq!(item["id"], fid);
    let (_, pl) = get(
        &c,
        &s.url("/ogc/collections/places/items?bbox=40.8,34.4,41.0,34.5&limit=5"),
    );
    assert!(pl["numberMatched"].as_u64().unwrap() > 0);
}

#[test]
fn bad_input_gets_a_precise_4xx() {
    let (_dir, s) = examples_server(&["--token", "t0ken", "--max-body", "2000"]);
    let c = Client::new();
    assert_error(
        &c,
        &s.url("/api/v1/incidents/near?lat=95&lon=40&radius_km=5"),
        400,
        "lat",
    );
    assert_error(
        &c,
        &s.url("/api/v1/incidents/near?lat=34&lon=200&radius_km=5"),
        400,
        "lon",
    );
    assert_error(
        &c,
        &s.url("/api/v1/incidents/near?lat=34&lon=40&radius_km=-3"),
        400,
        "radius_km",
    );
    assert_error(
        &c,
        &s.url("/api/v1/incidents/near?lat=34&lon=40&radius_km=99999"),
        400,
        "radius_km",
    );
    assert_error(
        &c,
        &s.url("/api/v1/incidents/near?lat=34&lon=40&radius_km=abc"),
        400,
        "radius_km",
    );
    assert_error(
        &c,
        &s.url("/api/v1/incidents/near?place=Atlantis&radius_km=5"),
        400,
        "place",
    );
    assert_error(&c, &s.url("/api/v1/incidents/near?radius_km=5"), 400, "lat");
    assert_error(
        &c,
        &s.url("/api/v1/incidents?bbox=41,35,40,34"),
        400,
        "bbox",
    );
    assert_error(&c, &s.url("/api/v1/incidents?bbox=1,2,3"), 400, "bbox");
    assert_error(&c, &s.url("/api/v1/incidents?type=bombing"), 400, "type");
    assert_error(
        &c,
        &s.url("/api/v1/incidents?since=2024-13-01"),
        400,
        "since",
    );
    assert_error(
        &c,
        &s.url("/api/v1/incidents?since=2024-05-01&until=2024-01-01"),
        400,
        "since",
    );
    assert_error(&c, &s.url("/api/v1/incidents?limit=10001"), 400, "limit");
    assert_error(&c, &s.url("/api/v1/incidents?limit=-1"), 400, "limit");
    assert_error(
        &c,
        &s.url("/api/v1/incidents?min_confidence=2"),
        400,
        "min_confidence",
    );
    assert_error(&c, &s.url("/api/v1/incidents?sort=sideways"), 400, "sort");
    assert_error(&c, &s.url("/api/v1/places"), 400, "q");
    assert_error(&c, &s.url("/api/v1/incidents/nope"), 404, "nope");
    assert_error(&c, &s.url("/api/v1/places/nope"), 404, "nope");
    assert_error(&c, &s.url("/api/v1/layers/bombs.geojson"), 404, "bombs");
    assert_error(&c, &s.url("/ogc/collections/cats/items"), 404, "cats");
    assert_error(
        &c,
        &s.url("/ogc/collections/incidents/items?datetime=yesterday"),
        400,
        "datetime",
    );
    assert_error(&c, &s.url("/no/such/path"), 404, "endpoint");

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
        (status, r.json::<Value>().unwrap())
    };
    let before = get(&c, &s.url("/healthz")).1["incidents"].clone();
    let (st, v) = post(None, "text/plain", "قصف".as_bytes().to_vec());
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let (st, _) = post(Some("wrong"), "text/plain", "قصف".as_bytes().to_vec());
    assert_eq!(st, 401);
    let (st, v) = post(Some("t0ken"), "text/plain", b"\xd8\xa7\xff\xfe".to_vec());
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (400, Some("invalid_utf8"))
    );
    let (st, v) = post(Some("t0ken"), "text/plain", vec![b'a'; 5000]);
    assert_eq!(
        (st, v["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );
    let (st, _) = post(Some("t0ken"), "application/json", b"{\"text\": 3}".to_vec());
    assert_eq!(st, 400);
    let (st, _) = post(Some("t0ken"), "application/json", b"".to_vec());
    assert_eq!(st, 400);
    let (st, _) = post(Some("t0ken"), "text/plain", b"   ".to_vec());
    assert_eq!(st, 400);
    let (st, _) = post(Some("t0ken"), "image/png", b"x".to_vec());
    assert_eq!(st, 415);
    let (st, _) = post(
        Some("t0ken"),
        "application/json",
        br#"{"text":"x","published":"soon"}"#.to_vec(),
    );
    assert_eq!(st, 400);
    assert_eq!(
        get(&c, &s.url("/healthz")).1["incidents"],
        before,
        "nothing half-written"
    );

    // Without a configured token, writes are refused.
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
            sources: vec![],
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

//! The router in-process (`tower::ServiceExt::oneshot`): one case per
//! endpoint and per bad input, over a database seeded with incidents
//! written here, so every answer is known; and snapshots of the documents
//! Marsad serves (GeoJSON, CSV, OpenAPI, OGC).

#![allow(clippy::unwrap_used)] // a panic is how a test fails

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use marsad_model::{
    Actor, ActorKind, Article, Counts, DatePrecision, EventType, Format, GeoPrecision, Incident,
    Place, Qualifier, Source,
};
use marsad_server::{AppState, Config};
use serde_json::Value;
use tower::ServiceExt;

mod common;
use common::gazetteer;

fn actor(id: &str, ar: &str, en: &str, kind: ActorKind) -> Actor {
    Actor {
        id: id.into(),
        name_ar: ar.into(),
        name_en: en.into(),
        kind,
    }
}

/// A gazetteer place's facts, by its Arabic name.
fn place(name: &str) -> Place {
    let gaz = gazetteer();
    let p = gaz.place(gaz.lookup_name(name).unwrap());
    Place {
        id: p.id.clone(),
        name_ar: p.name_ar.clone(),
        name_en: Some(p.name_en.clone()),
        admin1: p.admin1.clone(),
        admin2: p.admin2.clone(),
        lat: p.lat,
        lon: p.lon,
    }
}

/// One incident of the fixture: what, where, when, and its sentence.
struct Told {
    id: &'static str,
    ty: EventType,
    at: Option<&'static str>,
    date: Option<&'static str>,
    precision: DatePrecision,
    actors: Vec<Actor>,
    targets: Vec<Actor>,
    counts: Counts,
    sentence: &'static str,
}

fn toll(killed: Option<u32>, q: Qualifier, injured: Option<u32>, arrested: Option<u32>) -> Counts {
    Counts {
        killed,
        killed_q: q,
        injured,
        arrested,
        ..Counts::default()
    }
}

/// Eight incidents in eastern Syria and one without a place, told in two
/// articles written for this test; the second reports the first strike
/// again with a higher toll.
fn fixture() -> Vec<(Article, Vec<Told>)> {
    let us = || {
        actor(
            "us_forces",
            "القوات الأمريكية",
            "US forces",
            ActorKind::ForeignStateForce,
        )
    };
    let irgc = || actor("irgc", "الحرس الثوري", "IRGC", ActorKind::ForeignStateForce);
    let sdf = || actor("sdf", "قسد", "SDF", ActorKind::StateForce);
    let day = DatePrecision::Day;
    let first = vec![
        Told {
            id: "fx-strike",
            ty: EventType::Airstrike,
            at: Some("البوكمال"),
            date: Some("2024-03-05"),
            precision: day,
            actors: vec![us()],
            targets: vec![irgc()],
            counts: toll(Some(4), Qualifier::AtLeast, Some(2), None),
            sentence: "قصفت طائرات حربية أمريكية مقرا للحرس الثوري في البوكمال، ما أدى إلى مقتل أربعة على الأقل.",
        },
        Told {
            id: "fx-drone",
            ty: EventType::DroneStrike,
            at: Some("الميادين"),
            date: Some("2024-02-20"),
            precision: day,
            actors: vec![],
            targets: vec![irgc()],
            counts: toll(Some(2), Qualifier::Exact, None, None),
            sentence: "استهدفت طائرة مسيرة سيارة قرب الميادين وقتل شخصان.",
        },
        Told {
            id: "fx-raid",
            ty: EventType::RaidArrest,
            at: Some("هجين"),
            date: Some("2023-11-10"),
            precision: day,
            actors: vec![sdf()],
            targets: vec![],
            counts: toll(None, Qualifier::Exact, None, Some(12)),
            sentence: "داهمت قوات قسد منازل في هجين واعتقلت اثني عشر شابا.",
        },
        Told {
            id: "fx-clash",
            ty: EventType::ArmedClash,
            at: Some("ذيبان"),
            date: Some("2023-08-28"),
            precision: day,
            actors: vec![sdf()],
            targets: vec![],
            counts: toll(None, Qualifier::Tens, None, None),
            sentence: "اندلعت اشتباكات في ذيبان سقط فيها عشرات القتلى.",
        },
        Told {
            id: "fx-deploy",
            ty: EventType::DeploymentReinforcement,
            at: Some("البوكمال"),
            date: Some("2024-01-15"),
            precision: DatePrecision::Week,
            actors: vec![irgc()],
            targets: vec![],
            counts: Counts::default(),
            sentence: "وصلت تعزيزات للحرس الثوري إلى البوكمال الأسبوع الماضي.",
        },
        Told {
            id: "fx-shelling",
            ty: EventType::Shelling,
            at: Some("الميادين"),
            date: None,
            precision: DatePrecision::Unknown,
            actors: vec![],
            targets: vec![],
            counts: Counts::default(),
            sentence: "وتعرضت أطراف الميادين لقصف مدفعي.",
        },
        Told {
            id: "fx-kidnap",
            ty: EventType::Kidnapping,
            at: None,
            date: None,
            precision: DatePrecision::Unknown,
            actors: vec![],
            targets: vec![],
            counts: Counts::default(),
            sentence: "وخطف مسلحون مجهولون تاجرا على طريق البادية.",
        },
    ];
    let second = vec![
        Told {
            id: "fx-strike-again",
            ty: EventType::Airstrike,
            at: Some("البوكمال"),
            date: Some("2024-03-05"),
            precision: day,
            actors: vec![us()],
            targets: vec![irgc()],
            counts: toll(Some(6), Qualifier::Exact, None, None),
            sentence: "ارتفعت حصيلة الغارة على البوكمال إلى ستة قتلى.",
        },
        Told {
            id: "fx-protest",
            ty: EventType::Protest,
            at: Some("الشحيل"),
            date: Some("2023-09-01"),
            precision: day,
            actors: vec![],
            targets: vec![],
            counts: Counts::default(),
            sentence: "وتظاهر العشرات في الشحيل احتجاجا على الاعتقالات.",
        },
    ];
    vec![
        (
            article("https://news.example/strikes", "2024-03-06", &first),
            first,
        ),
        (
            article("https://other.example/toll", "2024-03-07", &second),
            second,
        ),
    ]
}

fn article(url: &str, published: &str, told: &[Told]) -> Article {
    Article {
        url: Some(url.into()),
        title: Some("أحداث في دير الزور".into()),
        published: published.parse().ok(),
        text: told
            .iter()
            .map(|t| t.sentence)
            .collect::<Vec<_>>()
            .join(" "),
        format: Format::Text,
    }
}

fn incidents(a: &Article, told: Vec<Told>) -> Vec<Incident> {
    let mut start = 0;
    told.into_iter()
        .map(|t| {
            let end = start + t.sentence.chars().count();
            let i = Incident {
                id: t.id.into(),
                event_type: t.ty,
                date: t.date.map(|d| d.parse().unwrap()),
                date_precision: t.precision,
                date_text: None,
                place: t.at.map(place),
                geo_precision: GeoPrecision::PLACE,
                actors: t.actors,
                targets: t.targets,
                people: vec![],
                counts: t.counts,
                confidence: 0.8,
                source_count: 1,
                reported: None,
                sources: vec![Source {
                    article_id: a.id(),
                    url: a.url.clone(),
                    title: a.title.clone(),
                    outlet: a.outlet(),
                    published: a.published,
                    start,
                    end,
                    evidence: t.sentence.into(),
                }],
                status: Default::default(),
            };
            start = end + 1;
            i
        })
        .collect()
}

/// The application over a fresh database holding the fixture.
fn app(token: Option<&str>, max_body_bytes: usize) -> (tempfile::TempDir, Router) {
    app_with(Config {
        token: token.map(str::to_string),
        max_body_bytes,
        ..Config::default()
    })
}

/// The application over the fixture, with `config`.
fn app_with(config: Config) -> (tempfile::TempDir, Router) {
    let (dir, state) = state_with(config);
    (dir, marsad_server::router(state))
}

/// The server's state over a fresh database holding the fixture.
fn state_with(config: Config) -> (tempfile::TempDir, AppState) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let mut store = marsad_store::Store::open(&db).unwrap();
    for (a, told) in fixture() {
        store.ingest(&a, &incidents(&a, told)).unwrap();
    }
    drop(store);
    let state = AppState::open(gazetteer(), &db.as_path().into(), config).unwrap();
    (dir, state)
}

struct Answer {
    status: StatusCode,
    content_type: String,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn call(app: &Router, method: Method, uri: &str, body: Option<(&str, Vec<u8>)>) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    let body = match body {
        Some((ctype, bytes)) => {
            req = req
                .header(header::CONTENT_TYPE, ctype)
                .header(header::AUTHORIZATION, "Bearer t0ken");
            Body::from(bytes)
        }
        None => Body::empty(),
    };
    let res = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = res.status();
    let content_type = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    Answer {
        status,
        content_type,
        body,
    }
}

async fn get(app: &Router, uri: &str) -> Answer {
    call(app, Method::GET, uri, None).await
}

fn ids(v: &Value) -> Vec<&str> {
    v["features"]
        .as_array()
        .map(|fs| fs.iter().filter_map(|f| f["id"].as_str()).collect())
        .unwrap_or_default()
}

/// Incidents a vector tile stands for: its clusters' counts plus its
/// single incidents.
fn tile_count(body: &[u8]) -> u64 {
    common::tile_count(body).unwrap()
}

/// The labels of a place tile: Arabic name and rank.
fn tile_labels(body: &[u8]) -> Vec<(String, u64)> {
    use prost::Message;
    use tinymvt::tag::Value as Tag;
    let tile = tinymvt::vector_tile::Tile::decode(body).unwrap();
    let mut out = Vec::new();
    for layer in tile.layers.iter().filter(|l| l.name == "places") {
        let tags = tinymvt::tag::TagsDecoder::new(&layer.keys, &layer.values);
        for f in &layer.features {
            let (mut name, mut rank) = (String::new(), 0);
            for (k, v) in tags.decode(&f.tags).unwrap() {
                match (k, v) {
                    ("name_ar", Tag::String(s)) => name = s,
                    ("rank", Tag::Uint(n)) => rank = n,
                    _ => {}
                }
            }
            out.push((name, rank));
        }
    }
    out
}

/// One GET and what its answer must be.
struct Case {
    uri: &'static str,
    status: u16,
    content_type: &'static str,
    check: fn(&Answer) -> Result<(), String>,
}

fn ok(_: &Answer) -> Result<(), String> {
    Ok(())
}

fn expect(cond: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(what())
    }
}

const GEOJSON: &str = "application/geo+json";
const JSON: &str = "application/json";

/// Every GET route, with the answer the fixture gives.
fn cases() -> Vec<Case> {
    vec![
        Case { uri: "/", status: 200, content_type: "text/html", check: ok },
        Case { uri: "/healthz", status: 200, content_type: JSON, check: |a| {
            // Eight incidents have a place; the kidnapping has none.
            expect(a.json()["incidents"] == 7, || format!("{}", a.json()))
        }},
        Case { uri: "/api/v1/healthz", status: 200, content_type: JSON, check: |a| {
            expect(a.json()["status"] == "ok", || a.text())
        }},
        Case { uri: "/api/v1/feeds", status: 200, content_type: JSON, check: |a| {
            expect(a.json()["feeds"].as_array().is_some_and(|f| f.is_empty()), || a.text())
        }},
        Case { uri: "/api/v1/articles?limit=2", status: 200, content_type: JSON, check: |a| {
            let v = a.json();
            let articles = v["articles"].as_array().cloned().unwrap_or_default();
            expect(
                articles.len() == 2 && articles.iter().all(|x| x["id"].is_string() && x["incidents"].is_u64()),
                || a.text(),
            )
        }},
        Case { uri: "/basemap/admin.geojson", status: 200, content_type: GEOJSON, check: |a| {
            expect(a.json()["type"] == "FeatureCollection", || a.text())
        }},
        Case { uri: "/api/v1/basemap/places.geojson", status: 200, content_type: GEOJSON, check: |a| {
            expect(!ids(&a.json()).is_empty(), || "no labels".into())
        }},
        Case { uri: "/api/v1/openapi.json", status: 200, content_type: JSON, check: |a| {
            let spec = a.json();
            expect(spec["openapi"] == "3.1.0", || format!("version {}", spec["openapi"]))?;
            for (method, path) in marsad_server::documented_routes() {
                if !spec["paths"][&path][&method].is_object() {
                    return Err(format!("openapi.json lacks {method} {path}"));
                }
            }
            Ok(())
        }},
        Case { uri: "/api/v1/incidents", status: 200, content_type: GEOJSON, check: |a| {
            let v = a.json();
            expect(
                ids(&v) == ["fx-strike", "fx-drone", "fx-deploy", "fx-raid", "fx-protest", "fx-clash", "fx-shelling"],
                || format!("newest first, undated last: {:?}", ids(&v)),
            )
        }},
        Case { uri: "/api/v1/incidents?type=raid_arrest,protest", status: 200, content_type: GEOJSON, check: |a| {
            expect(ids(&a.json()) == ["fx-raid", "fx-protest"], || format!("{:?}", ids(&a.json())))
        }},
        Case { uri: "/api/v1/incidents?since=2024-01-01&until=2024-02-29", status: 200, content_type: GEOJSON, check: |a| {
            expect(ids(&a.json()) == ["fx-drone", "fx-deploy"], || format!("{:?}", ids(&a.json())))
        }},
        Case { uri: "/api/v1/incidents?actor=irgc&sort=date", status: 200, content_type: GEOJSON, check: |a| {
            expect(ids(&a.json()) == ["fx-deploy", "fx-drone", "fx-strike"], || format!("{:?}", ids(&a.json())))
        }},
        Case { uri: "/api/v1/incidents?limit=2&offset=2", status: 200, content_type: GEOJSON, check: |a| {
            let v = a.json();
            expect(
                ids(&v) == ["fx-deploy", "fx-raid"] && v["numberMatched"] == 7 && v["numberReturned"] == 2,
                || format!("{v}"),
            )
        }},
        Case { uri: "/api/v1/incidents?bbox=40.0,34.5,40.7,35.2", status: 200, content_type: GEOJSON, check: |a| {
            let v = a.json();
            expect(ids(&v).iter().all(|i| i.starts_with("fx-")) && ids(&v).contains(&"fx-drone") && !ids(&v).contains(&"fx-strike"), || format!("{:?}", ids(&v)))
        }},
        Case { uri: "/api/v1/incidents?properties=min", status: 200, content_type: GEOJSON, check: |a| {
            let v = a.json();
            let keys: Vec<&String> = v["features"][0]["properties"].as_object().map(|o| o.keys().collect()).unwrap_or_default();
            expect(keys.len() <= 7 && !keys.iter().any(|k| *k == "actors"), || format!("{keys:?}"))
        }},
        Case { uri: "/api/v1/incidents/near?place=%D8%A7%D9%84%D8%A8%D9%88%D9%83%D9%85%D8%A7%D9%84&radius_km=10", status: 200, content_type: GEOJSON, check: |a| {
            let v = a.json();
            let d = v["features"][0]["properties"]["distance_km"].as_f64();
            expect(ids(&v).len() == 2 && d == Some(0.0), || format!("{v}"))
        }},
        Case { uri: "/api/v1/incidents/near?lat=35.01&lon=40.45&radius_km=5&type=shelling", status: 200, content_type: GEOJSON, check: |a| {
            expect(ids(&a.json()) == ["fx-shelling"], || format!("{:?}", ids(&a.json())))
        }},
        // Reviews are for signed-in users: anonymous readers are asked to sign in.
        Case { uri: "/api/v1/incidents/fx-strike/review", status: 401, content_type: JSON, check: |a| {
            expect(a.json()["error"]["code"] == "unauthorized", || a.text())
        }},
        Case { uri: "/api/v1/incidents/fx-strike/history", status: 401, content_type: JSON, check: |a| {
            expect(a.json()["error"]["code"] == "unauthorized", || a.text())
        }},
        Case { uri: "/api/v1/actors", status: 200, content_type: JSON, check: |a| {
            let v = a.json();
            let ids: Vec<&str> = v.as_array().unwrap().iter().filter_map(|x| x["id"].as_str()).collect();
            expect(ids.contains(&"sdf") && ids.contains(&"unknown"), || format!("{ids:?}"))
        }},
        Case { uri: "/api/v1/me", status: 401, content_type: JSON, check: |a| {
            expect(a.json()["error"]["code"] == "unauthorized", || a.text())
        }},
        // Alerts are their owners': none without a token.
        Case { uri: "/api/v1/alerts", status: 401, content_type: JSON, check: |a| {
            expect(a.json()["error"]["code"] == "unauthorized", || a.text())
        }},
        Case { uri: "/api/v1/alerts/al_0000000000000000", status: 401, content_type: JSON, check: |a| {
            expect(a.json()["error"]["code"] == "unauthorized", || a.text())
        }},
        Case { uri: "/api/v1/alerts/al_0000000000000000/matches", status: 401, content_type: JSON, check: |a| {
            expect(a.json()["error"]["code"] == "unauthorized", || a.text())
        }},
        // A feed's key stands for the token: no alert, or not its key, is
        // the same 404.
        Case { uri: "/alerts/al_0000000000000000/feed.atom?key=x", status: 404, content_type: JSON, check: |a| {
            expect(a.json()["error"]["code"] == "not_found", || a.text())
        }},
        // The stream never ends; its parameters are checked before it starts.
        Case { uri: "/api/v1/stream?bbox=40,34", status: 400, content_type: JSON, check: |a| {
            expect(a.json()["error"]["message"].as_str().is_some_and(|m| m.starts_with("bbox")), || a.text())
        }},
        // Articles are third-party texts: the public map shows only evidence.
        Case { uri: "/api/v1/articles/0123456789abcdef", status: 401, content_type: JSON, check: |a| {
            expect(a.json()["error"]["code"] == "unauthorized", || a.text())
        }},
        Case { uri: "/api/v1/incidents/fx-strike", status: 200, content_type: GEOJSON, check: |a| {
            let v = a.json();
            let p = &v["properties"];
            expect(
                p["source_count"] == 2 && p["sources"].as_array().map(Vec::len) == Some(2) && p["killed"] == 6,
                || format!("the strike told twice, the larger toll: {p}"),
            )
        }},
        Case { uri: "/api/v1/layers", status: 200, content_type: JSON, check: |a| {
            let v = a.json();
            let layers = v["layers"].as_array().cloned().unwrap_or_default();
            let airstrike = layers.iter().find(|l| l["id"] == "airstrike").cloned().unwrap_or_default();
            expect(
                layers.len() == 18 && airstrike["count"] == 1 && airstrike["icon"].as_str().is_some_and(|i| i.starts_with('M')),
                || format!("{v}"),
            )
        }},
        Case { uri: "/api/v1/layers/airstrike.geojson", status: 200, content_type: GEOJSON, check: |a| {
            expect(ids(&a.json()) == ["fx-strike"], || a.text())
        }},
        Case { uri: "/api/v1/layers/places.geojson", status: 200, content_type: GEOJSON, check: |a| {
            let v = a.json();
            let counts: u64 = v["features"].as_array().map(|fs| fs.iter().filter_map(|f| f["properties"]["incident_count"].as_u64()).sum()).unwrap_or(0);
            expect(counts == 7, || format!("{v}"))
        }},
        Case { uri: "/api/v1/export.geojson?type=airstrike", status: 200, content_type: GEOJSON, check: |a| {
            expect(ids(&a.json()) == ["fx-strike"], || a.text())
        }},
        Case { uri: "/api/v1/export.csv?since=2024-01-01", status: 200, content_type: "text/csv", check: |a| {
            expect(a.text().lines().count() == 4, || a.text())
        }},
        Case { uri: "/api/v1/export.parquet?since=2024-01-01", status: 200, content_type: "application/vnd.apache.parquet", check: |a| {
            // Parquet's magic at both ends.
            expect(a.body.starts_with(b"PAR1") && a.body.ends_with(b"PAR1"), || format!("{} bytes", a.body.len()))
        }},
        Case { uri: "/api/v1/export.fgb?type=raid_arrest", status: 200, content_type: "application/flatgeobuf", check: |a| {
            expect(a.body.starts_with(b"fgb\x03"), || format!("{} bytes", a.body.len()))
        }},
        Case { uri: "/api/v1/places?q=Deir%20Ezzor", status: 200, content_type: GEOJSON, check: |a| {
            expect(ids(&a.json()).first() == Some(&"wof:421202167"), || format!("{:?}", ids(&a.json())))
        }},
        Case { uri: "/api/v1/places/wof:890449891", status: 200, content_type: GEOJSON, check: |a| {
            expect(a.json()["properties"]["name_en"] == "Al-Bukamal", || a.text())
        }},
        Case { uri: "/api/v1/stats/counts", status: 200, content_type: JSON, check: |a| {
            let v = a.json();
            expect(v["total"] == 7 && v["by_type"]["airstrike"] == 1, || a.text())
        }},
        Case { uri: "/api/v1/stats/counts?lat=34.45&lon=40.92&radius_km=10", status: 200, content_type: JSON, check: |a| {
            expect(a.json()["total"] == 2, || a.text())
        }},
        Case { uri: "/api/v1/stats/histogram?bin=month&since=2024-01-01", status: 200, content_type: JSON, check: |a| {
            let v = a.json();
            let total: u64 = v["bins"].as_array().map(|b| b.iter().filter_map(|b| b["count"].as_u64()).sum()).unwrap_or(0);
            expect(v["bin"] == "month" && total == 3 && v["bins"][0]["start"].as_str().is_some_and(|s| s.ends_with("-01")), || a.text())
        }},
        Case { uri: "/tiles/incidents.json?type=shelling", status: 200, content_type: JSON, check: |a| {
            let v = a.json();
            let url = v["tiles"][0].as_str().unwrap_or("");
            expect(v["tilejson"] == "3.0.0" && url.ends_with("/tiles/incidents/{z}/{x}/{y}.mvt?type=shelling"), || a.text())
        }},
        Case { uri: "/tiles/incidents/0/0/0.mvt", status: 200, content_type: "application/vnd.mapbox-vector-tile", check: |a| {
            expect(tile_count(&a.body) == 7, || format!("{} incidents in the world tile", tile_count(&a.body)))
        }},
        Case { uri: "/tiles/incidents/14/10054/6520.mvt", status: 200, content_type: "application/vnd.mapbox-vector-tile", check: |a| {
            // The tile of Al-Bukamal's centre at zoom 14: its two incidents.
            expect(tile_count(&a.body) == 2, || format!("{}", tile_count(&a.body)))
        }},
        Case { uri: "/tiles/places/7/78/50.mvt", status: 200, content_type: "application/vnd.mapbox-vector-tile", check: |a| {
            // Deir ez-Zor's tile at zoom 7: its cities, no villages yet.
            let labels = tile_labels(&a.body);
            expect(
                labels.iter().any(|(n, _)| n == "دير الزور") && labels.iter().all(|&(_, r)| r <= 2),
                || format!("{labels:?}"),
            )
        }},
        Case { uri: "/tiles/places/11/1256/815.mvt", status: 200, content_type: "application/vnd.mapbox-vector-tile", check: |a| {
            // Close in, around Al-Bukamal: villages (rank 4) too.
            let labels = tile_labels(&a.body);
            expect(labels.iter().any(|&(_, r)| r == 4), || format!("{labels:?}"))
        }},
        Case { uri: "/ogc", status: 200, content_type: JSON, check: |a| {
            expect(a.json()["links"].as_array().map(Vec::len) == Some(5), || a.text())
        }},
        Case { uri: "/ogc/api", status: 200, content_type: "application/vnd.oai.openapi+json;version=3.0", check: |a| {
            // Where GDAL (3.8 and later) and QGIS find the page size.
            let v = a.json();
            let limit = &v["components"]["parameters"]["limit"]["schema"];
            let by_ref = &v["paths"]["/collections/incidents/items"]["get"]["parameters"][0]["$ref"];
            expect(limit["maximum"] == 10000 && by_ref == "#/components/parameters/limit", || a.text())
        }},
        Case { uri: "/ogc/collections/incidents/queryables", status: 200, content_type: JSON, check: |a| {
            expect(a.json()["properties"]["type"]["enum"].as_array().is_some_and(|t| t.len() > 5), || a.text())
        }},
        Case { uri: "/ogc/collections/incidents/items?limit=1&filter=type%20IN%20(%27airstrike%27,%27raid_arrest%27)", status: 200, content_type: GEOJSON, check: |a| {
            let v = a.json();
            let next = v["links"].as_array().and_then(|l| l.iter().find(|l| l["rel"] == "next")).map(|l| l["href"].to_string());
            expect(v["numberMatched"] == 2 && next.is_some_and(|n| n.contains("cursor=") && n.contains("filter=")), || format!("{v}"))
        }},
        Case { uri: "/ogc/conformance", status: 200, content_type: JSON, check: ok },
        Case { uri: "/ogc/collections", status: 200, content_type: JSON, check: |a| {
            expect(a.json()["collections"].as_array().map(Vec::len) == Some(2), || a.text())
        }},
        Case { uri: "/ogc/collections/incidents", status: 200, content_type: JSON, check: |a| {
            expect(a.json()["extent"]["temporal"]["interval"][0][0] == "2023-08-28T00:00:00Z", || a.text())
        }},
        Case { uri: "/ogc/collections/incidents/items?limit=3&offset=3", status: 200, content_type: GEOJSON, check: |a| {
            let v = a.json();
            let rels: Vec<&str> = v["links"].as_array().map(|l| l.iter().filter_map(|l| l["rel"].as_str()).collect()).unwrap_or_default();
            expect(v["numberMatched"] == 7 && rels == ["self", "next", "prev"], || format!("{v}"))
        }},
        Case { uri: "/ogc/collections/incidents/items?datetime=2024-01-01/..", status: 200, content_type: GEOJSON, check: |a| {
            expect(a.json()["numberMatched"] == 3, || a.text())
        }},
        Case { uri: "/ogc/collections/incidents/items/fx-raid", status: 200, content_type: GEOJSON, check: |a| {
            expect(a.json()["properties"]["arrested"] == 12, || a.text())
        }},
        Case { uri: "/ogc/collections/places/items?bbox=40.8,34.4,41.0,34.5&limit=5", status: 200, content_type: GEOJSON, check: |a| {
            expect(a.json()["numberMatched"].as_u64().unwrap_or(0) > 0, || a.text())
        }},
    ]
}

#[tokio::test]
async fn every_route_answers_as_specified() {
    let (_dir, app) = app(Some("t0ken"), 4096);
    let mut failures = Vec::new();
    for case in cases() {
        let a = get(&app, case.uri).await;
        if a.status.as_u16() != case.status {
            failures.push(format!("{}: status {} ({})", case.uri, a.status, a.text()));
        } else if !a.content_type.starts_with(case.content_type) {
            failures.push(format!("{}: content type {:?}", case.uri, a.content_type));
        } else if let Err(why) = (case.check)(&a) {
            failures.push(format!("{}: {why}", case.uri));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn every_route_has_a_case() {
    let uris: Vec<&str> = cases().iter().map(|c| c.uri).collect();
    let routes = marsad_server::documented_routes();
    assert!(routes.len() >= 24, "{routes:?}");
    for (method, path) in routes {
        if method != "get" {
            continue;
        }
        // `{x}` stands for one path segment.
        let pattern: Vec<&str> = path.split('/').collect();
        let covered = uris.iter().any(|u| {
            let u: Vec<&str> = u.split('?').next().unwrap_or("").split('/').collect();
            u.len() == pattern.len()
                && u.iter()
                    .zip(&pattern)
                    .all(|(a, b)| a == b || b.starts_with('{'))
        });
        assert!(covered, "no case for GET {path}");
    }
}

/// Posts an article that tells of one new incident, at Al-Baghuz.
async fn post_new_incident(app: &Router) {
    let text =
        "قصفت مدفعية النظام قرية الباغوز شرقي دير الزور صباح اليوم، ما أدى إلى مقتل مدنيين اثنين.";
    let posted = call(
        app,
        Method::POST,
        "/api/v1/articles?published=2024-07-01",
        Some(("text/plain", text.as_bytes().to_vec())),
    )
    .await;
    assert_eq!(posted.status, StatusCode::CREATED, "{}", posted.text());
}

#[tokio::test]
async fn tiles_revalidate_until_the_index_changes() {
    let (_dir, app) = app(Some("t0ken"), 1 << 20);
    let tile = |etag: Option<String>| {
        let mut req = Request::builder().uri("/tiles/incidents/0/0/0.mvt");
        if let Some(e) = etag {
            req = req.header(header::IF_NONE_MATCH, e);
        }
        app.clone().oneshot(req.body(Body::empty()).unwrap())
    };
    let first = tile(None).await.unwrap();
    assert_eq!(first.headers()[header::CACHE_CONTROL], "no-cache");
    let etag = first.headers()[header::ETAG].to_str().unwrap().to_string();
    let again = tile(Some(etag.clone())).await.unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // Another filter is another representation: another tag (a map client
    // that saw the same tag kept the old tile's features).
    let filtered = app
        .clone()
        .oneshot(
            Request::builder()
                .uri("/tiles/incidents/0/0/0.mvt?type=airstrike")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_ne!(filtered.headers()[header::ETAG].to_str().unwrap(), etag);
    // An article with a new incident: the tile changes, and so its tag.
    post_new_incident(&app).await;
    let after = tile(Some(etag.clone())).await.unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    assert_ne!(after.headers()[header::ETAG].to_str().unwrap(), etag);
    let body = axum::body::to_bytes(after.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(tile_count(&body), 8);
}

#[tokio::test]
async fn bad_input_gets_a_precise_error() {
    let (_dir, app) = app(Some("t0ken"), 4096);
    let cases: &[(&str, u16, &str)] = &[
        (
            "/api/v1/incidents/near?lat=95&lon=40&radius_km=5",
            400,
            "lat",
        ),
        (
            "/api/v1/incidents/near?lat=34&lon=200&radius_km=5",
            400,
            "lon",
        ),
        ("/api/v1/incidents/near?lat=34&radius_km=5", 422, "lon"),
        ("/tiles/incidents/3/9/0.mvt", 404, "no tile 3/9/0"),
        ("/tiles/incidents/3/1/1.png", 404, "tiles are"),
        ("/tiles/places/3/1/1.png", 404, "tiles are /tiles/places/"),
        ("/tiles/places/2/4/0.mvt", 404, "no tile 2/4/0"),
        (
            "/tiles/incidents/0/0/0.mvt?min_confidence=2",
            400,
            "min_confidence",
        ),
        ("/api/v1/stats/histogram?bin=year", 400, "bin"),
        ("/api/v1/stats/counts?radius_km=5", 422, "lat"),
        (
            "/api/v1/incidents/near?lat=34&lon=40&radius_km=-3",
            400,
            "radius_km",
        ),
        (
            "/api/v1/incidents/near?lat=34&lon=40&radius_km=99999",
            400,
            "radius_km",
        ),
        (
            "/api/v1/incidents/near?lat=34&lon=40&radius_km=abc",
            400,
            "radius_km",
        ),
        ("/api/v1/incidents/near?lat=34&lon=40", 422, "radius_km"),
        (
            "/api/v1/incidents/near?place=Atlantis&radius_km=5",
            422,
            "place",
        ),
        ("/api/v1/incidents/near?radius_km=5", 422, "lat"),
        ("/api/v1/incidents?bbox=41,35,40,34", 422, "bbox"),
        ("/api/v1/incidents?bbox=1,2,3,4,5,6", 400, "bbox"),
        ("/api/v1/incidents?bbox=1,2,3,+4", 400, "bbox"),
        ("/api/v1/incidents?bbox=1,2,3", 400, "bbox"),
        ("/api/v1/incidents?type=bombing", 400, "type"),
        ("/api/v1/incidents?since=2024-13-01", 400, "since"),
        // What the contract calls malformed, the server refuses: empty
        // and padded values, numbers JSON would not write, fractions where
        // a whole number is due.
        ("/api/v1/incidents?since=", 400, "since"),
        ("/api/v1/incidents?since=%202024-01-01", 400, "since"),
        ("/api/v1/incidents?geo_precision=1.5", 400, "geo_precision"),
        ("/api/v1/incidents?min_confidence=.5", 400, "min_confidence"),
        ("/api/v1/incidents?limit=%2B5", 400, "limit"),
        ("/api/v1/incidents?offset=4294967296", 400, "offset"),
        ("/api/v1/incidents?place=", 400, "place"),
        ("/api/v1/incidents?type=", 400, "type"),
        (
            "/api/v1/incidents/near?lat=34&lon=inf&radius_km=5",
            400,
            "lon",
        ),
        ("/api/v1/places?q=", 400, "q"),
        ("/api/v1/places?q=x&near=", 400, "near"),
        ("/api/v1/incidents?limit=10001", 400, "limit"),
        ("/api/v1/incidents?limit=-1", 400, "limit"),
        ("/api/v1/incidents?offset=x", 400, "offset"),
        ("/api/v1/incidents?min_confidence=2", 400, "min_confidence"),
        ("/api/v1/incidents?geo_precision=7", 400, "geo_precision"),
        ("/api/v1/incidents?sort=sideways", 400, "sort"),
        ("/api/v1/incidents?properties=some", 400, "properties"),
        ("/api/v1/layers?type=bombing", 400, "type"),
        ("/api/v1/export.csv?until=soon", 400, "until"),
        ("/api/v1/export.geojson?bbox=0,0,0", 400, "bbox"),
        ("/api/v1/places", 400, "q"),
        ("/api/v1/places?q=x&near=95,10", 400, "near"),
        ("/api/v1/places?q=x&limit=101", 400, "limit"),
        ("/api/v1/articles?limit=101", 400, "limit"),
        ("/api/v1/incidents/nope", 404, "nope"),
        ("/api/v1/places/nope", 404, "nope"),
        ("/api/v1/layers/bombs.geojson", 404, "bombs"),
        ("/api/v1/layers/airstrike.csv", 404, "airstrike.csv"),
        ("/assets/nope.js", 404, "nope.js"),
        ("/ogc/collections/cats", 404, "cats"),
        ("/ogc/collections/cats/items", 404, "cats"),
        ("/ogc/collections/incidents/items/nope", 404, "nope"),
        (
            "/ogc/collections/incidents/items?datetime=yesterday",
            400,
            "datetime",
        ),
        (
            "/ogc/collections/incidents/items?datetime=2024-02-30",
            422,
            "datetime",
        ),
        (
            "/ogc/collections/incidents/items?datetime=",
            400,
            "datetime",
        ),
        ("/ogc/collections/incidents/items?limit=x", 400, "limit"),
        ("/no/such/path", 404, "endpoint"),
    ];
    let mut failures = Vec::new();
    for &(uri, status, names) in cases {
        let a = get(&app, uri).await;
        let v = a.json();
        let message = v["error"]["message"].as_str().unwrap_or("");
        if a.status.as_u16() != status
            || !v["error"]["code"].is_string()
            || !message.contains(names)
            || !a.content_type.starts_with(JSON)
        {
            failures.push(format!("{uri}: {} {}", a.status, a.text()));
        }
    }
    // A place name past the longest searched for is refused even when lat
    // and lon leave it unused.
    let long = "%D8%A8".repeat(201); // 201 × ب
    for uri in [
        format!("/api/v1/stats/counts?lat=34&lon=40&radius_km=5&place={long}"),
        format!("/api/v1/incidents/near?place={long}&radius_km=5"),
    ] {
        let a = get(&app, &uri).await;
        if a.status != StatusCode::BAD_REQUEST || !a.text().contains("longer than 200") {
            failures.push(format!("long place: {} {}", a.status, a.text()));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    // A range that ends before it starts is well-formed and holds nothing.
    for uri in [
        "/api/v1/incidents?since=2024-05-01&until=2024-01-01",
        "/ogc/collections/incidents/items?datetime=2024-02-01/2024-01-01",
    ] {
        let a = get(&app, uri).await;
        assert_eq!(a.status, 200, "{uri}: {}", a.text());
        assert_eq!(a.json()["numberMatched"], 0, "{uri}");
    }
}

#[tokio::test]
async fn articles_are_written_only_with_the_token_and_whole() {
    let (_dir, app) = app(Some("t0ken"), 4096);
    let post = |ctype: &'static str, body: &[u8]| {
        let app = app.clone();
        let body = body.to_vec();
        async move { call(&app, Method::POST, "/api/v1/articles", Some((ctype, body))).await }
    };
    let json_body = |text: &str, published: &str| {
        serde_json::json!({"url": "https://example.test/a", "title": "خبر", "published": published, "text": text})
            .to_string()
            .into_bytes()
    };
    let cases: Vec<(&str, &'static str, Vec<u8>, u16, &str)> = vec![
        (
            "invalid UTF-8",
            "text/plain",
            b"\xd8\xa7\xff\xfe".to_vec(),
            400,
            "invalid_utf8",
        ),
        (
            "too large",
            "text/plain",
            vec![b'a'; 5000],
            413,
            "payload_too_large",
        ),
        (
            "text not a string",
            "application/json",
            br#"{"text": 3}"#.to_vec(),
            400,
            "invalid_article",
        ),
        (
            "empty JSON",
            "application/json",
            Vec::new(),
            400,
            "empty_body",
        ),
        (
            "blank text",
            "text/plain",
            b"   ".to_vec(),
            400,
            "empty_body",
        ),
        (
            "a picture",
            "image/png",
            b"x".to_vec(),
            415,
            "unsupported_media_type",
        ),
        // No store keeps a NUL (PostgreSQL's text cannot): refused alike.
        (
            "a NUL in the text",
            "text/plain",
            "قصف\0 في البوكمال".as_bytes().to_vec(),
            400,
            "invalid_text",
        ),
        (
            "a NUL in a JSON text",
            "application/json",
            json_body("قصف\u{0} في البوكمال", "2024-03-01"),
            400,
            "invalid_article",
        ),
        (
            "a bad date",
            "application/json",
            json_body("نص", "soon"),
            400,
            "invalid_article",
        ),
    ];
    let mut failures = Vec::new();
    for (what, ctype, body, status, code) in cases {
        let a = post(ctype, &body).await;
        if a.status.as_u16() != status || a.json()["error"]["code"] != code {
            failures.push(format!("{what}: {} {}", a.status, a.text()));
        }
    }
    // A NUL in the query's url or title is refused whatever the body.
    for (query, ctype, body) in [
        (
            "url=a%00b",
            "application/json",
            json_body("قصف في البوكمال", "2024-03-01"),
        ),
        (
            "title=a%00b",
            "text/plain",
            "قصف في البوكمال".as_bytes().to_vec(),
        ),
    ] {
        let uri = format!("/api/v1/articles?{query}");
        let a = call(&app, Method::POST, &uri, Some((ctype, body))).await;
        if a.status != StatusCode::BAD_REQUEST || !a.text().contains("NUL") {
            failures.push(format!("{uri}: {} {}", a.status, a.text()));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert_eq!(
        get(&app, "/healthz").await.json()["incidents"],
        7,
        "nothing half-written"
    );

    // Without the token, or with another, nothing is written.
    for auth in [None, Some("Bearer wrong")] {
        let mut req = Request::post("/api/v1/articles").header(header::CONTENT_TYPE, "text/plain");
        if let Some(a) = auth {
            req = req.header(header::AUTHORIZATION, a);
        }
        let res = app
            .clone()
            .oneshot(req.body(Body::from("قصف")).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        assert_eq!(res.headers()[header::WWW_AUTHENTICATE], "Bearer");
    }

    // Stored, extracted and indexed at once; the same again changes nothing.
    let text =
        "قصفت طائرات مسيرة مجهولة مقرا للفصائل في بلدة هجين فجر أمس الأحد، ما أدى إلى مقتل عنصرين.";
    let a = post("application/json", &json_body(text, "2024-06-03")).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    let first = &a.json()["incidents"]["features"][0]["properties"];
    assert_eq!(first["place_en"], "Hajin");
    assert_eq!(first["date"], "2024-06-02");
    assert_eq!(first["killed"], 2);
    let again = post("application/json", &json_body(text, "2024-06-03")).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["new_article"], false);
    let near = get(
        &app,
        "/api/v1/incidents/near?lat=34.69&lon=40.83&radius_km=2&since=2024-06-01",
    )
    .await;
    assert_eq!(near.json()["numberMatched"], 1, "indexed at once");

    // Plain text takes its date from the query string.
    let a = call(
        &app,
        Method::POST,
        "/api/v1/articles?published=2024-06-04",
        Some((
            "text/plain",
            "اندلعت اشتباكات عنيفة صباح اليوم في بلدة ذيبان بين مسلحين."
                .as_bytes()
                .to_vec(),
        )),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text());
    assert_eq!(
        a.json()["incidents"]["features"][0]["properties"]["date"],
        "2024-06-04"
    );
}

#[tokio::test]
async fn without_a_token_writes_are_disabled() {
    let (_dir, app) = app(None, 4096);
    let a = call(
        &app,
        Method::POST,
        "/api/v1/articles",
        Some(("text/plain", "قصف".as_bytes().to_vec())),
    )
    .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.json()["error"]["code"], "writes_disabled");
}

/// The documents Marsad serves, as bytes a client sees. A change here is a
/// change for every map, GIS tool and script that reads them: review the
/// new snapshot (`cargo insta review`) before accepting it.
#[tokio::test]
async fn served_documents() {
    let (_dir, app) = app(Some("t0ken"), 4096);
    let json = |a: Answer| -> Value { a.json() };
    insta::assert_json_snapshot!("incidents", json(get(&app, "/api/v1/incidents").await));
    insta::assert_json_snapshot!(
        "incidents_near",
        json(
            get(
                &app,
                "/api/v1/incidents/near?lat=34.45&lon=40.92&radius_km=50&properties=min"
            )
            .await
        )
    );
    insta::assert_json_snapshot!(
        "incident_with_sources",
        json(get(&app, "/api/v1/incidents/fx-strike").await)
    );
    insta::assert_json_snapshot!("layers", json(get(&app, "/api/v1/layers").await));
    insta::assert_json_snapshot!(
        "layer_places",
        json(get(&app, "/api/v1/layers/places.geojson").await)
    );
    insta::assert_snapshot!("export_csv", get(&app, "/api/v1/export.csv").await.text());
    insta::assert_json_snapshot!("openapi", json(get(&app, "/api/v1/openapi.json").await), {
        ".info.version" => "[version]",
    });
    insta::assert_json_snapshot!("ogc_landing", json(get(&app, "/ogc").await));
    insta::assert_json_snapshot!("ogc_conformance", json(get(&app, "/ogc/conformance").await));
    insta::assert_json_snapshot!("ogc_collections", json(get(&app, "/ogc/collections").await));
    insta::assert_json_snapshot!(
        "ogc_items",
        json(get(&app, "/ogc/collections/incidents/items?limit=2&bbox=40,34,41.5,35.5").await),
        { ".timeStamp" => "[time]" }
    );
    insta::assert_json_snapshot!(
        "ogc_item",
        json(get(&app, "/ogc/collections/incidents/items/fx-clash").await)
    );
    insta::assert_json_snapshot!(
        "error",
        json(get(&app, "/api/v1/incidents?type=bombing").await)
    );
}

/// A database of `n` incidents spread over the Euphrates valley, made
/// without articles (as `marsad db restore` may load them).
fn many(n: usize) -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let day0: chrono::NaiveDate = "2023-01-01".parse().unwrap();
    let incidents: Vec<Incident> = (0..n)
        .map(|i| Incident {
            id: format!("many-{i:06}"),
            event_type: EventType::ALL[i % 4],
            date: Some(day0 + chrono::Days::new((i % 600) as u64)),
            date_precision: DatePrecision::Day,
            date_text: None,
            place: Some(Place {
                id: format!("test:{}", i % 97),
                name_ar: "موقع".into(),
                name_en: None,
                admin1: None,
                admin2: None,
                lat: 34.0 + (i % 101) as f64 * 0.01,
                lon: 40.0 + (i % 103) as f64 * 0.01,
            }),
            geo_precision: GeoPrecision::PLACE,
            actors: vec![],
            targets: vec![],
            people: vec![],
            counts: Counts::default(),
            confidence: 0.8,
            source_count: 1,
            reported: None,
            sources: vec![],
            status: Default::default(),
        })
        .collect();
    let mut store = marsad_store::Store::open(&db).unwrap();
    store.restore(&[], &incidents, &mut || {}).unwrap();
    drop(store);
    let state = AppState::open(gazetteer(), &db.as_path().into(), Config::default()).unwrap();
    (dir, marsad_server::router(state))
}

#[tokio::test]
async fn downloads_hold_every_incident_past_the_page_limit() {
    let n = marsad_server::MAX_LIMIT + 2_345;
    let (_dir, app) = many(n);
    let all = get(&app, "/api/v1/export.geojson").await;
    assert_eq!(all.status, StatusCode::OK);
    let v = all.json();
    assert_eq!(v["numberMatched"], n);
    assert_eq!(v["numberReturned"], n);
    let got = ids(&v);
    assert_eq!(got.len(), n);
    assert_eq!(
        got.iter().collect::<std::collections::HashSet<_>>().len(),
        n
    );
    // Newest first, as the map lists them.
    let dates: Vec<&str> = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["date"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]));

    let csv = get(&app, "/api/v1/export.csv?type=airstrike").await;
    assert_eq!(csv.status, StatusCode::OK);
    let airstrikes = (0..n)
        .filter(|i| EventType::ALL[i % 4] == EventType::Airstrike)
        .count();
    assert_eq!(csv.text().lines().count(), airstrikes + 1);

    let layer = get(&app, "/api/v1/layers/all.geojson?limit=7&offset=12340").await;
    assert_eq!(ids(&layer.json()).len(), 5);
    let near = get(&app, "/api/v1/export.geojson?lat=34.5&lon=40.5&radius_km=5")
        .await
        .json();
    let d: Vec<f64> = near["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["distance_km"].as_f64().unwrap())
        .collect();
    assert!(!d.is_empty() && d.windows(2).all(|w| w[0] <= w[1]) && d.iter().all(|&k| k <= 5.0));
    let places = get(&app, "/api/v1/layers/places.geojson").await;
    assert_eq!(places.status, StatusCode::OK);
}

#[tokio::test]
async fn pages_revalidate_until_the_index_changes() {
    let (_dir, app) = app(Some("t0ken"), 1 << 20);
    let page = |etag: Option<String>| {
        let mut req = Request::builder().uri("/api/v1/incidents?bbox=40,34,41.5,35.5");
        if let Some(e) = etag {
            req = req.header(header::IF_NONE_MATCH, e);
        }
        app.clone().oneshot(req.body(Body::empty()).unwrap())
    };
    let first = page(None).await.unwrap();
    assert_eq!(first.headers()[header::CACHE_CONTROL], "no-cache");
    let etag = first.headers()[header::ETAG].to_str().unwrap().to_string();
    let body = axum::body::to_bytes(first.into_body(), usize::MAX)
        .await
        .unwrap();
    let before: Value = serde_json::from_slice(&body).unwrap();
    // Asked again: the same bytes (from the cache), then a 304 with the tag.
    let again = page(None).await.unwrap();
    assert_eq!(
        axum::body::to_bytes(again.into_body(), usize::MAX)
            .await
            .unwrap(),
        body
    );
    assert_eq!(
        page(Some(etag.clone())).await.unwrap().status(),
        StatusCode::NOT_MODIFIED
    );
    post_new_incident(&app).await;
    let after = page(Some(etag.clone())).await.unwrap();
    assert_eq!(after.status(), StatusCode::OK);
    assert_ne!(after.headers()[header::ETAG].to_str().unwrap(), etag);
    let body = axum::body::to_bytes(after.into_body(), usize::MAX)
        .await
        .unwrap();
    let after: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        after["numberMatched"],
        before["numberMatched"].as_u64().unwrap() + 1
    );
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let (_dir, app) = app(Some("t0ken"), 1 << 20);
    for uri in [
        "/",
        "/api/v1/incidents",
        "/api/v1/nowhere",
        "/tiles/incidents/0/0/0.mvt",
    ] {
        let res = app
            .clone()
            .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
            .await
            .unwrap();
        let h = res.headers();
        assert_eq!(
            h[header::CONTENT_SECURITY_POLICY],
            marsad_server::CONTENT_SECURITY_POLICY,
            "{uri}"
        );
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer", "{uri}");
    }
    // Nothing external, nothing inline, no framing.
    let csp = marsad_server::CONTENT_SECURITY_POLICY;
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe") && !csp.contains("http"));
}

#[tokio::test]
async fn writes_past_the_rate_limit_get_429_and_store_nothing() {
    let (_dir, app) = app_with(Config {
        token: Some("t0ken".into()),
        writes_per_second: std::num::NonZeroU32::new(1).unwrap(),
        ..Config::default()
    });
    let before = get(&app, "/api/v1/incidents").await.json()["numberMatched"].clone();
    // A burst of twice the rate goes through (here: wrong tokens, which
    // count too, so guessing the token is as slow as writing).
    for _ in 0..2 {
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/v1/articles")
            .header(header::CONTENT_TYPE, "text/plain")
            .header(header::AUTHORIZATION, "Bearer guess");
        let res = app
            .clone()
            .oneshot(req.body(Body::from("نص")).unwrap())
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    }
    let text = "قصفت مدفعية النظام قرية الباغوز شرقي دير الزور صباح اليوم.";
    let limited = call(
        &app,
        Method::POST,
        "/api/v1/articles",
        Some(("text/plain", text.as_bytes().to_vec())),
    )
    .await;
    assert_eq!(
        limited.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        limited.text()
    );
    assert_eq!(limited.json()["error"]["code"], "too_many_requests");
    let after = get(&app, "/api/v1/incidents").await.json()["numberMatched"].clone();
    assert_eq!(before, after);
}

/// The headers of an answer to `method uri` sent with an `Origin`.
async fn from_origin(
    app: &Router,
    method: Method,
    uri: &str,
    origin: &str,
) -> axum::http::HeaderMap {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(
            header::ACCESS_CONTROL_REQUEST_HEADERS,
            "authorization,content-type",
        )
        .body(Body::empty())
        .unwrap();
    app.clone().oneshot(req).await.unwrap().headers().clone()
}

#[tokio::test]
async fn other_sites_read_the_api_only_as_configured() {
    let allow = header::ACCESS_CONTROL_ALLOW_ORIGIN;
    // By default no other site may read an answer.
    let (_dir, app) = app(None, 1 << 20);
    let h = from_origin(
        &app,
        Method::GET,
        "/api/v1/layers",
        "https://elsewhere.example",
    )
    .await;
    assert!(h.get(&allow).is_none(), "{h:?}");

    let cors = marsad_server::Cors::from_origins(&["https://dash.example".into()]).unwrap();
    let (_dir, app) = app_with(Config {
        cors,
        ..Config::default()
    });
    let h = from_origin(&app, Method::GET, "/api/v1/layers", "https://dash.example").await;
    assert_eq!(h[&allow], "https://dash.example");
    assert!(h[header::ACCESS_CONTROL_EXPOSE_HEADERS]
        .to_str()
        .unwrap()
        .contains("etag"));
    // Its preflight for a write is answered; the write still needs the token.
    let h = from_origin(
        &app,
        Method::OPTIONS,
        "/api/v1/articles",
        "https://dash.example",
    )
    .await;
    assert_eq!(h[&allow], "https://dash.example");
    let allowed = h[header::ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        allowed.contains("authorization") && allowed.contains("content-type"),
        "{allowed}"
    );
    // Another origin is not named.
    let h = from_origin(
        &app,
        Method::GET,
        "/api/v1/layers",
        "https://elsewhere.example",
    )
    .await;
    assert!(h.get(&allow).is_none(), "{h:?}");

    // Origins are checked when the server starts.
    for bad in [
        vec!["dash.example".to_string()],
        vec!["https://dash.example/path".into()],
        vec!["*".into(), "https://dash.example".into()],
        vec!["ftp://dash.example".into()],
    ] {
        assert!(marsad_server::Cors::from_origins(&bad).is_err(), "{bad:?}");
    }
    assert_eq!(
        marsad_server::Cors::from_origins(&["*".into()]),
        Ok(marsad_server::Cors::Any)
    );
}

#[tokio::test]
async fn pages_assembled_from_kept_features_equal_pages_written_afresh() {
    let (_dir, app) = app(Some("t0ken"), 1 << 20);
    // The first page writes its features and keeps them; a page asked in
    // other words (so not the kept page) is assembled from them.
    let fresh = get(&app, "/api/v1/incidents?limit=5").await.json();
    let assembled = get(&app, "/api/v1/incidents?offset=0&limit=5").await.json();
    assert_eq!(fresh["features"], assembled["features"]);
    assert_eq!(assembled["numberReturned"], 5);
    // Part kept, part new.
    let wider = get(&app, "/api/v1/incidents?limit=7").await.json();
    assert_eq!(
        wider["features"].as_array().unwrap()[..5],
        fresh["features"].as_array().unwrap()[..]
    );
    assert_eq!(ids(&wider).len(), 7);
    // Distances and minimal properties are written for their page alone.
    let near = get(
        &app,
        "/api/v1/incidents/near?place=البوكمال&radius_km=50&limit=3",
    )
    .await
    .json();
    assert!(
        near["features"][0]["properties"]["distance_km"].is_number(),
        "{near}"
    );
    let min = get(&app, "/api/v1/incidents?limit=5&properties=min")
        .await
        .json();
    assert!(
        min["features"][0]["properties"]["actors"].is_null(),
        "{min}"
    );
    // A write renews the index: the next page shows the new incident.
    post_new_incident(&app).await;
    let after = get(&app, "/api/v1/incidents?limit=5&sort=-date&offset=0")
        .await
        .json();
    assert_eq!(
        after["numberMatched"],
        fresh["numberMatched"].as_u64().unwrap() + 1
    );
    let all = get(&app, "/api/v1/incidents?limit=100&offset=0")
        .await
        .json();
    assert!(
        all["features"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["properties"]["place_en"]
                .as_str()
                .is_some_and(|p| p.contains("Baghuz"))),
        "{all}"
    );
}

#[tokio::test]
async fn metrics_are_off_the_public_router_unless_asked_and_parse_as_prometheus_text() {
    let (_dir, app) = app(Some("t0ken"), 1 << 20);
    let off = get(&app, "/metrics").await;
    assert_eq!(off.status, StatusCode::NOT_FOUND);

    let (_dir, app) = app_with(Config {
        token: Some("t0ken".into()),
        metrics: marsad_server::MetricsAt::Public,
        ..Config::default()
    });
    let text = get(&app, "/metrics").await.text();
    let requests = |text: &str, status: &str| {
        common::metric(
            text,
            "marsad_http_requests_total",
            &[("route", "/api/v1/incidents/{id}"), ("status", status)],
        )
    };
    let ingested = |text: &str| {
        common::metric(
            text,
            "marsad_articles_ingested_total",
            &[("outcome", "new")],
        )
    };
    let (ok0, missing0, new0) = (
        requests(&text, "200"),
        requests(&text, "404"),
        ingested(&text),
    );
    assert_eq!(
        get(&app, "/api/v1/incidents/fx-strike").await.status,
        StatusCode::OK
    );
    assert_eq!(
        get(&app, "/api/v1/incidents/none").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&app, "/api/v1/incidents/none-either").await.status,
        StatusCode::NOT_FOUND
    );
    post_new_incident(&app).await;

    let scraped = get(&app, "/metrics").await;
    assert_eq!(scraped.status, StatusCode::OK);
    assert!(
        scraped
            .content_type
            .starts_with("text/plain; version=0.0.4"),
        "{}",
        scraped.content_type
    );
    let text = scraped.text();
    // Other tests in this process count through the same recorder, so
    // only differences are certain.
    assert_eq!(requests(&text, "200") - ok0, 1.0, "{text}");
    assert_eq!(requests(&text, "404") - missing0, 2.0, "{text}");
    assert!(ingested(&text) - new0 >= 1.0, "{text}");
    assert!(
        common::metric(&text, "marsad_index_incidents", &[]) >= 1.0,
        "{text}"
    );
    for family in [
        "marsad_http_request_duration_seconds",
        "marsad_sync_lag_seconds",
        "marsad_last_change",
        "marsad_incidents_ingested_total",
    ] {
        assert!(
            text.contains(&format!("# TYPE {family}")),
            "{family} missing:\n{text}"
        );
    }
    assert!(
        text.contains("marsad_http_request_duration_seconds_bucket{"),
        "latency is a histogram:\n{text}"
    );
}

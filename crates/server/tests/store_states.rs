//! Stores of every shape, every route (a property test).
//!
//! proptest makes stores (empty; one incident; all undated; all at one
//! point; at the edges of the coordinate range; one type; dates at the
//! limits the parsers accept; many sources on one incident; a mix) and asks
//! every route of the router in-process, with generated filters, areas,
//! pages, tiles and a write. Each answer must have a status the OpenAPI
//! document lists for its operation, never a server error, and a body its
//! schema accepts (GeoJSON also as RFC 7946 has it); and the endpoints must
//! agree with each other and with the store: `numberMatched`, stats counts,
//! layers, the histogram, tile cluster sums, CSV rows, downloads, the OGC
//! collection's extent.
//!
//! `MARSAD_STATE_CASES` sets the number of stores (default 10,000, split
//! between two tests that run side by side).

#![allow(clippy::unwrap_used)] // a panic is how a test fails

mod common;
mod contract;

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{header, Method, Request};
use axum::Router;
use chrono::NaiveDate;
use marsad_model::{
    Actor, ActorKind, Article, Counts, DatePrecision, EventType, Format, GeoPrecision, Incident,
    IncidentQuery, Place, Source,
};
use marsad_server::{AppState, Config};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config as Cases, TestCaseError, TestRunner};
use serde_json::Value;
use tower::ServiceExt;

use common::{gazetteer, tile_count};
use contract::{Answer, Contract};

const TOKEN: &str = "states-t0ken";

/// Latitudes at and near the edges: the poles, either side of Web
/// Mercator's limit (±85.0511°), the equator.
const EDGE_LATS: [f64; 7] = [-90.0, 90.0, -85.06, 85.06, -85.05, 85.05, 0.0];
/// Longitudes at and near the antimeridian, and the prime meridian.
const EDGE_LONS: [f64; 5] = [-180.0, 180.0, -179.9999, 179.9999, 0.0];
/// Dates at the limits `YYYY-MM-DD` can write, and the index's day zero.
const DATE_LIMITS: [&str; 4] = ["0000-01-01", "0000-01-03", "9999-12-31", "1970-01-01"];

/// The places of the gazetteer a store's incidents may be at: those of
/// the region Marsad watches (so places layers and `place=` find them).
fn region_places() -> &'static [usize] {
    static AT: OnceLock<Vec<usize>> = OnceLock::new();
    AT.get_or_init(|| {
        gazetteer()
            .places()
            .iter()
            .enumerate()
            .filter(|(_, p)| (34.0..36.0).contains(&p.lat) && (39.5..41.5).contains(&p.lon))
            .map(|(i, _)| i)
            .take(60)
            .collect()
    })
}

/// What a store is made to be.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    Empty,
    One,
    Undated,
    OnePoint,
    Edges,
    OneType,
    DateLimits,
    ManySources,
    Mixed,
}

/// Where an incident is: a gazetteer place, or a point of its own.
#[derive(Debug, Clone, Copy)]
enum At {
    Nowhere,
    Listed(usize),
    Point(f64, f64),
}

/// One incident as an article tells it.
#[derive(Debug, Clone)]
struct Told {
    ty: EventType,
    date: Option<NaiveDate>,
    precision: DatePrecision,
    at: At,
    geo: u8,
    /// Bits: which of [`parties`] are actors (low three) and targets.
    parties: u8,
    counts: [Option<u32>; 3],
    confidence: f32,
}

/// A store: articles (with their publication day) and what each tells.
#[derive(Debug, Clone)]
struct World {
    shape: Shape,
    articles: Vec<(Option<NaiveDate>, Vec<Told>)>,
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn any_date() -> impl Strategy<Value = Option<NaiveDate>> {
    prop_oneof![
        2 => Just(None),
        6 => (0u64..365 * 8).prop_map(|d| Some(day("2019-01-01") + chrono::Days::new(d))),
        1 => select(&DATE_LIMITS[..]).prop_map(|d| Some(day(d))),
    ]
}

fn limit_date() -> impl Strategy<Value = Option<NaiveDate>> {
    select(&DATE_LIMITS[..]).prop_map(|d| Some(day(d)))
}

fn listed() -> impl Strategy<Value = At> {
    select(region_places()).prop_map(At::Listed)
}

fn edge() -> impl Strategy<Value = At> {
    (select(&EDGE_LATS[..]), select(&EDGE_LONS[..])).prop_map(|(lat, lon)| At::Point(lat, lon))
}

fn any_at() -> impl Strategy<Value = At> {
    prop_oneof![
        1 => Just(At::Nowhere),
        5 => listed(),
        2 => (-90.0..=90.0f64, -180.0..=180.0f64).prop_map(|(lat, lon)| At::Point(lat, lon)),
        1 => edge(),
    ]
}

fn count() -> impl Strategy<Value = Option<u32>> {
    prop_oneof![
        3 => Just(None),
        3 => (0u32..40).prop_map(Some),
        1 => Just(Some(u32::MAX)),
    ]
}

fn told(
    ty: impl Strategy<Value = EventType>,
    date: impl Strategy<Value = Option<NaiveDate>>,
    at: impl Strategy<Value = At>,
) -> impl Strategy<Value = Told> {
    (
        ty,
        date,
        select(
            &[
                DatePrecision::Day,
                DatePrecision::Week,
                DatePrecision::Month,
            ][..],
        ),
        at,
        1u8..=3,
        any::<u8>(),
        [count(), count(), count()],
        prop_oneof![Just(0.0f32), Just(1.0f32), 0.0f32..=1.0],
    )
        .prop_map(
            |(ty, date, precision, at, geo, parties, counts, confidence)| Told {
                ty,
                precision: if date.is_some() {
                    precision
                } else {
                    DatePrecision::Unknown
                },
                date,
                at,
                geo,
                parties,
                counts,
                confidence,
            },
        )
}

fn any_type() -> impl Strategy<Value = EventType> {
    select(&EventType::ALL[..])
}

/// Articles, each telling up to `per` of `tell`, published on `published`.
fn articles(
    n: std::ops::RangeInclusive<usize>,
    per: std::ops::RangeInclusive<usize>,
    published: impl Strategy<Value = Option<NaiveDate>>,
    tell: impl Strategy<Value = Told>,
) -> impl Strategy<Value = Vec<(Option<NaiveDate>, Vec<Told>)>> {
    prop::collection::vec((published, prop::collection::vec(tell, per)), n)
}

fn world() -> impl Strategy<Value = World> {
    let shape = |s: Shape, a: BoxedStrategy<Vec<(Option<NaiveDate>, Vec<Told>)>>| {
        a.prop_map(move |articles| World { shape: s, articles })
    };
    prop_oneof![
        shape(
            Shape::Empty,
            articles(
                0..=2,
                0..=0,
                any_date(),
                told(any_type(), any_date(), any_at())
            )
            .boxed()
        ),
        shape(
            Shape::One,
            articles(
                1..=1,
                1..=1,
                any_date(),
                told(any_type(), any_date(), listed())
            )
            .boxed()
        ),
        shape(
            Shape::Undated,
            articles(
                1..=4,
                1..=4,
                Just(None),
                told(any_type(), Just(None), any_at())
            )
            .boxed()
        ),
        shape(
            Shape::OnePoint,
            (any_at(), 1usize..=4)
                .prop_flat_map(|(at, n)| articles(
                    n..=n,
                    1..=4,
                    any_date(),
                    told(any_type(), any_date(), Just(at))
                ))
                .boxed()
        ),
        shape(
            Shape::Edges,
            articles(
                1..=3,
                1..=5,
                any_date(),
                told(any_type(), any_date(), edge())
            )
            .boxed()
        ),
        shape(
            Shape::OneType,
            any_type()
                .prop_flat_map(|t| articles(
                    1..=3,
                    1..=5,
                    any_date(),
                    told(Just(t), any_date(), any_at())
                ))
                .boxed()
        ),
        shape(
            Shape::DateLimits,
            articles(
                1..=3,
                1..=4,
                limit_date(),
                told(any_type(), limit_date(), any_at())
            )
            .boxed()
        ),
        shape(
            Shape::ManySources,
            (
                told(
                    any_type(),
                    any_date().prop_filter("dated", Option::is_some),
                    listed()
                ),
                2usize..=6
            )
                .prop_map(|(t, n)| { (0..n).map(|_| (t.date, vec![t.clone()])).collect() })
                .boxed()
        ),
        shape(
            Shape::Mixed,
            articles(
                1..=4,
                0..=5,
                any_date(),
                told(any_type(), any_date(), any_at())
            )
            .boxed()
        ),
    ]
}

/// The actors and targets a store's incidents have.
fn parties() -> [Actor; 3] {
    let actor = |id: &str, ar: &str, en: &str, kind| Actor {
        id: id.into(),
        name_ar: ar.into(),
        name_en: en.into(),
        kind,
    };
    [
        actor("sdf", "قسد", "SDF", ActorKind::StateForce),
        actor("irgc", "الحرس الثوري", "IRGC", ActorKind::ForeignStateForce),
        actor(
            "us_forces",
            "القوات الأمريكية",
            "US forces",
            ActorKind::ForeignStateForce,
        ),
    ]
}

/// Sentences written for this test, one per incident of an article.
const SENTENCES: [&str; 4] = [
    "قصفت طائرة مسيرة موقعا عسكريا قرب الطريق العام فجر اليوم.",
    "اندلعت اشتباكات بين مجموعتين مسلحتين في أطراف البلدة.",
    "داهمت دورية منازل في الحي واعتقلت عددا من الشبان.",
    "انفجرت عبوة ناسفة بسيارة على الطريق الواصل بين القريتين.",
];

fn place_of(at: At) -> Option<Place> {
    match at {
        At::Nowhere => None,
        At::Listed(i) => {
            let p = &gazetteer().places()[i];
            Some(Place {
                id: p.id.clone(),
                name_ar: p.name_ar.clone(),
                name_en: Some(p.name_en.clone()),
                admin1: p.admin1.clone(),
                admin2: p.admin2.clone(),
                lat: p.lat,
                lon: p.lon,
            })
        }
        At::Point(lat, lon) => Some(Place {
            id: format!("test:{lat},{lon}"),
            name_ar: "موقع".into(),
            name_en: None,
            admin1: None,
            admin2: None,
            lat,
            lon,
        }),
    }
}

/// Article `n` of a store, and its incidents as extraction would give them.
fn article(n: usize, published: Option<NaiveDate>, told: &[Told]) -> (Article, Vec<Incident>) {
    let sentences: Vec<&str> = (0..told.len().max(1))
        .map(|i| SENTENCES[(n + i) % SENTENCES.len()])
        .collect();
    let article = Article {
        url: Some(format!("https://news.example/{n}")),
        title: Some(format!("تقرير رقم {n}")),
        published,
        // The article's number makes its text, and so its id, its own.
        text: format!("{} ({n})", sentences.join(" ")),
        format: Format::Text,
    };
    let who = parties();
    let mut start = 0;
    let incidents = told
        .iter()
        .zip(&sentences)
        .enumerate()
        .map(|(i, (t, sentence))| {
            let end = start + sentence.chars().count();
            let pick = |bits: u8| -> Vec<Actor> {
                (0..3)
                    .filter(|b| bits & (1 << b) != 0)
                    .map(|b| who[b].clone())
                    .collect()
            };
            let incident = Incident {
                id: format!("s{n}-{i}"),
                event_type: t.ty,
                date: t.date,
                date_precision: t.precision,
                date_text: None,
                place: place_of(t.at),
                geo_precision: GeoPrecision::new(t.geo),
                actors: pick(t.parties & 7),
                targets: pick(t.parties >> 3 & 7),
                people: vec![],
                counts: Counts {
                    killed: t.counts[0],
                    injured: t.counts[1],
                    arrested: t.counts[2],
                    ..Counts::default()
                },
                confidence: t.confidence,
                source_count: 1,
                reported: None,
                sources: vec![Source {
                    article_id: article.id(),
                    url: article.url.clone(),
                    title: article.title.clone(),
                    outlet: article.outlet(),
                    published,
                    start,
                    end,
                    evidence: (*sentence).into(),
                }],
                status: Default::default(),
            };
            start = end + 1;
            incident
        })
        .collect();
    (article, incidents)
}

/// Where stores are made: memory if the machine has it, else the disk.
fn scratch() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::Builder::new()
            .prefix("marsad-states")
            .tempdir_in(shm)
        {
            return dir;
        }
    }
    tempfile::tempdir().unwrap()
}

/// A store made as `world` says, served.
struct Served {
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
    app: Router,
    /// Every incident as stored, with its sources.
    stored: Vec<Incident>,
    articles: usize,
}

fn serve(world: &World) -> Served {
    let dir = scratch();
    let db = dir.path().join("s.db");
    let mut store = marsad_store::Store::open(&db).unwrap();
    for (n, (published, told)) in world.articles.iter().enumerate() {
        let (a, incidents) = article(n, *published, told);
        store.ingest(&a, &incidents).unwrap();
    }
    let stored = store.incidents_with_sources().unwrap();
    let articles = store.count_articles().unwrap() as usize;
    drop(store);
    let config = Config {
        token: Some(TOKEN.into()),
        writes_per_second: std::num::NonZeroU32::new(100_000).unwrap(),
        metrics: marsad_server::MetricsAt::Public,
        ..Config::default()
    };
    let state = AppState::open(gazetteer(), &db.as_path().into(), config).unwrap();
    Served {
        _dir: dir,
        db,
        app: marsad_server::router(state),
        stored,
        articles,
    }
}

/// The area a request covers.
#[derive(Debug, Clone)]
enum Area {
    All,
    Bbox([f64; 4]),
    Near(f64, f64, f64),
}

/// What the requests of a case ask, besides the store.
#[derive(Debug, Clone)]
struct Ask {
    filters: Vec<(&'static str, String)>,
    area: Area,
    near: (f64, f64, f64),
    limit: Option<usize>,
    offset: Option<usize>,
    sort: Option<&'static str>,
    bin: &'static str,
    tile: (u32, u32, u32),
    datetime: Option<String>,
    published: Option<&'static str>,
    layer: usize,
    search: &'static str,
}

fn filters() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    let date = prop_oneof![
        (0u64..365 * 8).prop_map(|d| (day("2019-01-01") + chrono::Days::new(d)).to_string()),
        select(&DATE_LIMITS[..]).prop_map(str::to_string),
    ];
    (
        proptest::option::weighted(0.3, date.clone()),
        proptest::option::weighted(0.3, date),
        proptest::option::weighted(0.3, prop::collection::vec(any_type(), 1..=3)),
        proptest::option::weighted(0.2, select(&["sdf", "irgc", "us_forces", "nobody"][..])),
        proptest::option::weighted(0.2, select(&["0", "0.5", "1"][..])),
        proptest::option::weighted(0.2, 1u8..=3),
    )
        .prop_map(|(since, until, types, actor, conf, geo)| {
            let mut f = Vec::new();
            f.extend(since.map(|d| ("since", d)));
            f.extend(until.map(|d| ("until", d)));
            f.extend(types.map(|t| {
                let names: Vec<&str> = t.iter().map(|t| t.as_str()).collect();
                ("type", names.join(","))
            }));
            f.extend(actor.map(|a| ("actor", a.to_string())));
            f.extend(conf.map(|c| ("min_confidence", c.to_string())));
            f.extend(geo.map(|g| ("geo_precision", g.to_string())));
            f
        })
}

fn near() -> impl Strategy<Value = (f64, f64, f64)> {
    let centre = prop_oneof![
        listed().prop_map(|at| match at {
            At::Listed(i) => (gazetteer().places()[i].lat, gazetteer().places()[i].lon),
            _ => (0.0, 0.0),
        }),
        (select(&EDGE_LATS[..]), select(&EDGE_LONS[..])),
        (-90.0..=90.0f64, -180.0..=180.0f64),
    ];
    (centre, select(&[0.001, 1.0, 25.0, 500.0, 20_000.0][..]))
        .prop_map(|((lat, lon), km)| (lat, lon, km))
}

fn bbox() -> impl Strategy<Value = [f64; 4]> {
    prop_oneof![
        Just([-180.0, -90.0, 180.0, 90.0]),
        Just([39.5, 34.0, 41.5, 36.0]),
        // Across the antimeridian.
        Just([170.0, -90.0, -170.0, 90.0]),
        (
            -180.0..=180.0f64,
            -90.0..=90.0f64,
            -180.0..=180.0f64,
            -90.0..=90.0f64
        )
            .prop_map(|(w, s, e, n)| [w, s.min(n), e, s.max(n)]),
    ]
}

fn ask() -> impl Strategy<Value = Ask> {
    let tile = (0u32..=22).prop_flat_map(|z| {
        let side = 1u32 << z.min(31);
        (Just(z), 0..side, 0..side)
    });
    (
        (
            filters(),
            prop_oneof![
                Just(Area::All),
                bbox().prop_map(Area::Bbox),
                near().prop_map(|(a, b, c)| Area::Near(a, b, c)),
            ],
            near(),
            proptest::option::of(select(&[0usize, 1, 2, 5, 100, 10_000][..])),
            proptest::option::weighted(0.3, select(&[0usize, 1, 3, 50][..])),
            proptest::option::of(select(&["date", "-date", "distance", "confidence"][..])),
        ),
        (
            select(&["day", "week", "month"][..]),
            tile,
            proptest::option::weighted(
                0.5,
                select(
                    &[
                        "2024-01-01/..",
                        "../2023-12-31",
                        "0000-01-01/9999-12-31",
                        "2024-03-05",
                    ][..],
                )
                .prop_map(str::to_string),
            ),
            proptest::option::of(select(&["2024-03-07", "0000-01-01", "9999-12-31"][..])),
            0usize..20,
            select(&["البوكمال", "Deir ez-Zor", "mayadin", "xq"][..]),
        ),
    )
        .prop_map(
            |(
                (filters, area, near, limit, offset, sort),
                (bin, tile, datetime, published, layer, search),
            )| Ask {
                filters,
                area,
                near,
                limit,
                offset,
                sort,
                bin,
                tile,
                datetime,
                published,
                layer,
                search,
            },
        )
}

/// `pairs` as a query string (with its `?`), empty for none.
fn query(pairs: &[(&str, String)]) -> String {
    if pairs.is_empty() {
        return String::new();
    }
    let mut s = form_urlencoded::Serializer::for_suffix(String::from("?"), 1);
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

impl Ask {
    fn area_pairs(&self) -> Vec<(&'static str, String)> {
        match self.area {
            Area::All => vec![],
            Area::Bbox([w, s, e, n]) => vec![("bbox", format!("{w},{s},{e},{n}"))],
            Area::Near(lat, lon, km) => vec![
                ("lat", lat.to_string()),
                ("lon", lon.to_string()),
                ("radius_km", km.to_string()),
            ],
        }
    }

    fn near_pairs(&self) -> Vec<(&'static str, String)> {
        let (lat, lon, km) = self.near;
        vec![
            ("lat", lat.to_string()),
            ("lon", lon.to_string()),
            ("radius_km", km.to_string()),
        ]
    }

    fn page_pairs(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        p.extend(self.limit.map(|l| ("limit", l.to_string())));
        p.extend(self.offset.map(|o| ("offset", o.to_string())));
        p.extend(self.sort.map(|s| ("sort", s.to_string())));
        p
    }

    /// Filters, then `more`.
    fn with(&self, more: &[Vec<(&'static str, String)>]) -> String {
        let mut all = self.filters.clone();
        for m in more {
            all.extend(m.iter().cloned());
        }
        query(&all)
    }

    /// The model's reading of the filters.
    fn query(&self) -> IncidentQuery {
        IncidentQuery::from_pairs(self.filters.iter().map(|(k, v)| (*k, v.as_str()))).unwrap()
    }
}

async fn call(app: &Router, method: Method, uri: &str, body: Option<&str>) -> Answer {
    answer(
        app,
        method,
        uri,
        body.map(|b| ("text/plain", b.to_string())),
    )
    .await
}

/// `method uri`, signed in with the server's token, with a body of its
/// media type.
async fn answer(app: &Router, method: Method, uri: &str, body: Option<(&str, String)>) -> Answer {
    let mut req = Request::builder()
        .method(method.clone())
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"));
    if let Some((media, _)) = &body {
        req = req.header(header::CONTENT_TYPE, *media);
    }
    let body = body.map_or_else(Body::empty, |(_, b)| Body::from(b));
    let res = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = res.status().as_u16();
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
        method,
        uri: uri.to_string(),
        status,
        content_type,
        body,
    }
}

/// A case's requests, each checked against the contract as it comes.
struct Visit<'a> {
    app: &'a Router,
    contract: &'a Contract,
    failures: Vec<String>,
}

impl Visit<'_> {
    /// `GET uri`, answered as `template`'s operation documents.
    async fn get(&mut self, template: &str, uri: &str) -> Answer {
        let a = call(self.app, Method::GET, uri, None).await;
        if let Err(why) = self.contract.check(template, &a) {
            self.failures.push(why);
        }
        a
    }

    /// A route the document does not describe: status and media type.
    async fn plain(&mut self, uri: &str, status: u16, ctype: &str) -> Answer {
        let a = call(self.app, Method::GET, uri, None).await;
        if a.status != status || !a.content_type.starts_with(ctype) {
            self.failures.push(format!(
                "GET {uri}: {} {:?}, expected {status} {ctype}",
                a.status, a.content_type
            ));
        }
        a
    }

    fn expect(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.failures.push(what());
        }
    }
}

fn number(v: &Value, key: &str) -> Option<u64> {
    v[key].as_u64()
}

/// Whether a point is as near a circle's edge as floating point can blur.
fn on_edge(lat: f64, lon: f64, (clat, clon, km): (f64, f64, f64)) -> bool {
    (distance_km(lat, lon, clat, clon) - km).abs() < 1e-6 * km.max(1.0)
}

fn distance_km(lat: f64, lon: f64, clat: f64, clon: f64) -> f64 {
    use geo::{Distance, Haversine, Point};
    Haversine.distance(Point::new(lon, lat), Point::new(clon, clat)) / 1000.0
}

/// The points with a place among `incidents`.
fn points(incidents: &[Incident]) -> Vec<&Incident> {
    incidents.iter().filter(|i| i.lat_lon().is_some()).collect()
}

/// How many of `admitted` are in `area`, if no point sits on its edge.
fn in_area(admitted: &[&Incident], area: &Area) -> Option<usize> {
    let mut n = 0;
    for i in admitted {
        let (lat, lon) = i.lat_lon()?;
        let inside = match *area {
            Area::All => true,
            Area::Bbox([w, s, e, north]) => {
                if [w, e].contains(&lon) || [s, north].contains(&lat) {
                    return None;
                }
                marsad_model::BBox {
                    min_lon: w,
                    min_lat: s,
                    max_lon: e,
                    max_lat: north,
                }
                .contains(lat, lon)
            }
            Area::Near(clat, clon, km) => {
                if on_edge(lat, lon, (clat, clon, km)) {
                    return None;
                }
                distance_km(lat, lon, clat, clon) <= km
            }
        };
        n += usize::from(inside);
    }
    Some(n)
}

/// Web Mercator's northern and southern limit, degrees.
const MERCATOR_LAT: f64 = 85.051_128_779_806_6;

/// Every route against one store, checked; then a write, and the store
/// checked again.
async fn visit(served: &Served, ask: &Ask, contract: &Contract) -> Vec<String> {
    let mut v = Visit {
        app: &served.app,
        contract,
        failures: Vec::new(),
    };
    let indexed = points(&served.stored);
    let q = ask.query();
    let admitted: Vec<&Incident> = indexed.iter().copied().filter(|i| q.accepts(i)).collect();
    let expected = in_area(&admitted, &ask.area);

    // The service, the documents, the page and its assets.
    let page = v.plain("/", 200, "text/html").await;
    let asset = String::from_utf8_lossy(&page.body)
        .split("/assets/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(str::to_string);
    if let Some(file) = asset {
        v.plain(&format!("/assets/{file}"), 200, "").await;
    }
    v.plain("/assets/none.js", 404, "application/json").await;
    v.plain("/no/such/route", 404, "application/json").await;
    for path in ["/healthz", "/api/v1/healthz"] {
        let h = v.get(path, path).await.json();
        v.expect(
            number(&h, "incidents") == Some(indexed.len() as u64),
            || format!("{path}: incidents {} of {}", h["incidents"], indexed.len()),
        );
    }
    v.get("/api/v1/openapi.json", "/api/v1/openapi.json").await;
    v.get("/ogc/api", "/ogc/api").await;
    for cid in ["incidents", "places", "nothing"] {
        v.get(
            "/ogc/collections/{cid}/queryables",
            &format!("/ogc/collections/{cid}/queryables"),
        )
        .await;
    }
    v.plain("/metrics", 200, "text/plain").await;
    v.get("/api/v1/feeds", "/api/v1/feeds").await;
    v.get("/api/v1/actors", "/api/v1/actors").await;
    let latest = v
        .get("/api/v1/articles", "/api/v1/articles?limit=100")
        .await
        .json();
    let listed = latest["articles"].as_array().map_or(0, Vec::len);
    v.expect(listed == served.articles.min(100), || {
        format!("/api/v1/articles: {listed} of {} articles", served.articles)
    });
    v.get("/basemap/admin.geojson", "/basemap/admin.geojson")
        .await;
    v.get(
        "/api/v1/basemap/places.geojson",
        "/api/v1/basemap/places.geojson",
    )
    .await;

    // Incidents: a page, the same selection counted every other way.
    let (area, page_q) = (ask.area_pairs(), ask.page_pairs());
    let uri = format!(
        "/api/v1/incidents{}",
        ask.with(&[area.clone(), page_q.clone()])
    );
    let list = v.get("/api/v1/incidents", &uri).await;
    let matched = number(&list.json(), "numberMatched");
    if list.status == 200 {
        let returned = list.json()["features"].as_array().map_or(0, Vec::len) as u64;
        let (limit, offset) = (
            ask.limit.unwrap_or(100) as u64,
            ask.offset.unwrap_or(0) as u64,
        );
        let m = matched.unwrap_or(0);
        v.expect(returned == limit.min(m.saturating_sub(offset)), || {
            format!("{uri}: {returned} features of {m} from {offset}, {limit} a page")
        });
        if let Some(n) = expected {
            v.expect(matched == Some(n as u64), || {
                format!("{uri}: numberMatched {matched:?}, the store has {n}")
            });
        }
    }
    let same = ask.with(std::slice::from_ref(&area));
    let counts = v
        .get(
            "/api/v1/stats/counts",
            &format!("/api/v1/stats/counts{same}"),
        )
        .await;
    let total = number(&counts.json(), "total");
    if counts.status == 200 {
        let by_type: u64 = counts.json()["by_type"]
            .as_object()
            .map_or(0, |o| o.values().filter_map(Value::as_u64).sum());
        v.expect(
            (list.status != 200 || total == matched) && Some(by_type) == total,
            || {
                format!(
                    "{same}: stats total {total:?} (by type {by_type}), numberMatched {matched:?}"
                )
            },
        );
    }
    let mut hist_q = area.clone();
    hist_q.push(("bin", ask.bin.to_string()));
    let hist = v
        .get(
            "/api/v1/stats/histogram",
            &format!("/api/v1/stats/histogram{}", ask.with(&[hist_q])),
        )
        .await;
    if hist.status == 200 {
        let h = hist.json();
        let binned: u64 = h["bins"]
            .as_array()
            .map_or(0, |b| b.iter().filter_map(|b| b["count"].as_u64()).sum());
        let undated = number(&h, "undated").unwrap_or(0);
        v.expect(Some(binned + undated) == total, || {
            format!("{same}: histogram {binned} + {undated} undated, stats {total:?}")
        });
    }
    let csv = v
        .get("/api/v1/export.csv", &format!("/api/v1/export.csv{same}"))
        .await;
    if csv.status == 200 {
        let rows = csv::Reader::from_reader(csv.body.as_slice())
            .records()
            .count() as u64;
        v.expect(Some(rows) == total, || {
            format!("{same}: {rows} CSV rows, stats {total:?}")
        });
    }
    // The columnar downloads hold what the CSV holds, an empty store's as
    // valid files of no rows.
    let parquet = v
        .get(
            "/api/v1/export.parquet",
            &format!("/api/v1/export.parquet{same}"),
        )
        .await;
    if parquet.status == 200 {
        let rows = parquet::file::reader::SerializedFileReader::new(bytes::Bytes::from(
            parquet.body.clone(),
        ))
        .map(|r| {
            use parquet::file::reader::FileReader;
            r.metadata().file_metadata().num_rows() as u64
        });
        v.expect(rows.as_ref().ok() == total.as_ref(), || {
            format!("{same}: GeoParquet rows {rows:?}, stats {total:?}")
        });
    }
    let fgb = v
        .get("/api/v1/export.fgb", &format!("/api/v1/export.fgb{same}"))
        .await;
    if fgb.status == 200 {
        let count = flatgeobuf::FgbReader::open(std::io::Cursor::new(&fgb.body))
            .map(|r| r.header().features_count());
        v.expect(count.as_ref().ok() == total.as_ref(), || {
            format!("{same}: FlatGeobuf features {count:?}, stats {total:?}")
        });
    }
    let features = |a: &Answer| a.json()["features"].as_array().map(|f| f.len() as u64);
    let export = v
        .get(
            "/api/v1/export.geojson",
            &format!("/api/v1/export.geojson{same}"),
        )
        .await;
    if export.status == 200 {
        v.expect(features(&export) == total, || {
            format!("{same}: {:?} exported, stats {total:?}", features(&export))
        });
    }
    let all = v
        .get(
            "/api/v1/layers/{file}",
            &format!("/api/v1/layers/all.geojson{same}"),
        )
        .await;
    if all.status == 200 {
        v.expect(features(&all) == total, || {
            format!(
                "{same}: {:?} in the all layer, stats {total:?}",
                features(&all)
            )
        });
    }
    let places = v
        .get(
            "/api/v1/layers/{file}",
            &format!("/api/v1/layers/places.geojson{same}"),
        )
        .await;
    if places.status == 200 {
        let at_places: u64 = places.json()["features"].as_array().map_or(0, |f| {
            f.iter()
                .filter_map(|f| f["properties"]["incident_count"].as_u64())
                .sum()
        });
        v.expect(Some(at_places) == total, || {
            format!("{same}: {at_places} incidents at places, stats {total:?}")
        });
    }
    let files = [
        EventType::ALL.map(|t| t.as_str()).to_vec(),
        vec!["all", "places", "bombing"],
    ]
    .concat();
    let file = files[ask.layer % files.len()];
    v.get(
        "/api/v1/layers/{file}",
        &format!(
            "/api/v1/layers/{file}.geojson{}",
            ask.with(&[area.clone(), page_q.clone()])
        ),
    )
    .await;

    // Layers and tiles under the filters alone.
    let layers = v
        .get(
            "/api/v1/layers",
            &format!("/api/v1/layers{}", ask.with(&[])),
        )
        .await;
    if layers.status == 200 {
        let l = layers.json();
        let list = l["layers"].as_array().cloned().unwrap_or_default();
        let count = |id: &str| {
            list.iter()
                .find(|x| x["id"] == id)
                .and_then(|x| x["count"].as_u64())
        };
        let by_type: u64 = EventType::ALL
            .iter()
            .filter_map(|t| count(t.as_str()))
            .sum();
        let n = admitted.len() as u64;
        v.expect(count("all") == Some(n) && by_type == n, || {
            format!(
                "layers: all {:?}, by type {by_type}, the store {n}",
                count("all")
            )
        });
    }
    v.get(
        "/tiles/incidents.json",
        &format!("/tiles/incidents.json{}", ask.with(&[])),
    )
    .await;
    let world_tile = v
        .get(
            "/tiles/incidents/{z}/{x}/{y}.mvt",
            &format!("/tiles/incidents/0/0/0.mvt{}", ask.with(&[])),
        )
        .await;
    if world_tile.status == 200 {
        let on_map = admitted
            .iter()
            .filter(|i| i.lat_lon().is_some_and(|(lat, _)| lat.abs() < MERCATOR_LAT));
        let want = on_map.count() as u64;
        match tile_count(&world_tile.body) {
            Ok(n) => v.expect(n == want, || {
                format!(
                    "the world tile holds {n}, the store {want} on the map ({:?})",
                    ask.filters
                )
            }),
            Err(e) => v.expect(false, || format!("the world tile: {e}")),
        }
    }
    let (z, x, y) = ask.tile;
    let tile = v
        .get(
            "/tiles/incidents/{z}/{x}/{y}.mvt",
            &format!("/tiles/incidents/{z}/{x}/{y}.mvt{}", ask.with(&[])),
        )
        .await;
    if tile.status == 200 {
        if let Err(e) = tile_count(&tile.body) {
            v.expect(false, || format!("tile {z}/{x}/{y}: {e}"));
        }
    }
    v.get(
        "/tiles/places/{z}/{x}/{y}.mvt",
        &format!("/tiles/places/{z}/{x}/{y}.mvt"),
    )
    .await;

    // Near a point, and counted the same way.
    let near_q = ask.near_pairs();
    let near = v
        .get(
            "/api/v1/incidents/near",
            &format!(
                "/api/v1/incidents/near{}",
                ask.with(&[near_q.clone(), page_q.clone()])
            ),
        )
        .await;
    let near_counts = v
        .get(
            "/api/v1/stats/counts",
            &format!(
                "/api/v1/stats/counts{}",
                ask.with(std::slice::from_ref(&near_q))
            ),
        )
        .await;
    if near.status == 200 {
        let nv = near.json();
        v.expect(
            number(&nv, "numberMatched") == number(&near_counts.json(), "total"),
            || {
                format!(
                    "near {:?}: numberMatched {} but counted {}",
                    ask.near,
                    nv["numberMatched"],
                    near_counts.json()["total"]
                )
            },
        );
        let (clat, clon, km) = ask.near;
        if let Some(n) = in_area(&admitted, &Area::Near(clat, clon, km)) {
            v.expect(number(&nv, "numberMatched") == Some(n as u64), || {
                format!(
                    "near {:?}: numberMatched {}, the store {n}",
                    ask.near, nv["numberMatched"]
                )
            });
        }
        let d: Vec<f64> = nv["features"]
            .as_array()
            .map(|f| {
                f.iter()
                    .filter_map(|f| f["properties"]["distance_km"].as_f64())
                    .collect()
            })
            .unwrap_or_default();
        v.expect(d.iter().all(|&d| d <= km * (1.0 + 1e-9) + 1e-9), || {
            format!("near {:?}: distances {d:?}", ask.near)
        });
        if ask.sort.is_none() || ask.sort == Some("distance") {
            v.expect(d.windows(2).all(|w| w[0] <= w[1]), || {
                format!("near {:?}: not nearest first: {d:?}", ask.near)
            });
        }
    }
    v.get(
        "/api/v1/incidents/near",
        &format!(
            "/api/v1/incidents/near{}",
            query(&[("place", "البوكمال".into()), ("radius_km", "30".into())])
        ),
    )
    .await;

    // One incident, one place, a search.
    let id = served.stored.first().map_or("none", |i| i.id.as_str());
    let one = v
        .get("/api/v1/incidents/{id}", &format!("/api/v1/incidents/{id}"))
        .await;
    if let Some(i) = served.stored.first() {
        let sources = one.json()["properties"]["sources"]
            .as_array()
            .map_or(0, Vec::len);
        v.expect(one.status == 200 && sources == i.sources.len(), || {
            format!(
                "/api/v1/incidents/{id}: {} with {sources} sources of {}",
                one.status,
                i.sources.len()
            )
        });
    }
    v.get(
        "/api/v1/incidents/{id}",
        "/api/v1/incidents/no-such-incident",
    )
    .await;
    v.get(
        "/api/v1/places",
        &format!("/api/v1/places{}", query(&[("q", ask.search.into())])),
    )
    .await;
    let place = &gazetteer().places()[region_places()[ask.layer % region_places().len()]];
    v.get(
        "/api/v1/places/{id}",
        &format!("/api/v1/places/{}", place.id),
    )
    .await;

    // OGC API - Features.
    v.get("/ogc", "/ogc").await;
    v.plain("/ogc/", 200, "application/json").await;
    v.get("/ogc/conformance", "/ogc/conformance").await;
    v.get("/ogc/collections", "/ogc/collections").await;
    let col = v
        .get("/ogc/collections/{cid}", "/ogc/collections/incidents")
        .await
        .json();
    let extent = &col["extent"];
    let bbox: Vec<f64> = extent["spatial"]["bbox"][0]
        .as_array()
        .map(|b| b.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    if let [w, s, e, n] = bbox[..] {
        if !indexed.is_empty() {
            v.expect(
                indexed.iter().all(|i| {
                    let (lat, lon) = i.lat_lon().unwrap();
                    (w..=e).contains(&lon) && (s..=n).contains(&lat)
                }),
                || format!("the collection's bbox {bbox:?} leaves points out"),
            );
        }
    } else {
        v.expect(false, || format!("the collection's bbox: {extent}"));
    }
    let dates: Vec<NaiveDate> = indexed.iter().filter_map(|i| i.date).collect();
    let interval = &extent["temporal"]["interval"][0];
    let want = match (dates.iter().min(), dates.iter().max()) {
        (Some(a), Some(b)) => {
            serde_json::json!([format!("{a}T00:00:00Z"), format!("{b}T23:59:59Z")])
        }
        _ => serde_json::json!([null, null]),
    };
    v.expect(*interval == want, || {
        format!("the collection's interval {interval}, the store's {want}")
    });
    v.get("/ogc/collections/{cid}", "/ogc/collections/places")
        .await;
    v.get("/ogc/collections/{cid}", "/ogc/collections/nothing")
        .await;
    let items = v
        .get(
            "/ogc/collections/{cid}/items",
            "/ogc/collections/incidents/items",
        )
        .await;
    v.expect(
        number(&items.json(), "numberMatched") == Some(indexed.len() as u64),
        || {
            format!(
                "OGC items: numberMatched {}, the store {}",
                items.json()["numberMatched"],
                indexed.len()
            )
        },
    );
    let mut ogc_q = page_q
        .iter()
        .filter(|(k, _)| *k != "sort")
        .cloned()
        .collect::<Vec<_>>();
    if let Area::Bbox([w, s, e, n]) = ask.area {
        ogc_q.push(("bbox", format!("{w},{s},{e},{n}")));
    }
    ogc_q.extend(ask.datetime.clone().map(|d| ("datetime", d)));
    for cid in ["incidents", "places"] {
        v.get(
            "/ogc/collections/{cid}/items",
            &format!("/ogc/collections/{cid}/items{}", query(&ogc_q)),
        )
        .await;
    }
    // The same types as a CQL2 filter, walked page by page along the
    // `next` links: every incident the stats count, once.
    let types: Vec<String> = ask
        .filters
        .iter()
        .filter(|(k, _)| *k == "type")
        .flat_map(|(_, v)| v.split(',').map(|t| format!("'{t}'")))
        .collect();
    if !types.is_empty() && ask.filters.iter().all(|(k, _)| *k == "type") {
        let filter = format!("type IN ({})", types.join(","));
        let mut uri = format!(
            "/ogc/collections/incidents/items?limit=40&filter={}",
            form_urlencoded::byte_serialize(filter.as_bytes()).collect::<String>()
        );
        let (mut walked, mut matched) = (std::collections::HashSet::new(), None);
        for _ in 0..1000 {
            let page = v.get("/ogc/collections/{cid}/items", &uri).await;
            if page.status != 200 {
                break;
            }
            let doc = page.json();
            matched = matched.or(number(&doc, "numberMatched"));
            for f in doc["features"].as_array().into_iter().flatten() {
                walked.insert(f["id"].to_string());
            }
            let next = doc["links"].as_array().and_then(|l| {
                l.iter()
                    .find(|l| l["rel"] == "next")
                    .and_then(|l| l["href"].as_str())
                    .map(|h| h.trim_start_matches("http://localhost").to_string())
            });
            match next {
                Some(n) => uri = n,
                None => break,
            }
        }
        let all_types = v
            .get(
                "/api/v1/stats/counts",
                &format!("/api/v1/stats/counts{}", ask.with(&[])),
            )
            .await;
        let want = number(&all_types.json(), "total");
        v.expect(matched == want && Some(walked.len() as u64) == want, || {
            format!(
                "{filter}: matched {matched:?}, walked {}, stats {want:?}",
                walked.len()
            )
        });
    }
    v.get(
        "/ogc/collections/{cid}/items/{fid}",
        &format!("/ogc/collections/incidents/items/{id}"),
    )
    .await;
    v.get(
        "/ogc/collections/{cid}/items/{fid}",
        &format!("/ogc/collections/places/items/{}", place.id),
    )
    .await;

    // A write, then the store and the server agree again.
    let mut post_q = vec![("url", "https://news.example/posted".to_string())];
    post_q.extend(ask.published.map(|d| ("published", d.to_string())));
    let text =
        "قصفت طائرة مسيرة موقعا في مدينة البوكمال شرقي دير الزور، ما أدى إلى مقتل ثلاثة عناصر.";
    let posted = call(
        &served.app,
        Method::POST,
        &format!("/api/v1/articles{}", query(&post_q)),
        Some(text),
    )
    .await;
    if let Err(why) = contract.check("/api/v1/articles", &posted) {
        v.failures.push(why);
    }
    v.expect(posted.status == 201, || {
        format!("POST: {} {}", posted.status, posted.text())
    });
    let store = marsad_store::Store::open(&served.db).unwrap();
    let now = points(&store.incidents_with_sources().unwrap()).len() as u64;
    let h = v.get("/healthz", "/healthz").await.json();
    v.expect(number(&h, "incidents") == Some(now), || {
        format!(
            "after a write: healthz {} but the store holds {now}",
            h["incidents"]
        )
    });
    review(&mut v, served).await;
    alerts(&mut v).await;
    v.failures
}

/// A user's round of alerts, whatever the store holds: made, listed,
/// read, changed, its matches and feed read, removed; and the live
/// stream's parameters checked.
async fn alerts(v: &mut Visit<'_>) {
    let body =
        r#"{"name":"office","area":{"kind":"circle","lat":35.0,"lon":40.45,"radius_km":15}}"#;
    let made = answer(
        v.app,
        Method::POST,
        "/api/v1/alerts",
        Some(("application/json", body.into())),
    )
    .await;
    if let Err(why) = v.contract.check("/api/v1/alerts", &made) {
        v.failures.push(why);
    }
    v.expect(made.status == 201, || {
        format!("POST /api/v1/alerts: {} {}", made.status, made.text())
    });
    let json = made.json();
    let id = json["id"].as_str().unwrap_or("none").to_string();
    let feed = json["feed_url"]
        .as_str()
        .unwrap_or("/alerts/none/feed.atom?key=x")
        .to_string();
    let one = format!("/api/v1/alerts/{id}");
    let asked = [
        (
            "/api/v1/alerts",
            Method::GET,
            "/api/v1/alerts".to_string(),
            None,
            200,
        ),
        ("/api/v1/alerts/{id}", Method::GET, one.clone(), None, 200),
        (
            "/api/v1/alerts/{id}",
            Method::PATCH,
            one.clone(),
            Some(r#"{"name":"renamed","filters":{"min_killed":1}}"#.to_string()),
            200,
        ),
        (
            "/api/v1/alerts/{id}/matches",
            Method::GET,
            format!("{one}/matches"),
            None,
            200,
        ),
        ("/alerts/{id}/feed.atom", Method::GET, feed, None, 200),
        (
            "/api/v1/alerts/{id}",
            Method::DELETE,
            one.clone(),
            None,
            204,
        ),
        ("/api/v1/alerts/{id}", Method::GET, one, None, 404),
        (
            "/api/v1/stream",
            Method::GET,
            "/api/v1/stream?bbox=40,34".to_string(),
            None,
            400,
        ),
    ];
    for (template, method, uri, body, want) in asked {
        let a = answer(
            v.app,
            method.clone(),
            &uri,
            body.map(|b| ("application/json", b)),
        )
        .await;
        if let Err(why) = v.contract.check(template, &a) {
            v.failures.push(why);
        }
        v.expect(a.status == want, || {
            format!("{method} {uri}: {} {}", a.status, a.text())
        });
    }
}

/// A reviewer's round on the store's first incident (or on none): its
/// review, a decision, its history, a correction; each answered as
/// documented, and the history holding what was done.
async fn review(v: &mut Visit<'_>, served: &Served) {
    let id = served.stored.first().map_or("none", |i| i.id.as_str());
    let review = format!("/api/v1/incidents/{id}/review");
    let article = served
        .stored
        .first()
        .and_then(|i| i.sources.first())
        .map_or("none", |s| s.article_id.as_str());
    // Who signs in answers whatever the store holds.
    let me = answer(v.app, Method::GET, "/api/v1/me", None).await;
    if let Err(why) = v.contract.check("/api/v1/me", &me) {
        v.failures.push(why);
    }
    v.expect(me.status == 200, || format!("/api/v1/me: {}", me.status));
    let merge = format!(r#"{{"into":"{id}"}}"#);
    let split = format!(r#"{{"article_id":"{article}","start":2147483647}}"#);
    // (template, method, uri, body, the status with incidents stored).
    let asked = [
        (
            "/api/v1/articles/{id}",
            Method::GET,
            format!("/api/v1/articles/{article}"),
            None,
            200,
        ),
        (
            "/api/v1/incidents/{id}/review",
            Method::GET,
            review.clone(),
            None,
            200,
        ),
        (
            "/api/v1/incidents/{id}/review",
            Method::POST,
            review,
            Some(r#"{"decision":"verify"}"#.to_string()),
            200,
        ),
        (
            "/api/v1/incidents/{id}",
            Method::PATCH,
            format!("/api/v1/incidents/{id}"),
            Some(r#"{"killed":0,"geo_precision":2}"#.to_string()),
            200,
        ),
        (
            "/api/v1/incidents/{id}/history",
            Method::GET,
            format!("/api/v1/incidents/{id}/history"),
            None,
            200,
        ),
        // Merged into itself, split of a source it does not have: refused.
        (
            "/api/v1/incidents/{id}/merge",
            Method::POST,
            format!("/api/v1/incidents/{id}/merge"),
            Some(merge),
            422,
        ),
        (
            "/api/v1/incidents/{id}/split",
            Method::POST,
            format!("/api/v1/incidents/{id}/split"),
            Some(split),
            422,
        ),
    ];
    let mut history = None;
    for (template, method, uri, body, stored) in asked {
        let a = answer(v.app, method, &uri, body.map(|b| ("application/json", b))).await;
        if let Err(why) = v.contract.check(template, &a) {
            v.failures.push(why);
        }
        let want = if served.stored.is_empty() {
            404
        } else {
            stored
        };
        v.expect(a.status == want, || {
            format!("{uri}: {} {}", a.status, a.text())
        });
        if template.ends_with("/history") {
            history = Some(a);
        }
    }
    if let (Some(history), false) = (history, served.stored.is_empty()) {
        let actions: Vec<String> = history.json().as_array().map_or(vec![], |h| {
            h.iter()
                .map(|e| e["action"].as_str().unwrap_or("").to_string())
                .collect()
        });
        v.expect(actions == ["verify", "edit"], || {
            format!("history of {id}: {actions:?}")
        });
    }
}

fn cases() -> u32 {
    std::env::var("MARSAD_STATE_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000)
}

/// Runs `share` of the cases (the two tests run side by side).
fn run(share: u32, of: u32) {
    let contract = Contract::new(&marsad_server::openapi_document());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let total = cases();
    let mine = total / of + u32::from(share < total % of);
    let mut runner = TestRunner::new(Cases {
        cases: mine,
        failure_persistence: None,
        ..Cases::default()
    });
    let shapes = std::sync::Mutex::new(std::collections::BTreeMap::<String, u32>::new());
    let result = runner.run(&(world(), ask()), |(world, ask)| {
        *shapes
            .lock()
            .unwrap()
            .entry(format!("{:?}", world.shape))
            .or_default() += 1;
        let served = serve(&world);
        let failures = rt.block_on(visit(&served, &ask, &contract));
        if failures.is_empty() {
            Ok(())
        } else {
            Err(TestCaseError::fail(failures.join("\n")))
        }
    });
    eprintln!("{mine} stores: {:?}", shapes.lock().unwrap());
    if let Err(e) = result {
        panic!("{e}");
    }
    contract.covers(&marsad_server::documented_routes());
}

#[test]
fn stores_of_every_shape_answer_every_route_as_documented_first_half() {
    run(0, 2);
}

#[test]
fn stores_of_every_shape_answer_every_route_as_documented_second_half() {
    run(1, 2);
}

//! 25 km around Al-Bukamal over 1,000,000 incidents, three ways, on the same
//! points: Marsad's in-memory R-tree (rstar, then exact haversine), SQLite's
//! R*Tree (a degree box, then the same exact filter), and PostGIS
//! `ST_DWithin` on a `geography` column under a GiST index (on the sphere, as
//! the index measures). Counts are checked equal before anything is timed.
//!
//! `MARSAD_BENCH_POSTGRES=postgres://… cargo bench --bench radius_backends`
//! (the database is used for a `bench_points` table; without the variable
//! PostGIS is left out). `scripts/pg-cluster start DIR` gives a server.

#![allow(clippy::unwrap_used)] // a panic is how a bench fails
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::io::Write as _;

use criterion::{criterion_group, criterion_main, Criterion};
use geo::{Distance, Haversine, Point};
use marsad_index::{IncidentPoint, IncidentQuery, Sort, SpatialIndex};
use rand::{rngs::StdRng, Rng, SeedableRng};

const N: usize = 1_000_000;
const AL_BUKAMAL: (f64, f64) = (34.45, 40.91861);
const RADIUS_KM: f64 = 25.0;

/// The same points every run: a box over eastern Syria and western Iraq.
fn points() -> Vec<(f64, f64)> {
    let mut rng = StdRng::seed_from_u64(10);
    (0..N)
        .map(|_| (rng.gen_range(33.0..37.0), rng.gen_range(38.0..43.0)))
        .collect()
}

fn within(lat: f64, lon: f64) -> bool {
    let (clat, clon) = AL_BUKAMAL;
    Haversine.distance(Point::new(clon, clat), Point::new(lon, lat)) <= RADIUS_KM * 1000.0
}

fn marsad_index(points: &[(f64, f64)]) -> SpatialIndex {
    SpatialIndex::bulk_load(
        points
            .iter()
            .enumerate()
            .map(|(i, &(lat, lon))| IncidentPoint::new(&format!("i{i}"), lat, lon))
            .collect(),
    )
}

fn index_count(ix: &SpatialIndex) -> usize {
    let (lat, lon) = AL_BUKAMAL;
    ix.radius(
        lat,
        lon,
        RADIUS_KM,
        &IncidentQuery::default(),
        Sort::Distance,
        10,
        0,
    )
    .total
}

fn sqlite(points: &[(f64, f64)]) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE pts (id INTEGER PRIMARY KEY, lat REAL, lon REAL);
         CREATE VIRTUAL TABLE pts_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);",
    )
    .unwrap();
    let tx = conn.unchecked_transaction().unwrap();
    {
        let mut p = tx.prepare("INSERT INTO pts VALUES (?1, ?2, ?3)").unwrap();
        let mut r = tx
            .prepare("INSERT INTO pts_rtree VALUES (?1, ?2, ?2, ?3, ?3)")
            .unwrap();
        for (i, &(lat, lon)) in points.iter().enumerate() {
            p.execute(rusqlite::params![i as i64, lat, lon]).unwrap();
            r.execute(rusqlite::params![i as i64, lat, lon]).unwrap();
        }
    }
    tx.commit().unwrap();
    conn
}

fn sqlite_count(conn: &rusqlite::Connection) -> usize {
    let (lat, lon) = AL_BUKAMAL;
    // A box that holds the circle (widened a little for the R*Tree's 32-bit
    // floats), then the exact distance.
    let dlat = RADIUS_KM / 110.5 + 0.001;
    let dlon = RADIUS_KM / (110.5 * lat.to_radians().cos()) + 0.001;
    let mut stmt = conn
        .prepare_cached(
            "SELECT p.lat, p.lon FROM pts_rtree r JOIN pts p ON p.id = r.id \
             WHERE r.max_lat >= ?1 AND r.min_lat <= ?2 AND r.max_lon >= ?3 AND r.min_lon <= ?4",
        )
        .unwrap();
    let rows = stmt
        .query_map([lat - dlat, lat + dlat, lon - dlon, lon + dlon], |r| {
            Ok((r.get::<_, f64>(0)?, r.get::<_, f64>(1)?))
        })
        .unwrap();
    rows.map(Result::unwrap)
        .filter(|&(a, o)| within(a, o))
        .count()
}

fn postgis(url: &str, points: &[(f64, f64)]) -> postgres::Client {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.batch_execute(
        "CREATE EXTENSION IF NOT EXISTS postgis;
         DROP TABLE IF EXISTS bench_points;
         CREATE TABLE bench_points (id bigint PRIMARY KEY, lat float8, lon float8, geog geography(Point, 4326));",
    )
    .unwrap();
    let mut w = c
        .copy_in("COPY bench_points (id, lat, lon) FROM STDIN")
        .unwrap();
    for (i, &(lat, lon)) in points.iter().enumerate() {
        writeln!(w, "{i}\t{lat}\t{lon}").unwrap();
    }
    w.finish().unwrap();
    c.batch_execute(
        "UPDATE bench_points SET geog = ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography;
         CREATE INDEX bench_points_geog ON bench_points USING gist (geog);
         ANALYZE bench_points;",
    )
    .unwrap();
    c
}

fn postgis_count(c: &mut postgres::Client) -> usize {
    let (lat, lon) = AL_BUKAMAL;
    let n: i64 = c
        .query_one(
            "SELECT count(*) FROM bench_points \
             WHERE ST_DWithin(geog, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $3, false)",
            &[&lon, &lat, &(RADIUS_KM * 1000.0)],
        )
        .unwrap()
        .get(0);
    n as usize
}

fn bench(c: &mut Criterion) {
    let points = points();
    let truth = points.iter().filter(|&&(a, o)| within(a, o)).count();
    let ix = marsad_index(&points);
    let db = sqlite(&points);
    let mut pg = std::env::var("MARSAD_BENCH_POSTGRES")
        .ok()
        .map(|url| postgis(&url, &points));
    if pg.is_none() {
        eprintln!("PostGIS left out: MARSAD_BENCH_POSTGRES is not set");
    }
    assert_eq!(index_count(&ix), truth, "Marsad's index is exact");
    assert_eq!(sqlite_count(&db), truth, "SQLite R*Tree + exact filter");
    if let Some(pg) = pg.as_mut() {
        assert_eq!(postgis_count(pg), truth, "PostGIS ST_DWithin");
    }
    eprintln!("{truth} of {N} points within {RADIUS_KM} km of Al-Bukamal");

    let mut g = c.benchmark_group("radius_25km_1m");
    g.sample_size(20);
    g.bench_function("marsad_index", |b| b.iter(|| index_count(&ix)));
    g.bench_function("sqlite_rtree_exact", |b| b.iter(|| sqlite_count(&db)));
    if let Some(pg) = pg.as_mut() {
        g.bench_function("postgis_st_dwithin", |b| b.iter(|| postgis_count(pg)));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! First cuts of incident tiles over 1,000,000 incidents spread over the
//! Euphrates valley (lon 38.5–42.5, lat 33.5–37, six years): the zoom-4,
//! zoom-6 and zoom-8 tiles over Deir ez-Zor summed from the index's grid of
//! counts, the same cut from the points, and the grid with dates that start
//! and end inside a week. Also the grid's build and one upsert.
//! `cargo bench -p marsad-tiles --bench cut`.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use marsad_index::{IncidentPoint, IncidentQuery, SpatialIndex};
use marsad_model::{DateRange, EventType};
use marsad_tiles::{cut, cut_from_points, TileId};
use rand::{rngs::StdRng, Rng, SeedableRng};

const N: usize = 1_000_000;

fn points() -> Vec<IncidentPoint> {
    let mut rng = StdRng::seed_from_u64(1);
    let day0 = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or_default();
    (0..N)
        .map(|i| {
            IncidentPoint::new(
                &format!("{:016x}", (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)),
                rng.gen_range(33.5..37.0),
                rng.gen_range(38.5..42.5),
            )
            .with_type(EventType::ALL[i % 8])
            .with_date(Some(day0 + chrono::Duration::days(rng.gen_range(0..2000))))
        })
        .collect()
}

fn tile(z: u32) -> TileId {
    // The tile of each zoom over Deir ez-Zor (40.14°E, 35.33°N).
    let n = f64::from(1u32 << z);
    let x = ((40.14 + 180.0) / 360.0 * n) as u32;
    let r = 35.33f64.to_radians();
    let y = ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n) as u32;
    TileId::new(z, x, y).unwrap_or_else(|e| panic!("{e}"))
}

fn bench(c: &mut Criterion) {
    let pts = points();
    let mut ix = SpatialIndex::bulk_load(pts.clone());
    let all = IncidentQuery::default();
    let day = |m, d| NaiveDate::from_ymd_opt(2021, m, d);
    let mid_week = IncidentQuery {
        dates: DateRange::between(day(3, 3), day(6, 24)),
        ..IncidentQuery::default()
    };

    let mut g = c.benchmark_group("tiles_1m");
    g.sample_size(10);
    for z in [4, 6, 8] {
        let t = tile(z);
        g.bench_function(format!("z{z}_grid"), |b| b.iter(|| cut(&ix, t, &all)));
        g.bench_function(format!("z{z}_points"), |b| {
            b.iter(|| cut_from_points(&ix, t, &all))
        });
    }
    g.bench_function("z4_grid_dates_mid_week", |b| {
        b.iter(|| cut(&ix, tile(4), &mid_week))
    });
    g.bench_function("upsert", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 7919) % N;
            let p = &pts[i];
            ix.upsert(IncidentPoint::new(&p.id, p.lat + 0.01, p.lon).with_type(p.event_type));
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

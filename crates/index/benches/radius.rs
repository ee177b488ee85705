//! The index over 1,000,000 incidents spread over eastern Syria and western
//! Iraq (lon 35.5–42.5, lat 32–37.5): bulk load,
//! a 25 km radius around Al-Bukamal (count; first page of 100 by distance;
//! filtered), a 1,000-incident box page, nearest.
//! `cargo bench -p marsad-index --bench radius`.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use marsad_index::{IncidentPoint, IncidentQuery as Filter, Sort, SpatialIndex};
use marsad_model::EventType;
use rand::{rngs::StdRng, Rng, SeedableRng};

const N: usize = 1_000_000;
const AL_BUKAMAL: (f64, f64) = (34.45, 40.91861);

fn points() -> Vec<IncidentPoint> {
    let mut rng = StdRng::seed_from_u64(1);
    let day0 = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or_default();
    let actors = ["sdf", "iran", "russia", "us", "isis", "regime"];
    (0..N)
        .map(|i| {
            IncidentPoint::new(
                &format!("{:016x}", (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)),
                rng.gen_range(32.0..37.5),
                rng.gen_range(35.5..42.5),
            )
            .with_type(EventType::ALL[i % EventType::ALL.len()])
            .with_date(Some(day0 + chrono::Duration::days(rng.gen_range(0..2000))))
            .with_actors(actors.iter().copied().skip(i % 6).take(i % 3))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let pts = points();
    let ix = SpatialIndex::bulk_load(pts.clone());
    let (lat, lon) = AL_BUKAMAL;
    let all = Filter::default();
    let hits = ix.radius(lat, lon, 25.0, &all, Sort::Distance, 0, 0).total;
    eprintln!("{hits} incidents within 25 km of Al-Bukamal");

    let mut g = c.benchmark_group("index_1m");
    g.sample_size(10);
    g.bench_function("bulk_load", |b| {
        b.iter_batched(
            || pts.clone(),
            |p| SpatialIndex::bulk_load(p).len(),
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();

    let mut g = c.benchmark_group("index_1m");
    g.bench_function("radius_25km_count", |b| {
        b.iter(|| ix.radius(lat, lon, 25.0, &all, Sort::Distance, 0, 0).total)
    });
    g.bench_function("radius_25km_first_100_by_distance", |b| {
        b.iter(|| {
            ix.radius(lat, lon, 25.0, &all, Sort::Distance, 100, 0)
                .total
        })
    });
    g.bench_function("radius_25km_first_100_by_date", |b| {
        b.iter(|| {
            ix.radius(lat, lon, 25.0, &all, Sort::DateDesc, 100, 0)
                .total
        })
    });
    let shelling = Filter {
        types: vec![EventType::Shelling],
        ..Filter::default()
    };
    g.bench_function("radius_25km_shelling_first_100", |b| {
        b.iter(|| {
            ix.radius(lat, lon, 25.0, &shelling, Sort::Distance, 100, 0)
                .total
        })
    });
    // About 1,000 incidents: a box of 0.2° × 0.2°.
    let bbox = [40.8, 34.35, 41.0, 34.55];
    g.bench_function("bbox_page_1000", |b| {
        b.iter(|| ix.bbox(bbox, &all, Sort::DateDesc, 1000, 0).hits.len())
    });
    g.bench_function("nearest_10", |b| {
        b.iter(|| ix.nearest(lat, lon, 10, &all).len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

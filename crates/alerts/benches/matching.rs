//! Matching incidents against standing alerts: the R-tree over the
//! alerts' areas against testing every alert in turn.
//!
//! `cargo bench -p marsad-alerts --bench matching`; figures in
//! BENCHMARKS.md.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use marsad_alerts::{Alert, AlertIndex, Area};
use marsad_model::{Counts, DatePrecision, EventType, GeoPrecision, Incident, Place, ReviewStatus};
use rand::{Rng, SeedableRng};

/// Syria and Iraq, where alerts and incidents are (about 1.2 million km²).
const SOUTH: f64 = 29.0;
const NORTH: f64 = 37.5;
const WEST: f64 = 35.5;
const EAST: f64 = 48.5;

/// `n` alerts: circles of 1–20 km (an office, a camp, a town), and one in
/// ten a box of a few km.
fn alerts(n: usize) -> Vec<Alert> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(26);
    (0..n)
        .map(|i| {
            let lat = rng.gen_range(SOUTH..NORTH);
            let lon = rng.gen_range(WEST..EAST);
            let area = if i % 10 == 0 {
                let d = rng.gen_range(0.02..0.1);
                Area::Bbox {
                    bbox: [lon, lat, lon + d, lat + d],
                }
            } else {
                Area::Circle {
                    lat,
                    lon,
                    radius_km: rng.gen_range(1.0..20.0),
                }
            };
            Alert::new(&format!("al_{i}"), "bench", "watch", area)
        })
        .collect()
}

fn incidents(n: usize) -> Vec<Incident> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(6);
    (0..n)
        .map(|i| Incident {
            id: format!("inc-{i}"),
            event_type: EventType::DroneStrike,
            date: None,
            date_precision: DatePrecision::Unknown,
            date_text: None,
            place: Some(Place {
                id: "p".into(),
                name_ar: "قرية".into(),
                name_en: None,
                admin1: None,
                admin2: None,
                lat: rng.gen_range(SOUTH..NORTH),
                lon: rng.gen_range(WEST..EAST),
            }),
            geo_precision: GeoPrecision::PLACE,
            actors: vec![],
            targets: vec![],
            people: vec![],
            counts: Counts::default(),
            confidence: 0.9,
            source_count: 1,
            reported: None,
            sources: vec![],
            status: ReviewStatus::Unreviewed,
        })
        .collect()
}

fn matching(c: &mut Criterion) {
    let mut g = c.benchmark_group("alerts");
    g.sample_size(10);

    let index = AlertIndex::new(alerts(100_000));
    let batch = incidents(10_000);
    let found: usize = batch.iter().map(|i| index.matching(i).len()).sum();
    eprintln!(
        "each incident falls in {:.0} of 100k alerts on average",
        found as f64 / 1e4
    );
    g.bench_function("10k incidents, 100k alerts, R-tree", |b| {
        b.iter(|| batch.iter().map(|i| index.matching(i).len()).sum::<usize>())
    });
    g.bench_function("10k incidents, 100k alerts, scan", |b| {
        b.iter(|| {
            batch
                .iter()
                .map(|i| {
                    let p = i.place.as_ref().map_or((0.0, 0.0), |p| (p.lat, p.lon));
                    index.at_by_scan(p.0, p.1).count()
                })
                .sum::<usize>()
        })
    });
    drop(index);

    let million = AlertIndex::new(alerts(1_000_000));
    let one = incidents(1000);
    let mut k = 0;
    g.sample_size(50);
    g.bench_function("1 incident, 1M alerts, R-tree", |b| {
        b.iter_batched(
            || {
                k = (k + 1) % one.len();
                &one[k]
            },
            |i| black_box(million.matching(i).len()),
            BatchSize::SmallInput,
        )
    });
    g.sample_size(10);
    g.bench_function("1 incident, 1M alerts, scan", |b| {
        b.iter_batched(
            || {
                k = (k + 1) % one.len();
                &one[k]
            },
            |i| {
                let p = i.place.as_ref().map_or((0.0, 0.0), |p| (p.lat, p.lon));
                black_box(million.at_by_scan(p.0, p.1).count())
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

criterion_group!(benches, matching);
criterion_main!(benches);

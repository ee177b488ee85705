//! Radius and nearest queries over 100,000 incidents.
//! `cargo bench -p marsad-index --bench radius`.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, Criterion};
use marsad_index::{IncidentPoint, IncidentQuery as Filter, Sort, SpatialIndex};
use marsad_model::EventType;
use rand::{rngs::StdRng, Rng, SeedableRng};

fn bench(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(1);
    let points: Vec<IncidentPoint> = (0..100_000)
        .map(|i| {
            IncidentPoint::new(
                &format!("i{i}"),
                rng.gen_range(32.0..38.0),
                rng.gen_range(36.0..43.0),
            )
            .with_type(
                [
                    EventType::Airstrike,
                    EventType::Shelling,
                    EventType::RaidArrest,
                ][i % 3],
            )
        })
        .collect();
    let mut g = c.benchmark_group("index");
    g.bench_function("bulk_load_100k", |b| {
        b.iter(|| SpatialIndex::bulk_load(points.clone()).len())
    });
    let ix = SpatialIndex::bulk_load(points);
    g.bench_function("radius_25km_100k", |b| {
        b.iter(|| {
            ix.radius(
                34.45,
                40.92,
                25.0,
                &Filter::default(),
                Sort::Distance,
                100,
                0,
            )
            .total
        })
    });
    let shelling = Filter {
        types: vec![EventType::Shelling],
        ..Filter::default()
    };
    g.bench_function("radius_25km_filtered_100k", |b| {
        b.iter(|| {
            ix.radius(34.45, 40.92, 25.0, &shelling, Sort::Distance, 100, 0)
                .total
        })
    });
    g.bench_function("nearest_10_100k", |b| {
        b.iter(|| ix.nearest(34.45, 40.92, 10, &Filter::default()).len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! GeoJSON and CSV serialisation of incidents as a listing reads them:
//! `cargo bench -p marsad-formats --bench geojson`. Throughput is in
//! bytes of output.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use marsad_formats::{AcledWriter, IncidentCollectionWriter, IncidentFeature};

#[path = "support/sample.rs"]
mod sample;

const N: usize = 10_000;

fn geojson(incidents: &[marsad_model::Incident], minimal: bool) -> Vec<u8> {
    let mut w = IncidentCollectionWriter::start(Vec::with_capacity(16 << 20), &Default::default())
        .expect("a Vec takes the bytes");
    for i in incidents {
        w.write(&IncidentFeature::new(i, None).minimal(minimal))
            .expect("a Vec takes the bytes");
    }
    w.finish().expect("a Vec takes the bytes")
}

fn csv(incidents: &[marsad_model::Incident]) -> Vec<u8> {
    let mut w = AcledWriter::start(Vec::with_capacity(16 << 20)).expect("a Vec takes the bytes");
    for i in incidents {
        w.write(
            i,
            Some(("https://example.org/a", "قصفت طائرة مسيّرة موقعاً.")),
        )
        .expect("a Vec takes the bytes");
    }
    w.finish().expect("a Vec takes the bytes")
}

fn serialise(c: &mut Criterion) {
    let incidents: Vec<_> = (0..N).map(sample::incident).collect();
    let mut g = c.benchmark_group("serialise_10k");
    g.throughput(Throughput::Bytes(geojson(&incidents, false).len() as u64));
    g.bench_function("geojson", |b| b.iter(|| geojson(&incidents, false)));
    g.throughput(Throughput::Bytes(geojson(&incidents, true).len() as u64));
    g.bench_function("geojson_minimal", |b| b.iter(|| geojson(&incidents, true)));
    // The path pages took before: a geojson::Feature (a JSON map) each.
    g.throughput(Throughput::Bytes(geojson(&incidents, false).len() as u64));
    g.bench_function("geojson_via_feature", |b| {
        b.iter(|| {
            let features = incidents
                .iter()
                .map(|i| marsad_formats::incident_feature(i, None))
                .collect();
            marsad_formats::collection(features, Default::default()).to_string()
        })
    });
    g.throughput(Throughput::Bytes(csv(&incidents).len() as u64));
    g.bench_function("csv", |b| b.iter(|| csv(&incidents)));
    g.finish();
}

criterion_group!(benches, serialise);
criterion_main!(benches);

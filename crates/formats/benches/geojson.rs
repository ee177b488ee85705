//! GeoJSON, CSV, GeoParquet and FlatGeobuf serialisation of incidents as a
//! listing reads them: `cargo bench -p marsad-formats --bench geojson`.
//! Throughput is in incidents (the files' sizes differ tenfold).
#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use marsad_formats::{
    AcledWriter, FgbFile, IncidentCollectionWriter, IncidentFeature, ParquetWriter,
};

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
        w.write(i, Some(SOURCE)).expect("a Vec takes the bytes");
    }
    w.finish().expect("a Vec takes the bytes")
}

const SOURCE: (&str, &str) = ("https://example.org/a", "قصفت طائرة مسيّرة موقعاً.");

fn parquet(incidents: &[marsad_model::Incident]) -> Vec<u8> {
    let mut w = ParquetWriter::start(Vec::with_capacity(4 << 20)).expect("a Vec takes the bytes");
    for i in incidents {
        w.write(i, Some(SOURCE)).expect("a Vec takes the bytes");
    }
    w.finish().expect("a Vec takes the bytes")
}

fn fgb(incidents: &[marsad_model::Incident]) -> Vec<u8> {
    let mut f = FgbFile::new().expect("a temporary file");
    for i in incidents {
        f.add(i).expect("a temporary file takes the feature");
    }
    let mut out = Vec::with_capacity(8 << 20);
    f.write(&mut out).expect("a Vec takes the bytes");
    out
}

/// Every format over the same incidents, per incident.
fn formats(c: &mut Criterion) {
    let incidents: Vec<_> = (0..100_000).map(sample::incident).collect();
    let mut g = c.benchmark_group("formats_100k");
    g.sample_size(10);
    g.throughput(Throughput::Elements(incidents.len() as u64));
    g.bench_function("geojson", |b| b.iter(|| geojson(&incidents, false)));
    g.bench_function("csv", |b| b.iter(|| csv(&incidents)));
    g.bench_function("geoparquet", |b| b.iter(|| parquet(&incidents)));
    g.bench_function("flatgeobuf", |b| b.iter(|| fgb(&incidents)));
    g.finish();
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

criterion_group!(benches, serialise, formats);
criterion_main!(benches);

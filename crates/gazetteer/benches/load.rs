//! Start-up cost of the bundled gazetteer: decompress, parse, index.
#![allow(missing_docs)] // criterion_group! generates undocumented items
use criterion::{criterion_group, criterion_main, Criterion};

fn load(c: &mut Criterion) {
    let mut g = c.benchmark_group("gazetteer");
    g.sample_size(20);
    g.bench_function("load_bundled", |b| {
        b.iter(|| marsad_gazetteer::Gazetteer::bundled().map(|g| g.len()))
    });
    g.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);

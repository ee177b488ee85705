//! Extraction throughput (geoparsing included), one article at a time.
//! `cargo bench -p marsad-extract --bench extract`.
#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use marsad_extract::{Article, Extractor, Intake};
use marsad_gazetteer::Gazetteer;

fn articles() -> Vec<String> {
    let src = include_str!("../../../tests/fixtures/extract/incidents.txt");
    let mut out: Vec<String> = src
        .split("\n=== ")
        .skip(1)
        .filter_map(|b| {
            b.split_once('\n')
                .and_then(|(_, rest)| rest.split_once("--- expect"))
                .map(|(t, _)| t.trim().to_string())
        })
        .collect();
    if let Ok(dir) =
        std::fs::read_dir("../../../shared/seeds").or_else(|_| std::fs::read_dir("../shared/seeds"))
    {
        out.extend(
            dir.flatten()
                .filter_map(|e| std::fs::read_to_string(e.path()).ok()),
        );
    }
    out
}

fn bench(c: &mut Criterion) {
    let gaz = Gazetteer::bundled().expect("bundled gazetteer");
    let ex = Extractor::new(&gaz);
    let published = chrono::NaiveDate::from_ymd_opt(2024, 1, 15);
    let texts = articles();
    let parsed: Vec<Article> = texts
        .iter()
        .map(|t| Article::from_text(t, published))
        .collect();
    let mut g = c.benchmark_group("extract");
    g.throughput(Throughput::Bytes(
        texts.iter().map(String::len).sum::<usize>() as u64,
    ));
    g.bench_function("articles", |b| {
        b.iter(|| {
            parsed
                .iter()
                .map(|a| ex.extract(a).incidents.len())
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

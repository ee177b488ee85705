//! Geocoding throughput on Arabic news text, one article at a time.
//!
//! The corpus is the project's own annotated sentences (markup stripped),
//! grouped into article-sized texts; when `../shared/seeds` is present its
//! articles are measured too. `cargo bench --bench geocode`.

#![allow(clippy::unwrap_used)] // a panic is how a bench fails
#![allow(missing_docs)] // criterion_group! generates undocumented items

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use marsad_gazetteer::Gazetteer;
use marsad_geoparse::Geoparser;

fn own_articles() -> Vec<String> {
    let fixture = include_str!("../tests/fixtures/geoparse/annotated.txt");
    let plain: Vec<String> = fixture
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut out = String::new();
            let mut rest = l;
            while let Some(a) = rest.find("[[") {
                out.push_str(&rest[..a]);
                let after = &rest[a + 2..];
                let b = after.find("]]").unwrap_or(after.len());
                out.push_str(after[..b].split('|').next().unwrap_or(""));
                rest = after.get(b + 2..).unwrap_or("");
            }
            out.push_str(rest);
            out
        })
        .collect();
    // About 5 KB per article, like a news report.
    plain.chunks(25).map(|c| c.join("\n")).collect()
}

fn bench(c: &mut Criterion) {
    let gaz = Gazetteer::bundled().expect("bundled gazetteer");
    let parser = Geoparser::new(&gaz);
    let mut sets = vec![("own_sentences", own_articles())];
    if let Ok(dir) = std::fs::read_dir("../shared/seeds") {
        let mut seeds: Vec<String> = dir
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        seeds.sort();
        if !seeds.is_empty() {
            sets.push(("shared_seeds", seeds));
        }
    }
    let mut g = c.benchmark_group("geocode");
    for (name, articles) in &sets {
        let bytes: usize = articles.iter().map(String::len).sum();
        g.throughput(Throughput::Bytes(bytes as u64));
        g.bench_function(*name, |b| {
            b.iter(|| {
                articles
                    .iter()
                    .map(|a| parser.geoparse(a).len())
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

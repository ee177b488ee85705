//! Ingesting one article (three incidents, each looked up among stored
//! incidents of its type nearby before it is inserted or merged) into an
//! empty store and into one of a million incidents: the merge lookup goes
//! through the R*Tree, so the two should cost about the same.
//!
//! `cargo bench -p marsad-store --bench ingest`. The million-incident store
//! is built once (about 6 minutes on 2 cores) into
//! `target/marsad-bench/store-1000000.db` and copied for each run;
//! `MARSAD_BENCH_INCIDENTS` sets another size.
#![allow(missing_docs)] // criterion_group! generates undocumented items

#[path = "../examples/support/synthetic_data.rs"]
mod synthetic_data;

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use marsad_model::{Article, Format};
use marsad_store::Store;
use synthetic_data::Uniform;

fn article(text: String) -> Article {
    Article {
        url: None,
        title: None,
        published: None,
        text,
        format: Format::Text,
    }
}

/// The store of `n` synthetic incidents, built once and kept.
fn prepared(n: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/marsad-bench");
    let path = dir.join(format!("store-{n}.db"));
    if !path.exists() {
        std::fs::create_dir_all(&dir).expect("create target/marsad-bench");
        eprintln!("building {} (once)…", path.display());
        let partial = path.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        let mut store = Store::open(&partial).expect("open");
        store
            .ingest(
                &article(format!("synthetic {n}")),
                &synthetic_data::incidents(n),
            )
            .expect("ingest");
        drop(store);
        std::fs::rename(&partial, &path).expect("rename");
    }
    path
}

fn bench(c: &mut Criterion) {
    let big: usize = std::env::var("MARSAD_BENCH_INCIDENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mut g = c.benchmark_group("store");
    g.sample_size(30);
    for n in [0, big] {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("m.db");
        if n > 0 {
            std::fs::copy(prepared(n), &db).expect("copy the prepared store");
        }
        let mut store = Store::open(&db).expect("open");
        let mut rng = Uniform::new(7);
        let mut k = 0;
        g.bench_function(format!("ingest_article_into_{n}"), |b| {
            b.iter_batched(
                || {
                    k += 1;
                    let incidents: Vec<_> = (0..3)
                        .map(|j| synthetic_data::incident(&format!("b{k}-"), j, &mut rng))
                        .collect();
                    (article(format!("bench article {k}")), incidents)
                },
                |(a, incidents)| store.ingest(&a, &incidents).expect("ingest"),
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Ingesting one article (three incidents, each looked up among stored
//! incidents of its type nearby before it is inserted or merged) into an
//! empty store and into one of a million incidents: the merge lookup goes
//! through the R*Tree, so the two should cost about the same.
//!
//! `cargo bench -p marsad-store --bench ingest`. The million-incident store
//! is built once (about 3 minutes on 2 cores) into
//! `target/marsad-bench/store-1000000.db` and copied for each run;
//! `MARSAD_BENCH_INCIDENTS` sets another size. With
//! `MARSAD_BENCH_POSTGRES=postgres://…/postgres` the same on PostgreSQL: an
//! empty database each run, and a copy of the SQLite store kept in a
//! database `marsad_bench_<n>` (copied once, a few minutes).
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
    // A store kept from an older build: migrate it once, here, not per copy.
    drop(Store::open(&path).expect("open the prepared store"));
    path
}

/// The stores to ingest into, named by backend and size: SQLite always,
/// PostgreSQL when `MARSAD_BENCH_POSTGRES` names a server.
fn stores(big: usize) -> Vec<(String, Store, Option<tempfile::TempDir>)> {
    let mut out = Vec::new();
    for n in [0, big] {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("m.db");
        if n > 0 {
            std::fs::copy(prepared(n), &db).expect("copy the prepared store");
        }
        let store = Store::open(&db).expect("open");
        out.push((format!("sqlite_ingest_article_into_{n}"), store, Some(dir)));
    }
    let Ok(url) = std::env::var("MARSAD_BENCH_POSTGRES") else {
        eprintln!("PostgreSQL left out: MARSAD_BENCH_POSTGRES is not set");
        return out;
    };
    for n in [0, big] {
        let store = postgres_store(&url, n);
        out.push((format!("postgres_ingest_article_into_{n}"), store, None));
    }
    out
}

/// A PostgreSQL store of `n` incidents on the server at `url`: empty ones
/// made afresh, full ones copied once from the SQLite store and kept.
fn postgres_store(url: &str, n: usize) -> Store {
    let name = format!("marsad_bench_{n}");
    let base = url.rsplit_once('/').expect("a database URL").0;
    let location: marsad_store::Location = format!("{base}/{name}").parse().expect("URL");
    let mut admin = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    let exists = !admin
        .query("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .expect("query")
        .is_empty();
    if exists && n > 0 {
        let store = Store::open(&location).expect("open");
        if store.count_incidents().expect("count") >= n as u64 / 2 {
            return store;
        }
    }
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .expect("drop");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create");
    let mut store = Store::open(&location).expect("open");
    if n > 0 {
        eprintln!("copying the store of {n} into {name} (once)…");
        let from = Store::open(prepared(n)).expect("open the prepared store");
        store
            .restore(
                &from.articles().expect("read"),
                &from.incidents_with_sources().expect("read"),
                &mut || {},
            )
            .expect("restore");
    }
    store
}

fn bench(c: &mut Criterion) {
    let big: usize = std::env::var("MARSAD_BENCH_INCIDENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mut g = c.benchmark_group("store");
    g.sample_size(30);
    // Kept PostgreSQL stores see every run: new articles and places each time.
    let run = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(7, |d| d.as_secs());
    for (name, mut store, _keep) in stores(big) {
        let mut rng = Uniform::new(run);
        let mut k = 0;
        g.bench_function(name, |b| {
            b.iter_batched(
                || {
                    k += 1;
                    let incidents: Vec<_> = (0..3)
                        .map(|j| synthetic_data::incident(&format!("b{run}-{k}-"), j, &mut rng))
                        .collect();
                    (article(format!("bench article {run}-{k}")), incidents)
                },
                |(a, incidents)| store.ingest(&a, &incidents).expect("ingest"),
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

/// Reading a page of records back: 1000 incidents by id, and their first
/// sources, from the store of a million (what a page of the API reads).
fn read(c: &mut Criterion) {
    let big: usize = std::env::var("MARSAD_BENCH_INCIDENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("m.db");
    std::fs::copy(prepared(big), &db).expect("copy the prepared store");
    let mut store = Store::open(&db).expect("open");
    store.map_reads().expect("map reads");
    let mut ids = Vec::new();
    let mut n = 0;
    store
        .for_each_point_since(0, |p| {
            n += 1;
            if n % (big / 1000).max(1) == 0 {
                ids.push(p.id.to_string());
            }
        })
        .expect("scan");
    let mut g = c.benchmark_group("store");
    g.sample_size(30);
    g.bench_function("sqlite_read_1000_incidents_by_id", |b| {
        b.iter(|| store.incidents(&ids).expect("read"))
    });
    g.bench_function("sqlite_first_sources_of_1000", |b| {
        b.iter(|| store.first_sources_of(&ids).expect("read"))
    });
    g.finish();
}

criterion_group!(benches, bench, read);
criterion_main!(benches);

//! Fills a new database with random incidents over eastern Syria, for load
//! tests of the API and the web map:
//! `cargo run --release -p marsad-store --example synthetic -- big.db 1000000`
//! (or a `postgres://` URL for DB).
//! Written in one transaction as a copy is (no merge lookups: the
//! incidents are distinct), made one at a time and bulk-loaded (the rows,
//! then the indexes), so ten million take minutes in a few MB of memory.

#[allow(dead_code)] // the benchmark uses the rest
#[path = "support/synthetic_data.rs"]
mod synthetic_data;

use marsad_model::{Article, Format};
use marsad_store::{Store, StoredArticle};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let db = args.next().ok_or("usage: synthetic DB COUNT")?;
    let n: usize = args.next().ok_or("usage: synthetic DB COUNT")?.parse()?;
    let article = Article {
        url: None,
        title: Some("synthetic".into()),
        published: None,
        text: format!("synthetic {n}"),
        format: Format::Text,
    };
    let started = std::time::Instant::now();
    // A file, or a PostgreSQL URL.
    let location: marsad_store::Location = db.parse()?;
    let mut store = Store::open(&location)?;
    let article = StoredArticle {
        article,
        ingested_at: "2024-01-01T00:00:00Z".into(),
    };
    let mut incidents = synthetic_data::stream(n).map(std::borrow::Cow::Owned);
    store.restore_from(&[article], &mut incidents, &mut || {})?;
    eprintln!(
        "{db}: {} incidents in {:.1} s",
        store.count_incidents()?,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

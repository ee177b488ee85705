//! Fills a database with random incidents over eastern Syria, for load tests
//! of the API and the web map:
//! `cargo run --release -p marsad-store --example synthetic -- big.db 50000`.

#[allow(dead_code)] // the benchmark uses the rest
#[path = "support/synthetic_data.rs"]
mod synthetic_data;

use marsad_model::{Article, Format};
use marsad_store::Store;

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
    let mut store = Store::open(std::path::Path::new(&db))?;
    let r = store.ingest(&article, &synthetic_data::incidents(n))?;
    eprintln!(
        "{db}: {} incidents new, {} merged",
        r.incidents_new.len(),
        r.incidents_merged.len()
    );
    Ok(())
}

//! `marsad db`: moving a store between backends and migrating it.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use marsad_model::Incident;
use marsad_store::{Location, Store, StoredArticle};

use super::DbArgs;

#[derive(Subcommand)]
pub(super) enum DbCommand {
    /// Copies every article, incident and source from one store into a new,
    /// empty one (SQLite file or postgres:// URL), then checks counts and a
    /// checksum of both.
    Copy(CopyArgs),
    /// Brings a store's schema up to date (every command also does so when it
    /// opens a store).
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Args)]
pub(super) struct CopyArgs {
    /// The store to copy (SQLite file or postgres:// URL).
    #[arg(long)]
    from: Location,
    /// The store to write: a new SQLite file or an empty PostgreSQL database.
    #[arg(long)]
    to: Location,
}

pub(super) fn run(command: DbCommand) -> Result<()> {
    match command {
        DbCommand::Copy(args) => copy(&args.from, &args.to),
        DbCommand::Migrate { db } => {
            Store::open(&db.db).with_context(|| db.db.to_string())?;
            println!("{}: schema up to date", db.db);
            Ok(())
        }
    }
}

fn copy(from: &Location, to: &Location) -> Result<()> {
    let source = Store::open(from).with_context(|| from.to_string())?;
    let reading = spinner(format!("reading {from}"));
    let mut articles = source.articles()?;
    let mut incidents = source.incidents_with_sources()?;
    let want = Summary::of_parts(&mut articles, &mut incidents)?;
    reading.finish_and_clear();
    let mut target = Store::open(to).with_context(|| to.to_string())?;
    // indicatif draws nothing when stderr is not a terminal.
    let bar = ProgressBar::new((articles.len() + incidents.len()) as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} articles and incidents written {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    target
        .restore(&articles, &incidents, &mut || bar.inc(1))
        .with_context(|| to.to_string())?;
    bar.finish_and_clear();
    drop((articles, incidents));
    let checking = spinner("checking the copy".into());
    let got = Summary::of(&target)?;
    checking.finish_and_clear();
    if want != got {
        bail!("the copy differs from the original: {want} in {from}, {got} in {to}");
    }
    println!("copied {want} from {from} to {to}");
    Ok(())
}

/// A spinner saying what a long step is doing.
fn spinner(message: String) -> ProgressBar {
    let s = ProgressBar::new_spinner().with_message(message);
    s.enable_steady_tick(std::time::Duration::from_millis(120));
    s
}

/// What a copy must keep: counts, and a checksum over every article and
/// every incident with its sources, in id order.
#[derive(Debug, PartialEq, Eq)]
struct Summary {
    articles: usize,
    incidents: usize,
    sources: usize,
    checksum: u64,
}

impl Summary {
    fn of(store: &Store) -> Result<Self> {
        Summary::of_parts(&mut store.articles()?, &mut store.incidents_with_sources()?)
    }

    /// The summary of a store read into memory (sorts both by id).
    fn of_parts(articles: &mut [StoredArticle], incidents: &mut [Incident]) -> Result<Self> {
        articles.sort_by_key(|a| a.article.id());
        incidents.sort_by(|a, b| a.id.cmp(&b.id));
        let mut checksum = 0;
        for a in articles.iter() {
            let a = &a.article;
            let fields =
                serde_json::to_string(&(&a.id(), &a.url, &a.title, &a.published, &a.text))?;
            checksum = marsad_model::fnv1a(fields.as_bytes(), checksum);
        }
        for i in incidents.iter() {
            checksum = marsad_model::fnv1a(serde_json::to_string(i)?.as_bytes(), checksum);
        }
        Ok(Summary {
            articles: articles.len(),
            incidents: incidents.len(),
            sources: incidents.iter().map(|i| i.sources.len()).sum(),
            checksum,
        })
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} articles, {} incidents, {} sources (checksum {:016x})",
            self.articles, self.incidents, self.sources, self.checksum
        )
    }
}

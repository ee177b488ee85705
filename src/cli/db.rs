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
    /// Backs up a store. SQLite: to a new file, the store as it was when the
    /// backup began even while a server writes; prints its counts and
    /// checksum. PostgreSQL: prints the pg_dump command to run, having
    /// checked that the pg_dump here can dump that server.
    Backup(BackupArgs),
    /// Restores a backup made by `db backup` into a new store (an SQLite
    /// file, or an empty PostgreSQL database), and checks it by counts and
    /// checksum.
    Restore(RestoreArgs),
}

#[derive(Args)]
pub(super) struct BackupArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The backup file to write (must not exist).
    #[arg(long)]
    to: std::path::PathBuf,
}

#[derive(Args)]
pub(super) struct RestoreArgs {
    /// The backup file (written by `marsad db backup`).
    #[arg(long)]
    from: std::path::PathBuf,
    /// The store to restore into: a new SQLite file (must not exist) or an
    /// empty PostgreSQL database.
    #[command(flatten)]
    db: DbArgs,
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
        DbCommand::Backup(args) => backup(&args.db.db, &args.to),
        DbCommand::Restore(args) => restore(&args.from, &args.db.db),
    }
}

fn backup(from: &Location, to: &std::path::Path) -> Result<()> {
    let store = Store::open(from).with_context(|| from.to_string())?;
    if let Location::Postgres(_) = from {
        return pg_dump_advice(&store, from, to);
    }
    let bar = pages_bar("backed up");
    store
        .backup_to(to, &mut |done, all| {
            bar.set_length(all);
            bar.set_position(done);
        })
        .with_context(|| format!("backing up {from} to {}", to.display()))?;
    bar.finish_and_clear();
    drop(store);
    let got = Summary::of(&Store::open_backup(to).with_context(|| to.display().to_string())?)?;
    println!("backed up {got} from {from} to {}", to.display());
    Ok(())
}

/// What to run to back up a PostgreSQL store, once the pg_dump here is
/// known to read that server (pg_dump refuses servers newer than itself).
fn pg_dump_advice(store: &Store, db: &Location, to: &std::path::Path) -> Result<()> {
    let server = store.server_version()?.unwrap_or_default();
    let major = |v: &str| -> Option<u32> { v.split(['.', ' ']).next()?.parse().ok() };
    let local = std::process::Command::new("pg_dump")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let Some(local) = local else {
        bail!(
            "{db} is PostgreSQL {server}: back it up with pg_dump, which is not installed here \
             (Debian: postgresql-client-{})",
            major(&server).map_or(String::new(), |m| m.to_string())
        );
    };
    let local_major = local.rsplit(' ').next().and_then(major);
    if let (Some(l), Some(s)) = (local_major, major(&server)) {
        if l < s {
            bail!("{db} is PostgreSQL {server}, newer than this pg_dump ({local}): install postgresql-client-{s}");
        }
    }
    println!("{db} is PostgreSQL {server}; this pg_dump can dump it ({local}). Back it up with:");
    println!("  pg_dump --format=custom --file '{}' '{db}'", to.display());
    println!(
        "(give the password in PGPASSWORD or ~/.pgpass; restore with pg_restore --dbname URL FILE)"
    );
    Ok(())
}

fn restore(from: &std::path::Path, to: &Location) -> Result<()> {
    let what = || format!("restoring {} to {to}", from.display());
    // The backup's own summary, to hold the restored store to.
    let want = Store::open_backup(from).map(|b| Summary::of(&b));
    let restored = match to {
        Location::Sqlite(path) => {
            let bar = pages_bar("restored");
            let store = Store::restore_backup(from, path, &mut |done, all| {
                bar.set_length(all);
                bar.set_position(done);
            })
            .with_context(what)?;
            bar.finish_and_clear();
            store
        }
        Location::Postgres(_) => {
            let backup = Store::open_backup(from).with_context(|| from.display().to_string())?;
            let (articles, incidents) = (backup.articles()?, backup.incidents_with_sources()?);
            let people = backup.people()?;
            let mut target = Store::open(to).with_context(|| to.to_string())?;
            target
                .restore(&articles, &incidents, &mut || {})
                .with_context(what)?;
            target.restore_people(&people).with_context(what)?;
            check_people(&people, &target, to)?;
            target
        }
    };
    let got = Summary::of(&restored)?;
    // An older backup (another schema) is restored and migrated; only one
    // of this build's schema can be read as written to compare.
    if let Ok(want) = want {
        let want = want?;
        if want != got {
            bail!(
                "the restored store differs from the backup: {want} in {}, {got} in {to}",
                from.display()
            );
        }
    }
    println!("restored {got} from {} to {to}", from.display());
    Ok(())
}

/// A bar of pages copied (drawn only on a terminal).
fn pages_bar(done: &str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} pages {done}"))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

fn copy(from: &Location, to: &Location) -> Result<()> {
    let source = Store::open(from).with_context(|| from.to_string())?;
    let reading = spinner(format!("reading {from}"));
    let mut articles = source.articles()?;
    let mut incidents = source.incidents_with_sources()?;
    let want = Summary::of_parts(&mut articles, &mut incidents)?;
    let people = source.people()?;
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
    target
        .restore_people(&people)
        .with_context(|| to.to_string())?;
    check_people(&people, &target, to)?;
    let checking = spinner("checking the copy".into());
    let got = Summary::of(&target)?;
    checking.finish_and_clear();
    if want != got {
        bail!("the copy differs from the original: {want} in {from}, {got} in {to}");
    }
    println!("copied {want} from {from} to {to}");
    Ok(())
}

/// Checks that a copy holds as many users, reviewed incidents and logged
/// decisions as its source, and says so.
fn check_people(want: &marsad_store::PeopleData, target: &Store, to: &Location) -> Result<()> {
    let (users, reviewed, decisions) = want.counts();
    let got = target.people()?.counts();
    if got != (users, reviewed, decisions) {
        bail!(
            "the copy's users, reviews or review log differ from the original: {:?} in {to}, {:?} wanted",
            got,
            (users, reviewed, decisions)
        );
    }
    if users + reviewed + decisions > 0 {
        eprintln!("copied {users} user(s), {reviewed} reviewed incident(s), {decisions} logged decision(s)");
    }
    let (alerts, matches) = want.alert_counts();
    if target.people()?.alert_counts() != (alerts, matches) {
        bail!("the copy's alerts differ from the original: {alerts} alert(s) and {matches} match(es) wanted in {to}");
    }
    if alerts > 0 {
        eprintln!("copied {alerts} alert(s) and {matches} match(es)");
    }
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

//! The command line: arguments, logging, and one module per command.

mod alerts;
mod common;
mod db;
mod export;
mod extract;
mod gazetteer;
mod geocode;
mod ingest;
mod places;
mod query;
mod serve;
mod users;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};
use marsad_model::{DateRange, EventType, IncidentQuery};

/// Marsad (مرصد): maps incidents reported in Arabic news about eastern Syria.
#[derive(Parser)]
#[command(name = "marsad", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    gaz: GazetteerArgs,
    /// Log lines as text or as JSON objects (one per line); RUST_LOG filters them.
    #[arg(long, global = true, env = "MARSAD_LOG_FORMAT", default_value = "text")]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Args)]
struct GazetteerArgs {
    /// User gazetteer merged with the bundled one (written by `gazetteer import`).
    /// Default: $XDG_DATA_HOME/marsad/user-gazetteer.jsonl.gz, used if it exists.
    #[arg(long, global = true, env = "MARSAD_USER_GAZETTEER")]
    user_gazetteer: Option<PathBuf>,
}

#[derive(Args, Clone)]
struct DbArgs {
    /// The incident database: an SQLite file (created if missing), or a
    /// postgres:// URL of a PostgreSQL database with PostGIS available.
    #[arg(long, env = "MARSAD_DB", default_value = "marsad.db")]
    db: marsad_store::Location,
}

impl DbArgs {
    /// Where a server keeps the index of an SQLite store by default
    /// (`marsad.db.index`); none for PostgreSQL, whose replicas each name
    /// their own.
    fn default_snapshot(&self) -> Option<std::path::PathBuf> {
        match &self.db {
            marsad_store::Location::Sqlite(db) => {
                let mut name = db.as_os_str().to_owned();
                name.push(".index");
                Some(name.into())
            }
            marsad_store::Location::Postgres(_) => None,
        }
    }

    /// The store's index: from the server's snapshot when it has a usable
    /// one (read, never written), else from every incident.
    fn index(
        &self,
        store: &marsad_store::Store,
    ) -> marsad_pipeline::Result<marsad_index::SpatialIndex> {
        let snapshot = self.default_snapshot();
        Ok(marsad_pipeline::open_index(store, snapshot.as_deref())?.0)
    }
}

fn confidence(s: &str) -> Result<f32, marsad_model::Error> {
    let x: f64 = s
        .trim()
        .parse()
        .map_err(|_| marsad_model::Error::Invalid(format!("{s:?} is not a number")))?;
    Ok(marsad_model::in_range(x, 0.0, 1.0)? as f32)
}

#[derive(Args, Clone, Default)]
struct FilterArgs {
    /// Only incidents on or after this date (YYYY-MM-DD).
    #[arg(long, value_parser = marsad_model::parse_date)]
    since: Option<chrono::NaiveDate>,
    /// Only incidents on or before this date (YYYY-MM-DD).
    #[arg(long, value_parser = marsad_model::parse_date)]
    until: Option<chrono::NaiveDate>,
    /// Only these event types (repeat or comma-separate).
    #[arg(long = "type", value_delimiter = ',')]
    types: Vec<EventType>,
    /// Only incidents with these actors or targets (ids: sdf, irgc, us_forces…).
    #[arg(long = "actor", value_delimiter = ',')]
    actors: Vec<String>,
    /// Only incidents at least this confident (0–1).
    #[arg(long, value_parser = confidence)]
    min_confidence: Option<f32>,
    /// Only incidents in these review states: unreviewed, verified, rejected
    /// (repeat or comma-separate).
    #[arg(long = "status", value_delimiter = ',')]
    statuses: Vec<marsad_model::ReviewStatus>,
    /// Only incidents a CQL2-text expression admits, as OGC API's `filter`
    /// takes it (e.g. "type IN ('airstrike','drone_strike') AND date >= DATE('2024-06-01')").
    #[arg(long)]
    filter: Option<String>,
}

impl FilterArgs {
    fn query(&self) -> Result<IncidentQuery> {
        let dates =
            DateRange::new(self.since, self.until).map_err(|e| anyhow::anyhow!("--since: {e}"))?;
        Ok(IncidentQuery {
            dates,
            types: self.types.clone(),
            actors: self.actors.clone(),
            min_confidence: self.min_confidence,
            max_geo_precision: None,
            statuses: self.statuses.clone(),
            condition: match &self.filter {
                Some(text) => Some(std::sync::Arc::new(
                    marsad_filter::parse(text).map_err(|e| anyhow::anyhow!("--filter: {e}"))?,
                )),
                None => None,
            },
        })
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serves the HTTP API and the web map.
    Serve(serve::ServeArgs),
    /// Stores articles (files, folders or web pages) and their incidents in the database.
    Ingest(ingest::IngestArgs),
    /// Follows news feeds and sitemaps, ingesting each new article once.
    Watch(watch::WatchArgs),
    /// Incidents near a place or point, as GeoJSON.
    Query(query::QueryArgs),
    /// Writes incidents as GeoJSON, ACLED-style CSV, GeoParquet or FlatGeobuf.
    Export(export::ExportArgs),
    /// Finds and resolves the place names in Arabic text; prints JSON.
    Geocode(geocode::GeocodeArgs),
    /// Extracts incidents from articles (text, HTML or JSON); one JSON line per article.
    Extract(extract::ExtractArgs),
    /// Searches the gazetteer by Arabic or Latin name.
    Places {
        #[command(subcommand)]
        command: places::PlacesCommand,
    },
    /// Copies a store between backends, or migrates one.
    Db {
        #[command(subcommand)]
        command: db::DbCommand,
    },
    /// Adds, lists, rotates and revokes users and their tokens.
    Users {
        #[command(subcommand)]
        command: users::UsersCommand,
    },
    /// Verifies, rejects and corrects incidents, and prints the review log.
    Review {
        #[command(subcommand)]
        command: users::ReviewCommand,
    },
    /// Adds, lists, removes and tests standing alerts on areas.
    Alerts {
        #[command(subcommand)]
        command: alerts::AlertsCommand,
    },
    /// Builds or extends the gazetteer.
    Gazetteer {
        #[command(subcommand)]
        command: gazetteer::GazetteerCommand,
    },
}

/// Runs the command line and maps errors to a one-line message and exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    init_logging(
        cli.log_format,
        matches!(cli.command, Command::Serve(_) | Command::Watch(_)),
    );
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("marsad: error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// An error and its causes on one line, each said once: a cause that
/// repeats its context («m.db» then «m.db: cannot open…») takes its place,
/// and one whose words were already said (a driver's error that writes
/// its own cause) is left out.
fn one_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain().map(|c| c.to_string()) {
        if cause.starts_with(&line) {
            line = cause;
        } else if !line.contains(&cause) {
            line.push_str(": ");
            line.push_str(&cause);
        }
    }
    line
}

/// Logs go to standard error, filtered by `RUST_LOG`. Without it a server
/// logs each request and what it ingests (info); the other commands, whose
/// output is their result, only warnings.
fn init_logging(format: LogFormat, server: bool) {
    use tracing_subscriber::EnvFilter;
    let default = if server { "info" } else { "warn" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_span_list(false)
            .try_init(),
    };
}

fn dispatch(cli: Cli) -> Result<()> {
    let gaz = &cli.gaz;
    match cli.command {
        Command::Serve(args) => serve::run(gaz, args),
        Command::Ingest(args) => ingest::run(gaz, args),
        Command::Watch(args) => watch::run(gaz, args),
        Command::Query(args) => query::run(gaz, args),
        Command::Export(args) => export::run(args),
        Command::Geocode(args) => geocode::run(gaz, args),
        Command::Extract(args) => extract::run(gaz, args),
        Command::Places { command } => places::run(gaz, command),
        Command::Gazetteer { command } => gazetteer::run(gaz, command),
        Command::Db { command } => db::run(command),
        Command::Users { command } => users::run_users(command),
        Command::Review { command } => users::run_review(gaz, command),
        Command::Alerts { command } => alerts::run(gaz, command),
    }
}

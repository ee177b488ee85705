//! Commands and their wiring.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use marsad_gazetteer::{Gazetteer, Place};

/// Marsad (مرصد): maps incidents reported in Arabic news about eastern Syria.
#[derive(Parser)]
#[command(name = "marsad", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    gaz: GazetteerArgs,
    #[command(subcommand)]
    command: Command,
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
    /// The incident database (SQLite; created if missing).
    #[arg(long, env = "MARSAD_DB", default_value = "marsad.db")]
    db: PathBuf,
}

#[derive(Args, Clone, Default)]
struct FilterArgs {
    /// Only incidents on or after this date (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    since: Option<chrono::NaiveDate>,
    /// Only incidents on or before this date (YYYY-MM-DD).
    #[arg(long, value_parser = parse_date)]
    until: Option<chrono::NaiveDate>,
    /// Only these event types (repeat or comma-separate).
    #[arg(long = "type", value_delimiter = ',')]
    types: Vec<String>,
    /// Only incidents with these actors or targets (ids: sdf, irgc, us_forces…).
    #[arg(long = "actor", value_delimiter = ',')]
    actors: Vec<String>,
    /// Only incidents at least this confident (0–1).
    #[arg(long)]
    min_confidence: Option<f32>,
}

impl FilterArgs {
    fn filter(&self) -> Result<marsad_index::Filter> {
        for t in &self.types {
            if marsad_extract::EventType::parse(t).is_none() {
                bail!("--type: unknown event type {t:?}");
            }
        }
        if let Some(c) = self.min_confidence {
            if !(0.0..=1.0).contains(&c) {
                bail!("--min-confidence: {c} is out of range [0, 1]");
            }
        }
        Ok(marsad_index::Filter {
            since: self.since,
            until: self.until,
            types: self.types.clone(),
            actors: self.actors.clone(),
            min_confidence: self.min_confidence,
            max_geo_precision: None,
        })
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serves the HTTP API and the web map.
    Serve {
        #[command(flatten)]
        db: DbArgs,
        /// Address to listen on (port 0 picks a free port, printed at start).
        #[arg(long, env = "MARSAD_ADDR", default_value = "127.0.0.1:8080")]
        addr: String,
        /// Bearer token that allows POST /api/v1/articles; without it writes are refused.
        #[arg(long, env = "MARSAD_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Largest request body accepted, bytes.
        #[arg(long, env = "MARSAD_MAX_BODY", default_value_t = 2 * 1024 * 1024)]
        max_body: usize,
        /// Ingest the bundled example articles first (skipped if already stored).
        #[arg(long, env = "MARSAD_EXAMPLES")]
        examples: bool,
    },
    /// Stores articles (files or folders) and their incidents in the database.
    Ingest {
        #[command(flatten)]
        db: DbArgs,
        /// Publication date for relative dates, YYYY-MM-DD; overrides the articles' own.
        #[arg(long, value_parser = parse_date)]
        published: Option<chrono::NaiveDate>,
        /// Article files, or folders whose files are all read.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Incidents near a place or point, as GeoJSON.
    Query {
        #[command(flatten)]
        db: DbArgs,
        /// A place name or id («البوكمال», «Deir ez-Zor», wof:890449891) or LAT,LON.
        #[arg(long)]
        near: String,
        /// Radius: a number of km, optionally written with «km» (25km).
        #[arg(long, default_value = "25km")]
        radius: String,
        #[command(flatten)]
        filters: FilterArgs,
        /// At most this many incidents.
        #[arg(long, default_value_t = 1000)]
        limit: usize,
    },
    /// Writes incidents as GeoJSON or ACLED-style CSV.
    Export {
        #[command(flatten)]
        db: DbArgs,
        /// geojson or csv.
        #[arg(long, default_value = "geojson", value_parser = ["geojson", "csv"])]
        format: String,
        #[command(flatten)]
        filters: FilterArgs,
        /// Output file (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Finds and resolves the place names in Arabic text; prints JSON.
    Geocode {
        /// UTF-8 text file, or `-` (the default) for standard input.
        #[arg(default_value = "-")]
        file: String,
    },
    /// Extracts incidents from articles (text, HTML or JSON); one JSON line per article.
    Extract {
        /// Publication date for relative dates («أمس»), YYYY-MM-DD; overrides the article's own.
        #[arg(long, value_parser = parse_date)]
        published: Option<chrono::NaiveDate>,
        /// Source address of the article(s).
        #[arg(long)]
        url: Option<String>,
        /// Article files, or folders whose files are all read.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Searches the gazetteer by Arabic or Latin name.
    Places {
        #[command(subcommand)]
        command: PlacesCommand,
    },
    /// Builds or extends the gazetteer.
    Gazetteer {
        #[command(subcommand)]
        command: GazetteerCommand,
    },
}

#[derive(Subcommand)]
enum PlacesCommand {
    /// Finds places by name, tolerant to spelling («Deir Ezzor», «دير الزور»).
    Search {
        /// The name to look for.
        query: String,
        /// Rank places near this point higher: LAT,LON.
        #[arg(long, value_parser = parse_lat_lon)]
        near: Option<(f64, f64)>,
        /// How many results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
}

#[derive(Subcommand)]
enum GazetteerCommand {
    /// Rebuilds the bundled gazetteer from the raw sources.
    Build {
        /// Folder with one sub-folder per source (wof-sy, wof-iq, …).
        #[arg(long, env = "MARSAD_GAZETTEER_SOURCES")]
        sources: PathBuf,
        /// Folder with the project's additions.tsv and corrections.tsv.
        #[arg(long, default_value = "gazetteer")]
        editorial: PathBuf,
        /// Output file.
        #[arg(long, default_value = "gazetteer/places.jsonl.gz")]
        out: PathBuf,
        /// Where to write the simplified admin boundaries for the offline basemap.
        #[arg(long, default_value = "data/basemap/admin.geojson")]
        basemap_out: PathBuf,
    },
    /// Imports a dump into the user gazetteer.
    Import {
        #[command(subcommand)]
        source: ImportSource,
    },
}

#[derive(Subcommand)]
enum ImportSource {
    /// A GeoNames geoname table (allCountries.txt, SY.txt, cities500.txt).
    Geonames {
        /// The geoname table.
        file: PathBuf,
        /// alternateNamesV2.txt, for Arabic and English names.
        #[arg(long)]
        alternate_names: Option<PathBuf>,
    },
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date YYYY-MM-DD"))
}

fn parse_lat_lon(s: &str) -> Result<(f64, f64), String> {
    let (a, b) = s.split_once(',').ok_or("expected LAT,LON")?;
    let lat: f64 = a
        .trim()
        .parse()
        .map_err(|_| format!("latitude is not a number: {a:?}"))?;
    let lon: f64 = b
        .trim()
        .parse()
        .map_err(|_| format!("longitude is not a number: {b:?}"))?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(format!("coordinates out of range: {lat},{lon}"));
    }
    Ok((lat, lon))
}

/// Runs the command line and maps errors to a one-line message and exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            eprintln!("marsad: error: {}", chain.join(": "));
            ExitCode::FAILURE
        }
    }
}

fn dispatch(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Geocode { file } => {
            let gaz = load_gazetteer(&cli.gaz)?;
            let text = read_input(&file)?;
            let parser = marsad_geoparse::Geoparser::new(&gaz);
            let out = marsad_geoparse::GeocodeOutput::new(&gaz, &parser.geoparse(&text));
            println!("{}", serde_json::to_string(&out)?);
        }
        Command::Serve {
            db,
            addr,
            token,
            max_body,
            examples,
        } => {
            let gaz: &'static Gazetteer = Box::leak(Box::new(load_gazetteer(&cli.gaz)?));
            if examples {
                let report = ingest_examples(gaz, &db.db)?;
                if report > 0 {
                    eprintln!("stored {report} example articles in {}", db.db.display());
                }
            }
            let config = marsad_server::Config {
                token,
                max_body_bytes: max_body,
            };
            let state = marsad_server::AppState::open(gaz, &db.db, config)
                .with_context(|| db.db.display().to_string())?;
            serve(state, &addr)?;
        }
        Command::Ingest {
            db,
            published,
            paths,
        } => {
            let gaz = load_gazetteer(&cli.gaz)?;
            ingest(&gaz, &db.db, published, &paths)?;
        }
        Command::Query {
            db,
            near,
            radius,
            filters,
            limit,
        } => {
            let gaz = load_gazetteer(&cli.gaz)?;
            let (lat, lon) = match parse_lat_lon(&near) {
                Ok(p) => p,
                Err(_) => {
                    let i = gaz.lookup_name(&near).with_context(|| {
                        format!("--near: no place called {near:?} (try `marsad places search`)")
                    })?;
                    let p = gaz.place(i);
                    (p.lat, p.lon)
                }
            };
            let km: f64 = radius
                .trim()
                .trim_end_matches("km")
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("--radius: {radius:?} is not a distance like 25km"))?;
            if !(km > 0.0 && km <= 20_000.0) {
                bail!("--radius: {km} km is out of range (0, 20000]");
            }
            let store =
                marsad_store::Store::open(&db.db).with_context(|| db.db.display().to_string())?;
            let records = store.all_incidents()?;
            let ix = marsad_index::SpatialIndex::bulk_load(
                records
                    .iter()
                    .filter_map(marsad_server::features::point)
                    .collect(),
            );
            let page = ix.radius(
                lat,
                lon,
                km,
                &filters.filter()?,
                marsad_index::Sort::Distance,
                limit,
                0,
            );
            let by_id: std::collections::HashMap<&str, &marsad_store::IncidentRecord> =
                records.iter().map(|r| (r.id.as_str(), r)).collect();
            let features = page
                .hits
                .iter()
                .filter_map(|h| {
                    by_id
                        .get(h.id.as_str())
                        .map(|r| marsad_server::features::incident_feature(r, h.distance_km))
                })
                .collect();
            let mut m = serde_json::Map::new();
            m.insert("numberMatched".into(), serde_json::json!(page.total));
            println!("{}", marsad_server::features::collection(features, m));
        }
        Command::Export {
            db,
            format,
            filters,
            output,
        } => {
            let store =
                marsad_store::Store::open(&db.db).with_context(|| db.db.display().to_string())?;
            let filter = filters.filter()?;
            let records: Vec<marsad_store::IncidentRecord> = store
                .all_incidents()?
                .into_iter()
                .filter(|r| marsad_server::features::point(r).is_none_or(|p| filter.accepts(&p)))
                .collect();
            let bytes = if format == "csv" {
                marsad_server::features::acled_csv(&records, &store.first_sources()?)?
            } else {
                let features = records
                    .iter()
                    .map(|r| marsad_server::features::incident_feature(r, None))
                    .collect();
                marsad_server::features::collection(features, serde_json::Map::new())
                    .to_string()
                    .into_bytes()
            };
            match output {
                Some(path) => {
                    std::fs::write(&path, &bytes).with_context(|| path.display().to_string())?
                }
                None => std::io::Write::write_all(&mut std::io::stdout(), &bytes)?,
            }
        }
        Command::Extract {
            published,
            url,
            files,
        } => {
            let gaz = load_gazetteer(&cli.gaz)?;
            let ex = marsad_extract::Extractor::new(&gaz);
            let mut failed = 0;
            for path in article_files(&files)? {
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                match marsad_extract::Article::from_path(&path) {
                    Ok(mut article) => {
                        if published.is_some() {
                            article.published = published;
                        }
                        if url.is_some() {
                            article.url = url.clone();
                        }
                        let x = ex.extract(&article);
                        let out = marsad_extract::ArticleOut::new(&name, &article, &ex, &x);
                        println!("{}", serde_json::to_string(&out)?);
                    }
                    Err(e) => {
                        failed += 1;
                        eprintln!("marsad: error: {e}");
                    }
                }
            }
            if failed > 0 {
                bail!("{failed} article(s) could not be read");
            }
        }
        Command::Places {
            command: PlacesCommand::Search { query, near, limit },
        } => {
            let gaz = load_gazetteer(&cli.gaz)?;
            let hits: Vec<serde_json::Value> = gaz
                .search(&query, near, limit)
                .into_iter()
                .map(|h| place_json(gaz.place(h.place), Some(h.score)))
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({ "places": hits }))?
            );
        }
        Command::Gazetteer {
            command:
                GazetteerCommand::Build {
                    sources,
                    editorial,
                    out,
                    basemap_out,
                },
        } => {
            let admin = marsad_gazetteer::build::admin_boundaries(&sources)?;
            if let Some(dir) = basemap_out.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&basemap_out, admin.to_string())
                .with_context(|| basemap_out.display().to_string())?;
            eprintln!(
                "wrote {} ({} boundaries)",
                basemap_out.display(),
                admin.features.len()
            );
            let (places, report) = marsad_gazetteer::build::build(&sources, &editorial)
                .with_context(|| format!("building the gazetteer from {}", sources.display()))?;
            marsad_gazetteer::write_places(&out, &places)?;
            for (what, n) in report.lines {
                eprintln!("{n:>8}  {what}");
            }
            eprintln!(
                "wrote {} ({} bytes)",
                out.display(),
                std::fs::metadata(&out)?.len()
            );
        }
        Command::Gazetteer {
            command:
                GazetteerCommand::Import {
                    source:
                        ImportSource::Geonames {
                            file,
                            alternate_names,
                        },
                },
        } => {
            let (places, report) =
                marsad_gazetteer::geonames::import(&file, alternate_names.as_deref())?;
            let out = user_gazetteer_path(&cli.gaz)
                .context("no place for the user gazetteer: set --user-gazetteer or HOME")?;
            let mut existing = if out.exists() {
                marsad_gazetteer::read_places(&out)?
            } else {
                Vec::new()
            };
            marsad_gazetteer::build::merge_into(&mut existing, places);
            if let Some(dir) = out.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            marsad_gazetteer::write_places(&out, &existing)?;
            eprintln!(
                "read {} rows, kept {} places, added {} alternate names; user gazetteer {} now holds {} places",
                report.rows, report.kept, report.alternate_names, out.display(), existing.len()
            );
        }
    }
    Ok(())
}

/// Files named on the command line; a folder stands for its files (sorted,
/// hidden files skipped, not recursive).
fn article_files(args: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for a in args {
        if a.is_dir() {
            let mut files: Vec<PathBuf> = std::fs::read_dir(a)
                .with_context(|| a.display().to_string())?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && !p
                            .file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                })
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(a.clone());
        }
    }
    Ok(out)
}

fn user_gazetteer_path(args: &GazetteerArgs) -> Option<PathBuf> {
    if let Some(p) = &args.user_gazetteer {
        return Some(p.clone());
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".local/share")))?;
    Some(base.join("marsad/user-gazetteer.jsonl.gz"))
}

fn load_gazetteer(args: &GazetteerArgs) -> Result<Gazetteer> {
    match user_gazetteer_path(args) {
        Some(p) if p.exists() => Gazetteer::bundled_with_user(&p)
            .with_context(|| format!("loading user gazetteer {}", p.display())),
        Some(p) if args.user_gazetteer.is_some() => {
            bail!("{}: user gazetteer not found", p.display())
        }
        _ => Ok(Gazetteer::bundled()?),
    }
}

fn read_input(file: &str) -> Result<String> {
    let mut bytes = Vec::new();
    if file == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
    } else {
        bytes = std::fs::read(file).with_context(|| file.to_string())?;
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let name = if file == "-" { "<stdin>" } else { file };
        anyhow::anyhow!("{name}: not valid UTF-8 (invalid byte at offset {at})")
    })
}

fn place_json(p: &Place, score: Option<f32>) -> serde_json::Value {
    let mut v = serde_json::to_value(p).unwrap_or_default();
    if let (Some(s), Some(o)) = (score, v.as_object_mut()) {
        o.insert(
            "score".into(),
            serde_json::json!((s * 1000.0).round() / 1000.0),
        );
    }
    v
}

/// Serves until Ctrl-C / SIGTERM.
fn serve(state: marsad_server::AppState, addr: &str) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        // Tests and scripts read this line to find the port.
        println!("marsad: listening on http://{local}");
        use std::io::Write as _;
        std::io::stdout().flush()?;
        let shutdown = async {
            let ctrl_c = tokio::signal::ctrl_c();
            #[cfg(unix)]
            {
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(mut term) => {
                        tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
                    }
                    Err(_) => {
                        let _ = ctrl_c.await;
                    }
                }
            }
            #[cfg(not(unix))]
            let _ = ctrl_c.await;
        };
        axum::serve(listener, marsad_server::router(state))
            .with_graceful_shutdown(shutdown)
            .await?;
        Ok(())
    })
}

/// What `ingest` did, for the final summary.
#[derive(Default)]
struct IngestTotals {
    new: usize,
    unchanged: usize,
    failed: usize,
    incidents_new: usize,
    incidents_merged: usize,
}

/// Stores articles one transaction each, printing a JSON line per article
/// as soon as it is committed (so a crash loses nothing that was reported).
fn ingest(
    gaz: &Gazetteer,
    db: &Path,
    published: Option<chrono::NaiveDate>,
    paths: &[PathBuf],
) -> Result<()> {
    use indicatif::{ProgressBar, ProgressStyle};
    use std::io::Write as _;
    let files = article_files(paths)?;
    let mut store = marsad_store::Store::open(db).with_context(|| db.display().to_string())?;
    let ex = marsad_extract::Extractor::new(gaz);
    // indicatif draws nothing when stderr is not a terminal.
    let bar = ProgressBar::new(files.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} articles {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut t = IngestTotals::default();
    let mut out = std::io::stdout().lock();
    for path in &files {
        let line = match marsad_extract::Article::from_path(path) {
            Ok(mut article) => {
                if published.is_some() {
                    article.published = published;
                }
                let x = ex.extract(&article);
                let r = store.ingest_extraction(&article, &x.incidents, gaz)?;
                if r.new_article {
                    t.new += 1;
                } else {
                    t.unchanged += 1;
                }
                t.incidents_new += r.incidents_new.len();
                t.incidents_merged += r.incidents_merged.len();
                serde_json::json!({
                    "path": path.display().to_string(),
                    "article_id": r.article_id,
                    "status": if r.new_article { "stored" } else { "unchanged" },
                    "incidents_new": r.incidents_new.len(),
                    "incidents_merged": r.incidents_merged.len(),
                })
            }
            Err(e) => {
                t.failed += 1;
                bar.suspend(|| eprintln!("marsad: error: {e}"));
                serde_json::json!({"path": path.display().to_string(), "status": "failed", "error": e.to_string()})
            }
        };
        writeln!(out, "{line}")?;
        out.flush()?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    eprintln!(
        "articles: {} new, {} unchanged, {} failed; incidents: {} new, {} merged into existing",
        t.new, t.unchanged, t.failed, t.incidents_new, t.incidents_merged
    );
    if t.failed > 0 {
        bail!("{} article(s) could not be read", t.failed);
    }
    Ok(())
}

/// Stores the bundled example articles; returns how many were new.
fn ingest_examples(gaz: &Gazetteer, db: &Path) -> Result<usize> {
    const EXAMPLES: &str = include_str!("../data/examples.jsonl");
    let mut store = marsad_store::Store::open(db).with_context(|| db.display().to_string())?;
    let ex = marsad_extract::Extractor::new(gaz);
    let mut new = 0;
    for (i, line) in EXAMPLES.lines().enumerate() {
        let article = marsad_extract::Article::from_bytes(
            line.as_bytes(),
            &format!("data/examples.jsonl:{}", i + 1),
        )?;
        let x = ex.extract(&article);
        if store
            .ingest_extraction(&article, &x.incidents, gaz)?
            .new_article
        {
            new += 1;
        }
    }
    Ok(new)
}

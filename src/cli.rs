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

#[derive(Subcommand)]
enum Command {
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
                },
        } => {
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

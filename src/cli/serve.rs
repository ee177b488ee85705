//! `marsad serve`: the API and the web map.

use anyhow::{Context, Result};
use clap::Args;
use marsad_extract::Intake;
use marsad_gazetteer::Gazetteer;
use marsad_model::Article;

use super::common::load_gazetteer;
use super::{DbArgs, GazetteerArgs};

#[derive(Args)]
pub(super) struct ServeArgs {
    #[command(flatten)]
    db: DbArgs,
    /// Address to listen on (port 0 picks a free port, printed at start).
    #[arg(long, env = "MARSAD_ADDR", default_value = "127.0.0.1:8080")]
    addr: String,
    /// A bearer token that signs in as an admin (a single person's install;
    /// teams add users with `marsad users add`). Without it and without
    /// users, writes are refused.
    #[arg(long, env = "MARSAD_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// What readers who are not signed in see: `all` incidents (a single
    /// user's install), or `verified` ones only (what a team publishes).
    #[arg(long, env = "MARSAD_PUBLIC", value_enum, default_value = "all")]
    public: PublicArg,
    /// Largest request body accepted, bytes.
    #[arg(long, env = "MARSAD_MAX_BODY", default_value_t = 2 * 1024 * 1024)]
    max_body: usize,
    /// Articles accepted per second at most, across all clients (bursts of
    /// twice as many); more get 429 Too Many Requests.
    #[arg(long, env = "MARSAD_WRITES_PER_SECOND", default_value = "20")]
    writes_per_second: std::num::NonZeroU32,
    /// Origins whose pages may read the API (CORS), e.g.
    /// https://dashboard.example.org; repeat, or separate with commas; `*`
    /// for any. Default: none.
    #[arg(
        long = "cors-origin",
        env = "MARSAD_CORS_ORIGINS",
        value_delimiter = ','
    )]
    cors_origins: Vec<String>,
    /// Follow the feeds of this file while serving (as `marsad watch`): the
    /// map shows new incidents as they are ingested.
    #[arg(long, env = "MARSAD_FEEDS")]
    feeds: Option<std::path::PathBuf>,
    /// Ingest the bundled example articles first (skipped if already stored).
    #[arg(long, env = "MARSAD_EXAMPLES")]
    examples: bool,
    /// Serve Prometheus metrics at GET /metrics on the public address.
    #[arg(long, env = "MARSAD_METRICS", conflicts_with = "metrics_addr")]
    metrics: bool,
    /// Serve Prometheus metrics at GET /metrics on this address only (e.g.
    /// 127.0.0.1:9464), off the public one.
    #[arg(long, env = "MARSAD_METRICS_ADDR")]
    metrics_addr: Option<String>,
    /// Networks alerts' webhooks may reach although they are not public
    /// (loopback, private, link-local are refused otherwise), e.g.
    /// 10.0.0.0/8; repeat, or separate with commas.
    #[arg(
        long = "webhook-allow",
        env = "MARSAD_WEBHOOK_ALLOW",
        value_delimiter = ','
    )]
    webhook_allow: Vec<String>,
    /// Seconds before a failed webhook delivery is tried again (doubling
    /// each time, to an hour at most, for 24 hours).
    #[arg(long, env = "MARSAD_WEBHOOK_RETRY", default_value_t = 30.0)]
    webhook_retry: f64,
    /// Where to keep the index between runs, so a start reads it instead of
    /// every incident (default: beside an SQLite database, `DB.index`; none
    /// for PostgreSQL unless given). A snapshot that is damaged or of
    /// another store is never used: the index is rebuilt from the store.
    #[arg(
        long,
        env = "MARSAD_INDEX_SNAPSHOT",
        conflicts_with = "no_index_snapshot"
    )]
    index_snapshot: Option<std::path::PathBuf>,
    /// Keep no index snapshot: build the index from the store at each start.
    #[arg(long, env = "MARSAD_NO_INDEX_SNAPSHOT")]
    no_index_snapshot: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(super) enum PublicArg {
    All,
    Verified,
}

pub(super) fn run(gaz: &GazetteerArgs, args: ServeArgs) -> Result<()> {
    let config = marsad_server::Config {
        token: args.token,
        max_body_bytes: args.max_body,
        writes_per_second: args.writes_per_second,
        cors: marsad_server::Cors::from_origins(&args.cors_origins).map_err(anyhow::Error::msg)?,
        metrics: match (&args.metrics_addr, args.metrics) {
            (Some(_), _) => marsad_server::MetricsAt::Separate,
            (None, true) => marsad_server::MetricsAt::Public,
            (None, false) => marsad_server::MetricsAt::Off,
        },
        public: match args.public {
            PublicArg::All => marsad_server::Public::All,
            PublicArg::Verified => marsad_server::Public::Verified,
        },
        webhooks: webhooks(&args.webhook_allow, args.webhook_retry)?,
        index_snapshot: match &args.index_snapshot {
            _ if args.no_index_snapshot => None,
            Some(path) => Some(path.clone()),
            None => args.db.default_snapshot(),
        },
    };
    if config.metrics != marsad_server::MetricsAt::Off {
        marsad_feeds::describe_metrics();
    }
    let db = &args.db.db;
    // The feeds file is checked before anything is opened.
    let feeds = args
        .feeds
        .as_deref()
        .map(marsad_feeds::FeedList::from_path)
        .transpose()?;
    // The gazetteer and the index load side by side, each on a core.
    let (gaz, index) = std::thread::scope(|s| {
        let gaz = s.spawn(|| load_gazetteer(gaz));
        let index = marsad_server::AppState::load_index(db, config.index_snapshot.as_deref());
        (gaz.join(), index)
    });
    // The server's state borrows the gazetteer for as long as the process.
    let gaz = gaz.map_err(|_| anyhow::anyhow!("the thread loading the gazetteer panicked"))??;
    let gaz: &'static Gazetteer = Box::leak(Box::new(gaz));
    let index = index.with_context(|| db.to_string())?;
    let state = marsad_server::AppState::with_index(gaz, db, config, index)
        .with_context(|| db.to_string())?;
    if args.examples {
        let new = ingest_examples(&state.pipeline)?;
        if new > 0 {
            eprintln!("stored {new} example articles in {db}");
        }
    }
    if let Some(list) = feeds {
        follow_feeds(list, &state, db)?;
    }
    // Alerts are matched and delivered from the store: any replica may
    // run them, and a restart resumes.
    marsad_server::alert_jobs(db, state.config.webhooks.clone())?;
    serve(state, &args.addr, args.metrics_addr.as_deref())
}

/// Where webhooks may go and when they are tried again.
fn webhooks(allow: &[String], retry_seconds: f64) -> Result<marsad_alerts::Courier> {
    if !(retry_seconds.is_finite() && (0.05..=3600.0).contains(&retry_seconds)) {
        anyhow::bail!("--webhook-retry {retry_seconds}: give seconds between 0.05 and 3600");
    }
    Ok(marsad_alerts::Courier {
        policy: marsad_alerts::webhook::Policy::allowing(allow)?,
        schedule: marsad_alerts::webhook::Schedule {
            first: std::time::Duration::from_secs_f64(retry_seconds),
            ..Default::default()
        },
    })
}

/// Follows the feeds on a thread of its own, through the server's pipeline
/// (so what it ingests is on the map at once), for as long as the process.
fn follow_feeds(
    list: marsad_feeds::FeedList,
    state: &marsad_server::AppState,
    db: &marsad_store::Location,
) -> Result<()> {
    let pipeline = state.pipeline.clone();
    let store = marsad_store::Store::open(db).with_context(|| db.to_string())?;
    let watcher_of = move || {
        marsad_feeds::Watcher::new(list, &pipeline, store).map(|w| w.run(&Default::default()))
    };
    std::thread::Builder::new()
        .name("feeds".into())
        .spawn(move || {
            if let Err(e) = watcher_of() {
                tracing::error!(error = %e, "cannot follow the feeds");
            }
        })?;
    Ok(())
}

/// Stores the bundled example articles; returns how many were new.
fn ingest_examples(pipeline: &marsad_pipeline::Pipeline<'_>) -> Result<usize> {
    const EXAMPLES: &str = include_str!("../../data/examples.jsonl");
    let mut new = 0;
    for (i, line) in EXAMPLES.lines().enumerate() {
        let what = format!("data/examples.jsonl:{}", i + 1);
        let article = Article::from_bytes(line.as_bytes(), &what)?;
        if pipeline.ingest(&article)?.report.new_article {
            new += 1;
        }
    }
    Ok(new)
}

/// Serves until Ctrl-C / SIGTERM (and the metrics on `metrics_addr`, if
/// given, for as long).
fn serve(state: marsad_server::AppState, addr: &str, metrics_addr: Option<&str>) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        if let Some(at) = metrics_addr {
            let metrics = tokio::net::TcpListener::bind(at)
                .await
                .with_context(|| format!("cannot listen on {at} for metrics"))?;
            println!(
                "marsad: metrics on http://{}/metrics",
                metrics.local_addr()?
            );
            let app = marsad_server::metrics_router(state.clone());
            tokio::spawn(async move {
                if let Err(e) = axum::serve(metrics, app).await {
                    tracing::error!(error = %e, "the metrics listener stopped");
                }
            });
        }
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
        // Writes made by other processes (replicas, `marsad ingest`) reach
        // this server's index through the store's change sequence.
        marsad_server::follow(state.clone())?;
        marsad_server::keep_snapshot(state.clone())?;
        axum::serve(listener, marsad_server::router(state.clone()))
            .with_graceful_shutdown(shutdown)
            .await?;
        // The next start reads the index as it is now. A snapshot that cannot
        // be written costs the next start time, not this stop its success.
        match tokio::task::spawn_blocking(move || state.save_final_snapshot()).await {
            Ok(Err(e)) => tracing::warn!(error = %e, "cannot write the index snapshot at shutdown"),
            Err(e) => tracing::warn!(error = %e, "the index snapshot's writer failed at shutdown"),
            Ok(Ok(_)) => {}
        }
        Ok(())
    })
}

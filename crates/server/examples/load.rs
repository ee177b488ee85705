//! A mixed load against a running `marsad serve`, with its thresholds
//! checked: radius queries, box pages, tiles, layers and stats, downloads
//! and article posts side by side; then each traffic's requests, rate and
//! latencies, and whether the run held: no error but 429 (the write rate
//! limit doing its job), and the server's heap (`RssAnon`) flat after the
//! warm-up (at most 10 % above what it was then).
//!
//! `scripts/load-test` builds a store, starts the server and runs this;
//! by hand:
//!
//! ```sh
//! cargo run --release -p marsad-server --example load -- \
//!     --url http://127.0.0.1:8080 --pid "$(pgrep -f 'marsad serve')" --token T --seconds 60
//! ```
//!
//! Exit code 1 when a threshold is missed.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use rand::Rng;

/// A mixed load against a running server, with its thresholds checked.
#[derive(Parser, Debug, Clone)]
struct Args {
    /// The server, e.g. http://127.0.0.1:8080.
    #[arg(long)]
    url: String,
    /// The server's process id, to read its memory.
    #[arg(long)]
    pid: u32,
    /// The write token.
    #[arg(long)]
    token: String,
    /// How long the load lasts.
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    /// The share of the run before memory is taken as warm.
    #[arg(long, default_value_t = 0.3)]
    warmup: f64,
    /// How much memory may grow after the warm-up, as a fraction.
    #[arg(long, default_value_t = 0.10)]
    heap_growth: f64,
}

/// One kind of traffic: how many clients, and the request each makes.
struct Traffic {
    name: &'static str,
    clients: usize,
    request: fn(&Args, &mut rand::rngs::ThreadRng) -> (reqwest::Method, String, Option<String>),
}

/// What one traffic got.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    statuses: BTreeMap<u16, usize>,
    failures: BTreeMap<String, usize>,
}

fn traffics() -> Vec<Traffic> {
    vec![
        Traffic {
            name: "radius 25 km, 100 nearest",
            clients: 8,
            request: |a, r| {
                let (lat, lon) = (34.0 + r.gen::<f64>(), 40.0 + r.gen::<f64>());
                let u = format!(
                    "{}/api/v1/incidents/near?lat={lat:.3}&lon={lon:.3}&radius_km=25&limit=100",
                    a.url
                );
                (reqwest::Method::GET, u, None)
            },
        },
        Traffic {
            name: "box page of 1,000",
            clients: 4,
            request: |a, r| {
                let (w, s) = (40.0 + r.gen::<f64>() * 0.9, 34.0 + r.gen::<f64>() * 0.9);
                let u = format!(
                    "{}/api/v1/incidents?bbox={w:.3},{s:.3},41,35&limit=1000",
                    a.url
                );
                (reqwest::Method::GET, u, None)
            },
        },
        Traffic {
            name: "tiles z8 and z12",
            clients: 4,
            request: |a, r| {
                let u = if r.gen_bool(0.5) {
                    format!(
                        "{}/tiles/incidents/8/{}/{}.mvt",
                        a.url,
                        r.gen_range(154..160),
                        r.gen_range(99..104)
                    )
                } else {
                    format!(
                        "{}/tiles/incidents/12/{}/{}.mvt",
                        a.url,
                        r.gen_range(2460..2530),
                        r.gen_range(1600..1680)
                    )
                };
                (reqwest::Method::GET, u, None)
            },
        },
        Traffic {
            name: "layers and stats",
            clients: 2,
            request: |a, r| {
                let what = ["layers", "stats/counts", "stats/histogram"][r.gen_range(0..3)];
                let t = ["airstrike", "shelling", "drone_strike"][r.gen_range(0..3)];
                (
                    reqwest::Method::GET,
                    format!("{}/api/v1/{what}?type={t}", a.url),
                    None,
                )
            },
        },
        Traffic {
            name: "exports (GeoJSON and CSV)",
            clients: 1,
            request: |a, r| {
                let f = ["geojson", "csv"][r.gen_range(0..2)];
                let (w, s) = (
                    40.0 + r.gen_range(0..9) as f64 / 10.0,
                    34.0 + r.gen_range(0..9) as f64 / 10.0,
                );
                let u = format!(
                    "{}/api/v1/export.{f}?bbox={w},{s},{:.1},{:.1}",
                    a.url,
                    w + 0.1,
                    s + 0.1
                );
                (reqwest::Method::GET, u, None)
            },
        },
        Traffic {
            name: "article posts",
            clients: 2,
            request: |a, r| {
                let places = ["البوكمال", "الميادين", "العشارة", "هجين", "الشحيل", "ذيبان"];
                let n: u64 = r.gen();
                let text = format!(
                    "قصفت طائرات مسيرة مقراً في بلدة {} فجر اليوم، بحسب مصادر محلية (نشرة رقم {n}).",
                    places[r.gen_range(0..places.len())]
                );
                let u = format!(
                    "{}/api/v1/articles?published=2024-0{}-1{}",
                    a.url,
                    r.gen_range(1..10),
                    r.gen_range(0..10)
                );
                (reqwest::Method::POST, u, Some(text))
            },
        },
    ]
}

/// The server's heap and stacks in memory, bytes (`RssAnon`): what a leak
/// grows. The resident total (`VmRSS`) also counts the pages of the
/// database file the readers have mapped, which keep coming in as more of
/// the file is read (and are shared and reclaimable): in a short run they
/// looked like growth.
fn heap(pid: u32) -> Option<u64> {
    memory(pid, "RssAnon:")
}

/// A line of the server's `/proc/PID/status`, bytes.
fn memory(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

async fn client_loop(args: Arc<Args>, t: usize, until: Instant, tally: Arc<Mutex<Tally>>) {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("an HTTP client");
    let traffic = &traffics()[t];
    while Instant::now() < until {
        let (method, url, body) = (traffic.request)(&args, &mut rand::thread_rng());
        let mut req = http.request(method, &url);
        if let Some(text) = body {
            req = req
                .bearer_auth(&args.token)
                .header("content-type", "text/plain")
                .body(text);
        }
        let started = Instant::now();
        let outcome = match req.send().await {
            Ok(res) => {
                let status = res.status().as_u16();
                // The whole body: a download is answered when it is read.
                match res.bytes().await {
                    Ok(_) => Ok(status),
                    Err(e) => Err(format!("body: {e}")),
                }
            }
            Err(e) => Err(e.to_string()),
        };
        let took = started.elapsed();
        let mut tally = tally.lock().unwrap_or_else(|e| e.into_inner());
        match outcome {
            Ok(status) => {
                *tally.statuses.entry(status).or_default() += 1;
                tally.latencies.push(took);
            }
            Err(e) => *tally.failures.entry(e).or_default() += 1,
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args = Arc::new(Args::parse());
    let started = Instant::now();
    let until = started + Duration::from_secs(args.seconds);
    let tallies: Vec<Arc<Mutex<Tally>>> = traffics().iter().map(|_| Arc::default()).collect();
    let mut tasks = Vec::new();
    for (t, traffic) in traffics().iter().enumerate() {
        for _ in 0..traffic.clients {
            tasks.push(tokio::spawn(client_loop(
                args.clone(),
                t,
                until,
                tallies[t].clone(),
            )));
        }
    }
    // Memory every quarter second, and which samples are past the warm-up.
    let warm_at = Duration::from_secs_f64(args.seconds as f64 * args.warmup);
    let (mut samples, mut warm_from) = (Vec::new(), None);
    let start_heap = heap(args.pid);
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(250)).await;
        if warm_from.is_none() && started.elapsed() >= warm_at {
            warm_from = Some(samples.len());
        }
        samples.push(heap(args.pid));
    }
    for task in tasks {
        let _ = task.await;
    }
    let end_heap = heap(args.pid);
    // Heap, and pages of the database file mapped by the readers (shared,
    // reclaimable): the part that would show a leak, and the part that
    // grows as more of the file is read.
    let (anon, file) = (memory(args.pid, "RssAnon:"), memory(args.pid, "RssFile:"));
    let mb = |b: Option<u64>| b.map_or("?".to_string(), |b| format!("{:.0} MB", b as f64 / 1e6));
    println!(
        "at the end: {} heap (RssAnon), {} mapped files (RssFile)",
        mb(anon),
        mb(file)
    );
    let warm: Vec<u64> = samples[warm_from.unwrap_or(samples.len())..]
        .iter()
        .flatten()
        .copied()
        .collect();
    report(&args, &tallies, start_heap, &warm, end_heap)
}

fn report(
    args: &Args,
    tallies: &[Arc<Mutex<Tally>>],
    start: Option<u64>,
    warm: &[u64],
    end: Option<u64>,
) -> std::process::ExitCode {
    let mb = |b: Option<u64>| b.map_or("?".to_string(), |b| format!("{:.0} MB", b as f64 / 1e6));
    let mut errors = 0;
    println!("| traffic | requests | requests/s | p50 | p99 | statuses | failures |");
    println!("|---|---|---|---|---|---|---|");
    for (traffic, tally) in traffics().iter().zip(tallies) {
        let mut t = tally.lock().unwrap_or_else(|e| e.into_inner());
        t.latencies.sort();
        let n = t.latencies.len();
        let bad: usize = t
            .statuses
            .iter()
            .filter(|(s, _)| !(200..300).contains(*s) && **s != 429)
            .map(|(_, n)| n)
            .sum::<usize>()
            + t.failures.values().sum::<usize>();
        errors += bad;
        println!(
            "| {} | {n} | {:.0} | {:.1} ms | {:.1} ms | {:?} | {:?} |",
            traffic.name,
            n as f64 / args.seconds as f64,
            percentile(&t.latencies, 0.5).as_secs_f64() * 1e3,
            percentile(&t.latencies, 0.99).as_secs_f64() * 1e3,
            t.statuses,
            t.failures,
        );
    }
    // Answers in flight come and go (a page of 1,000, a download), so the
    // memory of one moment swings; its median over the first and
    // the second half after the warm-up shows a trend, a leak among them.
    let median = |xs: &[u64]| -> Option<u64> {
        let mut xs = xs.to_vec();
        xs.sort_unstable();
        xs.get(xs.len() / 2).copied()
    };
    let (first, second) = warm.split_at(warm.len() / 2);
    let (early, late) = (median(first), median(second));
    println!(
        "heap (RssAnon): {} at start; after the warm-up, median {} then {} (peak {}); {} at the end",
        mb(start),
        mb(early),
        mb(late),
        mb(warm.iter().max().copied()),
        mb(end)
    );
    let mut held = true;
    if errors > 0 {
        println!("FAILED: {errors} answers were errors other than 429");
        held = false;
    }
    match (early, late) {
        (Some(w), Some(e)) if e as f64 <= w as f64 * (1.0 + args.heap_growth) => {}
        (Some(w), Some(e)) => {
            println!(
                "FAILED: the heap grew {:.1} % after the warm-up (at most {:.0} %)",
                (e as f64 / w as f64 - 1.0) * 100.0,
                args.heap_growth * 100.0
            );
            held = false;
        }
        _ => {
            println!(
                "FAILED: the server's memory could not be read (is {} running?)",
                args.pid
            );
            held = false;
        }
    }
    if held {
        println!("held: no error but 429, memory flat after the warm-up");
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}

//! Faults at the edges, with the real binary: a backup taken while
//! articles are posted restores to its checksum; a disk that fills during
//! an ingest; a database made read-only under a running server;
//! PostgreSQL unreachable at start. (A feed's endless body and tarpit:
//! `crates/feeds/tests/limits.rs`.)
//!
//! The disk and read-only tests need root (a tmpfs mount, `chattr +i` on
//! ext4), as `./scripts/test` runs in CI; elsewhere they say they were
//! skipped and why.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use reqwest::blocking::Client;
use serde_json::Value;
use support::{postgres_database, run, Server};

const TOKEN: &str = "t0ken";

fn client() -> Client {
    Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

/// An article written for these tests; `n` makes it (and its id) new.
fn article(n: usize) -> String {
    let places = ["البوكمال", "الميادين", "العشارة", "هجين", "الشحيل", "ذيبان"];
    format!(
        "قصفت طائرات مسيرة مقراً في بلدة {} يوم {} من أيار {}، بحسب مصادر محلية (نشرة رقم {n}).",
        places[n % places.len()],
        1 + n % 28,
        2000 + n / 28
    )
}

/// POSTs article `n`: the status and the answer.
fn post(c: &Client, server: &Server, n: usize) -> (u16, Value) {
    let r = c
        .post(server.url("/api/v1/articles"))
        .bearer_auth(TOKEN)
        .header("content-type", "text/plain")
        .body(article(n))
        .send()
        .unwrap();
    (r.status().as_u16(), r.json().unwrap_or(Value::Null))
}

fn get(c: &Client, server: &Server, path: &str) -> (u16, Value) {
    let r = c.get(server.url(path)).send().unwrap();
    (r.status().as_u16(), r.json().unwrap_or(Value::Null))
}

/// `(articles, incidents, sources, checksum)` of a `db backup` or `db
/// restore` line: "… 21 articles, 37 incidents, 37 sources (checksum …)".
fn summary(line: &str) -> (u64, u64, u64, String) {
    let n = |word: &str| -> u64 {
        let before = line.split(&format!(" {word}")).next().unwrap();
        before.rsplit(' ').next().unwrap().parse().unwrap()
    };
    let checksum = line
        .split("(checksum ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .unwrap()
        .to_string();
    (n("articles,"), n("incidents,"), n("sources"), checksum)
}

fn stdout(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Two clients posting new articles until `stop`; the ids answered 201.
fn posters(
    server: &Server,
    stop: &Arc<AtomicBool>,
    acked: &Arc<Mutex<Vec<String>>>,
) -> Vec<std::thread::JoinHandle<()>> {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    (0..2)
        .map(|_| {
            let (url, stop, acked, next) = (
                server.url("/api/v1/articles"),
                stop.clone(),
                acked.clone(),
                next.clone(),
            );
            std::thread::spawn(move || {
                let c = client();
                while !stop.load(Ordering::Relaxed) {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    let r = c
                        .post(&url)
                        .bearer_auth(TOKEN)
                        .header("content-type", "text/plain")
                        .body(article(n))
                        .send()
                        .unwrap();
                    assert_eq!(r.status().as_u16(), 201);
                    let v: Value = r.json().unwrap();
                    acked
                        .lock()
                        .unwrap()
                        .push(v["article_id"].as_str().unwrap().to_string());
                }
            })
        })
        .collect()
}

#[test]
fn a_backup_taken_while_articles_are_posted_restores_to_its_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let (live, backup) = (dir.path().join("live.db"), dir.path().join("backup.db"));
    let server = Server::start(&live, &["--token", TOKEN, "--writes-per-second", "100000"]);
    let (stop, acked) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(Mutex::new(Vec::new())),
    );
    let threads = posters(&server, &stop, &acked);
    while acked.lock().unwrap().len() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let before: Vec<String> = acked.lock().unwrap().clone();
    let line = stdout(&run(&[
        "db",
        "backup",
        "--db",
        live.to_str().unwrap(),
        "--to",
        backup.to_str().unwrap(),
    ]));
    // The posts go on after the backup; then they stop.
    let during = acked.lock().unwrap().len();
    while acked.lock().unwrap().len() < during + 10 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    stop.store(true, Ordering::Relaxed);
    threads.into_iter().for_each(|t| t.join().unwrap());
    let (articles, incidents, sources, checksum) = summary(&line);

    // The store as it was at one moment: whole, holding everything
    // acknowledged before the backup began, less than the live store now.
    let b = marsad_store::Store::open_backup(&backup).unwrap();
    assert_eq!(b.integrity_check().unwrap(), "ok");
    for id in &before {
        assert!(
            b.has_article(id).unwrap(),
            "{id} was acknowledged before the backup"
        );
    }
    let in_backup = b.count_articles().unwrap();
    assert_eq!(in_backup, articles);
    let now = marsad_store::Store::open(&live)
        .unwrap()
        .count_articles()
        .unwrap();
    assert!(in_backup < now, "{in_backup} backed up, {now} now");
    for i in b.incidents_with_sources().unwrap() {
        assert!(!i.sources.is_empty(), "{} without its report", i.id);
    }
    drop(b);

    // Restored, it is the backup: counts and checksum.
    let restored = dir.path().join("restored.db");
    let restore = |to: &str| {
        run(&[
            "db",
            "restore",
            "--from",
            backup.to_str().unwrap(),
            "--db",
            to,
        ])
    };
    let line = stdout(&restore(restored.to_str().unwrap()));
    assert_eq!(
        summary(&line),
        (articles, incidents, sources, checksum.clone()),
        "{line}"
    );
    let again = restore(restored.to_str().unwrap());
    assert_eq!(
        again.status.code(),
        Some(1),
        "a restore never overwrites a store"
    );
    let restored_server = Server::start(&restored, &[]);
    let (_, health) = get(&client(), &restored_server, "/healthz");
    assert!(health["incidents"].as_u64().unwrap() > 0, "{health}");

    // And into PostgreSQL; whose own backup is pg_dump's.
    if let Some(url) = postgres_database() {
        let line = stdout(&restore(&url));
        assert_eq!(
            summary(&line),
            (articles, incidents, sources, checksum),
            "{line}"
        );
        let advice = stdout(&run(&["db", "backup", "--db", &url, "--to", "marsad.dump"]));
        assert!(
            advice.contains("pg_dump --format=custom --file 'marsad.dump'"),
            "{advice}"
        );
    }
    drop(server);
}

/// A tmpfs of `size` mounted on a new directory, unmounted when dropped;
/// `None` where mounting is not allowed (not root).
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Fills the file system holding `dir` to the last byte; the filler.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let filler = dir.join("filler");
    let mut f = std::fs::File::create(&filler).unwrap();
    let block = vec![0u8; 64 * 1024];
    while f.write_all(&block).is_ok() {}
    while f.write_all(&[0]).is_ok() {}
    let _ = f.sync_all();
    filler
}

fn write_articles(dir: &Path, range: std::ops::Range<usize>) {
    std::fs::create_dir_all(dir).unwrap();
    for n in range {
        std::fs::write(dir.join(format!("{n:04}.txt")), article(n)).unwrap();
    }
}

fn ingest(db: &Path, dir: &Path) -> std::process::Output {
    run(&[
        "ingest",
        "--db",
        db.to_str().unwrap(),
        "--published",
        "2024-05-02",
        dir.to_str().unwrap(),
    ])
}

#[test]
fn a_disk_that_fills_during_an_ingest_fails_it_cleanly_and_the_next_one_succeeds() {
    let Some(fs) = Tmpfs::mount("64m") else {
        eprintln!("SKIPPED: a full disk is simulated with a tmpfs, which only root can mount");
        return;
    };
    let db = fs.path().join("m.db");
    let work = tempfile::tempdir().unwrap();
    let (first, rest) = (work.path().join("first"), work.path().join("rest"));
    write_articles(&first, 0..5);
    write_articles(&rest, 5..400);
    stdout(&ingest(&db, &first));
    let server = Server::start(&db, &["--token", TOKEN]);
    let c = client();
    let (_, before) = get(&c, &server, "/api/v1/incidents?limit=1");

    let filler = fill(fs.path());
    let out = ingest(&db, &rest);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let error: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("marsad: error:"))
        .collect();
    assert_eq!(error.len(), 1, "{stderr}");
    assert!(
        error[0].contains("not stored: the database cannot be written")
            && error[0].contains("run the same ingest again"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Nothing partial: every article reported is stored whole, no other.
    let reported = String::from_utf8_lossy(&out.stdout).lines().count() as u64;
    let store = marsad_store::Store::open(&db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert_eq!(store.count_articles().unwrap(), 5 + reported);
    for i in store.incidents_with_sources().unwrap() {
        assert!(!i.sources.is_empty(), "{} without its report", i.id);
    }
    drop(store);
    // Reads go on; a write over HTTP is refused with a 503 that says why.
    let (status, page) = get(&c, &server, "/api/v1/incidents?limit=1");
    assert_eq!(status, 200);
    assert!(page["numberMatched"].as_u64() >= before["numberMatched"].as_u64());
    let (status, refused) = post(&c, &server, 10_000);
    assert_eq!(status, 503, "{refused}");
    assert_eq!(refused["error"]["code"], "storage_unwritable", "{refused}");

    // Space again: the same ingest stores the rest, the server writes.
    std::fs::remove_file(filler).unwrap();
    let out = ingest(&db, &rest);
    stdout(&out);
    let store = marsad_store::Store::open(&db).unwrap();
    assert_eq!(store.count_articles().unwrap(), 400);
    assert_eq!(post(&c, &server, 10_001).0, 201);
}

/// `chattr` with `flag` on each file; false if it cannot be done here.
fn chattr(flag: &str, files: &[PathBuf]) -> bool {
    Command::new("chattr")
        .arg(flag)
        .args(files)
        .status()
        .is_ok_and(|s| s.success())
}

/// Takes the immutable flag off again, even if the test fails.
struct Immutable(Vec<PathBuf>);

impl Drop for Immutable {
    fn drop(&mut self) {
        chattr("-i", &self.0);
    }
}

#[test]
fn a_database_made_read_only_under_a_running_server_refuses_writes_with_503_and_serves_reads() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let server = Server::start(&db, &["--token", TOKEN, "--examples"]);
    let c = client();
    assert_eq!(post(&c, &server, 1).0, 201);
    let (_, before) = get(&c, &server, "/api/v1/stats/counts");
    let files = vec![db.clone(), dir.path().join("m.db-wal")];
    if !chattr("+i", &files) {
        eprintln!(
            "SKIPPED: the database is made read-only with chattr +i, which needs root on ext4"
        );
        return;
    }
    let guard = Immutable(files);
    let (status, refused) = post(&c, &server, 2);
    assert_eq!(status, 503, "{refused}");
    assert_eq!(refused["error"]["code"], "storage_unwritable", "{refused}");
    assert!(
        refused["error"]["message"]
            .as_str()
            .unwrap()
            .contains("cannot be written"),
        "{refused}"
    );
    for path in [
        "/api/v1/stats/counts",
        "/api/v1/incidents?limit=5",
        "/ogc/collections/incidents",
        "/healthz",
    ] {
        let (status, body) = get(&c, &server, path);
        assert_eq!(status, 200, "{path}: {body}");
    }
    assert_eq!(get(&c, &server, "/api/v1/stats/counts").1, before);
    let tile = c
        .get(server.url("/tiles/incidents/0/0/0.mvt"))
        .send()
        .unwrap();
    assert_eq!(tile.status().as_u16(), 200);
    drop(guard);
    assert_eq!(post(&c, &server, 2).0, 201, "writable again");
}

#[test]
fn postgres_unreachable_at_start_is_one_line_and_exit_code_1() {
    let url = "postgres://marsad@127.0.0.1:1/marsad";
    for args in [
        vec!["serve", "--db", url, "--addr", "127.0.0.1:0"],
        vec!["ingest", "--db", url, "tests/fixtures/articles"],
        vec!["export", "--db", url],
        vec!["db", "migrate", "--db", url],
        vec!["db", "backup", "--db", url, "--to", "x.dump"],
    ] {
        let started = std::time::Instant::now();
        let out = run(&args);
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("marsad: error: postgres://marsad@127.0.0.1:1/marsad: cannot connect to the database"),
            "{args:?}: {stderr}"
        );
        assert!(started.elapsed().as_secs() < 15, "{args:?}");
    }
}

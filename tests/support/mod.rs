//! Helpers shared by the end-to-end tests: run the real `marsad` binary.

#![allow(dead_code)] // each test file uses a different part

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

/// The binary, with no user gazetteer from the machine running the tests.
pub fn marsad() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_marsad"));
    c.env(
        "XDG_DATA_HOME",
        std::env::temp_dir().join("marsad-tests-no-user-gazetteer"),
    )
    .env_remove("MARSAD_USER_GAZETTEER")
    .env_remove("MARSAD_DB")
    .env_remove("MARSAD_TOKEN")
    .env_remove("MARSAD_ADDR");
    c
}

/// Runs `marsad` to completion.
pub fn run(args: &[&str]) -> Output {
    marsad()
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run marsad")
}

/// A `marsad serve` on port 0, killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// What the server printed before its listening line.
    before: Vec<String>,
}

impl Server {
    /// Starts the server on `db` with extra arguments and waits for its
    /// "listening on" line.
    pub fn start(db: impl AsRef<std::ffi::OsStr>, extra: &[&str]) -> Server {
        // A line per request would bury the test's own output.
        let level = std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into());
        Server::spawn(db, extra, &level, Stdio::inherit())
    }

    /// [`Server::start`] logging every request (`info`) into `log`.
    pub fn start_logging(
        db: impl AsRef<std::ffi::OsStr>,
        extra: &[&str],
        log: &std::fs::File,
    ) -> Server {
        let log = log.try_clone().expect("the log file again");
        Server::spawn(db, extra, "info", Stdio::from(log))
    }

    fn spawn(
        db: impl AsRef<std::ffi::OsStr>,
        extra: &[&str],
        level: &str,
        stderr: Stdio,
    ) -> Server {
        let mut child = marsad()
            .args(["serve", "--db"])
            .arg(db.as_ref())
            .args(["--addr", "127.0.0.1:0"])
            .env("RUST_LOG", level)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start marsad serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut reader = BufReader::new(stdout);
        // Lines before it (the metrics' address) are kept.
        let mut before = Vec::new();
        let base = loop {
            let mut line = String::new();
            let n = reader
                .read_line(&mut line)
                .expect("read the listening line");
            assert!(n > 0, "the server ended before listening: {before:?}");
            match line.trim().strip_prefix("marsad: listening on ") {
                Some(base) => break base.to_string(),
                None => before.push(line.trim().to_string()),
            }
        };
        Server {
            child,
            base,
            before,
        }
    }

    /// The address after `prefix` on a line printed before the listening
    /// line (`marsad: metrics on `).
    pub fn printed(&self, prefix: &str) -> Option<&str> {
        self.before.iter().find_map(|l| l.strip_prefix(prefix))
    }

    /// The full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Stops the server as a service manager does (SIGTERM) and waits for
    /// it to finish what it does at shutdown; whether it exited cleanly.
    #[allow(dead_code)] // not every test binary stops its servers
    pub fn stop(mut self) -> bool {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        sent.is_ok_and(|s| s.success()) && self.child.wait().is_ok_and(|s| s.success())
    }

    /// Like [`Server::stop`], but gives up after `limit`: whether it exited
    /// cleanly by then (a hang is killed when the server is dropped).
    #[allow(dead_code)]
    pub fn stop_within(mut self, limit: std::time::Duration) -> bool {
        let pid = self.child.id().to_string();
        if !Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .is_ok_and(|s| s.success())
        {
            return false;
        }
        let until = std::time::Instant::now() + limit;
        while std::time::Instant::now() < until {
            match self.child.try_wait() {
                Ok(Some(status)) => return status.success(),
                Ok(None) => std::thread::sleep(std::time::Duration::from_millis(50)),
                Err(_) => return false,
            }
        }
        false
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Validates a GeoJSON file with the independent RFC 7946 checker in
/// `tests/e2e/` (installed by `npm ci` in `scripts/test`).
pub fn check_rfc7946(file: &Path) {
    let e2e = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/e2e");
    assert!(
        Path::new(e2e)
            .join("node_modules/@placemarkio/check-geojson")
            .exists(),
        "the GeoJSON validator is not installed: run `npm ci` in tests/e2e/ (scripts/test does)"
    );
    let out = Command::new("node")
        .current_dir(e2e)
        .arg("check-geojson.mjs")
        .arg(file)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "{}: {}{}",
        file.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A new, empty database on the PostgreSQL server that `./scripts/test`
/// starts (`MARSAD_TEST_POSTGRES`); `None`, with a notice, without one.
pub fn postgres_database() -> Option<String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let Ok(url) = std::env::var("MARSAD_TEST_POSTGRES") else {
        eprintln!("PostgreSQL not tested: MARSAD_TEST_POSTGRES is not set");
        return None;
    };
    let name = format!(
        "marsad_api_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    Some(format!("{}/{name}", url.rsplit_once('/').unwrap().0))
}

/// `ogrinfo` with `args`: its output; fails on an error or a warning.
pub fn ogrinfo(args: &[&str]) -> String {
    let out = std::process::Command::new("ogrinfo")
        .args(args)
        .output()
        .expect("ogrinfo from gdal-bin (scripts/test installs it)");
    let (o, e) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(out.status.success(), "ogrinfo {args:?}: {o}{e}");
    assert!(
        !e.contains("Warning") && !e.contains("ERROR"),
        "ogrinfo {args:?} complained: {e}"
    );
    o
}

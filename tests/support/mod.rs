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
}

impl Server {
    /// Starts the server on `db` with extra arguments and waits for its
    /// "listening on" line.
    pub fn start(db: &Path, extra: &[&str]) -> Server {
        let mut child = marsad()
            .args([
                "serve",
                "--db",
                db.to_str().unwrap(),
                "--addr",
                "127.0.0.1:0",
            ])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start marsad serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the listening line");
        let base = line
            .trim()
            .strip_prefix("marsad: listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        Server { child, base }
    }

    /// The full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
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

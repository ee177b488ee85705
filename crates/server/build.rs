//! Builds the web map (`web/`, with npm) and embeds its files, so one binary
//! serves the map. Set `MARSAD_SKIP_WEB=1` to embed a notice page instead
//! (for machines without Node; the API works the same).

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    for p in [
        "src",
        "index.html",
        "package.json",
        "package-lock.json",
        "vite.config.js",
    ] {
        println!("cargo:rerun-if-changed={}", web.join(p).display());
    }
    println!("cargo:rerun-if-env-changed=MARSAD_SKIP_WEB");
    let dist = web.join("dist");
    let skip = std::env::var_os("MARSAD_SKIP_WEB").is_some();
    if !skip {
        if let Err(why) = build_web(&web) {
            panic!("building the web map failed: {why}\nInstall Node.js and npm, or set MARSAD_SKIP_WEB=1 to build without the map.");
        }
    }
    let mut files = Vec::new();
    if !skip && dist.is_dir() {
        collect(&dist, &dist, &mut files);
    }
    files.sort();
    let mut code = String::from("/// Files of the built web map: (URL path, bytes).\npub static ASSETS: &[(&str, &[u8])] = &[\n");
    for (url, path) in &files {
        code.push_str(&format!(
            "    ({url:?}, include_bytes!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("];\n");
    std::fs::write(out.join("web_assets.rs"), code).expect("write web_assets.rs");
}

fn build_web(web: &Path) -> Result<(), String> {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    let run = |args: &[&str]| -> Result<(), String> {
        let status = Command::new(npm)
            .args(args)
            .current_dir(web)
            .status()
            .map_err(|e| format!("cannot run npm: {e}"))?;
        status
            .success()
            .then_some(())
            .ok_or_else(|| format!("npm {} exited with {status}", args.join(" ")))
    };
    // Dependencies come from the npm registry (package-lock.json pins them).
    let lock = web.join("package-lock.json");
    let installed = web.join("node_modules/.package-lock.json");
    let stale = match (
        std::fs::metadata(&lock).and_then(|m| m.modified()),
        std::fs::metadata(&installed).and_then(|m| m.modified()),
    ) {
        (Ok(l), Ok(i)) => l > i,
        _ => true,
    };
    if stale {
        run(&["ci", "--no-audit", "--no-fund", "--loglevel=error"])?;
    }
    run(&["run", "build", "--silent"])
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect(root, &p, out);
        } else if let Ok(rel) = p.strip_prefix(root) {
            let url = format!("/{}", rel.to_string_lossy().replace('\\', "/"));
            out.push((url, p.canonicalize().unwrap_or(p)));
        }
    }
}

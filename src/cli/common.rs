//! What several commands share: the gazetteer, article files, input.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use marsad_gazetteer::{Gazetteer, Place};

use super::GazetteerArgs;

/// Files named on the command line; a folder stands for its files (sorted,
/// hidden files skipped, not recursive).
pub(super) fn article_files(args: &[PathBuf]) -> Result<Vec<PathBuf>> {
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

pub(super) fn user_gazetteer_path(args: &GazetteerArgs) -> Option<PathBuf> {
    if let Some(p) = &args.user_gazetteer {
        return Some(p.clone());
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".local/share")))?;
    Some(base.join("marsad/user-gazetteer.jsonl.gz"))
}

pub(super) fn load_gazetteer(args: &GazetteerArgs) -> Result<Gazetteer> {
    match user_gazetteer_path(args) {
        Some(p) if p.exists() => Gazetteer::bundled_with_user(&p)
            .with_context(|| format!("loading user gazetteer {}", p.display())),
        Some(p) if args.user_gazetteer.is_some() => {
            bail!("{}: user gazetteer not found", p.display())
        }
        _ => Ok(Gazetteer::bundled()?),
    }
}

pub(super) fn read_input(file: &str) -> Result<String> {
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

pub(super) fn place_json(p: &Place, score: Option<f32>) -> serde_json::Value {
    let mut v = serde_json::to_value(p).unwrap_or_default();
    if let (Some(s), Some(o)) = (score, v.as_object_mut()) {
        o.insert(
            "score".into(),
            serde_json::json!((s * 1000.0).round() / 1000.0),
        );
    }
    v
}

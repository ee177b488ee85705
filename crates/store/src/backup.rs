//! Backups of an SQLite store that restore: SQLite's online backup API,
//! page by page, over one read transaction, so the copy is the store as it
//! was at one moment while a server goes on writing (in WAL mode writers
//! do not wait for readers). A copy is written beside its destination and
//! renamed into place only once whole and checked, so no half-written
//! backup or restored store is ever left under the name asked for.

use std::path::{Path, PathBuf};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use crate::{Error, Result};

/// Pages copied per step: a progress bar moves, and each step is short.
const PAGES_PER_STEP: std::ffi::c_int = 1024;

/// Copies the database `src` holds into a new file at `to`, reporting
/// `(pages copied, pages in all)`. The copy is a single file in rollback
/// mode (no `-wal` beside it), checked by SQLite before it is renamed to
/// `to`; `to` must not exist.
pub(crate) fn copy(src: &Connection, to: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
    refuse_existing(to)?;
    let partial = partial_of(to);
    let _ = std::fs::remove_file(&partial);
    let copied = copy_to(src, &partial, progress);
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, to).map_err(|e| io(to, e))?;
    sync_dir(to);
    Ok(())
}

/// The backup at `from`, checked (a whole SQLite file holding a Marsad
/// store this build understands), copied to a new file at `to`.
pub(crate) fn restore(from: &Path, to: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
    let src =
        Connection::open_with_flags(from, OpenFlags::SQLITE_OPEN_READ_ONLY).map_err(|source| {
            Error::Open {
                path: from.to_path_buf(),
                source,
            }
        })?;
    check_backup(&src, from)?;
    copy(&src, to, progress)
}

fn copy_to(src: &Connection, partial: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
    let mut dst = Connection::open(partial).map_err(|source| Error::Open {
        path: partial.to_path_buf(),
        source,
    })?;
    // One read transaction around every step: the copy is the store as it
    // was when it began, not restarted by each write a server makes.
    src.execute_batch("BEGIN; SELECT count(*) FROM sqlite_schema;")?;
    let stepped = step_all(src, &mut dst, progress);
    src.execute_batch("COMMIT")?;
    stepped?;
    // A single file to move about: rollback mode, no WAL beside it.
    dst.pragma_update(None, "journal_mode", "DELETE")?;
    let verdict: String = dst.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
    if verdict != "ok" {
        return Err(Error::Corrupt {
            column: "integrity_check",
            message: verdict,
        });
    }
    dst.close().map_err(|(_, e)| Error::Sqlite(e))?;
    std::fs::File::open(partial)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(partial, e))?;
    Ok(())
}

fn step_all(
    src: &Connection,
    dst: &mut Connection,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<()> {
    let backup = Backup::new(src, dst)?;
    loop {
        let step = backup.step(PAGES_PER_STEP)?;
        let p = backup.progress();
        let all = u64::try_from(p.pagecount).unwrap_or(0);
        progress(
            all.saturating_sub(u64::try_from(p.remaining).unwrap_or(0)),
            all,
        );
        match step {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            // The destination is this process's own new file; the source
            // is read under our transaction. Wait briefly if either is busy.
            _ => std::thread::sleep(std::time::Duration::from_millis(20)),
        }
    }
}

/// Whether `src` is a whole Marsad store of a version this build reads.
fn check_backup(src: &Connection, path: &Path) -> Result<()> {
    let not_ours = |why: String| Error::NotABackup {
        path: path.to_path_buf(),
        why,
    };
    let verdict: String = src
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| not_ours(e.to_string()))?;
    if verdict != "ok" {
        return Err(not_ours(format!("SQLite finds it damaged: {verdict}")));
    }
    let found: i64 = src.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let supported = crate::schema::VERSION;
    if found > supported {
        return Err(Error::TooNew { found, supported });
    }
    let tables: i64 = src.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('articles', 'incidents', 'incident_sources')",
        [],
        |r| r.get(0),
    )?;
    if found < 1 || tables < 3 {
        return Err(not_ours("it holds no Marsad store".into()));
    }
    Ok(())
}

fn refuse_existing(to: &Path) -> Result<()> {
    if to.exists() {
        return Err(Error::Exists(to.to_path_buf()));
    }
    Ok(())
}

/// Where a copy to `to` is written until it is whole.
fn partial_of(to: &Path) -> PathBuf {
    let mut name = to.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    to.with_file_name(name)
}

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Makes the rename durable (best effort: not every file system can).
fn sync_dir(path: &Path) {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

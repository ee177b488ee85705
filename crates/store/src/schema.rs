//! Versioned migrations, applied in order inside one transaction each.

use rusqlite::Connection;

use crate::{Error, Result};

/// Each entry moves the schema from version i to i + 1.
const MIGRATIONS: &[&str] = &[
    // 1: articles, incidents, sources.
    "CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        url TEXT,
        title TEXT,
        outlet TEXT,
        published TEXT,
        ingested_at TEXT NOT NULL,
        text TEXT NOT NULL
    );
    CREATE TABLE incidents (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        date TEXT,
        date_precision TEXT NOT NULL,
        date_text TEXT,
        place_id TEXT,
        place_ar TEXT,
        place_en TEXT,
        admin1 TEXT,
        admin2 TEXT,
        lat REAL,
        lon REAL,
        geo_precision INTEGER NOT NULL,
        actors TEXT NOT NULL,
        targets TEXT NOT NULL,
        people TEXT NOT NULL,
        killed INTEGER,
        injured INTEGER,
        arrested INTEGER,
        count_qualifiers TEXT NOT NULL,
        confidence REAL NOT NULL,
        source_count INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX incidents_by_date ON incidents(date);
    CREATE INDEX incidents_by_type_date ON incidents(type, date);
    CREATE INDEX incidents_by_place ON incidents(place_id);
    CREATE TABLE incident_sources (
        incident_id TEXT NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
        article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        evidence TEXT NOT NULL,
        PRIMARY KEY (incident_id, article_id, start)
    );
    CREATE INDEX sources_by_article ON incident_sources(article_id);",
];

/// The newest schema version this build knows.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > VERSION {
        return Err(Error::TooNew {
            found: current,
            supported: VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

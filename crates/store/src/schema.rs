//! Versioned migrations, applied in order inside one transaction each.

use rusqlite::{Connection, TransactionBehavior};

use crate::{Error, Result};

/// Puts every placed incident with a date (or a reported day) in the merge
/// lookup's R*Tree, as migration 6's insert trigger puts each new one: the
/// bulk load ([`crate::sqlite`]) fills it this way after the rows.
macro_rules! fill_where_when {
    () => {
        "INSERT INTO incidents_where_when
        SELECT rowid, lat, lat, lon, lon,
            (julianday(COALESCE(date, reported)) - 2451545.0) / 620.0,
            (julianday(COALESCE(date, reported)) - 2451545.0) / 620.0
        FROM incidents WHERE lat IS NOT NULL AND lon IS NOT NULL AND COALESCE(date, reported) IS NOT NULL"
    };
}

/// [`fill_where_when`], for the bulk load.
pub(crate) const FILL_WHERE_WHEN: &str = fill_where_when!();

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
    // 2: an R*Tree over (lat, lon, day) of dated, placed incidents, kept in
    // step by triggers, so finding the stored incident a report tells again
    // costs the same in a store of a million as in an empty one. Days count
    // from 2000-01-01 so that R*Tree's 32-bit floats keep them whole.
    "CREATE VIRTUAL TABLE incidents_where_when USING rtree(
        incident_rowid, min_lat, max_lat, min_lon, max_lon, min_day, max_day
    );
    INSERT INTO incidents_where_when
        SELECT rowid, lat, lat, lon, lon, julianday(date) - 2451545.0, julianday(date) - 2451545.0
        FROM incidents WHERE lat IS NOT NULL AND lon IS NOT NULL AND date IS NOT NULL;
    CREATE TRIGGER incidents_where_when_insert AFTER INSERT ON incidents
        WHEN NEW.lat IS NOT NULL AND NEW.lon IS NOT NULL AND NEW.date IS NOT NULL
    BEGIN
        INSERT INTO incidents_where_when VALUES (NEW.rowid, NEW.lat, NEW.lat, NEW.lon, NEW.lon,
            julianday(NEW.date) - 2451545.0, julianday(NEW.date) - 2451545.0);
    END;
    CREATE TRIGGER incidents_where_when_update AFTER UPDATE OF lat, lon, date ON incidents
    BEGIN
        DELETE FROM incidents_where_when WHERE incident_rowid = OLD.rowid;
        INSERT INTO incidents_where_when
            SELECT NEW.rowid, NEW.lat, NEW.lat, NEW.lon, NEW.lon,
                julianday(NEW.date) - 2451545.0, julianday(NEW.date) - 2451545.0
            WHERE NEW.lat IS NOT NULL AND NEW.lon IS NOT NULL AND NEW.date IS NOT NULL;
    END;
    CREATE TRIGGER incidents_where_when_delete AFTER DELETE ON incidents
    BEGIN
        DELETE FROM incidents_where_when WHERE incident_rowid = OLD.rowid;
    END;
    -- The R*Tree answers the lookups these served; each index is one more
    -- page to write per incident.
    DROP INDEX incidents_by_type_date;
    DROP INDEX incidents_by_place;",
    // 3: a change sequence: every insert or merge gives the incident the
    // next number, so a server sees what other processes wrote.
    "ALTER TABLE incidents ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
    UPDATE incidents SET change_seq = rowid;
    CREATE INDEX incidents_by_change ON incidents(change_seq);",
    // 4: the R*Tree's time axis in units of 620 days, so that the month
    // either side a merge lookup searches spans about as much of it as the
    // 0.1° box does of latitude and longitude. With whole days, time
    // dwarfed space and R*Tree's splits cut mostly by date: each lookup in a
    // million incidents read hundreds of nodes (0.5–1.3 ms) for a few dozen
    // hits; with the axes alike it reads a few (about 0.1 ms).
    "DROP TRIGGER incidents_where_when_insert;
    DROP TRIGGER incidents_where_when_update;
    DROP TRIGGER incidents_where_when_delete;
    DROP TABLE incidents_where_when;
    CREATE VIRTUAL TABLE incidents_where_when USING rtree(
        incident_rowid, min_lat, max_lat, min_lon, max_lon, min_when, max_when
    );
    INSERT INTO incidents_where_when
        SELECT rowid, lat, lat, lon, lon,
            (julianday(date) - 2451545.0) / 620.0, (julianday(date) - 2451545.0) / 620.0
        FROM incidents WHERE lat IS NOT NULL AND lon IS NOT NULL AND date IS NOT NULL;
    CREATE TRIGGER incidents_where_when_insert AFTER INSERT ON incidents
        WHEN NEW.lat IS NOT NULL AND NEW.lon IS NOT NULL AND NEW.date IS NOT NULL
    BEGIN
        INSERT INTO incidents_where_when VALUES (NEW.rowid, NEW.lat, NEW.lat, NEW.lon, NEW.lon,
            (julianday(NEW.date) - 2451545.0) / 620.0, (julianday(NEW.date) - 2451545.0) / 620.0);
    END;
    CREATE TRIGGER incidents_where_when_update AFTER UPDATE OF lat, lon, date ON incidents
    BEGIN
        DELETE FROM incidents_where_when WHERE incident_rowid = OLD.rowid;
        INSERT INTO incidents_where_when
            SELECT NEW.rowid, NEW.lat, NEW.lat, NEW.lon, NEW.lon,
                (julianday(NEW.date) - 2451545.0) / 620.0, (julianday(NEW.date) - 2451545.0) / 620.0
            WHERE NEW.lat IS NOT NULL AND NEW.lon IS NOT NULL AND NEW.date IS NOT NULL;
    END;
    CREATE TRIGGER incidents_where_when_delete AFTER DELETE ON incidents
    BEGIN
        DELETE FROM incidents_where_when WHERE incident_rowid = OLD.rowid;
    END;",
    // 5: following feeds: each feed's state, and every page taken from
    // one, by address, canonical address and content hash.
    crate::feeds::feeds_tables!("INTEGER"),
    // 6: when each incident was first reported (its earliest article's
    // publication date), and the R*Tree's time axis at the date, else at
    // that day: an undated report is then found by the reports of other
    // outlets about the same days.
    concat!(
    "ALTER TABLE incidents ADD COLUMN reported TEXT;
    UPDATE incidents SET reported = (
        SELECT MIN(a.published) FROM incident_sources s JOIN articles a ON a.id = s.article_id
        WHERE s.incident_id = incidents.id);
    DROP TRIGGER incidents_where_when_insert;
    DROP TRIGGER incidents_where_when_update;
    DELETE FROM incidents_where_when;
    ",
    fill_where_when!(),
    ";
    CREATE TRIGGER incidents_where_when_insert AFTER INSERT ON incidents
        WHEN NEW.lat IS NOT NULL AND NEW.lon IS NOT NULL AND COALESCE(NEW.date, NEW.reported) IS NOT NULL
    BEGIN
        INSERT INTO incidents_where_when VALUES (NEW.rowid, NEW.lat, NEW.lat, NEW.lon, NEW.lon,
            (julianday(COALESCE(NEW.date, NEW.reported)) - 2451545.0) / 620.0,
            (julianday(COALESCE(NEW.date, NEW.reported)) - 2451545.0) / 620.0);
    END;
    CREATE TRIGGER incidents_where_when_update AFTER UPDATE OF lat, lon, date, reported ON incidents
    BEGIN
        DELETE FROM incidents_where_when WHERE incident_rowid = OLD.rowid;
        INSERT INTO incidents_where_when
            SELECT NEW.rowid, NEW.lat, NEW.lat, NEW.lon, NEW.lon,
                (julianday(COALESCE(NEW.date, NEW.reported)) - 2451545.0) / 620.0,
                (julianday(COALESCE(NEW.date, NEW.reported)) - 2451545.0) / 620.0
            WHERE NEW.lat IS NOT NULL AND NEW.lon IS NOT NULL AND COALESCE(NEW.date, NEW.reported) IS NOT NULL;
    END;"),
    // 7: the sources' offsets named as on PostgreSQL (where `end` is
    // reserved), so that both backends run one text of every query.
    "ALTER TABLE incident_sources RENAME COLUMN start TO start_at;
    ALTER TABLE incident_sources RENAME COLUMN \"end\" TO end_at;",
    // 8: users and their tokens, incidents' review state, and the review
    // log, which triggers keep append-only.
    crate::accounts::accounts_tables!(
        "INTEGER PRIMARY KEY",
        "CREATE TRIGGER review_log_never_updated BEFORE UPDATE ON review_log
    BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;
    CREATE TRIGGER review_log_never_deleted BEFORE DELETE ON review_log
    BEGIN SELECT RAISE(ABORT, 'the review log is append-only'); END;"
    ),
    // 9: which incident a person merged one into, or split one off.
    crate::accounts::MERGE_COLUMNS,
    // 10: standing alerts, their matches and deliveries, and how far
    // incidents were matched.
    crate::alerts::ALERT_TABLES,
    // 11: the store's identity, a random name made with it (and anew for a
    // restored copy): an index snapshot is used only for the store it was
    // taken of.
    "CREATE TABLE store_identity (one INTEGER PRIMARY KEY CHECK (one = 1), name TEXT NOT NULL);
    INSERT INTO store_identity VALUES (1, lower(hex(randomblob(16))));",
];

/// Days per unit of the R*Tree's time axis (migration 4).
pub(crate) const DAYS_PER_WHEN: f64 = 620.0;

/// The newest schema version this build knows.
pub const VERSION: i64 = MIGRATIONS.len() as i64;

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    migrate_to(conn, VERSION)
}

/// Applies the migrations up to `target` (tests start from old versions).
/// Each runs in a write transaction that first reads the version again, so
/// processes opening a new file at the same moment migrate it once.
pub(crate) fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if current > VERSION {
            return Err(Error::TooNew {
                found: current,
                supported: VERSION,
            });
        }
        let Some(sql) = MIGRATIONS
            .get(current as usize)
            .filter(|_| current < target)
        else {
            return Ok(());
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", current + 1)?;
        tx.commit()?;
    }
}

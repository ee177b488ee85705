//! The SQLite backend: one file, WAL with full synchronisation, an R*Tree
//! for the merge lookup. What is read and written is in
//! [`crate::queries`]; this opens the file, tunes it and holds the
//! transactions.

use std::path::Path;

use marsad_model::IncidentPoint;
use rusqlite::{Connection, TransactionBehavior};

use crate::sql::Db;
use crate::{queries, schema, Error, Result};

/// A connection's page cache, as SQLite's `cache_size` takes it (negative:
/// KiB): 64 MiB.
const PAGE_CACHE: i64 = -65536;

/// A connection to an SQLite database file.
#[derive(Debug)]
pub(crate) struct Sqlite {
    conn: Connection,
    /// Whether this connection reads the file through a memory map: one
    /// that ingests, or serves reads (see [`Sqlite::map_reads`]); not one
    /// that scans the whole file once.
    mapped: bool,
}

impl Sqlite {
    /// Reads the file through a memory map (SQLite caps it at 2 GiB), not
    /// `pread` copies into the page cache: a third less time for a page
    /// of 1000 records. The pages read count in the process's resident
    /// memory as file pages, which the kernel takes back under pressure.
    pub(crate) fn map_reads(&mut self) -> Result<()> {
        self.conn.pragma_update(None, "mmap_size", 1i64 << 31)?;
        self.mapped = true;
        Ok(())
    }

    /// Opens (creating if needed) the database at `path`, in WAL mode with
    /// full synchronisation and foreign keys, and brings its schema up to
    /// date.
    pub(crate) fn open(path: &Path) -> Result<Self> {
        let open = |p: &Path| -> rusqlite::Result<Connection> {
            let conn = Connection::open(p)?;
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            // 64 MiB of page cache (the default is 2): the upper levels of
            // the tables, indexes and R*Tree of a large store stay in memory.
            conn.pragma_update(None, "cache_size", PAGE_CACHE)?;
            // Checkpoint every 40 MB of WAL, not 4: in a large store each
            // ingest dirties pages all over the file, and copying them back
            // a thousand at a time cost a quarter of an ingest.
            conn.pragma_update(None, "wal_autocheckpoint", 10000)?;
            Ok(conn)
        };
        // Switching a new file to WAL can fail at once with "database is
        // locked" (no busy wait) when another process opens it at the same
        // moment, e.g. a server and an ingest started together: try again.
        let mut attempt = 0;
        let mut conn = loop {
            match open(path) {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy && attempt < 100 =>
                {
                    attempt += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => {
                    break other.map_err(|source| Error::Open {
                        path: path.to_path_buf(),
                        source,
                    })?
                }
            }
        };
        schema::migrate(&mut conn)?;
        Ok(Sqlite {
            conn,
            mapped: false,
        })
    }

    /// Opens a backup to read it as it is: read-only, its schema left as
    /// written (it must be this build's).
    pub(crate) fn open_backup(path: &Path) -> Result<Self> {
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(|source| Error::Open {
                path: path.to_path_buf(),
                source,
            })?;
        let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found != schema::VERSION {
            return Err(Error::NotABackup {
                path: path.to_path_buf(),
                why: format!(
                    "its schema is version {found}, this build reads {} (restore it to an SQLite file first)",
                    schema::VERSION
                ),
            });
        }
        Ok(Sqlite {
            conn,
            mapped: false,
        })
    }

    /// The connection, for reads.
    pub(crate) fn db(&self) -> crate::sql::Sqlite<'_> {
        crate::sql::Sqlite(&self.conn)
    }

    /// Runs `op` in one write transaction, taken at once (so that two
    /// writers never both read, then both write), committed if it succeeds.
    pub(crate) fn write<T>(&mut self, op: impl FnOnce(&mut dyn Db) -> Result<T>) -> Result<T> {
        if !self.mapped {
            // Merge lookups read through a memory map too: in a store of a
            // million incidents their page reads were a third of an ingest
            // as `pread` copies.
            self.map_reads()?;
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = op(&mut crate::sql::Sqlite(&tx))?;
        tx.commit()?;
        Ok(out)
    }

    /// [`queries::points_since`], without filling the page cache.
    pub(crate) fn points_since(&self, since: i64, f: &mut dyn FnMut(IncidentPoint)) -> Result<i64> {
        // A full scan would fill the page cache with pages no lookup needs
        // again, and the memory would stay with the process.
        let full = since == 0;
        if full {
            self.conn.pragma_update(None, "cache_size", -2048)?;
        }
        let done = queries::points_since(&mut self.db(), since, f);
        if full {
            self.conn.pragma_update(None, "cache_size", PAGE_CACHE)?;
        }
        done
    }

    /// [`queries::restore`] in one transaction, as a bulk load: the rows
    /// first, then the merge lookup's R*Tree and the secondary indexes,
    /// each built in one pass. Kept up row by row, as an ingest does, they
    /// made ten million incidents take 26 times as long as one million.
    pub(crate) fn restore(
        &mut self,
        articles: &[crate::StoredArticle],
        incidents: &mut dyn Iterator<Item = std::borrow::Cow<'_, marsad_model::Incident>>,
        written: &mut dyn FnMut(),
    ) -> Result<()> {
        // Sorting for the indexes built after needs room: in memory, and
        // 256 MiB of page cache, until the load is done.
        self.conn.pragma_update(None, "temp_store", "MEMORY")?;
        self.conn.pragma_update(None, "cache_size", -262_144)?;
        let restored = (|| {
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)?;
            let deferred = defer_indexes(&tx)?;
            queries::restore(&mut crate::sql::Sqlite(&tx), articles, incidents, written)?;
            // In space order, so each R*Tree insert finds its pages cached.
            tx.execute_batch(&format!(
                "{} ORDER BY CAST(lat * 4 AS INTEGER), lon;",
                schema::FILL_WHERE_WHEN
            ))?;
            for sql in deferred {
                tx.execute_batch(&sql)?;
            }
            tx.commit()?;
            Ok(())
        })();
        self.conn.pragma_update(None, "temp_store", "DEFAULT")?;
        self.conn.pragma_update(None, "cache_size", PAGE_CACHE)?;
        restored
    }
    /// Copies the store to a new file at `to` as it is now, while others
    /// go on writing (see [`crate::backup`]).
    pub(crate) fn backup_to(&self, to: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
        crate::backup::copy(&self.conn, to, progress)
    }

    /// SQLite's own check of the file: `ok` when sound.
    pub(crate) fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

/// Drops what a bulk load builds after the rows (the secondary indexes of
/// incidents and sources, the R*Tree's insert trigger) and returns the
/// statements that make them again, as the schema has them. The change
/// sequence's index stays: each insert takes the next number from it
/// (without it, a scan of every row so far).
fn defer_indexes(tx: &rusqlite::Transaction<'_>) -> Result<Vec<String>> {
    let mut found = tx.prepare(
        "SELECT type, name, sql FROM sqlite_schema
         WHERE tbl_name IN ('incidents', 'incident_sources') AND sql IS NOT NULL
           AND ((type = 'index' AND name != 'incidents_by_change')
                OR (type = 'trigger' AND name = 'incidents_where_when_insert'))",
    )?;
    let deferred = found
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (kind, name, _) in &deferred {
        let kind = if kind == "index" { "INDEX" } else { "TRIGGER" };
        tx.execute_batch(&format!("DROP {kind} \"{name}\";"))?;
    }
    Ok(deferred.into_iter().map(|(_, _, sql)| sql).collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::queries::{insert_incident, reported_before};
    use marsad_model::{
        Article, Counts, DatePrecision, EventType, Format, GeoPrecision, Incident, Place,
    };

    fn strike(id: &str, date: &str, lat: f64, lon: f64) -> Incident {
        Incident {
            id: id.into(),
            event_type: EventType::Airstrike,
            date: Some(date.parse().unwrap()),
            date_precision: DatePrecision::Day,
            date_text: None,
            place: Some(Place {
                id: format!("test:{lat},{lon}"),
                name_ar: "موقع".into(),
                name_en: None,
                admin1: None,
                admin2: None,
                lat,
                lon,
            }),
            geo_precision: GeoPrecision::PLACE,
            actors: vec![],
            targets: vec![],
            people: vec![],
            counts: Counts::default(),
            confidence: 0.6,
            source_count: 1,
            reported: None,
            sources: vec![],
            status: Default::default(),
        }
    }

    fn article(text: &str) -> Article {
        Article {
            url: None,
            title: None,
            published: None,
            text: text.into(),
            format: Format::Text,
        }
    }

    #[test]
    fn reports_are_merged_through_the_spatial_index() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = crate::Store::open(dir.path().join("m.db")).unwrap();
        store
            .ingest(
                &article("first"),
                &[strike("a", "2024-03-05", 34.45, 40.92)],
            )
            .unwrap();
        // Around 1.1 km away the same day: the same strike.
        let again = store
            .ingest(
                &article("second"),
                &[strike("b", "2024-03-05", 34.46, 40.92)],
            )
            .unwrap();
        assert_eq!(again.incidents_merged, ["a"]);
        // About 3 km away, or ten days later: another strike.
        let other = store
            .ingest(
                &article("third"),
                &[
                    strike("c", "2024-03-05", 34.477, 40.92),
                    strike("d", "2024-03-15", 34.45, 40.92),
                ],
            )
            .unwrap();
        assert_eq!(other.incidents_new, ["c", "d"]);
        assert_eq!(store.count_incidents().unwrap(), 3);
    }

    #[test]
    fn a_moved_or_redated_incident_is_found_where_it_is_now() {
        let mut conn = Connection::open_in_memory().unwrap();
        schema::migrate(&mut conn).unwrap();
        let tx = conn.transaction().unwrap();
        let mut moved = strike("a", "2024-03-05", 34.45, 40.92);
        insert_incident(&mut crate::sql::Sqlite(&tx), &moved, chrono::Utc::now()).unwrap();
        tx.execute(
            "UPDATE incidents SET date = '2024-06-01', lat = 35.0 WHERE id = 'a'",
            [],
        )
        .unwrap();
        assert!(reported_before(
            &mut crate::sql::Sqlite(&tx),
            &strike("x", "2024-03-05", 34.45, 40.92),
            &Default::default()
        )
        .unwrap()
        .is_none());
        moved.id = "y".into();
        moved.date = Some("2024-06-01".parse().unwrap());
        moved.place.as_mut().unwrap().lat = 35.0;
        assert_eq!(
            reported_before(&mut crate::sql::Sqlite(&tx), &moved, &Default::default())
                .unwrap()
                .unwrap()
                .id,
            "a"
        );
    }

    #[test]
    fn upgrading_a_version_1_store_indexes_its_incidents() {
        let mut conn = Connection::open_in_memory().unwrap();
        schema::migrate_to(&mut conn, 1).unwrap();
        // A row as version 1 wrote it.
        conn.execute(
            "INSERT INTO incidents (id, type, date, date_precision, place_id, lat, lon, geo_precision, actors, \
             targets, people, count_qualifiers, confidence, created_at, updated_at) \
             VALUES ('a', 'airstrike', '2024-03-05', 'day', 'test:34.45,40.92', 34.45, 40.92, 1, '[]', '[]', '[]', \
             '{}', 0.6, 't', 't')",
            [],
        )
        .unwrap();
        schema::migrate(&mut conn).unwrap();
        let tx = conn.transaction().unwrap();
        let found = reported_before(
            &mut crate::sql::Sqlite(&tx),
            &strike("b", "2024-03-05", 34.45, 40.92),
            &Default::default(),
        )
        .unwrap();
        assert_eq!(found.unwrap().id, "a");
    }

    #[test]
    fn upgrading_a_version_5_store_finds_its_undated_incidents_by_their_report_day() {
        let mut conn = Connection::open_in_memory().unwrap();
        schema::migrate_to(&mut conn, 5).unwrap();
        // An undated incident and its article, as version 5 wrote them.
        conn.execute_batch(
            "INSERT INTO articles (id, published, ingested_at, text) VALUES ('art', '2024-03-06', 't', 'x');
             INSERT INTO incidents (id, type, date_precision, place_id, lat, lon, geo_precision, actors, \
             targets, people, count_qualifiers, confidence, created_at, updated_at) \
             VALUES ('a', 'airstrike', 'unknown', 'test:34.45,40.92', 34.45, 40.92, 1, '[]', '[]', '[]', \
             '{}', 0.6, 't', 't');
             INSERT INTO incident_sources VALUES ('a', 'art', 0, 1, 'x');",
        )
        .unwrap();
        schema::migrate(&mut conn).unwrap();
        let tx = conn.transaction().unwrap();
        let mut undated = strike("b", "2024-03-05", 34.45, 40.92);
        undated.date = None;
        undated.date_precision = marsad_model::DatePrecision::Unknown;
        undated.reported = "2024-03-07".parse().ok();
        let found = reported_before(&mut crate::sql::Sqlite(&tx), &undated, &Default::default())
            .unwrap()
            .unwrap();
        assert_eq!(found.id, "a");
        assert_eq!(found.reported.unwrap().to_string(), "2024-03-06");
        // Dated a week later, it is another strike.
        let later = strike("c", "2024-03-14", 34.45, 40.92);
        assert!(
            reported_before(&mut crate::sql::Sqlite(&tx), &later, &Default::default())
                .unwrap()
                .is_none()
        );
    }
}

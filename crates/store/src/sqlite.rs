//! The SQLite backend: one file, WAL with full synchronisation, an R*Tree
//! for the merge lookup.

use std::path::Path;

use marsad_model::{Article, Format, Incident, IncidentPoint, Scope, Source};
use rusqlite::{params, Connection, OptionalExtension, Row, Transaction, TransactionBehavior};

use crate::columns::{
    kindred_types, nearest_report, to_json, Columns, PointColumns, INCIDENT_COLUMNS, POINT_COLUMNS,
};
use crate::feeds::{parse_time, time, ArticleSummary, FeedState, SeenPage, FEED_COLUMNS};
use crate::store::attach_sources;
use crate::{schema, Error, IngestReport, Result, StoredArticle};

/// A connection to an SQLite database file.
#[derive(Debug)]
pub(crate) struct Sqlite {
    conn: Connection,
    /// Whether this connection reads the file through a memory map: one
    /// that ingests, or serves reads (see [`Sqlite::map_reads`]); not one
    /// that scans the whole file once.
    mapped: bool,
}

fn date_col(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<chrono::NaiveDate>> {
    // `FromStr` reads ISO dates without parsing a format string each time.
    Ok(text_ref(row, idx)?.and_then(|s| s.parse().ok()))
}

/// Text column `idx` (`None` if NULL), borrowed from the row.
fn text_ref<'r>(row: &'r Row<'_>, idx: usize) -> rusqlite::Result<Option<&'r str>> {
    let value = row.get_ref(idx)?;
    value
        .as_str_or_null()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, value.data_type(), Box::new(e)))
}

/// Text column `idx`, borrowed from the row; NULL is an error.
fn text_ref_not_null<'r>(row: &'r Row<'_>, idx: usize) -> rusqlite::Result<&'r str> {
    text_ref(row, idx)?.ok_or(rusqlite::Error::InvalidColumnType(
        idx,
        "text".into(),
        rusqlite::types::Type::Null,
    ))
}

/// A source from eight columns starting at `at`: article id, url, title,
/// outlet, published, start, end, evidence.
fn source_row(r: &Row<'_>, at: usize) -> rusqlite::Result<Source> {
    Ok(Source {
        article_id: r.get(at)?,
        url: r.get(at + 1)?,
        title: r.get(at + 2)?,
        outlet: r.get(at + 3)?,
        published: date_col(r, at + 4)?,
        start: r.get::<_, i64>(at + 5)? as usize,
        end: r.get::<_, i64>(at + 6)? as usize,
        evidence: r.get(at + 7)?,
    })
}

fn incident_row(row: &Row<'_>) -> rusqlite::Result<Incident> {
    Columns {
        id: row.get(0)?,
        event_type: row.get(1)?,
        date: date_col(row, 2)?,
        date_precision: row.get(3)?,
        date_text: row.get(4)?,
        place_id: row.get(5)?,
        place_ar: row.get(6)?,
        place_en: row.get(7)?,
        admin1: row.get(8)?,
        admin2: row.get(9)?,
        lat: row.get(10)?,
        lon: row.get(11)?,
        geo_precision: row.get(12)?,
        actors: row.get(13)?,
        targets: row.get(14)?,
        people: row.get(15)?,
        killed: row.get(16)?,
        injured: row.get(17)?,
        arrested: row.get(18)?,
        count_qualifiers: row.get(19)?,
        confidence: row.get(20)?,
        source_count: row.get(21)?,
        reported: date_col(row, 22)?,
    }
    .into_incident()
    .map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
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
            conn.pragma_update(None, "cache_size", -65536)?;
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

    /// Stores an article and the incidents extracted from it in one
    /// transaction. An article already stored changes nothing. An incident
    /// an earlier article already reported ([`same_incident`](marsad_model::same_incident) across
    /// articles) absorbs the new report and gains a source instead of a
    /// duplicate. Each incident's first source is this article's evidence.
    pub(crate) fn ingest(
        &mut self,
        article: &Article,
        incidents: &[Incident],
    ) -> Result<IngestReport> {
        if !self.mapped {
            // Merge lookups read through a memory map too: in a store of a
            // million incidents their page reads were a third of an ingest
            // as `pread` copies.
            self.map_reads()?;
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut report = IngestReport {
            article_id: article.id(),
            ..Default::default()
        };
        if !insert_article(&tx, article, &report.article_id)? {
            return Ok(report);
        }
        report.new_article = true;
        let ts = now();
        // What this article wrote: a later report of it never merges into it.
        let mut own = std::collections::HashSet::new();
        for inc in incidents {
            let id = match reported_before(&tx, inc, &own)? {
                Some(mut known) => {
                    known.absorb(inc, Scope::Articles);
                    update_incident(&tx, &known, &ts)?;
                    report.incidents_merged.push(known.id.clone());
                    known.id
                }
                None => {
                    insert_incident(&tx, inc, &ts)?;
                    report.incidents_new.push(inc.id.clone());
                    inc.id.clone()
                }
            };
            own.insert(id.clone());
            if let Some(s) = inc.sources.first() {
                tx.prepare_cached(
                    "INSERT OR IGNORE INTO incident_sources (incident_id, article_id, start, end, evidence) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![id, report.article_id, s.start as i64, s.end as i64, s.evidence],
                )?;
            }
        }
        tx.commit()?;
        Ok(report)
    }

    /// One incident with all its sources.
    pub(crate) fn incident(&self, id: &str) -> Result<Option<Incident>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = ?1"
        ))?;
        let Some(mut inc) = stmt.query_row([id], incident_row).optional()? else {
            return Ok(None);
        };
        let mut s = self.conn.prepare_cached(
            "SELECT s.article_id, a.url, a.title, a.outlet, a.published, s.start, s.end, s.evidence \
             FROM incident_sources s JOIN articles a ON a.id = s.article_id WHERE s.incident_id = ?1 ORDER BY a.published, a.ingested_at",
        )?;
        inc.sources = s
            .query_map([id], |r| source_row(r, 0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(inc))
    }

    /// Incidents by id, in the order asked (unknown ids are skipped).
    pub(crate) fn incidents(&self, ids: &[String]) -> Result<Vec<Incident>> {
        // One read transaction for the lot: one snapshot, and the file
        // locks taken once, not once per statement (a third of the time
        // of a page of 1000 without it).
        let tx = self.conn.unchecked_transaction()?;
        let mut out = Vec::with_capacity(ids.len());
        {
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = ?1"
            ))?;
            for id in ids {
                if let Some(r) = stmt.query_row([id], incident_row).optional()? {
                    out.push(r);
                }
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// The first report of each of `ids`, ordered as [`Self::first_sources`]
    /// lets the first win.
    pub(crate) fn first_sources_of(
        &self,
        ids: &[String],
    ) -> Result<rustc_hash::FxHashMap<String, (String, String)>> {
        let tx = self.conn.unchecked_transaction()?;
        let mut out = rustc_hash::FxHashMap::default();
        {
            let mut stmt = tx.prepare_cached(
                "SELECT COALESCE(a.url, a.outlet, a.title, a.id), s.evidence FROM incident_sources s \
                 JOIN articles a ON a.id = s.article_id WHERE s.incident_id = ?1 \
                 ORDER BY a.published, a.ingested_at, s.rowid LIMIT 1",
            )?;
            for id in ids {
                let first = stmt
                    .query_row([id], |r| {
                        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                    })
                    .optional()?;
                if let Some(first) = first {
                    out.insert(id.clone(), first);
                }
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// Every incident (without sources), newest first.
    pub(crate) fn all_incidents(&self) -> Result<Vec<Incident>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {INCIDENT_COLUMNS} FROM incidents ORDER BY date DESC, id"
        ))?;
        let rows = stmt.query_map([], incident_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The first report of each incident: (source — URL, outlet or title —,
    /// evidence sentence), for exports.
    pub(crate) fn first_sources(&self) -> Result<rustc_hash::FxHashMap<String, (String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.incident_id, COALESCE(a.url, a.outlet, a.title, a.id), s.evidence FROM incident_sources s \
             JOIN articles a ON a.id = s.article_id ORDER BY a.published DESC, a.ingested_at DESC, s.rowid DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = rustc_hash::FxHashMap::default();
        // Later rows are earlier reports and overwrite: the first report wins.
        for r in rows {
            let (k, src, ev) = r?;
            out.insert(k, (src, ev));
        }
        Ok(out)
    }

    /// Incidents inserted or merged after change `since`, in order, and the
    /// last change number (`since` when there is none).
    pub(crate) fn changes_since(&self, since: i64) -> Result<(Vec<Incident>, i64)> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {INCIDENT_COLUMNS}, change_seq FROM incidents WHERE change_seq > ?1 ORDER BY change_seq"
        ))?;
        let mut last = since;
        let rows = stmt.query_map([since], |r| Ok((incident_row(r)?, r.get::<_, i64>(23)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (inc, seq) = row?;
            last = last.max(seq);
            out.push(inc);
        }
        Ok((out, last))
    }

    pub(crate) fn for_each_point_since(
        &self,
        since: i64,
        f: &mut dyn FnMut(IncidentPoint),
    ) -> Result<i64> {
        // A full scan would fill the page cache with pages no lookup needs
        // again, and the memory would stay with the process.
        let full = since == 0;
        if full {
            self.conn.pragma_update(None, "cache_size", -2048)?;
        }
        let done = self.scan_points(since, f);
        if full {
            self.conn.pragma_update(None, "cache_size", -65536)?;
        }
        done
    }

    fn scan_points(&self, since: i64, f: &mut dyn FnMut(IncidentPoint)) -> Result<i64> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {POINT_COLUMNS} FROM incidents WHERE change_seq > ?1 ORDER BY change_seq"
        ))?;
        let mut rows = stmt.query([since])?;
        let mut last = since;
        while let Some(r) = rows.next()? {
            last = last.max(r.get(9)?);
            let point = PointColumns {
                id: text_ref_not_null(r, 0)?,
                event_type: text_ref_not_null(r, 1)?,
                date: date_col(r, 2)?,
                lat: r.get(3)?,
                lon: r.get(4)?,
                confidence: r.get(5)?,
                geo_precision: r.get(6)?,
                actors: text_ref_not_null(r, 7)?,
                targets: text_ref_not_null(r, 8)?,
            };
            if let Some(p) = point.into_point()? {
                f(p);
            }
        }
        Ok(last)
    }

    /// Every article as stored, oldest first.
    pub(crate) fn articles(&self) -> Result<Vec<StoredArticle>> {
        let mut stmt = self.conn.prepare(
            "SELECT url, title, published, ingested_at, text FROM articles ORDER BY ingested_at, id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(StoredArticle {
                article: Article {
                    url: r.get(0)?,
                    title: r.get(1)?,
                    published: date_col(r, 2)?,
                    text: r.get(4)?,
                    format: Format::Text,
                },
                ingested_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every incident with its sources.
    pub(crate) fn incidents_with_sources(&self) -> Result<Vec<Incident>> {
        let mut incidents = self.all_incidents()?;
        let mut stmt = self.conn.prepare(
            "SELECT s.incident_id, s.article_id, a.url, a.title, a.outlet, a.published, s.start, s.end, s.evidence \
             FROM incident_sources s JOIN articles a ON a.id = s.article_id ORDER BY a.published, a.ingested_at, s.rowid",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, source_row(r, 1)?)))?;
        attach_sources(&mut incidents, rows.collect::<rusqlite::Result<_>>()?);
        Ok(incidents)
    }

    /// Writes a copy of another store into this one, which must be empty,
    /// in one transaction.
    pub(crate) fn restore(
        &mut self,
        articles: &[StoredArticle],
        incidents: &[Incident],
        written: &mut dyn FnMut(),
    ) -> Result<()> {
        // Each insert fires the R*Tree trigger inside the one transaction,
        // so SQLite keeps a statement journal of the pages it changes: in
        // memory, not a temporary file (a third of the time for a million).
        self.conn.pragma_update(None, "temp_store", "MEMORY")?;
        let restored = self.restore_in_one_transaction(articles, incidents, written);
        self.conn.pragma_update(None, "temp_store", "DEFAULT")?;
        restored
    }

    fn restore_in_one_transaction(
        &mut self,
        articles: &[StoredArticle],
        incidents: &[Incident],
        written: &mut dyn FnMut(),
    ) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let stored: i64 = tx.query_row(
            "SELECT (SELECT COUNT(*) FROM articles) + (SELECT COUNT(*) FROM incidents)",
            [],
            |r| r.get(0),
        )?;
        if stored > 0 {
            return Err(Error::NotEmpty);
        }
        for s in articles {
            let a = &s.article;
            tx.prepare_cached(
                "INSERT INTO articles (id, url, title, outlet, published, ingested_at, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![a.id(), a.url, a.title, a.outlet(), a.published.map(|d| d.to_string()), s.ingested_at, a.text],
            )?;
            written();
        }
        let restored_at = now();
        for inc in incidents {
            insert_incident(&tx, inc, &restored_at)?;
            for s in &inc.sources {
                tx.prepare_cached(
                    "INSERT INTO incident_sources (incident_id, article_id, start, end, evidence) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![inc.id, s.article_id, s.start as i64, s.end as i64, s.evidence],
                )?;
            }
            written();
        }
        tx.commit()?;
        Ok(())
    }

    /// Number of incidents.
    pub(crate) fn count_incidents(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM incidents", [], |r| r.get(0))?)
    }

    /// Number of articles.
    pub(crate) fn count_articles(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0))?)
    }

    /// Whether an article is stored.
    pub(crate) fn latest_articles(&self, limit: usize) -> Result<Vec<ArticleSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, a.url, a.title, a.outlet, a.published, a.ingested_at, \
             (SELECT count(DISTINCT s.incident_id) FROM incident_sources s WHERE s.article_id = a.id) \
             FROM articles a ORDER BY a.ingested_at DESC, a.rowid DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok(ArticleSummary {
                id: r.get(0)?,
                url: r.get(1)?,
                title: r.get(2)?,
                outlet: r.get(3)?,
                published: date_col(r, 4)?,
                ingested_at: r.get(5)?,
                incidents: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn feed_states(&self) -> Result<Vec<FeedState>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {FEED_COLUMNS} FROM feeds ORDER BY outlet, url"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok(FeedState {
                url: r.get(0)?,
                outlet: r.get(1)?,
                etag: r.get(2)?,
                last_modified: r.get(3)?,
                last_poll: parse_time(r.get(4)?),
                last_success: parse_time(r.get(5)?),
                last_error: r.get(6)?,
                failures: r.get(7)?,
                next_poll: parse_time(r.get(8)?),
                items_seen: r.get(9)?,
                articles_ingested: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(crate) fn save_feed_state(&self, f: &FeedState) -> Result<()> {
        self.conn.execute(
            &format!(
                "INSERT INTO feeds ({FEED_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) \
                 ON CONFLICT (url) DO UPDATE SET outlet = ?2, etag = ?3, last_modified = ?4, \
                 last_poll = ?5, last_success = ?6, last_error = ?7, failures = ?8, next_poll = ?9, \
                 items_seen = ?10, articles_ingested = ?11"
            ),
            rusqlite::params![
                f.url,
                f.outlet,
                f.etag,
                f.last_modified,
                time(f.last_poll),
                time(f.last_success),
                f.last_error,
                f.failures,
                time(f.next_poll),
                f.items_seen,
                f.articles_ingested,
            ],
        )?;
        Ok(())
    }

    pub(crate) fn seen_page(&self, url: &str, hash: Option<&str>) -> Result<Option<SeenPage>> {
        Ok(self
            .conn
            .query_row(
                "SELECT url, canonical, content_hash, article_id, outcome FROM seen_pages \
                 WHERE url = ?1 OR canonical = ?1 OR (?2 IS NOT NULL AND content_hash = ?2) LIMIT 1",
                rusqlite::params![url, hash],
                |r| {
                    Ok(SeenPage {
                        url: r.get(0)?,
                        canonical: r.get(1)?,
                        content_hash: r.get(2)?,
                        article_id: r.get(3)?,
                        outcome: r.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    pub(crate) fn mark_page_seen(&self, p: &SeenPage) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO seen_pages (url, canonical, content_hash, article_id, outcome, seen_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![
                p.url,
                p.canonical,
                p.content_hash,
                p.article_id,
                p.outcome,
                time(Some(chrono::Utc::now()))
            ],
        )?;
        Ok(())
    }

    pub(crate) fn has_article(&self, id: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM articles WHERE id = ?1)",
            [id],
            |r| r.get(0),
        )?)
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

/// Inserts the article; false when it is already stored.
fn insert_article(tx: &Transaction<'_>, a: &Article, id: &str) -> Result<bool> {
    let exists: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM articles WHERE id = ?1)",
        [id],
        |r| r.get(0),
    )?;
    if exists {
        return Ok(false);
    }
    tx.prepare_cached(
        "INSERT INTO articles (id, url, title, outlet, published, ingested_at, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![id, a.url, a.title, a.outlet(), a.published.map(|d| d.to_string()), now(), a.text],
    )?;
    Ok(true)
}

/// Days either side searched: the widest date tolerance (a month).
const NEAR_DAYS: f64 = 31.0;

/// Days either side that hold every candidate not dated only to the month
/// (the next widest tolerance, a week): the rest are not read.
const WEEK_DAYS: f64 = 7.0;

/// The stored incident this report tells again, if any: among incidents of
/// a kindred type near it and within a month of when it happened (found
/// through the R*Tree, so the cost does not grow with the store), the
/// nearest that [`same_incident`](marsad_model::same_incident) accepts and this article did not write
/// (`own`); else one with the same id. `CROSS JOIN` keeps the R*Tree the
/// outer loop: SQLite would otherwise scan every incident of the type.
fn reported_before(
    tx: &Transaction<'_>,
    inc: &Incident,
    own: &std::collections::HashSet<String>,
) -> Result<Option<Incident>> {
    if let (Some((lat, lon)), Some((first, last))) = (inc.lat_lon(), inc.when()) {
        let (dlat, dlon) = marsad_model::same_place_box(lat);
        let mut stmt = tx.prepare_cached(&format!(
            "SELECT {INCIDENT_COLUMNS} FROM incidents_where_when w CROSS JOIN incidents ON incidents.rowid = w.incident_rowid \
             WHERE w.max_lat >= ?2 AND w.min_lat <= ?3 AND w.max_lon >= ?4 AND w.min_lon <= ?5 \
             AND w.max_when >= (julianday(?6) - 2451545.0 - ?8) / ?9 AND w.min_when <= (julianday(?7) - 2451545.0 + ?8) / ?9 \
             AND incidents.type IN (SELECT value FROM json_each(?1)) \
             AND (incidents.date_precision = 'month' OR julianday(COALESCE(incidents.date, incidents.reported)) \
                  BETWEEN julianday(?6) - ?10 AND julianday(?7) + ?10) \
             ORDER BY incidents.date, incidents.rowid"
        ))?;
        let rows = stmt.query_map(
            params![
                to_json(&kindred_types(inc.event_type), "type")?,
                lat - dlat,
                lat + dlat,
                lon - dlon,
                lon + dlon,
                first.to_string(),
                last.to_string(),
                NEAR_DAYS,
                schema::DAYS_PER_WHEN,
                WEEK_DAYS
            ],
            incident_row,
        )?;
        if let Some(r) = nearest_report(inc, rows.map(|r| r.map_err(Error::from)), own)? {
            return Ok(Some(r));
        }
    }
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = ?1"
    ))?;
    Ok(stmt.query_row([&inc.id], incident_row).optional()?)
}

/// Writes back what absorbing a report changed.
fn update_incident(tx: &Transaction<'_>, e: &Incident, ts: &str) -> Result<()> {
    tx.prepare_cached(
        "UPDATE incidents SET date = ?2, date_precision = ?3, date_text = ?4, actors = ?5, targets = ?6, people = ?7, \
         killed = ?8, injured = ?9, arrested = ?10, count_qualifiers = ?11, confidence = ?12, source_count = ?13, \
         updated_at = ?14, type = ?15, reported = ?16, change_seq = (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM incidents) WHERE id = ?1",
    )?
    .execute(params![
            e.id,
            e.date.map(|d| d.to_string()),
            e.date_precision.as_str(),
            e.date_text,
            to_json(&e.actors, "actors")?,
            to_json(&e.targets, "targets")?,
            to_json(&e.people, "people")?,
            e.counts.killed,
            e.counts.injured,
            e.counts.arrested,
            to_json(&e.counts.qualifiers(), "count_qualifiers")?,
            e.confidence,
            e.source_count,
            ts,
            e.event_type.as_str(),
            e.reported.map(|d| d.to_string())
        ],
    )?;
    Ok(())
}

/// Inserts a new incident, reported once.
fn insert_incident(tx: &Transaction<'_>, inc: &Incident, ts: &str) -> Result<()> {
    let p = inc.place.as_ref();
    tx.prepare_cached(
        &format!("INSERT INTO incidents ({INCIDENT_COLUMNS}, created_at, updated_at, change_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?24, \
         (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM incidents))"),
    )?
    .execute(params![
            inc.id,
            inc.event_type.as_str(),
            inc.date.map(|d| d.to_string()),
            inc.date_precision.as_str(),
            inc.date_text,
            p.map(|p| &p.id),
            p.map(|p| &p.name_ar),
            p.and_then(|p| p.name_en.as_ref()),
            p.and_then(|p| p.admin1.as_ref()),
            p.and_then(|p| p.admin2.as_ref()),
            p.map(|p| p.lat),
            p.map(|p| p.lon),
            inc.geo_precision.code(),
            to_json(&inc.actors, "actors")?,
            to_json(&inc.targets, "targets")?,
            to_json(&inc.people, "people")?,
            inc.counts.killed,
            inc.counts.injured,
            inc.counts.arrested,
            to_json(&inc.counts.qualifiers(), "count_qualifiers")?,
            inc.confidence,
            inc.source_count.max(1),
            inc.reported.map(|d| d.to_string()),
            ts
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use marsad_model::{Counts, DatePrecision, EventType, GeoPrecision, Place};

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
        let mut store = Sqlite::open(&dir.path().join("m.db")).unwrap();
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
        insert_incident(&tx, &moved, "t").unwrap();
        tx.execute(
            "UPDATE incidents SET date = '2024-06-01', lat = 35.0 WHERE id = 'a'",
            [],
        )
        .unwrap();
        assert!(reported_before(
            &tx,
            &strike("x", "2024-03-05", 34.45, 40.92),
            &Default::default()
        )
        .unwrap()
        .is_none());
        moved.id = "y".into();
        moved.date = Some("2024-06-01".parse().unwrap());
        moved.place.as_mut().unwrap().lat = 35.0;
        assert_eq!(
            reported_before(&tx, &moved, &Default::default())
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
            &tx,
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
        let found = reported_before(&tx, &undated, &Default::default())
            .unwrap()
            .unwrap();
        assert_eq!(found.id, "a");
        assert_eq!(found.reported.unwrap().to_string(), "2024-03-06");
        // Dated a week later, it is another strike.
        let later = strike("c", "2024-03-14", 34.45, 40.92);
        assert!(reported_before(&tx, &later, &Default::default())
            .unwrap()
            .is_none());
    }
}

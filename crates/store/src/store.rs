//! The SQLite store.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use crate::merge::{fold, same_incident};
use crate::{schema, ArticleRecord, Error, IncidentRecord, Result, Source};

/// What one ingest did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestReport {
    /// The article's id.
    pub article_id: String,
    /// False when the article was already stored (nothing changed).
    pub new_article: bool,
    /// Incidents created.
    pub incidents_new: Vec<String>,
    /// Existing incidents this article reported again (a source was added).
    pub incidents_merged: Vec<String>,
}

/// A connection to the incident database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
}

const INCIDENT_COLUMNS: &str = "id, type, date, date_precision, date_text, place_id, place_ar, place_en, admin1, admin2, lat, lon, \
     geo_precision, actors, targets, people, killed, injured, arrested, count_qualifiers, confidence, source_count";

fn json_col<T: serde::de::DeserializeOwned>(row: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    serde_json::from_str(&s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn date_col(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<chrono::NaiveDate>> {
    let s: Option<String> = row.get(idx)?;
    Ok(s.and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()))
}

fn incident_row(row: &Row<'_>) -> rusqlite::Result<IncidentRecord> {
    Ok(IncidentRecord {
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
        actors: json_col(row, 13)?,
        targets: json_col(row, 14)?,
        people: json_col(row, 15)?,
        killed: row.get(16)?,
        injured: row.get(17)?,
        arrested: row.get(18)?,
        count_qualifiers: json_col(row, 19)?,
        confidence: row.get(20)?,
        source_count: row.get(21)?,
        sources: Vec::new(),
    })
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn to_json<T: serde::Serialize>(v: &T, column: &'static str) -> Result<String> {
    serde_json::to_string(v).map_err(|source| Error::Json { column, source })
}

impl Store {
    /// Opens (creating if needed) the database at `path`, in WAL mode with
    /// full synchronisation and foreign keys, and brings its schema up to
    /// date.
    pub fn open(path: &Path) -> Result<Self> {
        let open = |p: &Path| -> rusqlite::Result<Connection> {
            let conn = Connection::open(p)?;
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            Ok(conn)
        };
        let mut conn = open(path).map_err(|source| Error::Open {
            path: path.to_path_buf(),
            source,
        })?;
        schema::migrate(&mut conn)?;
        Ok(Store { conn })
    }

    /// Stores an article and its incidents in one transaction. An article
    /// already stored changes nothing. An incident that an earlier article
    /// already reported (same type, same place, dates within a day) gains a
    /// source instead of a duplicate.
    pub fn ingest(
        &mut self,
        article: &ArticleRecord,
        incidents: &[IncidentRecord],
    ) -> Result<IngestReport> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut report = IngestReport {
            article_id: article.id.clone(),
            ..Default::default()
        };
        let exists: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM articles WHERE id = ?1)",
            [&article.id],
            |r| r.get(0),
        )?;
        if exists {
            return Ok(report);
        }
        report.new_article = true;
        let ts = now();
        tx.execute(
            "INSERT INTO articles (id, url, title, outlet, published, ingested_at, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![article.id, article.url, article.title, article.outlet, article.published.map(|d| d.to_string()), ts, article.text],
        )?;
        for inc in incidents {
            // Candidates: same type, nearby, dates within a month; the exact
            // test is `same_incident`.
            let mut existing: Option<IncidentRecord> = None;
            if let (Some(lat), Some(lon), Some(date)) = (inc.lat, inc.lon, inc.date) {
                let mut stmt = tx.prepare_cached(&format!(
                    "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE type = ?1 AND date BETWEEN ?2 AND ?3 \
                     AND lat BETWEEN ?4 AND ?5 AND lon BETWEEN ?6 AND ?7"
                ))?;
                let (from, to) = (
                    date - chrono::Duration::days(31),
                    date + chrono::Duration::days(31),
                );
                let rows = stmt.query_map(
                    params![
                        inc.event_type,
                        from.to_string(),
                        to.to_string(),
                        lat - 0.05,
                        lat + 0.05,
                        lon - 0.05,
                        lon + 0.05
                    ],
                    incident_row,
                )?;
                for r in rows {
                    let r = r?;
                    if same_incident(&r, inc) {
                        existing = Some(r);
                        break;
                    }
                }
            }
            if existing.is_none() {
                let mut stmt = tx.prepare_cached(&format!(
                    "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = ?1"
                ))?;
                existing = stmt.query_row([&inc.id], incident_row).optional()?;
            }
            let source = inc.sources.first();
            let target_id = match existing {
                Some(mut e) => {
                    fold(&mut e, inc);
                    tx.execute(
                        "UPDATE incidents SET date = ?2, date_precision = ?3, date_text = ?4, actors = ?5, targets = ?6, people = ?7, \
                         killed = ?8, injured = ?9, arrested = ?10, count_qualifiers = ?11, confidence = ?12, source_count = ?13, \
                         updated_at = ?14 WHERE id = ?1",
                        params![
                            e.id,
                            e.date.map(|d| d.to_string()),
                            e.date_precision,
                            e.date_text,
                            to_json(&e.actors, "actors")?,
                            to_json(&e.targets, "targets")?,
                            to_json(&e.people, "people")?,
                            e.killed,
                            e.injured,
                            e.arrested,
                            to_json(&e.count_qualifiers, "count_qualifiers")?,
                            e.confidence,
                            e.source_count,
                            ts
                        ],
                    )?;
                    report.incidents_merged.push(e.id.clone());
                    e.id
                }
                None => {
                    tx.execute(
                        &format!("INSERT INTO incidents ({INCIDENT_COLUMNS}, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?23)"),
                        params![
                            inc.id,
                            inc.event_type,
                            inc.date.map(|d| d.to_string()),
                            inc.date_precision,
                            inc.date_text,
                            inc.place_id,
                            inc.place_ar,
                            inc.place_en,
                            inc.admin1,
                            inc.admin2,
                            inc.lat,
                            inc.lon,
                            inc.geo_precision,
                            to_json(&inc.actors, "actors")?,
                            to_json(&inc.targets, "targets")?,
                            to_json(&inc.people, "people")?,
                            inc.killed,
                            inc.injured,
                            inc.arrested,
                            to_json(&inc.count_qualifiers, "count_qualifiers")?,
                            inc.confidence,
                            1,
                            ts
                        ],
                    )?;
                    report.incidents_new.push(inc.id.clone());
                    inc.id.clone()
                }
            };
            if let Some(s) = source {
                tx.execute(
                    "INSERT OR IGNORE INTO incident_sources (incident_id, article_id, start, end, evidence) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![target_id, article.id, s.start as i64, s.end as i64, s.evidence],
                )?;
            }
        }
        tx.commit()?;
        Ok(report)
    }

    /// Stores an article and the incidents extracted from it, in one
    /// transaction (see [`Store::ingest`]).
    pub fn ingest_extraction(
        &mut self,
        article: &marsad_extract::Article,
        incidents: &[marsad_extract::Incident],
        gaz: &marsad_gazetteer::Gazetteer,
    ) -> Result<IngestReport> {
        let rec = ArticleRecord::new(article);
        let incs: Vec<IncidentRecord> = incidents
            .iter()
            .map(|i| IncidentRecord::new(i, gaz, &rec))
            .collect();
        self.ingest(&rec, &incs)
    }

    /// One incident with all its sources.
    pub fn incident(&self, id: &str) -> Result<Option<IncidentRecord>> {
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
            .query_map([id], |r| {
                Ok(Source {
                    article_id: r.get(0)?,
                    url: r.get(1)?,
                    title: r.get(2)?,
                    outlet: r.get(3)?,
                    published: date_col(r, 4)?,
                    start: r.get::<_, i64>(5)? as usize,
                    end: r.get::<_, i64>(6)? as usize,
                    evidence: r.get(7)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(inc))
    }

    /// Incidents by id, in the order asked (unknown ids are skipped).
    pub fn incidents(&self, ids: &[String]) -> Result<Vec<IncidentRecord>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = ?1"
        ))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(r) = stmt.query_row([id], incident_row).optional()? {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Every incident (without sources), newest first.
    pub fn all_incidents(&self) -> Result<Vec<IncidentRecord>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {INCIDENT_COLUMNS} FROM incidents ORDER BY date DESC, id"
        ))?;
        let rows = stmt.query_map([], incident_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The first report of each incident: (source — URL, outlet or title —,
    /// evidence sentence), for exports.
    pub fn first_sources(&self) -> Result<rustc_hash::FxHashMap<String, (String, String)>> {
        let mut stmt = self.conn.prepare(
            "SELECT s.incident_id, COALESCE(a.url, a.outlet, a.title, a.id), s.evidence FROM incident_sources s \
             JOIN articles a ON a.id = s.article_id ORDER BY a.published DESC, a.ingested_at DESC",
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

    /// Number of incidents.
    pub fn count_incidents(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM incidents", [], |r| r.get(0))?)
    }

    /// Number of articles.
    pub fn count_articles(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0))?)
    }

    /// Whether an article is stored.
    pub fn has_article(&self, id: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM articles WHERE id = ?1)",
            [id],
            |r| r.get(0),
        )?)
    }

    /// SQLite's own check of the file: `ok` when sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }
}

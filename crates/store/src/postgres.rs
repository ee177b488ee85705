//! The PostgreSQL + PostGIS backend: the same tables as SQLite, with a
//! `geography(Point, 4326)` column under a GiST index for the merge lookup,
//! and ingests serialised across every process that writes to the database.

use std::sync::Mutex;

use chrono::NaiveDate;
use marsad_model::{Article, Format, Incident, IncidentPoint, Scope, Source};
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Transaction};

use crate::columns::{
    kindred_types, nearest_report, to_json, Columns, PointColumns, INCIDENT_COLUMNS, POINT_COLUMNS,
};
use crate::feeds::{parse_time, time, ArticleSummary, FeedState, SeenPage, FEED_COLUMNS};
use crate::store::attach_sources;
use crate::{Error, IngestReport, Result, StoredArticle};

/// Each entry moves the schema from version i to i + 1.
const MIGRATIONS: &[&str] = &[
    // 1: articles, incidents (with a geography point), sources.
    "CREATE EXTENSION IF NOT EXISTS postgis;
    CREATE TABLE articles (
        id text PRIMARY KEY,
        url text,
        title text,
        outlet text,
        published date,
        ingested_at timestamptz NOT NULL DEFAULT now(),
        text text NOT NULL
    );
    CREATE TABLE incidents (
        id text PRIMARY KEY,
        type text NOT NULL,
        date date,
        date_precision text NOT NULL,
        date_text text,
        place_id text,
        place_ar text,
        place_en text,
        admin1 text,
        admin2 text,
        lat double precision,
        lon double precision,
        geog geography(Point, 4326),
        geo_precision smallint NOT NULL,
        actors text NOT NULL,
        targets text NOT NULL,
        people text NOT NULL,
        killed bigint,
        injured bigint,
        arrested bigint,
        count_qualifiers text NOT NULL,
        confidence real NOT NULL,
        source_count bigint NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX incidents_geog ON incidents USING gist (geog);
    CREATE INDEX incidents_by_date ON incidents (date);
    CREATE TABLE incident_sources (
        incident_id text NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
        article_id text NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        start_at bigint NOT NULL,
        end_at bigint NOT NULL,
        evidence text NOT NULL,
        PRIMARY KEY (incident_id, article_id, start_at)
    );
    CREATE INDEX sources_by_article ON incident_sources (article_id);",
    // 2: a change sequence: every insert or merge takes the next number (in
    // commit order, since ingests hold one lock), so replicas follow.
    "CREATE SEQUENCE incident_changes;
    ALTER TABLE incidents ADD COLUMN change_seq bigint;
    UPDATE incidents SET change_seq = nextval('incident_changes');
    ALTER TABLE incidents ALTER COLUMN change_seq SET NOT NULL,
        ALTER COLUMN change_seq SET DEFAULT nextval('incident_changes');
    CREATE INDEX incidents_by_change ON incidents (change_seq);",
    // 3: the merge lookup's index, as SQLite's R*Tree: an n-D GiST over
    // (longitude, latitude, time in units of 620 days). Through the
    // geography index alone the lookup read every row within 5 km of any
    // date (about 900 heap pages at a million incidents) or joined a bitmap
    // of a whole month; this reads the few rows near in space and time.
    "CREATE INDEX incidents_where_when ON incidents
        USING gist (ST_MakePoint(lon, lat, (date - DATE '2000-01-01') / 620.0) gist_geometry_ops_nd);",
    // 4: the merge lookup through a B-tree on (grid cell of 0.05°, date)
    // instead: the n-D GiST's boxes overlapped so much that a lookup read
    // about 100 index pages for a handful of rows (0.55 ms at a million
    // incidents); the B-tree reads a dozen (0.06 ms). The cell is
    // `floor(lat × 20) × 10000 + floor(lon × 20)`; see `cells_around`.
    "DROP INDEX incidents_where_when;
    CREATE INDEX incidents_cell_date ON incidents
        (((floor(lat * 20)::int) * 10000 + floor(lon * 20)::int), date);",
    // 5: following feeds, as on SQLite.
    crate::feeds::feeds_tables!("BIGINT"),
    // 6: when each incident was first reported, and the merge lookup's
    // index at the date, else at that day, as on SQLite (migration 6).
    "ALTER TABLE incidents ADD COLUMN reported date;
    UPDATE incidents SET reported = (
        SELECT MIN(a.published) FROM incident_sources s JOIN articles a ON a.id = s.article_id
        WHERE s.incident_id = incidents.id);
    DROP INDEX incidents_cell_date;
    CREATE INDEX incidents_cell_when ON incidents
        (((floor(lat * 20)::int) * 10000 + floor(lon * 20)::int), COALESCE(date, reported));",
];

/// Grid cells per degree of the merge lookup's index (migration 4).
const CELLS_PER_DEGREE: f64 = 20.0;

/// The grid cells (as the index numbers them) that a box of half-sides
/// `dlat`, `dlon` around (lat, lon) touches; `None` when there are too many
/// to list (a box near a pole), and the lookup goes by date alone.
fn cells_around(lat: f64, lon: f64, dlat: f64, dlon: f64) -> Option<Vec<i32>> {
    let span = |lo: f64, hi: f64| {
        (lo * CELLS_PER_DEGREE).floor() as i32..=(hi * CELLS_PER_DEGREE).floor() as i32
    };
    let (rows, cols) = (span(lat - dlat, lat + dlat), span(lon - dlon, lon + dlon));
    let wide = 360 * CELLS_PER_DEGREE as i32;
    if rows.clone().count() * cols.clone().count() > 64 {
        return None;
    }
    Some(
        rows.flat_map(|r| {
            cols.clone().map(move |c| {
                // Across the antimeridian, columns wrap round.
                let c = (c + wide / 2).rem_euclid(wide) - wide / 2;
                r * 10_000 + c
            })
        })
        .collect(),
    )
}

/// Advisory lock keys (arbitrary, fixed): one for migrations, one held by
/// every ingest, so that two processes never both insert the same incident.
const MIGRATE_LOCK: i64 = 0x6d61_7273_6164_0001;
const INGEST_LOCK: i64 = 0x6d61_7273_6164_0002;

/// Days either side searched: the widest date tolerance (a month).
const NEAR_DAYS: i64 = 31;

/// Days either side that hold every candidate not dated only to the month.
const WEEK_DAYS: i64 = 7;

/// A connection to a PostgreSQL database.
pub(crate) struct Postgres {
    url: String,
    // Behind a mutex so reads take `&self`, as they do on SQLite.
    client: Mutex<Client>,
    // A second connection, opened on first wait, that LISTENs for changes.
    listener: Mutex<Option<Client>>,
}

/// The channel every ingest that changed incidents notifies on commit.
const CHANGES_CHANNEL: &str = "marsad_changes";

impl Postgres {
    /// Connects and brings the schema up to date.
    pub(crate) fn connect(url: &str) -> Result<Self> {
        let mut client = open_client(url)?;
        migrate(&mut client)?;
        Ok(Postgres {
            url: url.to_string(),
            client: Mutex::new(client),
            listener: Mutex::new(None),
        })
    }

    /// The server's version, as `SHOW server_version` gives it.
    pub(crate) fn server_version(&self) -> Result<String> {
        self.run(|c| Ok(c.query_one("SHOW server_version", &[])?.get(0)))
    }

    /// Runs `op` on the connection. If the connection is gone (a restart, a
    /// failover, a terminated backend), the call opens a new one, and an
    /// `op` that failed because its connection died runs once more on it.
    /// That is safe for everything here: reads, a restore (one transaction
    /// into an empty store) and ingests, which store an article once however
    /// often it is sent.
    fn run<T>(&self, mut op: impl FnMut(&mut Client) -> Result<T>) -> Result<T> {
        let mut client = self.client.lock().unwrap_or_else(|e| e.into_inner());
        if client.is_closed() {
            *client = open_client(&self.url)?;
        }
        match op(&mut client) {
            Err(Error::Postgres(e)) if client.is_closed() || connection_lost(&e) => {
                tracing::warn!(
                    error = crate::error::describe(&e),
                    "lost the PostgreSQL connection; reconnecting"
                );
                *client = open_client(&self.url)?;
                op(&mut client)
            }
            other => other,
        }
    }

    fn query(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        self.run(|c| Ok(c.query(sql, params)?))
    }

    fn query_one(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Row> {
        self.run(|c| Ok(c.query_one(sql, params)?))
    }

    pub(crate) fn changes_since(&self, since: i64) -> Result<(Vec<Incident>, i64)> {
        let rows = self.query(
            &format!(
                "SELECT {INCIDENT_COLUMNS}, change_seq FROM incidents WHERE change_seq > $1 ORDER BY change_seq"
            ),
            &[&since],
        )?;
        let mut last = since;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            last = last.max(row.try_get::<_, i64>(23)?);
            out.push(incident_row(row)?);
        }
        Ok((out, last))
    }

    pub(crate) fn for_each_point_since(
        &self,
        since: i64,
        f: &mut dyn FnMut(IncidentPoint),
    ) -> Result<i64> {
        // Rows stream from a portal, 10,000 at a time, not all at once.
        self.run(|client| {
            let mut tx = client.transaction()?;
            let portal = tx.bind(
                &format!("SELECT {POINT_COLUMNS} FROM incidents WHERE change_seq > $1 ORDER BY change_seq"),
                &[&since],
            )?;
            let mut last = since;
            loop {
                let rows = tx.query_portal(&portal, 10_000)?;
                for r in &rows {
                    last = last.max(r.try_get::<_, i64>(9)?);
                    let point = PointColumns {
                        id: r.try_get(0)?,
                        event_type: r.try_get(1)?,
                        date: r.try_get(2)?,
                        lat: r.try_get(3)?,
                        lon: r.try_get(4)?,
                        confidence: r.try_get(5)?,
                        geo_precision: u8::try_from(r.try_get::<_, i16>(6)?).unwrap_or(0),
                        actors: r.try_get(7)?,
                        targets: r.try_get(8)?,
                    };
                    if let Some(p) = point.into_point()? {
                        f(p);
                    }
                }
                if rows.is_empty() {
                    return Ok(last);
                }
            }
        })
    }

    pub(crate) fn ingest(
        &mut self,
        article: &Article,
        incidents: &[Incident],
    ) -> Result<IngestReport> {
        self.run(|client| ingest(client, article, incidents))
    }

    /// Waits until another process commits a change, or `timeout` passes;
    /// true if one did. A dropped listening connection is opened again.
    pub(crate) fn wait_for_changes(&self, timeout: std::time::Duration) -> Result<bool> {
        let mut guard = self.listener.lock().unwrap_or_else(|e| e.into_inner());
        if guard.as_ref().is_none_or(Client::is_closed) {
            let mut c = open_client(&self.url)?;
            c.batch_execute(&format!("LISTEN {CHANGES_CHANNEL}"))?;
            *guard = Some(c);
        }
        let Some(client) = guard.as_mut() else {
            return Ok(false);
        };
        let woke = drain(client, timeout);
        if woke.is_err() {
            // Whatever went wrong, listen again on a new connection.
            *guard = None;
        }
        woke
    }

    pub(crate) fn incident(&self, id: &str) -> Result<Option<Incident>> {
        // PostgreSQL's text cannot hold NUL, so no id has one.
        if id.contains('\0') {
            return Ok(None);
        }
        self.run(|client| {
            let rows = client.query(
                &format!("SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = $1"),
                &[&id],
            )?;
            let Some(row) = rows.first() else {
                return Ok(None);
            };
            let mut inc = incident_row(row)?;
            inc.sources = client
                .query(
                    "SELECT s.article_id, a.url, a.title, a.outlet, a.published, s.start_at, s.end_at, s.evidence \
                     FROM incident_sources s JOIN articles a ON a.id = s.article_id WHERE s.incident_id = $1 \
                     ORDER BY a.published NULLS FIRST, a.ingested_at",
                    &[&id],
                )?
                .iter()
                .map(|r| source_row(r, 0))
                .collect::<Result<_>>()?;
            Ok(Some(inc))
        })
    }

    pub(crate) fn incidents(&self, ids: &[String]) -> Result<Vec<Incident>> {
        let kept: Vec<&String> = ids.iter().filter(|id| !id.contains('\0')).collect();
        let ids = &kept;
        let rows = self.query(
            &format!(
                "SELECT {INCIDENT_COLUMNS} FROM incidents JOIN unnest($1::text[]) WITH ORDINALITY AS asked(id, n) \
                 USING (id) ORDER BY asked.n"
            ),
            &[&ids],
        )?;
        rows.iter().map(incident_row).collect()
    }

    pub(crate) fn all_incidents(&self) -> Result<Vec<Incident>> {
        let rows = self.query(
            &format!("SELECT {INCIDENT_COLUMNS} FROM incidents ORDER BY date DESC NULLS LAST, id"),
            &[],
        )?;
        rows.iter().map(incident_row).collect()
    }

    pub(crate) fn first_sources(&self) -> Result<rustc_hash::FxHashMap<String, (String, String)>> {
        let rows = self.query(
            "SELECT DISTINCT ON (s.incident_id) s.incident_id, COALESCE(a.url, a.outlet, a.title, a.id), s.evidence \
             FROM incident_sources s JOIN articles a ON a.id = s.article_id \
             ORDER BY s.incident_id, a.published NULLS FIRST, a.ingested_at",
            &[],
        )?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?))))
            .collect()
    }

    pub(crate) fn first_sources_of(
        &self,
        ids: &[String],
    ) -> Result<rustc_hash::FxHashMap<String, (String, String)>> {
        let rows = self.query(
            "SELECT DISTINCT ON (s.incident_id) s.incident_id, COALESCE(a.url, a.outlet, a.title, a.id), s.evidence \
             FROM incident_sources s JOIN articles a ON a.id = s.article_id \
             WHERE s.incident_id = ANY($1) \
             ORDER BY s.incident_id, a.published NULLS FIRST, a.ingested_at",
            &[&ids],
        )?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?))))
            .collect()
    }

    pub(crate) fn articles(&self) -> Result<Vec<StoredArticle>> {
        let rows = self.query(
            "SELECT url, title, published, to_char(ingested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), text \
             FROM articles ORDER BY ingested_at, id",
            &[],
        )?;
        rows.iter()
            .map(|r| {
                Ok(StoredArticle {
                    article: Article {
                        url: r.try_get(0)?,
                        title: r.try_get(1)?,
                        published: r.try_get(2)?,
                        text: r.try_get(4)?,
                        format: Format::Text,
                    },
                    ingested_at: r.try_get(3)?,
                })
            })
            .collect()
    }

    pub(crate) fn incidents_with_sources(&self) -> Result<Vec<Incident>> {
        let mut incidents = self.all_incidents()?;
        let rows = self.query(
            "SELECT s.incident_id, s.article_id, a.url, a.title, a.outlet, a.published, s.start_at, s.end_at, s.evidence \
             FROM incident_sources s JOIN articles a ON a.id = s.article_id \
             ORDER BY a.published NULLS FIRST, a.ingested_at, s.incident_id, s.start_at",
            &[],
        )?;
        let sources = rows
            .iter()
            .map(|r| Ok((r.try_get::<_, String>(0)?, source_row(r, 1)?)))
            .collect::<Result<Vec<_>>>()?;
        attach_sources(&mut incidents, sources);
        Ok(incidents)
    }

    pub(crate) fn restore(
        &mut self,
        articles: &[StoredArticle],
        incidents: &[Incident],
        written: &mut dyn FnMut(),
    ) -> Result<()> {
        self.run(|client| restore(client, articles, incidents, &mut *written))
    }

    pub(crate) fn count_incidents(&self) -> Result<u64> {
        self.count("SELECT count(*) FROM incidents")
    }

    pub(crate) fn count_articles(&self) -> Result<u64> {
        self.count("SELECT count(*) FROM articles")
    }

    fn count(&self, sql: &str) -> Result<u64> {
        let n: i64 = self.query_one(sql, &[])?.try_get(0)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    pub(crate) fn has_article(&self, id: &str) -> Result<bool> {
        if id.contains('\0') {
            return Ok(false);
        }
        Ok(self
            .query_one(
                "SELECT EXISTS(SELECT 1 FROM articles WHERE id = $1)",
                &[&id],
            )?
            .try_get(0)?)
    }

    pub(crate) fn latest_articles(&self, limit: usize) -> Result<Vec<ArticleSummary>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.query(
            "SELECT a.id, a.url, a.title, a.outlet, a.published, \
             to_char(a.ingested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
             (SELECT count(DISTINCT s.incident_id) FROM incident_sources s WHERE s.article_id = a.id) \
             FROM articles a ORDER BY a.ingested_at DESC, a.id DESC LIMIT $1",
            &[&limit],
        )?
        .iter()
        .map(|r| {
            Ok(ArticleSummary {
                id: r.try_get(0)?,
                url: r.try_get(1)?,
                title: r.try_get(2)?,
                outlet: r.try_get(3)?,
                published: r.try_get(4)?,
                ingested_at: r.try_get(5)?,
                incidents: u64::try_from(r.try_get::<_, i64>(6)?).unwrap_or(0),
            })
        })
        .collect()
    }

    pub(crate) fn feed_states(&self) -> Result<Vec<FeedState>> {
        self.query(
            &format!("SELECT {FEED_COLUMNS} FROM feeds ORDER BY outlet, url"),
            &[],
        )?
        .iter()
        .map(pg_feed_row)
        .collect()
    }

    pub(crate) fn save_feed_state(&self, f: &FeedState) -> Result<()> {
        let (failures, seen, ingested) = (
            i32::try_from(f.failures).unwrap_or(i32::MAX),
            i64::try_from(f.items_seen).unwrap_or(i64::MAX),
            i64::try_from(f.articles_ingested).unwrap_or(i64::MAX),
        );
        let (poll, success, next) = (time(f.last_poll), time(f.last_success), time(f.next_poll));
        self.run(|c| {
            c.execute(
                &format!(
                    "INSERT INTO feeds ({FEED_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                     ON CONFLICT (url) DO UPDATE SET outlet = $2, etag = $3, last_modified = $4, \
                     last_poll = $5, last_success = $6, last_error = $7, failures = $8, next_poll = $9, \
                     items_seen = $10, articles_ingested = $11"
                ),
                &[
                    &f.url, &f.outlet, &f.etag, &f.last_modified, &poll, &success, &f.last_error,
                    &failures, &next, &seen, &ingested,
                ],
            )?;
            Ok(())
        })
    }

    pub(crate) fn seen_page(&self, url: &str, hash: Option<&str>) -> Result<Option<SeenPage>> {
        let rows = self.query(
            "SELECT url, canonical, content_hash, article_id, outcome FROM seen_pages \
             WHERE url = $1 OR canonical = $1 OR ($2::text IS NOT NULL AND content_hash = $2) LIMIT 1",
            &[&url, &hash],
        )?;
        rows.first()
            .map(|r| {
                Ok(SeenPage {
                    url: r.try_get(0)?,
                    canonical: r.try_get(1)?,
                    content_hash: r.try_get(2)?,
                    article_id: r.try_get(3)?,
                    outcome: r.try_get(4)?,
                })
            })
            .transpose()
    }

    pub(crate) fn mark_page_seen(&self, p: &SeenPage) -> Result<()> {
        let now = time(Some(chrono::Utc::now()));
        self.run(|c| {
            c.execute(
                "INSERT INTO seen_pages (url, canonical, content_hash, article_id, outcome, seen_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (url) DO NOTHING",
                &[&p.url, &p.canonical, &p.content_hash, &p.article_id, &p.outcome, &now],
            )?;
            Ok(())
        })
    }
}

fn pg_feed_row(r: &Row) -> Result<FeedState> {
    Ok(FeedState {
        url: r.try_get(0)?,
        outlet: r.try_get(1)?,
        etag: r.try_get(2)?,
        last_modified: r.try_get(3)?,
        last_poll: parse_time(r.try_get(4)?),
        last_success: parse_time(r.try_get(5)?),
        last_error: r.try_get(6)?,
        failures: u32::try_from(r.try_get::<_, i32>(7)?).unwrap_or(0),
        next_poll: parse_time(r.try_get(8)?),
        items_seen: u64::try_from(r.try_get::<_, i64>(9)?).unwrap_or(0),
        articles_ingested: u64::try_from(r.try_get::<_, i64>(10)?).unwrap_or(0),
    })
}

/// Copies a whole store into this empty one, in one transaction.
fn restore(
    client: &mut Client,
    articles: &[StoredArticle],
    incidents: &[Incident],
    written: &mut dyn FnMut(),
) -> Result<()> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&INGEST_LOCK])?;
    let stored: i64 = tx
        .query_one(
            "SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM incidents)",
            &[],
        )?
        .try_get(0)?;
    if stored > 0 {
        return Err(Error::NotEmpty);
    }
    for s in articles {
        let a = &s.article;
        tx.execute(
            "INSERT INTO articles (id, url, title, outlet, published, ingested_at, text) \
             VALUES ($1, $2, $3, $4, $5, $6::text::timestamptz, $7)",
            &[
                &a.id(),
                &a.url,
                &a.title,
                &a.outlet(),
                &a.published,
                &s.ingested_at,
                &a.text,
            ],
        )?;
        written();
    }
    for inc in incidents {
        insert_incident(&mut tx, inc)?;
        for s in &inc.sources {
            tx.execute(
                "INSERT INTO incident_sources (incident_id, article_id, start_at, end_at, evidence) VALUES ($1, $2, $3, $4, $5)",
                &[&inc.id, &s.article_id, &offset(s.start), &offset(s.end), &s.evidence],
            )?;
        }
        written();
    }
    tx.commit()?;
    Ok(())
}

/// Stores an article and its incidents in one transaction, holding the
/// ingest lock: see [`crate::Store::ingest`].
fn ingest(client: &mut Client, article: &Article, incidents: &[Incident]) -> Result<IngestReport> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&INGEST_LOCK])?;
    let mut report = IngestReport {
        article_id: article.id(),
        ..Default::default()
    };
    if !insert_article(&mut tx, article, &report.article_id)? {
        return Ok(report);
    }
    report.new_article = true;
    // What this article wrote: a later report of it never merges into it.
    let mut own = std::collections::HashSet::new();
    for inc in incidents {
        let id = match reported_before(&mut tx, inc, &own)? {
            Some(mut known) => {
                known.absorb(inc, Scope::Articles);
                update_incident(&mut tx, &known)?;
                report.incidents_merged.push(known.id.clone());
                known.id
            }
            None => {
                insert_incident(&mut tx, inc)?;
                report.incidents_new.push(inc.id.clone());
                inc.id.clone()
            }
        };
        own.insert(id.clone());
        if let Some(s) = inc.sources.first() {
            tx.execute(
                "INSERT INTO incident_sources (incident_id, article_id, start_at, end_at, evidence) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                &[&id, &report.article_id, &offset(s.start), &offset(s.end), &s.evidence],
            )?;
        }
    }
    if !report.incidents_new.is_empty() || !report.incidents_merged.is_empty() {
        // Delivered at commit: other servers catch up at once.
        tx.execute("SELECT pg_notify($1, '')", &[&CHANGES_CHANNEL])?;
    }
    tx.commit()?;
    Ok(report)
}

/// Waits up to `timeout` for a notification, then takes any others already
/// delivered (several commits may have notified: one catch-up reads them
/// all); true if there was one.
fn drain(client: &mut Client, timeout: std::time::Duration) -> Result<bool> {
    let mut notifications = client.notifications();
    let first = notifications.timeout_iter(timeout).next()?;
    while notifications.iter().next()?.is_some() {}
    Ok(first.is_some())
}

/// Whether `e` means the connection is gone: closed, broken, or ended by
/// the server (shut down, restarted, its backend terminated).
fn connection_lost(e: &postgres::Error) -> bool {
    e.is_closed()
        || e.code()
            .is_some_and(|c| c.code().starts_with("08") || c.code().starts_with("57P"))
}

/// A connection to `url`; its error names the database without the password.
/// Waits this long for a server that does not answer (a host down, a
/// firewall dropping packets), unless the URL says otherwise
/// (`connect_timeout`): a server or command then fails in seconds with
/// its reason, not after the system's minutes of TCP retries.
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

fn open_client(url: &str) -> Result<Client> {
    let failed = |source| Error::Connect {
        location: crate::Location::Postgres(url.to_string()).to_string(),
        source,
    };
    let mut config: postgres::Config = url.parse().map_err(failed)?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    config.connect(NoTls).map_err(failed)
}

fn offset(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Applies missing migrations, one transaction each, under a lock so that
/// replicas starting together migrate once.
fn migrate(client: &mut Client) -> Result<()> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK])?;
    // Without the notice each start would log that the table exists.
    tx.batch_execute(
        "SET LOCAL client_min_messages = warning;
         CREATE TABLE IF NOT EXISTS marsad_schema (version integer NOT NULL)",
    )?;
    let current: i64 = tx
        .query_one(
            "SELECT COALESCE(max(version), 0)::bigint FROM marsad_schema",
            &[],
        )?
        .try_get(0)?;
    let supported = MIGRATIONS.len() as i64;
    if current > supported {
        return Err(Error::TooNew {
            found: current,
            supported,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.batch_execute(sql)?;
        let version = i32::try_from(i + 1).unwrap_or(i32::MAX);
        tx.execute("DELETE FROM marsad_schema", &[])?;
        tx.execute(
            "INSERT INTO marsad_schema (version) VALUES ($1)",
            &[&version],
        )?;
    }
    tx.commit()?;
    Ok(())
}

/// A source from eight columns starting at `at`: article id, url, title,
/// outlet, published, start, end, evidence.
fn source_row(r: &Row, at: usize) -> Result<Source> {
    let offset =
        |i: usize| -> Result<usize> { Ok(usize::try_from(r.try_get::<_, i64>(i)?).unwrap_or(0)) };
    Ok(Source {
        article_id: r.try_get(at)?,
        url: r.try_get(at + 1)?,
        title: r.try_get(at + 2)?,
        outlet: r.try_get(at + 3)?,
        published: r.try_get(at + 4)?,
        start: offset(at + 5)?,
        end: offset(at + 6)?,
        evidence: r.try_get(at + 7)?,
    })
}

fn incident_row(row: &Row) -> Result<Incident> {
    Columns {
        id: row.try_get(0)?,
        event_type: row.try_get(1)?,
        date: row.try_get::<_, Option<NaiveDate>>(2)?,
        date_precision: row.try_get(3)?,
        date_text: row.try_get(4)?,
        place_id: row.try_get(5)?,
        place_ar: row.try_get(6)?,
        place_en: row.try_get(7)?,
        admin1: row.try_get(8)?,
        admin2: row.try_get(9)?,
        lat: row.try_get(10)?,
        lon: row.try_get(11)?,
        geo_precision: u8::try_from(row.try_get::<_, i16>(12)?).unwrap_or(0),
        actors: row.try_get(13)?,
        targets: row.try_get(14)?,
        people: row.try_get(15)?,
        killed: count(row.try_get(16)?),
        injured: count(row.try_get(17)?),
        arrested: count(row.try_get(18)?),
        count_qualifiers: row.try_get(19)?,
        confidence: row.try_get(20)?,
        source_count: u32::try_from(row.try_get::<_, i64>(21)?).unwrap_or(u32::MAX),
        reported: row.try_get::<_, Option<NaiveDate>>(22)?,
    }
    .into_incident()
}

fn count(v: Option<i64>) -> Option<u32> {
    v.and_then(|n| u32::try_from(n).ok())
}

/// Inserts the article; false when it is already stored.
fn insert_article(tx: &mut Transaction<'_>, a: &Article, id: &str) -> Result<bool> {
    let n = tx.execute(
        "INSERT INTO articles (id, url, title, outlet, published, text) VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (id) DO NOTHING",
        &[&id, &a.url, &a.title, &a.outlet(), &a.published, &a.text],
    )?;
    Ok(n == 1)
}

/// The stored incident this report tells again, if any: among incidents of
/// a kindred type within a few kilometres (the cell index) and a month of
/// when it happened, the nearest that [`same_incident`](marsad_model::same_incident) accepts and this
/// article did not write (`own`); else one with the same id.
fn reported_before(
    tx: &mut Transaction<'_>,
    inc: &Incident,
    own: &std::collections::HashSet<String>,
) -> Result<Option<Incident>> {
    if let (Some((lat, lon)), Some((first, last))) = (inc.lat_lon(), inc.when()) {
        let month = chrono::Duration::days(NEAR_DAYS);
        let (from, to) = (first - month, last + month);
        // Only an incident dated to the month can match from further than a
        // week away: the others are not read.
        let week = chrono::Duration::days(WEEK_DAYS);
        let (near_from, near_to) = (first - week, last + week);
        let types = kindred_types(inc.event_type);
        let (dlat, dlon) = marsad_model::same_place_box(lat);
        // The cells around it through the (cell, day) index; the exact
        // distance is `same_incident`'s to judge, as on SQLite.
        let rows = match cells_around(lat, lon, dlat, dlon) {
            Some(cells) => tx.query(
                &format!(
                    "SELECT {INCIDENT_COLUMNS} FROM incidents \
                     WHERE ((floor(lat * 20)::int) * 10000 + floor(lon * 20)::int) = ANY($4) \
                     AND type = ANY($1) AND COALESCE(date, reported) BETWEEN $2 AND $3 \
                     AND (date_precision = 'month' OR COALESCE(date, reported) BETWEEN $5 AND $6) ORDER BY date, id"
                ),
                &[&types, &from, &to, &cells, &near_from, &near_to],
            )?,
            None => tx.query(
                &format!(
                    "SELECT {INCIDENT_COLUMNS} FROM incidents \
                     WHERE lat BETWEEN $4 AND $5 AND type = ANY($1) AND COALESCE(date, reported) BETWEEN $2 AND $3 \
                     AND (date_precision = 'month' OR COALESCE(date, reported) BETWEEN $6 AND $7) ORDER BY date, id"
                ),
                &[&types, &from, &to, &(lat - dlat), &(lat + dlat), &near_from, &near_to],
            )?,
        };
        if let Some(r) = nearest_report(inc, rows.iter().map(incident_row), own)? {
            return Ok(Some(r));
        }
    }
    let rows = tx.query(
        &format!("SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = $1"),
        &[&inc.id],
    )?;
    rows.first().map(incident_row).transpose()
}

/// Writes back what absorbing a report changed.
fn update_incident(tx: &mut Transaction<'_>, e: &Incident) -> Result<()> {
    tx.execute(
        "UPDATE incidents SET date = $2, date_precision = $3, date_text = $4, actors = $5, targets = $6, people = $7, \
         killed = $8, injured = $9, arrested = $10, count_qualifiers = $11, confidence = $12, source_count = $13, \
         type = $14, reported = $15, updated_at = now(), change_seq = nextval('incident_changes') WHERE id = $1",
        &[
            &e.id,
            &e.date,
            &e.date_precision.as_str(),
            &e.date_text,
            &to_json(&e.actors, "actors")?,
            &to_json(&e.targets, "targets")?,
            &to_json(&e.people, "people")?,
            &e.counts.killed.map(i64::from),
            &e.counts.injured.map(i64::from),
            &e.counts.arrested.map(i64::from),
            &to_json(&e.counts.qualifiers(), "count_qualifiers")?,
            &e.confidence,
            &i64::from(e.source_count),
            &e.event_type.as_str(),
            &e.reported,
        ],
    )?;
    Ok(())
}

/// Inserts a new incident, reported once.
fn insert_incident(tx: &mut Transaction<'_>, inc: &Incident) -> Result<()> {
    let p = inc.place.as_ref();
    tx.execute(
        &format!(
            "INSERT INTO incidents ({INCIDENT_COLUMNS}, geog) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
             $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, ST_SetSRID(ST_MakePoint($12, $11), 4326)::geography)"
        ),
        &[
            &inc.id,
            &inc.event_type.as_str(),
            &inc.date,
            &inc.date_precision.as_str(),
            &inc.date_text,
            &p.map(|p| &p.id),
            &p.map(|p| &p.name_ar),
            &p.and_then(|p| p.name_en.as_ref()),
            &p.and_then(|p| p.admin1.as_ref()),
            &p.and_then(|p| p.admin2.as_ref()),
            &p.map(|p| p.lat),
            &p.map(|p| p.lon),
            &i16::from(inc.geo_precision.code()),
            &to_json(&inc.actors, "actors")?,
            &to_json(&inc.targets, "targets")?,
            &to_json(&inc.people, "people")?,
            &inc.counts.killed.map(i64::from),
            &inc.counts.injured.map(i64::from),
            &inc.counts.arrested.map(i64::from),
            &to_json(&inc.counts.qualifiers(), "count_qualifiers")?,
            &inc.confidence,
            &i64::from(inc.source_count.max(1)),
            &inc.reported,
        ],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cells_around_a_point_are_those_the_index_numbers() {
        // Al-Bukamal: lat 34.45 → row 689, lon 40.92 → column 818.
        let (dlat, dlon) = marsad_model::same_place_box(34.45);
        let cells = cells_around(34.45, 40.92, dlat, dlon).unwrap();
        assert!(cells.contains(&(689 * 10_000 + 818)));
        assert!(cells.len() <= 4, "{cells:?}");
        // Across the antimeridian the columns wrap round.
        let cells = cells_around(0.0, 179.99, dlat, dlon).unwrap();
        assert!(cells.contains(&3599) && cells.contains(&-3600), "{cells:?}");
        // At a pole, too many to list.
        let (dlat, dlon) = marsad_model::same_place_box(89.99);
        assert_eq!(cells_around(89.99, 0.0, dlat, dlon), None);
    }
}

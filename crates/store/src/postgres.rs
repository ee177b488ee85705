//! The PostgreSQL + PostGIS backend: the same tables as SQLite, with a
//! `geography(Point, 4326)` column under a GiST index, and ingests
//! serialised across every process that writes to the database. What is
//! read and written is in [`crate::queries`]; this connects, reconnects,
//! migrates, locks and listens.

use std::sync::Mutex;

use marsad_model::{Article, Incident};
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, NoTls};

use crate::sql::{Db, Query, Value};
use crate::{queries, Error, IngestReport, Result};

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
    // 7: the geography point kept from latitude and longitude by the
    // database itself, so that every write is the same text as on SQLite
    // (and a point moved by hand moves its geography too).
    "CREATE FUNCTION marsad_incident_geog() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.geog := CASE WHEN NEW.lat IS NULL OR NEW.lon IS NULL THEN NULL
            ELSE ST_SetSRID(ST_MakePoint(NEW.lon, NEW.lat), 4326)::geography END;
        RETURN NEW;
    END $$;
    CREATE TRIGGER incidents_geog BEFORE INSERT OR UPDATE OF lat, lon ON incidents
        FOR EACH ROW EXECUTE FUNCTION marsad_incident_geog();",
    // 8: users, tokens, review state and the append-only review log, as on
    // SQLite (migration 8).
    crate::accounts::accounts_tables!(
        "bigserial PRIMARY KEY",
        "CREATE FUNCTION marsad_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'the review log is append-only'; END $$;
    CREATE TRIGGER review_log_append_only BEFORE UPDATE OR DELETE ON review_log
        FOR EACH ROW EXECUTE FUNCTION marsad_append_only();"
    ),
    // 9: which incident a person merged one into, or split one off.
    crate::accounts::MERGE_COLUMNS,
    // 10: standing alerts, their matches and deliveries (migration 10 on
    // SQLite).
    crate::alerts::ALERT_TABLES,
    // 11: the store's identity (migration 11 on SQLite).
    "CREATE TABLE store_identity (one integer PRIMARY KEY CHECK (one = 1), name text NOT NULL);
    INSERT INTO store_identity VALUES (1, md5(random()::text || clock_timestamp()::text));",
    // 12: sources numbered as they are written, SQLite's `rowid`: what
    // settles the order of an incident's sources whose articles tie on
    // publication and ingest time (a sort otherwise leaves ties in any
    // order, and a copy between backends then differs).
    "ALTER TABLE incident_sources ADD COLUMN seq bigserial;",
];

/// Grid cells per degree of the merge lookup's index (migration 4).
const CELLS_PER_DEGREE: f64 = 20.0;

/// The grid cells (as the index numbers them) that a box of half-sides
/// `dlat`, `dlon` around (lat, lon) touches; `None` when there are too many
/// to list (a box near a pole), and the lookup goes by date alone.
pub(crate) fn cells_around(lat: f64, lon: f64, dlat: f64, dlon: f64) -> Option<Vec<i32>> {
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
/// every write, so that two processes never both insert the same incident.
const MIGRATE_LOCK: i64 = 0x6d61_7273_6164_0001;
const INGEST_LOCK: i64 = 0x6d61_7273_6164_0002;

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

/// Delivered at commit: other servers catch up at once.
static NOTIFY_CHANGES: Query = Query::new("SELECT pg_notify('marsad_changes', '')");

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

    /// Runs `op` on the connection, for reads.
    pub(crate) fn read<T>(&self, mut op: impl FnMut(&mut dyn Db) -> Result<T>) -> Result<T> {
        self.run(|c| op(&mut crate::sql::Postgres(c)))
    }

    /// Runs `op` in one transaction holding the write lock, committed if it
    /// succeeds.
    pub(crate) fn write<T>(&self, mut op: impl FnMut(&mut dyn Db) -> Result<T>) -> Result<T> {
        self.run(|client| {
            let mut tx = client.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&INGEST_LOCK])?;
            let out = op(&mut crate::sql::Postgres(&mut tx))?;
            tx.commit()?;
            Ok(out)
        })
    }

    /// [`queries::ingest`], telling other servers when incidents changed.
    pub(crate) fn ingest(
        &self,
        article: &Article,
        incidents: &[Incident],
        by: Option<&str>,
    ) -> Result<IngestReport> {
        self.write(|db| {
            let report = queries::ingest(db, article, incidents, by)?;
            if !report.incidents_new.is_empty() || !report.incidents_merged.is_empty() {
                db.execute(&NOTIFY_CHANGES, &[])?;
            }
            Ok(report)
        })
    }

    /// [`queries::restore`] as a bulk load, in one transaction: the
    /// articles as usual; the secondary indexes of incidents and sources
    /// dropped; incidents and then their sources sent with `COPY`, a
    /// thousand incidents at a time; the indexes made again from their
    /// definitions; the change sequence moved past the numbers given. A
    /// lost connection is an error: the incidents already taken from
    /// `incidents` cannot be read again.
    pub(crate) fn restore(
        &self,
        articles: &[crate::StoredArticle],
        incidents: &mut dyn Iterator<Item = std::borrow::Cow<'_, Incident>>,
        written: &mut dyn FnMut(),
    ) -> Result<()> {
        let mut tried = false;
        self.run(|client| {
            if std::mem::replace(&mut tried, true) {
                return Err(Error::RestoreInterrupted);
            }
            let mut tx = client.transaction()?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&INGEST_LOCK])?;
            queries::restore_articles(&mut crate::sql::Postgres(&mut tx), articles, written)?;
            let deferred = defer_indexes(&mut tx)?;
            let first: i64 = tx
                .query_one("SELECT nextval('incident_changes')", &[])?
                .get(0);
            let copied = copy_incidents(&mut tx, &mut *incidents, first, written)?;
            for sql in deferred {
                tx.batch_execute(&sql)?;
            }
            if copied > 0 {
                tx.execute(
                    "SELECT setval('incident_changes', $1)",
                    &[&(first + copied - 1)],
                )?;
                tx.batch_execute("SELECT pg_notify('marsad_changes', '')")?;
            }
            tx.commit()?;
            Ok(())
        })
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
}

/// Drops the secondary indexes of incidents and sources (not their keys,
/// which the sources' references need) and returns the statements that
/// make them again.
fn defer_indexes(tx: &mut postgres::Transaction<'_>) -> Result<Vec<String>> {
    let found = tx.query(
        "SELECT c.relname::text, pg_get_indexdef(c.oid) FROM pg_index x \
         JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         WHERE t.relname IN ('incidents', 'incident_sources') \
           AND t.relnamespace = current_schema()::regnamespace \
           AND NOT x.indisprimary AND NOT x.indisunique",
        &[],
    )?;
    let mut deferred = Vec::new();
    for r in found {
        let (name, sql): (String, String) = (r.get(0), r.get(1));
        tx.batch_execute(&format!("DROP INDEX \"{name}\""))?;
        deferred.push(sql);
    }
    Ok(deferred)
}

/// Incidents at a time between a `COPY` of incidents and one of their
/// sources (the sources refer to the incidents, and one connection runs
/// one `COPY` at a time).
const COPY_CHUNK: usize = 1000;

/// Copies `incidents` and their sources, numbering their changes from
/// `first`; how many were copied.
fn copy_incidents(
    tx: &mut postgres::Transaction<'_>,
    incidents: &mut dyn Iterator<Item = std::borrow::Cow<'_, Incident>>,
    first: i64,
    written: &mut dyn FnMut(),
) -> Result<i64> {
    const INCIDENT_COLUMNS: &str = concat!(
        crate::columns::incident_columns!(),
        ", created_at, updated_at, change_seq"
    );
    const SOURCE_COLUMNS: &str = "incident_id, article_id, start_at, end_at, evidence";
    let incident_sql = format!("COPY incidents ({INCIDENT_COLUMNS}) FROM STDIN (FORMAT binary)");
    let source_sql = format!("COPY incident_sources ({SOURCE_COLUMNS}) FROM STDIN (FORMAT binary)");
    let incident_types = column_types(tx, "incidents", INCIDENT_COLUMNS)?;
    let source_types = column_types(tx, "incident_sources", SOURCE_COLUMNS)?;
    let now = chrono::Utc::now();
    let mut seq = first;
    loop {
        let chunk: Vec<_> = (&mut *incidents).take(COPY_CHUNK).collect();
        if chunk.is_empty() {
            return Ok(seq - first);
        }
        let mut rows = postgres::binary_copy::BinaryCopyInWriter::new(
            tx.copy_in(&incident_sql)?,
            &incident_types,
        );
        for inc in &chunk {
            queries::with_incident_values(inc, now, |v| {
                let n = Value::Int(seq);
                let mut row: Vec<&(dyn postgres::types::ToSql + Sync)> = v
                    .iter()
                    .map(|v| v as &(dyn postgres::types::ToSql + Sync))
                    .collect();
                row.push(&v[v.len() - 1]);
                row.push(&n);
                rows.write(&row)?;
                Ok(())
            })?;
            seq += 1;
        }
        rows.finish()?;
        let mut rows =
            postgres::binary_copy::BinaryCopyInWriter::new(tx.copy_in(&source_sql)?, &source_types);
        for inc in &chunk {
            // A source given twice is kept once, as the insert's
            // `ON CONFLICT DO NOTHING` keeps it.
            let mut seen = rustc_hash::FxHashSet::default();
            for s in inc
                .sources
                .iter()
                .filter(|s| seen.insert((&s.article_id, s.start)))
            {
                let v = crate::sql::values![
                    inc.id.as_str(),
                    s.article_id.as_str(),
                    s.start,
                    s.end,
                    s.evidence.as_str()
                ];
                let row: Vec<&(dyn postgres::types::ToSql + Sync)> = v
                    .iter()
                    .map(|v| v as &(dyn postgres::types::ToSql + Sync))
                    .collect();
                rows.write(&row)?;
            }
            written();
        }
        rows.finish()?;
    }
}

/// The types of `columns` of `table`, as the server has them: what a
/// binary `COPY` writes each value as.
fn column_types(
    tx: &mut postgres::Transaction<'_>,
    table: &str,
    columns: &str,
) -> Result<Vec<postgres::types::Type>> {
    let stmt = tx.prepare(&format!("SELECT {columns} FROM {table} LIMIT 0"))?;
    Ok(stmt.columns().iter().map(|c| c.type_().clone()).collect())
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

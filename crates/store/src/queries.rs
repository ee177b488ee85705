//! Every store operation, written once for both backends over [`Db`].
//!
//! The backends open connections and transactions, take their locks and
//! migrate their schemas; what is read and written, and how rows become
//! the model, is here. Only the merge lookup differs by dialect, because
//! each reads its own spatial index (SQLite's R*Tree, a B-tree over grid
//! cells on PostgreSQL); the rows it returns are judged alike.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use marsad_model::{Article, Format, Incident, IncidentPoint, Scope, Source};
use rustc_hash::FxHashMap;

use crate::columns::{
    incident_columns, kindred_types, nearest_report, point_columns, to_json, Columns, PointColumns,
};
use crate::feeds::{parse_time, time, ArticleSummary, FeedState, SeenPage};
use crate::sql::{values, Db, DbExt, Dialect, Query, Row, RowExt, Value};
use crate::store::attach_sources;
use crate::{schema, Error, IngestReport, Result, StoredArticle};

// ---- Reading rows ----

/// An incident (without sources) from the [`incident_columns`] starting at
/// column 0.
pub(crate) fn incident_row(r: &dyn Row) -> Result<Incident> {
    Columns {
        id: r.string(0)?,
        event_type: r.string(1)?,
        date: r.date(2)?,
        date_precision: r.string(3)?,
        date_text: r.opt_string(4)?,
        place_id: r.opt_string(5)?,
        place_ar: r.opt_string(6)?,
        place_en: r.opt_string(7)?,
        admin1: r.opt_string(8)?,
        admin2: r.opt_string(9)?,
        lat: r.real(10)?,
        lon: r.real(11)?,
        geo_precision: u8::try_from(r.i64(12)?).unwrap_or(0),
        actors: r.string(13)?,
        targets: r.string(14)?,
        people: r.string(15)?,
        killed: r.opt_u32(16)?,
        injured: r.opt_u32(17)?,
        arrested: r.opt_u32(18)?,
        count_qualifiers: r.string(19)?,
        confidence: r.f64(20)? as f32,
        source_count: u32::try_from(r.count(21)?).unwrap_or(u32::MAX),
        reported: r.date(22)?,
        status: r.string(23)?,
    }
    .into_incident()
}

/// The columns [`source_row`] reads, after any before them.
macro_rules! source_columns {
    () => {
        "s.article_id, a.url, a.title, a.outlet, a.published, s.start_at, s.end_at, s.evidence \
         FROM incident_sources s JOIN articles a ON a.id = s.article_id"
    };
}

/// A source from the [`source_columns`] starting at `at`.
fn source_row(r: &dyn Row, at: usize) -> Result<Source> {
    Ok(Source {
        article_id: r.string(at)?,
        url: r.opt_string(at + 1)?,
        title: r.opt_string(at + 2)?,
        outlet: r.opt_string(at + 3)?,
        published: r.date(at + 4)?,
        start: usize::try_from(r.count(at + 5)?).unwrap_or(usize::MAX),
        end: usize::try_from(r.count(at + 6)?).unwrap_or(usize::MAX),
        evidence: r.string(at + 7)?,
    })
}

/// Sources in the order an incident lists them: by publication (the
/// undated first), then as stored. Ingest times tie within a second (and
/// always in a copy), so the order the sources were written in settles
/// them: SQLite's `rowid`, PostgreSQL's `seq` (migration 12).
macro_rules! source_order {
    () => {
        "a.published NULLS FIRST, a.ingested_at, @rowid_or(s.rowid, s.seq), s.start_at"
    };
}

// ---- Articles and ingests ----

static ARTICLE_EXISTS: Query = Query::new("SELECT EXISTS(SELECT 1 FROM articles WHERE id = $1)");

static INSERT_ARTICLE: Query = Query::new(
    "INSERT INTO articles (id, url, title, outlet, published, ingested_at, text, ingested_by) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
);

/// Inserts the article, stored at `at` by `by`; false when it is already
/// stored.
fn insert_article(
    db: &mut dyn Db,
    a: &Article,
    id: &str,
    at: DateTime<Utc>,
    by: Option<&str>,
) -> Result<bool> {
    let n = db.execute(
        &INSERT_ARTICLE,
        values![
            id,
            a.url.as_ref(),
            a.title.as_ref(),
            a.outlet().as_deref(),
            a.published,
            at,
            a.text.as_str(),
            by,
        ],
    )?;
    Ok(n == 1)
}

/// Whether an article is stored.
pub(crate) fn has_article(db: &mut dyn Db, id: &str) -> Result<bool> {
    Ok(db
        .first(&ARTICLE_EXISTS, values![id], |r| r.flag(0))?
        .unwrap_or(false))
}

static INSERT_SOURCE: Query = Query::new(
    "INSERT INTO incident_sources (incident_id, article_id, start_at, end_at, evidence) \
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
);

fn insert_source(db: &mut dyn Db, incident_id: &str, article_id: &str, s: &Source) -> Result<()> {
    db.execute(
        &INSERT_SOURCE,
        values![incident_id, article_id, s.start, s.end, s.evidence.as_str()],
    )?;
    Ok(())
}

/// Stores an article (sent by `by`) and the incidents extracted from it,
/// inside the transaction `db` is (see [`crate::Store::ingest`]).
pub(crate) fn ingest(
    db: &mut dyn Db,
    article: &Article,
    incidents: &[Incident],
    by: Option<&str>,
) -> Result<IngestReport> {
    let now = Utc::now();
    let mut report = IngestReport {
        article_id: article.id(),
        ..Default::default()
    };
    if !insert_article(db, article, &report.article_id, now, by)? {
        return Ok(report);
    }
    report.new_article = true;
    // What this article wrote: a later report of it never merges into it.
    let mut own = HashSet::new();
    for inc in incidents {
        // A report of an incident a person merged goes to the one it was
        // merged into; a new version of an article whose report a person
        // split off goes to the incident they made of it.
        let known = reported_before(db, inc, &own)?
            .map(|k| {
                let k = crate::merges::survivor(db, k)?;
                crate::merges::kept_apart(db, k, article.url.as_deref())
            })
            .transpose()?;
        let id = match known {
            Some(known) if known.status != marsad_model::ReviewStatus::Unreviewed => {
                // What a person decided stands: the report adds a source.
                db.execute(&ADD_REPORT, values![known.id.as_str(), now])?;
                report.incidents_merged.push(known.id.clone());
                known.id
            }
            Some(mut known) => {
                known.absorb(inc, Scope::Articles);
                update_incident(db, &known, now)?;
                report.incidents_merged.push(known.id.clone());
                known.id
            }
            None => {
                insert_incident(db, inc, now)?;
                report.incidents_new.push(inc.id.clone());
                inc.id.clone()
            }
        };
        own.insert(id.clone());
        if let Some(s) = inc.sources.first() {
            insert_source(db, &id, &report.article_id, s)?;
        }
    }
    Ok(report)
}

static INSERT_INCIDENT: Query = Query::new(concat!(
    "INSERT INTO incidents (",
    incident_columns!(),
    ", created_at, updated_at, change_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
     $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $25, @next_change)"
));

/// Inserts a new incident, reported once.
pub(crate) fn insert_incident(db: &mut dyn Db, inc: &Incident, at: DateTime<Utc>) -> Result<()> {
    with_incident_values(inc, at, |params| {
        db.execute(&INSERT_INCIDENT, params)?;
        Ok(())
    })
}

/// Calls `f` with an incident's values as [`INSERT_INCIDENT`] takes them:
/// the columns of [`incident_columns`], then the moment (of both
/// `created_at` and `updated_at`).
pub(crate) fn with_incident_values<T>(
    inc: &Incident,
    at: DateTime<Utc>,
    f: impl FnOnce(&[Value<'_>]) -> Result<T>,
) -> Result<T> {
    let (actors, targets) = (
        to_json(&inc.actors, "actors")?,
        to_json(&inc.targets, "targets")?,
    );
    let people = to_json(&inc.people, "people")?;
    let qualifiers = to_json(&inc.counts.qualifiers(), "count_qualifiers")?;
    let mut params = what_and_where(inc);
    params.extend_from_slice(values![
        actors.as_str(),
        targets.as_str(),
        people.as_str(),
        inc.counts.killed,
        inc.counts.injured,
        inc.counts.arrested,
        qualifiers.as_str(),
        inc.confidence,
        inc.source_count.max(1),
        inc.reported,
        inc.status.as_str(),
        at,
    ]);
    f(&params)
}

/// An incident's id, type, date and place: the first thirteen incident
/// columns, as an insert and a correction write them alike.
pub(crate) fn what_and_where(inc: &Incident) -> Vec<Value<'_>> {
    let p = inc.place.as_ref();
    values![
        inc.id.as_str(),
        inc.event_type.as_str(),
        inc.date,
        inc.date_precision.as_str(),
        inc.date_text.as_ref(),
        p.map(|p| &p.id),
        p.map(|p| &p.name_ar),
        p.and_then(|p| p.name_en.as_ref()),
        p.and_then(|p| p.admin1.as_ref()),
        p.and_then(|p| p.admin2.as_ref()),
        p.map(|p| p.lat),
        p.map(|p| p.lon),
        inc.geo_precision.code(),
    ]
    .to_vec()
}

static UPDATE_INCIDENT: Query = Query::new(
    "UPDATE incidents SET date = $2, date_precision = $3, date_text = $4, actors = $5, targets = $6, \
     people = $7, killed = $8, injured = $9, arrested = $10, count_qualifiers = $11, confidence = $12, \
     source_count = $13, updated_at = $14, type = $15, reported = $16, change_seq = @next_change, \
     version = version + 1 WHERE id = $1",
);

/// Another report of a reviewed incident: one more source, nothing else.
static ADD_REPORT: Query = Query::new(
    "UPDATE incidents SET source_count = source_count + 1, updated_at = $2, \
     change_seq = @next_change, version = version + 1 WHERE id = $1",
);

/// Writes back what absorbing a report changed.
fn update_incident(db: &mut dyn Db, e: &Incident, at: DateTime<Utc>) -> Result<()> {
    db.execute(
        &UPDATE_INCIDENT,
        values![
            e.id.as_str(),
            e.date,
            e.date_precision.as_str(),
            e.date_text.as_ref(),
            to_json(&e.actors, "actors")?.as_str(),
            to_json(&e.targets, "targets")?.as_str(),
            to_json(&e.people, "people")?.as_str(),
            e.counts.killed,
            e.counts.injured,
            e.counts.arrested,
            to_json(&e.counts.qualifiers(), "count_qualifiers")?.as_str(),
            e.confidence,
            e.source_count,
            at,
            e.event_type.as_str(),
            e.reported,
        ],
    )?;
    Ok(())
}

// ---- The merge lookup ----

/// Days either side searched: the widest date tolerance (a month).
const NEAR_DAYS: i64 = 31;

/// Days either side that hold every candidate not dated only to the month
/// (the next widest tolerance, a week): the rest are not read.
const WEEK_DAYS: i64 = 7;

/// Through SQLite's R*Tree over (lat, lon, time in units of
/// [`schema::DAYS_PER_WHEN`]). `CROSS JOIN` keeps the R*Tree the outer
/// loop: SQLite would otherwise scan every incident of the type.
static NEAR_SQLITE: Query = Query::new(concat!(
    "SELECT ",
    incident_columns!(),
    " FROM incidents_where_when w CROSS JOIN incidents ON incidents.rowid = w.incident_rowid \
     WHERE w.max_lat >= $2 AND w.min_lat <= $3 AND w.max_lon >= $4 AND w.min_lon <= $5 \
     AND w.max_when >= (julianday($6) - 2451545.0) / $9 AND w.min_when <= (julianday($7) - 2451545.0) / $9 \
     AND incidents.type @any($1) \
     AND (incidents.date_precision = 'month' OR COALESCE(incidents.date, incidents.reported) BETWEEN $8 AND $10) \
     ORDER BY incidents.date, incidents.rowid"
));

/// Through PostgreSQL's B-tree on (grid cell, day): see
/// `postgres::cells_around`.
static NEAR_POSTGRES: Query = Query::new(concat!(
    "SELECT ",
    incident_columns!(),
    " FROM incidents \
     WHERE ((floor(lat * 20)::int) * 10000 + floor(lon * 20)::int) = ANY($4) \
     AND type = ANY($1) AND COALESCE(date, reported) BETWEEN $2 AND $3 \
     AND (date_precision = 'month' OR COALESCE(date, reported) BETWEEN $5 AND $6) \
     ORDER BY date, id"
));

/// The same by latitude alone, where the box has too many cells to list
/// (near a pole).
static NEAR_POSTGRES_POLAR: Query = Query::new(concat!(
    "SELECT ",
    incident_columns!(),
    " FROM incidents \
     WHERE lat BETWEEN $4 AND $5 AND type = ANY($1) AND COALESCE(date, reported) BETWEEN $2 AND $3 \
     AND (date_precision = 'month' OR COALESCE(date, reported) BETWEEN $6 AND $7) \
     ORDER BY date, id"
));

static INCIDENT: Query = Query::new(concat!(
    "SELECT ",
    incident_columns!(),
    " FROM incidents WHERE id = $1"
));

/// The stored incident this report tells again, if any: among incidents
/// of a kindred type near it and within a month of when it happened (found
/// through the spatial index, so the cost does not grow with the store),
/// the nearest that [`same_incident`](marsad_model::same_incident) accepts
/// and this article did not write (`own`); else one with the same id.
pub(crate) fn reported_before(
    db: &mut dyn Db,
    inc: &Incident,
    own: &HashSet<String>,
) -> Result<Option<Incident>> {
    if let (Some((lat, lon)), Some((first, last))) = (inc.lat_lon(), inc.when()) {
        let (dlat, dlon) = marsad_model::same_place_box(lat);
        let month = chrono::Duration::days(NEAR_DAYS);
        let week = chrono::Duration::days(WEEK_DAYS);
        let types = Value::Texts(kindred_types(inc.event_type));
        let (from, to) = (first - month, last + month);
        let (near_from, near_to) = (first - week, last + week);
        // Each dialect's text names exactly the values it reads
        // (PostgreSQL cannot type a parameter it never sees).
        let (query, params): (&Query, Vec<Value<'_>>) = match db.dialect() {
            Dialect::Sqlite => (
                &NEAR_SQLITE,
                vec![
                    types,
                    (lat - dlat).into(),
                    (lat + dlat).into(),
                    (lon - dlon).into(),
                    (lon + dlon).into(),
                    from.into(),
                    to.into(),
                    near_from.into(),
                    schema::DAYS_PER_WHEN.into(),
                    near_to.into(),
                ],
            ),
            Dialect::Postgres => match crate::postgres::cells_around(lat, lon, dlat, dlon) {
                Some(cells) => (
                    &NEAR_POSTGRES,
                    vec![
                        types,
                        from.into(),
                        to.into(),
                        Value::Ints(cells),
                        near_from.into(),
                        near_to.into(),
                    ],
                ),
                None => (
                    &NEAR_POSTGRES_POLAR,
                    vec![
                        types,
                        from.into(),
                        to.into(),
                        (lat - dlat).into(),
                        (lat + dlat).into(),
                        near_from.into(),
                        near_to.into(),
                    ],
                ),
            },
        };
        let rows = db.rows(query, &params, incident_row)?;
        if let Some(r) = nearest_report(inc, rows.into_iter().map(Ok), own)? {
            return Ok(Some(r));
        }
    }
    db.first(&INCIDENT, values![inc.id.as_str()], incident_row)
}

// ---- Reading incidents ----

static SOURCES_OF: Query = Query::new(concat!(
    "SELECT ",
    source_columns!(),
    " WHERE s.incident_id = $1 ORDER BY ",
    source_order!()
));

/// One incident with all its sources.
/// An incident's sources, in the order it lists them.
pub(crate) fn sources_of(db: &mut dyn Db, id: &str) -> Result<Vec<marsad_model::Source>> {
    db.rows(&SOURCES_OF, values![id], |r| source_row(r, 0))
}

pub(crate) fn incident(db: &mut dyn Db, id: &str) -> Result<Option<Incident>> {
    let Some(mut inc) = db.first(&INCIDENT, values![id], incident_row)? else {
        return Ok(None);
    };
    inc.sources = db.rows(&SOURCES_OF, values![id], |r| source_row(r, 0))?;
    Ok(Some(inc))
}

static INCIDENTS: Query = Query::new(concat!(
    "SELECT ",
    incident_columns!(),
    " FROM @ids_in_order($1) JOIN incidents USING (id) ORDER BY asked.n"
));

/// Incidents by id, in the order asked (unknown ids are skipped).
pub(crate) fn incidents(db: &mut dyn Db, ids: &[String]) -> Result<Vec<Incident>> {
    let ids = Value::Texts(ids.iter().map(String::as_str).collect());
    db.rows(&INCIDENTS, &[ids], incident_row)
}

static ALL_INCIDENTS: Query = Query::new(concat!(
    "SELECT ",
    incident_columns!(),
    " FROM incidents ORDER BY date DESC NULLS LAST, id"
));

/// Every incident (without sources), newest first.
pub(crate) fn all_incidents(db: &mut dyn Db) -> Result<Vec<Incident>> {
    db.rows(&ALL_INCIDENTS, &[], incident_row)
}

static ALL_SOURCES: Query = Query::new(concat!(
    "SELECT s.incident_id, ",
    source_columns!(),
    " ORDER BY ",
    source_order!()
));

/// Every incident with its sources, newest first.
pub(crate) fn incidents_with_sources(db: &mut dyn Db) -> Result<Vec<Incident>> {
    let mut incidents = all_incidents(db)?;
    let sources = db.rows(&ALL_SOURCES, &[], |r| Ok((r.string(0)?, source_row(r, 1)?)))?;
    attach_sources(&mut incidents, sources);
    Ok(incidents)
}

/// The first report's columns: where it came from (URL, else outlet, else
/// title, else the article's id) and its evidence.
macro_rules! first_source_columns {
    () => {
        "SELECT s.incident_id, COALESCE(a.url, a.outlet, a.title, a.id), s.evidence \
         FROM incident_sources s JOIN articles a ON a.id = s.article_id"
    };
}

static FIRST_SOURCES: Query = Query::new(concat!(
    first_source_columns!(),
    " ORDER BY s.incident_id, ",
    source_order!()
));

static FIRST_SOURCES_OF: Query = Query::new(concat!(
    first_source_columns!(),
    " WHERE s.incident_id @any($1) ORDER BY s.incident_id, ",
    source_order!()
));

/// The first report of each incident (or of `ids`): (source, evidence).
pub(crate) fn first_sources(
    db: &mut dyn Db,
    ids: Option<&[String]>,
) -> Result<FxHashMap<String, (String, String)>> {
    let mut out = FxHashMap::default();
    let mut keep_first = |r: &dyn Row| {
        // Rows come in each incident's order: the first one wins.
        let id = r.str(0)?;
        if !out.contains_key(id) {
            out.insert(id.to_string(), (r.string(1)?, r.string(2)?));
        }
        Ok(())
    };
    match ids {
        None => db.each(&FIRST_SOURCES, &[], &mut keep_first)?,
        Some(ids) => {
            let ids = Value::Texts(ids.iter().map(String::as_str).collect());
            db.each(&FIRST_SOURCES_OF, &[ids], &mut keep_first)?;
        }
    }
    Ok(out)
}

static CHANGES_SINCE: Query = Query::new(concat!(
    "SELECT ",
    incident_columns!(),
    ", change_seq FROM incidents WHERE change_seq > $1 ORDER BY change_seq"
));

/// Incidents inserted or merged after change `since`, in order, and the
/// last change number (`since` when there is none).
pub(crate) fn changes_since(db: &mut dyn Db, since: i64) -> Result<(Vec<Incident>, i64)> {
    let mut last = since;
    let incidents = db.rows(&CHANGES_SINCE, values![since], |r| {
        last = last.max(r.i64(24)?);
        incident_row(r)
    })?;
    Ok((incidents, last))
}

static POINTS_SINCE: Query = Query::new(concat!(
    "SELECT ",
    point_columns!(),
    " FROM incidents WHERE change_seq > $1 ORDER BY change_seq"
));

/// Calls `f` with the index point of each incident changed after `since`,
/// as the rows arrive; the last change number.
pub(crate) fn points_since(
    db: &mut dyn Db,
    since: i64,
    f: &mut dyn FnMut(IncidentPoint),
) -> Result<i64> {
    let mut last = since;
    db.each(&POINTS_SINCE, values![since], &mut |r| {
        last = last.max(r.i64(10)?);
        // The text is borrowed from the row: a server loads a million.
        let point = PointColumns {
            id: r.str(0)?,
            event_type: r.str(1)?,
            date: r.date(2)?,
            lat: r.real(3)?,
            lon: r.real(4)?,
            confidence: r.f64(5)? as f32,
            geo_precision: u8::try_from(r.i64(6)?).unwrap_or(0),
            actors: r.str(7)?,
            targets: r.str(8)?,
            status: r.str(9)?,
        };
        if let Some(p) = point.into_point()? {
            f(p);
        }
        Ok(())
    })?;
    Ok(last)
}

static IDENTITY: Query = Query::new("SELECT name FROM store_identity");
static RENAME: Query = Query::new("UPDATE store_identity SET name = $1");
static WITNESS: Query = Query::new(
    "SELECT change_seq, id FROM incidents WHERE change_seq <= $1 ORDER BY change_seq DESC LIMIT 1",
);
static AT_CHANGE: Query = Query::new("SELECT id FROM incidents WHERE change_seq = $1");

/// The store's identity (made with it; see migration 11).
pub(crate) fn identity(db: &mut dyn Db) -> Result<String> {
    db.first(&IDENTITY, &[], |r| r.string(0))?
        .ok_or(Error::Corrupt {
            column: "store_identity",
            message: "no identity".into(),
        })
}

/// Gives the store a new identity (a restored copy is another store).
pub(crate) fn rename(db: &mut dyn Db, name: &str) -> Result<()> {
    db.execute(&RENAME, values![name])?;
    Ok(())
}

/// The incident last changed at or before change `change`, with its number.
pub(crate) fn witness(db: &mut dyn Db, change: i64) -> Result<Option<(i64, String)>> {
    db.first(&WITNESS, values![change], |r| Ok((r.i64(0)?, r.string(1)?)))
}

/// Whether incident `id` was last changed at change `seq`.
pub(crate) fn holds_change(db: &mut dyn Db, seq: i64, id: &str) -> Result<bool> {
    let ids = db.rows(&AT_CHANGE, values![seq], |r| r.string(0))?;
    Ok(ids.iter().any(|i| i == id))
}

static COUNT_INCIDENTS: Query = Query::new("SELECT COUNT(*) FROM incidents");
static COUNT_ARTICLES: Query = Query::new("SELECT COUNT(*) FROM articles");

/// Number of incidents.
pub(crate) fn count_incidents(db: &mut dyn Db) -> Result<u64> {
    Ok(db
        .first(&COUNT_INCIDENTS, &[], |r| r.count(0))?
        .unwrap_or(0))
}

/// Number of articles.
pub(crate) fn count_articles(db: &mut dyn Db) -> Result<u64> {
    Ok(db.first(&COUNT_ARTICLES, &[], |r| r.count(0))?.unwrap_or(0))
}

// ---- Articles, for lists and copies ----

static ARTICLES: Query = Query::new(
    "SELECT url, title, published, ingested_at, text FROM articles ORDER BY ingested_at, id",
);

/// Every article as stored, oldest first.
pub(crate) fn articles(db: &mut dyn Db) -> Result<Vec<StoredArticle>> {
    db.rows(&ARTICLES, &[], stored_article)
}

static ARTICLE: Query =
    Query::new("SELECT url, title, published, ingested_at, text FROM articles WHERE id = $1");

/// One article as stored, if there is one with this id.
pub(crate) fn article(db: &mut dyn Db, id: &str) -> Result<Option<StoredArticle>> {
    db.first(&ARTICLE, values![id], stored_article)
}

/// An article from the columns `url, title, published, ingested_at, text`.
fn stored_article(r: &dyn Row) -> Result<StoredArticle> {
    Ok(StoredArticle {
        article: Article {
            url: r.opt_string(0)?,
            title: r.opt_string(1)?,
            published: r.date(2)?,
            text: r.string(4)?,
            format: Format::Text,
        },
        ingested_at: r.time(3)?.unwrap_or_default(),
    })
}

static LATEST_ARTICLES: Query = Query::new(
    "SELECT a.id, a.url, a.title, a.outlet, a.published, a.ingested_at, \
     (SELECT COUNT(DISTINCT s.incident_id) FROM incident_sources s WHERE s.article_id = a.id) \
     FROM articles a ORDER BY a.ingested_at DESC, @rowid_or(a.rowid, a.id) DESC LIMIT $1",
);

/// The latest stored articles, newest first, with how many incidents each
/// reports.
pub(crate) fn latest_articles(db: &mut dyn Db, limit: usize) -> Result<Vec<ArticleSummary>> {
    db.rows(&LATEST_ARTICLES, values![limit], |r| {
        Ok(ArticleSummary {
            id: r.string(0)?,
            url: r.opt_string(1)?,
            title: r.opt_string(2)?,
            outlet: r.opt_string(3)?,
            published: r.date(4)?,
            ingested_at: r.time(5)?.unwrap_or_default(),
            incidents: r.count(6)?,
        })
    })
}

// ---- Copies ----

static STORED: Query =
    Query::new("SELECT (SELECT COUNT(*) FROM articles) + (SELECT COUNT(*) FROM incidents)");

/// Writes a copy of another store into this one, which must be empty,
/// inside the transaction `db` is.
pub(crate) fn restore(
    db: &mut dyn Db,
    articles: &[StoredArticle],
    incidents: &mut dyn Iterator<Item = std::borrow::Cow<'_, Incident>>,
    written: &mut dyn FnMut(),
) -> Result<()> {
    restore_articles(db, articles, written)?;
    let now = Utc::now();
    for inc in incidents {
        insert_incident(db, &inc, now)?;
        for s in &inc.sources {
            insert_source(db, &inc.id, &s.article_id, s)?;
        }
        written();
    }
    Ok(())
}

/// The first part of [`restore`]: refuses a store that is not empty, then
/// writes the articles.
pub(crate) fn restore_articles(
    db: &mut dyn Db,
    articles: &[StoredArticle],
    written: &mut dyn FnMut(),
) -> Result<()> {
    if db.first(&STORED, &[], |r| r.count(0))?.unwrap_or(0) > 0 {
        return Err(Error::NotEmpty);
    }
    for s in articles {
        let at = DateTime::parse_from_rfc3339(&s.ingested_at)
            .map_err(|e| Error::Corrupt {
                column: "ingested_at",
                message: format!("{:?}: {e}", s.ingested_at),
            })?
            .with_timezone(&Utc);
        insert_article(db, &s.article, &s.article.id(), at, None)?;
        written();
    }
    Ok(())
}

// ---- Feeds ----

/// Columns of a feed state, in [`FeedState`]'s order.
macro_rules! feed_columns {
    () => {
        "url, outlet, etag, last_modified, last_poll, last_success, last_error, failures, next_poll, \
         items_seen, articles_ingested"
    };
}

static FEEDS: Query = Query::new(concat!(
    "SELECT ",
    feed_columns!(),
    " FROM feeds ORDER BY outlet, url"
));

/// Every followed feed's state, by outlet.
pub(crate) fn feed_states(db: &mut dyn Db) -> Result<Vec<FeedState>> {
    db.rows(&FEEDS, &[], |r| {
        Ok(FeedState {
            url: r.string(0)?,
            outlet: r.string(1)?,
            etag: r.opt_string(2)?,
            last_modified: r.opt_string(3)?,
            last_poll: parse_time(r.opt_string(4)?),
            last_success: parse_time(r.opt_string(5)?),
            last_error: r.opt_string(6)?,
            failures: u32::try_from(r.count(7)?).unwrap_or(u32::MAX),
            next_poll: parse_time(r.opt_string(8)?),
            items_seen: r.count(9)?,
            articles_ingested: r.count(10)?,
        })
    })
}

static SAVE_FEED: Query = Query::new(concat!(
    "INSERT INTO feeds (",
    feed_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
     ON CONFLICT (url) DO UPDATE SET outlet = excluded.outlet, etag = excluded.etag, \
     last_modified = excluded.last_modified, last_poll = excluded.last_poll, \
     last_success = excluded.last_success, last_error = excluded.last_error, \
     failures = excluded.failures, next_poll = excluded.next_poll, \
     items_seen = excluded.items_seen, articles_ingested = excluded.articles_ingested"
));

/// Keeps a feed's state (inserted or replaced).
pub(crate) fn save_feed_state(db: &mut dyn Db, f: &FeedState) -> Result<()> {
    let (poll, success, next) = (time(f.last_poll), time(f.last_success), time(f.next_poll));
    db.execute(
        &SAVE_FEED,
        values![
            f.url.as_str(),
            f.outlet.as_str(),
            f.etag.as_ref(),
            f.last_modified.as_ref(),
            poll.as_ref(),
            success.as_ref(),
            f.last_error.as_ref(),
            // The column is a 32-bit integer on PostgreSQL.
            f.failures.min(i32::MAX as u32),
            next.as_ref(),
            f.items_seen,
            f.articles_ingested,
        ],
    )?;
    Ok(())
}

static SEEN_PAGE: Query = Query::new(
    "SELECT url, canonical, content_hash, article_id, outcome FROM seen_pages \
     WHERE url = $1 OR canonical = $1 OR content_hash = $2 LIMIT 1",
);

/// A page taken before under this address (as listed or canonical) or,
/// given a hash, with the same text.
pub(crate) fn seen_page(
    db: &mut dyn Db,
    url: &str,
    hash: Option<&str>,
) -> Result<Option<SeenPage>> {
    db.first(&SEEN_PAGE, values![url, hash], |r| {
        Ok(SeenPage {
            url: r.string(0)?,
            canonical: r.opt_string(1)?,
            content_hash: r.opt_string(2)?,
            article_id: r.opt_string(3)?,
            outcome: r.string(4)?,
        })
    })
}

static MARK_PAGE_SEEN: Query = Query::new(
    "INSERT INTO seen_pages (url, canonical, content_hash, article_id, outcome, seen_at) \
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (url) DO NOTHING",
);

/// Remembers a page taken (the first record of an address stays).
pub(crate) fn mark_page_seen(db: &mut dyn Db, p: &SeenPage) -> Result<()> {
    let now = time(Some(Utc::now()));
    db.execute(
        &MARK_PAGE_SEEN,
        values![
            p.url.as_str(),
            p.canonical.as_ref(),
            p.content_hash.as_ref(),
            p.article_id.as_ref(),
            p.outcome.as_str(),
            now.as_ref(),
        ],
    )?;
    Ok(())
}

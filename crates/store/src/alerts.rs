//! Standing alerts as the store keeps them: who watches what, every match
//! (an incident, at a version, that fell in an alert) and where its
//! delivery stands. A cursor in the change sequence says how far incidents
//! were matched, so a restart resumes where it stopped and replicas
//! sharing a database match each change once.
//!
//! The store keeps an alert's area and filters as the JSON the alerts
//! crate writes; it knows nothing of geometry.

use chrono::{DateTime, Utc};
use marsad_model::{Incident, ReviewStatus};

use crate::sql::{values, Db, DbExt, Query, Row, RowExt};
use crate::{Error, Result};

/// Migration 10, for either dialect.
pub(crate) const ALERT_TABLES: &str = "CREATE TABLE alerts (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        name TEXT NOT NULL,
        area TEXT NOT NULL,
        filters TEXT NOT NULL,
        webhook_url TEXT,
        webhook_secret TEXT,
        feed_key TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX alerts_by_owner ON alerts(owner);
    CREATE TABLE alert_matches (
        alert_id TEXT NOT NULL REFERENCES alerts(id) ON DELETE CASCADE,
        incident_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        event TEXT NOT NULL,
        matched_at TEXT NOT NULL,
        payload TEXT NOT NULL,
        delivery TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt TEXT,
        last_error TEXT,
        delivered_at TEXT,
        PRIMARY KEY (alert_id, incident_id, version)
    );
    CREATE INDEX alert_matches_due ON alert_matches(next_attempt) WHERE delivery = 'pending';
    CREATE INDEX alert_matches_by_alert ON alert_matches(alert_id, matched_at);
    CREATE TABLE alert_cursor (
        id INTEGER PRIMARY KEY,
        last_change BIGINT NOT NULL,
        alerts_version BIGINT NOT NULL
    );
    INSERT INTO alert_cursor SELECT 1, COALESCE(MAX(change_seq), 0), 0 FROM incidents;";

/// An alert as stored: its area and filters as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRecord {
    /// Its id.
    pub id: String,
    /// The user who owns it.
    pub owner: String,
    /// Its name.
    pub name: String,
    /// Its area, as JSON.
    pub area: String,
    /// Its filters, as JSON.
    pub filters: String,
    /// Its webhook's address, if it has one.
    pub webhook_url: Option<String>,
    /// Its webhook's signing secret.
    pub webhook_secret: Option<String>,
    /// The secret of its Atom feed's address.
    pub feed_key: String,
    /// When it was made (RFC 3339).
    pub created_at: String,
    /// When it was last changed (RFC 3339).
    pub updated_at: String,
}

/// An incident that fell in an alert, and where its delivery stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertMatch {
    /// The alert.
    pub alert_id: String,
    /// The incident.
    pub incident_id: String,
    /// The incident's version when it matched (with the id, the
    /// delivery's idempotency key).
    pub version: i64,
    /// `new`, `updated` or `verified`.
    pub event: String,
    /// When it matched (RFC 3339).
    pub matched_at: String,
    /// The incident as a GeoJSON Feature, as it was when it matched.
    pub payload: String,
    /// `none` (no webhook), `pending`, `delivered` or `failed`.
    pub delivery: String,
    /// Tries so far.
    pub attempts: u32,
    /// When it is tried next, while pending.
    pub next_attempt: Option<String>,
    /// Why the last try failed.
    pub last_error: Option<String>,
    /// When the receiver accepted it.
    pub delivered_at: Option<String>,
}

/// What one matching pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatchReport {
    /// Changed incidents read.
    pub incidents: usize,
    /// Matches recorded (new ones only: one already recorded is not again).
    pub matches: Vec<AlertMatch>,
    /// The change the cursor now stands at.
    pub last_change: i64,
}

/// A delivery's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// The receiver accepted it.
    Yes,
    /// It failed; try again at the moment given.
    Retry {
        /// Why.
        error: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// It failed and is given up.
    GivenUp {
        /// Why.
        error: String,
    },
}

/// Moments in alert rows: RFC 3339 to the millisecond, UTC, so that text
/// order is time order on both backends.
pub fn moment(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

macro_rules! alert_columns {
    () => {
        "id, owner, name, area, filters, webhook_url, webhook_secret, feed_key, created_at, \
         updated_at"
    };
}

fn alert_row(r: &dyn Row) -> Result<AlertRecord> {
    Ok(AlertRecord {
        id: r.string(0)?,
        owner: r.string(1)?,
        name: r.string(2)?,
        area: r.string(3)?,
        filters: r.string(4)?,
        webhook_url: r.opt_string(5)?,
        webhook_secret: r.opt_string(6)?,
        feed_key: r.string(7)?,
        created_at: r.string(8)?,
        updated_at: r.string(9)?,
    })
}

macro_rules! match_columns {
    () => {
        "alert_id, incident_id, version, event, matched_at, payload, delivery, attempts, \
         next_attempt, last_error, delivered_at"
    };
}

fn match_row(r: &dyn Row) -> Result<AlertMatch> {
    Ok(AlertMatch {
        alert_id: r.string(0)?,
        incident_id: r.string(1)?,
        version: r.i64(2)?,
        event: r.string(3)?,
        matched_at: r.string(4)?,
        payload: r.string(5)?,
        delivery: r.string(6)?,
        attempts: u32::try_from(r.i64(7)?).unwrap_or(u32::MAX),
        next_attempt: r.opt_string(8)?,
        last_error: r.opt_string(9)?,
        delivered_at: r.opt_string(10)?,
    })
}

static BUMP: Query =
    Query::new("UPDATE alert_cursor SET alerts_version = alerts_version + 1 WHERE id = 1");

static INSERT_ALERT: Query = Query::new(
    "INSERT INTO alerts (id, owner, name, area, filters, webhook_url, webhook_secret, feed_key, \
     created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
);

/// Stores a new alert, made now.
pub(crate) fn add(db: &mut dyn Db, a: &AlertRecord) -> Result<()> {
    let now = moment(Utc::now());
    insert(db, a, &now, &now)?;
    db.execute(&BUMP, &[])?;
    Ok(())
}

/// Writes an alert's row with the dates given.
fn insert(db: &mut dyn Db, a: &AlertRecord, created: &str, updated: &str) -> Result<()> {
    db.execute(
        &INSERT_ALERT,
        values![
            a.id.as_str(),
            a.owner.as_str(),
            a.name.as_str(),
            a.area.as_str(),
            a.filters.as_str(),
            a.webhook_url.as_ref(),
            a.webhook_secret.as_ref(),
            a.feed_key.as_str(),
            created,
            updated,
        ],
    )?;
    Ok(())
}

static UPDATE_ALERT: Query = Query::new(
    "UPDATE alerts SET name = $2, area = $3, filters = $4, webhook_url = $5, \
     webhook_secret = $6, updated_at = $7 WHERE id = $1",
);

/// Changes an alert's name, area, filters and webhook.
pub(crate) fn update(db: &mut dyn Db, a: &AlertRecord) -> Result<()> {
    let now = moment(Utc::now());
    let n = db.execute(
        &UPDATE_ALERT,
        values![
            a.id.as_str(),
            a.name.as_str(),
            a.area.as_str(),
            a.filters.as_str(),
            a.webhook_url.as_ref(),
            a.webhook_secret.as_ref(),
            now.as_str(),
        ],
    )?;
    if n == 0 {
        return Err(Error::UnknownAlert(a.id.clone()));
    }
    db.execute(&BUMP, &[])?;
    Ok(())
}

static DELETE_ALERT: Query = Query::new("DELETE FROM alerts WHERE id = $1");
static DELETE_MATCHES: Query = Query::new("DELETE FROM alert_matches WHERE alert_id = $1");

/// Removes an alert and its matches; false if there was none.
pub(crate) fn remove(db: &mut dyn Db, id: &str) -> Result<bool> {
    db.execute(&DELETE_MATCHES, values![id])?;
    let n = db.execute(&DELETE_ALERT, values![id])?;
    if n > 0 {
        db.execute(&BUMP, &[])?;
    }
    Ok(n > 0)
}

static ALERT: Query = Query::new(concat!(
    "SELECT ",
    alert_columns!(),
    " FROM alerts WHERE id = $1"
));
static ALERTS_OF: Query = Query::new(concat!(
    "SELECT ",
    alert_columns!(),
    " FROM alerts WHERE owner = $1 ORDER BY created_at, id"
));
static ALERTS: Query = Query::new(concat!(
    "SELECT ",
    alert_columns!(),
    " FROM alerts ORDER BY created_at, id"
));

/// One alert.
pub(crate) fn get(db: &mut dyn Db, id: &str) -> Result<Option<AlertRecord>> {
    db.first(&ALERT, values![id], alert_row)
}

/// Every alert, or those of one owner, oldest first.
pub(crate) fn list(db: &mut dyn Db, owner: Option<&str>) -> Result<Vec<AlertRecord>> {
    match owner {
        Some(o) => db.rows(&ALERTS_OF, values![o], alert_row),
        None => db.rows(&ALERTS, &[], alert_row),
    }
}

static VERSION: Query = Query::new("SELECT alerts_version FROM alert_cursor WHERE id = 1");

/// A number that changes whenever an alert is added, changed or removed.
pub(crate) fn version(db: &mut dyn Db) -> Result<i64> {
    Ok(db.first(&VERSION, &[], |r| r.i64(0))?.unwrap_or(0))
}

// Taking the cursor's row lock first (a no-op write) makes matchers on
// several replicas of one PostgreSQL database take turns; SQLite's write
// transaction already does.
static LOCK_CURSOR: Query =
    Query::new("UPDATE alert_cursor SET last_change = last_change WHERE id = 1");
static CURSOR: Query = Query::new("SELECT last_change FROM alert_cursor WHERE id = 1");
static MOVE_CURSOR: Query = Query::new("UPDATE alert_cursor SET last_change = $1 WHERE id = 1");

static CHANGED: Query = Query::new(concat!(
    "SELECT ",
    crate::columns::incident_columns!(),
    ", change_seq, version FROM incidents WHERE change_seq > $1 ORDER BY change_seq LIMIT $2"
));

static EVENTS_OF: Query =
    Query::new("SELECT event FROM alert_matches WHERE alert_id = $1 AND incident_id = $2");

static INSERT_MATCH: Query = Query::new(
    "INSERT INTO alert_matches (alert_id, incident_id, version, event, matched_at, payload, \
     delivery, attempts, next_attempt) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8) \
     ON CONFLICT (alert_id, incident_id, version) DO NOTHING",
);

static HAS_WEBHOOK: Query = Query::new("SELECT webhook_url IS NOT NULL FROM alerts WHERE id = $1");

/// Matches the incidents changed since the cursor (at most `limit`) and
/// moves the cursor past them, in one transaction: `find` names the alerts
/// an incident falls in, `payload` writes it as sent. Each (alert,
/// incident, version) is recorded once, whoever matches it.
pub(crate) fn match_changes(
    db: &mut dyn Db,
    limit: usize,
    find: &mut dyn FnMut(&Incident) -> Vec<String>,
    payload: &mut dyn FnMut(&Incident) -> String,
) -> Result<MatchReport> {
    db.execute(&LOCK_CURSOR, &[])?;
    let since = db.first(&CURSOR, &[], |r| r.i64(0))?.unwrap_or(0);
    // The incidents as rows, without sources: only a match reads those.
    let changed = db.rows(&CHANGED, values![since, limit], |r| {
        Ok((crate::queries::incident_row(r)?, r.i64(24)?, r.i64(25)?))
    })?;
    let mut report = MatchReport {
        incidents: changed.len(),
        matches: Vec::new(),
        last_change: since,
    };
    let now = moment(Utc::now());
    for (mut incident, seq, version) in changed {
        report.last_change = report.last_change.max(seq);
        let alerts = find(&incident);
        if alerts.is_empty() {
            continue;
        }
        let id = incident.id.clone();
        incident.sources = crate::queries::sources_of(db, &id)?;
        let body = payload(&incident);
        for alert_id in alerts {
            let seen = db.rows(&EVENTS_OF, values![alert_id.as_str(), id.as_str()], |r| {
                r.string(0)
            })?;
            let event = if seen.is_empty() {
                "new"
            } else if incident.status == ReviewStatus::Verified
                && !seen.iter().any(|e| e == "verified")
            {
                "verified"
            } else {
                "updated"
            };
            let webhook = db
                .first(&HAS_WEBHOOK, values![alert_id.as_str()], |r| r.flag(0))?
                .unwrap_or(false);
            let (delivery, next) = if webhook {
                ("pending", Some(now.as_str()))
            } else {
                ("none", None)
            };
            let n = db.execute(
                &INSERT_MATCH,
                values![
                    alert_id.as_str(),
                    id.as_str(),
                    version,
                    event,
                    now.as_str(),
                    body.as_str(),
                    delivery,
                    next,
                ],
            )?;
            if n > 0 {
                report.matches.push(AlertMatch {
                    alert_id,
                    incident_id: id.clone(),
                    version,
                    event: event.into(),
                    matched_at: now.clone(),
                    payload: body.clone(),
                    delivery: delivery.into(),
                    attempts: 0,
                    next_attempt: next.map(str::to_string),
                    last_error: None,
                    delivered_at: None,
                });
            }
        }
    }
    db.execute(&MOVE_CURSOR, values![report.last_change])?;
    Ok(report)
}

static DUE: Query = Query::new(
    "SELECT alert_id, incident_id, version FROM alert_matches \
     WHERE delivery = 'pending' AND next_attempt <= $1 ORDER BY next_attempt LIMIT $2",
);

static LEASE: Query = Query::new(
    "UPDATE alert_matches SET next_attempt = $4 \
     WHERE alert_id = $1 AND incident_id = $2 AND version = $3 AND delivery = 'pending'",
);

static MATCH: Query = Query::new(concat!(
    "SELECT ",
    match_columns!(),
    " FROM alert_matches WHERE alert_id = $1 AND incident_id = $2 AND version = $3"
));

/// Takes up to `limit` deliveries due at `now`, each leased until
/// `lease_until` so that no other worker takes it meanwhile: if this one
/// dies, the delivery is due again when the lease ends.
pub(crate) fn take_due(
    db: &mut dyn Db,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<(AlertMatch, AlertRecord)>> {
    let (now, until) = (moment(now), moment(lease_until));
    let due = db.rows(&DUE, values![now.as_str(), limit], |r| {
        Ok((r.string(0)?, r.string(1)?, r.i64(2)?))
    })?;
    let mut out = Vec::with_capacity(due.len());
    for (alert, incident, version) in due {
        db.execute(
            &LEASE,
            values![alert.as_str(), incident.as_str(), version, until.as_str()],
        )?;
        let m = db.first(
            &MATCH,
            values![alert.as_str(), incident.as_str(), version],
            match_row,
        )?;
        let a = get(db, &alert)?;
        if let (Some(m), Some(a)) = (m, a) {
            out.push((m, a));
        }
    }
    Ok(out)
}

static DELIVERED: Query = Query::new(
    "UPDATE alert_matches SET delivery = 'delivered', attempts = attempts + 1, \
     delivered_at = $4, next_attempt = NULL, last_error = NULL \
     WHERE alert_id = $1 AND incident_id = $2 AND version = $3",
);
static RETRY: Query = Query::new(
    "UPDATE alert_matches SET attempts = attempts + 1, next_attempt = $4, last_error = $5 \
     WHERE alert_id = $1 AND incident_id = $2 AND version = $3 AND delivery = 'pending'",
);
static GIVEN_UP: Query = Query::new(
    "UPDATE alert_matches SET delivery = 'failed', attempts = attempts + 1, \
     next_attempt = NULL, last_error = $4 \
     WHERE alert_id = $1 AND incident_id = $2 AND version = $3 AND delivery = 'pending'",
);

/// Records how a delivery went.
pub(crate) fn record(db: &mut dyn Db, m: &AlertMatch, outcome: &Delivered) -> Result<()> {
    let key = (m.alert_id.as_str(), m.incident_id.as_str(), m.version);
    match outcome {
        Delivered::Yes => {
            let now = moment(Utc::now());
            db.execute(&DELIVERED, values![key.0, key.1, key.2, now.as_str()])?
        }
        Delivered::Retry { error, at } => {
            let at = moment(*at);
            db.execute(
                &RETRY,
                values![key.0, key.1, key.2, at.as_str(), error.as_str()],
            )?
        }
        Delivered::GivenUp { error } => {
            db.execute(&GIVEN_UP, values![key.0, key.1, key.2, error.as_str()])?
        }
    };
    Ok(())
}

static MATCHES_OF: Query = Query::new(concat!(
    "SELECT ",
    match_columns!(),
    " FROM alert_matches WHERE alert_id = $1 \
     ORDER BY matched_at DESC, incident_id DESC, version DESC LIMIT $2"
));

/// An alert's latest matches, newest first.
pub(crate) fn matches(db: &mut dyn Db, alert_id: &str, limit: usize) -> Result<Vec<AlertMatch>> {
    db.rows(&MATCHES_OF, values![alert_id, limit], match_row)
}

static ALL_MATCHES: Query = Query::new(concat!(
    "SELECT ",
    match_columns!(),
    " FROM alert_matches ORDER BY alert_id, matched_at, incident_id, version"
));

/// Every match of every alert (for copies).
pub(crate) fn all_matches(db: &mut dyn Db) -> Result<Vec<AlertMatch>> {
    db.rows(&ALL_MATCHES, &[], match_row)
}

static RESTORE_MATCH: Query = Query::new(concat!(
    "INSERT INTO alert_matches (",
    match_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
));
// The copy's incidents were all numbered anew: none is a change to match.
static CURSOR_AT_END: Query = Query::new(
    "UPDATE alert_cursor SET last_change = (SELECT COALESCE(MAX(change_seq), 0) FROM incidents), \
     alerts_version = alerts_version + 1 WHERE id = 1",
);

/// Writes alerts and their matches as a copy holds them, and moves the
/// cursor past the incidents copied, so nothing is delivered again.
pub(crate) fn restore(
    db: &mut dyn Db,
    alerts: &[AlertRecord],
    matches: &[AlertMatch],
) -> Result<()> {
    for a in alerts {
        insert(db, a, &a.created_at, &a.updated_at)?;
    }
    for m in matches {
        db.execute(
            &RESTORE_MATCH,
            values![
                m.alert_id.as_str(),
                m.incident_id.as_str(),
                m.version,
                m.event.as_str(),
                m.matched_at.as_str(),
                m.payload.as_str(),
                m.delivery.as_str(),
                m.attempts,
                m.next_attempt.as_ref(),
                m.last_error.as_ref(),
                m.delivered_at.as_ref(),
            ],
        )?;
    }
    db.execute(&CURSOR_AT_END, &[])?;
    Ok(())
}

//! Users, their tokens, and what people decided about incidents, with the
//! audit trail of every decision.
//!
//! Tokens are random (256 bits) and shown once; the store keeps only their
//! SHA-256, so a copy of the database lets no one sign in. A slow password
//! hash would add nothing: no one can guess 256 random bits, and a fast hash
//! keeps the check of every request cheap.

use chrono::Utc;
use marsad_model::{RejectReason, ReviewStatus, Role};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::sql::{values, Db, DbExt, Query, Row, RowExt};
use crate::{Error, Result};

/// The tables of migration 8, for either dialect (`$seq`: the audit log's
/// self-numbering key; `$append_only`: the trigger that refuses to change
/// or delete a logged action).
macro_rules! accounts_tables {
    ($seq:literal, $append_only:literal) => {
        concat!(
            "CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE tokens (
        id TEXT PRIMARY KEY,
        user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE INDEX tokens_by_user ON tokens(user_name);
    ALTER TABLE incidents ADD COLUMN status TEXT NOT NULL DEFAULT 'unreviewed';
    ALTER TABLE incidents ADD COLUMN reject_reason TEXT;
    ALTER TABLE incidents ADD COLUMN review_note TEXT;
    ALTER TABLE incidents ADD COLUMN reviewed_by TEXT;
    ALTER TABLE incidents ADD COLUMN reviewed_at TEXT;
    ALTER TABLE incidents ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE articles ADD COLUMN ingested_by TEXT;
    CREATE TABLE review_log (
        seq ",
            $seq,
            ",
        incident_id TEXT NOT NULL,
        user_name TEXT NOT NULL,
        at TEXT NOT NULL,
        action TEXT NOT NULL,
        before_state TEXT NOT NULL,
        after_state TEXT NOT NULL,
        note TEXT
    );
    CREATE INDEX review_log_by_incident ON review_log(incident_id, seq);
    ",
            $append_only
        )
    };
}
pub(crate) use accounts_tables;

/// Migration 9, for either dialect: which incident a person merged one
/// into, and which one they split one off (indexed where set: a later
/// report looks for the incidents split off the one it matched).
pub(crate) const MERGE_COLUMNS: &str = "ALTER TABLE incidents ADD COLUMN merged_into TEXT;
    ALTER TABLE incidents ADD COLUMN split_from TEXT;
    CREATE INDEX incidents_split_off ON incidents(split_from) WHERE split_from IS NOT NULL;";

/// A user, as listed (no secret).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    /// The name they sign in as.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// When they were added (RFC 3339).
    pub created_at: String,
    /// Their tokens, newest first: ids and dates only.
    pub tokens: Vec<TokenInfo>,
}

/// A token as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TokenInfo {
    /// Its public id (the part after `mrsd_`).
    pub id: String,
    /// When it was issued.
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// A token just issued: the only time its secret is seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    /// The user it signs in.
    pub user: String,
    /// Its public id.
    pub id: String,
    /// The whole token, to give to its user.
    pub secret: String,
}

/// Who a token signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// The user's name.
    pub user: String,
    /// Their role.
    pub role: Role,
}

/// Where an incident stands with its reviewers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Review {
    /// Unreviewed, verified or rejected.
    pub status: ReviewStatus,
    /// Why it was rejected.
    pub reason: Option<RejectReason>,
    /// The reviewer's note.
    pub note: Option<String>,
    /// Who decided last.
    pub reviewed_by: Option<String>,
    /// When (RFC 3339).
    pub reviewed_at: Option<String>,
    /// Grows with every change a person makes: what `If-Match` names.
    pub version: u32,
    /// The incident a person merged this one into (it tells the same event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
    /// The incident a person split this one off (its source told another event).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split_from: Option<String>,
}

/// A decision about an incident.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// It is an event the article reports, as stated.
    Verify,
    /// It is not, for this reason (and note).
    Reject {
        /// Why.
        reason: RejectReason,
        /// What a person should know.
        note: Option<String>,
    },
    /// Back to unreviewed (an undo).
    Reopen,
}

impl Decision {
    fn action(&self) -> &'static str {
        match self {
            Decision::Verify => "verify",
            Decision::Reject { .. } => "reject",
            Decision::Reopen => "reopen",
        }
    }
}

/// One logged action: who did what to which incident, when, and the
/// incident's review before and after.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AuditEntry {
    /// Its place in the log.
    pub seq: i64,
    /// The incident.
    pub incident_id: String,
    /// Who.
    pub user: String,
    /// When (RFC 3339).
    pub at: String,
    /// `verify`, `reject`, `reopen`.
    pub action: String,
    /// The review before.
    pub before: serde_json::Value,
    /// The review after.
    pub after: serde_json::Value,
    /// The note given.
    pub note: Option<String>,
}

/// Token ids and secrets: random bytes as lowercase hex.
fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    hex(&buf)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the store keeps of a token.
fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn now() -> String {
    crate::sql::time_text(&Utc::now())
}

/// A user name: what people type and logs show.
fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(())
    } else {
        Err(Error::Invalid {
            field: "name",
            message: format!("{name:?}: a user name is 1–64 letters, digits, '.', '_', '-' or '@'"),
        })
    }
}

static INSERT_USER: Query = Query::new(
    "INSERT INTO users (name, role, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
);
static INSERT_TOKEN: Query =
    Query::new("INSERT INTO tokens (id, user_name, hash, created_at) VALUES ($1, $2, $3, $4)");
static REVOKE_TOKENS: Query =
    Query::new("UPDATE tokens SET revoked_at = $2 WHERE user_name = $1 AND revoked_at IS NULL");
static USER_EXISTS: Query = Query::new("SELECT EXISTS(SELECT 1 FROM users WHERE name = $1)");

/// Adds a user with a first token.
pub(crate) fn add_user(db: &mut dyn Db, name: &str, role: Role) -> Result<NewToken> {
    check_name(name)?;
    if db.execute(&INSERT_USER, values![name, role.as_str(), now().as_str()])? == 0 {
        return Err(Error::UserExists(name.to_string()));
    }
    issue_token(db, name)
}

fn issue_token(db: &mut dyn Db, user: &str) -> Result<NewToken> {
    let id = random_hex(4);
    let secret = format!("mrsd_{id}_{}", random_hex(32));
    db.execute(
        &INSERT_TOKEN,
        values![
            id.as_str(),
            user,
            token_hash(&secret).as_str(),
            now().as_str()
        ],
    )?;
    Ok(NewToken {
        user: user.to_string(),
        id,
        secret,
    })
}

fn require_user(db: &mut dyn Db, name: &str) -> Result<()> {
    if db.first(&USER_EXISTS, values![name], |r| r.flag(0))? == Some(true) {
        Ok(())
    } else {
        Err(Error::UnknownUser(name.to_string()))
    }
}

/// Revokes a user's tokens and issues a new one.
pub(crate) fn rotate_token(db: &mut dyn Db, name: &str) -> Result<NewToken> {
    require_user(db, name)?;
    db.execute(&REVOKE_TOKENS, values![name, now().as_str()])?;
    issue_token(db, name)
}

/// Revokes every token of a user; how many were live.
pub(crate) fn revoke_tokens(db: &mut dyn Db, name: &str) -> Result<u64> {
    require_user(db, name)?;
    db.execute(&REVOKE_TOKENS, values![name, now().as_str()])
}

static USERS: Query = Query::new(
    "SELECT u.name, u.role, u.created_at, t.id, t.created_at, t.revoked_at \
     FROM users u LEFT JOIN tokens t ON t.user_name = u.name \
     ORDER BY u.name, t.created_at DESC, t.id",
);

/// Every user with their tokens (no secrets).
pub(crate) fn users(db: &mut dyn Db) -> Result<Vec<User>> {
    let mut out: Vec<User> = Vec::new();
    db.each(&USERS, &[], &mut |r| {
        let name = r.str(0)?;
        if out.last().is_none_or(|u| u.name != name) {
            out.push(User {
                name: name.to_string(),
                role: role(r, 1)?,
                created_at: r.string(2)?,
                tokens: Vec::new(),
            });
        }
        if let (Some(id), Some(user)) = (r.text(3)?, out.last_mut()) {
            user.tokens.push(TokenInfo {
                id: id.to_string(),
                created_at: r.string(4)?,
                revoked_at: r.opt_string(5)?,
            });
        }
        Ok(())
    })?;
    Ok(out)
}

fn role(r: &dyn Row, i: usize) -> Result<Role> {
    r.str(i)?
        .parse()
        .map_err(|e: marsad_model::Error| Error::Corrupt {
            column: "role",
            message: e.to_string(),
        })
}

static SIGN_IN: Query = Query::new(
    "SELECT u.name, u.role FROM tokens t JOIN users u ON u.name = t.user_name \
     WHERE t.hash = $1 AND t.revoked_at IS NULL",
);

/// The user a token signs in, if it is live.
pub(crate) fn sign_in(db: &mut dyn Db, token: &str) -> Result<Option<SignedIn>> {
    db.first(&SIGN_IN, values![token_hash(token).as_str()], |r| {
        Ok(SignedIn {
            user: r.string(0)?,
            role: role(r, 1)?,
        })
    })
}

static REVIEW: Query = Query::new(
    "SELECT status, reject_reason, review_note, reviewed_by, reviewed_at, version, merged_into, \
     split_from FROM incidents WHERE id = $1",
);

/// An incident's review, if the incident exists.
pub(crate) fn review(db: &mut dyn Db, id: &str) -> Result<Option<Review>> {
    db.first(&REVIEW, values![id], |r| {
        let corrupt = |column, e: marsad_model::Error| Error::Corrupt {
            column,
            message: e.to_string(),
        };
        Ok(Review {
            status: r.str(0)?.parse().map_err(|e| corrupt("status", e))?,
            reason: r
                .text(1)?
                .map(str::parse)
                .transpose()
                .map_err(|e| corrupt("reject_reason", e))?,
            note: r.opt_string(2)?,
            reviewed_by: r.opt_string(3)?,
            reviewed_at: r.opt_string(4)?,
            version: u32::try_from(r.count(5)?).unwrap_or(u32::MAX),
            merged_into: r.opt_string(6)?,
            split_from: r.opt_string(7)?,
        })
    })
}

/// A decision replaces a merge (which is a rejection as a duplicate): a
/// merged incident reopened or verified stands on its own again.
static SET_REVIEW: Query = Query::new(
    "UPDATE incidents SET status = $2, reject_reason = $3, review_note = $4, reviewed_by = $5, \
     reviewed_at = $6, version = version + 1, updated_at = $7, merged_into = NULL, \
     change_seq = @next_change WHERE id = $1",
);
static LOG: Query = Query::new(
    "INSERT INTO review_log (incident_id, user_name, at, action, before_state, after_state, note) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)",
);

/// Incident `id`'s review, refused if it is not at version `expected`
/// (someone else changed it since it was read).
pub(crate) fn at_version(db: &mut dyn Db, id: &str, expected: Option<u32>) -> Result<Review> {
    let now = review(db, id)?.ok_or_else(|| Error::UnknownIncident(id.to_string()))?;
    match expected.filter(|v| *v != now.version) {
        Some(expected) => Err(Error::VersionConflict {
            expected,
            current: now.version,
        }),
        None => Ok(now),
    }
}

/// Appends one action to the review log.
#[allow(clippy::too_many_arguments)]
pub(crate) fn append_log(
    db: &mut dyn Db,
    id: &str,
    user: &str,
    at: &str,
    action: &str,
    before: &impl serde::Serialize,
    after: &impl serde::Serialize,
    note: Option<&str>,
) -> Result<()> {
    db.execute(
        &LOG,
        values![
            id,
            user,
            at,
            action,
            crate::columns::to_json(before, "before")?.as_str(),
            crate::columns::to_json(after, "after")?.as_str(),
            note,
        ],
    )?;
    Ok(())
}

/// Records `user`'s decision about incident `id`, inside the transaction
/// `db` is: refused if the incident is not at version `expected` (someone
/// else changed it since it was read). Logs it, and returns the review now.
pub(crate) fn decide(
    db: &mut dyn Db,
    id: &str,
    user: &str,
    decision: &Decision,
    expected: Option<u32>,
) -> Result<Review> {
    let before = at_version(db, id, expected)?;
    let moment = Utc::now();
    let at = crate::sql::time_text(&moment);
    let (status, reason, note) = match decision {
        Decision::Verify => (ReviewStatus::Verified, None, None),
        Decision::Reject { reason, note } => (ReviewStatus::Rejected, Some(*reason), note.clone()),
        Decision::Reopen => (ReviewStatus::Unreviewed, None, None),
    };
    db.execute(
        &SET_REVIEW,
        values![
            id,
            status.as_str(),
            reason.map(RejectReason::as_str),
            note.as_ref(),
            user,
            at.as_str(),
            moment,
        ],
    )?;
    let after = review(db, id)?.ok_or_else(|| Error::UnknownIncident(id.to_string()))?;
    append_log(
        db,
        id,
        user,
        &at,
        decision.action(),
        &before,
        &after,
        note.as_deref(),
    )?;
    Ok(after)
}

static HISTORY: Query = Query::new(
    "SELECT seq, incident_id, user_name, at, action, before_state, after_state, note FROM review_log \
     WHERE incident_id = $1 ORDER BY seq",
);
static LOG_SINCE: Query = Query::new(
    "SELECT seq, incident_id, user_name, at, action, before_state, after_state, note FROM review_log \
     WHERE seq > $1 ORDER BY seq LIMIT $2",
);

fn entry(r: &dyn Row) -> Result<AuditEntry> {
    let json = |i: usize, column| -> Result<serde_json::Value> {
        serde_json::from_str(r.str(i)?).map_err(|source| Error::Json { column, source })
    };
    Ok(AuditEntry {
        seq: r.i64(0)?,
        incident_id: r.string(1)?,
        user: r.string(2)?,
        at: r.string(3)?,
        action: r.string(4)?,
        before: json(5, "before")?,
        after: json(6, "after")?,
        note: r.opt_string(7)?,
    })
}

/// Every logged action about one incident, oldest first.
pub(crate) fn history(db: &mut dyn Db, id: &str) -> Result<Vec<AuditEntry>> {
    db.rows(&HISTORY, values![id], entry)
}

/// Logged actions after `since`, oldest first, at most `limit`.
pub(crate) fn log_since(db: &mut dyn Db, since: i64, limit: usize) -> Result<Vec<AuditEntry>> {
    db.rows(&LOG_SINCE, values![since, limit], entry)
}

/// Everything people added to a store: users and their tokens' hashes,
/// decisions about incidents (and the versions of incidents changed since
/// they were stored), the review log and who sent each article.
/// What a copy carries over beside the articles and incidents.
#[derive(Debug, Clone, Default)]
pub struct PeopleData {
    users: Vec<(String, String, String)>,
    tokens: Vec<[Option<String>; 5]>,
    reviews: Vec<(String, Review)>,
    log: Vec<AuditEntry>,
    senders: Vec<(String, String)>,
    alerts: Vec<crate::AlertRecord>,
    matches: Vec<crate::AlertMatch>,
}

impl PeopleData {
    /// How many users, reviewed incidents and logged decisions it holds.
    pub fn counts(&self) -> (usize, usize, usize) {
        let reviewed = self
            .reviews
            .iter()
            .filter(|(_, r)| r.reviewed_by.is_some())
            .count();
        (self.users.len(), reviewed, self.log.len())
    }

    /// How many alerts and alert matches it holds.
    pub fn alert_counts(&self) -> (usize, usize) {
        (self.alerts.len(), self.matches.len())
    }
}

static ALL_USERS: Query = Query::new("SELECT name, role, created_at FROM users ORDER BY name");
static ALL_TOKENS: Query = Query::new(
    "SELECT id, user_name, hash, created_at, revoked_at FROM tokens ORDER BY created_at, id",
);
static REVIEWED: Query =
    Query::new("SELECT id FROM incidents WHERE status <> 'unreviewed' OR version > 1 OR split_from IS NOT NULL ORDER BY id");
static SENDERS: Query =
    Query::new("SELECT id, ingested_by FROM articles WHERE ingested_by IS NOT NULL ORDER BY id");

/// What people added to the store `db` reads.
pub(crate) fn people(db: &mut dyn Db) -> Result<PeopleData> {
    let users = db.rows(&ALL_USERS, &[], |r| {
        Ok((r.string(0)?, r.string(1)?, r.string(2)?))
    })?;
    let tokens = db.rows(&ALL_TOKENS, &[], |r| {
        Ok([
            r.opt_string(0)?,
            r.opt_string(1)?,
            r.opt_string(2)?,
            r.opt_string(3)?,
            r.opt_string(4)?,
        ])
    })?;
    let mut reviews = Vec::new();
    for id in db.rows(&REVIEWED, &[], |r| r.string(0))? {
        if let Some(review) = review(db, &id)? {
            reviews.push((id, review));
        }
    }
    let log = log_since(db, 0, usize::MAX)?;
    let senders = db.rows(&SENDERS, &[], |r| Ok((r.string(0)?, r.string(1)?)))?;
    let alerts = crate::alerts::list(db, None)?;
    let matches = crate::alerts::all_matches(db)?;
    Ok(PeopleData {
        users,
        tokens,
        reviews,
        log,
        senders,
        alerts,
        matches,
    })
}

static RESTORE_TOKEN: Query = Query::new(
    "INSERT INTO tokens (id, user_name, hash, created_at, revoked_at) VALUES ($1, $2, $3, $4, $5)",
);
static RESTORE_REVIEW: Query = Query::new(
    "UPDATE incidents SET status = $2, reject_reason = $3, review_note = $4, reviewed_by = $5, \
     reviewed_at = $6, version = $7, merged_into = $8, split_from = $9 WHERE id = $1",
);
static RESTORE_SENDER: Query = Query::new("UPDATE articles SET ingested_by = $2 WHERE id = $1");

/// Writes `data` into the store `db` is a transaction of, whose articles
/// and incidents were just restored from the same source.
pub(crate) fn restore_people(db: &mut dyn Db, data: &PeopleData) -> Result<()> {
    for (name, role, at) in &data.users {
        db.execute(&INSERT_USER, values![name, role, at])?;
    }
    for [id, user, hash, at, revoked] in &data.tokens {
        db.execute(
            &RESTORE_TOKEN,
            values![
                id.as_ref(),
                user.as_ref(),
                hash.as_ref(),
                at.as_ref(),
                revoked.as_ref()
            ],
        )?;
    }
    for (id, r) in &data.reviews {
        db.execute(
            &RESTORE_REVIEW,
            values![
                id,
                r.status.as_str(),
                r.reason.map(RejectReason::as_str),
                r.note.as_ref(),
                r.reviewed_by.as_ref(),
                r.reviewed_at.as_ref(),
                r.version,
                r.merged_into.as_ref(),
                r.split_from.as_ref(),
            ],
        )?;
    }
    // In order: numbered anew, as the log is read.
    for e in &data.log {
        db.execute(
            &LOG,
            values![
                e.incident_id.as_str(),
                e.user.as_str(),
                e.at.as_str(),
                e.action.as_str(),
                crate::columns::to_json(&e.before, "before")?.as_str(),
                crate::columns::to_json(&e.after, "after")?.as_str(),
                e.note.as_ref(),
            ],
        )?;
    }
    for (id, by) in &data.senders {
        db.execute(&RESTORE_SENDER, values![id, by])?;
    }
    crate::alerts::restore(db, &data.alerts, &data.matches)
}

/// An editor's correction of an incident: each field given replaces the
/// machine's (`Some(None)` clears a date or a toll).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Correction {
    /// What happened.
    pub event_type: Option<marsad_model::EventType>,
    /// When, and how precisely.
    pub date: Option<(Option<chrono::NaiveDate>, marsad_model::DatePrecision)>,
    /// Where.
    pub place: Option<Relocation>,
    /// How well the place stands for where it happened (with a new place,
    /// the place itself unless given).
    pub geo_precision: Option<marsad_model::GeoPrecision>,
    /// Killed.
    pub killed: Option<Option<u32>>,
    /// Injured.
    pub injured: Option<Option<u32>>,
    /// Arrested.
    pub arrested: Option<Option<u32>>,
    /// How exact each toll is («at least», «about»…), for the kinds given.
    pub qualifiers: Vec<(marsad_model::CountKind, marsad_model::Qualifier)>,
    /// Who did it (from the actor lexicon).
    pub actors: Option<Vec<marsad_model::Actor>>,
    /// To whom.
    pub targets: Option<Vec<marsad_model::Actor>>,
}

/// Where a correction puts an incident.
#[derive(Debug, Clone, PartialEq)]
pub enum Relocation {
    /// At a place of the gazetteer.
    To(marsad_model::Place),
    /// At a point moved on the map: the place keeps its names (a new
    /// point has none).
    Point {
        /// Latitude.
        lat: f64,
        /// Longitude.
        lon: f64,
    },
}

impl Correction {
    /// The incident as corrected.
    fn apply(&self, mut i: marsad_model::Incident) -> marsad_model::Incident {
        use marsad_model::GeoPrecision;
        if let Some(t) = self.event_type {
            i.event_type = t;
        }
        if let Some((date, precision)) = self.date {
            i.date = date;
            i.date_precision = precision;
            i.date_text = None;
        }
        match &self.place {
            Some(Relocation::To(place)) => i.place = Some(place.clone()),
            Some(Relocation::Point { lat, lon }) => {
                let (lat, lon) = (*lat, *lon);
                let mut place = i.place.take().unwrap_or(marsad_model::Place {
                    id: String::new(),
                    name_ar: String::new(),
                    name_en: None,
                    admin1: None,
                    admin2: None,
                    lat,
                    lon,
                });
                (place.lat, place.lon) = (lat, lon);
                i.place = Some(place);
            }
            None => {}
        }
        match (self.place.is_some(), self.geo_precision) {
            (true, g) => i.geo_precision = g.unwrap_or(GeoPrecision::PLACE),
            (false, Some(g)) if i.place.is_some() => i.geo_precision = g,
            _ => {}
        }
        for (given, count) in [
            (self.killed, &mut i.counts.killed),
            (self.injured, &mut i.counts.injured),
            (self.arrested, &mut i.counts.arrested),
        ] {
            if let Some(n) = given {
                *count = n;
            }
        }
        for &(kind, q) in &self.qualifiers {
            *i.counts.slot_mut(kind).1 = q;
        }
        if let Some(a) = &self.actors {
            i.actors.clone_from(a);
        }
        if let Some(t) = &self.targets {
            i.targets.clone_from(t);
        }
        i
    }
}

static CORRECT: Query = Query::new(
    "UPDATE incidents SET type = $2, date = $3, date_precision = $4, date_text = $5, place_id = $6, \
     place_ar = $7, place_en = $8, admin1 = $9, admin2 = $10, lat = $11, lon = $12, geo_precision = $13, \
     killed = $14, injured = $15, arrested = $16, actors = $17, targets = $18, count_qualifiers = $19, \
     status = 'verified', reject_reason = NULL, review_note = NULL, reviewed_by = $20, reviewed_at = $21, \
     updated_at = $22, version = version + 1, change_seq = @next_change WHERE id = $1",
);

/// The fields of an incident's JSON that differ between `a` and `b`, as
/// two objects (before, after).
fn changed(
    a: &marsad_model::Incident,
    b: &marsad_model::Incident,
) -> Result<(serde_json::Value, serde_json::Value)> {
    let json = |i: &marsad_model::Incident| {
        serde_json::to_value(i).map_err(|source| Error::Json {
            column: "incident",
            source,
        })
    };
    let (a, b) = (json(a)?, json(b)?);
    let (mut before, mut after) = (serde_json::Map::new(), serde_json::Map::new());
    if let (Some(a), Some(b)) = (a.as_object(), b.as_object()) {
        for (k, v) in b {
            if a.get(k) != Some(v) && k != "sources" {
                before.insert(k.clone(), a.get(k).cloned().unwrap_or_default());
                after.insert(k.clone(), v.clone());
            }
        }
    }
    Ok((before.into(), after.into()))
}

/// Applies `user`'s correction to incident `id`, inside the transaction
/// `db` is: refused if the incident is not at version `expected`. A
/// corrected incident is verified as corrected, and later reports of it
/// change nothing a person set. Logs the fields before and after.
pub(crate) fn correct(
    db: &mut dyn Db,
    id: &str,
    user: &str,
    correction: &Correction,
    expected: Option<u32>,
) -> Result<(Review, marsad_model::Incident)> {
    let review_before = at_version(db, id, expected)?;
    let was =
        crate::queries::incident(db, id)?.ok_or_else(|| Error::UnknownIncident(id.to_string()))?;
    let now = correction.apply(was.clone());
    let moment = Utc::now();
    let at = crate::sql::time_text(&moment);
    let actors = crate::columns::to_json(&now.actors, "actors")?;
    let targets = crate::columns::to_json(&now.targets, "targets")?;
    let qualifiers = crate::columns::to_json(&now.counts.qualifiers(), "count_qualifiers")?;
    let mut params = crate::queries::what_and_where(&now);
    params.extend_from_slice(values![
        now.counts.killed,
        now.counts.injured,
        now.counts.arrested,
        actors.as_str(),
        targets.as_str(),
        qualifiers.as_str(),
        user,
        at.as_str(),
        moment,
    ]);
    db.execute(&CORRECT, &params)?;
    let review_after = review(db, id)?.ok_or_else(|| Error::UnknownIncident(id.to_string()))?;
    let (mut before, mut after) = changed(&was, &now)?;
    // The review's change goes with the fields'.
    before["review"] = crate::columns::to_json_value(&review_before)?;
    after["review"] = crate::columns::to_json_value(&review_after)?;
    append_log(db, id, user, &at, "edit", &before, &after, None)?;
    let stored =
        crate::queries::incident(db, id)?.ok_or_else(|| Error::UnknownIncident(id.to_string()))?;
    Ok((review_after, stored))
}

static REVIEWED_SINCE: Query = Query::new(
    "SELECT id FROM incidents WHERE reviewed_by IS NOT NULL AND reviewed_at >= $1 \
     ORDER BY reviewed_at, id",
);

/// Every incident a person decided about since `since` (RFC 3339 or a
/// day), with its sources and review, oldest decision first.
pub(crate) fn reviewed_since(
    db: &mut dyn Db,
    since: &str,
) -> Result<Vec<(marsad_model::Incident, Review)>> {
    let mut out = Vec::new();
    for id in db.rows(&REVIEWED_SINCE, values![since], |r| r.string(0))? {
        if let (Some(i), Some(r)) = (crate::queries::incident(db, &id)?, review(db, &id)?) {
            out.push((i, r));
        }
    }
    Ok(out)
}

//! The JSON answers built from typed values: what the handlers serialise
//! is what the OpenAPI document describes (their schemas are derived).

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

/// How the server is doing.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the server answers.
    #[schema(example = "ok")]
    pub status: String,
    /// Incidents in the index.
    pub incidents: usize,
    /// Places in the gazetteer.
    pub places: usize,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// The last change of the database the index holds.
    pub last_change: i64,
    /// How long since the database was last read for changes, ms.
    pub sync_lag_ms: u64,
    /// How many times the index was rebuilt after losing the database.
    pub resyncs: u64,
}

/// How many incidents pass the filters in the area.
#[derive(Debug, Serialize, ToSchema)]
pub struct Counts {
    /// In all.
    pub total: usize,
    /// Of which without a date.
    pub undated: usize,
    /// Per event type (types with none left out).
    pub by_type: BTreeMap<String, usize>,
}

/// Dated incidents per day, week or month.
#[derive(Debug, Serialize, ToSchema)]
pub struct Histogram {
    /// `day`, `week` or `month`.
    pub bin: String,
    /// The bins with incidents, oldest first.
    pub bins: Vec<HistogramBin>,
    /// Incidents without a date (in no bin).
    pub undated: usize,
}

/// One bin of a histogram.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistogramBin {
    /// Its first day.
    #[schema(format = Date)]
    pub start: String,
    /// Incidents in it.
    pub count: usize,
    /// Per event type (types with none left out).
    pub by_type: BTreeMap<String, usize>,
}

/// The map's layers.
#[derive(Debug, Serialize, ToSchema)]
pub struct Layers {
    /// All incidents, one layer per event type, and the places.
    pub layers: Vec<Layer>,
}

/// One layer: its look, its count under the filters and its file.
#[derive(Debug, Serialize, ToSchema)]
pub struct Layer {
    /// `all`, an event type, or `places`.
    pub id: String,
    /// Its title in Arabic.
    pub title_ar: String,
    /// Its title in English.
    pub title_en: String,
    /// Its colour, `#rrggbb`.
    pub colour: String,
    /// An SVG path of its symbol (event types).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Whether its incidents are attacks (event types).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attack: Option<bool>,
    /// Incidents (or places) in it under the filters.
    pub count: usize,
    /// Its GeoJSON file.
    pub url: String,
}

/// An article as submitted: JSON.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArticleBody {
    /// The text (plain text; HTML is read as HTML).
    #[schema(schema_with = crate::openapi::article_text)]
    pub text: String,
    /// Where it was published.
    #[schema(schema_with = crate::openapi::article_url)]
    pub url: Option<String>,
    /// Its headline (else taken from the text).
    #[schema(schema_with = crate::openapi::article_title)]
    pub title: Option<String>,
    /// Its publication day, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub published: Option<String>,
}

/// What an article gave.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleReceipt {
    /// The article's id.
    pub article_id: String,
    /// Whether it was new (else it was stored already and nothing changed).
    pub new_article: bool,
    /// Ids of the incidents it added.
    pub incidents_new: Vec<String>,
    /// Ids of the incidents it confirmed (another report of one stored).
    pub incidents_merged: Vec<String>,
    /// The incidents extracted from it.
    #[schema(value_type = crate::openapi::IncidentCollection)]
    pub incidents: serde_json::Value,
}

/// A followed feed, as the watcher last left it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedStatus {
    /// The feed's address.
    pub url: String,
    /// The outlet it belongs to.
    pub outlet: String,
    /// When it was last polled (RFC 3339).
    pub last_poll: Option<String>,
    /// When a poll last succeeded (RFC 3339).
    pub last_success: Option<String>,
    /// What went wrong at the last poll, if anything.
    pub last_error: Option<String>,
    /// Polls failed in a row.
    pub failures: u32,
    /// When it is polled next (RFC 3339).
    pub next_poll: Option<String>,
    /// New article addresses it listed.
    pub articles_seen: u64,
    /// Of those, articles ingested.
    pub articles_ingested: u64,
}

impl From<marsad_store::FeedState> for FeedStatus {
    fn from(f: marsad_store::FeedState) -> Self {
        let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
            t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        };
        FeedStatus {
            url: f.url,
            outlet: f.outlet,
            last_poll: time(f.last_poll),
            last_success: time(f.last_success),
            last_error: f.last_error,
            failures: f.failures,
            next_poll: time(f.next_poll),
            articles_seen: f.items_seen,
            articles_ingested: f.articles_ingested,
        }
    }
}

/// The feeds followed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Feeds {
    /// By outlet.
    pub feeds: Vec<FeedStatus>,
}

/// A stored article, as the list of the latest shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleItem {
    /// Its id.
    pub id: String,
    /// Where it was published.
    pub url: Option<String>,
    /// Its headline.
    pub title: Option<String>,
    /// Its outlet (from the address).
    pub outlet: Option<String>,
    /// Its publication day.
    #[schema(format = Date)]
    pub published: Option<String>,
    /// When it was stored (RFC 3339).
    pub ingested_at: String,
    /// Incidents it reports.
    pub incidents: u64,
}

impl From<marsad_store::ArticleSummary> for ArticleItem {
    fn from(a: marsad_store::ArticleSummary) -> Self {
        ArticleItem {
            id: a.id,
            url: a.url,
            title: a.title,
            outlet: a.outlet,
            published: a.published.map(|d| d.to_string()),
            ingested_at: a.ingested_at,
            incidents: a.incidents,
        }
    }
}

/// The latest articles.
#[derive(Debug, Serialize, ToSchema)]
pub struct Articles {
    /// Newest first.
    pub articles: Vec<ArticleItem>,
}

/// A reviewer's decision about an incident.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    /// What is decided.
    pub decision: DecisionKind,
    /// Why it is rejected (only with `reject`; `other` needs a note).
    pub reason: Option<ReasonKind>,
    /// What a person should know (required with `other`).
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// A decision: `verify`, `reject`, or `reopen` (back to unreviewed: an undo).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// It is an event the article reports, as stated.
    Verify,
    /// It is not (give a reason).
    Reject,
    /// Back to unreviewed.
    Reopen,
}

/// Why an incident is rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    /// The article reports no such event.
    NotAnEvent,
    /// Another incident is the same event.
    Duplicate,
    /// Not what or where the article is about.
    WrongArticle,
    /// Something else: the note says what.
    Other,
}

impl From<ReasonKind> for marsad_model::RejectReason {
    fn from(r: ReasonKind) -> Self {
        match r {
            ReasonKind::NotAnEvent => Self::NotAnEvent,
            ReasonKind::Duplicate => Self::Duplicate,
            ReasonKind::WrongArticle => Self::WrongArticle,
            ReasonKind::Other => Self::Other,
        }
    }
}

/// Where an incident stands with its reviewers.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewState {
    /// `unreviewed`, `verified` or `rejected`.
    #[schema(example = "verified")]
    pub status: String,
    /// Why it was rejected.
    pub reason: Option<String>,
    /// The reviewer's note.
    pub note: Option<String>,
    /// Who decided last.
    pub reviewed_by: Option<String>,
    /// When (RFC 3339).
    pub reviewed_at: Option<String>,
    /// Grows with every change a person makes: what `If-Match` names.
    pub version: u32,
    /// The incident a person merged this one into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
    /// The incident a person split this one off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub split_from: Option<String>,
}

impl From<marsad_store::Review> for ReviewState {
    fn from(r: marsad_store::Review) -> Self {
        ReviewState {
            status: r.status.as_str().into(),
            reason: r.reason.map(|r| r.as_str().into()),
            note: r.note,
            reviewed_by: r.reviewed_by,
            reviewed_at: r.reviewed_at,
            version: r.version,
            merged_into: r.merged_into,
            split_from: r.split_from,
        }
    }
}

/// One review action, as the audit trail keeps it (never rewritten).
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// Its place in the log.
    pub seq: i64,
    /// Who.
    pub user: String,
    /// When (RFC 3339).
    pub at: String,
    /// `verify`, `reject` or `reopen`.
    pub action: String,
    /// The review before.
    #[schema(value_type = Object)]
    pub before: serde_json::Value,
    /// The review after.
    #[schema(value_type = Object)]
    pub after: serde_json::Value,
    /// The note given.
    pub note: Option<String>,
}

impl From<marsad_store::AuditEntry> for HistoryEntry {
    fn from(e: marsad_store::AuditEntry) -> Self {
        HistoryEntry {
            seq: e.seq,
            user: e.user,
            at: e.at,
            action: e.action,
            before: e.before,
            after: e.after,
            note: e.note,
        }
    }
}

/// An editor's correction: each field given replaces the machine's; the
/// incident becomes verified as corrected.
#[derive(Debug, Default, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionBody {
    /// What happened.
    #[serde(rename = "type")]
    #[schema(schema_with = crate::openapi::event_type_field)]
    pub event_type: Option<String>,
    /// When (YYYY-MM-DD).
    #[schema(schema_with = crate::openapi::day_field)]
    pub date: Option<String>,
    /// How precisely: `day`, `week` or `month` with a date; `unknown`
    /// (alone) clears it.
    pub date_precision: Option<PrecisionKind>,
    /// Where: a place of the gazetteer, by id (see `/api/v1/places`).
    pub place_id: Option<String>,
    /// A point moved on the map (with `lon`): the place keeps its names.
    #[schema(schema_with = crate::openapi::latitude_field)]
    pub lat: Option<f64>,
    /// A point moved on the map (with `lat`).
    #[schema(schema_with = crate::openapi::longitude_field)]
    pub lon: Option<f64>,
    /// How well the place stands for where it happened: 1 the place
    /// itself, 2 near it, 3 its district or region (default 1).
    #[schema(minimum = 1, maximum = 3)]
    #[serde(default, deserialize_with = "whole")]
    pub geo_precision: Option<u32>,
    /// Killed.
    #[serde(default, deserialize_with = "whole")]
    pub killed: Option<u32>,
    /// Injured.
    #[serde(default, deserialize_with = "whole")]
    pub injured: Option<u32>,
    /// Arrested or detained.
    #[serde(default, deserialize_with = "whole")]
    pub arrested: Option<u32>,
    /// How exact each toll is, by kind (`killed`, `injured`, `arrested`):
    /// `exact`, `at_least`, `at_most`, `approx`, `several`, `tens`,
    /// `hundreds` or `thousands`. Kinds not named stay as they are.
    #[schema(example = json!({"killed": "at_least"}))]
    pub count_qualifiers: Option<CountQualifiers>,
    /// Who did it: actor ids (see `/api/v1/actors`); `[]` for no one named.
    #[schema(example = json!(["us_forces"]))]
    pub actors: Option<Vec<String>>,
    /// To whom: actor ids (see `/api/v1/actors`).
    #[schema(example = json!(["iran_backed"]))]
    pub targets: Option<Vec<String>>,
}

/// A count: a whole number from 0 to 2³¹ − 1 (the schema's bounds),
/// however JSON writes it (`3` or `3.0`, both integers to JSON Schema).
fn whole<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    use serde::de::Error;
    let n: Option<f64> = serde::Deserialize::deserialize(d)?;
    n.map(|x| {
        if x.fract() == 0.0 && (0.0..=f64::from(i32::MAX)).contains(&x) {
            Ok(x as u32)
        } else {
            Err(D::Error::custom(format!(
                "{x} is not a whole number from 0 to 2147483647"
            )))
        }
    })
    .transpose()
}

/// A date's precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrecisionKind {
    /// The day itself.
    Day,
    /// Within a week.
    Week,
    /// Within a month.
    Month,
    /// Unknown: no date.
    Unknown,
}

/// The signed-in caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// Their name, as the audit log records it.
    pub user: String,
    /// `viewer`, `reviewer`, `editor` or `admin`.
    #[schema(example = "reviewer")]
    pub role: String,
}

/// A stored article with its text: what a reviewer reads an incident's
/// evidence in (sources give `start` and `end` into `text`, in code points).
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredArticleBody {
    /// The article's id.
    pub id: String,
    /// Its address.
    pub url: Option<String>,
    /// Its headline.
    pub title: Option<String>,
    /// Its outlet (from the address).
    pub outlet: Option<String>,
    /// Its publication date (YYYY-MM-DD).
    pub published: Option<String>,
    /// When it was stored (RFC 3339).
    pub ingested_at: String,
    /// Its text, as stored.
    pub text: String,
}

/// An actor of the lexicon.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActorEntry {
    /// Stable id (`sdf`, `irgc`, `us_forces`…).
    #[schema(example = "sdf")]
    pub id: String,
    /// `state_force`, `foreign_state_force`, `militia`, `rebel`,
    /// `jihadist`, `civilians` or `unknown`.
    #[schema(value_type = String, example = "rebel")]
    pub kind: marsad_model::ActorKind,
    /// Arabic name.
    pub name_ar: String,
    /// English name.
    pub name_en: String,
}

/// A merge: the incident of the path tells the same event as `into`.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// The incident it is merged into (which keeps its id, gains its
    /// sources and the tolls it lacked).
    #[schema(min_length = 1, max_length = 64)]
    pub into: String,
}

/// A split: one source of the incident of the path tells another event.
#[derive(Debug, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SplitBody {
    /// The source's article (a `sources[].article_id` of the incident).
    #[schema(min_length = 1, max_length = 64)]
    pub article_id: String,
    /// Where its evidence starts (the source's `start`).
    #[schema(minimum = 0, maximum = 2147483647)]
    #[serde(deserialize_with = "whole_start")]
    pub start: u32,
}

/// A source's start: a whole number (`12` or `12.0`).
fn whole_start<'de, D: serde::Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    whole(d)?.ok_or_else(|| serde::de::Error::custom("start is a whole number"))
}

/// How exact each toll is, by kind; kinds not named stay as they are.
#[derive(Debug, Default, serde::Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CountQualifiers {
    /// The killed count's.
    pub killed: Option<QualifierName>,
    /// The injured count's.
    pub injured: Option<QualifierName>,
    /// The arrested count's.
    pub arrested: Option<QualifierName>,
}

impl CountQualifiers {
    /// Each kind given, with its qualifier's name.
    pub fn named(&self) -> BTreeMap<String, String> {
        [
            ("killed", self.killed),
            ("injured", self.injured),
            ("arrested", self.arrested),
        ]
        .into_iter()
        .filter_map(|(k, q)| q.map(|q| (k.to_string(), q.as_str().to_string())))
        .collect()
    }
}

/// How exact a toll is: as stated, «at least», «at most», «about», or no
/// number but «several», «tens», «hundreds», «thousands».
#[derive(Debug, Clone, Copy, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QualifierName {
    /// As stated.
    Exact,
    /// «أكثر من», «ما لا يقل عن».
    AtLeast,
    /// «أقل من».
    AtMost,
    /// «حوالي», «نحو».
    Approx,
    /// «عدد من».
    Several,
    /// «عشرات».
    Tens,
    /// «مئات».
    Hundreds,
    /// «آلاف».
    Thousands,
}

impl QualifierName {
    fn as_str(self) -> &'static str {
        use marsad_model::Qualifier as Q;
        match self {
            QualifierName::Exact => Q::Exact,
            QualifierName::AtLeast => Q::AtLeast,
            QualifierName::AtMost => Q::AtMost,
            QualifierName::Approx => Q::Approx,
            QualifierName::Several => Q::Several,
            QualifierName::Tens => Q::Tens,
            QualifierName::Hundreds => Q::Hundreds,
            QualifierName::Thousands => Q::Thousands,
        }
        .as_str()
    }
}

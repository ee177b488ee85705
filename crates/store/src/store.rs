//! The store: one interface over the SQLite and PostgreSQL backends.

use marsad_model::{Article, Incident};

use crate::accounts::{
    self, AuditEntry, Correction, Decision, NewToken, PeopleData, Review, SignedIn, User,
};
use crate::alerts::{self, AlertMatch, AlertRecord, Delivered, MatchReport};
use crate::feeds::{ArticleSummary, FeedState, SeenPage};
use crate::postgres::Postgres;
use crate::queries;
use crate::sql::Db;
use crate::sqlite::Sqlite;
use crate::{Location, Result};

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

/// An article as stored, with when it was stored (kept by copies).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredArticle {
    /// The article.
    pub article: Article,
    /// When it was stored (RFC 3339, UTC).
    pub ingested_at: String,
}

/// Gives each incident its sources (pairs of incident id and source, in
/// the order the incident should list them).
pub(crate) fn attach_sources(
    incidents: &mut [Incident],
    sources: Vec<(String, marsad_model::Source)>,
) {
    let at: rustc_hash::FxHashMap<String, usize> = incidents
        .iter()
        .enumerate()
        .map(|(i, inc)| (inc.id.clone(), i))
        .collect();
    for (id, s) in sources {
        if let Some(&i) = at.get(&id) {
            incidents[i].sources.push(s);
        }
    }
}

/// Refuses ids holding a NUL: PostgreSQL's text cannot hold one, so such an
/// id names no incident on either backend.
fn names_something(ids: &[&str]) -> Result<()> {
    match ids.iter().find(|s| s.contains('\0')) {
        Some(nul) => Err(crate::Error::UnknownIncident(nul.replace('\0', "\\0"))),
        None => Ok(()),
    }
}

/// A connection to the incident database, SQLite or PostgreSQL: the same
/// semantics on both (one transaction per ingest, the same-incident rule,
/// versioned migrations).
pub struct Store(Backend);

enum Backend {
    Sqlite(Sqlite),
    Postgres(Box<Postgres>),
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Store").field(&self.backend()).finish()
    }
}

impl Store {
    /// Runs the read `op` on this store's connection.
    fn read<T>(&self, mut op: impl FnMut(&mut dyn Db) -> Result<T>) -> Result<T> {
        match &self.0 {
            Backend::Sqlite(s) => op(&mut s.db()),
            Backend::Postgres(p) => p.read(op),
        }
    }

    /// Runs `op` in one write transaction, committed if it succeeds.
    fn write<T>(&mut self, op: impl FnMut(&mut dyn Db) -> Result<T>) -> Result<T> {
        match &mut self.0 {
            Backend::Sqlite(s) => s.write(op),
            Backend::Postgres(p) => p.write(op),
        }
    }

    /// Copies this SQLite store into a new file at `to`: the store as it
    /// is at the moment the copy begins, however long it takes and while
    /// servers and ingests go on writing; written beside `to` and renamed
    /// only once whole and checked. `progress` hears `(pages copied, pages
    /// in all)`. A PostgreSQL store is backed up with `pg_dump` instead
    /// ([`crate::Error::NotSqlite`]).
    pub fn backup_to(
        &self,
        to: &std::path::Path,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<()> {
        match &self.0 {
            Backend::Sqlite(s) => s.backup_to(to, progress),
            Backend::Postgres(_) => Err(crate::Error::NotSqlite),
        }
    }

    /// A backup written by [`Store::backup_to`], opened read-only to read
    /// what it holds (its schema must be this build's).
    pub fn open_backup(path: &std::path::Path) -> Result<Self> {
        Ok(Store(Backend::Sqlite(Sqlite::open_backup(path)?)))
    }

    /// The PostgreSQL server's version (`server_version`), or `None` for
    /// an SQLite store.
    pub fn server_version(&self) -> Result<Option<String>> {
        match &self.0 {
            Backend::Sqlite(_) => Ok(None),
            Backend::Postgres(p) => p.server_version().map(Some),
        }
    }

    /// Restores the backup at `from` (written by [`Store::backup_to`],
    /// checked first) as a new SQLite store at `to`, page for page, then
    /// opens it (bringing an older schema up to date).
    pub fn restore_backup(
        from: &std::path::Path,
        to: &std::path::Path,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Self> {
        crate::backup::restore(from, to, progress)?;
        let mut store = Store::open(to)?;
        // A copy put back is another store from here on: snapshots of the
        // index taken of the original must not be read for it.
        let name = format!("{:032x}", rand::random::<u128>());
        store.write(|db| queries::rename(db, &name))?;
        Ok(store)
    }

    /// Opens the store at `location` (an SQLite file path, or a
    /// [`Location`]) and brings its schema up to date. An SQLite file is
    /// created if missing, in WAL mode with full synchronisation.
    pub fn open(location: impl Into<Location>) -> Result<Self> {
        Ok(Store(match location.into() {
            Location::Sqlite(path) => Backend::Sqlite(Sqlite::open(&path)?),
            Location::Postgres(url) => Backend::Postgres(Box::new(Postgres::connect(&url)?)),
        }))
    }

    /// Makes this connection read SQLite's file through a memory map: for
    /// connections that serve many reads (a server's). PostgreSQL reads
    /// through its own buffers: nothing changes.
    pub fn map_reads(&mut self) -> Result<()> {
        match &mut self.0 {
            Backend::Sqlite(s) => s.map_reads(),
            Backend::Postgres(_) => Ok(()),
        }
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self.0 {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Stores an article and the incidents extracted from it in one
    /// transaction. An article already stored changes nothing. An incident
    /// an earlier article already reported ([`marsad_model::same_incident`]
    /// across articles) absorbs the new report and gains a source instead
    /// of a duplicate. Each incident's first source is this article's
    /// evidence.
    pub fn ingest(&mut self, article: &Article, incidents: &[Incident]) -> Result<IngestReport> {
        self.ingest_as(article, incidents, None)
    }

    /// [`Store::ingest`], recording who sent the article (`by`).
    pub fn ingest_as(
        &mut self,
        article: &Article,
        incidents: &[Incident],
        by: Option<&str>,
    ) -> Result<IngestReport> {
        if let Some(field) = article.nul_field() {
            return Err(crate::Error::Nul(field));
        }
        match &mut self.0 {
            Backend::Sqlite(s) => s.write(|db| queries::ingest(db, article, incidents, by)),
            Backend::Postgres(p) => p.ingest(article, incidents, by),
        }
    }

    /// One incident with all its sources.
    pub fn incident(&self, id: &str) -> Result<Option<Incident>> {
        // No store keeps a NUL (PostgreSQL's text cannot): no id has one.
        if id.contains('\0') {
            return Ok(None);
        }
        self.read(|db| queries::incident(db, id))
    }

    /// Incidents by id, in the order asked (unknown ids are skipped).
    pub fn incidents(&self, ids: &[String]) -> Result<Vec<Incident>> {
        let ids: Vec<String> = ids
            .iter()
            .filter(|id| !id.contains('\0'))
            .cloned()
            .collect();
        self.read(|db| queries::incidents(db, &ids))
    }

    /// Every incident (without sources), newest first.
    pub fn all_incidents(&self) -> Result<Vec<Incident>> {
        self.read(queries::all_incidents)
    }

    /// The first report of each incident: (source — URL, outlet or title —,
    /// evidence sentence), for exports.
    pub fn first_sources(&self) -> Result<rustc_hash::FxHashMap<String, (String, String)>> {
        self.read(|db| queries::first_sources(db, None))
    }

    /// [`Store::first_sources`] of the incidents `ids` alone: what a
    /// download reads a chunk at a time.
    pub fn first_sources_of(
        &self,
        ids: &[String],
    ) -> Result<rustc_hash::FxHashMap<String, (String, String)>> {
        self.read(|db| queries::first_sources(db, Some(ids)))
    }

    /// Incidents inserted or merged after change number `since` (0: all),
    /// in the order written, and the last change number: what a server
    /// needs to follow writes made by other processes.
    pub fn changes_since(&self, since: i64) -> Result<(Vec<Incident>, i64)> {
        self.read(|db| queries::changes_since(db, since))
    }

    /// Calls `f` with the index point of each incident inserted or merged
    /// after change number `since` (0: all), in the order written, and
    /// returns the last change number: [`Store::changes_since`] without the
    /// records, streamed, for loading and following an index.
    pub fn for_each_point_since(
        &self,
        since: i64,
        mut f: impl FnMut(marsad_model::IncidentPoint),
    ) -> Result<i64> {
        match &self.0 {
            Backend::Sqlite(s) => s.points_since(since, &mut f),
            Backend::Postgres(p) => p.read(|db| queries::points_since(db, since, &mut f)),
        }
    }

    /// The index points after change `since`, collected (see
    /// [`Store::for_each_point_since`]).
    pub fn points_since(&self, since: i64) -> Result<(Vec<marsad_model::IncidentPoint>, i64)> {
        let mut out = Vec::new();
        let last = self.for_each_point_since(since, |p| out.push(p))?;
        Ok((out, last))
    }

    /// Every article as stored, oldest first (for copies).
    pub fn articles(&self) -> Result<Vec<StoredArticle>> {
        self.read(queries::articles)
    }

    /// Merges incident `id` into `into`: `user` decided they tell one
    /// event. `into` gains `id`'s sources and the tolls it lacked; `id` is
    /// rejected as a duplicate naming `into`, and later reports of it go to
    /// `into`. Refused unless `id` is at version `expected`. Returns
    /// `into`'s review and the incident as stored now.
    pub fn merge(
        &mut self,
        id: &str,
        into: &str,
        user: &str,
        expected: Option<u32>,
    ) -> Result<(Review, Incident)> {
        names_something(&[id, into])?;
        self.write(|db| crate::merges::merge(db, id, into, user, expected))
    }

    /// Splits the source of article `article_id` starting at `start` off
    /// incident `id`: `user` decided it tells another event. It becomes an
    /// unreviewed incident of its own (returned), with `id`'s fields for a
    /// person to correct. Refused unless `id` is at version `expected`.
    pub fn split(
        &mut self,
        id: &str,
        article_id: &str,
        start: usize,
        user: &str,
        expected: Option<u32>,
    ) -> Result<Incident> {
        names_something(&[id, article_id])?;
        self.write(|db| crate::merges::split(db, id, article_id, start, user, expected))
    }

    /// One article as stored (its text, for a reviewer reading the
    /// evidence in context), if there is one with this id.
    pub fn article(&self, id: &str) -> Result<Option<StoredArticle>> {
        self.read(|db| queries::article(db, id))
    }

    /// Every incident with its sources, newest first (for copies).
    pub fn incidents_with_sources(&self) -> Result<Vec<Incident>> {
        self.read(queries::incidents_with_sources)
    }

    /// Writes a copy of another store's articles and incidents (with their
    /// sources, tolls and source counts as they are) into this one, in one
    /// transaction. Refused unless this store is empty. `written` is called
    /// after each article and each incident, for a progress bar.
    pub fn restore(
        &mut self,
        articles: &[StoredArticle],
        incidents: &[Incident],
        written: &mut dyn FnMut(),
    ) -> Result<()> {
        self.restore_from(
            articles,
            &mut incidents.iter().map(std::borrow::Cow::Borrowed),
            written,
        )
    }

    /// [`Store::restore`] of incidents as they come (from a generator, or
    /// a reader of another store), one held at a time. The secondary
    /// indexes (and SQLite's R*Tree of the merge lookup) are built after
    /// the rows; PostgreSQL takes the rows with `COPY`.
    pub fn restore_from(
        &mut self,
        articles: &[StoredArticle],
        incidents: &mut dyn Iterator<Item = std::borrow::Cow<'_, Incident>>,
        written: &mut dyn FnMut(),
    ) -> Result<()> {
        match &mut self.0 {
            Backend::Sqlite(s) => s.restore(articles, incidents, written),
            Backend::Postgres(p) => p.restore(articles, incidents, written),
        }
    }

    /// Waits until another process may have written (PostgreSQL: a
    /// notification, at once; SQLite: no notifications, so simply
    /// `timeout`) or `timeout` passes. Then [`Store::changes_since`] tells
    /// what changed.
    pub fn wait_for_changes(&self, timeout: std::time::Duration) -> Result<bool> {
        match &self.0 {
            Backend::Sqlite(_) => {
                std::thread::sleep(timeout);
                Ok(false)
            }
            Backend::Postgres(p) => p.wait_for_changes(timeout),
        }
    }

    /// The store's identity: a random name made with it, and anew when a
    /// backup is restored (what an index snapshot is checked against).
    pub fn identity(&self) -> Result<String> {
        self.read(queries::identity)
    }

    /// The incident last changed at or before change `change`, and the
    /// number of that change: a witness of the store's history up to it.
    pub fn witness(&self, change: i64) -> Result<Option<(i64, String)>> {
        self.read(|db| queries::witness(db, change))
    }

    /// Whether incident `id` was last changed at change `seq`, as a
    /// [`Store::witness`] said: false if the store's history differs.
    pub fn holds_change(&self, seq: i64, id: &str) -> Result<bool> {
        self.read(|db| queries::holds_change(db, seq, id))
    }

    /// Number of incidents.
    pub fn count_incidents(&self) -> Result<u64> {
        self.read(queries::count_incidents)
    }

    /// Number of articles.
    pub fn count_articles(&self) -> Result<u64> {
        self.read(queries::count_articles)
    }

    /// The latest stored articles, newest first, with how many incidents
    /// each reports.
    pub fn latest_articles(&self, limit: usize) -> Result<Vec<ArticleSummary>> {
        self.read(|db| queries::latest_articles(db, limit))
    }

    /// Every followed feed's state, by outlet.
    pub fn feed_states(&self) -> Result<Vec<FeedState>> {
        self.read(queries::feed_states)
    }

    /// Keeps a feed's state (inserted or replaced).
    pub fn save_feed_state(&self, state: &FeedState) -> Result<()> {
        self.read(|db| queries::save_feed_state(db, state))
    }

    /// A page taken before under this address (as listed or canonical) or,
    /// given a hash, with the same text.
    pub fn seen_page(&self, url: &str, content_hash: Option<&str>) -> Result<Option<SeenPage>> {
        self.read(|db| queries::seen_page(db, url, content_hash))
    }

    /// Remembers a page taken (the first record of an address stays).
    pub fn mark_page_seen(&self, page: &SeenPage) -> Result<()> {
        self.read(|db| queries::mark_page_seen(db, page))
    }

    /// Whether an article is stored.
    pub fn has_article(&self, id: &str) -> Result<bool> {
        if id.contains('\0') {
            return Ok(false);
        }
        self.read(|db| queries::has_article(db, id))
    }

    /// The database's own check of its storage: `ok` when sound (PostgreSQL
    /// checks its pages itself and always answers `ok`).
    pub fn integrity_check(&self) -> Result<String> {
        match &self.0 {
            Backend::Sqlite(s) => s.integrity_check(),
            Backend::Postgres(_) => Ok("ok".into()),
        }
    }

    /// Adds a user with `role` and issues their first token (shown once:
    /// the store keeps only its hash).
    pub fn add_user(&mut self, name: &str, role: marsad_model::Role) -> Result<NewToken> {
        self.write(|db| accounts::add_user(db, name, role))
    }

    /// Every user with their tokens' ids and dates (never a secret).
    pub fn users(&self) -> Result<Vec<User>> {
        self.read(accounts::users)
    }

    /// Revokes a user's live tokens and issues a new one.
    pub fn rotate_token(&mut self, name: &str) -> Result<NewToken> {
        self.write(|db| accounts::rotate_token(db, name))
    }

    /// Revokes every live token of a user; how many there were.
    pub fn revoke_tokens(&mut self, name: &str) -> Result<u64> {
        self.write(|db| accounts::revoke_tokens(db, name))
    }

    /// The user a live token signs in, if any.
    pub fn sign_in(&self, token: &str) -> Result<Option<SignedIn>> {
        if token.contains('\0') {
            return Ok(None);
        }
        self.read(|db| accounts::sign_in(db, token))
    }

    /// An incident's review state, if the incident exists.
    pub fn review(&self, id: &str) -> Result<Option<Review>> {
        if id.contains('\0') {
            return Ok(None);
        }
        self.read(|db| accounts::review(db, id))
    }

    /// Records `user`'s decision about incident `id` and logs it, in one
    /// transaction; refused with [`crate::Error::VersionConflict`] unless
    /// the incident is still at version `expected` (when given).
    pub fn decide(
        &mut self,
        id: &str,
        user: &str,
        decision: &Decision,
        expected: Option<u32>,
    ) -> Result<Review> {
        names_something(&[id])?;
        self.write(|db| accounts::decide(db, id, user, decision, expected))
    }

    /// Every logged review action about incident `id`, oldest first.
    pub fn history(&self, id: &str) -> Result<Vec<AuditEntry>> {
        if id.contains('\0') {
            return Ok(Vec::new());
        }
        self.read(|db| accounts::history(db, id))
    }

    /// Logged review actions after number `since`, oldest first, at most
    /// `limit`.
    pub fn review_log(&self, since: i64, limit: usize) -> Result<Vec<AuditEntry>> {
        self.read(|db| accounts::log_since(db, since, limit))
    }

    /// What people added to this store (users, tokens' hashes, decisions,
    /// the review log, who sent each article): what a copy carries over.
    pub fn people(&self) -> Result<PeopleData> {
        self.read(accounts::people)
    }

    /// Writes a copy of another store's people data into this one, whose
    /// articles and incidents were just restored from it (see
    /// [`Store::restore`]), in one transaction.
    pub fn restore_people(&mut self, data: &PeopleData) -> Result<()> {
        self.write(|db| accounts::restore_people(db, data))
    }

    /// Applies `user`'s correction to incident `id` and logs it, in one
    /// transaction: the incident becomes verified as corrected. Refused
    /// with [`crate::Error::VersionConflict`] unless it is still at version
    /// `expected` (when given). The review and the incident as stored now.
    pub fn correct(
        &mut self,
        id: &str,
        user: &str,
        correction: &Correction,
        expected: Option<u32>,
    ) -> Result<(Review, Incident)> {
        names_something(&[id])?;
        self.write(|db| accounts::correct(db, id, user, correction, expected))
    }

    /// Every incident a person verified, rejected or corrected since
    /// `since` (RFC 3339, or a day: from its start), with its sources and
    /// review, oldest decision first: what `marsad review export` writes.
    pub fn reviewed_since(&self, since: &str) -> Result<Vec<(Incident, Review)>> {
        self.read(|db| accounts::reviewed_since(db, since))
    }
    /// Stores a new alert (its id must be new).
    pub fn add_alert(&mut self, alert: &AlertRecord) -> Result<()> {
        names_something(&[&alert.id, &alert.owner])?;
        self.write(|db| alerts::add(db, alert))
    }

    /// Changes an alert's name, area, filters and webhook.
    pub fn update_alert(&mut self, alert: &AlertRecord) -> Result<()> {
        names_something(&[&alert.id])?;
        self.write(|db| alerts::update(db, alert))
    }

    /// Removes an alert and its matches; false if there was none.
    pub fn remove_alert(&mut self, id: &str) -> Result<bool> {
        if id.contains('\0') {
            return Ok(false);
        }
        self.write(|db| alerts::remove(db, id))
    }

    /// One alert.
    pub fn alert(&self, id: &str) -> Result<Option<AlertRecord>> {
        if id.contains('\0') {
            return Ok(None);
        }
        self.read(|db| alerts::get(db, id))
    }

    /// Every alert, or one owner's, oldest first.
    pub fn alerts(&self, owner: Option<&str>) -> Result<Vec<AlertRecord>> {
        self.read(|db| alerts::list(db, owner))
    }

    /// A number that changes whenever an alert is added, changed or
    /// removed (by any process).
    pub fn alerts_version(&self) -> Result<i64> {
        self.read(alerts::version)
    }

    /// Matches incidents changed since the last pass (at most `limit`)
    /// against alerts, in one transaction: `find` names the alerts an
    /// incident falls in, `payload` writes it as delivered. See
    /// [`MatchReport`].
    pub fn match_changes(
        &mut self,
        limit: usize,
        find: &mut dyn FnMut(&Incident) -> Vec<String>,
        payload: &mut dyn FnMut(&Incident) -> String,
    ) -> Result<MatchReport> {
        self.write(|db| alerts::match_changes(db, limit, &mut *find, &mut *payload))
    }

    /// Up to `limit` webhook deliveries due at `now`, leased until
    /// `lease_until`, each with its alert.
    pub fn take_due_deliveries(
        &mut self,
        now: chrono::DateTime<chrono::Utc>,
        lease_until: chrono::DateTime<chrono::Utc>,
        limit: usize,
    ) -> Result<Vec<(AlertMatch, AlertRecord)>> {
        self.write(|db| alerts::take_due(db, now, lease_until, limit))
    }

    /// Records how a delivery went.
    pub fn record_delivery(&mut self, m: &AlertMatch, outcome: &Delivered) -> Result<()> {
        self.write(|db| alerts::record(db, m, outcome))
    }

    /// An alert's latest matches, newest first.
    pub fn alert_matches(&self, alert_id: &str, limit: usize) -> Result<Vec<AlertMatch>> {
        self.read(|db| alerts::matches(db, alert_id, limit))
    }
}

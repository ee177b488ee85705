//! `marsad users` and `marsad review`: accounts, tokens, and reviewers'
//! decisions from the command line.

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use marsad_model::{RejectReason, Role};
use marsad_store::{Decision, Store};

use super::DbArgs;

#[derive(Subcommand)]
pub(super) enum UsersCommand {
    /// Adds a user and prints their token, once: the store keeps only its hash.
    Add {
        /// The name they sign in as (letters, digits, '.', '_', '-', '@').
        name: String,
        /// What they may do: viewer (read), reviewer (+ verify, reject),
        /// editor (+ correct, send articles), admin (+ manage users).
        #[arg(long, value_enum)]
        role: RoleArg,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Lists users, their roles and their tokens' ids and dates (never a secret).
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revokes a user's tokens and prints a new one, once.
    Rotate {
        /// The user.
        name: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revokes every token of a user: they can no longer sign in.
    Revoke {
        /// The user.
        name: String,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub(super) enum RoleArg {
    Viewer,
    Reviewer,
    Editor,
    Admin,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Viewer => Role::Viewer,
            RoleArg::Reviewer => Role::Reviewer,
            RoleArg::Editor => Role::Editor,
            RoleArg::Admin => Role::Admin,
        }
    }
}

pub(super) fn run_users(command: UsersCommand) -> Result<()> {
    match command {
        UsersCommand::Add { name, role, db } => {
            let token = open(&db)?.add_user(&name, role.into())?;
            print_token(&token);
        }
        UsersCommand::List { db } => {
            for u in open(&db)?.users()? {
                let live: Vec<&str> = u
                    .tokens
                    .iter()
                    .filter(|t| t.revoked_at.is_none())
                    .map(|t| t.id.as_str())
                    .collect();
                let live = if live.is_empty() {
                    "no live token".to_string()
                } else {
                    format!("token {}", live.join(", "))
                };
                println!("{}\t{}\tsince {}\t{live}", u.name, u.role, u.created_at);
            }
        }
        UsersCommand::Rotate { name, db } => print_token(&open(&db)?.rotate_token(&name)?),
        UsersCommand::Revoke { name, db } => {
            let n = open(&db)?.revoke_tokens(&name)?;
            println!("{name}: {n} token(s) revoked");
        }
    }
    Ok(())
}

fn print_token(t: &marsad_store::NewToken) {
    eprintln!(
        "{}: token {} issued; it is shown once, keep it (send it as Authorization: Bearer <token>)",
        t.user, t.id
    );
    println!("{}", t.secret);
}

fn open(db: &DbArgs) -> Result<Store> {
    Store::open(&db.db).with_context(|| db.db.to_string())
}

#[derive(Subcommand)]
pub(super) enum ReviewCommand {
    /// Marks an incident verified.
    Verify(DecideArgs),
    /// Marks an incident rejected, with a reason.
    Reject {
        #[command(flatten)]
        args: DecideArgs,
        /// Why it is not an incident to publish.
        #[arg(long, value_enum)]
        reason: ReasonArg,
        /// What a person should know (required with `other`).
        #[arg(long)]
        note: Option<String>,
    },
    /// Puts an incident back among the unreviewed (an undo).
    Reopen(DecideArgs),
    /// Corrects an incident (an editor or above): the fields given replace
    /// the machine's, the incident becomes verified, later reports add
    /// their sources without overwriting it, and the log keeps the fields
    /// before and after. Checked as `PATCH /api/v1/incidents/{id}` is.
    Correct(Box<CorrectArgs>),
    /// Merges an incident into another that tells the same event (an
    /// editor or above): the other gains its sources; it is rejected as a
    /// duplicate, and later reports of it go to the other.
    Merge {
        #[command(flatten)]
        who: DecideArgs,
        /// The incident it is merged into.
        #[arg(long)]
        into: String,
    },
    /// Splits a source off an incident (an editor or above): it tells
    /// another event and becomes an unreviewed incident of its own.
    Split {
        #[command(flatten)]
        who: DecideArgs,
        /// The source's article id.
        #[arg(long = "article")]
        article_id: String,
        /// Where its evidence starts (the source's `start`).
        #[arg(long)]
        start: usize,
    },
    /// Writes the incidents people reviewed, per article, as annotations in
    /// the development set's schema (JSON lines): verified and corrected
    /// incidents as gold incidents, rejected ones apart, so a team's
    /// reviews extend evaluation and training data. Article texts stay
    /// where the team keeps them.
    Export {
        /// Only decisions on or after this day (YYYY-MM-DD).
        #[arg(long, value_parser = marsad_model::parse_date)]
        since: Option<chrono::NaiveDate>,
        /// Write here instead of standard output.
        #[arg(long, short)]
        output: Option<std::path::PathBuf>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Prints the review log (every decision, oldest first), as JSON lines.
    Log {
        /// Only this incident's decisions.
        #[arg(long)]
        incident: Option<String>,
        /// Only decisions after this number in the log.
        #[arg(long, default_value_t = 0)]
        since: i64,
        /// At most this many.
        #[arg(long, default_value_t = 1000)]
        limit: usize,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Args)]
pub(super) struct CorrectArgs {
    #[command(flatten)]
    who: DecideArgs,
    /// What happened: an event type (see `/api/v1/layers`).
    #[arg(long = "type", value_name = "TYPE")]
    event_type: Option<String>,
    /// When (YYYY-MM-DD).
    #[arg(long)]
    date: Option<String>,
    /// How precisely; `unknown` alone clears the date.
    #[arg(long, value_enum)]
    date_precision: Option<PrecisionArg>,
    /// Where: a gazetteer place id (see `marsad places search`).
    #[arg(long = "place", value_name = "PLACE_ID")]
    place_id: Option<String>,
    /// Where: a point's latitude (with --lon).
    #[arg(long, allow_negative_numbers = true)]
    lat: Option<f64>,
    /// Where: a point's longitude (with --lat).
    #[arg(long, allow_negative_numbers = true)]
    lon: Option<f64>,
    /// 1 the place itself, 2 near it, 3 its district or region.
    #[arg(long)]
    geo_precision: Option<u32>,
    /// Killed.
    #[arg(long)]
    killed: Option<u32>,
    /// Injured.
    #[arg(long)]
    injured: Option<u32>,
    /// Arrested or detained.
    #[arg(long)]
    arrested: Option<u32>,
    /// How exact a toll is, as KIND=QUALIFIER (`killed=at_least`); repeatable.
    #[arg(long = "qualifier", value_name = "KIND=QUALIFIER", value_parser = kind_and_qualifier)]
    qualifiers: Vec<(String, String)>,
    /// Who did it: actor ids, comma-separated (`--actors ''` for no one named).
    #[arg(long, value_delimiter = ',')]
    actors: Option<Vec<String>>,
    /// To whom: actor ids, comma-separated.
    #[arg(long, value_delimiter = ',')]
    targets: Option<Vec<String>>,
}

#[derive(Clone, Copy, ValueEnum)]
pub(super) enum PrecisionArg {
    Day,
    Week,
    Month,
    Unknown,
}

fn kind_and_qualifier(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, q)| (k.trim().to_string(), q.trim().to_string()))
        .ok_or_else(|| format!("{s:?} is not KIND=QUALIFIER (killed=at_least)"))
}

impl CorrectArgs {
    /// The request, as the API's body gives it.
    fn request(&self) -> marsad_pipeline::CorrectionRequest {
        use marsad_model::DatePrecision;
        let ids = |v: &Option<Vec<String>>| {
            v.as_ref()
                .map(|v| v.iter().filter(|s| !s.is_empty()).cloned().collect())
        };
        marsad_pipeline::CorrectionRequest {
            event_type: self.event_type.clone(),
            date: self.date.clone(),
            date_precision: self.date_precision.map(|p| match p {
                PrecisionArg::Day => DatePrecision::Day,
                PrecisionArg::Week => DatePrecision::Week,
                PrecisionArg::Month => DatePrecision::Month,
                PrecisionArg::Unknown => DatePrecision::Unknown,
            }),
            place_id: self.place_id.clone(),
            lat: self.lat,
            lon: self.lon,
            geo_precision: self.geo_precision,
            killed: self.killed,
            injured: self.injured,
            arrested: self.arrested,
            count_qualifiers: self.qualifiers.iter().cloned().collect(),
            actors: ids(&self.actors),
            targets: ids(&self.targets),
        }
    }
}

#[derive(Args)]
pub(super) struct DecideArgs {
    /// The incident's id.
    id: String,
    /// Who decides, as the log records it (a user of `marsad users list`).
    #[arg(long = "as", value_name = "USER")]
    user: String,
    /// Refuse unless the incident is still at this version.
    #[arg(long)]
    if_version: Option<u32>,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Clone, Copy, ValueEnum)]
pub(super) enum ReasonArg {
    NotAnEvent,
    Duplicate,
    WrongArticle,
    Other,
}

impl From<ReasonArg> for RejectReason {
    fn from(r: ReasonArg) -> Self {
        match r {
            ReasonArg::NotAnEvent => RejectReason::NotAnEvent,
            ReasonArg::Duplicate => RejectReason::Duplicate,
            ReasonArg::WrongArticle => RejectReason::WrongArticle,
            ReasonArg::Other => RejectReason::Other,
        }
    }
}

pub(super) fn run_review(gaz: &super::GazetteerArgs, command: ReviewCommand) -> Result<()> {
    let (args, decision) = match command {
        ReviewCommand::Correct(args) => return correct(gaz, &args),
        ReviewCommand::Merge { who, into } => {
            let mut store = open(&who.db)?;
            may(&store, &who.user, marsad_model::Action::Edit)?;
            let (review, incident) = store.merge(&who.id, &into, &who.user, who.if_version)?;
            return print_incident(&incident, &review);
        }
        ReviewCommand::Split {
            who,
            article_id,
            start,
        } => {
            let mut store = open(&who.db)?;
            may(&store, &who.user, marsad_model::Action::Edit)?;
            let child = store.split(&who.id, &article_id, start, &who.user, who.if_version)?;
            let review = store
                .review(&child.id)?
                .with_context(|| format!("no incident {:?}", child.id))?;
            return print_incident(&child, &review);
        }
        ReviewCommand::Log {
            incident,
            since,
            limit,
            db,
        } => return log(&db, incident.as_deref(), since, limit),
        ReviewCommand::Export { since, output, db } => {
            return export(&db, since, output.as_deref())
        }
        ReviewCommand::Verify(args) => (args, Decision::Verify),
        ReviewCommand::Reopen(args) => (args, Decision::Reopen),
        ReviewCommand::Reject { args, reason, note } => {
            if matches!(reason, ReasonArg::Other) && note.is_none() {
                anyhow::bail!("--reason other needs a --note saying what it is");
            }
            let reason = reason.into();
            (args, Decision::Reject { reason, note })
        }
    };
    let mut store = open(&args.db)?;
    may(&store, &args.user, marsad_model::Action::Review)?;
    let review = store.decide(&args.id, &args.user, &decision, args.if_version)?;
    println!("{}", serde_json::to_string(&review)?);
    Ok(())
}

/// Whether `user` may do `action`: a one-line refusal if not.
fn may(store: &Store, user: &str, action: marsad_model::Action) -> Result<()> {
    let role = store
        .users()?
        .into_iter()
        .find(|u| u.name == user)
        .map(|u| u.role)
        .with_context(|| format!("no user {user:?} (see `marsad users list`)"))?;
    if !role.may(action) {
        anyhow::bail!(
            "{user} is a {role}: this needs the {} role or above",
            Role::least_for(action)
        );
    }
    Ok(())
}

/// Checks and applies a correction, then prints the incident as stored.
fn correct(gaz: &super::GazetteerArgs, args: &CorrectArgs) -> Result<()> {
    let gazetteer = super::common::load_gazetteer(gaz)?;
    let correction = args.request().check(&gazetteer)?;
    let who = &args.who;
    let mut store = open(&who.db)?;
    may(&store, &who.user, marsad_model::Action::Edit)?;
    let (review, incident) = store.correct(&who.id, &who.user, &correction, who.if_version)?;
    print_incident(&incident, &review)
}

/// Prints an incident as a GeoJSON Feature with its review, on one line.
fn print_incident(incident: &marsad_model::Incident, review: &marsad_store::Review) -> Result<()> {
    let feature = marsad_formats::IncidentFeature::new(incident, None);
    let mut out = serde_json::to_value(feature)?;
    out["review"] = serde_json::to_value(review)?;
    println!("{}", serde_json::to_string(&out)?);
    Ok(())
}

fn log(db: &DbArgs, incident: Option<&str>, since: i64, limit: usize) -> Result<()> {
    let store = open(db)?;
    let entries = match incident {
        Some(id) => store.history(id)?,
        None => store.review_log(since, limit)?,
    };
    for e in entries.iter().filter(|e| e.seq > since).take(limit) {
        println!("{}", serde_json::to_string(e)?);
    }
    Ok(())
}

/// One line per article: its verified incidents as the development set's
/// gold incidents, its rejected ones apart.
fn export(
    db: &DbArgs,
    since: Option<chrono::NaiveDate>,
    output: Option<&std::path::Path>,
) -> Result<()> {
    use std::collections::BTreeMap;
    use std::io::Write;
    let since = since.map_or_else(String::new, |d| d.to_string());
    let reviewed = open(db)?.reviewed_since(&since)?;
    let mut by_article: BTreeMap<String, (Vec<serde_json::Value>, Vec<serde_json::Value>)> =
        BTreeMap::new();
    for (i, review) in &reviewed {
        let ids = |a: &[marsad_model::Actor]| a.iter().map(|x| x.id.clone()).collect::<Vec<_>>();
        let p = i.place.as_ref();
        let mut incident = serde_json::json!({
            "type": i.event_type.as_str(),
            "place_ar": p.map(|p| p.name_ar.as_str()),
            "place_lat": p.map(|p| p.lat),
            "place_lon": p.map(|p| p.lon),
            "date": i.date,
            "date_text": i.date_text,
            "actors": ids(&i.actors),
            "targets": ids(&i.targets),
            "killed": i.counts.killed,
            "injured": i.counts.injured,
            "arrested": i.counts.arrested,
            "primary": true,
            "place_alt": [],
            "type_alt": [],
            "note": review.note.clone().unwrap_or_default(),
            "incident_id": i.id,
            "reviewed_by": review.reviewed_by,
        });
        let rejected = review.status == marsad_model::ReviewStatus::Rejected;
        if rejected {
            incident["reason"] = serde_json::json!(review.reason.map(|r| r.as_str()));
        }
        for s in &i.sources {
            let entry = by_article.entry(s.article_id.clone()).or_default();
            if rejected {
                entry.1.push(incident.clone());
            } else {
                entry.0.push(incident.clone());
            }
        }
    }
    let mut out: Box<dyn Write> = match output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path).with_context(|| path.display().to_string())?,
        )),
        None => Box::new(std::io::stdout().lock()),
    };
    for (article, (incidents, rejected)) in &by_article {
        let line = serde_json::json!({
            "article": article,
            "toponyms": [],
            "ignore": [],
            "incidents": incidents,
            "rejected": rejected,
        });
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    eprintln!(
        "{} reviewed incident(s) in {} article(s)",
        reviewed.len(),
        by_article.len()
    );
    Ok(())
}

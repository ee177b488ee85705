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

pub(super) fn run_review(command: ReviewCommand) -> Result<()> {
    let (args, decision) = match command {
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
    let role = store
        .users()?
        .into_iter()
        .find(|u| u.name == args.user)
        .map(|u| u.role)
        .with_context(|| format!("no user {:?} (see `marsad users list`)", args.user))?;
    if !role.may(marsad_model::Action::Review) {
        anyhow::bail!(
            "{} is a {role}: reviewing needs the reviewer role or above",
            args.user
        );
    }
    let review = store.decide(&args.id, &args.user, &decision, args.if_version)?;
    println!("{}", serde_json::to_string(&review)?);
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

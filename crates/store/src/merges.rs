//! People deciding which reports tell one event: merging an incident into
//! another that tells the same event, and splitting a source off an
//! incident it does not belong to. Both are logged like every review
//! action, and later reports follow them (see [`survivor`] and
//! [`kept_apart`]).

use chrono::Utc;
use marsad_model::{Incident, RejectReason, ReviewStatus};

use crate::accounts::{append_log, at_version, review, Review};
use crate::queries::{self, insert_incident};
use crate::sql::{values, Db, DbExt, Query, RowExt};
use crate::{Error, Result};

/// How many merges a later report follows at most (a chain longer than
/// this is a cycle, which [`merge`] never makes).
const MAX_HOPS: usize = 64;

static MERGED_INTO: Query = Query::new("SELECT merged_into FROM incidents WHERE id = $1");

/// The incident that stands for `inc` now: `inc` itself, or the incident a
/// person merged it into (following merges of merges). A later report of
/// a merged incident goes to the one it was merged into.
pub(crate) fn survivor(db: &mut dyn Db, inc: Incident) -> Result<Incident> {
    let mut now = inc;
    for _ in 0..MAX_HOPS {
        let into = db
            .first(&MERGED_INTO, values![now.id.as_str()], |r| r.opt_string(0))?
            .flatten();
        let Some(into) = into else {
            return Ok(now);
        };
        now = queries::incident(db, &into)?.ok_or(Error::UnknownIncident(into))?;
    }
    Ok(now)
}

static SPLIT_OFF_FROM: Query = Query::new(
    "SELECT DISTINCT s.incident_id FROM incidents i JOIN incident_sources s ON s.incident_id = i.id \
     JOIN articles a ON a.id = s.article_id WHERE i.split_from = $1 AND a.url = $2",
);

/// The incident that stands for `inc` for a report from the article at
/// `url`: when a person split a source of that address off `inc`, the
/// incident they made of it (a new version of an article goes where its
/// first version was put); else `inc`.
pub(crate) fn kept_apart(db: &mut dyn Db, inc: Incident, url: Option<&str>) -> Result<Incident> {
    let Some(url) = url else {
        return Ok(inc);
    };
    let split = db.first(&SPLIT_OFF_FROM, values![inc.id.as_str(), url], |r| {
        r.string(0)
    })?;
    match split {
        Some(id) => Ok(queries::incident(db, &id)?.unwrap_or(inc)),
        None => Ok(inc),
    }
}

static COPY_SOURCES: Query = Query::new(
    "INSERT INTO incident_sources (incident_id, article_id, start_at, end_at, evidence) \
     SELECT $2, article_id, start_at, end_at, evidence FROM incident_sources WHERE incident_id = $1 \
     ON CONFLICT DO NOTHING",
);
static COUNT_SOURCES: Query =
    Query::new("SELECT COUNT(*) FROM incident_sources WHERE incident_id = $1");
static ABSORB: Query = Query::new(
    "UPDATE incidents SET source_count = $2, killed = $3, injured = $4, arrested = $5, \
     updated_at = $6, version = version + 1, change_seq = @next_change WHERE id = $1",
);
static MERGED: Query = Query::new(
    "UPDATE incidents SET status = 'rejected', reject_reason = $3, review_note = $4, merged_into = $2, \
     reviewed_by = $5, reviewed_at = $6, updated_at = $7, version = version + 1, \
     change_seq = @next_change WHERE id = $1",
);

/// Merges incident `id` into `into` (`user` decided they tell one event),
/// inside the transaction `db` is; refused unless `id` is at version
/// `expected`. `into` gains `id`'s sources and the tolls it lacked; `id`
/// is rejected as a duplicate that names `into`, keeps its sources for
/// the record, and later reports of it go to `into`. Returns `into` as
/// stored now.
pub(crate) fn merge(
    db: &mut dyn Db,
    id: &str,
    into: &str,
    user: &str,
    expected: Option<u32>,
) -> Result<(Review, Incident)> {
    let absorbed_before = at_version(db, id, expected)?;
    let absorbed = queries::incident(db, id)?.ok_or_else(|| Error::UnknownIncident(id.into()))?;
    let target = queries::incident(db, into)?.ok_or_else(|| Error::CannotMerge {
        why: format!("there is no incident {into:?} to merge into"),
    })?;
    // Into what stands for it now: merging into a merged incident means
    // merging into the one it went to.
    let target = survivor(db, target)?;
    if target.id == absorbed.id {
        return Err(Error::CannotMerge {
            why: format!("{id:?} cannot be merged into itself"),
        });
    }
    if absorbed_before.merged_into.is_some() {
        return Err(Error::CannotMerge {
            why: format!("{id:?} is merged already; reopen it first"),
        });
    }
    let target_before =
        review(db, &target.id)?.ok_or_else(|| Error::UnknownIncident(into.into()))?;
    let moment = Utc::now();
    let at = crate::sql::time_text(&moment);
    db.execute(&COPY_SOURCES, values![id, target.id.as_str()])?;
    let sources = db
        .first(&COUNT_SOURCES, values![target.id.as_str()], |r| r.count(0))?
        .unwrap_or(0);
    let mut counts = target.counts;
    counts.fill_from(&absorbed.counts);
    db.execute(
        &ABSORB,
        values![
            target.id.as_str(),
            sources,
            counts.killed,
            counts.injured,
            counts.arrested,
            moment,
        ],
    )?;
    let note = format!("merged into {}", target.id);
    db.execute(
        &MERGED,
        values![
            id,
            target.id.as_str(),
            RejectReason::Duplicate.as_str(),
            note.as_str(),
            user,
            at.as_str(),
            moment,
        ],
    )?;
    let absorbed_after = review(db, id)?.ok_or_else(|| Error::UnknownIncident(id.into()))?;
    append_log(
        db,
        id,
        user,
        &at,
        "merge",
        &absorbed_before,
        &absorbed_after,
        Some(&note),
    )?;
    let stored = queries::incident(db, &target.id)?
        .ok_or_else(|| Error::UnknownIncident(target.id.clone()))?;
    let target_after =
        review(db, &target.id)?.ok_or_else(|| Error::UnknownIncident(into.into()))?;
    let tolls = |i: &Incident| {
        serde_json::json!({
            "source_count": i.sources.len().max(i.source_count as usize),
            "killed": i.counts.killed,
            "injured": i.counts.injured,
            "arrested": i.counts.arrested,
        })
    };
    let mut before = tolls(&target);
    let mut after = tolls(&stored);
    before["review"] = crate::columns::to_json_value(&target_before)?;
    after["review"] = crate::columns::to_json_value(&target_after)?;
    let absorbed_note = format!("absorbed {id}");
    append_log(
        db,
        &target.id,
        user,
        &at,
        "merge",
        &before,
        &after,
        Some(&absorbed_note),
    )?;
    Ok((target_after, stored))
}

static MOVE_SOURCE: Query = Query::new(
    "UPDATE incident_sources SET incident_id = $4 WHERE incident_id = $1 AND article_id = $2 AND start_at = $3",
);
static SPLIT_FROM: Query = Query::new(
    "UPDATE incidents SET split_from = $2, reviewed_by = $3, reviewed_at = $4 WHERE id = $1",
);
static LOST_SOURCE: Query = Query::new(
    "UPDATE incidents SET source_count = $2, updated_at = $3, version = version + 1, \
     change_seq = @next_change WHERE id = $1",
);

/// Splits the source of article `article_id` starting at `start` off
/// incident `id` (`user` decided it tells another event), inside the
/// transaction `db` is; refused unless `id` is at version `expected`. The
/// source becomes an incident of its own, unreviewed, with `id`'s type,
/// date, place, parties and tolls for a person to correct, and a stable id
/// of its own. Returns it as stored.
pub(crate) fn split(
    db: &mut dyn Db,
    id: &str,
    article_id: &str,
    start: usize,
    user: &str,
    expected: Option<u32>,
) -> Result<Incident> {
    let parent_before = at_version(db, id, expected)?;
    let parent = queries::incident(db, id)?.ok_or_else(|| Error::UnknownIncident(id.into()))?;
    let Some(source) = parent
        .sources
        .iter()
        .find(|s| s.article_id == article_id && s.start == start)
        .cloned()
    else {
        return Err(Error::CannotSplit {
            why: format!("{id:?} has no source of article {article_id:?} starting at {start}"),
        });
    };
    if parent.sources.len() < 2 {
        return Err(Error::CannotSplit {
            why: format!(
                "{source:?} is the only source of {id:?}: reject it instead",
                source = article_id
            ),
        });
    }
    let moment = Utc::now();
    let at = crate::sql::time_text(&moment);
    let mut child = parent.clone();
    child.id = split_id(id, article_id, start);
    child.sources = vec![source];
    child.source_count = 1;
    child.status = ReviewStatus::Unreviewed;
    insert_incident(db, &child, moment)?;
    db.execute(
        &MOVE_SOURCE,
        values![id, article_id, start, child.id.as_str()],
    )?;
    db.execute(
        &SPLIT_FROM,
        values![child.id.as_str(), id, user, at.as_str()],
    )?;
    let left = u32::try_from(parent.sources.len() - 1).unwrap_or(u32::MAX);
    db.execute(&LOST_SOURCE, values![id, left, moment])?;
    let parent_after = review(db, id)?.ok_or_else(|| Error::UnknownIncident(id.into()))?;
    let child_review =
        review(db, &child.id)?.ok_or_else(|| Error::UnknownIncident(child.id.clone()))?;
    let what = serde_json::json!({"article_id": article_id, "start": start});
    let note = format!("split off into {}", child.id);
    let mut before = serde_json::json!({"source_count": parent.sources.len(), "split": what});
    before["review"] = crate::columns::to_json_value(&parent_before)?;
    let mut after = serde_json::json!({"source_count": left, "split_into": child.id});
    after["review"] = crate::columns::to_json_value(&parent_after)?;
    append_log(db, id, user, &at, "split", &before, &after, Some(&note))?;
    let from = format!("split off {id}");
    append_log(
        db,
        &child.id,
        user,
        &at,
        "split",
        &serde_json::json!({"incident": id, "split": what}),
        &child_review,
        Some(&from),
    )?;
    queries::incident(db, &child.id)?.ok_or(Error::UnknownIncident(child.id))
}

/// The id of the incident split off `id`: stable for the same source, and
/// unlike any an extraction gives (those hash an article and a span alone).
fn split_id(id: &str, article_id: &str, start: usize) -> String {
    let key = format!("split\u{1f}{id}\u{1f}{article_id}\u{1f}{start}");
    format!("{:016x}", marsad_model::fnv1a(key.as_bytes(), 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_ids_are_stable_and_distinct() {
        assert_eq!(split_id("a", "b", 1), split_id("a", "b", 1));
        assert_ne!(split_id("a", "b", 1), split_id("a", "b", 2));
        assert_eq!(split_id("a", "b", 1).len(), 16);
    }
}

//! What the tree keeps per incident: a compact, `Copy` entry of the
//! attributes queries filter and sort on, everything else in the store.

use chrono::NaiveDate;
use marsad_model::{EventType, GeoPrecision, IncidentQuery, ReviewStatus};
use rstar::{PointDistance, RTreeObject, AABB};

use crate::actors::ActorSets;

/// The day of an undated incident.
pub(crate) const NO_DAY: i32 = i32::MIN;

/// One incident in the tree: 40 bytes.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Entry {
    pub(crate) lon: f64,
    pub(crate) lat: f64,
    /// The incident's number in [`crate::ids::Ids`].
    pub(crate) key: u32,
    /// Days since 1970-01-01, or [`NO_DAY`].
    pub(crate) day: i32,
    pub(crate) confidence: f32,
    /// Its actors and targets, a set numbered in [`ActorSets`].
    pub(crate) actors: u32,
    /// Its event type's place in [`EventType::ALL`].
    pub(crate) kind: u8,
    /// ACLED geo precision, 1–3.
    pub(crate) precision: u8,
    /// Its review status's place in [`ReviewStatus::ALL`] (in the padding:
    /// the entry stays 40 bytes).
    pub(crate) status: u8,
}

fn epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

/// A date as days since 1970-01-01.
pub(crate) fn day_of(date: Option<NaiveDate>) -> i32 {
    date.map_or(NO_DAY, |d| {
        i32::try_from((d - epoch()).num_days()).unwrap_or(NO_DAY)
    })
}

/// The date of a day number; `None` for [`NO_DAY`] and for a number no
/// calendar date has (never made by [`day_of`], but a fold's seed is one).
pub(crate) fn date_of(day: i32) -> Option<NaiveDate> {
    let days = chrono::TimeDelta::try_days(i64::from(day))?;
    (day != NO_DAY).then(|| epoch().checked_add_signed(days))?
}

/// An event type's place in [`EventType::ALL`], as a byte.
pub(crate) fn kind_of(t: EventType) -> u8 {
    t.index() as u8
}

/// A review status's place in [`ReviewStatus::ALL`], as a byte.
pub(crate) fn status_of(s: ReviewStatus) -> u8 {
    ReviewStatus::ALL.iter().position(|x| *x == s).unwrap_or(0) as u8
}

impl Entry {
    pub(crate) fn event_type(&self) -> EventType {
        EventType::ALL[usize::from(self.kind)]
    }

    pub(crate) fn status(&self) -> ReviewStatus {
        ReviewStatus::ALL
            .get(usize::from(self.status))
            .copied()
            .unwrap_or_default()
    }
}

impl RTreeObject for Entry {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        AABB::from_point([self.lon, self.lat])
    }
}

impl PointDistance for Entry {
    /// Squared distance in degrees: only for the tree's own pruning; every
    /// distance Marsad reports is geodesic.
    fn distance_2(&self, p: &[f64; 2]) -> f64 {
        let (dx, dy) = (self.lon - p[0], self.lat - p[1]);
        dx * dx + dy * dy
    }
}

/// A query's filters in the entries' terms, checked with a few integer
/// comparisons per entry: the same rules as [`IncidentQuery::admits`].
#[derive(Debug)]
pub(crate) struct Filter {
    /// Bit `kind` set for each admitted type.
    pub(crate) types: u32,
    pub(crate) first_day: i32,
    pub(crate) last_day: i32,
    pub(crate) min_confidence: Option<f32>,
    pub(crate) max_precision: u8,
    /// Bit `status` set for each admitted review status.
    pub(crate) statuses: u8,
    /// For each actor set, whether it holds an asked actor (`None`: any).
    pub(crate) actor_sets: Option<Vec<bool>>,
    /// An expression (an OGC API `filter`), checked after the rest.
    pub(crate) condition: Option<std::sync::Arc<marsad_model::Condition>>,
}

impl Filter {
    pub(crate) fn new(q: &IncidentQuery, actors: &ActorSets) -> Self {
        let types = if q.types.is_empty() {
            u32::MAX
        } else {
            q.types.iter().fold(0, |m, &t| m | 1 << kind_of(t))
        };
        // An open range admits undated incidents; any bound refuses them.
        let (first_day, last_day) = if q.dates.is_open() {
            (NO_DAY, i32::MAX)
        } else {
            (
                q.dates.since.map_or(NO_DAY + 1, |d| day_of(Some(d))),
                q.dates.until.map_or(i32::MAX, |d| day_of(Some(d))),
            )
        };
        Filter {
            types,
            first_day,
            last_day,
            min_confidence: q.min_confidence,
            max_precision: q.max_geo_precision.map_or(u8::MAX, GeoPrecision::code),
            statuses: if q.statuses.is_empty() {
                u8::MAX
            } else {
                q.statuses.iter().fold(0, |m, &s| m | 1 << status_of(s))
            },
            actor_sets: (!q.actors.is_empty()).then(|| actors.holding_any(&q.actors)),
            condition: q.condition.clone(),
        }
    }

    /// Whether every entry passes (no filter asked).
    pub(crate) fn admits_all(&self) -> bool {
        self.types == u32::MAX
            && self.first_day == NO_DAY
            && self.last_day == i32::MAX
            && self.min_confidence.is_none()
            && self.max_precision == u8::MAX
            && self.statuses == u8::MAX
            && self.actor_sets.is_none()
            && self.condition.is_none()
    }

    #[inline]
    pub(crate) fn admits(&self, e: &Entry) -> bool {
        self.types & (1 << e.kind) != 0
            && e.day >= self.first_day
            && e.day <= self.last_day
            && self.min_confidence.is_none_or(|c| e.confidence >= c)
            && e.precision <= self.max_precision
            && self.statuses & (1 << e.status) != 0
            && self
                .actor_sets
                .as_ref()
                .is_none_or(|s| s.get(e.actors as usize).copied().unwrap_or(false))
            && self.condition.as_ref().is_none_or(|c| c.admits(e))
    }
}

impl marsad_model::condition::Attributes for Entry {
    fn event_type(&self) -> EventType {
        Entry::event_type(self)
    }
    fn date(&self) -> Option<NaiveDate> {
        date_of(self.day)
    }
    fn confidence(&self) -> f32 {
        self.confidence
    }
    fn geo_precision(&self) -> u8 {
        self.precision
    }
    fn status(&self) -> ReviewStatus {
        Entry::status(self)
    }
    fn point(&self) -> Option<geo::Point<f64>> {
        Some(geo::Point::new(self.lon, self.lat))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_small() {
        assert_eq!(std::mem::size_of::<Entry>(), 40);
        // In the tree each is a node: what an incident costs there.
        assert_eq!(std::mem::size_of::<rstar::RTreeNode<Entry>>(), 56);
    }

    #[test]
    fn days_round_trip() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 7);
        assert_eq!(date_of(day_of(d)), d);
        assert_eq!(date_of(day_of(None)), None);
        assert!(day_of(NaiveDate::from_ymd_opt(1969, 12, 31)) < 0);
    }
}

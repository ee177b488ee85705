use chrono::NaiveDate;

use crate::IncidentPoint;

/// Attribute filters shared by every query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Only incidents on or after this date.
    pub since: Option<NaiveDate>,
    /// Only incidents on or before this date.
    pub until: Option<NaiveDate>,
    /// Only these event types (empty: all).
    pub types: Vec<String>,
    /// Only incidents with one of these actors or targets (empty: all).
    pub actors: Vec<String>,
    /// Only incidents at least this confident.
    pub min_confidence: Option<f32>,
    /// Only incidents at most this imprecise (ACLED geo precision 1–3).
    pub max_geo_precision: Option<u8>,
}

impl Filter {
    /// Does a point pass? An incident without a date fails any date bound.
    pub fn accepts(&self, p: &IncidentPoint) -> bool {
        if self.since.is_some() || self.until.is_some() {
            let Some(d) = p.date else { return false };
            if self.since.is_some_and(|s| d < s) || self.until.is_some_and(|u| d > u) {
                return false;
            }
        }
        if !self.types.is_empty() && !self.types.iter().any(|t| **t == *p.event_type) {
            return false;
        }
        if !self.actors.is_empty()
            && !p
                .actors
                .iter()
                .any(|a| self.actors.iter().any(|f| **f == **a))
        {
            return false;
        }
        if self.min_confidence.is_some_and(|c| p.confidence < c) {
            return false;
        }
        if self.max_geo_precision.is_some_and(|g| p.geo_precision > g) {
            return false;
        }
        true
    }
}

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Nearest first (radius and nearest queries).
    Distance,
    /// Newest first; undated last.
    #[default]
    DateDesc,
    /// Oldest first; undated last.
    DateAsc,
}

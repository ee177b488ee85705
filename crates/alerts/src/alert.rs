//! An alert: who watches what, for which incidents, told how.

use marsad_model::{EventType, Incident, ReviewStatus};
use serde::{Deserialize, Serialize};

use crate::{Area, Error, Result};

/// A standing alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    /// Its id (`al_…`).
    pub id: String,
    /// The user who owns it.
    pub owner: String,
    /// What its owner calls it («مكتب الميادين», "Convoy road").
    pub name: String,
    /// Where it looks.
    pub area: Area,
    /// Which incidents count.
    #[serde(default)]
    pub filters: Filters,
    /// Where matches are posted, if anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<Webhook>,
    /// The secret in its Atom feed's address (`?key=`).
    #[serde(default)]
    pub feed_key: String,
}

/// The largest `min_killed` an alert may ask for: more than any toll.
pub const MAX_KILLED: u32 = 100_000;

/// What incidents an alert counts: all of them unless narrowed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filters {
    /// Only these types (none: every type).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<EventType>,
    /// Only incidents at least this likely to be real events (0–1). Kept
    /// as `f64` so the range is checked on the number as given: narrowed to
    /// `f32`, a tiny negative such as `-1e-84` rounds to `-0.0` and passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_confidence: Option<f64>,
    /// Only incidents in these review states (none: any state but
    /// rejected).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<ReviewStatus>,
    /// Only incidents with at least this many killed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "whole_number"
    )]
    pub min_killed: Option<u32>,
}

/// A count written as JSON may carry a zero fraction (`3.0`): JSON Schema's
/// integers do, so the count is read from any number that is whole.
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    let Some(x) = Option::<f64>::deserialize(d)? else {
        return Ok(None);
    };
    if x.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&x) {
        Ok(Some(x as u32))
    } else {
        Err(serde::de::Error::custom(format!(
            "{x} is not a whole number of people"
        )))
    }
}

/// A webhook: where matches are posted and the secret that signs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhook {
    /// An http(s) address.
    pub url: String,
    /// The HMAC-SHA256 key of the signature header (see [`crate::sign`]).
    pub secret: String,
}

/// Why an incident is delivered to an alert again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The alert had not seen it.
    New,
    /// It changed (a correction, a new source with a new toll).
    Updated,
    /// A reviewer verified it.
    Verified,
}

impl Event {
    /// Its name, as sent and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::New => "new",
            Event::Updated => "updated",
            Event::Verified => "verified",
        }
    }

    /// From its stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "new" => Some(Event::New),
            "updated" => Some(Event::Updated),
            "verified" => Some(Event::Verified),
            _ => None,
        }
    }
}

impl Alert {
    /// An alert on `area` with no filters and no webhook, and a new feed
    /// key.
    pub fn new(id: &str, owner: &str, name: &str, area: Area) -> Self {
        Alert {
            id: id.into(),
            owner: owner.into(),
            name: name.into(),
            area,
            filters: Filters::default(),
            webhook: None,
            feed_key: secret(),
        }
    }

    /// Checks the name, the area and the filters, naming the field that is
    /// wrong.
    pub fn check(&self) -> Result<()> {
        let name = self.name.trim();
        if self.name.is_empty() || self.name.chars().count() > 200 {
            return Err(Error::invalid("name", "must be 1–200 characters"));
        }
        if name.is_empty() || name.contains(char::is_control) {
            return Err(Error::unusable(
                "name",
                "must hold more than spaces, and no control characters",
            ));
        }
        self.area.check()?;
        self.filters.check()
    }

    /// Whether `incident` is one this alert tells of: in its area, and
    /// passing its filters.
    pub(crate) fn admits(&self, incident: &Incident) -> bool {
        self.filters.admits(incident)
    }
}

impl Filters {
    /// Checks the values, naming the field that is wrong.
    pub fn check(&self) -> Result<()> {
        if let Some(k) = self.min_killed.filter(|&k| k > MAX_KILLED) {
            return Err(Error::invalid(
                "filters.min_killed",
                format!("{k} is more than {MAX_KILLED}"),
            ));
        }
        if let Some(c) = self.min_confidence {
            if !(0.0..=1.0).contains(&c) {
                return Err(Error::invalid(
                    "filters.min_confidence",
                    format!("{c} is not between 0 and 1"),
                ));
            }
        }
        Ok(())
    }

    /// Whether `incident` passes.
    pub fn admits(&self, incident: &Incident) -> bool {
        let status_ok = if self.status.is_empty() {
            incident.status != ReviewStatus::Rejected
        } else {
            self.status.contains(&incident.status)
        };
        status_ok
            && (self.types.is_empty() || self.types.contains(&incident.event_type))
            && self
                .min_confidence
                .is_none_or(|c| f64::from(incident.confidence) >= c)
            && self
                .min_killed
                .is_none_or(|k| incident.counts.killed.is_some_and(|n| n >= k))
    }
}

/// A new alert id: `al_` and 16 random hex digits.
pub fn new_id() -> String {
    format!("al_{}", &secret()[..16])
}

/// A new random secret: 32 bytes, hex.
pub fn secret() -> String {
    use rand::RngCore;
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    crate::sign::hex(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_count_may_be_written_with_a_fraction_of_zero() {
        let f: Filters = serde_json::from_str(r#"{"min_killed": 3.0}"#).unwrap();
        assert_eq!(f.min_killed, Some(3));
        assert!(serde_json::from_str::<Filters>(r#"{"min_killed": 2.5}"#).is_err());
        assert!(serde_json::from_str::<Filters>(r#"{"min_killed": -1}"#).is_err());
        for c in ["-1.6e-84", "1.0000001", "2"] {
            let json = format!(r#"{{"min_confidence": {c}}}"#);
            let f: Filters = serde_json::from_str(&json).unwrap();
            assert!(f.check().is_err(), "{c}");
        }
        for c in ["-0.0", "0", "1e-90", "1"] {
            let json = format!(r#"{{"min_confidence": {c}}}"#);
            let f: Filters = serde_json::from_str(&json).unwrap();
            assert!(f.check().is_ok(), "{c}");
        }
        let f: Filters = serde_json::from_str(r#"{"min_killed": null}"#).unwrap();
        assert_eq!(f.min_killed, None);
    }
}

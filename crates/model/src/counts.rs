//! Tolls: how many were killed, injured or arrested, and how exactly.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What a count counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CountKind {
    /// Killed.
    Killed,
    /// Injured.
    Injured,
    /// Arrested or detained.
    Arrested,
}

impl CountKind {
    /// The three kinds, in the order they are printed.
    pub const ALL: [CountKind; 3] = [CountKind::Killed, CountKind::Injured, CountKind::Arrested];

    /// The kind's name as written in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            CountKind::Killed => "killed",
            CountKind::Injured => "injured",
            CountKind::Arrested => "arrested",
        }
    }
}

/// How exact a count is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// As stated.
    #[default]
    Exact,
    /// «أكثر من», «ما لا يقل عن».
    AtLeast,
    /// «أقل من».
    AtMost,
    /// «حوالي», «نحو», «قرابة».
    Approx,
    /// No number: «عدد من», «عدة», «آخرون».
    Several,
    /// No number: «عشرات».
    Tens,
    /// No number: «مئات».
    Hundreds,
    /// No number: «آلاف».
    Thousands,
}

impl Qualifier {
    /// Every qualifier, in the order of [`Qualifier::NAMES`].
    pub const ALL: [Qualifier; 8] = [
        Qualifier::Exact,
        Qualifier::AtLeast,
        Qualifier::AtMost,
        Qualifier::Approx,
        Qualifier::Several,
        Qualifier::Tens,
        Qualifier::Hundreds,
        Qualifier::Thousands,
    ];

    /// Their names as written in JSON.
    pub const NAMES: [&'static str; 8] = [
        "exact",
        "at_least",
        "at_most",
        "approx",
        "several",
        "tens",
        "hundreds",
        "thousands",
    ];

    /// Its name as written in JSON.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .position(|q| *q == self)
            .map_or("exact", |i| Self::NAMES[i])
    }

    /// The qualifier a JSON name names.
    pub fn parse(name: &str) -> Option<Self> {
        Self::NAMES
            .iter()
            .position(|n| *n == name)
            .map(|i| Self::ALL[i])
    }

    /// True for the qualifiers that stand for a number the text does not give.
    pub fn is_vague(self) -> bool {
        matches!(
            self,
            Qualifier::Several | Qualifier::Tens | Qualifier::Hundreds | Qualifier::Thousands
        )
    }
}

/// Human toll of an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Killed.
    pub killed: Option<u32>,
    /// Injured.
    pub injured: Option<u32>,
    /// Arrested or detained.
    pub arrested: Option<u32>,
    /// Qualifier of the killed count.
    pub killed_q: Qualifier,
    /// Qualifier of the injured count.
    pub injured_q: Qualifier,
    /// Qualifier of the arrested count.
    pub arrested_q: Qualifier,
}

impl Counts {
    /// The count of one kind and its qualifier.
    pub fn get(&self, kind: CountKind) -> (Option<u32>, Qualifier) {
        match kind {
            CountKind::Killed => (self.killed, self.killed_q),
            CountKind::Injured => (self.injured, self.injured_q),
            CountKind::Arrested => (self.arrested, self.arrested_q),
        }
    }

    /// The count of one kind and its qualifier, to change.
    pub fn slot_mut(&mut self, kind: CountKind) -> (&mut Option<u32>, &mut Qualifier) {
        match kind {
            CountKind::Killed => (&mut self.killed, &mut self.killed_q),
            CountKind::Injured => (&mut self.injured, &mut self.injured_q),
            CountKind::Arrested => (&mut self.arrested, &mut self.arrested_q),
        }
    }

    /// The lead figure stays: `other` fills only what is still unknown, and
    /// a number replaces a vague «عشرات» (one article telling its event).
    pub fn fill_from(&mut self, other: &Counts) {
        for kind in CountKind::ALL {
            let (v, vq) = other.get(kind);
            let (slot, q) = self.slot_mut(kind);
            if slot.is_none() && v.is_some() {
                *slot = v;
                *q = vq;
            } else if slot.is_none() && *q == Qualifier::Exact {
                *q = vq;
            }
        }
    }

    /// The larger figure wins (reports of one event by several articles:
    /// later reports count more victims).
    pub fn raise_to(&mut self, other: &Counts) {
        for kind in CountKind::ALL {
            let (v, vq) = other.get(kind);
            let (slot, q) = self.slot_mut(kind);
            if let Some(v) = v {
                if slot.is_none_or(|s| v > s) {
                    *slot = Some(v);
                    *q = vq;
                }
            }
        }
    }

    /// The qualifiers worth printing, by kind name: how inexact a number is,
    /// or how many a text that gives no number says.
    pub fn qualifiers(&self) -> BTreeMap<String, Qualifier> {
        self.printed_qualifiers()
            .map(|(k, q)| (k.as_str().to_string(), q))
            .collect()
    }

    /// [`Counts::qualifiers`] without building the map, in its key order.
    fn printed_qualifiers(&self) -> impl Iterator<Item = (CountKind, Qualifier)> + '_ {
        [CountKind::Arrested, CountKind::Injured, CountKind::Killed]
            .into_iter()
            .filter_map(|k| {
                let (v, q) = self.get(k);
                (q != Qualifier::Exact && (v.is_some() || q.is_vague())).then_some((k, q))
            })
    }

    /// Counts from their printed form.
    pub fn from_parts(
        killed: Option<u32>,
        injured: Option<u32>,
        arrested: Option<u32>,
        qualifiers: &BTreeMap<String, Qualifier>,
    ) -> Self {
        let q = |k: CountKind| qualifiers.get(k.as_str()).copied().unwrap_or_default();
        Counts {
            killed,
            injured,
            arrested,
            killed_q: q(CountKind::Killed),
            injured_q: q(CountKind::Injured),
            arrested_q: q(CountKind::Arrested),
        }
    }
}

/// [`Counts::qualifiers`] as written in JSON, serialised as it is read off
/// the counts (a listing writes one per incident).
pub(crate) struct QualifierMap<'a>(pub &'a Counts);

impl Serialize for QualifierMap<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.0.printed_qualifiers().map(|(k, q)| (k.as_str(), q)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifier_names_are_their_json() {
        for (q, name) in Qualifier::ALL.into_iter().zip(Qualifier::NAMES) {
            assert_eq!(serde_json::to_value(q).unwrap(), name);
            assert_eq!(Qualifier::parse(name), Some(q));
            assert_eq!(q.as_str(), name);
        }
        assert_eq!(Qualifier::parse("loads"), None);
    }
}

//! How likely an incident is a real event its article reports: a logistic
//! model over what the pipeline knows of each finding (the class of its
//! event word, the clause that holds it, its date, toll, place and
//! parties, how often the article tells it and where). Rules decide what
//! they can; this weighs what they cannot, and the number it gives is a
//! probability, so a threshold on it (`min_confidence`) means a precision.
//!
//! The weights are data (`data/confidence.json`), learned from the
//! development articles' `work` split by `scripts/train-confidence`; the
//! `check` split and other unseen articles measure them.

use std::sync::OnceLock;

use marsad_gazetteer::PlaceKind;
use serde::Deserialize;

use crate::event::Finding;
use crate::EventType;

/// The features, in the order [`Features`] holds them.
pub const FEATURES: [&str; 39] = [
    "strike",
    "clash",
    "ied",
    "killing",
    "arrest",
    "movement",
    "gathering",
    "date_stated",
    "date_carried",
    "date_day",
    "actors",
    "targets",
    "toll",
    "big_toll",
    "background",
    "refers_back",
    "follows_on",
    "mixed",
    "reported",
    "negated",
    "modal",
    "plural",
    "period",
    "place_none",
    "place_exact",
    "place_near",
    "place_region",
    "place_admin",
    "unlisted",
    "split",
    "told_again",
    "first_unit",
    "position",
    "findings",
    "long_unit",
    "event_late",
    "later_place",
    "type_repeats",
    "types",
];

/// One finding's features, as the model reads them (0 or 1 for a yes or
/// no, a fraction for a position or a share).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Features(pub [f32; FEATURES.len()]);

impl Features {
    /// `(name, value)` of each feature.
    pub fn named(&self) -> impl Iterator<Item = (&'static str, f32)> + '_ {
        FEATURES.iter().copied().zip(self.0.iter().copied())
    }
}

/// What the discourse step records of a finding for the model, besides the
/// incident itself.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Signals {
    /// The first unit that told of it, and its paragraph.
    pub unit: usize,
    /// Units that told of it (the first, and those that joined it).
    pub units: usize,
    /// The first unit stated a date (not carried from another).
    pub stated_date: bool,
    /// Places the event word was told at (one incident each).
    pub places: usize,
    /// Which of them this finding's is (0: the first named).
    pub place_rank: usize,
    /// Flags of the mention.
    pub background: bool,
    pub refers_back: bool,
    pub follows_on: bool,
    pub mixed: bool,
    /// What surrounds the event word.
    pub cues: Cues,
}

/// What a unit says around its event word.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Cues {
    /// A report or an attribution before the event word («أفاد», «بحسب»).
    pub reported: bool,
    /// A negation just before it («لم», «دون»).
    pub negated: bool,
    /// A modal or future word before it («قد», «سوف», «يعتزم»).
    pub modal: bool,
    /// The event word is a plural noun («عمليات», «هجمات»).
    pub plural: bool,
    /// A period or a total is named («منذ», «حصيلة», «خلال الشهر»).
    pub period: bool,
    /// Where the event word stands in the unit, 0 (first) to 1 (last).
    pub at: f32,
    /// Words in the unit.
    pub words: usize,
}

/// What the whole article says, for every finding's features.
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    /// Units in the article.
    pub units: usize,
    /// Incidents found in it.
    pub findings: usize,
    /// Their event types, in text order.
    pub types: Vec<EventType>,
}

impl Shape {
    /// The shape of an article with these findings in `units` units.
    pub(crate) fn of(findings: &[Finding], units: usize) -> Shape {
        Shape {
            units,
            findings: findings.len(),
            types: findings.iter().map(|f| f.event_type).collect(),
        }
    }

    /// Findings of type `t` before the `n`th.
    fn before(&self, n: usize, t: EventType) -> usize {
        self.types[..n.min(self.types.len())]
            .iter()
            .filter(|&&x| x == t)
            .count()
    }

    /// Distinct event types found.
    fn distinct(&self) -> usize {
        let mut t = self.types.clone();
        t.sort();
        t.dedup();
        t.len()
    }
}

fn yes(b: bool) -> f32 {
    f32::from(u8::from(b))
}

/// The features of the `n`th finding of an article of `shape`.
pub(crate) fn features(f: &Finding, n: usize, kind: Option<PlaceKind>, shape: &Shape) -> Features {
    use EventType as T;
    let s = &f.signals;
    let t = f.event_type;
    let c = &f.counts;
    let big = [c.killed, c.injured, c.arrested]
        .iter()
        .any(|n| n.is_some_and(|n| n >= 50));
    let geo = f.geo_precision.code();
    let placed = f.place.is_some();
    let admin = matches!(kind, Some(PlaceKind::Country | PlaceKind::Governorate));
    Features([
        yes(matches!(t, T::Airstrike | T::DroneStrike | T::Shelling)),
        yes(t == T::ArmedClash),
        yes(t == T::IedExplosion),
        yes(t == T::AssassinationKilling),
        yes(t == T::RaidArrest),
        yes(matches!(
            t,
            T::DeploymentReinforcement | T::WithdrawalEvacuation
        )),
        yes(matches!(
            t,
            T::VisitMeeting | T::MilitaryExercise | T::Protest
        )),
        yes(s.stated_date && f.date.is_some()),
        yes(!s.stated_date && f.date.is_some()),
        yes(f.date.is_some() && f.date_precision == crate::DatePrecision::Day),
        yes(!f.actors.is_empty()),
        yes(!f.targets.is_empty()),
        yes(*c != crate::Counts::default()),
        yes(big),
        yes(s.background),
        yes(s.refers_back),
        yes(s.follows_on),
        yes(s.mixed),
        yes(s.cues.reported),
        yes(s.cues.negated),
        yes(s.cues.modal),
        yes(s.cues.plural),
        yes(s.cues.period),
        yes(!placed),
        yes(placed && geo == 1 && !admin),
        yes(placed && geo == 2),
        yes(placed && geo >= 3),
        yes(placed && admin),
        yes(f.unlisted.is_some()),
        yes(s.places > 1),
        yes(s.units > 1),
        yes(s.unit == 0),
        s.unit as f32 / shape.units.saturating_sub(1).max(1) as f32,
        shape.findings.min(10) as f32 / 10.0,
        yes(s.cues.words > 40),
        yes(s.cues.at > 0.6),
        yes(s.place_rank > 0),
        yes(shape.before(n, t) > 0),
        shape.distinct().min(5) as f32 / 5.0,
    ])
}

/// The model's weights: one per feature, the intercept, and the floor.
#[derive(Debug, Deserialize)]
struct Weights {
    intercept: f32,
    weights: std::collections::BTreeMap<String, f32>,
    #[serde(default)]
    floor: f32,
}

/// A logistic model over [`FEATURES`].
#[derive(Debug, Clone)]
pub struct Model {
    intercept: f32,
    weights: [f32; FEATURES.len()],
    /// Findings less likely than this are not reported: chosen in
    /// training as the probability whose removals best balance precision
    /// gained against real incidents lost.
    pub floor: f32,
}

impl Model {
    /// The model Marsad ships (`data/confidence.json`).
    pub fn bundled() -> &'static Model {
        static MODEL: OnceLock<Model> = OnceLock::new();
        MODEL.get_or_init(|| {
            Model::from_json(include_str!("../data/confidence.json"))
                .unwrap_or_else(|_| Model::even())
        })
    }

    /// A model from its JSON (`{"intercept", "weights": {name: weight}}`);
    /// a feature it does not name weighs nothing.
    pub fn from_json(json: &str) -> serde_json::Result<Model> {
        let w: Weights = serde_json::from_str(json)?;
        let mut weights = [0.0; FEATURES.len()];
        for (i, name) in FEATURES.iter().enumerate() {
            weights[i] = w.weights.get(*name).copied().unwrap_or(0.0);
        }
        Ok(Model {
            intercept: w.intercept,
            weights,
            floor: w.floor,
        })
    }

    /// Knows nothing: every finding is even odds.
    fn even() -> Model {
        Model {
            intercept: 0.0,
            weights: [0.0; FEATURES.len()],
            floor: 0.0,
        }
    }

    /// The probability that a finding with these features is a real event
    /// of its article.
    pub fn probability(&self, x: &Features) -> f32 {
        let z = self.intercept
            + self
                .weights
                .iter()
                .zip(x.0.iter())
                .map(|(w, v)| w * v)
                .sum::<f32>();
        1.0 / (1.0 + (-z).exp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_model_names_only_known_features() {
        let w: Weights = serde_json::from_str(include_str!("../data/confidence.json"))
            .expect("the bundled model is JSON");
        for name in w.weights.keys() {
            assert!(FEATURES.contains(&name.as_str()), "unknown feature {name}");
        }
    }

    #[test]
    fn a_model_is_a_logistic_function_of_its_features() {
        let m =
            Model::from_json(r#"{"intercept": -1.0, "weights": {"toll": 2.0}}"#).expect("a model");
        let mut x = Features([0.0; FEATURES.len()]);
        assert!((m.probability(&x) - 0.268_94).abs() < 1e-4);
        x.0[FEATURES.iter().position(|n| *n == "toll").expect("toll")] = 1.0;
        assert!((m.probability(&x) - 0.731_06).abs() < 1e-4);
    }
}

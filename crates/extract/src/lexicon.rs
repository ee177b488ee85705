//! Trigger and actor lexicons (`data/*.tsv`), loaded once.

use std::sync::OnceLock;

use marsad_arabic::normalize;
use rustc_hash::FxHashMap;

use crate::{Actor, ActorKind, EventType};

const TRIGGERS: &str = include_str!("../data/triggers.tsv");
const ACTORS: &str = include_str!("../data/actors.tsv");

/// A trigger's class: an event type, or a generic attack verb whose type
/// comes from the weapon named with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trigger {
    Event(EventType),
    Attack,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct TriggerRef {
    pub class: Trigger,
    /// 2: names the event; 1: only supports a type (a weapon word).
    pub strength: u8,
}

/// Multi-word entries are stored by their first word.
#[derive(Debug, Default)]
pub(crate) struct Lexicon {
    pub triggers: FxHashMap<String, Vec<(Vec<String>, TriggerRef)>>,
    pub actors: FxHashMap<String, Vec<(Vec<String>, usize)>>,
    pub actor_list: Vec<Actor>,
}

fn words(s: &str) -> Vec<String> {
    normalize(s)
        .split(|c: char| c == '_' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

impl Lexicon {
    pub fn load() -> Self {
        let mut lex = Lexicon::default();
        for line in TRIGGERS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let f: Vec<&str> = line.split('\t').collect();
            let (Some(ty), Some(st), Some(forms)) = (f.first(), f.get(1), f.get(2)) else {
                continue;
            };
            let class = if *ty == "attack" {
                Trigger::Attack
            } else if let Some(t) = EventType::parse(ty) {
                Trigger::Event(t)
            } else {
                continue;
            };
            let strength = st.parse().unwrap_or(2);
            for form in forms.split('|') {
                let w = words(form);
                if let Some(first) = w.first() {
                    lex.triggers
                        .entry(first.clone())
                        .or_default()
                        .push((w, TriggerRef { class, strength }));
                }
            }
        }
        for line in ACTORS
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 5 {
                continue;
            }
            let Some(kind) = ActorKind::parse(f[1]) else {
                continue;
            };
            let idx = lex.actor_list.len();
            lex.actor_list.push(Actor {
                id: f[0].to_string(),
                name_ar: f[3].to_string(),
                name_en: f[2].to_string(),
                kind,
            });
            for alias in f[4].split('|').chain(std::iter::once(f[3])) {
                let w = words(alias);
                if let Some(first) = w.first() {
                    let v = lex.actors.entry(first.clone()).or_default();
                    if !v.iter().any(|(x, i)| *x == w && *i == idx) {
                        v.push((w, idx));
                    }
                }
            }
        }
        for v in lex.actors.values_mut() {
            v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        for v in lex.triggers.values_mut() {
            v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        }
        lex
    }
}

/// Every actor the lexicon knows, in its order: what a person may name
/// when correcting an incident's actors and targets.
pub fn actor_catalogue() -> &'static [Actor] {
    static LIST: OnceLock<Vec<Actor>> = OnceLock::new();
    LIST.get_or_init(|| Lexicon::load().actor_list)
}

//! Who did what to whom.

use serde::{Deserialize, Serialize};

/// Who an actor is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum ActorKind {
    StateForce,
    ForeignStateForce,
    Militia,
    /// Rebel or opposition armed group.
    Rebel,
    Jihadist,
    Civilians,
    Unknown,
}

impl ActorKind {
    /// Parses a kind name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "state_force" => ActorKind::StateForce,
            "foreign_state_force" => ActorKind::ForeignStateForce,
            "militia" => ActorKind::Militia,
            "rebel" => ActorKind::Rebel,
            "jihadist" => ActorKind::Jihadist,
            "civilians" => ActorKind::Civilians,
            "unknown" => ActorKind::Unknown,
            _ => return None,
        })
    }
}

/// An actor or target.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    /// Stable id from the actor lexicon (`irgc`, `sdf`, `us_forces`…).
    pub id: String,
    /// Arabic name.
    pub name_ar: String,
    /// English name.
    pub name_en: String,
    /// Kind of actor.
    pub kind: ActorKind,
}

//! What an incident is.

use chrono::NaiveDate;
use marsad_gazetteer::PlaceIdx;
use serde::{Deserialize, Serialize};

use crate::{CountKind, DatePrecision};

/// The event vocabulary, each mapped to ACLED's event type and sub-type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum EventType {
    Airstrike,
    DroneStrike,
    /// Artillery, rockets, missiles.
    Shelling,
    ArmedClash,
    /// IED, landmine, car bomb.
    IedExplosion,
    /// Raids, detentions, arrest campaigns.
    RaidArrest,
    AssassinationKilling,
    Kidnapping,
    /// Deployments, reinforcements, convoys, headquarters set up.
    DeploymentReinforcement,
    /// Headquarters evacuated or handed over, withdrawals.
    WithdrawalEvacuation,
    /// Commanders' visits, meetings.
    VisitMeeting,
    /// Manoeuvres, training.
    MilitaryExercise,
    Protest,
    /// Weapons seized, buildings or houses confiscated.
    Seizure,
    Recruitment,
    Other,
}

impl EventType {
    /// Every type, in vocabulary order.
    pub const ALL: [EventType; 16] = [
        EventType::Airstrike,
        EventType::DroneStrike,
        EventType::Shelling,
        EventType::ArmedClash,
        EventType::IedExplosion,
        EventType::RaidArrest,
        EventType::AssassinationKilling,
        EventType::Kidnapping,
        EventType::DeploymentReinforcement,
        EventType::WithdrawalEvacuation,
        EventType::VisitMeeting,
        EventType::MilitaryExercise,
        EventType::Protest,
        EventType::Seizure,
        EventType::Recruitment,
        EventType::Other,
    ];

    /// The type's name as written in JSON.
    pub fn as_str(self) -> &'static str {
        use EventType::*;
        match self {
            Airstrike => "airstrike",
            DroneStrike => "drone_strike",
            Shelling => "shelling",
            ArmedClash => "armed_clash",
            IedExplosion => "ied_explosion",
            RaidArrest => "raid_arrest",
            AssassinationKilling => "assassination_killing",
            Kidnapping => "kidnapping",
            DeploymentReinforcement => "deployment_reinforcement",
            WithdrawalEvacuation => "withdrawal_evacuation",
            VisitMeeting => "visit_meeting",
            MilitaryExercise => "military_exercise",
            Protest => "protest",
            Seizure => "seizure",
            Recruitment => "recruitment",
            Other => "other",
        }
    }

    /// Parses a type name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == s)
    }

    /// ACLED `event_type`.
    pub fn acled_event_type(self) -> &'static str {
        use EventType::*;
        match self {
            Airstrike | DroneStrike | Shelling | IedExplosion => "Explosions/Remote violence",
            ArmedClash => "Battles",
            AssassinationKilling | Kidnapping => "Violence against civilians",
            Protest => "Protests",
            _ => "Strategic developments",
        }
    }

    /// ACLED `sub_event_type`.
    pub fn acled_sub_event_type(self) -> &'static str {
        use EventType::*;
        match self {
            Airstrike | DroneStrike => "Air/drone strike",
            Shelling => "Shelling/artillery/missile attack",
            IedExplosion => "Remote explosive/landmine/IED",
            ArmedClash => "Armed clash",
            AssassinationKilling => "Attack",
            Kidnapping => "Abduction/forced disappearance",
            Protest => "Peaceful protest",
            RaidArrest => "Arrests",
            DeploymentReinforcement | Recruitment => "Change to group/activity",
            WithdrawalEvacuation => "Non-violent transfer of territory",
            Seizure => "Looting/property destruction",
            VisitMeeting | MilitaryExercise | Other => "Other",
        }
    }

    /// Violent events (for the map's styling and the ACLED fatalities column).
    pub fn is_attack(self) -> bool {
        use EventType::*;
        matches!(
            self,
            Airstrike | DroneStrike | Shelling | ArmedClash | IedExplosion | AssassinationKilling
        )
    }
}

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
    pub(crate) fn parse(s: &str) -> Option<Self> {
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

/// How exact a count is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// As stated.
    #[default]
    Exact,
    /// «أكثر من», «ما لا يقل عن», «العشرات».
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
    /// True for the qualifiers that stand for a number the text does not give.
    pub fn is_vague(self) -> bool {
        matches!(
            self,
            Qualifier::Several | Qualifier::Tens | Qualifier::Hundreds | Qualifier::Thousands
        )
    }
}

/// Human toll of an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
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
}

/// One incident reported by an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    /// Stable id (hash of the article, the evidence span, the type and place).
    pub id: String,
    /// What happened.
    pub event_type: EventType,
    /// When, if known.
    pub date: Option<NaiveDate>,
    /// How precisely.
    pub date_precision: DatePrecision,
    /// The words that gave the date.
    pub date_text: Option<String>,
    /// Where (a gazetteer place), if the article says. For a place the
    /// gazetteer lacks, the place the text locates it by.
    pub place: Option<PlaceIdx>,
    /// The place itself when the gazetteer lacks it («قرية أبريهة»).
    pub unlisted: Option<marsad_geoparse::Unlisted>,
    /// ACLED geo precision: 1 the place itself, 2 near it / its countryside /
    /// part of a region, 3 only a governorate or large region.
    pub geo_precision: u8,
    /// Who did it.
    pub actors: Vec<Actor>,
    /// To whom.
    pub targets: Vec<Actor>,
    /// Named people (commanders) in the evidence.
    pub people: Vec<String>,
    /// Killed, injured, arrested.
    pub counts: Counts,
    /// Evidence span, code points into the article text.
    pub evidence: (usize, usize),
    /// The evidence sentence.
    pub evidence_text: String,
    /// Confidence in [0, 1].
    pub confidence: f32,
}

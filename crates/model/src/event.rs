//! What happened: the event vocabulary and how each type is shown.

use serde::{Deserialize, Serialize};

use crate::error::invalid;

/// The event vocabulary, each mapped to ACLED's event type and sub-type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
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

/// How a type is shown: titles, colour and a 32×32 SVG path for its icon.
struct Look {
    name: &'static str,
    title_ar: &'static str,
    title_en: &'static str,
    colour: &'static str,
    icon: &'static str,
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

    fn look(self) -> Look {
        use EventType::*;
        let (name, title_ar, title_en, colour, icon) = match self {
            Airstrike => ("airstrike", "غارات جوية", "Airstrikes", "#d7301f", "M16 5 L27 25 L5 25 Z"),
            DroneStrike => (
                "drone_strike",
                "ضربات بطائرات مسيّرة",
                "Drone strikes",
                "#ef6548",
                "M16 4 L28 16 L16 28 L4 16 Z",
            ),
            Shelling => (
                "shelling",
                "قصف مدفعي وصاروخي",
                "Shelling",
                "#fc8d59",
                "M16 3 L19.5 12 L29 12 L21.5 18 L24.5 28 L16 22 L7.5 28 L10.5 18 L3 12 L12.5 12 Z",
            ),
            ArmedClash => (
                "armed_clash",
                "اشتباكات",
                "Armed clashes",
                "#b30000",
                "M6 9 L9 6 L16 13 L23 6 L26 9 L19 16 L26 23 L23 26 L16 19 L9 26 L6 23 L13 16 Z",
            ),
            IedExplosion => (
                "ied_explosion",
                "تفجيرات وعبوات ناسفة",
                "IEDs and explosions",
                "#7f0000",
                "M16 3 L19 11 L27 8 L22 15 L29 19 L20 20 L21 29 L16 22 L11 29 L12 20 L3 19 L10 15 L5 8 L13 11 Z",
            ),
            RaidArrest => (
                "raid_arrest",
                "مداهمات واعتقالات",
                "Raids and arrests",
                "#6a51a3",
                "M7 7 L25 7 L25 25 L7 25 Z M11 11 L11 21 L21 21 L21 11 Z",
            ),
            AssassinationKilling => (
                "assassination_killing",
                "اغتيالات وعمليات قتل",
                "Assassinations and killings",
                "#3f007d",
                "M16 4 A12 12 0 1 1 15.9 4 Z M16 10 A6 6 0 1 0 16.1 10 Z",
            ),
            Kidnapping => ("kidnapping", "خطف", "Kidnappings", "#807dba", "M6 12 L26 12 L26 20 L6 20 Z"),
            DeploymentReinforcement => (
                "deployment_reinforcement",
                "انتشار وتعزيزات",
                "Deployments and reinforcements",
                "#2171b5",
                "M4 13 L18 13 L18 6 L28 16 L18 26 L18 19 L4 19 Z",
            ),
            WithdrawalEvacuation => (
                "withdrawal_evacuation",
                "انسحاب وإخلاء مقرات",
                "Withdrawals and evacuations",
                "#6baed6",
                "M28 13 L14 13 L14 6 L4 16 L14 26 L14 19 L28 19 Z",
            ),
            VisitMeeting => (
                "visit_meeting",
                "زيارات واجتماعات",
                "Visits and meetings",
                "#238b45",
                "M9 10 A5 5 0 1 1 8.9 10 Z M23 10 A5 5 0 1 1 22.9 10 Z M4 26 Q9 17 14 26 Z M18 26 Q23 17 28 26 Z",
            ),
            MilitaryExercise => (
                "military_exercise",
                "مناورات وتدريبات",
                "Military exercises",
                "#74c476",
                "M13 4 L19 4 L19 13 L28 13 L28 19 L19 19 L19 28 L13 28 L13 19 L4 19 L4 13 L13 13 Z",
            ),
            Protest => ("protest", "احتجاجات", "Protests", "#dd3497", "M8 4 L11 4 L11 28 L8 28 Z M11 5 L26 9 L11 15 Z"),
            Seizure => ("seizure", "مصادرات", "Seizures", "#8c6d31", "M5 12 L16 5 L27 12 L27 26 L5 26 Z"),
            Recruitment => (
                "recruitment",
                "تجنيد",
                "Recruitment",
                "#bd9e39",
                "M16 4 A5 5 0 1 1 15.9 4 Z M7 28 Q16 10 25 28 Z",
            ),
            Other => ("other", "أحداث أخرى", "Other events", "#737373", "M16 9 A7 7 0 1 1 15.9 9 Z"),
        };
        Look {
            name,
            title_ar,
            title_en,
            colour,
            icon,
        }
    }

    /// The type's place in [`EventType::ALL`] (for tables of counts).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The type's name as written in JSON.
    pub fn as_str(self) -> &'static str {
        self.look().name
    }

    /// Parses a type name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.as_str() == s)
    }

    /// Title of the type's map layer, in Arabic.
    pub fn title_ar(self) -> &'static str {
        self.look().title_ar
    }

    /// Title of the type's map layer, in English.
    pub fn title_en(self) -> &'static str {
        self.look().title_en
    }

    /// Colour of the type on the map (`#rrggbb`).
    pub fn colour(self) -> &'static str {
        self.look().colour
    }

    /// The type's icon: an SVG path in a 32×32 box, drawn white on its colour.
    pub fn icon(self) -> &'static str {
        self.look().icon
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

    /// Whether another outlet may tell an event of this type as one of
    /// `other`: outlets disagree on what struck from afar («قصف» is said of
    /// aircraft, drones and batteries alike), and a report whose type was
    /// not read (`Other`) may be of any type. A strike and a clash, or a
    /// raid and an assassination, stay apart.
    pub fn same_kind(self, other: EventType) -> bool {
        use EventType::*;
        let from_afar = |t| matches!(t, Airstrike | DroneStrike | Shelling);
        self == other || self == Other || other == Other || (from_afar(self) && from_afar(other))
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

impl std::fmt::Display for EventType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for EventType {
    type Err = crate::Error;

    fn from_str(s: &str) -> crate::Result<Self> {
        EventType::parse(s.trim()).ok_or_else(|| {
            let known: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
            invalid(format!(
                "unknown event type {s:?}; known: {}",
                known.join(", ")
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_the_place_in_all() {
        for (i, t) in EventType::ALL.iter().enumerate() {
            assert_eq!(t.index(), i);
        }
    }

    #[test]
    fn names_round_trip_and_every_type_has_a_look() {
        for t in EventType::ALL {
            assert_eq!(t.as_str().parse::<EventType>(), Ok(t));
            assert_eq!(
                serde_json::to_string(&t).unwrap_or_default(),
                format!("\"{}\"", t.as_str())
            );
            assert!(t.colour().starts_with('#') && t.colour().len() == 7);
            assert!(t.icon().starts_with('M') && !t.title_ar().is_empty());
        }
        assert!("bombing".parse::<EventType>().is_err());
    }
}

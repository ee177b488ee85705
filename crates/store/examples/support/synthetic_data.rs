//! Random incidents over eastern Syria, the same every run (shared by the
//! `synthetic` example and the ingest benchmark).

use marsad_model::{Counts, DatePrecision, EventType, GeoPrecision, Incident, Place};

const TYPES: [EventType; 8] = [
    EventType::Airstrike,
    EventType::DroneStrike,
    EventType::Shelling,
    EventType::ArmedClash,
    EventType::RaidArrest,
    EventType::DeploymentReinforcement,
    EventType::WithdrawalEvacuation,
    EventType::VisitMeeting,
];

/// A small deterministic generator (xorshift) of numbers in [0, 1).
pub struct Uniform(u64);

impl Uniform {
    pub fn new(seed: u64) -> Self {
        Uniform(seed | 1)
    }

    pub fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Incident `i` with id `{prefix}{i}`: a type in turn, a day in 2019–2024,
/// a point in a 3.5° × 4° box over the Euphrates valley.
pub fn incident(prefix: &str, i: usize, rng: &mut Uniform) -> Incident {
    let start = chrono::NaiveDate::from_ymd_opt(2019, 1, 1).expect("a date");
    Incident {
        id: format!("{prefix}{i:07}"),
        event_type: TYPES[i % TYPES.len()],
        date: start.checked_add_days(chrono::Days::new((rng.next() * 2000.0) as u64)),
        date_precision: DatePrecision::Day,
        date_text: None,
        place: Some(Place {
            id: format!("synthetic:{prefix}{i}"),
            name_ar: "موقع تجريبي".into(),
            name_en: Some("Synthetic site".into()),
            admin1: None,
            admin2: None,
            lat: 33.5 + rng.next() * 3.5,
            lon: 38.5 + rng.next() * 4.0,
        }),
        geo_precision: GeoPrecision::PLACE,
        actors: vec![],
        targets: vec![],
        people: vec![],
        counts: Counts::default(),
        confidence: 0.7,
        source_count: 1,
        reported: None,
        sources: vec![],
        status: Default::default(),
    }
}

/// `n` incidents, the same every run.
pub fn incidents(n: usize) -> Vec<Incident> {
    stream(n).collect()
}

/// [`incidents`] made one at a time.
pub fn stream(n: usize) -> impl Iterator<Item = Incident> {
    let mut rng = Uniform::new(0x9e37_79b9_7f4a_7c15);
    (0..n).map(move |i| incident("s", i, &mut rng))
}

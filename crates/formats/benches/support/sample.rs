//! Incidents like those a listing reads from the store (names, actors,
//! tolls; no sources), for the GeoJSON and CSV tests and benchmark.

use marsad_model::{
    Actor, ActorKind, Counts, DatePrecision, EventType, GeoPrecision, Incident, Place, Qualifier,
};

fn actor(id: &str, ar: &str, en: &str, kind: ActorKind) -> Actor {
    Actor {
        id: id.into(),
        name_ar: ar.into(),
        name_en: en.into(),
        kind,
    }
}

/// Incident `i` of a deterministic sample: types in turn, every third one
/// with a vague toll, every seventh without a place.
pub fn incident(i: usize) -> Incident {
    let types = [
        EventType::DroneStrike,
        EventType::Airstrike,
        EventType::RaidArrest,
        EventType::ArmedClash,
    ];
    let day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1)
        .and_then(|d| d.checked_add_days(chrono::Days::new((i % 700) as u64)));
    let place = (!i.is_multiple_of(7)).then(|| Place {
        id: format!("wof:{}", 890_000_000 + i % 5000),
        name_ar: "البوكمال".into(),
        name_en: Some("Abu Kamal".into()),
        admin1: Some("Deir ez-Zor".into()),
        admin2: Some("Abu Kamal".into()),
        lat: 34.45 + (i % 1000) as f64 * 1e-4,
        lon: 40.92 - (i % 900) as f64 * 1e-4,
    });
    Incident {
        id: format!("inc-{i:08x}"),
        event_type: types[i % types.len()],
        date: day,
        date_precision: DatePrecision::Day,
        date_text: i.is_multiple_of(2).then(|| "فجر اليوم الثلاثاء".into()),
        place,
        geo_precision: GeoPrecision::PLACE,
        actors: vec![actor(
            "us_forces",
            "القوات الأمريكية",
            "US forces",
            ActorKind::ForeignStateForce,
        )],
        targets: vec![actor(
            "irgc",
            "الحرس الثوري",
            "IRGC",
            ActorKind::ForeignStateForce,
        )],
        people: vec![],
        counts: Counts {
            killed: Some((i % 9) as u32),
            injured: i.is_multiple_of(2).then_some(3),
            arrested: None,
            killed_q: if i.is_multiple_of(3) {
                Qualifier::AtLeast
            } else {
                Qualifier::Exact
            },
            ..Counts::default()
        },
        confidence: 0.8 + (i % 10) as f32 / 100.0,
        source_count: 1 + (i % 3) as u32,
        reported: None,
        sources: vec![],
        status: Default::default(),
    }
}

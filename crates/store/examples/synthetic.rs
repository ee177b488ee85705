//! Fills a database with random incidents over eastern Syria, for load tests
//! of the API and the web map:
//! `cargo run --release -p marsad-store --example synthetic -- big.db 50000`.

use marsad_model::{
    Article, Counts, DatePrecision, EventType, Format, GeoPrecision, Incident, Place,
};
use marsad_store::Store;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let db = args.next().ok_or("usage: synthetic DB COUNT")?;
    let n: usize = args.next().ok_or("usage: synthetic DB COUNT")?.parse()?;
    let types = [
        EventType::Airstrike,
        EventType::DroneStrike,
        EventType::Shelling,
        EventType::ArmedClash,
        EventType::RaidArrest,
        EventType::DeploymentReinforcement,
        EventType::WithdrawalEvacuation,
        EventType::VisitMeeting,
    ];
    // A small deterministic generator: the same file every run.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    let article = Article {
        url: None,
        title: Some("synthetic".into()),
        published: None,
        text: format!("synthetic {n}"),
        format: Format::Text,
    };
    let start = chrono::NaiveDate::from_ymd_opt(2019, 1, 1).ok_or("date")?;
    let records: Vec<Incident> = (0..n)
        .map(|i| Incident {
            id: format!("s{i:07}"),
            event_type: types[i % types.len()],
            date: start.checked_add_days(chrono::Days::new((next() * 2000.0) as u64)),
            date_precision: DatePrecision::Day,
            date_text: None,
            place: Some(Place {
                id: format!("synthetic:{i}"),
                name_ar: "موقع تجريبي".into(),
                name_en: Some("Synthetic site".into()),
                admin1: None,
                admin2: None,
                lat: 33.5 + next() * 3.5,
                lon: 38.5 + next() * 4.0,
            }),
            geo_precision: GeoPrecision::PLACE,
            actors: vec![],
            targets: vec![],
            people: vec![],
            counts: Counts::default(),
            confidence: 0.7,
            source_count: 1,
            sources: vec![],
        })
        .collect();
    let mut store = Store::open(std::path::Path::new(&db))?;
    let r = store.ingest(&article, &records)?;
    eprintln!(
        "{db}: {} incidents new, {} merged",
        r.incidents_new.len(),
        r.incidents_merged.len()
    );
    Ok(())
}

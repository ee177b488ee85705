//! The fast GeoJSON path writes what the `geojson` crate's Feature does,
//! and the streaming writers write what the whole-document ones do.
#![allow(clippy::unwrap_used)]

#[path = "../benches/support/sample.rs"]
mod sample;

use marsad_formats::{
    acled_csv, incident_feature, AcledWriter, FirstSources, IncidentCollectionWriter,
    IncidentFeature, MINIMAL_PROPERTIES,
};
use serde_json::{json, Value};

#[test]
fn a_feature_written_straight_is_the_feature_the_geojson_crate_writes() {
    for i in 0..40 {
        let inc = sample::incident(i);
        for d in [None, Some(12.345_678)] {
            let fast = serde_json::to_value(IncidentFeature::new(&inc, d)).unwrap();
            let reference = serde_json::to_value(incident_feature(&inc, d)).unwrap();
            assert_eq!(fast, reference, "incident {i}");
        }
    }
}

#[test]
fn properties_are_the_incident_without_its_point_plus_acled_types() {
    let inc = sample::incident(1);
    let mut expected = serde_json::to_value(&inc).unwrap();
    let m = expected.as_object_mut().unwrap();
    assert!(m.remove("lat").is_some() && m.remove("lon").is_some());
    m.insert(
        "acled_event_type".into(),
        json!("Explosions/Remote violence"),
    );
    m.insert("acled_sub_event_type".into(), json!("Air/drone strike"));
    let f = serde_json::to_value(IncidentFeature::new(&inc, None)).unwrap();
    assert_eq!(f["properties"], expected);
    assert_eq!(f["geometry"]["type"], "Point");
    assert_eq!(f["id"], json!(inc.id));
}

#[test]
fn a_minimal_feature_keeps_only_what_a_map_draws_with() {
    let inc = sample::incident(2);
    let f = serde_json::to_value(IncidentFeature::new(&inc, Some(3.0)).minimal(true)).unwrap();
    let keys: Vec<&str> = f["properties"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert!(
        keys.iter().all(|k| MINIMAL_PROPERTIES.contains(k)),
        "{keys:?}"
    );
    assert_eq!(f["properties"]["distance_km"], 3.0);
    assert_eq!(f["properties"]["place_ar"], "البوكمال");
}

#[test]
fn a_streamed_collection_parses_as_geojson_with_its_members() {
    let incidents: Vec<_> = (0..25).map(sample::incident).collect();
    let mut members = serde_json::Map::new();
    members.insert("numberMatched".into(), json!(25));
    let mut w = IncidentCollectionWriter::start(Vec::new(), &members).unwrap();
    for i in &incidents {
        w.write(&IncidentFeature::new(i, None)).unwrap();
    }
    assert_eq!(w.written(), 25);
    let bytes = w.finish().unwrap();
    let fc: geojson::FeatureCollection = std::str::from_utf8(&bytes).unwrap().parse().unwrap();
    assert_eq!(fc.features.len(), 25);
    assert_eq!(fc.foreign_members.unwrap()["numberMatched"], 25);
    let first: Value = serde_json::to_value(&fc.features[0]).unwrap();
    assert_eq!(
        first,
        serde_json::to_value(incident_feature(&incidents[0], None)).unwrap()
    );

    let empty = IncidentCollectionWriter::start(Vec::new(), &serde_json::Map::new())
        .unwrap()
        .finish()
        .unwrap();
    let fc: geojson::FeatureCollection = std::str::from_utf8(&empty).unwrap().parse().unwrap();
    assert!(fc.features.is_empty());
}

#[test]
fn csv_written_row_by_row_is_the_whole_file() {
    let incidents: Vec<_> = (0..10).map(sample::incident).collect();
    let mut first = FirstSources::default();
    first.insert(
        incidents[3].id.clone(),
        (
            "https://example.org/a".into(),
            "قصفت طائرة مسيّرة موقعاً قرب البلدة.".into(),
        ),
    );
    let whole = acled_csv(&incidents, &first).unwrap();
    let mut w = AcledWriter::start(Vec::new()).unwrap();
    for i in &incidents {
        let f = first.get(&i.id).map(|(s, e)| (s.as_str(), e.as_str()));
        w.write(i, f).unwrap();
    }
    assert_eq!(w.finish().unwrap(), whole);
    let text = String::from_utf8(whole).unwrap();
    assert_eq!(text.lines().count(), 11);
    assert!(text.contains("https://example.org/a"));
}

//! GeoJSON (RFC 7946) through the `geojson` crate: lon,lat order, no `crs`.

use geojson::{Feature, FeatureCollection, Geometry, JsonObject, Value};
use marsad_gazetteer::Place;
use marsad_store::IncidentRecord;
use serde_json::{json, Map};

/// Colour and titles of each layer (one per event type).
pub const LAYERS: &[(&str, &str, &str, &str)] = &[
    ("airstrike", "غارات جوية", "Airstrikes", "#d7301f"),
    (
        "drone_strike",
        "ضربات بطائرات مسيّرة",
        "Drone strikes",
        "#ef6548",
    ),
    ("shelling", "قصف مدفعي وصاروخي", "Shelling", "#fc8d59"),
    ("armed_clash", "اشتباكات", "Armed clashes", "#b30000"),
    (
        "ied_explosion",
        "تفجيرات وعبوات ناسفة",
        "IEDs and explosions",
        "#7f0000",
    ),
    (
        "raid_arrest",
        "مداهمات واعتقالات",
        "Raids and arrests",
        "#6a51a3",
    ),
    (
        "assassination_killing",
        "اغتيالات وعمليات قتل",
        "Assassinations and killings",
        "#3f007d",
    ),
    ("kidnapping", "خطف", "Kidnappings", "#807dba"),
    (
        "deployment_reinforcement",
        "انتشار وتعزيزات",
        "Deployments and reinforcements",
        "#2171b5",
    ),
    (
        "withdrawal_evacuation",
        "انسحاب وإخلاء مقرات",
        "Withdrawals and evacuations",
        "#6baed6",
    ),
    (
        "visit_meeting",
        "زيارات واجتماعات",
        "Visits and meetings",
        "#238b45",
    ),
    (
        "military_exercise",
        "مناورات وتدريبات",
        "Military exercises",
        "#74c476",
    ),
    ("protest", "احتجاجات", "Protests", "#dd3497"),
    ("seizure", "مصادرات", "Seizures", "#8c6d31"),
    ("recruitment", "تجنيد", "Recruitment", "#bd9e39"),
    ("other", "أحداث أخرى", "Other events", "#737373"),
];

/// The index's point for a stored incident.
pub fn point(r: &IncidentRecord) -> Option<marsad_index::IncidentPoint> {
    crate::state::point_of(r)
}

/// An incident as a Feature. `distance_km` is added for radius queries.
pub fn incident_feature(r: &IncidentRecord, distance_km: Option<f64>) -> Feature {
    let geometry = match (r.lon, r.lat) {
        (Some(lon), Some(lat)) => Some(Geometry::new(Value::Point(vec![lon, lat]))),
        _ => None,
    };
    let mut props: JsonObject = match serde_json::to_value(r) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => Map::new(),
    };
    props.remove("lat");
    props.remove("lon");
    props.insert(
        "acled_event_type".into(),
        json!(marsad_extract::EventType::parse(&r.event_type).map(|t| t.acled_event_type())),
    );
    props.insert(
        "acled_sub_event_type".into(),
        json!(marsad_extract::EventType::parse(&r.event_type).map(|t| t.acled_sub_event_type())),
    );
    if let Some(d) = distance_km {
        props.insert("distance_km".into(), json!((d * 1000.0).round() / 1000.0));
    }
    Feature {
        bbox: None,
        geometry,
        id: Some(geojson::feature::Id::String(r.id.clone())),
        properties: Some(props),
        foreign_members: None,
    }
}

/// A place as a Feature.
pub fn place_feature(p: &Place, score: Option<f32>) -> Feature {
    let mut props: JsonObject = match serde_json::to_value(p) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => Map::new(),
    };
    props.remove("lat");
    props.remove("lon");
    props.remove("bbox");
    if let Some(s) = score {
        props.insert("score".into(), json!((s * 1000.0).round() / 1000.0));
    }
    Feature {
        bbox: p.bbox.map(|b| b.to_vec()),
        geometry: Some(Geometry::new(Value::Point(vec![p.lon, p.lat]))),
        id: Some(geojson::feature::Id::String(p.id.clone())),
        properties: Some(props),
        foreign_members: None,
    }
}

/// A FeatureCollection with extra members (`numberMatched`, `links`…).
pub fn collection(
    features: Vec<Feature>,
    members: Map<String, serde_json::Value>,
) -> FeatureCollection {
    FeatureCollection {
        bbox: None,
        features,
        foreign_members: (!members.is_empty()).then_some(members),
    }
}

/// Incidents as ACLED-compatible CSV. `first` maps an incident id to its
/// first report: (source, evidence sentence).
pub fn acled_csv(
    records: &[IncidentRecord],
    first: &rustc_hash::FxHashMap<String, (String, String)>,
) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "event_id",
        "event_date",
        "event_type",
        "sub_event_type",
        "actor1",
        "actor2",
        "admin1",
        "admin2",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "time_precision",
        "source",
        "notes",
        "fatalities",
        "marsad_type",
        "source_count",
    ])?;
    for r in records {
        let ty = marsad_extract::EventType::parse(&r.event_type);
        let names = |v: &[marsad_extract::Actor]| {
            v.iter()
                .map(|a| a.name_en.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        };
        // ACLED time precision: 1 day, 2 week, 3 month or less precise.
        let time_precision = match r.date_precision.as_str() {
            "day" => "1",
            "week" => "2",
            _ => "3",
        };
        let (source, evidence) = first
            .get(&r.id)
            .map(|(s, e)| (s.as_str(), e.as_str()))
            .unwrap_or(("", ""));
        let mut notes = evidence.to_string();
        for (label, v) in [("arrested", r.arrested), ("injured", r.injured)] {
            if let Some(v) = v {
                notes.push_str(&format!(" [{label}: {v}]"));
            }
        }
        w.write_record([
            r.id.as_str(),
            &r.date.map(|d| d.to_string()).unwrap_or_default(),
            ty.map(|t| t.acled_event_type()).unwrap_or(""),
            ty.map(|t| t.acled_sub_event_type()).unwrap_or(""),
            &names(&r.actors),
            &names(&r.targets),
            r.admin1.as_deref().unwrap_or(""),
            r.admin2.as_deref().unwrap_or(""),
            r.place_en.as_deref().unwrap_or(""),
            &r.lat.map(|v| format!("{v:.5}")).unwrap_or_default(),
            &r.lon.map(|v| format!("{v:.5}")).unwrap_or_default(),
            &r.geo_precision.to_string(),
            time_precision,
            source,
            &notes,
            &r.killed.unwrap_or(0).to_string(),
            &r.event_type,
            &r.source_count.to_string(),
        ])?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

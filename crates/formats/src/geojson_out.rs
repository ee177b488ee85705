//! Incidents and places as GeoJSON features: lon,lat order, no `crs`.

use geojson::{Feature, FeatureCollection, Geometry, JsonObject, Value};
use marsad_model::Incident;
use serde_json::{json, Map};

/// The properties a map needs to draw and filter incidents (the popup
/// fetches the rest): a fraction of the bytes for large layers.
pub const MINIMAL_PROPERTIES: &[&str] = &[
    "id",
    "type",
    "date",
    "place_ar",
    "place_en",
    "distance_km",
    "confidence",
];

/// An incident as a Feature, its properties the incident's flat JSON plus
/// ACLED's types. `distance_km` is added for radius queries.
pub fn incident_feature(i: &Incident, distance_km: Option<f64>) -> Feature {
    let geometry = i
        .lat_lon()
        .map(|(lat, lon)| Geometry::new(Value::Point(vec![lon, lat])));
    let mut props: JsonObject = match serde_json::to_value(i) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => Map::new(),
    };
    props.remove("lat");
    props.remove("lon");
    props.insert(
        "acled_event_type".into(),
        json!(i.event_type.acled_event_type()),
    );
    props.insert(
        "acled_sub_event_type".into(),
        json!(i.event_type.acled_sub_event_type()),
    );
    if let Some(d) = distance_km {
        props.insert("distance_km".into(), json!((d * 1000.0).round() / 1000.0));
    }
    Feature {
        bbox: None,
        geometry,
        id: Some(geojson::feature::Id::String(i.id.clone())),
        properties: Some(props),
        foreign_members: None,
    }
}

/// The feature with only [`MINIMAL_PROPERTIES`].
pub fn minimal(mut f: Feature) -> Feature {
    if let Some(props) = f.properties.as_mut() {
        props.retain(|k, _| MINIMAL_PROPERTIES.contains(&k.as_str()));
    }
    f
}

/// A gazetteer place as a Feature (`score` for search results).
pub fn place_feature(p: &marsad_gazetteer::Place, score: Option<f32>) -> Feature {
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

//! Incidents and places as GeoJSON features: lon,lat order, no `crs`.

use std::io::Write;

use geojson::{Feature, FeatureCollection, Geometry, JsonObject, Value};
use marsad_model::Incident;
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
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
    let view = IncidentFeature::new(i, distance_km);
    let properties = match serde_json::to_value(Properties(view)) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => Map::new(),
    };
    let geometry = i
        .lat_lon()
        .map(|(lat, lon)| Geometry::new(Value::Point(vec![lon, lat])));
    Feature {
        bbox: None,
        geometry,
        id: Some(geojson::feature::Id::String(i.id.clone())),
        properties: Some(properties),
        foreign_members: None,
    }
}

/// An incident as a Feature, serialised straight from the incident: the
/// JSON of [`incident_feature`] (a test holds them equal) without a
/// `serde_json` map built per feature, which is most of the cost of a
/// large page or download.
#[derive(Debug, Clone, Copy)]
pub struct IncidentFeature<'a> {
    incident: &'a Incident,
    distance_km: Option<f64>,
    minimal: bool,
}

impl<'a> IncidentFeature<'a> {
    /// The feature of `incident`, with its distance from a query point.
    pub fn new(incident: &'a Incident, distance_km: Option<f64>) -> Self {
        IncidentFeature {
            incident,
            distance_km,
            minimal: false,
        }
    }

    /// With only [`MINIMAL_PROPERTIES`] when `minimal`.
    pub fn minimal(self, minimal: bool) -> Self {
        IncidentFeature { minimal, ..self }
    }
}

/// A point geometry as RFC 7946 writes it; `geojson::Geometry` would build
/// a JSON map to serialise each one.
#[derive(Serialize)]
struct PointGeometry {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: [f64; 2],
}

impl Serialize for IncidentFeature<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let geometry = self.incident.lat_lon().map(|(lat, lon)| PointGeometry {
            kind: "Point",
            coordinates: [lon, lat],
        });
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("type", "Feature")?;
        m.serialize_entry("id", &self.incident.id)?;
        m.serialize_entry("geometry", &geometry)?;
        m.serialize_entry("properties", &Properties(*self))?;
        m.end()
    }
}

/// A feature's properties: the incident's fields but its point, ACLED's
/// types, the distance.
struct Properties<'a>(IncidentFeature<'a>);

impl Serialize for Properties<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let IncidentFeature {
            incident: i,
            distance_km,
            minimal,
        } = self.0;
        let keep = |k: &str| !minimal || MINIMAL_PROPERTIES.contains(&k);
        let mut m = s.serialize_map(None)?;
        i.serialize_attributes(&mut m, &keep)?;
        if keep("acled_event_type") {
            m.serialize_entry("acled_event_type", i.event_type.acled_event_type())?;
            m.serialize_entry("acled_sub_event_type", i.event_type.acled_sub_event_type())?;
        }
        if let Some(d) = distance_km {
            m.serialize_entry("distance_km", &((d * 1000.0).round() / 1000.0))?;
        }
        m.end()
    }
}

/// Writes a FeatureCollection of incidents as they come, in the memory of
/// one feature: its foreign members (`numberMatched`…) first, then each
/// feature. The framing is the one `geojson::FeatureWriter` writes; that
/// writer serialises each feature through a `serde_json::Value`.
pub struct IncidentCollectionWriter<W: Write> {
    w: W,
    features: usize,
}

impl<W: Write> IncidentCollectionWriter<W> {
    /// Starts the collection with `members`.
    pub fn start(mut w: W, members: &Map<String, serde_json::Value>) -> crate::Result<Self> {
        w.write_all(br#"{"type":"FeatureCollection""#)?;
        for (k, v) in members {
            w.write_all(b",")?;
            serde_json::to_writer(&mut w, k)?;
            w.write_all(b":")?;
            serde_json::to_writer(&mut w, v)?;
        }
        w.write_all(br#","features":["#)?;
        Ok(IncidentCollectionWriter { w, features: 0 })
    }

    /// Appends one feature.
    pub fn write(&mut self, feature: &IncidentFeature<'_>) -> crate::Result<()> {
        if self.features > 0 {
            self.w.write_all(b",")?;
        }
        serde_json::to_writer(&mut self.w, feature)?;
        self.features += 1;
        Ok(())
    }

    /// Appends one feature already serialised (by [`IncidentFeature`]).
    pub fn write_serialized(&mut self, feature: &[u8]) -> crate::Result<()> {
        if self.features > 0 {
            self.w.write_all(b",")?;
        }
        self.w.write_all(feature)?;
        self.features += 1;
        Ok(())
    }

    /// How many features were written.
    pub fn written(&self) -> usize {
        self.features
    }

    /// Ends the collection; gives back the writer, flushed.
    pub fn finish(mut self) -> crate::Result<W> {
        self.w.write_all(b"]}")?;
        self.w.flush()?;
        Ok(self.w)
    }
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

/// A place as an incident records it, for the places the gazetteer lacks
/// (an unlisted village the text locates, a point of a user's own): its
/// id, names and admin units at its point.
pub fn recorded_place_feature(p: &marsad_model::Place) -> Feature {
    let mut props = Map::new();
    props.insert("id".into(), json!(p.id));
    props.insert("name_ar".into(), json!(p.name_ar));
    props.insert("name_en".into(), json!(p.name_en));
    props.insert("admin1".into(), json!(p.admin1));
    props.insert("admin2".into(), json!(p.admin2));
    Feature {
        bbox: None,
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

//! The OpenAPI document as a test oracle: whether an answer is one the
//! document lists for its operation, with a body its schema accepts
//! (JSON Schema 2020-12, formats included), GeoJSON as RFC 7946 has it,
//! CSV that parses and vector tiles that decode.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use axum::http::Method;
use serde_json::{json, Value};

/// An answer as a client sees it.
pub struct Answer {
    pub method: Method,
    pub uri: String,
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// The document, its validators as they are needed, and which
/// operations were asked.
pub struct Contract {
    doc: Value,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
    /// Bodies already found valid, by schema and content: the same
    /// document (a basemap, the OpenAPI document) is checked once.
    valid: Mutex<HashSet<(String, u64)>>,
    asked: Mutex<HashSet<(String, String)>>,
}

/// `/` and `~` escaped for a JSON pointer.
fn token(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn digest(body: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut h);
    h.finish()
}

impl Contract {
    pub fn new(doc: &Value) -> Self {
        Contract {
            doc: doc.clone(),
            validators: Mutex::default(),
            valid: Mutex::default(),
            asked: Mutex::default(),
        }
    }

    /// Panics unless every documented operation was asked at least once.
    pub fn covers(&self, routes: &[(String, String)]) {
        let asked = self.asked.lock().unwrap();
        let missing: Vec<_> = routes
            .iter()
            .filter(|(m, p)| !asked.contains(&(m.clone(), p.clone())))
            .collect();
        assert!(missing.is_empty(), "operations never asked: {missing:?}");
    }

    /// The validator of the schema at `pointer` (into the document, whose
    /// components its `$ref`s name).
    fn validator(&self, pointer: &str) -> Result<Arc<jsonschema::Validator>, String> {
        if let Some(v) = self.validators.lock().unwrap().get(pointer) {
            return Ok(v.clone());
        }
        // The schema with the document's components beside it, so its
        // `#/components/…` references resolve (an unknown keyword there).
        let schema = self
            .doc
            .pointer(pointer)
            .ok_or_else(|| format!("no schema at {pointer}"))?;
        let mut root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "allOf": [schema],
        });
        root["components"] = self.doc["components"].clone();
        let v = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("the schema at {pointer} does not compile: {e}"))?;
        let v = Arc::new(v);
        self.validators
            .lock()
            .unwrap()
            .insert(pointer.to_string(), v.clone());
        Ok(v)
    }

    /// Whether `a` is an answer the document lists for `template`'s
    /// operation, with a body its schema accepts.
    pub fn check(&self, template: &str, a: &Answer) -> Result<(), String> {
        let method = a.method.as_str().to_ascii_lowercase();
        let what = || format!("{} {} → {}", a.method, a.uri, a.status);
        self.asked
            .lock()
            .unwrap()
            .insert((method.clone(), template.to_string()));
        if a.status >= 500 {
            return Err(format!("{}: a server error: {}", what(), a.text()));
        }
        let op = format!("/paths/{}/{method}", token(template));
        if self.doc.pointer(&op).is_none() {
            return Err(format!("{}: {template} is not documented", what()));
        }
        let status = a.status.to_string();
        let answer = format!("{op}/responses/{status}");
        let Some(listed) = self.doc.pointer(&answer) else {
            return Err(format!("{}: status not listed for {template}", what()));
        };
        let Some(content) = listed.get("content").and_then(Value::as_object) else {
            return Ok(());
        };
        let media = a
            .content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        if !content.contains_key(&media) {
            return Err(format!(
                "{}: media type {media:?} not among {:?}",
                what(),
                content.keys().collect::<Vec<_>>()
            ));
        }
        let pointer = format!("{answer}/content/{}/schema", token(&media));
        let key = (pointer.clone(), digest(&a.body));
        if self.valid.lock().unwrap().contains(&key) {
            return Ok(());
        }
        match media.as_str() {
            m if m == "application/json" || m.ends_with("+json") => {
                let body: Value = serde_json::from_slice(&a.body)
                    .map_err(|e| format!("{}: not JSON: {e}", what()))?;
                let validator = self.validator(&pointer)?;
                let errors: Vec<String> = validator
                    .iter_errors(&body)
                    .take(5)
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .collect();
                if !errors.is_empty() {
                    return Err(format!(
                        "{}: the schema refuses it: {}",
                        what(),
                        errors.join("; ")
                    ));
                }
                if m == "application/geo+json" {
                    rfc7946(&body).map_err(|e| format!("{}: not RFC 7946 GeoJSON: {e}", what()))?;
                }
            }
            "text/csv" => {
                let mut rows = csv::Reader::from_reader(a.body.as_slice());
                for row in rows.records() {
                    row.map_err(|e| format!("{}: CSV: {e}", what()))?;
                }
            }
            "application/vnd.mapbox-vector-tile" => {
                use prost::Message;
                tinymvt::vector_tile::Tile::decode(a.body.as_slice())
                    .map_err(|e| format!("{}: not a vector tile: {e}", what()))?;
            }
            _ => {}
        }
        self.valid.lock().unwrap().insert(key);
        Ok(())
    }
}

/// Whether a GeoJSON document is as RFC 7946 has it: the structure (the
/// `geojson` crate's reading), positions of two or three finite numbers
/// with longitude in [-180, 180] and latitude in [-90, 90], bounding boxes
/// with their south below their north, ids strings or numbers.
pub fn rfc7946(v: &Value) -> Result<(), String> {
    let doc = geojson::GeoJson::from_json_value(v.clone()).map_err(|e| e.to_string())?;
    let bbox = |b: &Option<Vec<f64>>| -> Result<(), String> {
        match b.as_deref() {
            None => Ok(()),
            Some([w, s, e, n]) | Some([w, s, _, e, n, _]) => {
                let lon = -180.0..=180.0;
                let lat = -90.0..=90.0;
                if lon.contains(w)
                    && lon.contains(e)
                    && lat.contains(s)
                    && lat.contains(n)
                    && s <= n
                {
                    Ok(())
                } else {
                    Err(format!("bbox {b:?}"))
                }
            }
            Some(other) => Err(format!("bbox of {} numbers", other.len())),
        }
    };
    let feature = |f: &geojson::Feature| -> Result<(), String> {
        bbox(&f.bbox)?;
        if let Some(g) = &f.geometry {
            bbox(&g.bbox)?;
            geometry(&g.value)?;
        }
        Ok(())
    };
    match &doc {
        geojson::GeoJson::FeatureCollection(fc) => {
            bbox(&fc.bbox)?;
            fc.features.iter().try_for_each(feature)
        }
        geojson::GeoJson::Feature(f) => feature(f),
        geojson::GeoJson::Geometry(g) => geometry(&g.value),
    }
}

fn position(p: &[f64]) -> Result<(), String> {
    match p {
        [lon, lat] | [lon, lat, _]
            if (-180.0..=180.0).contains(lon) && (-90.0..=90.0).contains(lat) =>
        {
            Ok(())
        }
        _ => Err(format!("position {p:?}")),
    }
}

fn geometry(g: &geojson::Value) -> Result<(), String> {
    use geojson::Value as G;
    match g {
        G::Point(p) => position(p),
        G::MultiPoint(ps) | G::LineString(ps) => ps.iter().try_for_each(|p| position(p)),
        G::MultiLineString(ls) | G::Polygon(ls) => {
            ls.iter().flatten().try_for_each(|p| position(p))
        }
        G::MultiPolygon(polys) => polys
            .iter()
            .flatten()
            .flatten()
            .try_for_each(|p| position(p)),
        G::GeometryCollection(gs) => gs.iter().try_for_each(|g| geometry(&g.value)),
    }
}

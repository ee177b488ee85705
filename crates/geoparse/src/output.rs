//! The JSON shape of `marsad geocode`.

use serde::Serialize;

use marsad_gazetteer::Gazetteer;

use crate::Toponym;

/// `{"toponyms": [...]}`.
#[derive(Debug, Serialize)]
pub struct GeocodeOutput {
    /// The mentions, in text order.
    pub toponyms: Vec<ToponymOut>,
}

/// One mention as printed.
#[derive(Debug, Serialize)]
pub struct ToponymOut {
    /// The words as written, clitics included.
    pub surface: String,
    /// Start, code points.
    pub start: usize,
    /// End (exclusive), code points.
    pub end: usize,
    /// Gazetteer id.
    pub place_id: String,
    /// Arabic name.
    pub name_ar: String,
    /// English name.
    pub name_en: String,
    /// Kind of place.
    pub kind: &'static str,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Governorate / first-level unit.
    pub admin1: Option<String>,
    /// District / second-level unit.
    pub admin2: Option<String>,
    /// Confidence in [0, 1].
    pub confidence: f32,
    /// Radius of doubt in km (wider for «ريف X»).
    pub precision_km: f32,
    /// Other readings.
    pub alternatives: Vec<Alternative>,
    /// For a place the gazetteer does not have (`place_id` starts with
    /// `unlisted:`): the gazetteer place the text puts it in or near, whose
    /// point it is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub located_in: Option<LocatedIn>,
}

/// The known place an unlisted one is located by.
#[derive(Debug, Serialize)]
pub struct LocatedIn {
    /// Gazetteer id.
    pub place_id: String,
    /// Arabic name.
    pub name_ar: String,
    /// English name.
    pub name_en: String,
}

/// Another place the name could mean.
#[derive(Debug, Serialize)]
pub struct Alternative {
    /// Gazetteer id.
    pub place_id: String,
    /// English name.
    pub name_en: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Score relative to the chosen place (1 = as good).
    pub score: f32,
}

impl ToponymOut {
    /// The printable form of a toponym.
    pub fn new(gaz: &Gazetteer, t: &Toponym) -> Self {
        let p = gaz.place(t.place);
        if let Some(u) = &t.unlisted {
            return ToponymOut {
                surface: t.surface.clone(),
                start: t.start,
                end: t.end,
                place_id: u.id(p),
                name_ar: u.name.clone(),
                name_en: String::new(),
                kind: u.kind.as_str(),
                lat: p.lat,
                lon: p.lon,
                admin1: p.admin1.clone(),
                admin2: p.admin2.clone(),
                confidence: t.confidence,
                precision_km: u.precision_km(p),
                alternatives: Vec::new(),
                located_in: Some(LocatedIn {
                    place_id: p.id.clone(),
                    name_ar: p.name_ar.clone(),
                    name_en: p.name_en.clone(),
                }),
            };
        }
        ToponymOut {
            surface: t.surface.clone(),
            start: t.start,
            end: t.end,
            place_id: p.id.clone(),
            name_ar: p.name_ar.clone(),
            name_en: p.name_en.clone(),
            kind: p.kind.as_str(),
            lat: p.lat,
            lon: p.lon,
            admin1: p.admin1.clone(),
            admin2: p.admin2.clone(),
            confidence: t.confidence,
            located_in: None,
            precision_km: if t.vicinity && p.kind.is_settlement() {
                p.precision_km.max(15.0)
            } else {
                p.precision_km
            },
            alternatives: t
                .alternatives
                .iter()
                .map(|&(i, score)| {
                    let a = gaz.place(i);
                    Alternative {
                        place_id: a.id.clone(),
                        name_en: a.name_en.clone(),
                        lat: a.lat,
                        lon: a.lon,
                        score,
                    }
                })
                .collect(),
        }
    }
}

impl GeocodeOutput {
    /// The printable form of a geoparse result.
    pub fn new(gaz: &Gazetteer, toponyms: &[Toponym]) -> Self {
        GeocodeOutput {
            toponyms: toponyms.iter().map(|t| ToponymOut::new(gaz, t)).collect(),
        }
    }
}

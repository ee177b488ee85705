//! The JSON shape of `marsad extract`.

use serde::Serialize;

use marsad_model::GeoPrecision;

use crate::{Actor, Article, DatePrecision, Extraction, Extractor, Incident, Qualifier};

/// One article's line of `marsad extract`.
#[derive(Debug, Serialize)]
pub struct ArticleOut {
    /// The file stem (or another name for the input).
    pub article: String,
    /// The source address, if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Publication date.
    pub published: Option<String>,
    /// Every place mention, as `marsad geocode` prints them.
    pub toponyms: Vec<marsad_geoparse::ToponymOut>,
    /// The incidents.
    pub incidents: Vec<IncidentOut>,
}

/// The qualifier of each count that is not exact.
#[derive(Debug, Serialize, Default)]
pub struct CountQualifiers {
    /// Of `killed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub killed: Option<Qualifier>,
    /// Of `injured`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub injured: Option<Qualifier>,
    /// Of `arrested`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrested: Option<Qualifier>,
}

/// The evidence sentence.
#[derive(Debug, Serialize)]
pub struct Evidence {
    /// Start, code points into the article text.
    pub start: usize,
    /// End (exclusive).
    pub end: usize,
    /// The sentence.
    pub text: String,
}

/// One incident as printed.
#[derive(Debug, Serialize)]
#[allow(missing_docs)]
pub struct IncidentOut {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: &'static str,
    pub acled_event_type: &'static str,
    pub acled_sub_event_type: &'static str,
    pub date: Option<String>,
    pub date_precision: DatePrecision,
    pub date_text: Option<String>,
    pub place_id: Option<String>,
    pub place_ar: Option<String>,
    pub place_en: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub geo_precision: GeoPrecision,
    pub actors: Vec<Actor>,
    pub targets: Vec<Actor>,
    pub people: Vec<String>,
    pub killed: Option<u32>,
    pub injured: Option<u32>,
    pub arrested: Option<u32>,
    pub count_qualifiers: CountQualifiers,
    pub evidence: Evidence,
    pub confidence: f32,
    /// What the confidence model read (`marsad extract --features`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub features: Option<std::collections::BTreeMap<&'static str, f32>>,
}

/// The qualifier of a count worth printing: how inexact a number is, or how
/// many a text that gives no number says («عشرات»).
fn q(v: Option<u32>, q: Qualifier) -> Option<Qualifier> {
    (q != Qualifier::Exact && (v.is_some() || q.is_vague())).then_some(q)
}

impl IncidentOut {
    /// The printable form of an incident.
    pub fn new(i: &Incident) -> Self {
        let place = i.place.as_ref();
        let source = i.sources.first();
        IncidentOut {
            id: i.id.clone(),
            event_type: i.event_type.as_str(),
            acled_event_type: i.event_type.acled_event_type(),
            acled_sub_event_type: i.event_type.acled_sub_event_type(),
            date: i.date.map(|d| d.to_string()),
            date_precision: i.date_precision,
            date_text: i.date_text.clone(),
            place_id: place.map(|p| p.id.clone()),
            place_ar: place.map(|p| p.name_ar.clone()),
            place_en: place.and_then(|p| p.name_en.clone()),
            lat: place.map(|p| p.lat),
            lon: place.map(|p| p.lon),
            geo_precision: i.geo_precision,
            actors: i.actors.clone(),
            targets: i.targets.clone(),
            people: i.people.clone(),
            killed: i.counts.killed,
            injured: i.counts.injured,
            arrested: i.counts.arrested,
            count_qualifiers: CountQualifiers {
                killed: q(i.counts.killed, i.counts.killed_q),
                injured: q(i.counts.injured, i.counts.injured_q),
                arrested: q(i.counts.arrested, i.counts.arrested_q),
            },
            evidence: Evidence {
                start: source.map_or(0, |s| s.start),
                end: source.map_or(0, |s| s.end),
                text: source.map(|s| s.evidence.clone()).unwrap_or_default(),
            },
            confidence: i.confidence,
            features: None,
        }
    }
}

impl ArticleOut {
    /// The printable form of an article's extraction.
    pub fn new(name: &str, article: &Article, ex: &Extractor<'_>, x: &Extraction) -> Self {
        ArticleOut {
            article: name.to_string(),
            url: article.url.clone(),
            title: article.title.clone(),
            published: article.published.map(|d| d.to_string()),
            toponyms: x
                .toponyms
                .iter()
                .map(|t| marsad_geoparse::ToponymOut::new(ex.gazetteer(), t))
                .collect(),
            incidents: x.incidents.iter().map(IncidentOut::new).collect(),
        }
    }

    /// The same, with what the confidence model read of each incident.
    pub fn with_features(mut self, x: &Extraction) -> Self {
        for (out, f) in self.incidents.iter_mut().zip(&x.features) {
            out.features = Some(f.named().collect());
        }
        self
    }
}

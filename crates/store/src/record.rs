//! What the store keeps: articles, incidents (with place facts copied in, so
//! the store never needs the gazetteer to answer), and sources.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use marsad_extract::{Actor, Article, Incident, Qualifier};
use marsad_gazetteer::Gazetteer;
use serde::{Deserialize, Serialize};

/// An article as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleRecord {
    /// Hash of the normalised text.
    pub id: String,
    /// Source address.
    pub url: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Outlet (the address's host).
    pub outlet: Option<String>,
    /// Publication date.
    pub published: Option<NaiveDate>,
    /// The text.
    pub text: String,
}

impl ArticleRecord {
    /// The stored form of an article.
    pub fn new(a: &Article) -> Self {
        ArticleRecord {
            id: a.id(),
            url: a.url.clone(),
            title: a.title.clone(),
            outlet: a.outlet(),
            published: a.published,
            text: a.text.clone(),
        }
    }
}

/// One article's report of an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// The article.
    pub article_id: String,
    /// Its address.
    pub url: Option<String>,
    /// Its headline.
    pub title: Option<String>,
    /// Its outlet.
    pub outlet: Option<String>,
    /// Its publication date.
    pub published: Option<NaiveDate>,
    /// Evidence start, code points into the article text.
    pub start: usize,
    /// Evidence end (exclusive).
    pub end: usize,
    /// The evidence sentence.
    pub evidence: String,
}

/// An incident as stored and served.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentRecord {
    /// Stable id.
    pub id: String,
    /// Event type (`airstrike`, `raid_arrest`…).
    #[serde(rename = "type")]
    pub event_type: String,
    /// Date, if known.
    pub date: Option<NaiveDate>,
    /// `day`, `week`, `month` or `unknown`.
    pub date_precision: String,
    /// Words that gave the date.
    pub date_text: Option<String>,
    /// Gazetteer id of the place.
    pub place_id: Option<String>,
    /// Arabic place name.
    pub place_ar: Option<String>,
    /// English place name.
    pub place_en: Option<String>,
    /// Governorate.
    pub admin1: Option<String>,
    /// District.
    pub admin2: Option<String>,
    /// Latitude.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// ACLED geo precision 1–3.
    pub geo_precision: u8,
    /// Who did it.
    pub actors: Vec<Actor>,
    /// To whom.
    pub targets: Vec<Actor>,
    /// Named people.
    pub people: Vec<String>,
    /// Killed.
    pub killed: Option<u32>,
    /// Injured.
    pub injured: Option<u32>,
    /// Arrested.
    pub arrested: Option<u32>,
    /// Qualifier of each inexact count (`killed` → `at_least`).
    pub count_qualifiers: BTreeMap<String, Qualifier>,
    /// Confidence in [0, 1].
    pub confidence: f32,
    /// How many articles report it.
    pub source_count: u32,
    /// The reports (filled when one incident is fetched).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Source>,
}

impl IncidentRecord {
    /// The stored form of an extracted incident, with its place's facts.
    pub fn new(i: &Incident, gaz: &Gazetteer, article: &ArticleRecord) -> Self {
        let place = i.place.map(|p| gaz.place(p));
        let mut q = BTreeMap::new();
        for (name, v, qual) in [
            ("killed", i.counts.killed, i.counts.killed_q),
            ("injured", i.counts.injured, i.counts.injured_q),
            ("arrested", i.counts.arrested, i.counts.arrested_q),
        ] {
            if (v.is_some() || qual.is_vague()) && qual != Qualifier::Exact {
                q.insert(name.to_string(), qual);
            }
        }
        IncidentRecord {
            id: i.id.clone(),
            event_type: i.event_type.as_str().to_string(),
            date: i.date,
            date_precision: i.date_precision.as_str().to_string(),
            date_text: i.date_text.clone(),
            // A place the gazetteer lacks keeps its own name and is mapped
            // at the place the text locates it by.
            place_id: place.map(|p| {
                i.unlisted
                    .as_ref()
                    .map_or_else(|| p.id.clone(), |u| u.id(p))
            }),
            place_ar: i
                .unlisted
                .as_ref()
                .map(|u| u.name.clone())
                .or_else(|| place.map(|p| p.name_ar.clone())),
            place_en: place
                .filter(|_| i.unlisted.is_none())
                .map(|p| p.name_en.clone()),
            admin1: place.and_then(|p| p.admin1.clone()),
            admin2: place.and_then(|p| p.admin2.clone()),
            lat: place.map(|p| p.lat),
            lon: place.map(|p| p.lon),
            geo_precision: i.geo_precision,
            actors: i.actors.clone(),
            targets: i.targets.clone(),
            people: i.people.clone(),
            killed: i.counts.killed,
            injured: i.counts.injured,
            arrested: i.counts.arrested,
            count_qualifiers: q,
            confidence: i.confidence,
            source_count: 1,
            sources: vec![Source {
                article_id: article.id.clone(),
                url: article.url.clone(),
                title: article.title.clone(),
                outlet: article.outlet.clone(),
                published: article.published,
                start: i.evidence.0,
                end: i.evidence.1,
                evidence: i.evidence_text.clone(),
            }],
        }
    }
}

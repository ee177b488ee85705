//! The incident row both backends store, and its conversion to the model.

use chrono::NaiveDate;
use std::sync::Arc;

use marsad_model::{
    report_distance, same_incident, Counts, DatePrecision, EventType, GeoPrecision, Incident,
    IncidentPoint, Place, Scope,
};

use crate::{Error, Result};

/// The incident columns, in the order [`Columns`] reads them (a macro, so
/// that queries are one literal).
macro_rules! incident_columns {
    () => {
        "id, type, date, date_precision, date_text, place_id, place_ar, place_en, admin1, admin2, lat, lon, \
         geo_precision, actors, targets, people, killed, injured, arrested, count_qualifiers, confidence, \
         source_count, reported, status"
    };
}
pub(crate) use incident_columns;

/// The columns of an index point, in the order [`PointColumns`] reads
/// them, then the change number.
macro_rules! point_columns {
    () => {
        "id, type, date, lat, lon, confidence, geo_precision, actors, targets, status, change_seq"
    };
}
pub(crate) use point_columns;

/// What an index point needs of a row: no names, tolls or sources, and of
/// the actors and targets only their ids. A server loads a million of these
/// at start-up, so the text is borrowed from the row, not copied.
pub(crate) struct PointColumns<'a> {
    pub id: &'a str,
    pub event_type: &'a str,
    pub date: Option<NaiveDate>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub confidence: f32,
    pub geo_precision: u8,
    pub actors: &'a str,
    pub targets: &'a str,
    pub status: &'a str,
}

/// An actor or target as stored, read for its id alone.
#[derive(serde::Deserialize)]
struct Party<'a> {
    #[serde(borrow)]
    id: std::borrow::Cow<'a, str>,
}

impl PointColumns<'_> {
    /// The index point; `None` for an incident without a place.
    pub(crate) fn into_point(self) -> Result<Option<IncidentPoint>> {
        let (Some(lat), Some(lon)) = (self.lat, self.lon) else {
            return Ok(None);
        };
        let mut parties: Vec<Party<'_>> = from_json(self.actors, "actors")?;
        parties.extend(from_json::<Vec<Party<'_>>>(self.targets, "targets")?);
        Ok(Some(IncidentPoint {
            id: self.id.into(),
            lon,
            lat,
            event_type: parse_type(self.event_type)?,
            date: self.date,
            confidence: self.confidence,
            geo_precision: GeoPrecision::new(self.geo_precision),
            actors: parties.into_iter().map(|p| Arc::from(p.id)).collect(),
            status: parse_status(self.status)?,
        }))
    }
}

fn parse_status(s: &str) -> Result<marsad_model::ReviewStatus> {
    s.parse().map_err(|e: marsad_model::Error| Error::Corrupt {
        column: "status",
        message: e.to_string(),
    })
}

fn parse_type(s: &str) -> Result<EventType> {
    s.parse().map_err(|e: marsad_model::Error| Error::Corrupt {
        column: "type",
        message: e.to_string(),
    })
}

/// One incident row as read, before it is checked.
pub(crate) struct Columns {
    pub id: String,
    pub event_type: String,
    pub date: Option<NaiveDate>,
    pub date_precision: String,
    pub date_text: Option<String>,
    pub place_id: Option<String>,
    pub place_ar: Option<String>,
    pub place_en: Option<String>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub geo_precision: u8,
    pub actors: String,
    pub targets: String,
    pub people: String,
    pub killed: Option<u32>,
    pub injured: Option<u32>,
    pub arrested: Option<u32>,
    pub count_qualifiers: String,
    pub confidence: f32,
    pub source_count: u32,
    pub reported: Option<NaiveDate>,
    pub status: String,
}

impl Columns {
    /// The model incident (without sources).
    pub(crate) fn into_incident(self) -> Result<Incident> {
        // A point without a gazetteer id (rows written by hand or by tools)
        // still maps.
        let place = match (self.place_id, self.lat, self.lon) {
            (id, Some(lat), Some(lon)) => Some(Place {
                id: id.unwrap_or_default(),
                name_ar: self.place_ar.unwrap_or_default(),
                name_en: self.place_en,
                admin1: self.admin1,
                admin2: self.admin2,
                lat,
                lon,
            }),
            _ => None,
        };
        let event_type = parse_type(&self.event_type)?;
        Ok(Incident {
            id: self.id,
            event_type,
            date: self.date,
            date_precision: DatePrecision::parse(&self.date_precision),
            date_text: self.date_text,
            place,
            geo_precision: GeoPrecision::new(self.geo_precision),
            actors: from_json(&self.actors, "actors")?,
            targets: from_json(&self.targets, "targets")?,
            people: from_json(&self.people, "people")?,
            counts: Counts::from_parts(
                self.killed,
                self.injured,
                self.arrested,
                &from_json(&self.count_qualifiers, "count_qualifiers")?,
            ),
            confidence: self.confidence,
            source_count: self.source_count,
            reported: self.reported,
            sources: Vec::new(),
            status: parse_status(&self.status)?,
        })
    }
}

/// The stored incident a new report tells again, among `candidates` near
/// it in space and time: of those [`same_incident`] accepts across
/// articles, the nearest ([`report_distance`]). Incidents this article
/// already wrote (`own`) are never candidates: within one article the
/// extractor has decided which reports are one incident.
pub(crate) fn nearest_report(
    inc: &Incident,
    candidates: impl IntoIterator<Item = Result<Incident>>,
    own: &std::collections::HashSet<String>,
) -> Result<Option<Incident>> {
    let mut best: Option<((bool, i64, f64), Incident)> = None;
    for c in candidates {
        let c = c?;
        if own.contains(&c.id) || !same_incident(&c, inc, Scope::Articles) {
            continue;
        }
        let d = report_distance(&c, inc);
        let nearer = best.as_ref().is_none_or(|(b, _)| {
            (d.0, d.1)
                .cmp(&(b.0, b.1))
                .then(d.2.total_cmp(&b.2))
                .is_lt()
        });
        if nearer {
            best = Some((d, c));
        }
    }
    Ok(best.map(|(_, c)| c))
}

/// The types a report of `t` may be stored as by another outlet
/// ([`EventType::same_kind`]), as the merge lookup filters them.
pub(crate) fn kindred_types(t: EventType) -> Vec<&'static str> {
    EventType::ALL
        .iter()
        .filter(|k| t.same_kind(**k))
        .map(|k| k.as_str())
        .collect()
}

/// A value as JSON.
pub(crate) fn to_json_value<T: serde::Serialize>(v: &T) -> Result<serde_json::Value> {
    serde_json::to_value(v).map_err(|source| Error::Json {
        column: "review",
        source,
    })
}

/// A JSON column's text.
pub(crate) fn to_json<T: serde::Serialize>(v: &T, column: &'static str) -> Result<String> {
    serde_json::to_string(v).map_err(|source| Error::Json { column, source })
}

fn from_json<'a, T: serde::Deserialize<'a>>(s: &'a str, column: &'static str) -> Result<T> {
    serde_json::from_str(s).map_err(|source| Error::Json { column, source })
}

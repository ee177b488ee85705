//! An incident as a map index sees it: its point and what queries filter
//! on, without the record.

use std::sync::Arc;

use chrono::NaiveDate;

use crate::{EventType, GeoPrecision, Incident};

/// An incident as the index sees it: its point and the attributes queries
/// filter on.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentPoint {
    /// Incident id.
    pub id: Arc<str>,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
    /// What happened.
    pub event_type: EventType,
    /// Date, if known.
    pub date: Option<NaiveDate>,
    /// Confidence.
    pub confidence: f32,
    /// ACLED geo precision.
    pub geo_precision: GeoPrecision,
    /// Actor and target ids.
    pub actors: Arc<[Arc<str>]>,
    /// Where it stands with its reviewers.
    pub status: crate::ReviewStatus,
}

impl IncidentPoint {
    /// A point with default attributes.
    pub fn new(id: &str, lat: f64, lon: f64) -> Self {
        IncidentPoint {
            id: id.into(),
            lon,
            lat,
            event_type: EventType::Other,
            date: None,
            confidence: 1.0,
            geo_precision: GeoPrecision::PLACE,
            actors: Arc::new([]),
            status: crate::ReviewStatus::Unreviewed,
        }
    }

    /// The point of an incident, with the attributes queries filter on;
    /// `None` for an incident without a place.
    pub fn of(i: &Incident) -> Option<Self> {
        let (lat, lon) = i.lat_lon()?;
        Some(IncidentPoint {
            confidence: i.confidence,
            geo_precision: i.geo_precision,
            status: i.status,
            ..IncidentPoint::new(&i.id, lat, lon)
                .with_type(i.event_type)
                .with_date(i.date)
                .with_actors(i.actors.iter().chain(&i.targets).map(|a| a.id.as_str()))
        })
    }

    /// With an event type.
    pub fn with_type(mut self, t: EventType) -> Self {
        self.event_type = t;
        self
    }

    /// With a date.
    pub fn with_date(mut self, d: Option<NaiveDate>) -> Self {
        self.date = d;
        self
    }

    /// With actor ids.
    pub fn with_actors<'a>(mut self, ids: impl IntoIterator<Item = &'a str>) -> Self {
        self.actors = ids.into_iter().map(Arc::from).collect();
        self
    }
}

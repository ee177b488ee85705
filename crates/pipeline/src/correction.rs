//! A person's correction as asked (an API body, CLI flags), checked
//! against the taxonomy, the gazetteer and the actor lexicon into what the
//! store writes. One check for every way in, so the API and the CLI refuse
//! the same things with the same words.

use std::collections::BTreeMap;

use marsad_gazetteer::Gazetteer;
use marsad_model::{
    parse_day, Actor, CountKind, DatePrecision, EventType, GeoPrecision, Place, Qualifier,
};
use marsad_store::{Correction, Relocation};

use crate::{Error, Result};

/// A correction as asked: every field optional, values as given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CorrectionRequest {
    /// An event type of the taxonomy.
    pub event_type: Option<String>,
    /// A day, YYYY-MM-DD.
    pub date: Option<String>,
    /// How precisely (`Unknown` alone clears the date).
    pub date_precision: Option<DatePrecision>,
    /// A gazetteer place id.
    pub place_id: Option<String>,
    /// A point's latitude (with `lon`).
    pub lat: Option<f64>,
    /// A point's longitude (with `lat`).
    pub lon: Option<f64>,
    /// 1 the place itself, 2 near it, 3 its district or region.
    pub geo_precision: Option<u32>,
    /// Killed.
    pub killed: Option<u32>,
    /// Injured.
    pub injured: Option<u32>,
    /// Arrested.
    pub arrested: Option<u32>,
    /// How exact each toll is, by kind name.
    pub count_qualifiers: BTreeMap<String, String>,
    /// Who did it: actor ids.
    pub actors: Option<Vec<String>>,
    /// To whom: actor ids.
    pub targets: Option<Vec<String>>,
}

impl CorrectionRequest {
    /// The store's correction: each field checked, the place looked up in
    /// `gaz`, the actors in the lexicon. [`Error::Invalid`] for a malformed
    /// value, [`Error::Unprocessable`] for values that cannot go together
    /// or name nothing; both name the field.
    pub fn check(&self, gaz: &Gazetteer) -> Result<Correction> {
        let mut c = Correction {
            event_type: self.event_type().transpose()?,
            date: self.date()?,
            geo_precision: self.geo_precision()?,
            place: self.place(gaz)?,
            killed: self.killed.map(Some),
            injured: self.injured.map(Some),
            arrested: self.arrested.map(Some),
            qualifiers: qualifiers(&self.count_qualifiers)?,
            ..Correction::default()
        };
        c.actors = self
            .actors
            .as_deref()
            .map(|ids| actors("actors", ids))
            .transpose()?;
        c.targets = self
            .targets
            .as_deref()
            .map(|ids| actors("targets", ids))
            .transpose()?;
        if c == Correction::default() {
            return Err(unprocessable(
                "nothing_to_correct",
                "body",
                "give at least one field to correct (type, date, place_id or lat/lon, geo_precision, killed, injured, arrested, count_qualifiers, actors, targets)",
            ));
        }
        Ok(c)
    }

    fn event_type(&self) -> Option<Result<EventType>> {
        self.event_type.as_deref().map(|t| {
            t.parse()
                .map_err(|e: marsad_model::Error| e.for_param("type").into())
        })
    }

    fn date(&self) -> Result<Option<(Option<chrono::NaiveDate>, DatePrecision)>> {
        let day = self
            .date
            .as_deref()
            .map(|d| parse_day(d).map_err(|e| e.for_param("date")))
            .transpose()?;
        match (day, self.date_precision) {
            (None, None) => Ok(None),
            (None, Some(DatePrecision::Unknown)) => Ok(Some((None, DatePrecision::Unknown))),
            (Some(_), Some(DatePrecision::Unknown)) | (None, Some(_)) => Err(unprocessable(
                "invalid_combination",
                "date_precision",
                "a date goes with day, week or month; unknown alone clears the date",
            )),
            (Some(d), p) => Ok(Some((Some(d), p.unwrap_or(DatePrecision::Day)))),
        }
    }

    fn geo_precision(&self) -> Result<Option<GeoPrecision>> {
        self.geo_precision
            .map(|g| {
                u8::try_from(g)
                    .ok()
                    .filter(|g| (1..=3).contains(g))
                    .map(GeoPrecision::new)
                    .ok_or_else(|| invalid("geo_precision", format!("{g} is not 1, 2 or 3")))
            })
            .transpose()
    }

    fn place(&self, gaz: &Gazetteer) -> Result<Option<Relocation>> {
        match (self.place_id.as_deref(), self.lat, self.lon) {
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(unprocessable(
                "invalid_combination",
                "place_id",
                "give a gazetteer place or a point (lat, lon), not both",
            )),
            (Some(pid), None, None) => {
                let idx = gaz.by_id(pid).ok_or_else(|| {
                    unprocessable(
                        "unknown_place",
                        "place_id",
                        format!("{pid:?} is not in the gazetteer (see /api/v1/places)"),
                    )
                })?;
                let p = gaz.place(idx);
                Ok(Some(Relocation::To(Place {
                    id: p.id.clone(),
                    name_ar: p.name_ar.clone(),
                    name_en: Some(p.name_en.clone()).filter(|n| !n.is_empty()),
                    admin1: p.admin1.clone(),
                    admin2: p.admin2.clone(),
                    lat: p.lat,
                    lon: p.lon,
                })))
            }
            (None, Some(lat), Some(lon)) => Ok(Some(Relocation::Point {
                lat: marsad_model::in_range(lat, -90.0, 90.0).map_err(|e| e.for_param("lat"))?,
                lon: marsad_model::in_range(lon, -180.0, 180.0).map_err(|e| e.for_param("lon"))?,
            })),
            (None, Some(_), None) | (None, None, Some(_)) => Err(unprocessable(
                "invalid_combination",
                "lat",
                "a point moved on the map needs both lat and lon",
            )),
            (None, None, None) => Ok(None),
        }
    }
}

/// The qualifiers by kind: a kind or a qualifier that is none is invalid.
fn qualifiers(given: &BTreeMap<String, String>) -> Result<Vec<(CountKind, Qualifier)>> {
    given
        .iter()
        .map(|(kind, q)| {
            let kind = CountKind::ALL
                .into_iter()
                .find(|k| k.as_str() == kind)
                .ok_or_else(|| {
                    invalid(
                        "count_qualifiers",
                        format!("{kind:?} is not killed, injured or arrested"),
                    )
                })?;
            let q = Qualifier::parse(q).ok_or_else(|| {
                invalid(
                    "count_qualifiers",
                    format!("{q:?} is not one of {}", Qualifier::NAMES.join(", ")),
                )
            })?;
            Ok((kind, q))
        })
        .collect()
}

/// The actors the ids name, in order and once each; an id the lexicon
/// lacks names nothing.
fn actors(field: &'static str, ids: &[String]) -> Result<Vec<Actor>> {
    let known = marsad_extract::actor_catalogue();
    let mut out: Vec<Actor> = Vec::new();
    for id in ids {
        let a = known.iter().find(|a| &a.id == id).ok_or_else(|| {
            unprocessable(
                "unknown_actor",
                field,
                format!("{id:?} is not an actor Marsad knows (see /api/v1/actors)"),
            )
        })?;
        if !out.contains(a) {
            out.push(a.clone());
        }
    }
    Ok(out)
}

fn invalid(field: &str, message: impl Into<String>) -> Error {
    Error::Invalid(marsad_model::Error::Param {
        name: field.to_string(),
        message: message.into(),
    })
}

fn unprocessable(code: &'static str, field: &'static str, message: impl Into<String>) -> Error {
    Error::Unprocessable {
        code,
        field,
        message: message.into(),
    }
}

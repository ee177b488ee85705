//! Marsad's domain model: the types every stage shares.
//!
//! An [`Article`] is read; extraction finds [`Incident`]s in it, each with
//! an [`EventType`], a date and its [`DatePrecision`], a resolved [`Place`]
//! and its [`GeoPrecision`], [`Actor`]s and targets, a toll ([`Counts`]) and
//! the [`Source`] that reports it. The store keeps them, the index and the
//! server read them. Whether two reports are the [same
//! incident](same_incident), and how one [absorbs](Incident::absorb) another,
//! is decided here, once. Queries are typed here too ([`IncidentQuery`]).
//!
//! ```
//! use marsad_model::{EventType, DatePrecision};
//! let t: EventType = "drone_strike".parse().unwrap();
//! assert_eq!(t.acled_sub_event_type(), "Air/drone strike");
//! assert_eq!(t.title_en(), "Drone strikes");
//! assert!(DatePrecision::Week.tolerance_days() > DatePrecision::Day.tolerance_days());
//! ```
#![forbid(unsafe_code)]

mod actor;
mod article;
pub mod condition;
mod counts;
mod dates;
mod error;
mod event;
mod incident;
mod place;
mod point;
mod query;
mod review;

pub use actor::{Actor, ActorKind};
pub use article::{fnv1a, Article, Format};
pub use condition::Condition;
pub use counts::{CountKind, Counts, Qualifier};
pub use dates::{parse_date, parse_day, DatePrecision};
pub use error::{Error, Result};
pub use event::EventType;
pub use incident::{
    report_distance, same_incident, same_place_box, Incident, Scope, Source, REPORT_LAG_DAYS,
    SAME_PLACE_KM,
};
pub use place::{GeoPrecision, Place};
pub use point::IncidentPoint;
pub use query::{in_range, json_number, BBox, DateRange, IncidentQuery, LatLon, RadiusKm, Sort};
pub use review::{Action, RejectReason, ReviewStatus, Role};

//! The spatial index: every incident as a point in an R-tree ([`rstar`]),
//! carrying the attributes that queries filter on, so a radius, bbox or
//! nearest query with filters never touches the database.
//!
//! Radii are geodesic: a degree envelope wide enough at the query's
//! latitude selects candidates, then an exact haversine distance from
//! [`geo`] filters them; nodes of the tree wholly inside the circle are
//! taken without measuring each point.
//!
//! The tree keeps a compact entry per incident (40 bytes: coordinates, an
//! interned id and actor set, type and precision as small integers, the
//! date as a day number, the confidence); the records stay in the store.
//! A [`snapshot`] of it on disk lets a server start without reading them.
//!
//! ```
//! use marsad_index::{IncidentPoint, IncidentQuery, SpatialIndex, Sort};
//! use marsad_model::EventType;
//! let mut ix = SpatialIndex::default();
//! ix.upsert(IncidentPoint::new("a", 34.45, 40.92).with_type(EventType::Airstrike));
//! ix.upsert(IncidentPoint::new("b", 35.02, 40.45).with_type(EventType::Shelling));
//! let q = IncidentQuery::default();
//! let page = ix.radius(34.45, 40.92, 25.0, &q, Sort::Distance, 10, 0);
//! assert_eq!(page.total, 1);
//! assert_eq!(page.hits[0].id, "a");
//! ```
#![forbid(unsafe_code)]

mod actors;
mod entry;
mod ids;
pub mod pyramid;
pub mod snapshot;
mod spatial;

pub use marsad_model::{IncidentPoint, IncidentQuery, Sort};
pub use pyramid::{world_xy, Tally};
pub use snapshot::Stamp;
pub use spatial::{After, DayCounts, Extent, Found, Hit, Page, Region, Selected, SpatialIndex};

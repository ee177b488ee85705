//! Standing alerts: the areas people watch, and what happens in them.
//!
//! An [`Alert`] is an [`Area`] (a point and radius, a box, a gazetteer
//! place and radius, or a GeoJSON polygon or line buffered by some
//! kilometres), [`Filters`] on the incidents that count, and how to tell
//! its owner: a signed webhook ([`sign`], [`webhook`]), an Atom feed, a live
//! stream. [`AlertIndex`] finds the alerts an incident falls in: an R-tree
//! over the areas' envelopes, then the exact geodesic test.
//!
//! ```
//! use marsad_alerts::{Alert, AlertIndex, Area, Filters};
//! let watch = Alert::new("a1", "huda", "Office", Area::Circle { lat: 34.45, lon: 40.92, radius_km: 15.0 });
//! let index = AlertIndex::new(vec![watch]);
//! assert_eq!(index.at(34.50, 40.95).count(), 1);
//! assert_eq!(index.at(35.33, 40.14).count(), 0);
//! ```
#![forbid(unsafe_code)]

mod alert;
mod area;
pub mod atom;
mod error;
mod index;
mod service;
pub mod sign;
pub mod webhook;

pub use alert::{new_id, secret, Alert, Event, Filters, Webhook};
pub use area::{Area, MAX_RADIUS_KM};
pub use error::{Error, Result};
pub use index::AlertIndex;
pub use service::{idempotency_key, webhook_body, Courier, Matcher, DELIVERY_TIMEOUT};

//! OGC API - Features Part 3 filters. A CQL2-text expression, parsed by
//! the `cql2` crate, becomes a [`Condition`] over the queryables (the
//! attributes the index holds for every incident) that the index checks
//! as it selects.
//!
//! ```
//! use marsad_filter::parse;
//! let c = parse("type = 'airstrike' AND date >= DATE('2024-06-01')").unwrap();
//! assert!(matches!(c, marsad_model::Condition::All(_)));
//! let e = parse("type = ").unwrap_err();
//! assert_eq!(e.position(), Some((1, 8)));
//! ```
#![forbid(unsafe_code)]

mod error;
mod translate;

pub use error::{Error, Result};
pub use translate::{parse, GEOMETRY};

//! The gazetteer: every place Marsad can put on a map.
//!
//! A bundled gazetteer is built from public sources (Who's On First, GeoNames,
//! Natural Earth/CLDR countries, OpenSyria admin units and a curated table of
//! oil fields, crossings, bases and regions) by [`build::build`], stored
//! compactly in `gazetteer/places.jsonl.gz` and embedded in the binary.
//! Users with a full GeoNames dump extend it with [`geonames::import`].
//!
//! ```
//! let gaz = marsad_gazetteer::Gazetteer::bundled().unwrap();
//! let hits = gaz.search("Deir Ezzor", None, 3);
//! assert_eq!(gaz.place(hits[0].place).name_en, "Deir ez-Zor");
//! ```
#![forbid(unsafe_code)]

pub mod build;
mod codec;
mod error;
mod feature;
pub mod geonames;
mod index;
mod place;
mod search;

pub use codec::{read_places, write_places};
pub use error::{Error, Result};
pub use feature::{feature_word, Feature};
pub use index::{Gazetteer, NameRef, PlaceIdx};
pub use place::{Place, PlaceKind};
pub use search::SearchHit;

//! The documents Marsad writes: incidents and places as GeoJSON
//! (RFC 7946, through the `geojson` crate); incidents as ACLED-style CSV,
//! GeoParquet (Arrow and Parquet crates) and FlatGeobuf (`flatgeobuf`). The command line and the HTTP API write the same bytes; nothing
//! here knows of HTTP.
//!
//! ```
//! use marsad_formats::{collection, incident_feature};
//! let fc = collection(Vec::new(), serde_json::Map::new());
//! assert_eq!(fc.to_string(), r#"{"type":"FeatureCollection","features":[]}"#);
//! ```
#![forbid(unsafe_code)]

mod acled;
mod error;
mod fgb_out;
mod geojson_out;
mod parquet_out;

pub use acled::{acled_csv, AcledWriter, FirstSources};
pub use error::{Error, Result};
pub use fgb_out::FgbFile;
pub use geojson_out::{
    collection, incident_feature, place_feature, recorded_place_feature, IncidentCollectionWriter,
    IncidentFeature, MINIMAL_PROPERTIES,
};
pub use parquet_out::ParquetWriter;

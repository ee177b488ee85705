//! Vector tiles of incidents: a tile's box in longitude and latitude, the
//! incidents the index finds in it, and their encoding as a Mapbox Vector
//! Tile 2.1 ([`mvt`]), clustered on a grid below [`CLUSTER_BELOW`]; and
//! the basemap's place labels, by rank, in tiles of their own.
//!
//! ```
//! use marsad_tiles::{encode, TileId};
//! let tile = TileId::new(8, 157, 101).unwrap();
//! let [w, s, e, n] = tile.bbox();
//! assert!(w < 40.92 && 40.92 < e && s < 34.45 && 34.45 < n);
//! assert!(encode(tile, &[]).unwrap().is_empty());
//! ```
#![forbid(unsafe_code)]

mod encode;
mod error;
mod places;
mod tile;

pub use encode::{
    cut, cut_from_points, encode, TileEncoder, CELL, CLUSTERS, CLUSTER_BELOW, EXTENT, INCIDENTS,
};
pub use error::{Error, Result};
pub use places::{encode_places, max_label_rank, Label, PLACES};
pub use tile::TileId;

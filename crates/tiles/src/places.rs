//! Place labels into a Mapbox Vector Tile: the basemap's names, a tile
//! holding only the places of its box and of the ranks its zoom shows, so
//! the map loads a few dozen names for its view instead of all of them.

use mvt::Tile;

use crate::encode::point;
use crate::{Result, TileId, EXTENT};

/// The layer of place labels: `name_ar`, `name_en`, `rank`.
pub const PLACES: &str = "places";

/// A place to label, `rank` 1 (shown first, capitals and large cities) to 4
/// (villages, shown close in).
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// The gazetteer place's id (what a map click on the label picks).
    pub id: String,
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Arabic name (may be empty).
    pub name_ar: String,
    /// English name (may be empty).
    pub name_en: String,
    /// Label priority, 1 to 4.
    pub rank: u8,
}

/// The highest rank a tile of zoom `z` holds: the ranks the map shows
/// anywhere from zoom `z` up to the next zoom, where the next tiles take
/// over. The web map's label filter shows rank 1 from the start, 2 from
/// zoom 6, 3 from 8 and 4 from 9.5.
pub fn max_label_rank(z: u32) -> u8 {
    match z {
        0..=5 => 1,
        6..=7 => 2,
        8 => 3,
        _ => 4,
    }
}

/// Encodes the `labels` in `tile` of the ranks its zoom holds (see
/// [`max_label_rank`]). An empty tile is empty bytes.
pub fn encode_places<'a>(
    tile: TileId,
    labels: impl IntoIterator<Item = &'a Label>,
) -> Result<Vec<u8>> {
    let max_rank = max_label_rank(tile.z);
    let mut mvt = Tile::new(EXTENT);
    let mut layer = mvt.create_layer(PLACES);
    for label in labels.into_iter().filter(|l| l.rank <= max_rank) {
        let Some((x, y)) = tile.position(label.lon, label.lat) else {
            continue;
        };
        let mut feature = layer.into_feature(point(x, y)?);
        feature.add_tag_string("id", &label.id);
        if !label.name_ar.is_empty() {
            feature.add_tag_string("name_ar", &label.name_ar);
        }
        if !label.name_en.is_empty() {
            feature.add_tag_string("name_en", &label.name_en);
        }
        feature.add_tag_uint("rank", u64::from(label.rank));
        layer = feature.into_layer();
    }
    if layer.num_features() == 0 {
        return Ok(Vec::new());
    }
    mvt.add_layer(layer)?;
    Ok(mvt.to_bytes()?)
}

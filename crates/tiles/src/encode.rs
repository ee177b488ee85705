//! Incidents into a Mapbox Vector Tile: one layer of single incidents and,
//! below [`CLUSTER_BELOW`], one of clusters on a grid of [`CELL`] units.

use marsad_index::Found;
use marsad_model::EventType;
use mvt::{GeomEncoder, GeomType, Layer, Tile};

use crate::{Result, TileId};

/// Tile units per side.
pub const EXTENT: u32 = 4096;
/// The side of a cluster cell, tile units: 8 cells per side, a cell 64
/// screen pixels on a 512-pixel tile, about as far apart as a cluster's
/// circle is wide. Finer grids drew thousands of overlapping circles per
/// tile and slowed every frame.
pub const CELL: u32 = 512;
/// Zooms below this one are clustered; from it on every incident is its
/// own feature (a tile is then about 10 km wide).
pub const CLUSTER_BELOW: u32 = 12;
/// The layer of single incidents: `id`, `type`, `date`, `confidence`,
/// `geo_precision`.
pub const INCIDENTS: &str = "incidents";
/// The layer of clusters: `count`, `type` (the most frequent), and one
/// `count_<type>` per type present.
pub const CLUSTERS: &str = "clusters";

/// Cells per side of a tile.
const CELLS: usize = (EXTENT / CELL) as usize;

/// The incidents of one cell.
#[derive(Default, Clone, Copy)]
struct Cell<'a> {
    count: u32,
    by_type: [u32; EventType::ALL.len()],
    sum_x: f64,
    sum_y: f64,
    /// The first incident, shown alone if it is the only one.
    first: Option<(f64, f64, Found<'a>)>,
}

/// Encodes `found` (the incidents the index holds in the tile's box) as the
/// tile `tile`; see [`TileEncoder`].
pub fn encode(tile: TileId, found: &[Found<'_>]) -> Result<Vec<u8>> {
    let mut e = TileEncoder::new(tile);
    found.iter().for_each(|&f| e.add(f));
    e.finish()
}

/// A tile made from incidents handed in one at a time, so a tile at a low
/// zoom over a million of them keeps its 64 cells, not the million. Each
/// incident counts in exactly one tile of a zoom: those on the east or
/// south edge belong to the next tile. An empty tile is empty bytes.
pub struct TileEncoder<'a> {
    tile: TileId,
    /// Below [`CLUSTER_BELOW`]: the cells, north-west first.
    cells: Option<Box<[Cell<'a>; CELLS * CELLS]>>,
    /// From [`CLUSTER_BELOW`] on: every incident, at its tile coordinates.
    singles: Vec<(f64, f64, Found<'a>)>,
}

impl<'a> TileEncoder<'a> {
    /// An empty tile.
    pub fn new(tile: TileId) -> Self {
        TileEncoder {
            tile,
            cells: (tile.z < CLUSTER_BELOW).then(|| Box::new([Cell::default(); CELLS * CELLS])),
            singles: Vec::new(),
        }
    }

    /// Adds an incident (left out if it lies outside the tile).
    pub fn add(&mut self, f: Found<'a>) {
        let Some((x, y)) = self.tile.position(f.lon, f.lat) else {
            return;
        };
        match &mut self.cells {
            None => self.singles.push((x, y, f)),
            Some(cells) => {
                let c =
                    &mut cells[(y as usize / CELL as usize) * CELLS + x as usize / CELL as usize];
                if c.count == 0 {
                    c.first = Some((x, y, f));
                }
                c.count += 1;
                c.by_type[f.event_type.index()] += 1;
                c.sum_x += x;
                c.sum_y += y;
            }
        }
    }

    /// The tile's bytes.
    pub fn finish(self) -> Result<Vec<u8>> {
        let mut mvt = Tile::new(EXTENT);
        let mut singles = mvt.create_layer(INCIDENTS);
        for &(x, y, f) in &self.singles {
            singles = single(singles, x, y, &f)?;
        }
        if let Some(cells) = &self.cells {
            let mut clusters = mvt.create_layer(CLUSTERS);
            for cell in cells.iter().filter(|c| c.count > 0) {
                match cell.first {
                    Some((x, y, f)) if cell.count == 1 => singles = single(singles, x, y, &f)?,
                    _ => clusters = cluster(clusters, cell)?,
                }
            }
            if clusters.num_features() > 0 {
                mvt.add_layer(clusters)?;
            }
        }
        if singles.num_features() == 0 && mvt.num_layers() == 0 {
            return Ok(Vec::new());
        }
        if singles.num_features() > 0 {
            mvt.add_layer(singles)?;
        }
        Ok(mvt.to_bytes()?)
    }
}

pub(crate) fn point(x: f64, y: f64) -> Result<mvt::GeomData> {
    Ok(GeomEncoder::new(GeomType::Point).point(x, y)?.encode()?)
}

fn single(layer: Layer, x: f64, y: f64, f: &Found<'_>) -> Result<Layer> {
    let mut feature = layer.into_feature(point(x, y)?);
    feature.add_tag_string("id", f.id());
    feature.add_tag_string("type", f.event_type.as_str());
    if let Some(d) = f.date {
        feature.add_tag_string("date", &d.to_string());
    }
    feature.add_tag_float("confidence", (f.confidence * 1000.0).round() / 1000.0);
    feature.add_tag_uint("geo_precision", u64::from(f.geo_precision.code()));
    Ok(feature.into_layer())
}

fn cluster(layer: Layer, c: &Cell<'_>) -> Result<Layer> {
    let n = f64::from(c.count);
    let mut feature = layer.into_feature(point(c.sum_x / n, c.sum_y / n)?);
    feature.add_tag_uint("count", u64::from(c.count));
    let (top, _) = EventType::ALL
        .iter()
        .zip(c.by_type)
        .max_by_key(|&(_, k)| k)
        .unwrap_or((&EventType::Other, 0));
    feature.add_tag_string("type", top.as_str());
    for (t, k) in EventType::ALL.iter().zip(c.by_type) {
        if k > 0 {
            feature.add_tag_uint(&format!("count_{}", t.as_str()), u64::from(k));
        }
    }
    Ok(feature.into_layer())
}

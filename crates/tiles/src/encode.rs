//! Incidents into a Mapbox Vector Tile: one layer of single incidents and,
//! below [`CLUSTER_BELOW`], one of clusters on a grid of [`CELL`] units.

use marsad_index::{world_xy, Found, IncidentQuery, SpatialIndex, Tally};
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
const CELLS: u32 = EXTENT / CELL;

/// The incidents of one cell.
#[derive(Default, Clone, Copy)]
struct Cell<'a> {
    tally: Tally,
    /// The first incident, shown alone if it is the only one.
    first: Option<Found<'a>>,
}

/// Encodes `found` (the incidents the index holds in the tile's box) as the
/// tile `tile`; see [`TileEncoder`].
pub fn encode(tile: TileId, found: &[Found<'_>]) -> Result<Vec<u8>> {
    let mut e = TileEncoder::new(tile);
    found.iter().for_each(|&f| e.add(f));
    e.finish()
}

/// The tile `tile` of the incidents in `ix` that pass `filter`. Below
/// [`CLUSTER_BELOW`] its cells are summed from the index's grid of counts
/// when the grid can answer, and the points visited otherwise: both give
/// the same bytes.
pub fn cut(ix: &SpatialIndex, tile: TileId, filter: &IncidentQuery) -> Result<Vec<u8>> {
    match cells_of(ix, tile, filter) {
        Some(e) => e.finish(),
        None => cut_from_points(ix, tile, filter),
    }
}

/// [`cut`] visiting every point of the tile, whatever the zoom.
pub fn cut_from_points(ix: &SpatialIndex, tile: TileId, filter: &IncidentQuery) -> Result<Vec<u8>> {
    let mut e = TileEncoder::new(tile);
    ix.for_each(Some(tile.scan_box()), filter, |f| e.add(f));
    e.finish()
}

/// The tile's cells from the index's grid, if it answers.
fn cells_of<'a>(
    ix: &'a SpatialIndex,
    tile: TileId,
    filter: &IncidentQuery,
) -> Option<TileEncoder<'a>> {
    if tile.z >= CLUSTER_BELOW {
        return None;
    }
    let (cols, rows) = (
        tile.x * CELLS..(tile.x + 1) * CELLS,
        tile.y * CELLS..(tile.y + 1) * CELLS,
    );
    let grid = ix.grid(tile.z + CELLS.ilog2(), cols, rows, filter)?;
    let mut e = TileEncoder::new(tile);
    if let Some(cells) = &mut e.cells {
        for (cell, (tally, only)) in cells.iter_mut().zip(grid) {
            *cell = Cell { tally, first: only };
        }
    }
    Some(e)
}

/// A tile made from incidents handed in one at a time, so a tile at a low
/// zoom over a million of them keeps its 64 cells, not the million. Each
/// incident counts in exactly one tile of a zoom, by its
/// [`world_xy`] position. An empty tile is empty bytes.
pub struct TileEncoder<'a> {
    tile: TileId,
    /// Below [`CLUSTER_BELOW`]: the cells, north-west first.
    cells: Option<Box<[Cell<'a>; (CELLS * CELLS) as usize]>>,
    /// From [`CLUSTER_BELOW`] on: every incident.
    singles: Vec<Found<'a>>,
}

impl<'a> TileEncoder<'a> {
    /// An empty tile.
    pub fn new(tile: TileId) -> Self {
        TileEncoder {
            tile,
            cells: (tile.z < CLUSTER_BELOW)
                .then(|| Box::new([Cell::default(); (CELLS * CELLS) as usize])),
            singles: Vec::new(),
        }
    }

    /// Adds an incident (left out if it lies outside the tile).
    pub fn add(&mut self, f: Found<'a>) {
        let Some((x, y)) = world_xy(f.lon, f.lat).filter(|&p| self.tile.holds(p)) else {
            return;
        };
        match &mut self.cells {
            None => self.singles.push(f),
            Some(cells) => {
                let shift = 32 - self.tile.z - CELLS.ilog2();
                let (col, row) = ((x >> shift) % CELLS, (y >> shift) % CELLS);
                let c = &mut cells[(row * CELLS + col) as usize];
                if c.tally.count == 0 {
                    c.first = Some(f);
                }
                c.tally
                    .add(f.event_type.index(), 1, u64::from(x), u64::from(y));
            }
        }
    }

    /// The tile's bytes.
    pub fn finish(self) -> Result<Vec<u8>> {
        let tile = self.tile;
        let mut mvt = Tile::new(EXTENT);
        let mut singles = mvt.create_layer(INCIDENTS);
        for f in &self.singles {
            singles = single(singles, tile, f)?;
        }
        if let Some(cells) = &self.cells {
            let mut clusters = mvt.create_layer(CLUSTERS);
            for cell in cells.iter().filter(|c| c.tally.count > 0) {
                match cell.first {
                    Some(f) if cell.tally.count == 1 => singles = single(singles, tile, &f)?,
                    _ => clusters = cluster(clusters, tile, &cell.tally)?,
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

fn single(layer: Layer, tile: TileId, f: &Found<'_>) -> Result<Layer> {
    let (x, y) = world_xy(f.lon, f.lat).unwrap_or_default();
    let mut feature =
        layer.into_feature(point(tile.unit_x(f64::from(x)), tile.unit_y(f64::from(y)))?);
    feature.add_tag_string("id", f.id());
    feature.add_tag_string("type", f.event_type.as_str());
    if let Some(d) = f.date {
        feature.add_tag_string("date", &d.to_string());
    }
    feature.add_tag_float("confidence", (f.confidence * 1000.0).round() / 1000.0);
    feature.add_tag_uint("geo_precision", u64::from(f.geo_precision.code()));
    Ok(feature.into_layer())
}

fn cluster(layer: Layer, tile: TileId, c: &Tally) -> Result<Layer> {
    // The mean of the points' integers: the same whether the tally was
    // summed from the index's grid or from the points.
    let n = c.count as f64;
    let (x, y) = (
        tile.unit_x(c.sum_x as f64 / n),
        tile.unit_y(c.sum_y as f64 / n),
    );
    let mut feature = layer.into_feature(point(x, y)?);
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

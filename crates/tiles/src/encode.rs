//! Incidents into a Mapbox Vector Tile: one layer of single incidents and,
//! below [`CLUSTER_BELOW`], one of clusters on a grid of [`CELL`] units.

use marsad_index::Found;
use marsad_model::EventType;
use mvt::{GeomEncoder, GeomType, Layer, Tile};
use rustc_hash::FxHashMap;

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

/// The incidents of one cell.
#[derive(Default)]
struct Cell {
    count: u32,
    by_type: [u32; EventType::ALL.len()],
    sum_x: f64,
    sum_y: f64,
    /// The first incident, shown alone if it is the only one.
    first: usize,
}

/// Encodes `found` (the incidents the index holds in the tile's box) as the
/// tile `tile`. Each incident counts in exactly one tile of a zoom: those
/// on the east or south edge belong to the next tile. An empty tile is
/// empty bytes.
pub fn encode(tile: TileId, found: &[Found<'_>]) -> Result<Vec<u8>> {
    let inside: Vec<(f64, f64, &Found<'_>)> = found
        .iter()
        .map(|f| {
            let (x, y) = tile.project(f.lon, f.lat);
            (x, y, f)
        })
        .filter(|&(x, y, _)| {
            (0.0..f64::from(EXTENT)).contains(&x) && (0.0..f64::from(EXTENT)).contains(&y)
        })
        .collect();
    if inside.is_empty() {
        return Ok(Vec::new());
    }
    let mut mvt = Tile::new(EXTENT);
    let mut singles = mvt.create_layer(INCIDENTS);
    if tile.z >= CLUSTER_BELOW {
        for &(x, y, f) in &inside {
            singles = single(singles, x, y, f)?;
        }
    } else {
        let mut clusters = mvt.create_layer(CLUSTERS);
        for cell in cells(&inside) {
            if cell.count == 1 {
                let (x, y, f) = inside[cell.first];
                singles = single(singles, x, y, f)?;
            } else {
                clusters = cluster(clusters, &cell)?;
            }
        }
        if clusters.num_features() > 0 {
            mvt.add_layer(clusters)?;
        }
    }
    if singles.num_features() > 0 {
        mvt.add_layer(singles)?;
    }
    Ok(mvt.to_bytes()?)
}

/// The non-empty cells, north-west first.
fn cells(inside: &[(f64, f64, &Found<'_>)]) -> Vec<Cell> {
    let mut cells: FxHashMap<(u32, u32), Cell> = FxHashMap::default();
    for (i, &(x, y, f)) in inside.iter().enumerate() {
        let at = (y as u32 / CELL, x as u32 / CELL);
        let c = cells.entry(at).or_insert_with(|| Cell {
            first: i,
            ..Cell::default()
        });
        c.count += 1;
        c.by_type[f.event_type.index()] += 1;
        c.sum_x += x;
        c.sum_y += y;
    }
    let mut out: Vec<_> = cells.into_iter().collect();
    out.sort_unstable_by_key(|&(at, _)| at);
    out.into_iter().map(|(_, c)| c).collect()
}

fn point(x: f64, y: f64) -> Result<mvt::GeomData> {
    Ok(GeomEncoder::new(GeomType::Point).point(x, y)?.encode()?)
}

fn single(layer: Layer, x: f64, y: f64, f: &Found<'_>) -> Result<Layer> {
    let mut feature = layer.into_feature(point(x, y)?);
    feature.add_tag_string("id", f.id);
    feature.add_tag_string("type", f.event_type.as_str());
    if let Some(d) = f.date {
        feature.add_tag_string("date", &d.to_string());
    }
    feature.add_tag_float("confidence", (f.confidence * 1000.0).round() / 1000.0);
    feature.add_tag_uint("geo_precision", u64::from(f.geo_precision.code()));
    Ok(feature.into_layer())
}

fn cluster(layer: Layer, c: &Cell) -> Result<Layer> {
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

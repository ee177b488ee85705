//! Tile addresses on the Web Mercator grid ([`squarepeg`]).

use pointy::Pt;
use squarepeg::{MapGrid, Peg, WebMercatorPos, Wgs84Pos};

use crate::{Error, Result, EXTENT};

/// A tile: zoom, column, row (XYZ scheme, row 0 at the north).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileId {
    /// Zoom.
    pub z: u32,
    /// Column.
    pub x: u32,
    /// Row.
    pub y: u32,
    peg: Peg,
}

impl TileId {
    /// The deepest zoom served: a tile there is about 10 m wide.
    pub const MAX_ZOOM: u32 = 22;

    /// A tile, if it exists.
    pub fn new(z: u32, x: u32, y: u32) -> Result<Self> {
        let peg = Peg::new(z, x, y).filter(|_| z <= Self::MAX_ZOOM);
        let peg = peg.ok_or(Error::NoSuchTile {
            z,
            x,
            y,
            max: Self::MAX_ZOOM,
        })?;
        Ok(TileId { z, x, y, peg })
    }

    /// The tile's box: `[west, south, east, north]` in degrees.
    pub fn bbox(self) -> [f64; 4] {
        let b = MapGrid::default().peg_bbox(self.peg);
        let corner = |x: f64, y: f64| Wgs84Pos::from(WebMercatorPos::new(x, y));
        let (sw, ne) = (corner(b.x_min(), b.y_min()), corner(b.x_max(), b.y_max()));
        [sw.lon_deg(), sw.lat_deg(), ne.lon_deg(), ne.lat_deg()]
    }

    /// Whether a point at `(x, y)` on the fixed-point world plane
    /// ([`marsad_index::world_xy`]) is in the tile.
    pub(crate) fn holds(self, (x, y): (u32, u32)) -> bool {
        let shift = 32 - self.z;
        u64::from(x) >> shift == u64::from(self.x) && u64::from(y) >> shift == u64::from(self.y)
    }

    /// The tile units of a fixed-point world x (0 to [`EXTENT`] inside the
    /// tile): exact, both being powers of two.
    pub(crate) fn unit_x(self, x: f64) -> f64 {
        x * 2f64.powi(self.z as i32 - 20) - f64::from(self.x) * f64::from(EXTENT)
    }

    /// [`TileId::unit_x`] for y.
    pub(crate) fn unit_y(self, y: f64) -> f64 {
        y * 2f64.powi(self.z as i32 - 20) - f64::from(self.y) * f64::from(EXTENT)
    }

    /// A box a little larger than the tile's, to find every point that
    /// [`TileId::holds`] despite the rounding of the box's degrees.
    pub(crate) fn scan_box(self) -> [f64; 4] {
        const MARGIN: f64 = 1e-9;
        let [w, s, e, n] = self.bbox();
        [w - MARGIN, s - MARGIN, e + MARGIN, n + MARGIN]
    }

    /// A point's position in tile units (0 to [`EXTENT`] inside the tile).
    pub(crate) fn project(self, lon: f64, lat: f64) -> (f64, f64) {
        let t = MapGrid::default().peg_transform(self.peg);
        let p = t * Pt::from(WebMercatorPos::from(Wgs84Pos::new(lon, lat)));
        (p.x * f64::from(EXTENT), p.y * f64::from(EXTENT))
    }

    /// A point's position in tile units if it lies in the tile. Tiles are
    /// half-open: a point on the east or south edge is the next tile's.
    pub(crate) fn position(self, lon: f64, lat: f64) -> Option<(f64, f64)> {
        let (x, y) = self.project(lon, lat);
        let extent = 0.0..f64::from(EXTENT);
        (extent.contains(&x) && extent.contains(&y)).then_some((x, y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_exist_only_on_the_grid() {
        assert!(TileId::new(0, 0, 0).is_ok());
        assert!(TileId::new(3, 7, 7).is_ok());
        assert!(TileId::new(3, 8, 0).is_err());
        assert!(TileId::new(23, 0, 0).is_err());
    }

    #[test]
    fn a_point_projects_inside_its_tile() {
        // Al-Bukamal at zoom 10.
        let t = TileId::new(10, 628, 407).unwrap();
        let [w, s, e, n] = t.bbox();
        assert!(
            w < 40.92 && 40.92 < e && s < 34.45 && 34.45 < n,
            "{w} {s} {e} {n}"
        );
        let (x, y) = t.project(40.92, 34.45);
        assert!(
            (0.0..4096.0).contains(&x) && (0.0..4096.0).contains(&y),
            "{x} {y}"
        );
        // North-west corner at the origin, rows growing southwards.
        let (x0, y0) = t.project(w, n);
        assert!(x0.abs() < 1e-6 && y0.abs() < 1e-6, "{x0} {y0}");
    }
}

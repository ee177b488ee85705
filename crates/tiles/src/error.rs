/// Errors of the tiles.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No such tile.
    #[error("no tile {z}/{x}/{y}: zoom 0–{max}, x and y below 2^zoom")]
    NoSuchTile {
        /// Zoom.
        z: u32,
        /// Column.
        x: u32,
        /// Row.
        y: u32,
        /// Deepest zoom served.
        max: u32,
    },
    /// The encoder refused the tile.
    #[error("cannot encode the tile: {0}")]
    Encode(#[from] mvt::Error),
}

/// Result alias of the tiles.
pub type Result<T, E = Error> = std::result::Result<T, E>;

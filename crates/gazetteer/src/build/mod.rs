//! Building the bundled gazetteer from the raw sources.
//!
//! Sources are read in a fixed order and merged by shared ids (GeoNames ids
//! carried by Who's On First records, OCHA P-codes, ISO codes), then the
//! project's own additions and corrections are applied. The result is sorted
//! by id, so the same sources always give the same file.
//!
//! One module per source or step, in the order [`build`] runs them.

mod admin_boundaries;
mod cities;
mod communities;
mod countries;
mod editorial;
mod opensyria;
mod table;
mod wof;

use std::path::Path;

use geo::{Distance, Haversine, Point};

pub use self::admin_boundaries::admin_boundaries;
use self::opensyria::AdminNames;
pub use crate::index::merge_places as merge_into;
use crate::{Error, Place, Result};

/// What a build read, kept and dropped, for the builder's report.
#[derive(Debug, Default, Clone)]
pub struct BuildReport {
    /// `(what, count)` lines in source order.
    pub lines: Vec<(String, usize)>,
}

impl BuildReport {
    fn note(&mut self, what: impl Into<String>, n: usize) {
        self.lines.push((what.into(), n));
    }
}

/// Builds the gazetteer from `sources` (the folder with one sub-folder per
/// source) and the project's `additions.tsv` / `corrections.tsv` in
/// `editorial`.
pub fn build(sources: &Path, editorial: &Path) -> Result<(Vec<Place>, BuildReport)> {
    let mut report = BuildReport::default();
    let admin = AdminNames::load(sources)?;
    // The order matters: each step merges into what the earlier ones built,
    // and earlier ids win.
    let mut places = opensyria::units(sources, &mut report)?;
    wof::add(&mut places, sources, &admin, &mut report)?;
    cities::add(&mut places, sources, &mut report)?;
    countries::add(&mut places, sources, &mut report)?;
    let curated = table::curated(sources, &admin, &mut report)?;
    editorial::absorb_duplicates(&mut places, curated, &mut report);
    communities::add(&mut places, editorial, &mut report)?;
    table::add_additions(&mut places, editorial, &admin, &mut report)?;
    editorial::correct(&mut places, editorial, &mut report)?;
    editorial::tidy_all(&mut places, &mut report);
    Ok((places, report))
}

/// A source file's text; a missing file is named as a missing source.
fn read(path: &Path) -> Result<String> {
    if !path.exists() {
        return Err(Error::MissingSource(path.to_path_buf()));
    }
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// `min_lon,min_lat,max_lon,max_lat`, as the tables write a bbox.
fn parse_bbox(s: &str) -> Option<[f64; 4]> {
    let v: Vec<f64> = s.split(',').filter_map(|x| x.trim().parse().ok()).collect();
    (v.len() == 4).then(|| [v[0], v[1], v[2], v[3]])
}

/// Half the diagonal of a bbox, in km.
fn bbox_radius_km(b: &[f64; 4]) -> f64 {
    Haversine.distance(Point::new(b[0], b[1]), Point::new(b[2], b[3])) / 2000.0
}

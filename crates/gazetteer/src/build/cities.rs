//! GeoNames cities500 rows: the settlements of Syria and Iraq
//! (`geonames-cities500-sy-iq`) and the world's capitals and large cities
//! (`geonames-world-major`).

use std::path::Path;

use super::{read, BuildReport};
use crate::index::merge_places;
use crate::{Error, Place, Result};

/// Merges the Syrian and Iraqi rows into the WOF records that carry their
/// GeoNames ids, then adds the world's capitals and large cities.
pub(super) fn add(places: &mut Vec<Place>, sources: &Path, report: &mut BuildReport) -> Result<()> {
    let gn = rows(&sources.join("geonames-cities500-sy-iq/cities500_SY_IQ.tsv"))?;
    report.note("geonames cities500 SY/IQ rows", gn.len());
    merge_places(places, gn);
    let world = rows(&sources.join("geonames-world-major/cities500_world_major.tsv"))?;
    report.note("geonames world capitals and large cities", world.len());
    merge_places(places, world);
    Ok(())
}

/// GeoNames geoname-table rows (cities500 format).
fn rows(path: &Path) -> Result<Vec<Place>> {
    let text = read(path)?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row = crate::geonames::parse_row(line).map_err(|m| Error::parse(path, i + 1, m))?;
        out.push(crate::geonames::row_to_place(&row, "geonames"));
    }
    Ok(out)
}

//! Countries (`countries/countries.tsv`: Natural Earth points and boxes,
//! CLDR Arabic names), as `iso:XX` records.

use std::path::Path;

use super::{bbox_radius_km, parse_bbox, read, BuildReport};
use crate::index::merge_places;
use crate::{Error, Place, PlaceKind, Result};

/// Adds the countries.
pub(super) fn add(places: &mut Vec<Place>, sources: &Path, report: &mut BuildReport) -> Result<()> {
    let countries = countries(&sources.join("countries/countries.tsv"))?;
    report.note("countries", countries.len());
    merge_places(places, countries);
    Ok(())
}

/// Columns: iso_a2, iso_a3, iso_numeric, name_en, names_ar, lat, lon, bbox.
/// Short rows are skipped.
fn countries(path: &Path) -> Result<Vec<Place>> {
    let text = read(path)?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 8 {
            continue;
        }
        let lat: f64 = f[5]
            .parse()
            .map_err(|_| Error::parse(path, i + 1, "bad lat"))?;
        let lon: f64 = f[6]
            .parse()
            .map_err(|_| Error::parse(path, i + 1, "bad lon"))?;
        let bbox = parse_bbox(f[7]);
        // Territories without an ISO code get an id from their name.
        let id = if !f[0].is_empty() {
            format!("iso:{}", f[0])
        } else {
            format!(
                "ne:{}",
                f[3].to_lowercase()
                    .replace(|c: char| !c.is_alphanumeric(), "_")
            )
        };
        let mut p = Place {
            id,
            xref: vec![],
            name_ar: String::new(),
            name_en: f[3].to_string(),
            names_ar: vec![],
            names_en: vec![],
            kind: PlaceKind::Country,
            capital: false,
            lat,
            lon,
            bbox,
            country: f[0].to_string(),
            admin1: None,
            admin2: None,
            population: None,
            precision_km: bbox
                .map(|b| (bbox_radius_km(&b) / 2.0).clamp(25.0, 1500.0) as f32)
                .unwrap_or(200.0),
            source: "naturalearth+cldr".into(),
        };
        for n in f[4].split('|') {
            p.add_name(n);
        }
        out.push(p);
    }
    Ok(out)
}

//! The project's editorial steps: curated sites absorb their duplicates,
//! `corrections.tsv` is applied, and every record is tidied and sorted.

use std::collections::HashSet;
use std::path::Path;

use geo::{Distance, Haversine, Point};
use marsad_arabic::{key, latin_skeleton};

use super::{read, BuildReport};
use crate::{Error, Place, Result};

/// Curated sites that a settlement source also lists (Qamishli airport in
/// WOF) become one record: the curated one, with the other id as xref.
pub(super) fn absorb_duplicates(
    places: &mut Vec<Place>,
    curated: Vec<Place>,
    report: &mut BuildReport,
) {
    let mut absorbed = 0;
    for mut c in curated {
        let ckeys: Vec<String> = c.all_names_ar().map(key).collect();
        let dup = places.iter().position(|p| {
            p.kind == c.kind
                && p.kind.is_facility()
                && p.all_names_ar().any(|n| ckeys.contains(&key(n)))
                && Haversine.distance(Point::new(p.lon, p.lat), Point::new(c.lon, c.lat)) < 3000.0
        });
        if let Some(i) = dup {
            let d = places.remove(i);
            for n in d.all_names_ar().chain(d.all_names_en()) {
                c.add_name(n);
            }
            c.xref.push(d.id);
            c.xref.extend(d.xref);
            absorbed += 1;
        }
        places.push(c);
    }
    report.note(
        "settlement-source duplicates of curated sites absorbed",
        absorbed,
    );
}

/// `corrections.tsv`: id, action, value, reason. Actions: `remove_name`
/// (a wrong alternate name), `drop` (a wrong record), `placed_at` (a
/// region named after a town, its countryside or desert, is shown at that
/// town, the place whose id is the value; it keeps its own extent).
pub(super) fn correct(
    places: &mut Vec<Place>,
    editorial: &Path,
    report: &mut BuildReport,
) -> Result<()> {
    let path = editorial.join("corrections.tsv");
    let text = read(&path)?;
    let mut applied = 0;
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 {
            return Err(Error::parse(
                &path,
                i + 1,
                "expected id, action, value, reason",
            ));
        }
        let hit = places
            .iter()
            .position(|p| p.id == f[0] || p.xref.iter().any(|x| x == f[0]));
        let Some(at) = hit else {
            return Err(Error::parse(
                &path,
                i + 1,
                format!("no place with id {}", f[0]),
            ));
        };
        match f[1] {
            "remove_name" => places[at].remove_name(f[2]),
            "drop" => {
                places.remove(at);
            }
            "placed_at" => {
                let Some(town) = places.iter().find(|p| p.id == f[2]) else {
                    return Err(Error::parse(
                        &path,
                        i + 1,
                        format!("no place with id {}", f[2]),
                    ));
                };
                let (lat, lon) = (town.lat, town.lon);
                places[at].lat = lat;
                places[at].lon = lon;
            }
            other => {
                return Err(Error::parse(
                    &path,
                    i + 1,
                    format!("unknown action {other:?}"),
                ))
            }
        }
        applied += 1;
    }
    report.note("corrections applied", applied);
    Ok(())
}

/// Tidies every record, drops those left without any name, and sorts by id
/// so that the same sources give the same file.
pub(super) fn tidy_all(places: &mut Vec<Place>, report: &mut BuildReport) {
    for p in places.iter_mut() {
        tidy(p);
    }
    places.retain(|p| !p.name_ar.is_empty() || !p.name_en.is_empty());
    places.sort_by(|a, b| a.id.cmp(&b.id));
    report.note("places in the gazetteer", places.len());
}

/// Final clean-up of one record: names are deduplicated, and capped so that
/// world cities do not carry hundreds of foreign spellings; coordinates are
/// rounded.
fn tidy(p: &mut Place) {
    // Persian and Kurdish letters in Arabic names («قرية الکسار», «چرزات»)
    // are written with their Arabic counterparts in Arabic news.
    p.name_ar = arabic_letters(&p.name_ar);
    for n in &mut p.names_ar {
        *n = arabic_letters(n);
    }
    let mut seen = HashSet::new();
    seen.insert(p.name_ar.clone());
    p.names_ar.retain(|n| seen.insert(n.clone()));
    let mut seen = HashSet::new();
    seen.insert(latin_skeleton(&p.name_en) + &p.name_en.to_lowercase());
    p.names_en
        .retain(|n| seen.insert(latin_skeleton(n) + &n.to_lowercase()));
    p.names_en.truncate(12);
    p.xref.sort();
    p.xref.dedup();
    p.lat = (p.lat * 1e5).round() / 1e5;
    p.lon = (p.lon * 1e5).round() / 1e5;
    if let Some(b) = &mut p.bbox {
        for v in b.iter_mut() {
            *v = (*v * 1e4).round() / 1e4;
        }
    }
    p.precision_km = (p.precision_km * 10.0).round() / 10.0;
}

fn arabic_letters(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'ک' | 'ڪ' | 'گ' => 'ك',
            'ی' | 'ې' => 'ي',
            'چ' => 'ج',
            'پ' => 'ب',
            'ژ' => 'ز',
            'ڤ' => 'ف',
            'ە' => 'ه',
            _ => c,
        })
        .collect()
}

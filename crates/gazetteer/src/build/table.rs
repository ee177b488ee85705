//! The curated table (`curated/features.tsv`: oil fields, crossings, bases,
//! regions…) and the project's `additions.tsv`, which share one format.

use std::path::Path;

use super::{parse_bbox, read, AdminNames, BuildReport};
use crate::index::merge_places;
use crate::{Error, Place, PlaceKind, Result};

/// The curated sites, for the caller to absorb their duplicates.
pub(super) fn curated(
    sources: &Path,
    admin: &AdminNames,
    report: &mut BuildReport,
) -> Result<Vec<Place>> {
    let curated = table(
        &sources.join("curated/features.tsv"),
        "curated",
        admin,
        report,
    )?;
    report.note("curated rows", curated.len());
    Ok(curated)
}

/// Merges `additions.tsv`, then drops the rows of either table that had no
/// point and named no existing id.
pub(super) fn add_additions(
    places: &mut Vec<Place>,
    editorial: &Path,
    admin: &AdminNames,
    report: &mut BuildReport,
) -> Result<()> {
    let additions = table(&editorial.join("additions.tsv"), "marsad", admin, report)?;
    report.note("marsad additions (new places and names)", additions.len());
    merge_places(places, additions);
    let before = places.len();
    places.retain(|p| p.lat.is_finite() && p.lon.is_finite());
    report.note(
        "rows without a point whose id is unknown, dropped (e.g. cur:badiyat_abbas)",
        before - places.len(),
    );
    Ok(())
}

/// The curated table and the project's additions share one format:
/// id, name_ar, names_ar_variants, name_en, names_en_variants, kind, lat,
/// lon, bbox, precision_km, adm1, evidence. A row without a point adds names
/// to an existing id, or, for a new id, is reported and skipped.
fn table(
    path: &Path,
    source: &str,
    admin: &AdminNames,
    report: &mut BuildReport,
) -> Result<Vec<Place>> {
    let text = read(path)?;
    let mut out = Vec::new();
    let mut no_point = 0;
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 11 {
            return Err(Error::parse(
                path,
                i + 1,
                format!("expected 12 columns, found {}", f.len()),
            ));
        }
        let kind = kind(f[5])
            .ok_or_else(|| Error::parse(path, i + 1, format!("unknown kind {:?}", f[5])))?;
        // No point: the row only adds names to an existing id; if the id is
        // unknown the record is dropped (and counted) after merging.
        let point = point(&f);
        if point.is_none() {
            no_point += 1;
        }
        let (lat, lon) = point.unwrap_or((f64::NAN, f64::NAN));
        out.push(row(&f, kind, lat, lon, source, admin));
    }
    report.note(
        format!("{}: rows without a point (names only)", path.display()),
        no_point,
    );
    Ok(out)
}

/// The `kind` column; empty means a landmark.
fn kind(s: &str) -> Option<PlaceKind> {
    Some(match s {
        "oil_field" => PlaceKind::OilField,
        "gas_field" => PlaceKind::GasField,
        "crossing" => PlaceKind::Crossing,
        "base" => PlaceKind::Base,
        "airport" => PlaceKind::Airport,
        "facility" => PlaceKind::Facility,
        "neighbourhood" => PlaceKind::Neighbourhood,
        "river" => PlaceKind::River,
        "region" => PlaceKind::Region,
        "village" => PlaceKind::Village,
        "town" => PlaceKind::Town,
        "city" => PlaceKind::City,
        "camp" => PlaceKind::Camp,
        "country" => PlaceKind::Country,
        "" => PlaceKind::Landmark,
        _ => return None,
    })
}

/// The `lat` and `lon` columns, if both are numbers.
fn point(f: &[&str]) -> Option<(f64, f64)> {
    Some((f[6].trim().parse().ok()?, f[7].trim().parse().ok()?))
}

/// One row of at least 11 columns as a place.
fn row(f: &[&str], kind: PlaceKind, lat: f64, lon: f64, source: &str, admin: &AdminNames) -> Place {
    let mut p = Place {
        id: f[0].to_string(),
        xref: vec![],
        name_ar: String::new(),
        name_en: String::new(),
        names_ar: vec![],
        names_en: vec![],
        kind,
        capital: false,
        lat,
        lon,
        bbox: parse_bbox(f[8]),
        country: if f[10].contains("IQ") && !f[10].contains("SY") {
            "IQ".into()
        } else {
            "SY".into()
        },
        admin1: adm1(f[10], admin),
        admin2: None,
        population: None,
        precision_km: f[9].trim().parse().unwrap_or(5.0),
        source: source.into(),
    };
    p.add_name(f[1]);
    for v in f[2].split('|') {
        p.add_name(v);
    }
    p.add_name(f[3]);
    for v in f[4].split('|') {
        p.add_name(v);
    }
    p
}

/// The `adm1` column as an OpenSyria governorate name; none for sites that
/// span several ("multi…").
fn adm1(s: &str, admin: &AdminNames) -> Option<String> {
    match s.trim() {
        "" => None,
        s if s.starts_with("multi") => None,
        s => Some(
            admin
                .by_latin(s)
                .cloned()
                .unwrap_or_else(|| wof_adm1_to_opensyria(s).unwrap_or(s).to_string()),
        ),
    }
}

/// WOF's own governorate spellings used in the curated table's adm1 column.
fn wof_adm1_to_opensyria(s: &str) -> Option<&'static str> {
    Some(match s {
        "Days Az Zawr" => "Deir ez-Zor",
        "Hasaka (Al Haksa)" => "Al-Hasakah",
        "Rif Dimashq" => "Rif Dimashq",
        "Homs (Hims)" => "Homs",
        "Ar Raqqah" => "Raqqa",
        "Hamah" => "Hama",
        "Dar`a" => "Daraa",
        "As Suwayda'" => "As-Suwayda",
        "Lattakia" => "Latakia",
        _ => return None,
    })
}

//! Reading GeoNames dumps: the geoname table (`allCountries.txt`, `SY.txt`,
//! `cities500.txt`: 19 tab-separated columns) and `alternateNamesV2.txt`.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;

use crate::{Error, Place, PlaceKind, Result};

/// One row of the geoname table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// GeoNames id.
    pub id: u64,
    /// Name (UTF-8).
    pub name: String,
    /// ASCII name.
    pub asciiname: String,
    /// Alternate names, all languages, comma-separated in the file.
    pub alternates: Vec<String>,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Feature class (P, A, S, H, L, T, …).
    pub class: String,
    /// Feature code (PPL, PPLC, ADM1, AIRP, …).
    pub code: String,
    /// ISO country code.
    pub country: String,
    /// Admin1 code.
    pub admin1: String,
    /// Admin2 code.
    pub admin2: String,
    /// Population (0 when unknown).
    pub population: u64,
}

/// Parses one geoname-table line.
pub fn parse_row(line: &str) -> std::result::Result<Row, String> {
    let f: Vec<&str> = line.split('\t').collect();
    if f.len() < 15 {
        return Err(format!(
            "expected 19 tab-separated columns, found {}",
            f.len()
        ));
    }
    let num = |s: &str, what: &str| -> std::result::Result<f64, String> {
        s.trim()
            .parse::<f64>()
            .map_err(|_| format!("{what} is not a number: {s:?}"))
    };
    let lat = num(f[4], "latitude")?;
    let lon = num(f[5], "longitude")?;
    if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
        return Err(format!("coordinates out of range: {lat}, {lon}"));
    }
    Ok(Row {
        id: f[0]
            .trim()
            .parse()
            .map_err(|_| format!("geonameid is not a number: {:?}", f[0]))?,
        name: f[1].to_string(),
        asciiname: f[2].to_string(),
        alternates: f[3]
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        lat,
        lon,
        class: f[6].to_string(),
        code: f[7].to_string(),
        country: f[8].to_string(),
        admin1: f[10].to_string(),
        admin2: f[11].to_string(),
        population: f[14].trim().parse().unwrap_or(0),
    })
}

/// The kind of place for a GeoNames feature code, or `None` for features
/// Marsad does not map (hotels, farms, undersea features…).
pub fn kind_for(class: &str, code: &str, population: u64) -> Option<(PlaceKind, bool)> {
    use PlaceKind::*;
    Some(match (class, code) {
        ("P", "PPLC") => (City, true),
        ("P", "PPLA" | "PPLA2") => (City, false),
        ("P", "PPLX") => (Neighbourhood, false),
        ("P", "PPLA3" | "PPLA4") => (if population >= 50_000 { City } else { Town }, false),
        ("P", _) if population >= 50_000 => (City, false),
        ("P", _) if population >= 10_000 => (Town, false),
        ("P", "PPLQ" | "PPLH" | "PPLW") => return None,
        ("P", _) => (Village, false),
        ("A", "PCLI" | "PCL" | "PCLD" | "PCLF" | "PCLS" | "PCLIX") => (Country, false),
        ("A", "ADM1") => (Governorate, false),
        ("A", "ADM2") => (District, false),
        ("A", "ADM3") => (Subdistrict, false),
        ("S", "AIRP" | "AIRB" | "AIRF" | "AIRQ") => (Airport, false),
        ("S", "MILB" | "INSM" | "BLDGM" | "FT") => (Base, false),
        ("S", "PSTB" | "PSTC") => (Crossing, false),
        ("S", "BDG") => (Facility, false),
        ("S", "CMP" | "CMPRF" | "CMPLA") => (Camp, false),
        ("S", "OILW" | "OILP" | "OILR" | "OILT" | "OILJ") => (Facility, false),
        ("S", "HSP" | "HSPC" | "DAM" | "PS" | "PSH" | "PRN") => (Facility, false),
        ("L", "OILF") => (OilField, false),
        ("L", "GASF") => (GasField, false),
        ("L", "RGN" | "AREA" | "RGNE" | "PRK") => (Region, false),
        ("H", "STM" | "STMI" | "CNL") => (River, false),
        ("H", "WAD" | "LK" | "RSV") => (Landmark, false),
        ("T", "MT" | "MTS" | "HLL" | "HLLS" | "DSRT" | "PLN" | "VAL") => (Landmark, false),
        _ => return None,
    })
}

fn precision(kind: PlaceKind, population: u64) -> f32 {
    use PlaceKind::*;
    match kind {
        Country => 300.0,
        Governorate => 60.0,
        District => 25.0,
        Subdistrict => 10.0,
        City => 4.0 + (population as f32).sqrt() / 250.0,
        Town => 3.0,
        Village | Camp | Base | Crossing | Facility => 2.0,
        Neighbourhood | Airport => 1.5,
        OilField | GasField => 8.0,
        River | Region => 100.0,
        Landmark => 5.0,
    }
}

/// A place from a geoname row: the id is `gn:<geonameid>`; Arabic-script
/// alternates and Latin name forms are kept, other scripts dropped.
pub fn row_to_place(row: &Row, source: &str) -> Place {
    let (kind, capital) =
        kind_for(&row.class, &row.code, row.population).unwrap_or((PlaceKind::Landmark, false));
    let mut p = Place {
        id: format!("gn:{}", row.id),
        xref: vec![],
        name_ar: String::new(),
        name_en: String::new(),
        names_ar: vec![],
        names_en: vec![],
        kind,
        capital,
        lat: row.lat,
        lon: row.lon,
        bbox: None,
        country: row.country.clone(),
        admin1: (!row.admin1.is_empty()).then(|| format!("{}.{}", row.country, row.admin1)),
        admin2: None,
        population: (row.population > 0).then_some(row.population),
        precision_km: precision(kind, row.population),
        source: source.into(),
    };
    p.add_name(&row.name);
    p.add_name(&row.asciiname);
    for a in &row.alternates {
        if a.chars().any(marsad_arabic::is_arabic) && !a.chars().any(is_non_arabic_letter) {
            p.add_name(a);
        }
    }
    p
}

/// Letters of Persian, Kurdish, Urdu and Uyghur written in Arabic script.
/// GeoNames alternates carry no language in the table, and such names fold
/// onto unrelated Arabic words (Persian «الجزیره» for Algiers would become
/// «الجزيرة»), so they are left out.
fn is_non_arabic_letter(c: char) -> bool {
    matches!(
        c,
        'ی' | 'ک'
            | 'گ'
            | 'پ'
            | 'چ'
            | 'ژ'
            | 'ە'
            | 'ۆ'
            | 'ێ'
            | 'ڵ'
            | 'ڕ'
            | 'ہ'
            | 'ے'
            | 'ۃ'
            | 'ې'
            | 'ۇ'
            | 'ۈ'
            | 'ۋ'
            | 'ٹ'
            | 'ڈ'
            | 'ڑ'
            | 'ں'
            | 'ھ'
    )
}

/// What an import read and kept.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Rows read from the geoname table.
    pub rows: usize,
    /// Places kept (mapped feature codes).
    pub kept: usize,
    /// Arabic and English names added from the alternate-names file.
    pub alternate_names: usize,
}

/// Reads a GeoNames dump (and optionally `alternateNamesV2.txt`) into places.
/// Only features Marsad maps are kept (see [`kind_for`]); from the alternate
/// names, Arabic (`ar`) and English (`en`) names that are not historic are
/// added. Errors name the file and line.
pub fn import(table: &Path, alternates: Option<&Path>) -> Result<(Vec<Place>, ImportReport)> {
    let mut report = ImportReport::default();
    let file = std::fs::File::open(table).map_err(|e| Error::io(table, e))?;
    let mut places = Vec::new();
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| Error::parse(table, i + 1, e.to_string()))?;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        report.rows += 1;
        let row = parse_row(&line).map_err(|m| Error::parse(table, i + 1, m))?;
        if kind_for(&row.class, &row.code, row.population).is_some() {
            places.push(row_to_place(&row, "geonames-user"));
        }
    }
    report.kept = places.len();
    if let Some(alt) = alternates {
        let ids: HashSet<u64> = places
            .iter()
            .filter_map(|p| p.id.strip_prefix("gn:").and_then(|s| s.parse().ok()))
            .collect();
        let mut extra: HashMap<u64, Vec<String>> = HashMap::new();
        let file = std::fs::File::open(alt).map_err(|e| Error::io(alt, e))?;
        for (i, line) in BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| Error::parse(alt, i + 1, e.to_string()))?;
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 4 {
                if line.trim().is_empty() {
                    continue;
                }
                return Err(Error::parse(
                    alt,
                    i + 1,
                    format!("expected at least 4 columns, found {}", f.len()),
                ));
            }
            let historic = f.get(7).is_some_and(|s| *s == "1");
            if historic || !matches!(f[2], "ar" | "en" | "") {
                continue;
            }
            let id: u64 = f[1].parse().map_err(|_| {
                Error::parse(alt, i + 1, format!("geonameid is not a number: {:?}", f[1]))
            })?;
            if ids.contains(&id) {
                extra.entry(id).or_default().push(f[3].to_string());
            }
        }
        for p in &mut places {
            let id: u64 = p.id[3..].parse().unwrap_or(0);
            if let Some(names) = extra.get(&id) {
                for n in names {
                    let before = p.names_ar.len() + p.names_en.len();
                    p.add_name(n);
                    report.alternate_names += p.names_ar.len() + p.names_en.len() - before;
                }
            }
        }
    }
    Ok((places, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_geoname_row() {
        let line = "174448\tAbu Kamal\tAbu Kamal\tAlbu Kamal,البوكمال\t34.45226\t40.91854\tP\tPPLA2\tSY\t\t07\t\t\t\t57572\t\t180\tAsia/Damascus\t2020-01-01";
        let r = parse_row(line).unwrap();
        assert_eq!(r.id, 174448);
        assert_eq!(r.code, "PPLA2");
        let p = row_to_place(&r, "t");
        assert_eq!(p.kind, PlaceKind::City);
        assert_eq!(p.name_ar, "البوكمال");
    }

    #[test]
    fn rejects_bad_rows_precisely() {
        assert!(parse_row("1\tx").unwrap_err().contains("columns"));
        let bad = "1\tX\tX\t\t95\t10\tP\tPPL\tSY\t\t\t\t\t\t0\t\t\t\t";
        assert!(parse_row(bad).unwrap_err().contains("out of range"));
    }
}

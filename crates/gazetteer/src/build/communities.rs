//! OCHA's communities of the eastern governorates (`gazetteer/sources/
//! ocha-communities/communities.tsv`, kept in this repository). A community
//! whose name a settlement within 5 km already bears is that settlement; any
//! other becomes a new village (or a town or city where OCHA marks it as a
//! seat).

use std::collections::HashMap;
use std::path::Path;

use geo::{Distance, Haversine, Point};
use marsad_arabic::key;

use super::wof::settlement_precision;
use super::{read, BuildReport};
use crate::{Error, Place, PlaceKind, Result};

/// Adds the communities' names and P-codes to the settlements they match,
/// and the others as new places.
pub(super) fn add(
    places: &mut Vec<Place>,
    editorial: &Path,
    report: &mut BuildReport,
) -> Result<()> {
    let ocha = communities(
        &editorial.join("sources/ocha-communities/communities.tsv"),
        places,
    )?;
    report.note("ocha communities (east) read", ocha.read);
    report.note(
        "ocha communities matched to a record by name within 5 km",
        ocha.matched,
    );
    report.note("ocha communities added as new places", ocha.added.len());
    for (i, names, xref) in ocha.merges {
        for n in names {
            places[i].add_name(&n);
        }
        places[i].xref.push(xref);
    }
    places.extend(ocha.added);
    Ok(())
}

/// What the OCHA communities table brings: names for places already
/// known, and the villages no other source has.
struct Communities {
    read: usize,
    matched: usize,
    /// (index of an existing place, names to add, xref).
    merges: Vec<(usize, Vec<String>, String)>,
    added: Vec<Place>,
}

/// One row of the table.
struct Community<'a> {
    pcode: &'a str,
    names_ar: Vec<String>,
    names_en: Vec<String>,
    lat: f64,
    lon: f64,
    /// P-codes of the governorate and the district.
    admin1: &'a str,
    admin2: &'a str,
    /// OCHA's `capital_level`: 0–2 cities, 3 towns, others villages.
    capital_level: &'a str,
}

fn communities(path: &Path, places: &[Place]) -> Result<Communities> {
    let text = read(path)?;
    let by_id: HashMap<&str, &Place> = places.iter().map(|p| (p.id.as_str(), p)).collect();
    let by_name = settlements_by_name(places);
    let mut out = Communities {
        read: 0,
        matched: 0,
        merges: Vec::new(),
        added: Vec::new(),
    };
    for (ln, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let c = parse(path, ln + 1, line)?;
        out.read += 1;
        let here = Point::new(c.lon, c.lat);
        let known = c.names_ar.iter().find_map(|n| {
            by_name.get(&bare(n))?.iter().copied().find(|&i| {
                let p = &places[i];
                Haversine.distance(here, Point::new(p.lon, p.lat)) < 5000.0
            })
        });
        let id = format!("ocha:{}", c.pcode);
        if let Some(i) = known {
            out.matched += 1;
            out.merges
                .push((i, c.names_ar.into_iter().chain(c.names_en).collect(), id));
            continue;
        }
        out.added.push(new_place(c, id, &by_id));
    }
    Ok(out)
}

/// Syrian settlements by the bare key of each Arabic name.
fn settlements_by_name(places: &[Place]) -> HashMap<String, Vec<usize>> {
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in places.iter().enumerate() {
        if p.country == "SY" && p.kind.is_settlement() {
            for n in p.all_names_ar() {
                by_name.entry(bare(n)).or_default().push(i);
            }
        }
    }
    by_name
}

/// A name's key without the article, so that a name written with and without
/// it meets; a key too short without it keeps it.
fn bare(n: &str) -> String {
    let k = key(n);
    k.strip_prefix("ال")
        .filter(|r| r.chars().count() >= 2)
        .map(str::to_string)
        .unwrap_or(k)
}

/// Columns: pcode, name_ar, name_en, lat, lon, admin1_pcode, admin2_pcode,
/// admin3_pcode, capital_level, vintage.
fn parse<'a>(path: &Path, line_no: usize, line: &'a str) -> Result<Community<'a>> {
    let f: Vec<&str> = line.split('\t').collect();
    if f.len() < 10 {
        return Err(Error::parse(path, line_no, "expected 10 columns"));
    }
    let num = |s: &str| {
        s.parse::<f64>()
            .map_err(|_| Error::parse(path, line_no, format!("not a number: {s:?}")))
    };
    let (lat, lon) = (num(f[3])?, num(f[4])?);
    // «الهامانية_خربة التمر»: merged localities, each name a name.
    let names_ar: Vec<String> = f[1]
        .split(['_', '|'])
        .flat_map(|n| n.split(" - "))
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    let names_en: Vec<String> = f[2]
        .split(" - ")
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    Ok(Community {
        pcode: f[0],
        names_ar,
        names_en,
        lat,
        lon,
        admin1: f[5],
        admin2: f[6],
        capital_level: f[8],
    })
}

/// A community no other source has, with its governorate and district named
/// after the OpenSyria units of those P-codes.
fn new_place(c: Community<'_>, id: String, by_id: &HashMap<&str, &Place>) -> Place {
    let kind = match c.capital_level {
        "0" | "1" | "2" => PlaceKind::City,
        "3" => PlaceKind::Town,
        _ => PlaceKind::Village,
    };
    let unit = |code: &str| by_id.get(code).map(|p| p.name_en.clone());
    let mut p = Place {
        id,
        xref: vec![],
        name_ar: String::new(),
        name_en: String::new(),
        names_ar: vec![],
        names_en: vec![],
        kind,
        capital: false,
        lat: c.lat,
        lon: c.lon,
        bbox: None,
        country: "SY".into(),
        admin1: unit(c.admin1),
        admin2: unit(c.admin2),
        population: None,
        precision_km: settlement_precision(kind, None),
        source: "ocha".into(),
    };
    for n in c.names_ar.iter().chain(&c.names_en) {
        p.add_name(n);
    }
    p
}

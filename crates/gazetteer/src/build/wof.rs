//! Who's On First, Syria and Iraq (`wof-sy`, `wof-iq`): settlements, sites,
//! admin units and the bounding boxes of the admin polygons. Syrian admin
//! units are folded into the OpenSyria units they match.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use geo::{BoundingRect, Distance, Haversine, Point};
use marsad_arabic::{is_arabic, key, latin_skeleton};
use serde::Deserialize;
use serde_json::Value;

use super::{bbox_radius_km, read, AdminNames, BuildReport};
use crate::place::is_latin;
use crate::{Error, Place, PlaceKind, Result};

/// Adds the WOF records of Syria, then Iraq.
pub(super) fn add(
    places: &mut Vec<Place>,
    sources: &Path,
    admin: &AdminNames,
    report: &mut BuildReport,
) -> Result<()> {
    let bboxes = bboxes(&[
        sources.join("wof-sy/admin_polygons_region_county.geojson"),
        sources.join("wof-iq/admin_polygons_region_county.geojson"),
    ])?;
    for dir in ["wof-sy", "wof-iq"] {
        let wof = records(
            &sources.join(dir).join("gazetteer.jsonl"),
            admin,
            &bboxes,
            report,
        )?;
        merge_admin_units(places, wof, report);
    }
    Ok(())
}

/// Bounding boxes of WOF admin polygons, by WOF id.
fn bboxes(paths: &[PathBuf]) -> Result<HashMap<String, [f64; 4]>> {
    let mut out = HashMap::new();
    for path in paths {
        let fc: geojson::FeatureCollection = read(path)?
            .parse()
            .map_err(|e: geojson::Error| Error::parse(path, 0, e.to_string()))?;
        for f in fc.features {
            let id = f.property("wof:id").and_then(Value::as_u64);
            let geom: Option<geo::Geometry<f64>> = f.geometry.and_then(|g| g.try_into().ok());
            if let (Some(id), Some(rect)) = (id, geom.and_then(|g| g.bounding_rect())) {
                out.insert(
                    format!("wof:{id}"),
                    [rect.min().x, rect.min().y, rect.max().x, rect.max().y],
                );
            }
        }
    }
    Ok(out)
}

#[derive(Deserialize)]
struct WofRecord {
    id: String,
    name: Option<String>,
    name_ar: Option<String>,
    #[serde(default)]
    names_ar: Vec<String>,
    #[serde(default)]
    names_latin: Vec<String>,
    lat: f64,
    lon: f64,
    placetype: Option<String>,
    gn_feature_code: Option<String>,
    country: Option<String>,
    adm1: Option<String>,
    adm1_ar: Option<String>,
    adm2: Option<String>,
    population: Option<u64>,
    geonames_id: Option<u64>,
    #[serde(default)]
    deprecated: bool,
}

/// Who's On First records. Deprecated records and Israeli settlements in the
/// occupied Golan (GeoNames code STLMT) are dropped; Arabic name lists are
/// cleaned of Latin strings that the extract carries in them.
fn records(
    path: &Path,
    admin: &AdminNames,
    bboxes: &HashMap<String, [f64; 4]>,
    report: &mut BuildReport,
) -> Result<Vec<Place>> {
    let text = read(path)?;
    let mut out = Vec::new();
    let (mut deprecated, mut settlements, mut countries) = (0, 0, 0);
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let r: WofRecord =
            serde_json::from_str(line).map_err(|e| Error::parse(path, i + 1, e.to_string()))?;
        if r.deprecated {
            deprecated += 1;
            continue;
        }
        if r.gn_feature_code.as_deref() == Some("STLMT") {
            settlements += 1;
            continue;
        }
        let placetype = r.placetype.as_deref().unwrap_or("locality");
        // Countries come from the countries source, with their boxes.
        if placetype == "country" {
            countries += 1;
            continue;
        }
        out.push(place(&r, placetype, admin, bboxes));
    }
    report.note(format!("{}: records kept", path.display()), out.len());
    report.note(
        format!("{}: deprecated records dropped", path.display()),
        deprecated,
    );
    report.note(
        format!(
            "{}: Golan settlement (STLMT) records dropped",
            path.display()
        ),
        settlements,
    );
    report.note(
        format!("{}: country records (taken from countries)", path.display()),
        countries,
    );
    Ok(out)
}

/// One kept WOF record as a place.
fn place(
    r: &WofRecord,
    placetype: &str,
    admin: &AdminNames,
    bboxes: &HashMap<String, [f64; 4]>,
) -> Place {
    let country = r.country.clone().unwrap_or_default();
    // WOF's Arabic name lists carry Latin transliterations too.
    let ar: Vec<&str> = r
        .name_ar
        .iter()
        .chain(r.names_ar.iter())
        .map(String::as_str)
        .filter(|s| s.chars().any(is_arabic))
        .collect();
    let name_en = pick_latin(
        r.name
            .iter()
            .chain(r.names_latin.iter())
            .map(String::as_str),
    );
    let is_airport = ar.iter().any(|n| n.contains("مطار")) || name_en.contains("Airport");
    let (kind, capital) = kind(placetype, is_airport, r);
    let bbox = bboxes.get(&r.id).copied();
    let precision_km = precision_km(kind, bbox, r.population);
    let mut p = Place {
        id: r.id.clone(),
        xref: r
            .geonames_id
            .map(|g| vec![format!("gn:{g}")])
            .unwrap_or_default(),
        name_ar: String::new(),
        name_en: String::new(),
        names_ar: vec![],
        names_en: vec![],
        kind,
        capital,
        lat: r.lat,
        lon: r.lon,
        bbox,
        admin1: admin.admin1(r.adm1.as_deref(), r.adm1_ar.as_deref(), &country),
        admin2: r.adm2.clone(),
        country,
        population: r.population,
        precision_km,
        source: "wof".into(),
    };
    for n in ar {
        p.add_name(n);
    }
    p.add_name(&name_en);
    for n in &r.names_latin {
        p.add_name(n);
    }
    p
}

/// Kind and capital flag from the WOF placetype; a campus is an airport if
/// its name says so.
fn kind(placetype: &str, is_airport: bool, r: &WofRecord) -> (PlaceKind, bool) {
    match placetype {
        "region" => (PlaceKind::Governorate, false),
        "county" => (PlaceKind::District, false),
        "neighbourhood" => (PlaceKind::Neighbourhood, false),
        "campus" if is_airport => (PlaceKind::Airport, false),
        "campus" => (PlaceKind::Facility, false),
        _ => settlement_kind(r.gn_feature_code.as_deref(), r.population),
    }
}

/// Radius of doubt: half the polygon's bbox for admin units, a fixed one for
/// sites and settlements.
fn precision_km(kind: PlaceKind, bbox: Option<[f64; 4]>, pop: Option<u64>) -> f32 {
    match kind {
        PlaceKind::Governorate | PlaceKind::District => bbox
            .map(|b| bbox_radius_km(&b) as f32)
            .unwrap_or(if kind == PlaceKind::Governorate {
                60.0
            } else {
                25.0
            }),
        PlaceKind::Airport | PlaceKind::Facility => 1.5,
        _ => settlement_precision(kind, pop),
    }
}

/// The first all-Latin name, preferring plain ASCII ("Abu Kamal" over
/// "Ālbū Kamāl").
fn pick_latin<'a>(cands: impl Iterator<Item = &'a str> + Clone) -> String {
    let latin = |s: &&str| !s.is_empty() && s.chars().all(|c| !c.is_alphabetic() || is_latin(c));
    cands
        .clone()
        .find(|s| latin(s) && s.is_ascii())
        .or_else(|| cands.clone().find(latin))
        .unwrap_or_default()
        .to_string()
}

/// Kind and capital flag of a settlement from its GeoNames feature code,
/// with population deciding where the code says little.
fn settlement_kind(code: Option<&str>, pop: Option<u64>) -> (PlaceKind, bool) {
    let pop = pop.unwrap_or(0);
    match code {
        Some("PPLC") => (PlaceKind::City, true),
        Some("PPLA") | Some("PPLA2") => (PlaceKind::City, false),
        Some("PPLX") => (PlaceKind::Neighbourhood, false),
        _ if pop >= 50_000 => (PlaceKind::City, false),
        Some("PPLA3") | Some("PPLA4") => (PlaceKind::Town, false),
        _ if pop >= 10_000 => (PlaceKind::Town, false),
        _ => (PlaceKind::Village, false),
    }
}

/// Radius of doubt of a settlement's point: larger cities spread further.
pub(super) fn settlement_precision(kind: PlaceKind, pop: Option<u64>) -> f32 {
    match kind {
        PlaceKind::City => 4.0 + (pop.unwrap_or(0) as f32).sqrt() / 250.0,
        PlaceKind::Town => 3.0,
        PlaceKind::Neighbourhood => 1.0,
        _ => 2.0,
    }
}

/// Folds WOF governorates and districts of Syria into the OpenSyria units
/// (P-code ids win; the WOF id becomes an xref and lends its bbox), and
/// renames WOF district names on localities to the OpenSyria names.
fn merge_admin_units(places: &mut Vec<Place>, wof: Vec<Place>, report: &mut BuildReport) {
    let mut merged = 0;
    let mut district_names: HashMap<String, String> = HashMap::new();
    let mut keep = Vec::with_capacity(wof.len());
    for w in wof {
        let unit =
            matches!(w.kind, PlaceKind::Governorate | PlaceKind::District) && w.country == "SY";
        if !unit {
            keep.push(w);
            continue;
        }
        match matching_unit(places, &w) {
            Some((i, d)) if d < 40.0 => {
                if w.kind == PlaceKind::District {
                    if let Some(n) = &w.admin2 {
                        district_names.insert(n.clone(), places[i].name_en.clone());
                    }
                }
                fold_unit(&mut places[i], &w);
                merged += 1;
            }
            _ => keep.push(w),
        }
    }
    for w in &mut keep {
        if w.country == "SY" {
            if let Some(n) = w.admin2.as_ref().and_then(|a| district_names.get(a)) {
                w.admin2 = Some(n.clone());
            }
        }
    }
    report.note(
        "WOF governorates/districts merged into OpenSyria units",
        merged,
    );
    places.extend(keep);
}

/// The OpenSyria unit of the same kind nearest to the WOF unit `w`, and its
/// distance in km, quartered when the names agree. A governorate must share
/// a GeoNames id or an Arabic name; a district must be in the same
/// governorate.
fn matching_unit(places: &[Place], w: &Place) -> Option<(usize, f64)> {
    let wkeys: Vec<String> = w.all_names_ar().map(strip_unit_word).collect();
    let wsk = latin_skeleton(&w.name_en);
    places
        .iter()
        .enumerate()
        .filter(|(_, p)| p.kind == w.kind && p.source == "opensyria")
        .filter(|(_, p)| {
            w.kind == PlaceKind::District
                || p.xref.iter().any(|x| w.xref.contains(x))
                || p.all_names_ar()
                    .any(|n| wkeys.contains(&strip_unit_word(n)))
        })
        .filter(|(_, p)| w.kind == PlaceKind::Governorate || p.admin1 == w.admin1)
        .map(|(i, p)| {
            let d = Haversine.distance(Point::new(p.lon, p.lat), Point::new(w.lon, w.lat)) / 1000.0;
            let same_name = p
                .all_names_ar()
                .any(|n| wkeys.contains(&strip_unit_word(n)))
                || latin_skeleton(&p.name_en) == wsk;
            (i, if same_name { d / 4.0 } else { d })
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

/// The OpenSyria unit `p` takes the WOF unit's id as xref, its polygon's
/// bbox, its names and, if it has none, its population.
fn fold_unit(p: &mut Place, w: &Place) {
    p.xref.push(w.id.clone());
    p.bbox = w.bbox.or(p.bbox);
    if let Some(b) = w.bbox {
        p.precision_km = bbox_radius_km(&b) as f32;
    }
    for n in w.all_names_ar().chain(w.all_names_en()) {
        p.add_name(n);
    }
    if p.population.is_none() {
        p.population = w.population;
    }
}

/// An admin unit's name key without «محافظة», «منطقة» or «مركز», so that
/// «محافظة دير الزور» meets «دير الزور».
fn strip_unit_word(n: &str) -> String {
    let k = key(n);
    for w in ["محافظه", "منطقه", "مركز"] {
        if let Some(r) = k.strip_prefix(w) {
            return r.to_string();
        }
    }
    k
}

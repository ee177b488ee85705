//! Building the bundled gazetteer from the raw sources.
//!
//! Sources are read in a fixed order and merged by shared ids (GeoNames ids
//! carried by Who's On First records, OCHA P-codes, ISO codes), then the
//! project's own additions and corrections are applied. The result is sorted
//! by id, so the same sources always give the same file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use geo::{BoundingRect, Distance, Haversine, Point};
use marsad_arabic::{is_arabic, key, latin_skeleton};
use serde::Deserialize;
use serde_json::Value;

use crate::index::merge_places;
pub use crate::index::merge_places as merge_into;
use crate::place::is_latin;
use crate::{Error, Place, PlaceKind, Result};

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

    let mut places = Vec::new();
    let (gov, dist, sub) = opensyria(sources, &mut report)?;
    places.extend(gov);
    places.extend(dist);
    places.extend(sub);

    let bboxes = wof_bboxes(&[
        sources.join("wof-sy/admin_polygons_region_county.geojson"),
        sources.join("wof-iq/admin_polygons_region_county.geojson"),
    ])?;
    for dir in ["wof-sy", "wof-iq"] {
        let wof = wof(
            &sources.join(dir).join("gazetteer.jsonl"),
            &admin,
            &bboxes,
            &mut report,
        )?;
        merge_admin_units(&mut places, wof, &admin, &mut report);
    }

    let gn = geonames_rows(
        &sources.join("geonames-cities500-sy-iq/cities500_SY_IQ.tsv"),
        &admin,
    )?;
    report.note("geonames cities500 SY/IQ rows", gn.len());
    merge_places(&mut places, gn);
    let world = geonames_rows(
        &sources.join("geonames-world-major/cities500_world_major.tsv"),
        &admin,
    )?;
    report.note("geonames world capitals and large cities", world.len());
    merge_places(&mut places, world);

    let countries = countries(&sources.join("countries/countries.tsv"))?;
    report.note("countries", countries.len());
    merge_places(&mut places, countries);

    let curated = table(
        &sources.join("curated/features.tsv"),
        "curated",
        &admin,
        &mut report,
    )?;
    report.note("curated rows", curated.len());
    absorb_duplicates(&mut places, curated, &mut report);

    let ocha = communities(
        &editorial.join("sources/ocha-communities/communities.tsv"),
        &places,
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

    let additions = table(
        &editorial.join("additions.tsv"),
        "marsad",
        &admin,
        &mut report,
    )?;
    report.note("marsad additions (new places and names)", additions.len());
    merge_places(&mut places, additions);
    let before = places.len();
    places.retain(|p| p.lat.is_finite() && p.lon.is_finite());
    report.note(
        "rows without a point whose id is unknown, dropped (e.g. cur:badiyat_abbas)",
        before - places.len(),
    );
    corrections(&mut places, &editorial.join("corrections.tsv"), &mut report)?;

    for p in &mut places {
        tidy(p);
    }
    places.retain(|p| !p.name_ar.is_empty() || !p.name_en.is_empty());
    places.sort_by(|a, b| a.id.cmp(&b.id));
    report.note("places in the gazetteer", places.len());
    Ok((places, report))
}

fn read(path: &Path) -> Result<String> {
    if !path.exists() {
        return Err(Error::MissingSource(path.to_path_buf()));
    }
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

/// Governorate names across sources: WOF's English and Arabic `adm1`
/// spellings mapped to the OpenSyria English names.
struct AdminNames {
    by_arabic: HashMap<String, String>,
}

impl AdminNames {
    fn load(sources: &Path) -> Result<Self> {
        let path = sources.join("open-syria-geography/governorates.json");
        let govs: Vec<OsUnit> = serde_json::from_str(&read(&path)?)
            .map_err(|e| Error::parse(&path, 0, e.to_string()))?;
        let by_arabic = govs
            .iter()
            .map(|g| (key(&g.name.ar), g.name.en.clone()))
            .collect();
        Ok(AdminNames { by_arabic })
    }

    /// English governorate name for a WOF record's `adm1` / `adm1_ar`.
    fn admin1(&self, en: Option<&str>, ar: Option<&str>, country: &str) -> Option<String> {
        if country == "SY" {
            if let Some(n) = ar.and_then(|a| self.by_arabic.get(&key(a))) {
                return Some(n.clone());
            }
        }
        en.map(str::to_string)
    }
}

#[derive(Deserialize)]
struct OsName {
    en: String,
    ar: String,
}

#[derive(Deserialize)]
struct OsAlias {
    value: String,
}

#[derive(Deserialize)]
struct OsCentroid {
    latitude: f64,
    longitude: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OsUnit {
    id: String,
    name: OsName,
    #[serde(default)]
    aliases: Vec<OsAlias>,
    centroid: OsCentroid,
    #[serde(default)]
    area: Option<Value>,
    #[serde(default)]
    population: Option<Value>,
    #[serde(default)]
    external_ids: HashMap<String, Value>,
    #[serde(default)]
    governorate_id: Option<String>,
    #[serde(default)]
    district_id: Option<String>,
}

type Units = (Vec<Place>, Vec<Place>, Vec<Place>);

/// OpenSyria governorates, districts and subdistricts, keyed by P-code.
fn opensyria(sources: &Path, report: &mut BuildReport) -> Result<Units> {
    let dir = sources.join("open-syria-geography");
    let load = |f: &str| -> Result<Vec<OsUnit>> {
        let path = dir.join(f);
        serde_json::from_str(&read(&path)?).map_err(|e| Error::parse(&path, 0, e.to_string()))
    };
    let govs = load("governorates.json")?;
    let dists = load("districts.json")?;
    let subs = load("subdistricts.json")?;
    let gov_en: HashMap<&str, &str> = govs
        .iter()
        .map(|g| (g.id.as_str(), g.name.en.as_str()))
        .collect();
    let dist_en: HashMap<&str, &str> = dists
        .iter()
        .map(|d| (d.id.as_str(), d.name.en.as_str()))
        .collect();
    let mk = |u: &OsUnit, kind: PlaceKind| -> Place {
        let pcode = u
            .external_ids
            .get("ochaPcode")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("opensyria:{}", u.id));
        let area = u
            .area
            .as_ref()
            .and_then(|a| a.get("value"))
            .and_then(Value::as_f64);
        let default_km = match kind {
            PlaceKind::Governorate => 60.0,
            PlaceKind::District => 25.0,
            _ => 10.0,
        };
        let mut p = Place {
            id: pcode,
            xref: u
                .external_ids
                .get("geonames")
                .and_then(Value::as_str)
                .map(|g| vec![format!("gn:{g}")])
                .unwrap_or_default(),
            name_ar: u.name.ar.clone(),
            name_en: u.name.en.clone(),
            names_ar: vec![],
            names_en: vec![],
            kind,
            capital: false,
            lat: u.centroid.latitude,
            lon: u.centroid.longitude,
            bbox: None,
            country: "SY".into(),
            admin1: u
                .governorate_id
                .as_deref()
                .and_then(|g| gov_en.get(g))
                .map(|s| s.to_string())
                .or_else(|| (kind == PlaceKind::Governorate).then(|| u.name.en.clone())),
            admin2: u
                .district_id
                .as_deref()
                .and_then(|d| dist_en.get(d))
                .map(|s| s.to_string())
                .or_else(|| (kind == PlaceKind::District).then(|| u.name.en.clone())),
            population: u
                .population
                .as_ref()
                .and_then(|p| p.get("value"))
                .and_then(Value::as_u64),
            precision_km: area.map(|a| (a.sqrt() / 2.0) as f32).unwrap_or(default_km),
            source: "opensyria".into(),
        };
        for a in &u.aliases {
            p.add_name(&a.value);
        }
        p
    };
    let g: Vec<Place> = govs.iter().map(|u| mk(u, PlaceKind::Governorate)).collect();
    let d: Vec<Place> = dists.iter().map(|u| mk(u, PlaceKind::District)).collect();
    let s: Vec<Place> = subs.iter().map(|u| mk(u, PlaceKind::Subdistrict)).collect();
    report.note("opensyria governorates", g.len());
    report.note("opensyria districts", d.len());
    report.note("opensyria subdistricts", s.len());
    Ok((g, d, s))
}

/// Bounding boxes of WOF admin polygons, by WOF id.
fn wof_bboxes(paths: &[PathBuf]) -> Result<HashMap<String, [f64; 4]>> {
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

fn pick_latin<'a>(cands: impl Iterator<Item = &'a str> + Clone) -> String {
    let latin = |s: &&str| !s.is_empty() && s.chars().all(|c| !c.is_alphabetic() || is_latin(c));
    cands
        .clone()
        .find(|s| latin(s) && s.is_ascii())
        .or_else(|| cands.clone().find(latin))
        .unwrap_or_default()
        .to_string()
}

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

fn settlement_precision(kind: PlaceKind, pop: Option<u64>) -> f32 {
    match kind {
        PlaceKind::City => 4.0 + (pop.unwrap_or(0) as f32).sqrt() / 250.0,
        PlaceKind::Town => 3.0,
        PlaceKind::Neighbourhood => 1.0,
        _ => 2.0,
    }
}

/// Who's On First records. Deprecated records and Israeli settlements in the
/// occupied Golan (GeoNames code STLMT) are dropped; Arabic name lists are
/// cleaned of Latin strings that the extract carries in them.
fn wof(
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
        if placetype == "country" {
            countries += 1;
            continue;
        }
        let country = r.country.clone().unwrap_or_default();
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
        let (kind, capital) = match placetype {
            "region" => (PlaceKind::Governorate, false),
            "county" => (PlaceKind::District, false),
            "neighbourhood" => (PlaceKind::Neighbourhood, false),
            "campus" if is_airport => (PlaceKind::Airport, false),
            "campus" => (PlaceKind::Facility, false),
            _ => settlement_kind(r.gn_feature_code.as_deref(), r.population),
        };
        let bbox = bboxes.get(&r.id).copied();
        let precision_km = match kind {
            PlaceKind::Governorate | PlaceKind::District => bbox
                .map(|b| bbox_radius_km(&b) as f32)
                .unwrap_or(if kind == PlaceKind::Governorate {
                    60.0
                } else {
                    25.0
                }),
            PlaceKind::Airport | PlaceKind::Facility => 1.5,
            _ => settlement_precision(kind, r.population),
        };
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
        out.push(p);
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

fn bbox_radius_km(b: &[f64; 4]) -> f64 {
    Haversine.distance(Point::new(b[0], b[1]), Point::new(b[2], b[3])) / 2000.0
}

/// Folds WOF governorates and districts of Syria into the OpenSyria units
/// (P-code ids win; the WOF id becomes an xref and lends its bbox), and
/// renames WOF district names on localities to the OpenSyria names.
fn merge_admin_units(
    places: &mut Vec<Place>,
    mut wof: Vec<Place>,
    _admin: &AdminNames,
    report: &mut BuildReport,
) {
    let mut merged = 0;
    let mut district_names: HashMap<String, String> = HashMap::new();
    let mut keep = Vec::with_capacity(wof.len());
    for w in wof.drain(..) {
        let unit =
            matches!(w.kind, PlaceKind::Governorate | PlaceKind::District) && w.country == "SY";
        if !unit {
            keep.push(w);
            continue;
        }
        let wkeys: Vec<String> = w.all_names_ar().map(strip_unit_word).collect();
        let wsk = latin_skeleton(&w.name_en);
        let best = places
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
                let d =
                    Haversine.distance(Point::new(p.lon, p.lat), Point::new(w.lon, w.lat)) / 1000.0;
                let same_name = p
                    .all_names_ar()
                    .any(|n| wkeys.contains(&strip_unit_word(n)))
                    || latin_skeleton(&p.name_en) == wsk;
                (i, if same_name { d / 4.0 } else { d })
            })
            .min_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((i, d)) if d < 40.0 => {
                let p = &mut places[i];
                if w.kind == PlaceKind::District {
                    if let Some(n) = &w.admin2 {
                        district_names.insert(n.clone(), p.name_en.clone());
                    }
                }
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

fn strip_unit_word(n: &str) -> String {
    let k = key(n);
    for w in ["محافظه", "منطقه", "مركز"] {
        if let Some(r) = k.strip_prefix(w) {
            return r.to_string();
        }
    }
    k
}

/// GeoNames geoname-table rows (cities500 format).
fn geonames_rows(path: &Path, admin: &AdminNames) -> Result<Vec<Place>> {
    let text = read(path)?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row = crate::geonames::parse_row(line).map_err(|m| Error::parse(path, i + 1, m))?;
        let _ = admin;
        out.push(crate::geonames::row_to_place(&row, "geonames"));
    }
    Ok(out)
}

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

fn parse_bbox(s: &str) -> Option<[f64; 4]> {
    let v: Vec<f64> = s.split(',').filter_map(|x| x.trim().parse().ok()).collect();
    (v.len() == 4).then(|| [v[0], v[1], v[2], v[3]])
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
        let kind = match f[5] {
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
            other => return Err(Error::parse(path, i + 1, format!("unknown kind {other:?}"))),
        };
        let (lat, lon) = (
            f[6].trim().parse::<f64>().ok(),
            f[7].trim().parse::<f64>().ok(),
        );
        let adm1 = match f[10].trim() {
            "" => None,
            s if s.starts_with("multi") => None,
            s => Some(
                admin
                    .by_arabic
                    .values()
                    .find(|v| latin_skeleton(v) == latin_skeleton(s))
                    .cloned()
                    .unwrap_or_else(|| wof_adm1_to_opensyria(s).unwrap_or(s).to_string()),
            ),
        };
        // No point: the row only adds names to an existing id; if the id is
        // unknown the record is dropped (and counted) after merging.
        let (lat, lon) = match (lat, lon) {
            (Some(a), Some(b)) => (a, b),
            _ => {
                no_point += 1;
                (f64::NAN, f64::NAN)
            }
        };
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
            admin1: adm1,
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
        out.push(p);
    }
    report.note(
        format!("{}: rows without a point (names only)", path.display()),
        no_point,
    );
    Ok(out)
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

/// What the OCHA communities table brings: names for places already
/// known, and the villages no other source has.
struct Communities {
    read: usize,
    matched: usize,
    /// (index of an existing place, names to add, xref).
    merges: Vec<(usize, Vec<String>, String)>,
    added: Vec<Place>,
}

/// OCHA's communities of the eastern governorates (`gazetteer/sources/
/// ocha-communities`). A community whose name a settlement within 5 km
/// already bears is that settlement; any other becomes a new village (or a
/// town or city where OCHA marks it as a seat).
fn communities(path: &Path, places: &[Place]) -> Result<Communities> {
    let text = read(path)?;
    let by_id: HashMap<&str, &Place> = places.iter().map(|p| (p.id.as_str(), p)).collect();
    let bare = |n: &str| {
        let k = key(n);
        k.strip_prefix("ال")
            .filter(|r| r.chars().count() >= 2)
            .map(str::to_string)
            .unwrap_or(k)
    };
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in places.iter().enumerate() {
        if p.country == "SY" && p.kind.is_settlement() {
            for n in p.all_names_ar() {
                by_name.entry(bare(n)).or_default().push(i);
            }
        }
    }
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
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 10 {
            return Err(Error::parse(path, ln + 1, "expected 10 columns"));
        }
        let num = |s: &str| {
            s.parse::<f64>()
                .map_err(|_| Error::parse(path, ln + 1, format!("not a number: {s:?}")))
        };
        let (lat, lon) = (num(f[3])?, num(f[4])?);
        out.read += 1;
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
        let here = Point::new(lon, lat);
        let known = names_ar.iter().find_map(|n| {
            by_name.get(&bare(n))?.iter().copied().find(|&i| {
                let p = &places[i];
                Haversine.distance(here, Point::new(p.lon, p.lat)) < 5000.0
            })
        });
        let id = format!("ocha:{}", f[0]);
        if let Some(i) = known {
            out.matched += 1;
            out.merges
                .push((i, names_ar.into_iter().chain(names_en).collect(), id));
            continue;
        }
        let kind = match f[8] {
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
            lat,
            lon,
            bbox: None,
            country: "SY".into(),
            admin1: unit(f[5]),
            admin2: unit(f[6]),
            population: None,
            precision_km: settlement_precision(kind, None),
            source: "ocha".into(),
        };
        for n in names_ar.iter().chain(&names_en) {
            p.add_name(n);
        }
        out.added.push(p);
    }
    Ok(out)
}

/// Curated sites that a settlement source also lists (Qamishli airport in
/// WOF) become one record: the curated one, with the other id as xref.
fn absorb_duplicates(places: &mut Vec<Place>, curated: Vec<Place>, report: &mut BuildReport) {
    let mut absorbed = 0;
    for c in curated {
        let ckeys: Vec<String> = c.all_names_ar().map(key).collect();
        let dup = places.iter().position(|p| {
            p.kind == c.kind
                && p.kind.is_facility()
                && p.all_names_ar().any(|n| ckeys.contains(&key(n)))
                && Haversine.distance(Point::new(p.lon, p.lat), Point::new(c.lon, c.lat)) < 3000.0
        });
        let mut c = c;
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
/// (a wrong alternate name), `drop` (a wrong record).
fn corrections(places: &mut Vec<Place>, path: &Path, report: &mut BuildReport) -> Result<()> {
    let text = read(path)?;
    let mut applied = 0;
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 {
            return Err(Error::parse(
                path,
                i + 1,
                "expected id, action, value, reason",
            ));
        }
        let hit = places
            .iter()
            .position(|p| p.id == f[0] || p.xref.iter().any(|x| x == f[0]));
        let Some(at) = hit else {
            return Err(Error::parse(
                path,
                i + 1,
                format!("no place with id {}", f[0]),
            ));
        };
        match f[1] {
            "remove_name" => places[at].remove_name(f[2]),
            "drop" => {
                places.remove(at);
            }
            other => {
                return Err(Error::parse(
                    path,
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

/// Final clean-up of one record: a point for rows that only added names is
/// never left NaN (they were merged), names are deduplicated, and capped so
/// that world cities do not carry hundreds of foreign spellings.
fn tidy(p: &mut Place) {
    // Persian and Kurdish letters in Arabic names («قرية الکسار», «چرزات»)
    // are written with their Arabic counterparts in Arabic news.
    p.name_ar = arabic_letters(&p.name_ar);
    for n in &mut p.names_ar {
        *n = arabic_letters(n);
    }
    let mut seen = std::collections::HashSet::new();
    seen.insert(p.name_ar.clone());
    p.names_ar.retain(|n| seen.insert(n.clone()));
    let mut seen = std::collections::HashSet::new();
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

/// Governorate and district boundaries of Syria and Iraq (Who's On First
/// polygons), simplified (Douglas-Peucker, 0.005°, about 500 m) for the
/// offline basemap. Properties: `id`, `level` (governorate or district),
/// `name_ar`, `name_en`, `country`.
pub fn admin_boundaries(sources: &Path) -> Result<geojson::FeatureCollection> {
    use geo::Simplify;
    let mut features = Vec::new();
    for (dir, country) in [("wof-sy", "SY"), ("wof-iq", "IQ")] {
        let path = sources
            .join(dir)
            .join("admin_polygons_region_county.geojson");
        let fc: geojson::FeatureCollection = read(&path)?
            .parse()
            .map_err(|e: geojson::Error| Error::parse(&path, 0, e.to_string()))?;
        for f in fc.features {
            let level = match f.property("wof:placetype").and_then(Value::as_str) {
                Some("region") => "governorate",
                Some("county") => "district",
                _ => continue,
            };
            let Some(geom) = f
                .geometry
                .as_ref()
                .and_then(|g| geo::Geometry::<f64>::try_from(g.clone()).ok())
            else {
                continue;
            };
            let simplified: geo::Geometry<f64> = match geom {
                geo::Geometry::Polygon(p) => p.simplify(0.005).into(),
                geo::Geometry::MultiPolygon(m) => m.simplify(0.005).into(),
                _ => continue,
            };
            let round = |g: geo::Geometry<f64>| -> geojson::Geometry {
                let mut v = geojson::Value::from(&g);
                fn walk(v: &mut geojson::Value) {
                    let r =
                        |p: &mut Vec<f64>| p.iter_mut().for_each(|c| *c = (*c * 1e4).round() / 1e4);
                    match v {
                        geojson::Value::Polygon(rings) => rings.iter_mut().flatten().for_each(r),
                        geojson::Value::MultiPolygon(polys) => {
                            polys.iter_mut().flatten().flatten().for_each(r)
                        }
                        _ => {}
                    }
                }
                walk(&mut v);
                geojson::Geometry::new(v)
            };
            let name_ar = f
                .property("name:ara_x_preferred")
                .and_then(|v| {
                    v.as_array()
                        .and_then(|a| a.first())
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .unwrap_or_default();
            let mut props = serde_json::Map::new();
            props.insert(
                "id".into(),
                Value::from(format!(
                    "wof:{}",
                    f.property("wof:id").and_then(Value::as_u64).unwrap_or(0)
                )),
            );
            props.insert("level".into(), Value::from(level));
            props.insert("name_ar".into(), Value::from(name_ar));
            props.insert(
                "name_en".into(),
                f.property("wof:name").cloned().unwrap_or(Value::Null),
            );
            props.insert("country".into(), Value::from(country));
            features.push(geojson::Feature {
                bbox: None,
                geometry: Some(round(simplified)),
                id: None,
                properties: Some(props),
                foreign_members: None,
            });
        }
    }
    features.sort_by_key(|f| f.property("id").and_then(Value::as_str).map(str::to_string));
    Ok(geojson::FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    })
}

//! OpenSyria admin units (`open-syria-geography`): governorates, districts
//! and subdistricts with their OCHA P-codes, and the governorate names every
//! other source is mapped onto.

use std::collections::HashMap;
use std::path::Path;

use marsad_arabic::{key, latin_skeleton};
use serde::Deserialize;
use serde_json::Value;

use super::{read, BuildReport};
use crate::{Error, Place, PlaceKind, Result};

/// Governorate names across sources: WOF's English and Arabic `adm1`
/// spellings mapped to the OpenSyria English names.
pub(super) struct AdminNames {
    by_arabic: HashMap<String, String>,
}

impl AdminNames {
    pub(super) fn load(sources: &Path) -> Result<Self> {
        let govs = read_units(&sources.join("open-syria-geography/governorates.json"))?;
        let by_arabic = govs
            .iter()
            .map(|g| (key(&g.name.ar), g.name.en.clone()))
            .collect();
        Ok(AdminNames { by_arabic })
    }

    /// English governorate name for a WOF record's `adm1` / `adm1_ar`.
    pub(super) fn admin1(
        &self,
        en: Option<&str>,
        ar: Option<&str>,
        country: &str,
    ) -> Option<String> {
        if country == "SY" {
            if let Some(n) = ar.and_then(|a| self.by_arabic.get(&key(a))) {
                return Some(n.clone());
            }
        }
        en.map(str::to_string)
    }

    /// The OpenSyria name spelled like `s` up to transliteration.
    pub(super) fn by_latin(&self, s: &str) -> Option<&String> {
        self.by_arabic
            .values()
            .find(|v| latin_skeleton(v) == latin_skeleton(s))
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

fn read_units(path: &Path) -> Result<Vec<OsUnit>> {
    serde_json::from_str(&read(path)?).map_err(|e| Error::parse(path, 0, e.to_string()))
}

/// OpenSyria governorates, then districts, then subdistricts, keyed by
/// P-code.
pub(super) fn units(sources: &Path, report: &mut BuildReport) -> Result<Vec<Place>> {
    let dir = sources.join("open-syria-geography");
    let govs = read_units(&dir.join("governorates.json"))?;
    let dists = read_units(&dir.join("districts.json"))?;
    let subs = read_units(&dir.join("subdistricts.json"))?;
    let names = UnitNames {
        gov_en: govs
            .iter()
            .map(|g| (g.id.as_str(), g.name.en.as_str()))
            .collect(),
        dist_en: dists
            .iter()
            .map(|d| (d.id.as_str(), d.name.en.as_str()))
            .collect(),
    };
    let g: Vec<Place> = govs
        .iter()
        .map(|u| names.place(u, PlaceKind::Governorate))
        .collect();
    let d: Vec<Place> = dists
        .iter()
        .map(|u| names.place(u, PlaceKind::District))
        .collect();
    let s: Vec<Place> = subs
        .iter()
        .map(|u| names.place(u, PlaceKind::Subdistrict))
        .collect();
    report.note("opensyria governorates", g.len());
    report.note("opensyria districts", d.len());
    report.note("opensyria subdistricts", s.len());
    Ok(g.into_iter().chain(d).chain(s).collect())
}

/// English names of governorates and districts by OpenSyria id, for the
/// `admin1` / `admin2` of the units below them.
struct UnitNames<'a> {
    gov_en: HashMap<&'a str, &'a str>,
    dist_en: HashMap<&'a str, &'a str>,
}

impl UnitNames<'_> {
    fn place(&self, u: &OsUnit, kind: PlaceKind) -> Place {
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
            // A unit is its own governorate or district.
            admin1: u
                .governorate_id
                .as_deref()
                .and_then(|g| self.gov_en.get(g))
                .map(|s| s.to_string())
                .or_else(|| (kind == PlaceKind::Governorate).then(|| u.name.en.clone())),
            admin2: u
                .district_id
                .as_deref()
                .and_then(|d| self.dist_en.get(d))
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
    }
}

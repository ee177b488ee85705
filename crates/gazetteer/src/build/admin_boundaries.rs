//! Simplified governorate and district boundaries for the offline basemap.

use std::path::Path;

use geo::Simplify;
use serde_json::Value;

use super::read;
use crate::{Error, Result};

/// Governorate and district boundaries of Syria and Iraq (Who's On First
/// polygons), simplified (Douglas-Peucker, 0.005°, about 500 m) for the
/// offline basemap. Properties: `id`, `level` (governorate or district),
/// `name_ar`, `name_en`, `country`.
pub fn admin_boundaries(sources: &Path) -> Result<geojson::FeatureCollection> {
    let mut features = Vec::new();
    for (dir, country) in [("wof-sy", "SY"), ("wof-iq", "IQ")] {
        let path = sources
            .join(dir)
            .join("admin_polygons_region_county.geojson");
        let fc: geojson::FeatureCollection = read(&path)?
            .parse()
            .map_err(|e: geojson::Error| Error::parse(&path, 0, e.to_string()))?;
        features.extend(fc.features.iter().filter_map(|f| boundary(f, country)));
    }
    features.sort_by_key(|f| f.property("id").and_then(Value::as_str).map(str::to_string));
    Ok(geojson::FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    })
}

/// A WOF region or county polygon as a simplified boundary; none for other
/// placetypes and geometries.
fn boundary(f: &geojson::Feature, country: &str) -> Option<geojson::Feature> {
    let level = match f.property("wof:placetype").and_then(Value::as_str) {
        Some("region") => "governorate",
        Some("county") => "district",
        _ => return None,
    };
    let geom = f
        .geometry
        .as_ref()
        .and_then(|g| geo::Geometry::<f64>::try_from(g.clone()).ok())?;
    let simplified: geo::Geometry<f64> = match geom {
        geo::Geometry::Polygon(p) => p.simplify(0.005).into(),
        geo::Geometry::MultiPolygon(m) => m.simplify(0.005).into(),
        _ => return None,
    };
    Some(geojson::Feature {
        bbox: None,
        geometry: Some(rounded(&simplified)),
        id: None,
        properties: Some(properties(f, level, country)),
        foreign_members: None,
    })
}

/// The geometry with coordinates rounded to 1e-4° (about 10 m), which keeps
/// the file small and diffable.
fn rounded(g: &geo::Geometry<f64>) -> geojson::Geometry {
    let round = |p: &mut Vec<f64>| p.iter_mut().for_each(|c| *c = (*c * 1e4).round() / 1e4);
    let mut v = geojson::Value::from(g);
    match &mut v {
        geojson::Value::Polygon(rings) => rings.iter_mut().flatten().for_each(round),
        geojson::Value::MultiPolygon(polys) => polys.iter_mut().flatten().flatten().for_each(round),
        _ => {}
    }
    geojson::Geometry::new(v)
}

fn properties(f: &geojson::Feature, level: &str, country: &str) -> serde_json::Map<String, Value> {
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
    props
}

//! What the router's tests share: the bundled gazetteer, loaded once per
//! test process, and vector tiles read back.

#![allow(dead_code)] // each test file uses a different part
#![allow(clippy::unwrap_used)] // a panic is how a test fails

use std::sync::OnceLock;

use marsad_gazetteer::Gazetteer;

pub fn gazetteer() -> &'static Gazetteer {
    static GAZ: OnceLock<Gazetteer> = OnceLock::new();
    GAZ.get_or_init(|| Gazetteer::bundled().unwrap())
}

/// Incidents in a vector tile: the `clusters` layer's counts and the
/// single incidents.
pub fn tile_count(body: &[u8]) -> Result<u64, String> {
    use prost::Message;
    let tile = tinymvt::vector_tile::Tile::decode(body).map_err(|e| e.to_string())?;
    let mut n = 0;
    for layer in &tile.layers {
        let tags = tinymvt::tag::TagsDecoder::new(&layer.keys, &layer.values);
        for f in &layer.features {
            n += match layer.name.as_str() {
                "clusters" => tags
                    .decode(&f.tags)
                    .map_err(|e| format!("{e:?}"))?
                    .iter()
                    .find_map(|(k, v)| match (k, v) {
                        (&"count", tinymvt::tag::Value::Uint(n)) => Some(*n),
                        _ => None,
                    })
                    .ok_or("a cluster without its count")?,
                _ => 1,
            };
        }
    }
    Ok(n)
}

/// The value of a metric in Prometheus text, by name and labels (each
/// `name="value"` given must be among its labels); 0 if absent.
pub fn metric(text: &str, name: &str, labels: &[(&str, &str)]) -> f64 {
    use openmetrics_parser::prometheus::parse_prometheus;
    let exposition = parse_prometheus(text).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    let Some(family) = exposition.families.get(name) else {
        return 0.0;
    };
    family
        .iter_samples()
        .filter(|s| {
            let set = s.get_labelset().unwrap();
            labels
                .iter()
                .all(|(k, v)| set.get_label_value(k) == Some(*v))
        })
        .map(|s| match &s.value {
            openmetrics_parser::PrometheusValue::Counter(c) => c.value.as_f64(),
            openmetrics_parser::PrometheusValue::Gauge(g) => g.as_f64(),
            _ => 0.0,
        })
        .sum()
}

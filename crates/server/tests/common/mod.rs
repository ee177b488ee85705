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

//! The compact on-disk form: gzip-compressed JSON lines, one place a line,
//! sorted by id so that rebuilding gives byte-identical output.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

use flate2::{read::GzDecoder, write::GzEncoder, Compression};

use crate::{Error, Place, Result};

/// Writes places (sorted by id) to `path` as gzipped JSON lines.
pub fn write_places(path: &Path, places: &[Place]) -> Result<()> {
    let mut sorted: Vec<&Place> = places.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let tmp = path.with_extension("tmp");
    let file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut gz = GzEncoder::new(std::io::BufWriter::new(file), Compression::best());
    for p in sorted {
        let line = serde_json::to_string(p).map_err(|e| Error::parse(path, 0, e.to_string()))?;
        gz.write_all(line.as_bytes())
            .and_then(|_| gz.write_all(b"\n"))
            .map_err(|e| Error::io(&tmp, e))?;
    }
    let mut w = gz.finish().map_err(|e| Error::io(&tmp, e))?;
    w.flush().map_err(|e| Error::io(&tmp, e))?;
    drop(w);
    // Rename last so a reader never sees half a file.
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

/// Reads places from a gzipped JSON-lines file.
pub fn read_places(path: &Path) -> Result<Vec<Place>> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    decode(path, file)
}

pub(crate) fn decode(path: &Path, reader: impl Read) -> Result<Vec<Place>> {
    let r = BufReader::new(GzDecoder::new(reader));
    let mut out = Vec::new();
    for (i, line) in r.lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let p: Place =
            serde_json::from_str(&line).map_err(|e| Error::parse(path, i + 1, e.to_string()))?;
        out.push(p);
    }
    Ok(out)
}

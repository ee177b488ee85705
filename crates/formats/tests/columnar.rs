//! GeoParquet and FlatGeobuf read back with the crates' own readers: every
//! incident, its typed columns, its point and the files' metadata. (The
//! files read in pyarrow, GeoPandas and GDAL in `tests/exports.rs`.)
#![allow(clippy::unwrap_used)]

#[path = "../benches/support/sample.rs"]
mod sample;

use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Int32Type};
use arrow_array::Array;
use flatgeobuf::{FallibleStreamingIterator, FeatureProperties, FgbReader};
use marsad_formats::{FgbFile, ParquetWriter};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

#[test]
fn geoparquet_holds_every_incident_typed_with_its_geo_metadata() {
    let incidents: Vec<_> = (0..150_000).map(sample::incident).collect();
    let mut w = ParquetWriter::start(Vec::new()).unwrap();
    for i in &incidents {
        w.write(i, Some(("https://example.org/a", "جملة الدليل")))
            .unwrap();
    }
    let bytes = bytes::Bytes::from(w.finish().unwrap());
    let reader = ParquetRecordBatchReaderBuilder::try_new(bytes).unwrap();
    let meta = reader
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .unwrap()
        .clone();
    // More than one row group: written as it went.
    assert!(reader.metadata().num_row_groups() >= 3);
    let geo = meta.iter().find(|kv| kv.key == "geo").unwrap();
    let geo: serde_json::Value = serde_json::from_str(geo.value.as_deref().unwrap()).unwrap();
    assert_eq!(geo["version"], "1.1.0");
    assert_eq!(geo["primary_column"], "geometry");
    assert_eq!(geo["columns"]["geometry"]["encoding"], "WKB");
    assert_eq!(geo["columns"]["geometry"]["geometry_types"][0], "Point");
    let mut row = 0;
    for batch in reader.build().unwrap() {
        let batch = batch.unwrap();
        let ids = batch.column_by_name("id").unwrap().as_string::<i32>();
        let dates = batch
            .column_by_name("date")
            .unwrap()
            .as_primitive::<Date32Type>();
        let killed = batch
            .column_by_name("killed")
            .unwrap()
            .as_primitive::<Int32Type>();
        let wkb = batch.column_by_name("geometry").unwrap().as_binary::<i32>();
        for k in 0..batch.num_rows() {
            let i = &incidents[row];
            assert_eq!(ids.value(k), i.id);
            assert_eq!(dates.is_null(k), i.date.is_none());
            if let Some(d) = i.date {
                assert_eq!(Date32Type::to_naive_date_opt(dates.value(k)).unwrap(), d);
            }
            assert_eq!(
                (!killed.is_null(k)).then(|| killed.value(k) as u32),
                i.counts.killed
            );
            // WKB point, little-endian: byte order, type 1, x, y; none
            // for an incident without a place.
            let Some((lat, lon)) = i.lat_lon() else {
                assert!(wkb.is_null(k));
                row += 1;
                continue;
            };
            let p = wkb.value(k);
            assert_eq!(p.len(), 21);
            assert_eq!(&p[..5], &[1, 1, 0, 0, 0]);
            assert_eq!(f64::from_le_bytes(p[5..13].try_into().unwrap()), lon);
            assert_eq!(f64::from_le_bytes(p[13..21].try_into().unwrap()), lat);
            row += 1;
        }
    }
    assert_eq!(row, incidents.len());
}

#[test]
fn an_empty_geoparquet_is_a_valid_file() {
    let w = ParquetWriter::start(Vec::new()).unwrap();
    let bytes = bytes::Bytes::from(w.finish().unwrap());
    let reader = ParquetRecordBatchReaderBuilder::try_new(bytes).unwrap();
    assert_eq!(reader.metadata().file_metadata().num_rows(), 0);
}

#[test]
fn flatgeobuf_holds_every_placed_incident_with_its_index() {
    let incidents: Vec<_> = (0..2_000).map(sample::incident).collect();
    let mut fgb = FgbFile::new().unwrap();
    for i in &incidents {
        fgb.add(i).unwrap();
    }
    let mut out = Vec::new();
    fgb.write(&mut out).unwrap();
    let reader = FgbReader::open(std::io::Cursor::new(&out)).unwrap();
    let placed = incidents.iter().filter(|i| i.place.is_some()).count();
    assert_eq!(reader.header().features_count(), placed as u64);
    assert!(reader.header().index_node_size() > 0);
    assert_eq!(reader.header().crs().unwrap().code(), 4326);
    // A box read through the index gives what a scan gives.
    let (w, s, e, n) = (40.85, 34.46, 40.90, 34.50);
    let mut boxed = reader.select_bbox(w, s, e, n).unwrap();
    let mut found = Vec::new();
    while let Some(f) = boxed.next().unwrap() {
        found.push(f.property::<String>("id").unwrap());
    }
    found.sort();
    let mut expected: Vec<String> = incidents
        .iter()
        .filter(|i| {
            i.lat_lon()
                .is_some_and(|(lat, lon)| (w..=e).contains(&lon) && (s..=n).contains(&lat))
        })
        .map(|i| i.id.clone())
        .collect();
    expected.sort();
    assert_eq!(found, expected);
}

#[test]
fn an_empty_flatgeobuf_is_a_valid_file() {
    let mut out = Vec::new();
    FgbFile::new().unwrap().write(&mut out).unwrap();
    let reader = FgbReader::open(std::io::Cursor::new(&out)).unwrap();
    assert_eq!(reader.header().features_count(), 0);
}

//! Incidents as GeoParquet 1.1: the incidents' attributes as typed columns
//! (dates as dates, tolls as nullable integers, actors as lists), the point
//! as WKB in `geometry` with the `geo` metadata, zstd-compressed, written a
//! row group at a time through the Apache Arrow and Parquet crates.

use std::io::Write;
use std::sync::Arc;

use arrow_array::builder::{
    BinaryBuilder, Date32Builder, Float64Builder, Int32Builder, ListBuilder, StringBuilder,
    UInt32Builder, UInt8Builder,
};
use arrow_array::types::Date32Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use marsad_model::{Actor, Incident};
use parquet::arrow::arrow_writer::{ArrowWriter, ArrowWriterOptions};
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use serde_json::json;

/// Rows per row group: a reader skips whole groups by their statistics,
/// and the writer holds one group in memory.
const ROW_GROUP: usize = 64 * 1024;

/// The columns, in order: the GeoJSON properties, the first report (as the
/// CSV has it), and the point.
fn schema() -> Schema {
    let text = |name: &str| Field::new(name, DataType::Utf8, true);
    let list =
        |name: &str| Field::new_list(name, Field::new_list_field(DataType::Utf8, true), false);
    let count = |name: &str| Field::new(name, DataType::Int32, true);
    Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("type", DataType::Utf8, false),
        Field::new("acled_event_type", DataType::Utf8, false),
        Field::new("acled_sub_event_type", DataType::Utf8, false),
        Field::new("date", DataType::Date32, true),
        Field::new("date_precision", DataType::Utf8, false),
        text("date_text"),
        text("place_id"),
        text("place_ar"),
        text("place_en"),
        text("admin1"),
        text("admin2"),
        Field::new("geo_precision", DataType::UInt8, false),
        list("actors"),
        list("actor_ids"),
        list("targets"),
        list("target_ids"),
        list("people"),
        count("killed"),
        count("injured"),
        count("arrested"),
        Field::new("confidence", DataType::Float64, false),
        Field::new("source_count", DataType::UInt32, false),
        Field::new("status", DataType::Utf8, false),
        text("source"),
        text("evidence"),
        Field::new("geometry", DataType::Binary, true),
    ])
}

/// The GeoParquet `geo` metadata of a file whose points fall in `bbox`.
/// No `crs`: absent means OGC:CRS84 (longitude, latitude on WGS 84),
/// where null would mean unknown.
fn geo_metadata(bbox: Option<[f64; 4]>) -> String {
    let mut column = json!({
        "encoding": "WKB",
        "geometry_types": ["Point"],
    });
    if let Some(b) = bbox {
        column["bbox"] = json!(b);
    }
    json!({
        "version": "1.1.0",
        "primary_column": "geometry",
        "columns": {"geometry": column},
    })
    .to_string()
}

/// Writes incidents into a GeoParquet file as they come, a row group at a
/// time: the memory of one group whatever the number of incidents.
pub struct ParquetWriter<W: Write + Send> {
    writer: ArrowWriter<W>,
    schema: SchemaRef,
    rows: Rows,
    bbox: Option<[f64; 4]>,
}

impl<W: Write + Send> ParquetWriter<W> {
    /// Starts a file.
    pub fn start(out: W) -> crate::Result<Self> {
        let schema = Arc::new(schema());
        let level = ZstdLevel::try_new(3)?;
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(level))
            .set_max_row_group_row_count(Some(ROW_GROUP))
            .build();
        // Without the Arrow schema blob: readers (pyarrow) take the file's
        // own metadata, and so the `geo` key, only when it is absent; the
        // Parquet types say everything the columns are.
        let options = ArrowWriterOptions::new()
            .with_properties(props)
            .with_skip_arrow_metadata(true);
        let writer = ArrowWriter::try_new_with_options(out, schema.clone(), options)?;
        Ok(ParquetWriter {
            writer,
            schema,
            rows: Rows::default(),
            bbox: None,
        })
    }

    /// One incident, with its first report: (source, evidence sentence).
    pub fn write(&mut self, i: &Incident, first: Option<(&str, &str)>) -> crate::Result<()> {
        if let Some((lat, lon)) = i.lat_lon() {
            self.bbox = Some(match self.bbox {
                None => [lon, lat, lon, lat],
                Some([a, b, c, d]) => [a.min(lon), b.min(lat), c.max(lon), d.max(lat)],
            });
        }
        self.rows.push(i, first)?;
        if self.rows.len >= ROW_GROUP {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> crate::Result<()> {
        if self.rows.len == 0 {
            return Ok(());
        }
        let columns = std::mem::take(&mut self.rows).finish();
        let batch = RecordBatch::try_new(self.schema.clone(), columns)?;
        self.writer.write(&batch)?;
        self.writer.flush()?;
        Ok(())
    }

    /// Ends the file with its metadata; gives back the writer.
    pub fn finish(mut self) -> crate::Result<W> {
        self.flush()?;
        self.writer
            .append_key_value_metadata(KeyValue::new("geo".into(), geo_metadata(self.bbox)));
        Ok(self.writer.into_inner()?)
    }
}

/// The columns of the row group being gathered.
#[derive(Default)]
struct Rows {
    len: usize,
    id: StringBuilder,
    kind: StringBuilder,
    acled: StringBuilder,
    acled_sub: StringBuilder,
    date: Date32Builder,
    date_precision: StringBuilder,
    date_text: StringBuilder,
    place_id: StringBuilder,
    place_ar: StringBuilder,
    place_en: StringBuilder,
    admin1: StringBuilder,
    admin2: StringBuilder,
    geo_precision: UInt8Builder,
    actors: ListBuilder<StringBuilder>,
    actor_ids: ListBuilder<StringBuilder>,
    targets: ListBuilder<StringBuilder>,
    target_ids: ListBuilder<StringBuilder>,
    people: ListBuilder<StringBuilder>,
    killed: Int32Builder,
    injured: Int32Builder,
    arrested: Int32Builder,
    confidence: Float64Builder,
    source_count: UInt32Builder,
    status: StringBuilder,
    source: StringBuilder,
    evidence: StringBuilder,
    geometry: BinaryBuilder,
}

impl Rows {
    fn push(&mut self, i: &Incident, first: Option<(&str, &str)>) -> crate::Result<()> {
        let p = i.place.as_ref();
        self.id.append_value(&i.id);
        self.kind.append_value(i.event_type.as_str());
        self.acled.append_value(i.event_type.acled_event_type());
        self.acled_sub
            .append_value(i.event_type.acled_sub_event_type());
        self.date
            .append_option(i.date.map(Date32Type::from_naive_date));
        self.date_precision.append_value(i.date_precision.as_str());
        self.date_text.append_option(i.date_text.as_deref());
        self.place_id.append_option(p.map(|p| &p.id));
        self.place_ar.append_option(p.map(|p| &p.name_ar));
        self.place_en
            .append_option(p.and_then(|p| p.name_en.as_deref()));
        self.admin1
            .append_option(p.and_then(|p| p.admin1.as_deref()));
        self.admin2
            .append_option(p.and_then(|p| p.admin2.as_deref()));
        self.geo_precision.append_value(i.geo_precision.code());
        let names = |b: &mut ListBuilder<StringBuilder>, actors: &[Actor], id: bool| {
            for a in actors {
                b.values().append_value(if id { &a.id } else { &a.name_en });
            }
            b.append(true);
        };
        names(&mut self.actors, &i.actors, false);
        names(&mut self.actor_ids, &i.actors, true);
        names(&mut self.targets, &i.targets, false);
        names(&mut self.target_ids, &i.targets, true);
        for person in &i.people {
            self.people.values().append_value(person);
        }
        self.people.append(true);
        for (b, v) in [
            (&mut self.killed, i.counts.killed),
            (&mut self.injured, i.counts.injured),
            (&mut self.arrested, i.counts.arrested),
        ] {
            b.append_option(v.map(|v| i32::try_from(v).unwrap_or(i32::MAX)));
        }
        // As the GeoJSON writes it: the f32 rounded to three places.
        self.confidence
            .append_value((f64::from(i.confidence) * 1000.0).round() / 1000.0);
        self.source_count.append_value(i.source_count);
        self.status.append_value(i.status.as_str());
        self.source.append_option(first.map(|(s, _)| s));
        self.evidence.append_option(first.map(|(_, e)| e));
        match i.lat_lon() {
            Some((lat, lon)) => {
                let mut wkb = Vec::with_capacity(21);
                let point = geo_types::Point::new(lon, lat);
                wkb::writer::write_point(&mut wkb, &point, &Default::default())?;
                self.geometry.append_value(wkb);
            }
            None => self.geometry.append_null(),
        }
        self.len += 1;
        Ok(())
    }

    fn finish(mut self) -> Vec<ArrayRef> {
        vec![
            Arc::new(self.id.finish()),
            Arc::new(self.kind.finish()),
            Arc::new(self.acled.finish()),
            Arc::new(self.acled_sub.finish()),
            Arc::new(self.date.finish()),
            Arc::new(self.date_precision.finish()),
            Arc::new(self.date_text.finish()),
            Arc::new(self.place_id.finish()),
            Arc::new(self.place_ar.finish()),
            Arc::new(self.place_en.finish()),
            Arc::new(self.admin1.finish()),
            Arc::new(self.admin2.finish()),
            Arc::new(self.geo_precision.finish()),
            Arc::new(self.actors.finish()),
            Arc::new(self.actor_ids.finish()),
            Arc::new(self.targets.finish()),
            Arc::new(self.target_ids.finish()),
            Arc::new(self.people.finish()),
            Arc::new(self.killed.finish()),
            Arc::new(self.injured.finish()),
            Arc::new(self.arrested.finish()),
            Arc::new(self.confidence.finish()),
            Arc::new(self.source_count.finish()),
            Arc::new(self.status.finish()),
            Arc::new(self.source.finish()),
            Arc::new(self.evidence.finish()),
            Arc::new(self.geometry.finish()),
        ]
    }
}

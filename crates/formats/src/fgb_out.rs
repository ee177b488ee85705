//! Incidents as FlatGeobuf, through the `flatgeobuf` crate: points with
//! the incidents' attributes as columns and the packed Hilbert R-tree, so
//! QGIS and GDAL read a box of a file served over HTTP with a few range
//! requests. The features wait in a temporary file until the index, which
//! comes first in the file, is built.

use std::io::Write;

use flatgeobuf::geozero::{ColumnValue, GeomProcessor, GeozeroGeometry, PropertyProcessor};
use flatgeobuf::{ColumnType, FgbCrs, FgbWriter, FgbWriterOptions, GeometryType};
use marsad_model::{Actor, Incident};

/// The columns: name, type. Lists (actors, people) are joined with "; ",
/// as FlatGeobuf has no list type.
const COLUMNS: [(&str, ColumnType); 20] = [
    ("id", ColumnType::String),
    ("type", ColumnType::String),
    ("acled_event_type", ColumnType::String),
    ("acled_sub_event_type", ColumnType::String),
    ("date", ColumnType::DateTime),
    ("date_precision", ColumnType::String),
    ("place_id", ColumnType::String),
    ("place_ar", ColumnType::String),
    ("place_en", ColumnType::String),
    ("admin1", ColumnType::String),
    ("admin2", ColumnType::String),
    ("geo_precision", ColumnType::UByte),
    ("actors", ColumnType::String),
    ("targets", ColumnType::String),
    ("killed", ColumnType::Int),
    ("injured", ColumnType::Int),
    ("arrested", ColumnType::Int),
    ("confidence", ColumnType::Double),
    ("source_count", ColumnType::UInt),
    ("status", ColumnType::String),
];

/// A point as geozero reads a geometry.
struct Point {
    lon: f64,
    lat: f64,
}

impl GeozeroGeometry for Point {
    fn process_geom<P: GeomProcessor>(&self, p: &mut P) -> flatgeobuf::geozero::error::Result<()> {
        p.point_begin(0)?;
        p.xy(self.lon, self.lat, 0)?;
        p.point_end(0)
    }
}

/// Gathers incidents, then writes the FlatGeobuf file whole.
pub struct FgbFile<'a> {
    fgb: FgbWriter<'a>,
}

impl FgbFile<'_> {
    /// An empty file.
    pub fn new() -> crate::Result<Self> {
        let options = FgbWriterOptions {
            write_index: true,
            crs: FgbCrs {
                code: 4326,
                ..Default::default()
            },
            title: Some("Marsad incidents"),
            ..Default::default()
        };
        let mut fgb = FgbWriter::create_with_options("incidents", GeometryType::Point, options)?;
        for (name, kind) in COLUMNS {
            fgb.add_column(name, kind, |_, c| c.nullable = true);
        }
        Ok(FgbFile { fgb })
    }

    /// Adds one incident (one without a place has no point and is left
    /// out: the index holds only placed incidents).
    pub fn add(&mut self, i: &Incident) -> crate::Result<()> {
        let Some((lat, lon)) = i.lat_lon() else {
            return Ok(());
        };
        let p = i.place.as_ref();
        let names = |v: &[Actor]| {
            v.iter()
                .map(|a| a.name_en.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        };
        let (actors, targets) = (names(&i.actors), names(&i.targets));
        let date = i.date.map(|d| d.to_string());
        let values: [Option<ColumnValue<'_>>; 20] = [
            Some(ColumnValue::String(&i.id)),
            Some(ColumnValue::String(i.event_type.as_str())),
            Some(ColumnValue::String(i.event_type.acled_event_type())),
            Some(ColumnValue::String(i.event_type.acled_sub_event_type())),
            date.as_deref().map(ColumnValue::DateTime),
            Some(ColumnValue::String(i.date_precision.as_str())),
            p.map(|p| ColumnValue::String(&p.id)),
            p.map(|p| ColumnValue::String(&p.name_ar)),
            p.and_then(|p| p.name_en.as_deref())
                .map(ColumnValue::String),
            p.and_then(|p| p.admin1.as_deref()).map(ColumnValue::String),
            p.and_then(|p| p.admin2.as_deref()).map(ColumnValue::String),
            Some(ColumnValue::UByte(i.geo_precision.code())),
            Some(ColumnValue::String(&actors)),
            Some(ColumnValue::String(&targets)),
            count(i.counts.killed),
            count(i.counts.injured),
            count(i.counts.arrested),
            Some(ColumnValue::Double(
                (f64::from(i.confidence) * 1000.0).round() / 1000.0,
            )),
            Some(ColumnValue::UInt(i.source_count)),
            Some(ColumnValue::String(i.status.as_str())),
        ];
        let mut failed = None;
        self.fgb.add_feature_geom(Point { lon, lat }, |f| {
            for (at, (value, (name, _))) in values.iter().zip(COLUMNS).enumerate() {
                // A null is a property left out.
                if let Some(v) = value {
                    if let Err(e) = f.property(at, name, v) {
                        failed.get_or_insert(e);
                    }
                }
            }
        })?;
        failed.map_or(Ok(()), |e| Err(e.into()))
    }

    /// Writes the file: header, index, features.
    pub fn write(self, out: impl Write) -> crate::Result<()> {
        Ok(self.fgb.write(out)?)
    }
}

fn count(v: Option<u32>) -> Option<ColumnValue<'static>> {
    v.map(|v| ColumnValue::Int(i32::try_from(v).unwrap_or(i32::MAX)))
}

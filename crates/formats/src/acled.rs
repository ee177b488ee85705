//! Incidents as ACLED-compatible CSV, so analysts can put Marsad's
//! incidents next to ACLED's own.

use marsad_model::{Actor, Incident};

use crate::Result;

/// The first report of each incident, by incident id: (source — URL,
/// outlet or title —, evidence sentence).
pub type FirstSources = rustc_hash::FxHashMap<String, (String, String)>;

const COLUMNS: [&str; 18] = [
    "event_id",
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "admin1",
    "admin2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "time_precision",
    "source",
    "notes",
    "fatalities",
    "marsad_type",
    "source_count",
];

/// Incidents as CSV with ACLED's columns (and Marsad's type and source
/// count); arrests and injuries, which ACLED has no column for, go in the
/// notes after the evidence.
pub fn acled_csv(incidents: &[Incident], first: &FirstSources) -> Result<Vec<u8>> {
    let mut w = AcledWriter::start(Vec::new())?;
    for i in incidents {
        let source = first.get(&i.id).map(|(s, e)| (s.as_str(), e.as_str()));
        w.write(i, source)?;
    }
    w.finish()
}

/// Writes [`acled_csv`]'s rows as they come, in the memory of one row.
pub struct AcledWriter<W: std::io::Write>(csv::Writer<W>);

impl<W: std::io::Write> AcledWriter<W> {
    /// Starts the file with its header.
    pub fn start(w: W) -> Result<Self> {
        let mut w = csv::Writer::from_writer(w);
        w.write_record(COLUMNS)?;
        Ok(AcledWriter(w))
    }

    /// One incident, with its first report: (source, evidence sentence).
    pub fn write(&mut self, i: &Incident, first: Option<(&str, &str)>) -> Result<()> {
        Ok(self.0.write_record(row(i, first))?)
    }

    /// Ends the file; gives back the writer, flushed.
    pub fn finish(self) -> Result<W> {
        self.0
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()).into())
    }
}

fn row(i: &Incident, first: Option<(&str, &str)>) -> [String; 18] {
    let names = |v: &[Actor]| {
        v.iter()
            .map(|a| a.name_en.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let (source, evidence) = first.unwrap_or(("", ""));
    let mut notes = evidence.to_string();
    for (label, v) in [
        ("arrested", i.counts.arrested),
        ("injured", i.counts.injured),
    ] {
        if let Some(v) = v {
            notes.push_str(&format!(" [{label}: {v}]"));
        }
    }
    let p = i.place.as_ref();
    let text = |s: Option<&String>| s.cloned().unwrap_or_default();
    [
        i.id.clone(),
        i.date.map(|d| d.to_string()).unwrap_or_default(),
        i.event_type.acled_event_type().to_string(),
        i.event_type.acled_sub_event_type().to_string(),
        names(&i.actors),
        names(&i.targets),
        text(p.and_then(|p| p.admin1.as_ref())),
        text(p.and_then(|p| p.admin2.as_ref())),
        text(p.and_then(|p| p.name_en.as_ref())),
        p.map(|p| format!("{:.5}", p.lat)).unwrap_or_default(),
        p.map(|p| format!("{:.5}", p.lon)).unwrap_or_default(),
        i.geo_precision.to_string(),
        i.date_precision.acled_code().to_string(),
        source.to_string(),
        notes,
        i.counts.killed.unwrap_or(0).to_string(),
        i.event_type.as_str().to_string(),
        i.source_count.to_string(),
    ]
}

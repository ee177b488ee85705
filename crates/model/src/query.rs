//! Typed query inputs, parsed once with messages that say what is wrong:
//! the command line (clap) and the API (one axum extractor) both use them.

use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};

use crate::error::invalid;
use crate::{parse_date, parse_day, Error, EventType, GeoPrecision, Result};

/// Deserialises a value through its [`FromStr`], so a query string, a JSON
/// document and the command line accept the same text.
macro_rules! deserialize_from_str {
    ($($t:ty),*) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    )*};
}

deserialize_from_str!(LatLon, BBox, RadiusKm, DateRange, Sort);

/// A number as JSON writes it (no padding, no `inf` or `NaN`): what an
/// API's contract calls a number.
pub fn json_number(s: &str) -> Result<f64> {
    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn shaped(b: &[u8]) -> bool {
        let digits = |i: usize| b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        let mut i = usize::from(b.first() == Some(&b'-'));
        match digits(i) {
            0 => return false,
            n if n > 1 && b[i] == b'0' => return false,
            n => i += n,
        }
        if b.get(i) == Some(&b'.') {
            match digits(i + 1) {
                0 => return false,
                n => i += 1 + n,
            }
        }
        if matches!(b.get(i), Some(b'e' | b'E')) {
            i += 1 + usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
            match digits(i) {
                0 => return false,
                n => i += n,
            }
        }
        i == b.len()
    }
    shaped(s.as_bytes())
        .then(|| s.parse::<f64>().ok())
        .flatten()
        .filter(|x| x.is_finite())
        .ok_or_else(|| invalid(format!("{s:?} is not a number")))
}

fn number(s: &str, what: &str) -> Result<f64> {
    let s = s.trim();
    s.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .ok_or_else(|| invalid(format!("{what}{s:?} is not a number")))
}

/// A point: `LAT,LON` in degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatLon {
    /// Latitude, −90 to 90.
    pub lat: f64,
    /// Longitude, −180 to 180.
    pub lon: f64,
}

impl LatLon {
    /// A point, if both coordinates are in range.
    pub fn new(lat: f64, lon: f64) -> Result<Self> {
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            return Err(invalid(format!("{lat},{lon} is out of range")));
        }
        Ok(LatLon { lat, lon })
    }

    /// A latitude alone, in range.
    pub fn latitude(s: &str) -> Result<f64> {
        in_range(number(s, "")?, -90.0, 90.0)
    }

    /// A longitude alone, in range.
    pub fn longitude(s: &str) -> Result<f64> {
        in_range(number(s, "")?, -180.0, 180.0)
    }
}

/// A number within `[lo, hi]`.
pub fn in_range(x: f64, lo: f64, hi: f64) -> Result<f64> {
    if !x.is_finite() || x < lo || x > hi {
        return Err(invalid(format!("{x} is out of range [{lo}, {hi}]")));
    }
    Ok(x)
}

impl FromStr for LatLon {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let (a, b) = s
            .split_once(',')
            .ok_or_else(|| invalid("expected LAT,LON"))?;
        let lat = number(a, "latitude ")?;
        let lon = number(b, "longitude ")?;
        LatLon::new(lat, lon)
    }
}

/// A box: `min_lon,min_lat,max_lon,max_lat` (six numbers for a 3D box keep
/// their horizontal corners). A `min_lon` above `max_lon` crosses the
/// antimeridian; an inverted latitude range is an error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    /// West edge, longitude.
    pub min_lon: f64,
    /// South edge, latitude.
    pub min_lat: f64,
    /// East edge, longitude.
    pub max_lon: f64,
    /// North edge, latitude.
    pub max_lat: f64,
}

impl BBox {
    /// `[min_lon, min_lat, max_lon, max_lat]`.
    pub fn to_array(self) -> [f64; 4] {
        [self.min_lon, self.min_lat, self.max_lon, self.max_lat]
    }

    /// Whether the box holds a point, across the antimeridian too.
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        lat >= self.min_lat
            && lat <= self.max_lat
            && if self.min_lon <= self.max_lon {
                lon >= self.min_lon && lon <= self.max_lon
            } else {
                lon >= self.min_lon || lon <= self.max_lon
            }
    }
}

impl FromStr for BBox {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        if parts.len() != 4 && parts.len() != 6 {
            return Err(invalid("expected min_lon,min_lat,max_lon,max_lat"));
        }
        let nums = parts
            .iter()
            .map(|p| {
                p.parse::<f64>()
                    .map_err(|_| invalid(format!("{p:?} is not a number")))
            })
            .collect::<Result<Vec<f64>>>()?;
        let (w, s, e, n) = if nums.len() == 6 {
            (nums[0], nums[1], nums[3], nums[4])
        } else {
            (nums[0], nums[1], nums[2], nums[3])
        };
        for (x, what) in [(w, "min_lon"), (e, "max_lon")] {
            if !(-180.0..=180.0).contains(&x) {
                return Err(invalid(format!("{what} {x} is out of range [-180, 180]")));
            }
        }
        for (y, what) in [(s, "min_lat"), (n, "max_lat")] {
            if !(-90.0..=90.0).contains(&y) {
                return Err(invalid(format!("{what} {y} is out of range [-90, 90]")));
            }
        }
        if s > n {
            return Err(invalid(format!("min_lat {s} is above max_lat {n}")));
        }
        Ok(BBox {
            min_lon: w,
            min_lat: s,
            max_lon: e,
            max_lat: n,
        })
    }
}

/// A search radius in kilometres: `25`, `25km` or `25 km`, more than 0 and
/// at most half the Earth's circumference.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct RadiusKm(f64);

impl RadiusKm {
    /// The largest radius, km.
    pub const MAX: f64 = 20_000.0;

    /// A radius, if in range.
    pub fn new(km: f64) -> Result<Self> {
        if !km.is_finite() || km <= 0.0 || km > Self::MAX {
            return Err(invalid(format!("{km} is out of range (0, {}]", Self::MAX)));
        }
        Ok(RadiusKm(km))
    }

    /// Kilometres.
    pub fn km(self) -> f64 {
        self.0
    }
}

impl FromStr for RadiusKm {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim();
        let n = t.strip_suffix("km").unwrap_or(t).trim();
        let km = n
            .parse::<f64>()
            .map_err(|_| invalid(format!("{s:?} is not a distance like 25 or 25km")))?;
        RadiusKm::new(km)
    }
}

/// Days from `since` to `until`, both included; either end may be open.
/// Written `since/until` as in OGC's `datetime` (`..` or nothing for an
/// open end), or one date for that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DateRange {
    /// First day.
    pub since: Option<NaiveDate>,
    /// Last day.
    pub until: Option<NaiveDate>,
}

impl DateRange {
    /// A range, if it does not end before it starts.
    pub fn new(since: Option<NaiveDate>, until: Option<NaiveDate>) -> Result<Self> {
        if let (Some(s), Some(u)) = (since, until) {
            if s > u {
                return Err(invalid(format!("{s} is after {u}")));
            }
        }
        Ok(DateRange { since, until })
    }

    /// A range as asked, even one that ends before it starts: it then
    /// holds no day (the API answers such a query with nothing rather than
    /// refusing it, as its contract cannot relate two parameters).
    pub fn between(since: Option<NaiveDate>, until: Option<NaiveDate>) -> Self {
        DateRange { since, until }
    }

    /// Whether the range bounds anything.
    pub fn is_open(&self) -> bool {
        self.since.is_none() && self.until.is_none()
    }

    /// Whether a date falls in the range. An unknown date falls in no
    /// bounded range.
    pub fn contains(&self, date: Option<NaiveDate>) -> bool {
        if self.is_open() {
            return true;
        }
        date.is_some_and(|d| self.since.is_none_or(|s| d >= s) && self.until.is_none_or(|u| d <= u))
    }
}

impl FromStr for DateRange {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let end = |x: &str| -> Result<Option<NaiveDate>> {
            match x.trim() {
                "" | ".." => Ok(None),
                x => parse_date(x)
                    .map(Some)
                    .map_err(|_| invalid(format!("{x:?} is not an RFC 3339 date or date-time"))),
            }
        };
        match s.split_once('/') {
            Some((a, b)) => Ok(DateRange::between(end(a)?, end(b)?)),
            None => {
                let d = end(s)?;
                Ok(DateRange { since: d, until: d })
            }
        }
    }
}

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Nearest first (radius and nearest queries).
    Distance,
    /// Newest first; undated last.
    #[default]
    DateDesc,
    /// Oldest first; undated last.
    DateAsc,
    /// Least confident first (a review queue: what most needs a person).
    Confidence,
}

impl FromStr for Sort {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim() {
            "distance" => Ok(Sort::Distance),
            "date" => Ok(Sort::DateAsc),
            "-date" => Ok(Sort::DateDesc),
            "confidence" => Ok(Sort::Confidence),
            other => Err(invalid(format!(
                "{other:?} is not one of distance, date, -date, confidence"
            ))),
        }
    }
}

/// Which incidents a query wants, whatever area it covers: dates, types,
/// actors, confidence and geo precision.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IncidentQuery {
    /// Only incidents in these days (an undated incident fails any bound).
    pub dates: DateRange,
    /// Only these event types (empty: all).
    pub types: Vec<EventType>,
    /// Only incidents with one of these actors or targets, by id (empty: all).
    pub actors: Vec<String>,
    /// Only incidents at least this confident.
    pub min_confidence: Option<f32>,
    /// Only incidents at most this imprecise.
    pub max_geo_precision: Option<GeoPrecision>,
    /// Only incidents in one of these review states (empty: all).
    pub statuses: Vec<crate::ReviewStatus>,
    /// Only incidents this expression admits (an OGC API `filter`).
    pub condition: Option<std::sync::Arc<crate::Condition>>,
}

impl IncidentQuery {
    /// The filters of a query string's pairs: `since`, `until`, `type` and
    /// `actor` (repeated or comma-separated), `min_confidence`,
    /// `geo_precision`. Other keys are left to the caller; an empty value
    /// counts as absent. Errors name the parameter.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<Self> {
        let mut q = IncidentQuery::default();
        let (mut since, mut until) = (None, None);
        for (k, v) in pairs {
            // Strict, as the API's contract says: an empty or padded value
            // is an error, not an absent one.
            let value = || {
                if v.is_empty() {
                    Err(invalid("is empty").for_param(k))
                } else {
                    Ok(v)
                }
            };
            match k {
                "since" if since.is_none() => since = Some(parse_day(value()?).map_err(named(k))?),
                "until" if until.is_none() => until = Some(parse_day(value()?).map_err(named(k))?),
                "type" => {
                    for t in value()?.split(',') {
                        q.types.push(t.parse().map_err(named("type"))?);
                    }
                }
                "actor" => q.actors.extend(value()?.split(',').map(str::to_string)),
                "status" => {
                    for s in value()?.split(',') {
                        let s = s.parse().map_err(|e: Error| e.for_param("status"))?;
                        if !q.statuses.contains(&s) {
                            q.statuses.push(s);
                        }
                    }
                }
                "min_confidence" if q.min_confidence.is_none() => {
                    let c = json_number(value()?).and_then(|c| in_range(c, 0.0, 1.0));
                    q.min_confidence = Some(c.map_err(named(k))? as f32);
                }
                "geo_precision" if q.max_geo_precision.is_none() => {
                    let g = value()?
                        .parse::<u8>()
                        .ok()
                        .filter(|g| (1..=3).contains(g))
                        .ok_or_else(|| invalid(format!("{v:?} is not 1, 2 or 3")));
                    q.max_geo_precision = Some(GeoPrecision::new(g.map_err(named(k))?));
                }
                _ => {}
            }
        }
        q.dates = DateRange::between(since, until);
        Ok(q)
    }

    /// Whether an incident with these facts passes: its type, its date (an
    /// undated one fails any date bound), its confidence, its geo
    /// precision, its review status, and the ids of its actors and targets.
    pub fn admits<'a>(
        &self,
        event_type: EventType,
        date: Option<NaiveDate>,
        confidence: f32,
        geo_precision: GeoPrecision,
        status: crate::ReviewStatus,
        mut parties: impl Iterator<Item = &'a str>,
    ) -> bool {
        self.dates.contains(date)
            && (self.statuses.is_empty() || self.statuses.contains(&status))
            && (self.types.is_empty() || self.types.contains(&event_type))
            && self.min_confidence.is_none_or(|c| confidence >= c)
            && self.max_geo_precision.is_none_or(|g| geo_precision <= g)
            && (self.actors.is_empty() || parties.any(|id| self.actors.iter().any(|a| a == id)))
    }

    /// Whether an incident passes.
    pub fn accepts(&self, i: &crate::Incident) -> bool {
        self.condition.as_ref().is_none_or(|c| c.admits(i))
            && self.admits(
                i.event_type,
                i.date,
                i.confidence,
                i.geo_precision,
                i.status,
                i.actors.iter().chain(&i.targets).map(|a| a.id.as_str()),
            )
    }

    /// The same query, for one type only.
    pub fn only(mut self, t: EventType) -> Self {
        self.types = vec![t];
        self
    }
}

fn named(name: &str) -> impl Fn(Error) -> Error + '_ {
    move |e| e.for_param(name)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn points_boxes_and_radii() {
        let p: LatLon = " 34.45 , 40.92".parse().unwrap();
        assert_eq!((p.lat, p.lon), (34.45, 40.92));
        for (bad, says) in [
            ("95,10", "out of range"),
            ("34.4", "LAT,LON"),
            ("north,40", "latitude"),
            ("34,NaN", "longitude"),
        ] {
            let e = bad.parse::<LatLon>().unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }

        let b: BBox = "170,-10,-170,10".parse().unwrap();
        assert!(b.contains(0.0, 179.0) && b.contains(0.0, -179.0) && !b.contains(0.0, 0.0));
        let b3: BBox = "40,34,0,41,35,100".parse().unwrap();
        assert_eq!(b3.to_array(), [40.0, 34.0, 41.0, 35.0]);
        for (bad, says) in [
            ("1,2,3", "expected"),
            ("1,x,3,4", "\"x\" is not a number"),
            ("190,0,10,10", "min_lon 190"),
            ("0,50,10,40", "min_lat 50 is above max_lat 40"),
        ] {
            let e = bad.parse::<BBox>().unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }

        for ok in ["25", "25km", " 25 km", "0.5"] {
            assert!(ok.parse::<RadiusKm>().is_ok(), "{ok}");
        }
        assert_eq!("25km".parse::<RadiusKm>().unwrap().km(), 25.0);
        for bad in ["0", "-3", "20001", "far", "inf"] {
            assert!(bad.parse::<RadiusKm>().is_err(), "{bad}");
        }
    }

    #[test]
    fn numbers_as_json_writes_them() {
        for ok in ["0", "-0", "1.5", "-12.25e-3", "1e+16", "40", "0.000001"] {
            assert!(json_number(ok).is_ok(), "{ok}");
        }
        for bad in [
            "", " 1", "1 ", "+1", "01", "1.", ".5", "1e", "inf", "NaN", "0x10", "1e999", "--1",
        ] {
            assert!(json_number(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn date_ranges_as_ogc_writes_them() {
        let d = |s: &str| Some(s.parse::<NaiveDate>().unwrap());
        let r: DateRange = "2024-03-01/..".parse().unwrap();
        assert_eq!((r.since, r.until), (d("2024-03-01"), None));
        assert!(r.contains(d("2024-03-02")) && !r.contains(None));
        let day: DateRange = "2024-03-05T12:00:00Z".parse().unwrap();
        assert_eq!((day.since, day.until), (d("2024-03-05"), d("2024-03-05")));
        assert!(DateRange::default().contains(None));
        let inverted: DateRange = "2024-03-05/2024-03-01".parse().unwrap();
        assert!(!inverted.contains(d("2024-03-03")));
        assert!("yesterday".parse::<DateRange>().is_err());
    }

    #[test]
    fn incident_queries_name_the_wrong_parameter() {
        let q = IncidentQuery::from_pairs([
            ("since", "2024-01-01"),
            ("type", "airstrike,drone_strike"),
            ("type", "shelling"),
            ("actor", "irgc"),
            ("min_confidence", "0.5"),
            ("geo_precision", "2"),
            ("limit", "anything: not ours"),
        ])
        .unwrap();
        assert_eq!(q.types.len(), 3);
        assert_eq!(q.actors, ["irgc"]);
        assert_eq!(q.max_geo_precision, Some(GeoPrecision::NEAR));
        assert_eq!(q.dates.until, None);
        for (k, v) in [
            ("since", "yesterday"),
            ("type", "bombing"),
            ("min_confidence", "2"),
            ("geo_precision", "x"),
            ("geo_precision", "1.5"),
            ("until", ""),
            ("since", " 2024-01-01"),
            ("type", "airstrike,"),
            ("min_confidence", "NaN"),
        ] {
            let e = IncidentQuery::from_pairs([(k, v)]).unwrap_err().to_string();
            assert!(e.starts_with(&format!("{k}: ")), "{k}={v}: {e}");
        }
        // A range that ends before it starts holds nothing.
        let q =
            IncidentQuery::from_pairs([("since", "2024-03-02"), ("until", "2024-03-01")]).unwrap();
        let d = NaiveDate::from_ymd_opt(2024, 3, 1);
        assert!(!q.dates.contains(d) && !q.dates.contains(d.and_then(|d| d.succ_opt())));
    }
}

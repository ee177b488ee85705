//! Query parameters, validated with messages that name the parameter.

use chrono::NaiveDate;
use marsad_extract::EventType;
use marsad_index::{Filter, Sort};

use crate::AppError;

/// Largest page a client may ask for.
pub const MAX_LIMIT: usize = 10_000;
/// Largest radius, km (half the Earth's circumference).
pub const MAX_RADIUS_KM: f64 = 20_000.0;

/// The raw query string, parsed (repeated keys allowed).
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// Parses a query string.
    pub fn parse(q: Option<&str>) -> Self {
        Params(
            form_urlencoded::parse(q.unwrap_or("").as_bytes())
                .into_owned()
                .collect(),
        )
    }

    /// The first value of a parameter (empty values count as absent).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a parameter, commas splitting values too.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| {
                v.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// A number within a range.
    pub fn f64_in(&self, name: &str, lo: f64, hi: f64) -> Result<Option<f64>, AppError> {
        let Some(v) = self.get(name) else {
            return Ok(None);
        };
        let x: f64 = v
            .trim()
            .parse()
            .map_err(|_| AppError::param(name, format!("{v:?} is not a number")))?;
        if !x.is_finite() || x < lo || x > hi {
            return Err(AppError::param(
                name,
                format!("{x} is out of range [{lo}, {hi}]"),
            ));
        }
        Ok(Some(x))
    }

    /// A count (limit, offset) with a maximum.
    pub fn usize_max(&self, name: &str, default: usize, max: usize) -> Result<usize, AppError> {
        let Some(v) = self.get(name) else {
            return Ok(default);
        };
        let n: usize = v.trim().parse().map_err(|_| {
            AppError::param(name, format!("{v:?} is not a non-negative whole number"))
        })?;
        if n > max {
            return Err(AppError::param(
                name,
                format!("{n} is more than the maximum {max}"),
            ));
        }
        Ok(n)
    }

    /// A date `YYYY-MM-DD`.
    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, AppError> {
        let Some(v) = self.get(name) else {
            return Ok(None);
        };
        parse_date(v)
            .map(Some)
            .ok_or_else(|| AppError::param(name, format!("{v:?} is not a date YYYY-MM-DD")))
    }

    /// `bbox=min_lon,min_lat,max_lon,max_lat` (a min_lon above max_lon
    /// crosses the antimeridian; an inverted latitude range is an error).
    pub fn bbox(&self, name: &str) -> Result<Option<[f64; 4]>, AppError> {
        let Some(v) = self.get(name) else {
            return Ok(None);
        };
        let parts: Vec<&str> = v.split(',').map(str::trim).collect();
        if parts.len() != 4 && parts.len() != 6 {
            return Err(AppError::param(
                name,
                "expected min_lon,min_lat,max_lon,max_lat",
            ));
        }
        let nums: Vec<f64> = parts
            .iter()
            .map(|p| {
                p.parse::<f64>()
                    .map_err(|_| AppError::param(name, format!("{p:?} is not a number")))
            })
            .collect::<Result<_, _>>()?;
        // A 3D box (6 numbers) keeps its horizontal corners.
        let (w, s, e, n) = if nums.len() == 6 {
            (nums[0], nums[1], nums[3], nums[4])
        } else {
            (nums[0], nums[1], nums[2], nums[3])
        };
        for (x, what) in [(w, "min_lon"), (e, "max_lon")] {
            if !(-180.0..=180.0).contains(&x) {
                return Err(AppError::param(
                    name,
                    format!("{what} {x} is out of range [-180, 180]"),
                ));
            }
        }
        for (y, what) in [(s, "min_lat"), (n, "max_lat")] {
            if !(-90.0..=90.0).contains(&y) {
                return Err(AppError::param(
                    name,
                    format!("{what} {y} is out of range [-90, 90]"),
                ));
            }
        }
        if s > n {
            return Err(AppError::param(
                name,
                format!("min_lat {s} is above max_lat {n}"),
            ));
        }
        Ok(Some([w, s, e, n]))
    }

    /// The filters every incident query shares: `since`, `until`, `type`,
    /// `actor`, `min_confidence`, `geo_precision`.
    pub fn filter(&self) -> Result<Filter, AppError> {
        let since = self.date("since")?;
        let until = self.date("until")?;
        if let (Some(s), Some(u)) = (since, until) {
            if s > u {
                return Err(AppError::param("since", format!("{s} is after until {u}")));
            }
        }
        let types = self.list("type");
        for t in &types {
            if EventType::parse(t).is_none() {
                let known: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
                return Err(AppError::param(
                    "type",
                    format!("unknown event type {t:?}; known: {}", known.join(", ")),
                ));
            }
        }
        let min_confidence = self.f64_in("min_confidence", 0.0, 1.0)?.map(|c| c as f32);
        let max_geo_precision = self.f64_in("geo_precision", 1.0, 3.0)?.map(|g| g as u8);
        Ok(Filter {
            since,
            until,
            types,
            actors: self.list("actor"),
            min_confidence,
            max_geo_precision,
        })
    }

    /// `sort=date|-date|distance`.
    pub fn sort(&self, default: Sort) -> Result<Sort, AppError> {
        match self.get("sort") {
            None => Ok(default),
            Some("distance") => Ok(Sort::Distance),
            Some("date") => Ok(Sort::DateAsc),
            Some("-date") => Ok(Sort::DateDesc),
            Some(other) => Err(AppError::param(
                "sort",
                format!("{other:?} is not one of distance, date, -date"),
            )),
        }
    }
}

/// `YYYY-MM-DD`, or the date of an RFC 3339 timestamp.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().or_else(|| {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| d.date_naive())
    })
}

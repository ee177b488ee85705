//! Aggregates the map draws instead of downloading every incident: counts
//! per type and a histogram over time, under the same filters and area as
//! the incident queries, from the index alone.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::Uri;
use axum::Json;
use chrono::{Datelike, NaiveDate};
use marsad_model::EventType;
use rustc_hash::FxHashMap;
use serde_json::Value;

use super::types::{Counts, Histogram, HistogramBin};
use crate::openapi::{AreaParams, BinParams, FilterParams, QueryErrors};
use crate::query::{Area, Params, Selection};
use crate::{AppError, AppState};

/// How many incidents pass the filters in the area: in all, per type, and
/// how many have no date.
#[utoipa::path(
    get,
    path = "/api/v1/stats/counts",
    operation_id = "countIncidents",
    tag = "map",
    params(FilterParams, AreaParams),
    responses((status = 200, description = "The counts", body = Counts), QueryErrors)
)]
pub async fn counts(
    State(state): State<AppState>,
    uri: Uri,
    sel: Selection,
) -> Result<Json<Value>, AppError> {
    let area = sel.area(false)?;
    state
        .aggregate(uri.to_string(), move |ix| {
            let mut by_type = [0usize; EventType::ALL.len()];
            let mut undated = 0;
            match day_counts(ix, area, &sel) {
                Some(c) => {
                    by_type = c.by_type();
                    undated = c.undated.iter().sum();
                }
                None => sel.for_each(ix, area, |f| {
                    by_type[f.event_type.index()] += 1;
                    undated += usize::from(f.date.is_none());
                }),
            }
            Counts {
                total: by_type.iter().sum::<usize>(),
                undated,
                by_type: per_type(&by_type),
            }
        })
        .await
}

/// Bins of a histogram.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Bin {
    Day,
    Week,
    Month,
}

impl Bin {
    fn parse(p: &Params) -> Result<Self, AppError> {
        match p.get("bin") {
            None | Some("day") => Ok(Bin::Day),
            Some("week") => Ok(Bin::Week),
            Some("month") => Ok(Bin::Month),
            Some(other) => Err(AppError::param(
                "bin",
                format!("{other:?} is not one of day, week, month"),
            )),
        }
    }

    /// The first day of the bin holding `d` (weeks start on Monday), but
    /// never before 0000-01-01: the first week of year 0 would start in a
    /// year `YYYY-MM-DD` cannot write.
    fn start(self, d: NaiveDate) -> NaiveDate {
        match self {
            Bin::Day => d,
            Bin::Week => d
                .checked_sub_days(chrono::Days::new(u64::from(
                    d.weekday().num_days_from_monday(),
                )))
                .unwrap_or(d)
                .max(NaiveDate::from_ymd_opt(0, 1, 1).unwrap_or(d)),
            Bin::Month => d.with_day(1).unwrap_or(d),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Bin::Day => "day",
            Bin::Week => "week",
            Bin::Month => "month",
        }
    }
}

/// Dated incidents per day, week or month, each bin with its count per
/// type; bins without incidents are left out.
#[utoipa::path(
    get,
    path = "/api/v1/stats/histogram",
    operation_id = "histogram",
    tag = "map",
    params(BinParams, FilterParams, AreaParams),
    responses((status = 200, description = "The bins", body = Histogram), QueryErrors)
)]
pub async fn histogram(
    State(state): State<AppState>,
    uri: Uri,
    params: Params,
    sel: Selection,
) -> Result<Json<Value>, AppError> {
    let bin = Bin::parse(&params)?;
    let area = sel.area(false)?;
    state
        .aggregate(uri.to_string(), move |ix| {
            // Per day first (one hash per incident), then days into bins.
            let mut days: FxHashMap<NaiveDate, [usize; EventType::ALL.len()]> =
                FxHashMap::default();
            let mut undated = 0;
            match day_counts(ix, area, &sel) {
                Some(c) => {
                    undated = c.undated.iter().sum();
                    days.extend(c.dated);
                }
                None => sel.for_each(ix, area, |f| match f.date {
                    Some(d) => days.entry(d).or_default()[f.event_type.index()] += 1,
                    None => undated += 1,
                }),
            }
            let mut bins: BTreeMap<NaiveDate, [usize; EventType::ALL.len()]> = BTreeMap::new();
            for (d, counts) in days {
                let b = bins.entry(bin.start(d)).or_default();
                b.iter_mut().zip(counts).for_each(|(x, n)| *x += n);
            }
            let bins = bins
                .iter()
                .map(|(start, by_type)| HistogramBin {
                    start: start.to_string(),
                    count: by_type.iter().sum::<usize>(),
                    by_type: per_type(by_type),
                })
                .collect();
            Histogram {
                bin: bin.name().into(),
                bins,
                undated,
            }
        })
        .await
}

/// Counts by day from the index's grid of counts, without visiting the
/// incidents, when the area is everywhere and the grid applies the filter.
fn day_counts(
    ix: &marsad_index::SpatialIndex,
    area: Area,
    sel: &Selection,
) -> Option<marsad_index::DayCounts> {
    matches!(area, Area::All)
        .then(|| ix.day_counts(&sel.query))
        .flatten()
}

/// `{type: count}` for the types present.
fn per_type(counts: &[usize; EventType::ALL.len()]) -> BTreeMap<String, usize> {
    EventType::ALL
        .iter()
        .zip(counts)
        .filter(|&(_, &n)| n > 0)
        .map(|(t, &n)| (t.as_str().to_string(), n))
        .collect()
}

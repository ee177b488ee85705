//! When two reports are the same incident.

use geo::{Distance, Haversine, Point};

use crate::IncidentRecord;

/// Places closer than this are the same place even under different ids (a
/// town and the seat of its subdistrict).
const SAME_PLACE_KM: f64 = 2.0;

fn tolerance_days(precision: &str) -> i64 {
    match precision {
        "day" => 1,
        "week" => 7,
        "month" => 31,
        _ => 0,
    }
}

/// Same type, same place (the same gazetteer id, or points within 2 km),
/// dates within a day (a week or a month when either report is that
/// imprecise). Reports without a date never merge across articles: two
/// strikes on one village months apart must stay two.
pub(crate) fn same_incident(a: &IncidentRecord, b: &IncidentRecord) -> bool {
    if a.event_type != b.event_type {
        return false;
    }
    let same_place = match (&a.place_id, &b.place_id) {
        (Some(x), Some(y)) if x == y => true,
        _ => match (a.lat, a.lon, b.lat, b.lon) {
            (Some(la), Some(lo), Some(lb), Some(ob)) => {
                Haversine.distance(Point::new(lo, la), Point::new(ob, lb)) / 1000.0 <= SAME_PLACE_KM
            }
            _ => false,
        },
    };
    if !same_place {
        return false;
    }
    match (a.date, b.date) {
        (Some(x), Some(y)) => {
            let tol = tolerance_days(&a.date_precision).max(tolerance_days(&b.date_precision));
            (x - y).num_days().abs() <= tol
        }
        _ => false,
    }
}

/// Folds report `b` into incident `a`: larger counts win, actors, targets
/// and people are united, confidence grows with corroboration.
pub(crate) fn fold(a: &mut IncidentRecord, b: &IncidentRecord) {
    for (mine, theirs, name) in [
        (&mut a.killed, b.killed, "killed"),
        (&mut a.injured, b.injured, "injured"),
        (&mut a.arrested, b.arrested, "arrested"),
    ] {
        if let Some(v) = theirs {
            if mine.is_none_or(|m| v > m) {
                *mine = Some(v);
                match b.count_qualifiers.get(name) {
                    Some(q) => a.count_qualifiers.insert(name.to_string(), *q),
                    None => a.count_qualifiers.remove(name),
                };
            }
        }
    }
    for x in &b.actors {
        if !a.actors.contains(x) {
            a.actors.push(x.clone());
        }
    }
    for x in &b.targets {
        if !a.targets.contains(x) && !a.actors.contains(x) {
            a.targets.push(x.clone());
        }
    }
    for x in &b.people {
        if !a.people.contains(x) {
            a.people.push(x.clone());
        }
    }
    // A more precise date from the second report.
    let rank = |p: &str| match p {
        "day" => 0,
        "week" => 1,
        "month" => 2,
        _ => 3,
    };
    if rank(&b.date_precision) < rank(&a.date_precision) {
        a.date = b.date;
        a.date_precision = b.date_precision.clone();
        a.date_text = b.date_text.clone();
    }
    a.confidence = (1.0 - (1.0 - a.confidence) * (1.0 - b.confidence) * 0.8)
        .min(0.99)
        .max(a.confidence.max(b.confidence));
    a.source_count += 1;
}

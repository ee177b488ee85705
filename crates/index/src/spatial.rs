use std::cmp::Ordering;

use geo::{Distance, Haversine, Point};
use rstar::{RTree, AABB};
use rustc_hash::FxHashMap;

use marsad_model::{EventType, IncidentQuery, Sort};

use crate::filter::accepts;
use crate::IncidentPoint;

/// One result.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Incident id.
    pub id: String,
    /// Geodesic distance from the query point, km (radius and nearest).
    pub distance_km: Option<f64>,
}

/// One page of results.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    /// How many incidents matched in all.
    pub total: usize,
    /// This page.
    pub hits: Vec<Hit>,
}

/// The R-tree and an id map for updates.
#[derive(Debug, Default)]
pub struct SpatialIndex {
    tree: RTree<IncidentPoint>,
    by_id: FxHashMap<std::sync::Arc<str>, IncidentPoint>,
}

/// Mean Earth radius used by `geo`'s haversine, km.
const EARTH_KM: f64 = 6371.0088;

fn km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    Haversine.distance(Point::new(lon1, lat1), Point::new(lon2, lat2)) / 1000.0
}

/// Envelopes (more than one across the antimeridian) that hold every point
/// within `radius_km` of (lat, lon).
fn radius_envelopes(lat: f64, lon: f64, radius_km: f64) -> Vec<AABB<[f64; 2]>> {
    // Latitude span is exact on a sphere; widen by a hair for rounding.
    let dlat = (radius_km / EARTH_KM).to_degrees() * 1.000_001 + 1e-9;
    let (lat_lo, lat_hi) = ((lat - dlat).max(-90.0), (lat + dlat).min(90.0));
    // Near a pole, or a radius reaching round the globe: every longitude.
    let max_abs_lat = lat_lo.abs().max(lat_hi.abs());
    if max_abs_lat >= 89.999 || radius_km >= EARTH_KM * std::f64::consts::PI / 2.0 {
        return vec![AABB::from_corners([-180.0, lat_lo], [180.0, lat_hi])];
    }
    // Longitude span at the latitude where it is widest (the edge nearer the pole).
    let ang = radius_km / EARTH_KM;
    let dlon = (ang.sin() / max_abs_lat.to_radians().cos())
        .clamp(-1.0, 1.0)
        .asin()
        .to_degrees()
        * 1.000_001
        + 1e-9;
    if dlon >= 180.0 {
        return vec![AABB::from_corners([-180.0, lat_lo], [180.0, lat_hi])];
    }
    let (lo, hi) = (lon - dlon, lon + dlon);
    let mut out = vec![AABB::from_corners(
        [lo.max(-180.0), lat_lo],
        [hi.min(180.0), lat_hi],
    )];
    if lo < -180.0 {
        out.push(AABB::from_corners([lo + 360.0, lat_lo], [180.0, lat_hi]));
    }
    if hi > 180.0 {
        out.push(AABB::from_corners([-180.0, lat_lo], [hi - 360.0, lat_hi]));
    }
    out
}

fn by_date(a: &IncidentPoint, b: &IncidentPoint, asc: bool) -> Ordering {
    match (a.date, b.date) {
        (Some(x), Some(y)) => if asc { x.cmp(&y) } else { y.cmp(&x) }.then_with(|| a.id.cmp(&b.id)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.id.cmp(&b.id),
    }
}

impl SpatialIndex {
    /// Builds the tree from all points at once (bulk load).
    pub fn bulk_load(points: Vec<IncidentPoint>) -> Self {
        let by_id = points.iter().map(|p| (p.id.clone(), p.clone())).collect();
        SpatialIndex {
            tree: RTree::bulk_load(points),
            by_id,
        }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Inserts a point, replacing the point with the same id.
    pub fn upsert(&mut self, p: IncidentPoint) {
        if let Some(old) = self.by_id.remove(&p.id) {
            self.tree.remove(&old);
        }
        self.by_id.insert(p.id.clone(), p.clone());
        self.tree.insert(p);
    }

    /// The point of an incident.
    pub fn get(&self, id: &str) -> Option<&IncidentPoint> {
        self.by_id.get(id)
    }

    /// Counts of points per event type that pass a filter.
    pub fn counts_by_type(&self, filter: &IncidentQuery) -> FxHashMap<EventType, usize> {
        let mut out = FxHashMap::default();
        for p in self.tree.iter().filter(|p| accepts(filter, p)) {
            *out.entry(p.event_type).or_insert(0) += 1;
        }
        out
    }

    fn page(
        mut found: Vec<(&IncidentPoint, Option<f64>)>,
        sort: Sort,
        limit: usize,
        offset: usize,
    ) -> Page {
        let order =
            |a: &(&IncidentPoint, Option<f64>), b: &(&IncidentPoint, Option<f64>)| match sort {
                Sort::Distance => {
                    a.1.unwrap_or(0.0)
                        .total_cmp(&b.1.unwrap_or(0.0))
                        .then_with(|| a.0.id.cmp(&b.0.id))
                }
                Sort::DateDesc => by_date(a.0, b.0, false),
                Sort::DateAsc => by_date(a.0, b.0, true),
            };
        let total = found.len();
        // Only the requested page needs ordering: select what comes before
        // its end (linear), then sort that. The orders are total (ids
        // break ties), so the page is the one a full sort gives.
        let end = offset.saturating_add(limit).min(total);
        if end == 0 {
            found.clear();
        } else if end < total {
            found.select_nth_unstable_by(end - 1, order);
            found.truncate(end);
        }
        found.sort_unstable_by(order);
        let hits = found
            .into_iter()
            .skip(offset)
            .map(|(p, d)| Hit {
                id: p.id.to_string(),
                distance_km: d,
            })
            .collect();
        Page { total, hits }
    }

    /// Every incident within `radius_km` (geodesic) of (lat, lon) that
    /// passes the filter.
    #[allow(clippy::too_many_arguments)] // a point, a radius, a filter and a page: the query itself
    pub fn radius(
        &self,
        lat: f64,
        lon: f64,
        radius_km: f64,
        filter: &IncidentQuery,
        sort: Sort,
        limit: usize,
        offset: usize,
    ) -> Page {
        let mut found = Vec::new();
        let envs = radius_envelopes(lat, lon, radius_km);
        // Split envelopes only share the line lon = ±180.
        let mut seen = rustc_hash::FxHashSet::default();
        for env in &envs {
            for p in self.tree.locate_in_envelope(env) {
                if !accepts(filter, p) {
                    continue;
                }
                let d = km(lat, lon, p.lat, p.lon);
                if d <= radius_km && (envs.len() == 1 || seen.insert(p.id.clone())) {
                    found.push((p, Some(d)));
                }
            }
        }
        Self::page(found, sort, limit, offset)
    }

    /// Every incident inside `[min_lon, min_lat, max_lon, max_lat]` (a box
    /// whose min_lon exceeds max_lon crosses the antimeridian).
    pub fn bbox(
        &self,
        bbox: [f64; 4],
        filter: &IncidentQuery,
        sort: Sort,
        limit: usize,
        offset: usize,
    ) -> Page {
        let [w, s, e, n] = bbox;
        let envs = if w <= e {
            vec![AABB::from_corners([w, s], [e, n])]
        } else {
            vec![
                AABB::from_corners([w, s], [180.0, n]),
                AABB::from_corners([-180.0, s], [e, n]),
            ]
        };
        let found = envs
            .iter()
            .flat_map(|env| self.tree.locate_in_envelope(env))
            .filter(|p| accepts(filter, p))
            .map(|p| (p, None))
            .collect();
        Self::page(found, sort, limit, offset)
    }

    /// Every incident that passes the filter.
    pub fn all(&self, filter: &IncidentQuery, sort: Sort, limit: usize, offset: usize) -> Page {
        let found = self
            .tree
            .iter()
            .filter(|p| accepts(filter, p))
            .map(|p| (p, None))
            .collect();
        Self::page(found, sort, limit, offset)
    }

    /// The `k` incidents nearest to (lat, lon) by geodesic distance that pass
    /// the filter: a radius search that widens until it holds `k`.
    pub fn nearest(&self, lat: f64, lon: f64, k: usize, filter: &IncidentQuery) -> Vec<Hit> {
        if k == 0 || self.is_empty() {
            return Vec::new();
        }
        let mut r = 10.0;
        loop {
            let page = self.radius(lat, lon, r, filter, Sort::Distance, k, 0);
            if page.total >= k || r >= EARTH_KM * std::f64::consts::PI {
                return page.hits;
            }
            r *= 4.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelopes_cross_the_antimeridian() {
        let e = radius_envelopes(0.0, 179.9, 50.0);
        assert_eq!(e.len(), 2);
        let e = radius_envelopes(89.9999, 0.0, 10.0);
        assert_eq!(e.len(), 1);
    }

    #[test]
    fn upsert_replaces() {
        let mut ix = SpatialIndex::default();
        ix.upsert(IncidentPoint::new("a", 34.0, 40.0));
        ix.upsert(IncidentPoint::new("a", 35.0, 41.0));
        assert_eq!(ix.len(), 1);
        assert_eq!(ix.get("a").unwrap().lat, 35.0);
    }
}

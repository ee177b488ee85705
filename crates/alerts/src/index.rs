//! Which alerts an incident falls in: an R-tree over the areas'
//! envelopes, then the exact test of each candidate.

use marsad_model::Incident;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::RTree;

use crate::area::Prepared;
use crate::Alert;

type Envelope = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// The standing alerts, indexed by where they look. Alerts whose area does
/// not check are left out (they were refused when written; a stored one
/// that no longer checks is skipped rather than matched loosely).
#[derive(Debug, Default)]
pub struct AlertIndex {
    tree: RTree<Envelope>,
    alerts: Vec<(Alert, Prepared)>,
}

impl AlertIndex {
    /// Indexes `alerts` (bulk-loaded).
    pub fn new(alerts: Vec<Alert>) -> Self {
        let alerts: Vec<(Alert, Prepared)> = alerts
            .into_iter()
            .filter_map(|a| {
                let p = a.area.prepare().ok()?;
                Some((a, p))
            })
            .collect();
        let envelopes = alerts
            .iter()
            .enumerate()
            .map(|(i, (_, p))| {
                let (lo, hi) = p.envelope;
                GeomWithData::new(Rectangle::from_corners(lo, hi), i as u32)
            })
            .collect();
        AlertIndex {
            tree: RTree::bulk_load(envelopes),
            alerts,
        }
    }

    /// How many alerts are indexed.
    pub fn len(&self) -> usize {
        self.alerts.len()
    }

    /// Whether none are.
    pub fn is_empty(&self) -> bool {
        self.alerts.is_empty()
    }

    /// The alerts whose area holds the point (filters aside).
    pub fn at(&self, lat: f64, lon: f64) -> impl Iterator<Item = &Alert> + '_ {
        self.tree
            .locate_all_at_point(&[lon, lat])
            .map(|e| &self.alerts[e.data as usize])
            .filter(move |(_, p)| p.holds(lat, lon))
            .map(|(a, _)| a)
    }

    /// The same as [`AlertIndex::at`] by testing every alert in turn: what
    /// the index saves, for benchmarks and tests.
    pub fn at_by_scan(&self, lat: f64, lon: f64) -> impl Iterator<Item = &Alert> + '_ {
        self.alerts
            .iter()
            .filter(move |(_, p)| {
                let ([w, s], [e, n]) = p.envelope;
                lon >= w && lon <= e && lat >= s && lat <= n && p.holds(lat, lon)
            })
            .map(|(a, _)| a)
    }

    /// The alerts `incident` falls in: in the area, passing the filters.
    /// An incident without a point matches none.
    pub fn matching<'a>(&'a self, incident: &'a Incident) -> Vec<&'a Alert> {
        let Some(place) = &incident.place else {
            return Vec::new();
        };
        self.at(place.lat, place.lon)
            .filter(|a| a.admits(incident))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Area;

    fn ring(lat: f64, lon: f64, km: f64, n: usize) -> Vec<Alert> {
        (0..n)
            .map(|i| {
                Alert::new(
                    &format!("a{i}"),
                    "u",
                    "n",
                    Area::Circle {
                        lat: lat + (i as f64) * 0.01,
                        lon,
                        radius_km: km,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn the_index_finds_what_the_scan_finds() {
        let mut alerts = ring(34.4, 40.9, 5.0, 200);
        alerts.push(Alert::new(
            "box",
            "u",
            "n",
            Area::Bbox {
                bbox: [40.0, 34.0, 41.0, 35.0],
            },
        ));
        let ix = AlertIndex::new(alerts);
        for k in 0..100 {
            let (lat, lon) = (34.3 + f64::from(k) * 0.03, 40.85 + f64::from(k % 7) * 0.02);
            let mut a: Vec<&str> = ix.at(lat, lon).map(|a| a.id.as_str()).collect();
            let mut b: Vec<&str> = ix.at_by_scan(lat, lon).map(|a| a.id.as_str()).collect();
            a.sort_unstable();
            b.sort_unstable();
            assert_eq!(a, b, "at {lat},{lon}");
        }
    }

    #[test]
    fn no_alerts_match_nothing() {
        let ix = AlertIndex::new(Vec::new());
        assert!(ix.is_empty());
        assert_eq!(ix.at(34.45, 40.92).count(), 0);
    }
}

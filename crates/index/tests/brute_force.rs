//! Radius queries agree exactly with a brute-force geodesic filter.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

use geo::{Destination, Distance, Haversine, Point};
use marsad_index::{IncidentPoint, IncidentQuery as Filter, Sort, SpatialIndex};
use marsad_model::EventType;
use rand::{rngs::StdRng, Rng, SeedableRng};

fn random_points(n: usize, rng: &mut StdRng) -> Vec<IncidentPoint> {
    (0..n)
        .map(|i| {
            // Mostly the Euphrates valley, some anywhere on Earth.
            let (lat, lon) = if i % 10 == 0 {
                (rng.gen_range(-89.0..89.0), rng.gen_range(-180.0..180.0))
            } else {
                (rng.gen_range(32.0..38.0), rng.gen_range(36.0..43.0))
            };
            IncidentPoint::new(&format!("i{i}"), lat, lon).with_type(
                [
                    EventType::Airstrike,
                    EventType::Shelling,
                    EventType::RaidArrest,
                ][i % 3],
            )
        })
        .collect()
}

#[test]
fn radius_equals_brute_force_over_100k_points() {
    let mut rng = StdRng::seed_from_u64(7);
    let points = random_points(100_000, &mut rng);
    let ix = SpatialIndex::bulk_load(points.clone());
    for q in 0..200 {
        let (lat, lon) = if q % 5 == 0 {
            (rng.gen_range(-85.0..85.0), rng.gen_range(-180.0..180.0))
        } else {
            (rng.gen_range(32.0..38.0), rng.gen_range(36.0..43.0))
        };
        let radius = [1.0, 10.0, 25.0, 100.0, 500.0][q % 5] * rng.gen_range(0.5..1.5);
        let filter = if q % 2 == 0 {
            Filter::default()
        } else {
            Filter {
                types: vec![EventType::Shelling],
                ..Filter::default()
            }
        };
        let got = ix.radius(lat, lon, radius, &filter, Sort::Distance, usize::MAX, 0);
        let mut want: Vec<(String, f64)> = points
            .iter()
            .filter(|p| filter.types.is_empty() || filter.types.contains(&p.event_type))
            .map(|p| {
                (
                    p.id.to_string(),
                    Haversine.distance(Point::new(lon, lat), Point::new(p.lon, p.lat)) / 1000.0,
                )
            })
            .filter(|(_, d)| *d <= radius)
            .collect();
        want.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let got_ids: Vec<&str> = got.hits.iter().map(|h| h.id.as_str()).collect();
        let want_ids: Vec<&str> = want.iter().map(|w| w.0.as_str()).collect();
        assert_eq!(got.total, want.len(), "query {q} at {lat},{lon} r={radius}");
        assert_eq!(got_ids, want_ids, "query {q}");
    }
}

#[test]
fn points_a_hair_from_the_edge_are_counted_exactly() {
    // Points scattered within 1% of the radius on both sides of the edge,
    // where the cheap bounds cannot decide and the distance is measured,
    // and a little farther, where they decide alone: at latitudes from the
    // equator to the far north and south, for small and large radii.
    let mut rng = StdRng::seed_from_u64(11);
    let mut n = 0;
    for q in 0..120 {
        let lat = [0.0, 12.5, 34.45, -41.0, 63.0, -78.0][q % 6] + rng.gen_range(-0.5..0.5);
        let lon = rng.gen_range(-170.0..170.0);
        let radius = [0.5, 5.0, 25.0, 250.0, 900.0][q % 5];
        let centre = Point::new(lon, lat);
        let points: Vec<IncidentPoint> = (0..400)
            .map(|i| {
                let bearing = rng.gen_range(0.0..360.0);
                let k = if i % 2 == 0 { 0.01 } else { 0.05 };
                let d = radius * rng.gen_range(1.0 - k..1.0 + k) * 1000.0;
                let p = Haversine.destination(centre, bearing, d);
                IncidentPoint::new(&format!("e{i}"), p.y(), p.x())
            })
            .collect();
        let ix = SpatialIndex::bulk_load(points.clone());
        let want = points
            .iter()
            .filter(|p| Haversine.distance(centre, Point::new(p.lon, p.lat)) / 1000.0 <= radius)
            .count();
        let got = ix.radius(
            lat,
            lon,
            radius,
            &Filter::default(),
            Sort::Distance,
            usize::MAX,
            0,
        );
        assert_eq!(got.total, want, "query {q} at {lat},{lon} r={radius}");
        assert_eq!(got.hits.len(), want, "query {q}");
        let region = marsad_index::Region::Radius {
            lat,
            lon,
            km: radius,
        };
        assert_eq!(ix.count(region, &Filter::default()), want, "count {q}");
        n += want;
    }
    assert!(n > 10_000, "{n} points inside in all");
}

#[test]
fn nearest_is_geodesic() {
    let mut rng = StdRng::seed_from_u64(11);
    let points = random_points(20_000, &mut rng);
    let ix = SpatialIndex::bulk_load(points.clone());
    for _ in 0..50 {
        let (lat, lon) = (rng.gen_range(32.0..38.0), rng.gen_range(36.0..43.0));
        let got: Vec<String> = ix
            .nearest(lat, lon, 5, &Filter::default())
            .into_iter()
            .map(|h| h.id)
            .collect();
        let mut all: Vec<(f64, String)> = points
            .iter()
            .map(|p| {
                (
                    Haversine.distance(Point::new(lon, lat), Point::new(p.lon, p.lat)),
                    p.id.to_string(),
                )
            })
            .collect();
        all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let want: Vec<String> = all.into_iter().take(5).map(|x| x.1).collect();
        assert_eq!(got, want);
    }
}

#[test]
fn bbox_and_pagination() {
    let mut rng = StdRng::seed_from_u64(3);
    let points = random_points(5_000, &mut rng);
    let ix = SpatialIndex::bulk_load(points.clone());
    let bbox = [38.0, 33.0, 41.0, 36.0];
    let inside = points
        .iter()
        .filter(|p| p.lon >= 38.0 && p.lon <= 41.0 && p.lat >= 33.0 && p.lat <= 36.0)
        .count();
    let all = ix.bbox(bbox, &Filter::default(), Sort::DateDesc, usize::MAX, 0);
    assert_eq!(all.total, inside);
    let mut paged = Vec::new();
    for page in 0.. {
        let p = ix.bbox(bbox, &Filter::default(), Sort::DateDesc, 100, page * 100);
        if p.hits.is_empty() {
            break;
        }
        paged.extend(p.hits);
    }
    assert_eq!(paged, all.hits);
}

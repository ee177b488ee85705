//! The index against a scan of every point with filters: random incidents
//! (many sharing one place), radius, box and filter queries, and updates.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

use chrono::NaiveDate;
use geo::{Distance, Haversine, Point};
use marsad_index::{IncidentPoint, IncidentQuery, Sort, SpatialIndex};
use marsad_model::{DateRange, EventType, GeoPrecision, ReviewStatus};
use rand::{rngs::StdRng, Rng, SeedableRng};

fn points(n: usize, rng: &mut StdRng) -> Vec<IncidentPoint> {
    let day0 = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
    (0..n)
        .map(|i| {
            // Many incidents share a place, as they do at a town's centroid.
            let (lat, lon) = if i % 5 == 0 {
                (34.45, 40.92)
            } else {
                (rng.gen_range(33.0..36.0), rng.gen_range(38.5..42.0))
            };
            let p = IncidentPoint::new(&format!("i{i:06}"), lat, lon)
                .with_type(EventType::ALL[i % 4])
                .with_date((i % 7 != 0).then(|| day0 + chrono::Duration::days((i % 400) as i64)))
                .with_actors(
                    ["sdf", "iran", "us"]
                        .into_iter()
                        .skip(i % 3)
                        .take(1 + i % 2),
                );
            IncidentPoint {
                confidence: (i % 10) as f32 / 10.0,
                geo_precision: GeoPrecision::new(1 + (i % 3) as u8),
                status: ReviewStatus::ALL[i % 5 % 3],
                ..p
            }
        })
        .collect()
}

fn queries() -> Vec<IncidentQuery> {
    let d = |s: &str| Some(s.parse::<NaiveDate>().unwrap());
    vec![
        IncidentQuery::default(),
        IncidentQuery {
            types: vec![EventType::Shelling, EventType::DroneStrike],
            ..Default::default()
        },
        IncidentQuery {
            dates: DateRange::new(d("2023-03-01"), d("2023-06-30")).unwrap(),
            ..Default::default()
        },
        IncidentQuery {
            dates: DateRange::new(None, d("2023-02-01")).unwrap(),
            actors: vec!["iran".into()],
            min_confidence: Some(0.5),
            max_geo_precision: Some(GeoPrecision::NEAR),
            ..Default::default()
        },
        IncidentQuery {
            statuses: vec![ReviewStatus::Verified],
            ..Default::default()
        },
        IncidentQuery {
            statuses: vec![ReviewStatus::Unreviewed, ReviewStatus::Rejected],
            types: vec![EventType::ALL[1]],
            ..Default::default()
        },
    ]
}

fn km(p: &IncidentPoint, lat: f64, lon: f64) -> f64 {
    Haversine.distance(Point::new(lon, lat), Point::new(p.lon, p.lat)) / 1000.0
}

fn passes(q: &IncidentQuery, p: &IncidentPoint) -> bool {
    q.admits(
        p.event_type,
        p.date,
        p.confidence,
        p.geo_precision,
        p.status,
        p.actors.iter().map(|a| &**a),
    )
}

#[test]
fn radius_queries_match_a_scan() {
    let mut rng = StdRng::seed_from_u64(3);
    let pts = points(20_000, &mut rng);
    let ix = SpatialIndex::bulk_load(pts.clone());
    for _ in 0..40 {
        let (lat, lon) = (rng.gen_range(33.0..36.0), rng.gen_range(38.5..42.0));
        let r = rng.gen_range(1.0..120.0);
        for q in queries() {
            let mut want: Vec<(f64, &str)> = pts
                .iter()
                .filter(|p| passes(&q, p))
                .map(|p| (km(p, lat, lon), &*p.id))
                .filter(|&(d, _)| d <= r)
                .collect();
            want.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
            let got = ix.radius(lat, lon, r, &q, Sort::Distance, usize::MAX, 0);
            assert_eq!(got.total, want.len(), "{lat},{lon} r={r} {q:?}");
            let ids: Vec<&str> = got.hits.iter().map(|h| h.id.as_str()).collect();
            let want_ids: Vec<&str> = want.iter().map(|w| w.1).collect();
            assert_eq!(ids, want_ids);
            for (h, w) in got.hits.iter().zip(&want) {
                assert!((h.distance_km.unwrap() - w.0).abs() < 1e-9);
            }
            // A count alone, and a page by date, agree with it.
            assert_eq!(
                ix.radius(lat, lon, r, &q, Sort::DateDesc, 0, 0).total,
                want.len()
            );
            let page = ix.radius(lat, lon, r, &q, Sort::DateDesc, 10, 5);
            assert!(page.hits.iter().all(|h| h.distance_km.is_some()));
        }
    }
}

#[test]
fn boxes_and_dates_match_a_scan() {
    let mut rng = StdRng::seed_from_u64(4);
    let pts = points(5_000, &mut rng);
    let ix = SpatialIndex::bulk_load(pts.clone());
    for q in queries() {
        let bbox = [39.0, 33.5, 41.0, 35.0];
        let mut want: Vec<&IncidentPoint> = pts
            .iter()
            .filter(|p| passes(&q, p))
            .filter(|p| {
                p.lon >= bbox[0] && p.lon <= bbox[2] && p.lat >= bbox[1] && p.lat <= bbox[3]
            })
            .collect();
        // Newest first, undated last, ids breaking ties.
        want.sort_by(|a, b| match (a.date, b.date) {
            (Some(x), Some(y)) => y.cmp(&x).then(a.id.cmp(&b.id)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.id.cmp(&b.id),
        });
        let got = ix.bbox(bbox, &q, Sort::DateDesc, 50, 20);
        assert_eq!(got.total, want.len());
        let ids: Vec<&str> = got.hits.iter().map(|h| h.id.as_str()).collect();
        let want_ids: Vec<&str> = want.iter().skip(20).take(50).map(|p| &*p.id).collect();
        assert_eq!(ids, want_ids, "{q:?}");
        let counts = ix.counts_by_type(&q);
        assert_eq!(
            counts.values().sum::<usize>(),
            ix.all(&q, Sort::DateAsc, 0, 0).total
        );
    }
}

#[test]
fn updates_move_incidents() {
    let mut rng = StdRng::seed_from_u64(5);
    let mut ix = SpatialIndex::bulk_load(points(2_000, &mut rng));
    // Move every tenth incident (many share one place) far away.
    for i in (0..2_000).step_by(10) {
        ix.upsert(IncidentPoint::new(&format!("i{i:06}"), 36.9, 37.1));
    }
    assert_eq!(ix.len(), 2_000);
    let there = ix.radius(
        36.9,
        37.1,
        1.0,
        &IncidentQuery::default(),
        Sort::Distance,
        0,
        0,
    );
    assert_eq!(there.total, 200);
    assert_eq!(ix.get("i000010").unwrap().lat, 36.9);
}

#[test]
fn a_selection_walked_in_chunks_is_the_pages_end_to_end() {
    use marsad_index::Region;
    let mut rng = StdRng::seed_from_u64(11);
    let ix = SpatialIndex::bulk_load(points(3000, &mut rng));
    let q = IncidentQuery {
        min_confidence: Some(0.3),
        ..IncidentQuery::default()
    };
    let regions = [
        (
            Region::Radius {
                lat: 34.45,
                lon: 40.92,
                km: 60.0,
            },
            Sort::Distance,
        ),
        (Region::Bbox([39.0, 33.5, 41.5, 35.5]), Sort::DateAsc),
        (Region::All, Sort::DateDesc),
    ];
    for (region, sort) in regions {
        let whole = ix.query(region, &q, sort, usize::MAX, 0);
        let sel = ix.select(region, &q, sort);
        assert_eq!(sel.len(), whole.total);
        let mut walked = Vec::new();
        for start in (0..sel.len()).step_by(250) {
            walked.extend(sel.hits(&ix, start..start + 250).unwrap());
        }
        assert_eq!(walked, whole.hits, "{region:?}");
    }
    // Another index (a rebuild) does not know the selection's numbers.
    let rebuilt = SpatialIndex::bulk_load(points(10, &mut rng));
    assert!(ix
        .select(Region::All, &q, Sort::DateDesc)
        .hits(&rebuilt, 0..5)
        .is_none());
}

#[test]
fn every_page_is_its_slice_of_the_whole_order() {
    use marsad_index::Region;
    let mut rng = StdRng::seed_from_u64(12);
    let ix = SpatialIndex::bulk_load(points(5000, &mut rng));
    let mut regions = vec![Region::All, Region::Bbox([39.5, 33.5, 41.5, 35.5])];
    for _ in 0..12 {
        let (lat, lon) = (rng.gen_range(33.0..36.0), rng.gen_range(38.5..42.0));
        regions.push(Region::Radius {
            lat,
            lon,
            km: rng.gen_range(5.0..150.0),
        });
    }
    // The shared place, where distances tie and ids decide.
    regions.push(Region::Radius {
        lat: 34.45,
        lon: 40.92,
        km: 40.0,
    });
    for q in queries().iter().take(4) {
        for &region in &regions {
            for sort in [
                Sort::Distance,
                Sort::DateDesc,
                Sort::DateAsc,
                Sort::Confidence,
            ] {
                if sort == Sort::Distance && !matches!(region, Region::Radius { .. }) {
                    continue;
                }
                let whole = ix.query(region, q, sort, usize::MAX, 0);
                assert_eq!(ix.count(region, q), whole.total, "{region:?}");
                for (limit, offset) in [(1, 0), (10, 0), (100, 0), (10, 95), (50, 3), (7, 10_000)] {
                    let page = ix.query(region, q, sort, limit, offset);
                    assert_eq!(page.total, whole.total, "{region:?} {sort:?}");
                    let want: Vec<_> = whole
                        .hits
                        .iter()
                        .skip(offset)
                        .take(limit)
                        .cloned()
                        .collect();
                    assert_eq!(page.hits, want, "{region:?} {sort:?} {limit} {offset}");
                }
            }
        }
    }
}

#[test]
fn a_keyset_page_starts_after_the_last_one_shown_even_after_changes() {
    use marsad_index::{After, Region};
    let mut rng = StdRng::seed_from_u64(13);
    let mut ix = SpatialIndex::bulk_load(points(3000, &mut rng));
    let q = IncidentQuery::default();
    for sort in [Sort::DateDesc, Sort::DateAsc] {
        let sel = ix.select(Region::All, &q, sort);
        // Walking by keysets gives the whole order, undated last.
        let (mut walked, mut at) = (Vec::new(), 0);
        while at < sel.len() {
            let end = (at + 97).min(sel.len());
            walked.extend(sel.hits(&ix, at..end).unwrap());
            let last = sel.after_at(&ix, end - 1).unwrap();
            at = sel.position_after(&ix, &last).unwrap();
            assert_eq!(at, end, "{sort:?}");
        }
        assert_eq!(walked, ix.query(Region::All, &q, sort, usize::MAX, 0).hits);
        // Distance orders have no keyset.
        let near = ix.select(Region::All, &q, Sort::Distance);
        assert!(near.after_at(&ix, 0).is_none());
    }
    // A page after one that names an incident since moved in the order, or
    // one no longer there, starts where that key would sort.
    let sel = ix.select(Region::All, &q, Sort::DateDesc);
    let last = sel.after_at(&ix, 999).unwrap();
    let mut moved = ix.get(&last.id).unwrap();
    moved.date = NaiveDate::from_ymd_opt(2030, 1, 1);
    ix.upsert(moved);
    let again = ix.select(Region::All, &q, Sort::DateDesc);
    let from = again.position_after(&ix, &last).unwrap();
    let next = again.hits(&ix, from..from + 1).unwrap();
    let expected = sel.hits(&ix, 1000..1001).unwrap();
    assert_eq!(next, expected);
    let gone = After {
        date: last.date,
        // No incident's id, sorting just after the last one's.
        id: format!("{}-", last.id),
    };
    let from = again.position_after(&ix, &gone).unwrap();
    assert_eq!(again.hits(&ix, from..from + 1).unwrap(), expected);
}

/// What a scan of the points gives for [`SpatialIndex::day_counts`].
fn scanned_day_counts(pts: &[IncidentPoint], q: &IncidentQuery) -> marsad_index::DayCounts {
    let mut out = marsad_index::DayCounts::default();
    let mut days = std::collections::BTreeMap::new();
    for p in pts.iter().filter(|p| passes(q, p)) {
        let kind = p.event_type.index();
        match p.date {
            None => out.undated[kind] += 1,
            Some(d) => {
                days.entry(d).or_insert([0; EventType::ALL.len()])[kind] += 1;
            }
        }
    }
    out.dated = days.into_iter().collect();
    out
}

#[test]
fn counts_by_day_from_the_grid_match_a_scan_before_and_after_updates() {
    let d = |s: &str| Some(s.parse::<NaiveDate>().unwrap());
    let mut rng = StdRng::seed_from_u64(9);
    let mut pts = points(6_000, &mut rng);
    // Some beyond the Mercator plane's latitudes: in no tile, in every count.
    for p in pts.iter_mut().step_by(97) {
        p.lat = 88.5;
    }
    let mut qs = queries();
    qs.extend([
        // Dates starting and ending inside weeks, one day, an open end.
        IncidentQuery {
            dates: DateRange::new(d("2023-03-02"), d("2023-05-17")).unwrap(),
            min_confidence: Some(0.3),
            ..Default::default()
        },
        IncidentQuery {
            dates: DateRange::new(d("2023-04-05"), d("2023-04-05")).unwrap(),
            ..Default::default()
        },
        IncidentQuery {
            dates: DateRange::new(d("2023-10-11"), None).unwrap(),
            max_geo_precision: Some(GeoPrecision::PLACE),
            ..Default::default()
        },
    ]);
    let mut ix = SpatialIndex::bulk_load(pts.clone());
    let check = |ix: &SpatialIndex, pts: &[IncidentPoint]| {
        for q in &qs {
            match ix.day_counts(q) {
                Some(c) => assert_eq!(c, scanned_day_counts(pts, q), "{q:?}"),
                // Only actors keep the grid out.
                None => assert!(!q.actors.is_empty(), "{q:?}"),
            }
            let by_type = ix.counts_by_type(q);
            let want = scanned_day_counts(pts, q);
            for t in EventType::ALL {
                let n = want.undated[t.index()]
                    + want.dated.iter().map(|(_, n)| n[t.index()]).sum::<usize>();
                assert_eq!(by_type.get(&t).copied().unwrap_or(0), n, "{t:?} {q:?}");
            }
        }
    };
    check(&ix, &pts);
    let others = points(6_000, &mut rng);
    for _ in 0..2_000 {
        let i = rng.gen_range(0..pts.len());
        let mut p = others[rng.gen_range(0..others.len())].clone();
        if rng.gen_bool(0.05) {
            p.lat = -87.0;
        }
        p.id = pts[i].id.clone();
        pts[i] = p.clone();
        ix.upsert(p);
    }
    check(&ix, &pts);
}

//! Tiles decoded as a map client would: every incident is counted once per
//! zoom (clusters and singles together), clusters below the cluster zoom,
//! singles with their properties above it; place labels by box and rank.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

use chrono::NaiveDate;
use marsad_index::{IncidentPoint, IncidentQuery, SpatialIndex};
use marsad_model::EventType;
use marsad_tiles::{
    cut, cut_from_points, encode, encode_places, max_label_rank, Label, TileId, CLUSTERS,
    CLUSTER_BELOW, INCIDENTS, PLACES,
};
use prost::Message;
use tinymvt::geometry::GeometryDecoder;
use tinymvt::tag::{TagsDecoder, Value};
use tinymvt::vector_tile::Tile;

/// A decoded feature: layer, position in tile units, tags.
#[derive(Debug)]
struct Feature {
    layer: String,
    at: [i32; 2],
    tags: Vec<(String, Value)>,
}

impl Feature {
    fn uint(&self, key: &str) -> Option<u64> {
        self.tags
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| match v {
                Value::Uint(n) => Some(*n),
                _ => None,
            })
    }

    fn string(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| match v {
                Value::String(s) => Some(s.as_str()),
                _ => None,
            })
    }

    /// Incidents this feature stands for.
    fn count(&self) -> u64 {
        if self.layer == CLUSTERS {
            self.uint("count").unwrap()
        } else {
            1
        }
    }
}

fn decode(bytes: &[u8]) -> Vec<Feature> {
    let tile = Tile::decode(bytes).unwrap();
    let mut out = Vec::new();
    for layer in &tile.layers {
        assert_eq!(layer.version, 2);
        assert_eq!(layer.extent, Some(4096));
        let tags = TagsDecoder::new(&layer.keys, &layer.values);
        for f in &layer.features {
            let points = GeometryDecoder::new(&f.geometry).decode_points().unwrap();
            assert_eq!(points.len(), 1);
            out.push(Feature {
                layer: layer.name.clone(),
                at: points[0],
                tags: tags
                    .decode(&f.tags)
                    .unwrap()
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
            });
        }
    }
    out
}

/// 3,000 incidents around the Euphrates between Deir ez-Zor and Al-Bukamal,
/// a third of them at the Al-Bukamal centroid.
fn index() -> SpatialIndex {
    let day = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
    let points = (0..3000)
        .map(|i| {
            let f = f64::from(i);
            let (lat, lon) = if i % 3 == 0 {
                (34.45, 40.92)
            } else {
                (
                    34.4 + (f * 0.618).fract() * 1.0,
                    39.9 + (f * 0.382).fract() * 1.2,
                )
            };
            IncidentPoint::new(&format!("inc-{i}"), lat, lon)
                .with_type(EventType::ALL[i as usize % 5])
                .with_date(Some(day + chrono::Duration::days(i64::from(i % 60))))
        })
        .collect();
    SpatialIndex::bulk_load(points)
}

fn tile(ix: &SpatialIndex, t: TileId, q: &IncidentQuery) -> Vec<Feature> {
    let mut found = Vec::new();
    ix.for_each(Some(t.bbox()), q, |f| found.push(f));
    decode(&encode(t, &found).unwrap())
}

/// Every tile of zoom `z` over the data.
fn tiles_at(z: u32) -> Vec<TileId> {
    // The data lies within 39.9–41.1°E, 34.4–35.4°N.
    tiles_over(z, [39.8, 34.3, 41.2, 35.5])
}

/// Every tile of zoom `z` over a box.
fn tiles_over(z: u32, [w, s, e, n]: [f64; 4]) -> Vec<TileId> {
    let count = 1u32 << z;
    let col = |lon: f64| ((lon + 180.0) / 360.0 * f64::from(count)) as u32;
    let row = |lat: f64| {
        let r = lat.to_radians();
        ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * f64::from(count))
            as u32
    };
    let mut out = Vec::new();
    for x in col(w)..=col(e) {
        for y in row(n)..=row(s) {
            out.push(TileId::new(z, x, y).unwrap());
        }
    }
    out
}

#[test]
fn every_incident_is_counted_once_at_every_zoom() {
    let ix = index();
    let shelling = IncidentQuery {
        types: vec![EventType::Shelling, EventType::Airstrike],
        ..IncidentQuery::default()
    };
    for q in [IncidentQuery::default(), shelling] {
        let total = ix.all(&q, marsad_model::Sort::DateAsc, 0, 0).total as u64;
        for z in [2, 6, 9, 11, 12, 14] {
            let counted: u64 = tiles_at(z)
                .into_iter()
                .flat_map(|t| tile(&ix, t, &q))
                .map(|f| f.count())
                .sum();
            assert_eq!(counted, total, "zoom {z}, {q:?}");
        }
    }
}

#[test]
fn low_zooms_cluster_and_high_zooms_show_each_incident() {
    let ix = index();
    let q = IncidentQuery::default();
    let low = tile(&ix, tiles_at(6)[0], &q);
    let clusters: Vec<&Feature> = low.iter().filter(|f| f.layer == CLUSTERS).collect();
    assert!(!clusters.is_empty());
    for c in &clusters {
        // Counts per type add up to the count; the type is the commonest.
        let per_type: u64 = EventType::ALL
            .iter()
            .filter_map(|t| c.uint(&format!("count_{}", t.as_str())))
            .sum();
        assert_eq!(per_type, c.uint("count").unwrap());
        let top = c.string("type").unwrap();
        let top_n = c.uint(&format!("count_{top}")).unwrap();
        assert!(EventType::ALL
            .iter()
            .all(|t| c.uint(&format!("count_{}", t.as_str())).unwrap_or(0) <= top_n));
        assert!((0..4096).contains(&c.at[0]) && (0..4096).contains(&c.at[1]));
    }
    // Al-Bukamal's 1,000 incidents at zoom 12: each its own feature.
    let t = TileId::new(CLUSTER_BELOW, 2513, 1630).unwrap();
    let high = tile(&ix, t, &q);
    assert!(high.iter().all(|f| f.layer == INCIDENTS));
    let at_centroid = high
        .iter()
        .filter(|f| f.string("id").unwrap().starts_with("inc-"))
        .count();
    assert!(at_centroid >= 1000, "{at_centroid}");
    let one = &high[0];
    assert!(one.string("type").is_some() && one.string("date").is_some());
    assert!(one.uint("geo_precision").is_some());
}

#[test]
fn a_tile_without_incidents_is_empty() {
    let ix = index();
    let far = TileId::new(10, 0, 0).unwrap();
    let mut found = Vec::new();
    ix.for_each(Some(far.bbox()), &IncidentQuery::default(), |f| {
        found.push(f)
    });
    assert!(encode(far, &found).unwrap().is_empty());
}

fn label(name_ar: &str, lat: f64, lon: f64, rank: u8) -> Label {
    Label {
        id: format!("test:{name_ar}"),
        lon,
        lat,
        name_ar: name_ar.into(),
        name_en: String::new(),
        rank,
    }
}

#[test]
fn a_place_tile_holds_the_labels_of_its_box_and_zoom() {
    let labels = [
        label("دمشق", 33.51, 36.29, 1),
        label("دير الزور", 35.33, 40.14, 2),
        label("البوكمال", 34.45, 40.92, 3),
        label("الهري", 34.43, 40.94, 4),
    ];
    let names = |t: TileId| -> Vec<String> {
        decode(&encode_places(t, &labels).unwrap())
            .iter()
            .inspect(|f| assert_eq!(f.layer, PLACES))
            // Each label names its place, so a click on it can pick it.
            .inspect(|f| {
                assert_eq!(
                    f.string("id"),
                    Some(format!("test:{}", f.string("name_ar").unwrap()).as_str())
                )
            })
            .map(|f| f.string("name_ar").unwrap().to_string())
            .collect()
    };
    // The world at zoom 0: only the capital.
    assert_eq!(names(TileId::new(0, 0, 0).unwrap()), ["دمشق"]);
    // Zoom 7 over the east: the city, not yet its towns and villages.
    assert_eq!(names(TileId::new(7, 78, 50).unwrap()), ["دير الزور"]);
    // Zoom 11 at Al-Bukamal: the town and its villages, not what is outside.
    assert_eq!(
        names(TileId::new(11, 1256, 815).unwrap()),
        ["البوكمال", "الهري"]
    );
    assert!(encode_places(TileId::new(11, 0, 0).unwrap(), &labels)
        .unwrap()
        .is_empty());
    let ranks: Vec<u8> = (0..=12).map(max_label_rank).collect();
    assert_eq!(ranks, [1, 1, 1, 1, 1, 1, 2, 2, 3, 4, 4, 4, 4]);
}

/// The box of [`varied`] incidents, with a margin.
const VARIED: [f64; 4] = [39.4, 33.9, 41.6, 35.9];

/// Incidents of every kind of value the filters tell apart: all types,
/// statuses and precisions, confidences on and between hundredths,
/// undated ones, several at one point, some on the edges of tiles.
fn varied(n: usize, seed: u64) -> Vec<IncidentPoint> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let first = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    // Corners of zoom-8 and zoom-11 tiles over the data.
    let edges: Vec<[f64; 4]> = [(8, 157, 101), (11, 1259, 810), (11, 1260, 811)]
        .into_iter()
        .map(|(z, x, y)| TileId::new(z, x, y).unwrap().bbox())
        .collect();
    (0..n)
        .map(|i| {
            let (lat, lon) = match i % 10 {
                0 => (34.45, 40.92),
                1 => {
                    let [w, s, _, n] = edges[rng.gen_range(0..edges.len())];
                    (if rng.gen_bool(0.5) { s } else { n }, w)
                }
                _ => (rng.gen_range(34.0..35.8), rng.gen_range(39.5..41.5)),
            };
            let confidence = match rng.gen_range(0..4) {
                0 => [0.0, 0.05, 0.5, 0.7, 0.93, 1.0][rng.gen_range(0..6)],
                1 => 0.7 + f32::EPSILON * [-1.0, 1.0][rng.gen_range(0..2)],
                _ => rng.gen_range(0.0..1.0),
            };
            IncidentPoint {
                confidence,
                geo_precision: marsad_model::GeoPrecision::new(rng.gen_range(1..=3)),
                status: marsad_model::ReviewStatus::ALL[rng.gen_range(0..3)],
                ..IncidentPoint::new(&format!("v-{i}"), lat, lon)
                    .with_type(EventType::ALL[rng.gen_range(0..EventType::ALL.len())])
                    .with_date(
                        (!rng.gen_bool(0.1))
                            .then(|| first + chrono::Duration::days(rng.gen_range(0..120))),
                    )
                    .with_actors(["actor:a", "actor:b"].into_iter().take(i % 3))
            }
        })
        .collect()
}

/// Filters of every kind the grid answers, and some it leaves to the
/// points (an actor, a confidence between hundredths).
fn filters() -> Vec<(&'static str, IncidentQuery)> {
    let day = |m, d| NaiveDate::from_ymd_opt(2024, m, d);
    let dates = |since, until| IncidentQuery {
        dates: marsad_model::DateRange::between(since, until),
        ..IncidentQuery::default()
    };
    vec![
        ("none", IncidentQuery::default()),
        (
            "types",
            IncidentQuery {
                types: vec![EventType::Airstrike, EventType::ALL[7], EventType::ALL[15]],
                ..IncidentQuery::default()
            },
        ),
        (
            "standing, precise",
            IncidentQuery {
                statuses: vec![
                    marsad_model::ReviewStatus::Unreviewed,
                    marsad_model::ReviewStatus::Verified,
                ],
                max_geo_precision: Some(marsad_model::GeoPrecision::NEAR),
                ..IncidentQuery::default()
            },
        ),
        ("confidence 0.7", query(&[("min_confidence", "0.7")])),
        ("confidence 0.93", query(&[("min_confidence", "0.93")])),
        ("confidence 0", query(&[("min_confidence", "0")])),
        ("whole weeks", dates(day(1, 8), day(2, 25))),
        ("parts of weeks", dates(day(1, 10), day(3, 14))),
        ("one day", dates(day(2, 7), day(2, 7))),
        ("inside a week", dates(day(2, 6), day(2, 8))),
        ("across a weekend", dates(day(2, 9), day(2, 13))),
        ("since", dates(day(2, 14), None)),
        ("until", dates(None, day(2, 14))),
        ("ending before starting", dates(day(3, 1), day(2, 1))),
        (
            "all at once",
            query(&[
                ("since", "2024-01-17"),
                ("until", "2024-03-02"),
                ("type", "airstrike,drone_strike,shelling,armed_clash"),
                ("min_confidence", "0.5"),
                ("geo_precision", "2"),
                ("status", "unreviewed"),
            ]),
        ),
        ("an actor", query(&[("actor", "actor:a")])),
        ("confidence 0.705", query(&[("min_confidence", "0.705")])),
    ]
}

fn query(pairs: &[(&str, &str)]) -> IncidentQuery {
    IncidentQuery::from_pairs(pairs.iter().copied()).unwrap()
}

/// Every tile of zooms 0 to 11 holding data, each cut both ways.
fn assert_grid_tiles_are_point_tiles(ix: &SpatialIndex, what: &str) {
    for (name, q) in filters() {
        let total = ix.all(&q, marsad_model::Sort::DateAsc, 0, 0).total as u64;
        for z in 0..CLUSTER_BELOW {
            let mut counted = 0;
            for t in tiles_over(z, VARIED) {
                let grid = cut(ix, t, &q).unwrap();
                assert!(
                    grid == cut_from_points(ix, t, &q).unwrap(),
                    "{what}: tile {t:?}, {name}"
                );
                counted += decode(&grid).iter().map(Feature::count).sum::<u64>();
            }
            assert_eq!(counted, total, "{what}: zoom {z}, {name}");
        }
    }
}

#[test]
fn tiles_summed_from_the_grid_are_the_tiles_cut_from_the_points() {
    let ix = SpatialIndex::bulk_load(varied(4000, 7));
    // The grid answers every filter but actors and confidences between
    // hundredths, and no finer level than its own.
    let t = tiles_at(8)[0];
    let window = |q: &IncidentQuery, level| {
        ix.grid(level, t.x * 8..t.x * 8 + 8, t.y * 8..t.y * 8 + 8, q)
            .is_some()
    };
    for (name, q) in filters() {
        let leaves = name == "an actor" || name == "confidence 0.705";
        assert_eq!(window(&q, 11), !leaves, "{name}");
    }
    assert!(!window(&IncidentQuery::default(), 12));
    assert_grid_tiles_are_point_tiles(&ix, "bulk loaded");
}

#[test]
fn the_grid_follows_every_change_as_a_rebuilt_one_would() {
    use rand::{Rng, SeedableRng};
    let mut points = varied(2000, 11);
    let mut ix = SpatialIndex::bulk_load(points.clone());
    let mut rng = rand::rngs::StdRng::seed_from_u64(12);
    let others = varied(2000, 13);
    for _ in 0..1500 {
        // Moved, retyped, redated, reviewed or new: another point's values
        // under an existing id, or a new one.
        let i = rng.gen_range(0..points.len() + 200);
        let mut p = others[rng.gen_range(0..others.len())].clone();
        if i < points.len() {
            p.id = points[i].id.clone();
            points[i] = p.clone();
        } else {
            p.id = format!("new-{}", points.len()).into();
            points.push(p.clone());
        }
        ix.upsert(p);
    }
    assert_grid_tiles_are_point_tiles(&ix, "after upserts");
    let rebuilt = SpatialIndex::bulk_load(points);
    for (name, q) in filters() {
        for z in [0, 4, 8, 10] {
            for t in tiles_over(z, VARIED) {
                assert!(
                    cut(&ix, t, &q).unwrap() == cut(&rebuilt, t, &q).unwrap(),
                    "{t:?} {name}"
                );
            }
        }
    }
}

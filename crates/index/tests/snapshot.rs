//! The index snapshot: read back, it answers every query as the index it
//! was taken of, and goes on taking updates; any damage to the file (cut
//! short, a byte changed anywhere, another format) is refused, never read
//! as an index that answers wrongly.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

use chrono::NaiveDate;
use marsad_index::snapshot::Error;
use marsad_index::{IncidentPoint, IncidentQuery, Region, Sort, SpatialIndex, Stamp};
use marsad_model::{EventType, GeoPrecision, ReviewStatus};
use rand::{rngs::StdRng, Rng, SeedableRng};

fn points(n: usize, seed: u64) -> Vec<IncidentPoint> {
    let mut rng = StdRng::seed_from_u64(seed);
    let day0 = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    (0..n)
        .map(|i| {
            let p = IncidentPoint::new(
                &format!("inc-{i:05}"),
                rng.gen_range(33.0..37.0),
                rng.gen_range(38.0..42.5),
            )
            .with_type(EventType::ALL[i % EventType::ALL.len()])
            .with_date((i % 6 != 0).then(|| day0 + chrono::Duration::days((i % 300) as i64)))
            .with_actors(["sdf", "iran", "us"].into_iter().skip(i % 3).take(i % 3));
            IncidentPoint {
                confidence: (i % 10) as f32 / 10.0,
                geo_precision: GeoPrecision::new(1 + (i % 3) as u8),
                status: ReviewStatus::ALL[i % ReviewStatus::ALL.len()],
                ..p
            }
        })
        .collect()
}

fn stamp() -> Stamp {
    Stamp {
        store: "a1b2c3".into(),
        last_change: 4321,
        witness: Some((4321, "inc-00042".into())),
    }
}

fn snapshot_of(ix: &SpatialIndex) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("marsad.db.index");
    let written = ix.save(&path, &stamp()).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(written, bytes.len() as u64);
    bytes
}

/// What an index answers to a spread of queries, in a comparable form.
fn answers(ix: &SpatialIndex) -> Vec<String> {
    let filtered = IncidentQuery {
        types: vec![EventType::Airstrike, EventType::Shelling],
        min_confidence: Some(0.3),
        actors: vec!["iran".into()],
        ..Default::default()
    };
    let mut out = Vec::new();
    for q in [IncidentQuery::default(), filtered] {
        for sort in [Sort::Distance, Sort::DateDesc, Sort::DateAsc] {
            let page = ix.radius(35.0, 40.5, 120.0, &q, sort, 50, 3);
            out.push(format!("{} {:?}", page.total, page.hits));
        }
        let page = ix.bbox([39.0, 34.0, 41.0, 35.5], &q, Sort::DateDesc, 40, 0);
        out.push(format!("{} {:?}", page.total, page.hits));
        out.push(format!("{:?}", ix.nearest(34.45, 40.92, 7, &q)));
        let all = ix.select(Region::All, &q, Sort::DateAsc);
        out.push(format!("{:?}", all.hits(ix, 0..all.len())));
        let mut counts: Vec<_> = ix.counts_by_type(&q).into_iter().collect();
        counts.sort_by_key(|(t, _)| t.index());
        out.push(format!("{counts:?}"));
    }
    out.push(format!("{:?}", ix.extent()));
    out.push(format!("{:?}", ix.get("inc-00007")));
    out
}

#[test]
fn a_snapshot_answers_as_the_index_it_was_taken_of() {
    let ix = SpatialIndex::bulk_load(points(3000, 1));
    let (back, stamp_back) = SpatialIndex::from_snapshot(&snapshot_of(&ix)).unwrap();
    assert_eq!(stamp_back, stamp());
    assert_eq!(back.len(), ix.len());
    assert_eq!(answers(&back), answers(&ix));
}

#[test]
fn an_index_read_back_takes_updates_as_the_original_does() {
    let mut ix = SpatialIndex::bulk_load(points(2000, 2));
    let (mut back, _) = SpatialIndex::from_snapshot(&snapshot_of(&ix)).unwrap();
    // Moved, retyped, and new incidents.
    let later = points(2600, 3);
    for p in later.iter().skip(1500) {
        ix.upsert(p.clone());
        back.upsert(p.clone());
    }
    assert_eq!(back.len(), 2600);
    assert_eq!(answers(&back), answers(&ix));
}

#[test]
fn empty_and_single_indexes_round_trip() {
    for n in [0, 1] {
        let ix = SpatialIndex::bulk_load(points(n, 4));
        let (back, _) = SpatialIndex::from_snapshot(&snapshot_of(&ix)).unwrap();
        assert_eq!(back.len(), n);
        assert_eq!(answers(&back), answers(&ix));
    }
}

#[test]
fn a_snapshot_cut_short_anywhere_is_refused() {
    let bytes = snapshot_of(&SpatialIndex::bulk_load(points(500, 5)));
    let cuts = (0..64)
        .chain((64..bytes.len()).step_by(97))
        .chain([bytes.len() - 1]);
    for cut in cuts {
        let err = SpatialIndex::from_snapshot(&bytes[..cut]).err();
        assert!(
            matches!(err, Some(Error::NotASnapshot | Error::Length { .. })),
            "cut at {cut} of {}: {err:?}",
            bytes.len()
        );
    }
    let mut longer = bytes.clone();
    longer.extend_from_slice(b"more");
    assert!(matches!(
        SpatialIndex::from_snapshot(&longer),
        Err(Error::Length { .. })
    ));
}

#[test]
fn a_byte_changed_anywhere_is_refused() {
    let bytes = snapshot_of(&SpatialIndex::bulk_load(points(500, 6)));
    let mut rng = StdRng::seed_from_u64(7);
    let positions: Vec<usize> = (0..24)
        .chain((0..400).map(|_| rng.gen_range(24..bytes.len())))
        .collect();
    for at in positions {
        let mut bad = bytes.clone();
        bad[at] ^= 1 << rng.gen_range(0..8);
        let err = SpatialIndex::from_snapshot(&bad).err();
        assert!(err.is_some(), "a bit flipped at byte {at} was not noticed");
    }
}

#[test]
fn other_files_and_formats_are_refused() {
    assert!(matches!(
        SpatialIndex::from_snapshot(b""),
        Err(Error::NotASnapshot)
    ));
    assert!(matches!(
        SpatialIndex::from_snapshot(&[b'x'; 100]),
        Err(Error::NotASnapshot)
    ));
    let mut bytes = snapshot_of(&SpatialIndex::bulk_load(points(10, 8)));
    bytes[8] = 99;
    assert!(matches!(
        SpatialIndex::from_snapshot(&bytes),
        Err(Error::Format { found: 99 })
    ));
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("none.index");
    let err = SpatialIndex::load(&path).err().unwrap();
    assert!(err.to_string().contains("none.index"), "{err}");
}

#[test]
fn saving_replaces_the_old_snapshot_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("marsad.db.index");
    SpatialIndex::bulk_load(points(300, 9))
        .save(&path, &stamp())
        .unwrap();
    let newer = SpatialIndex::bulk_load(points(40, 10));
    newer.save(&path, &stamp()).unwrap();
    let (back, _) = SpatialIndex::load(&path).unwrap();
    assert_eq!(back.len(), 40);
    // No temporary file is left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1);
}

//! A server's index from its snapshot: used only when it is whole and of
//! the store at hand, brought up to date with the changes written since,
//! and otherwise rebuilt from the store, with the same answers either way.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

use std::path::{Path, PathBuf};

use marsad_index::{IncidentQuery, Sort, SpatialIndex};
use marsad_model::{
    Article, Counts, DatePrecision, EventType, Format, GeoPrecision, Incident, Place,
};
use marsad_pipeline::{open_index, save_index, Opened};
use marsad_store::{Decision, Store};

fn strike(id: &str, day: u32, lat: f64, lon: f64) -> Incident {
    Incident {
        id: id.into(),
        event_type: EventType::ALL[day as usize % 5],
        date: chrono::NaiveDate::from_ymd_opt(2025, 1, 1 + day % 28),
        date_precision: DatePrecision::Day,
        date_text: None,
        place: Some(Place {
            id: format!("test:{id}"),
            name_ar: "موقع".into(),
            name_en: None,
            admin1: None,
            admin2: None,
            lat,
            lon,
        }),
        geo_precision: GeoPrecision::PLACE,
        actors: vec![],
        targets: vec![],
        people: vec![],
        counts: Counts::default(),
        confidence: 0.7,
        source_count: 1,
        reported: None,
        sources: vec![],
        status: Default::default(),
    }
}

/// Incidents `ids`, spread over the valley (a band of it per tag, so no
/// two tags' incidents merge), each from an article of its own.
fn ingest(store: &mut Store, tag: &str, ids: std::ops::Range<u32>) {
    let band = f64::from(tag.as_bytes()[0] - b'a') * 0.5;
    for i in ids {
        let article = Article {
            url: Some(format!("https://example.org/{tag}/{i}")),
            title: None,
            published: None,
            text: format!("نص تجريبي {tag} {i}"),
            format: Format::Text,
        };
        let (lat, lon) = (
            33.0 + band + f64::from(i % 37) * 0.01,
            39.5 + f64::from(i % 41) * 0.06,
        );
        store
            .ingest(&article, &[strike(&format!("{tag}-{i}"), i, lat, lon)])
            .unwrap();
    }
}

fn answers(ix: &SpatialIndex) -> Vec<String> {
    let q = IncidentQuery::default();
    let mut out = vec![ix.len().to_string()];
    for (lat, lon) in [(33.2, 40.5), (34.2, 41.8), (34.0, 39.5), (39.5, 41.0)] {
        let page = ix.radius(lat, lon, 150.0, &q, Sort::DateDesc, 1000, 0);
        out.push(format!("{} {:?}", page.total, page.hits));
    }
    out
}

fn rebuilt(store: &Store) -> Vec<String> {
    answers(&marsad_pipeline::load_index(store).unwrap().0)
}

struct Setup {
    _dir: tempfile::TempDir,
    db: PathBuf,
    snapshot: PathBuf,
    store: Store,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let mut store = Store::open(db.as_path()).unwrap();
    ingest(&mut store, "a", 0..120);
    Setup {
        snapshot: dir.path().join("m.db.index"),
        db,
        _dir: dir,
        store,
    }
}

fn saved(store: &Store, path: &Path) {
    let (ix, last, _) = open_index(store, None).unwrap();
    save_index(store, &ix, last, path).unwrap();
}

#[test]
fn without_a_snapshot_the_index_is_built_from_the_store() {
    let s = setup();
    let (ix, last, opened) = open_index(&s.store, Some(&s.snapshot)).unwrap();
    assert_eq!(opened, Opened::Rebuilt { why: None });
    assert_eq!(ix.len(), 120);
    assert!(last > 0);
}

#[test]
fn a_snapshot_is_read_and_caught_up_with_later_writes() {
    let mut s = setup();
    saved(&s.store, &s.snapshot);
    let (ix, _, opened) = open_index(&s.store, Some(&s.snapshot)).unwrap();
    assert_eq!(opened, Opened::Snapshot { caught_up: 0 });
    assert_eq!(answers(&ix), rebuilt(&s.store));
    // New incidents and a decision (which changes an indexed status).
    ingest(&mut s.store, "b", 0..15);
    s.store
        .add_user("rana", marsad_model::Role::Reviewer)
        .unwrap();
    s.store
        .decide("a-3", "rana", &Decision::Verify, None)
        .unwrap();
    let (ix, last, opened) = open_index(&s.store, Some(&s.snapshot)).unwrap();
    assert_eq!(opened, Opened::Snapshot { caught_up: 16 });
    assert_eq!(answers(&ix), rebuilt(&s.store));
    assert_eq!(last, marsad_pipeline::load_index(&s.store).unwrap().1);
    assert_eq!(
        ix.get("a-3").unwrap().status,
        marsad_model::ReviewStatus::Verified
    );
}

#[test]
fn a_damaged_snapshot_is_never_used() {
    let s = setup();
    saved(&s.store, &s.snapshot);
    let whole = std::fs::read(&s.snapshot).unwrap();
    let damages: Vec<(&str, Vec<u8>)> = vec![
        ("cut short", whole[..whole.len() / 2].to_vec()),
        ("empty", Vec::new()),
        ("a byte changed", {
            let mut b = whole.clone();
            let at = b.len() * 2 / 3;
            b[at] ^= 0x10;
            b
        }),
        ("another file", b"SQLite format 3\0 and so on".to_vec()),
    ];
    for (what, bytes) in damages {
        std::fs::write(&s.snapshot, bytes).unwrap();
        let (ix, _, opened) = open_index(&s.store, Some(&s.snapshot)).unwrap();
        assert!(
            matches!(opened, Opened::Rebuilt { why: Some(_) }),
            "{what}: {opened:?}"
        );
        assert_eq!(answers(&ix), rebuilt(&s.store), "{what}");
    }
}

#[test]
fn a_snapshot_of_another_store_is_not_used() {
    let s = setup();
    let other_dir = tempfile::tempdir().unwrap();
    let mut other = Store::open(other_dir.path().join("o.db").as_path()).unwrap();
    ingest(&mut other, "o", 0..50);
    saved(&other, &s.snapshot);
    let (ix, _, opened) = open_index(&s.store, Some(&s.snapshot)).unwrap();
    let Opened::Rebuilt { why: Some(why) } = opened else {
        panic!("{opened:?}")
    };
    assert!(why.contains("another store"), "{why}");
    assert_eq!(ix.len(), 120);
}

#[test]
fn a_store_put_back_from_an_older_copy_is_not_taken_for_the_snapshots() {
    let mut s = setup();
    // A copy of the file as it is (same identity), then more writes and a
    // snapshot of them.
    let old = s.db.with_extension("old");
    s.store.backup_to(&old, &mut |_, _| {}).unwrap();
    ingest(&mut s.store, "b", 0..10);
    saved(&s.store, &s.snapshot);
    drop(s.store);
    // The old file put back in its place, and other writes to it, so its
    // changes run as far as the snapshot's.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", s.db.display()));
    }
    std::fs::copy(&old, &s.db).unwrap();
    let mut store = Store::open(s.db.as_path()).unwrap();
    ingest(&mut store, "c", 0..12);
    let (ix, _, opened) = open_index(&store, Some(&s.snapshot)).unwrap();
    let Opened::Rebuilt { why: Some(why) } = opened else {
        panic!("{opened:?}")
    };
    assert!(why.contains("history differs"), "{why}");
    assert_eq!(answers(&ix), rebuilt(&store));
    assert!(ix.get("c-3").is_some() && ix.get("b-3").is_none());
}

#[test]
fn a_restored_backup_is_another_store() {
    let s = setup();
    let backup = s.db.with_extension("bak");
    s.store.backup_to(&backup, &mut |_, _| {}).unwrap();
    let restored =
        Store::restore_backup(&backup, &s.db.with_extension("restored"), &mut |_, _| {}).unwrap();
    assert_ne!(restored.identity().unwrap(), s.store.identity().unwrap());
    saved(&s.store, &s.snapshot);
    let (_, _, opened) = open_index(&restored, Some(&s.snapshot)).unwrap();
    assert!(
        matches!(opened, Opened::Rebuilt { why: Some(_) }),
        "{opened:?}"
    );
}

//! The bundled gazetteer holds what the editorial tables say: it was
//! rebuilt after them.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

use marsad_gazetteer::Gazetteer;

/// Every region `corrections.tsv` places at a town sits at that town's
/// point and keeps its own extent.
#[test]
fn regions_named_after_a_town_are_shown_at_it() {
    let gaz = Gazetteer::bundled().unwrap();
    let table = include_str!("../../../gazetteer/corrections.tsv");
    let rows: Vec<Vec<&str>> = table
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .filter(|f: &Vec<&str>| f.get(1) == Some(&"placed_at"))
        .collect();
    assert!(rows.len() >= 3, "{rows:?}");
    for f in rows {
        let region = gaz.place(gaz.by_id(f[0]).unwrap());
        let town = gaz.place(gaz.by_id(f[2]).unwrap());
        assert_eq!((region.lat, region.lon), (town.lat, town.lon), "{}", f[0]);
        assert!(region.bbox.is_some(), "{} keeps its extent", f[0]);
    }
}

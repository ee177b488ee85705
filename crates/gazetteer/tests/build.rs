//! The builder on a miniature copy of every source, written here: known
//! defects are handled as documented and the output is reproducible.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

use std::fs;
use std::path::Path;

use marsad_gazetteer::{build::build, read_places, write_places, PlaceKind};

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, text).unwrap();
}

fn sources(dir: &Path) {
    let empty_fc = r#"{"type":"FeatureCollection","features":[]}"#;
    write(
        dir,
        "wof-sy/admin_polygons_region_county.geojson",
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"wof:id":85678381},"geometry":{"type":"Polygon","coordinates":[[[39.2,34.1],[41.3,34.1],[41.3,36.3],[39.2,36.3],[39.2,34.1]]]}}]}"#,
    );
    write(dir, "wof-iq/admin_polygons_region_county.geojson", empty_fc);
    let wof = [
        r#"{"id":"wof:890449891","name":"Ālbū Kamāl","name_ar":"البو كمال","names_ar":["البو كمال","البوكمال"],"names_latin":["Abu Kamal"],"lat":34.45,"lon":40.91861,"placetype":"locality","gn_feature_code":null,"country":"SY","adm1":"Days Az Zawr","adm1_ar":"دير الزور","adm2":"Abu Kamal","population":57572,"geonames_id":174448,"deprecated":false}"#,
        r#"{"id":"wof:1","name":"Old record","name_ar":"قديمة","names_ar":["قديمة"],"names_latin":[],"lat":34.0,"lon":40.0,"placetype":"locality","gn_feature_code":"PPL","country":"SY","adm1":null,"adm1_ar":null,"adm2":null,"population":null,"geonames_id":null,"deprecated":true}"#,
        r#"{"id":"wof:2","name":"Settlement","name_ar":null,"names_ar":[],"names_latin":["Settlement"],"lat":33.0,"lon":35.8,"placetype":"locality","gn_feature_code":"STLMT","country":"SY","adm1":"Quneitra","adm1_ar":"القنيطرة","adm2":null,"population":null,"geonames_id":null,"deprecated":false}"#,
        r#"{"id":"wof:3","name":"Al Kashmah","name_ar":"الكشمة","names_ar":["الكشمة","الكشكية","Al Bā‘ūm"],"names_latin":["Al Kashmah"],"lat":34.62,"lon":40.94,"placetype":"locality","gn_feature_code":"PPL","country":"SY","adm1":"Days Az Zawr","adm1_ar":"دير الزور","adm2":"Abu Kamal","population":null,"geonames_id":168535,"deprecated":false}"#,
        r#"{"id":"wof:85678381","name":"Days Az Zawr","name_ar":"دير الزور","names_ar":["دير الزور","محافظة دير الزور"],"names_latin":["Dayr az Zawr"],"lat":35.0,"lon":40.4,"placetype":"region","gn_feature_code":null,"country":"SY","adm1":"Days Az Zawr","adm1_ar":"دير الزور","adm2":null,"population":null,"geonames_id":170792,"deprecated":false}"#,
    ];
    write(dir, "wof-sy/gazetteer.jsonl", &(wof.join("\n") + "\n"));
    write(dir, "wof-iq/gazetteer.jsonl", "");
    write(
        dir,
        "geonames-cities500-sy-iq/cities500_SY_IQ.tsv",
        "174448\tAbu Kamal\tAbu Kamal\tAlbu Kamal,البوكمال\t34.45226\t40.91854\tP\tPPLA2\tSY\t\t07\t\t\t\t57572\t\t180\tAsia/Damascus\t2020-01-01\n",
    );
    write(
        dir,
        "geonames-world-major/cities500_world_major.tsv",
        "112931\tTehran\tTehran\tTeheran,تهران,طهران,تہران\t35.69439\t51.42151\tP\tPPLC\tIR\t\t26\t\t\t\t7153309\t\t1191\tAsia/Tehran\t2022-01-01\n",
    );
    write(
        dir,
        "countries/countries.tsv",
        "iso_a2\tiso_a3\tiso_numeric\tname_en\tnames_ar\tlat\tlon\tbbox\nSY\tSYR\t760\tSyria\tسوريا\t35.02\t38.50\t35.76,32.31,42.35,37.29\n",
    );
    write(
        dir,
        "open-syria-geography/governorates.json",
        r#"[{"id":"sy-deir-ez-zor","name":{"en":"Deir ez-Zor","ar":"دير الزور"},"aliases":[{"value":"محافظة دير الزور","language":"ar","type":"formal"}],"centroid":{"latitude":35.16,"longitude":40.28},"externalIds":{"geonames":"170792","ochaPcode":"SY09"}}]"#,
    );
    write(dir, "open-syria-geography/districts.json", "[]");
    write(dir, "open-syria-geography/subdistricts.json", "[]");
    let header = "id\tname_ar\tnames_ar_variants\tname_en\tnames_en_variants\tkind\tlat\tlon\tbbox\tprecision_km\tadm1\tevidence\n";
    write(
        dir,
        "curated/features.tsv",
        &format!("{header}cur:omar_oil_field\tحقل العمر النفطي\tحقل العمر\tAl-Omar oil field\tOmar field\toil_field\t35.09\t40.53\t\t8\tDays Az Zawr\t[c] test\ncur:rif_bukamal\tريف البوكمال\t\tAl-Bukamal countryside\t\tregion\t34.52\t40.58\t39.8,34.1,41.2,35.1\t50\tDays Az Zawr\t[c] test\ncur:nowhere\tبادية ما\t\tNowhere\t\tregion\t\t\t\t\t\tnone\n"),
    );
    write(
        dir,
        "editorial/additions.tsv",
        &format!("{header}marsad:kishkiyah\tالكشكية\t\tAl-Kishkiyah\t\tvillage\t34.80\t40.68\t\t4\tDays Az Zawr\t[c] test\ngn:112931\tطهران\t\tTehran\t\t\t\t\t\t\t\t\nwof:890449891\tالبوكمال\t\tAl-Bukamal\t\tcity\t\t\t\t\t\t\n"),
    );
    write(
        dir,
        "editorial/sources/ocha-communities/communities.tsv",
        "pcode\tname_ar\tname_en\tlat\tlon\tadmin1_pcode\tadmin2_pcode\tadmin3_pcode\tcapital_level\tvintage\n\
         C9001\tالبوكمال\tAbu Kamal\t34.46\t40.92\tSY09\tSY0903\tSY090300\t2\tocha-2020\n\
         C9002\tتل المثال_خربة المثال\tTal Almithal - Khirbet Almithal\t34.70\t40.80\tSY09\tSY0903\tSY090300\t\tocha-2020\n",
    );
    write(
        dir,
        "editorial/corrections.tsv",
        "id\taction\tvalue\treason\ngn:168535\tremove_name\tالكشكية\twrong alternate\ncur:rif_bukamal\tplaced_at\twof:890449891\tnamed after the town\n",
    );
}

#[test]
fn builds_and_handles_known_defects() {
    let dir = tempfile::tempdir().unwrap();
    sources(dir.path());
    let (places, report) = build(dir.path(), &dir.path().join("editorial")).expect("build");
    let get = |id: &str| places.iter().find(|p| p.id == id);

    assert!(get("wof:1").is_none(), "deprecated records are dropped");
    assert!(
        get("wof:2").is_none(),
        "Golan settlements (STLMT) are dropped"
    );
    assert!(
        get("cur:nowhere").is_none(),
        "curated rows without a point are dropped"
    );

    let kashmah = get("wof:3").expect("wof:3");
    assert!(
        !kashmah.names_ar.iter().any(|n| n == "الكشكية"),
        "corrected alternate removed"
    );
    assert!(
        !kashmah.names_ar.iter().any(|n| n.contains('ā')),
        "Latin strings left out of Arabic names"
    );

    let bukamal = get("wof:890449891").expect("Abu Kamal");
    let countryside = get("cur:rif_bukamal").expect("the countryside");
    assert_eq!(
        (countryside.lat, countryside.lon),
        (bukamal.lat, bukamal.lon),
        "a region placed at the town it is named after"
    );
    assert!(countryside.bbox.is_some(), "and its extent kept");
    assert_eq!(
        (bukamal.name_ar.as_str(), bukamal.name_en.as_str()),
        ("البوكمال", "Al-Bukamal"),
        "an editorial row sets the names shown"
    );
    assert!(
        bukamal.names_en.iter().any(|n| n == "Abu Kamal"),
        "the source's name kept as an alternate"
    );
    assert!(bukamal.xref.contains(&"gn:174448".to_string()));
    assert_eq!(
        bukamal.kind,
        PlaceKind::City,
        "GeoNames PPLA2 upgrades the WOF locality"
    );
    assert_eq!(
        bukamal.admin1.as_deref(),
        Some("Deir ez-Zor"),
        "WOF adm1 mapped to the OpenSyria name"
    );

    let gov = get("SY09").expect("P-code id for the governorate");
    assert!(
        gov.xref.contains(&"wof:85678381".to_string()),
        "WOF region merged into the P-code unit"
    );
    assert!(gov.bbox.is_some(), "bbox from the WOF polygon");
    assert!(get("wof:85678381").is_none());

    assert!(
        bukamal.xref.contains(&"ocha:C9001".to_string()),
        "an OCHA community with a known name nearby is that place"
    );
    let village = get("ocha:C9002").expect("a community no other source has");
    assert_eq!(village.kind, PlaceKind::Village);
    assert_eq!(village.name_ar, "تل المثال");
    assert!(
        village.names_ar.iter().any(|n| n == "خربة المثال"),
        "merged localities split into names"
    );
    assert_eq!(village.admin1.as_deref(), Some("Deir ez-Zor"));

    let tehran = get("gn:112931").expect("Tehran");
    assert_eq!(
        tehran.name_ar, "طهران",
        "editorial rows set the preferred Arabic name"
    );
    assert!(tehran.capital);
    assert!(
        !tehran.names_ar.iter().any(|n| n.contains('ہ')),
        "Urdu-script alternates left out"
    );

    assert!(
        get("iso:SY").is_some()
            && get("cur:omar_oil_field").is_some()
            && get("marsad:kishkiyah").is_some()
    );
    assert!(report
        .lines
        .iter()
        .any(|(w, n)| w.contains("deprecated") && *n == 1));

    // Same sources, same bytes.
    let a = dir.path().join("a.jsonl.gz");
    let b = dir.path().join("b.jsonl.gz");
    write_places(&a, &places).unwrap();
    let (again, _) = build(dir.path(), &dir.path().join("editorial")).unwrap();
    write_places(&b, &again).unwrap();
    assert_eq!(fs::read(&a).unwrap(), fs::read(&b).unwrap());
    assert_eq!(read_places(&a).unwrap(), places);
}

#[test]
fn missing_source_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let err = build(dir.path(), dir.path()).unwrap_err().to_string();
    assert!(err.contains("governorates.json"), "{err}");
}

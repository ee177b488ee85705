//! The `marsad` command line, run as a user runs it.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn marsad(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_marsad"))
        .args(args)
        // Never pick up a user gazetteer from the machine running the tests.
        .env(
            "XDG_DATA_HOME",
            std::env::temp_dir().join("marsad-cli-tests-none"),
        )
        .env_remove("MARSAD_USER_GAZETTEER")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run marsad");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input)
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait for marsad")
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "marsad failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn geocode_reads_stdin_and_reports_code_point_offsets() {
    let text = "قصفت طائرات مسيرة مواقع بالبوكمال وريف دير الزور الشرقي.";
    let v = json(&marsad(&["geocode"], Some(text.as_bytes())));
    let tops = v["toponyms"].as_array().expect("toponyms");
    assert_eq!(tops.len(), 2, "{v}");
    let chars: Vec<char> = text.chars().collect();
    for t in tops {
        let (s, e) = (
            t["start"].as_u64().unwrap() as usize,
            t["end"].as_u64().unwrap() as usize,
        );
        let slice: String = chars[s..e].iter().collect();
        assert_eq!(slice, t["surface"].as_str().unwrap());
        let c = t["confidence"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&c));
        for key in [
            "place_id",
            "name_ar",
            "name_en",
            "kind",
            "lat",
            "lon",
            "admin1",
            "admin2",
            "precision_km",
            "alternatives",
        ] {
            assert!(t.get(key).is_some(), "missing {key} in {t}");
        }
    }
    assert_eq!(tops[0]["surface"], "بالبوكمال");
    assert_eq!(tops[0]["place_id"], "wof:890449891");
    assert_eq!(tops[1]["place_id"], "cur:rif_dez_east");
}

#[test]
fn geocode_empty_input_gives_an_empty_list() {
    let v = json(&marsad(&["geocode"], Some(b"")));
    assert_eq!(v, serde_json::json!({"toponyms": []}));
}

#[test]
fn geocode_rejects_invalid_utf8_with_one_line_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.txt");
    std::fs::write(&path, b"\xd8\xa7\xff\xfe").unwrap();
    let out = marsad(&["geocode", path.to_str().unwrap()], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("broken.txt") && err.contains("UTF-8"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn geocode_names_a_missing_file() {
    let out = marsad(&["geocode", "/nonexistent/article.txt"], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/article.txt"), "{err}");
}

#[test]
fn places_search_tolerates_spelling_and_script() {
    for q in [
        "Deir ez-Zor",
        "Dayr az Zawr",
        "Deir Ezzor",
        "Deir al-Zour",
        "دير الزور",
        "ديرالزور",
    ] {
        let v = json(&marsad(&["places", "search", q, "--limit", "3"], None));
        let ids: Vec<&str> = v["places"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.first(), Some(&"wof:421202167"), "{q}: {ids:?}");
    }
    let v = json(&marsad(&["places", "search", "Albukamal"], None));
    assert_eq!(v["places"][0]["id"], "wof:890449891");
}

#[test]
fn places_search_near_prefers_the_closer_namesake() {
    // Two villages called al-Busayrah: near Aleppo the Aleppo one wins.
    let v = json(&marsad(
        &[
            "places",
            "search",
            "البصيرة",
            "--near",
            "36.8,38.3",
            "--limit",
            "1",
        ],
        None,
    ));
    assert_eq!(v["places"][0]["admin1"], "Aleppo", "{v}");
    let bad = marsad(&["places", "search", "x", "--near", "95,10"], None);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("out of range"));
}

#[test]
fn geonames_import_extends_the_gazetteer() {
    let dir = tempfile::tempdir().unwrap();
    let user = dir.path().join("user.jsonl.gz");
    let user = user.to_str().unwrap();
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/geonames");
    let out = marsad(
        &[
            "--user-gazetteer",
            user,
            "gazetteer",
            "import",
            "geonames",
            &format!("{fixtures}/SY-small.txt"),
            "--alternate-names",
            &format!("{fixtures}/alternateNamesV2-small.txt"),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(report.contains("read 4 rows, kept 3 places"), "{report}");

    let v = json(&marsad(
        &[
            "--user-gazetteer",
            user,
            "places",
            "search",
            "Testiyah",
            "--limit",
            "1",
        ],
        None,
    ));
    assert_eq!(v["places"][0]["id"], "gn:9000001");
    let names: Vec<&str> = v["places"][0]["names_ar"]
        .as_array()
        .map(|a| a.iter().filter_map(|n| n.as_str()).collect())
        .unwrap_or_default();
    assert_eq!(v["places"][0]["name_ar"], "التستية");
    assert!(
        !names.contains(&"تستية القديمة"),
        "historic names are left out: {names:?}"
    );

    let text = "داهمت دورية قرية التستية شرقي البوكمال";
    let v = json(&marsad(
        &["--user-gazetteer", user, "geocode"],
        Some(text.as_bytes()),
    ));
    let ids: Vec<&str> = v["toponyms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["place_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"gn:9000001"), "{ids:?}");
    // The user's Abu Kamal row merged into the bundled record, not a duplicate.
    assert!(ids.contains(&"wof:890449891"), "{ids:?}");

    let bad = dir.path().join("bad.txt");
    std::fs::write(
        &bad,
        "1\tX\tX\t\tnorth\t40\tP\tPPL\tSY\t\t\t\t\t\t0\t\t\t\t\n",
    )
    .unwrap();
    let out = marsad(
        &[
            "--user-gazetteer",
            user,
            "gazetteer",
            "import",
            "geonames",
            bad.to_str().unwrap(),
        ],
        None,
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.txt:1") && err.contains("latitude"),
        "{err}"
    );
}

#[test]
fn extract_prints_one_json_line_per_article() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.txt"),
        "قصف على البوكمال\n\nقصفت طائرات مسيرة مجهولة مقراً في مدينة البوكمال يوم أمس الأربعاء، ما أدى إلى مقتل 3 عناصر.",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.json"),
        r#"{"url":"https://example.test/b","title":"مداهمات","published":"2024-03-07","text":"داهمت قسد منازل في بلدة الشحيل اليوم واعتقلت حوالي 40 شخصاً."}"#,
    )
    .unwrap();
    let out = marsad(
        &[
            "extract",
            "--published",
            "2024-03-07",
            dir.path().to_str().unwrap(),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["article"], "a");
    assert_eq!(lines[0]["title"], "قصف على البوكمال");
    let inc = &lines[0]["incidents"][0];
    assert_eq!(inc["type"], "drone_strike");
    assert_eq!(inc["acled_event_type"], "Explosions/Remote violence");
    assert_eq!(inc["acled_sub_event_type"], "Air/drone strike");
    assert_eq!(inc["date"], "2024-03-06");
    assert_eq!(inc["date_precision"], "day");
    assert_eq!(inc["place_id"], "wof:890449891");
    assert_eq!(inc["geo_precision"], 1);
    assert_eq!(inc["killed"], 3);
    for key in [
        "id",
        "date_text",
        "place_ar",
        "place_en",
        "lat",
        "lon",
        "actors",
        "targets",
        "injured",
        "arrested",
        "count_qualifiers",
        "evidence",
        "confidence",
    ] {
        assert!(inc.get(key).is_some(), "missing {key}");
    }
    let (s, e) = (
        inc["evidence"]["start"].as_u64().unwrap() as usize,
        inc["evidence"]["end"].as_u64().unwrap() as usize,
    );
    let text: Vec<char> = std::fs::read_to_string(dir.path().join("a.txt"))
        .unwrap()
        .chars()
        .collect();
    assert_eq!(
        text[s..e].iter().collect::<String>(),
        inc["evidence"]["text"].as_str().unwrap()
    );
    assert_eq!(lines[1]["url"], "https://example.test/b");
    let raid = &lines[1]["incidents"][0];
    assert_eq!(raid["type"], "raid_arrest");
    assert_eq!(raid["arrested"], 40);
    assert_eq!(raid["count_qualifiers"]["arrested"], "approx");
    assert!(!lines[0]["toponyms"].as_array().unwrap().is_empty());
}

#[test]
fn extract_explains_its_confidence_with_features() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.txt");
    std::fs::write(
        &file,
        "قصفت طائرات مسيرة مجهولة مقراً في مدينة البوكمال يوم أمس الأربعاء، ما أدى إلى مقتل 3 عناصر.",
    )
    .unwrap();
    let plain = marsad(&["extract", file.to_str().unwrap()], None);
    let line: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert!(line["incidents"][0].get("features").is_none());
    let out = marsad(&["extract", "--features", file.to_str().unwrap()], None);
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let inc = &line["incidents"][0];
    let features = inc["features"].as_object().unwrap();
    for name in marsad_extract::FEATURES {
        assert!(features.contains_key(name), "missing feature {name}");
    }
    assert_eq!(features["strike"], 1.0);
    assert_eq!(features["toll"], 1.0);
    // The bundled model's probability of exactly these features.
    let mut x = marsad_extract::Features([0.0; marsad_extract::FEATURES.len()]);
    for (i, name) in marsad_extract::FEATURES.iter().enumerate() {
        x.0[i] = features[*name].as_f64().unwrap() as f32;
    }
    let p = marsad_extract::Model::bundled().probability(&x);
    let confidence = inc["confidence"].as_f64().unwrap() as f32;
    assert!((p - confidence).abs() <= 0.005, "{p} vs {confidence}");
    assert!((0.0..=1.0).contains(&confidence));
}

#[test]
fn extract_reports_bad_files_and_keeps_going() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.txt"), b"\xff\xfe").unwrap();
    std::fs::write(dir.path().join("good.txt"), "اشتباكات في بلدة هجين.").unwrap();
    let out = marsad(&["extract", dir.path().to_str().unwrap()], None);
    assert!(!out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.txt") && err.contains("UTF-8"), "{err}");
    let bad_date = marsad(
        &[
            "extract",
            "--published",
            "yesterday",
            dir.path().to_str().unwrap(),
        ],
        None,
    );
    assert!(!bad_date.status.success());
    assert!(String::from_utf8_lossy(&bad_date.stderr).contains("YYYY-MM-DD"));
}

#[test]
fn serve_refuses_a_malformed_cors_origin_before_touching_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("m.db");
    let out = marsad(
        &[
            "serve",
            "--db",
            db.to_str().unwrap(),
            "--cors-origin",
            "dash.example",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("scheme://host"), "{err}");
    assert!(!db.exists(), "nothing written");
}

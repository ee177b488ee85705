//! Whatever the input, the geoparser does not panic and every surface is
//! exactly the text between its offsets.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

use marsad_gazetteer::Gazetteer;
use marsad_geoparse::Geoparser;
use proptest::prelude::*;

fn words() -> impl Strategy<Value = String> {
    let vocab = vec![
        "في",
        "مدينة",
        "البوكمال",
        "بالبوكمال",
        "دير",
        "الزور",
        "ديرالزور",
        "ريف",
        "الشرقي",
        "حقلي",
        "العمر",
        "وكونيكو",
        "قاعدة",
        "التنف",
        "قوات",
        "سوريا",
        "الديمقراطية",
        "قاسم",
        "سليماني",
        "«",
        "»",
        "،",
        ".",
        "\n",
        "24",
        "ﻷ",
        "ـ",
        "البو",
        "كمال",
        "محافظة",
        "الحسكة",
        "الإيرانية",
        "و",
        "لـ",
    ];
    prop::collection::vec(prop_oneof![3 => prop::sample::select(vocab).prop_map(str::to_string), 1 => any::<String>()], 0..40)
        .prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]
    #[test]
    fn never_panics_and_surfaces_match(text in words()) {
        static GAZ: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
        let gaz = GAZ.get_or_init(|| Gazetteer::bundled().expect("bundled gazetteer"));
        let parser = Geoparser::new(gaz);
        let chars: Vec<char> = text.chars().collect();
        for t in parser.geoparse(&text) {
            prop_assert!(t.start < t.end && t.end <= chars.len());
            let slice: String = chars[t.start..t.end].iter().collect();
            prop_assert_eq!(slice, t.surface);
            prop_assert!((0.0..=1.0).contains(&t.confidence));
        }
    }
}

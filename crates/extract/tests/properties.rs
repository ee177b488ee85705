//! Whatever the input, extraction does not panic and every evidence span is
//! a span of the article.

use marsad_extract::{Article, Extractor, Intake};
use marsad_gazetteer::Gazetteer;
use proptest::prelude::*;

fn words() -> impl Strategy<Value = String> {
    let vocab = vec![
        "قصفت",
        "طائرات",
        "مسيرة",
        "غارة",
        "على",
        "البوكمال",
        "في",
        "مدينة",
        "أمس",
        "الأربعاء",
        "مقتل",
        "4",
        "أكثر",
        "من",
        "عشرين",
        "اعتقال",
        "داهمت",
        "قسد",
        "و",
        "،",
        ".",
        "\n",
        "9",
        "تشرين",
        "الأول",
        "/",
        "أكتوبر",
        "لم",
        "اليوم",
        "التالي",
        "منذ",
        "بداية",
        "العام",
        "أخلى",
        "الحرس",
        "الثوري",
        "ﻷ",
        "ـ",
        "«",
        "»",
        "حقلي",
        "العمر",
        "وكونيكو",
    ];
    prop::collection::vec(prop_oneof![4 => prop::sample::select(vocab).prop_map(str::to_string), 1 => any::<String>()], 0..60)
        .prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn never_panics_and_evidence_is_in_the_text(text in words(), day in 0u32..400) {
        static GAZ: std::sync::OnceLock<Gazetteer> = std::sync::OnceLock::new();
        let gaz = GAZ.get_or_init(|| Gazetteer::bundled().expect("bundled gazetteer"));
        let ex = Extractor::new(gaz);
        let published = chrono::NaiveDate::from_ymd_opt(2023, 1, 1).and_then(|d| d.checked_add_days(chrono::Days::new(day as u64)));
        let article = Article::from_text(&text, published);
        let chars: Vec<char> = text.chars().collect();
        for inc in ex.extract(&article).incidents {
            let src = &inc.sources[0];
            let (s, e) = (src.start, src.end);
            prop_assert!(s < e && e <= chars.len());
            let slice: String = chars[s..e].iter().collect();
            prop_assert_eq!(&slice, &src.evidence);
            prop_assert!((0.0..=1.0).contains(&inc.confidence));
            prop_assert!((1..=3).contains(&inc.geo_precision.code()));
        }
    }
}

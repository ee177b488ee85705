//! The whole reading of an article: intake, geoparsing, extraction. Every
//! incident found points into the text and has a confidence in [0, 1].
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use marsad_extract::{Article, Extractor, Intake};
use marsad_gazetteer::Gazetteer;

fn extractor() -> &'static Extractor<'static> {
    static GAZ: OnceLock<Gazetteer> = OnceLock::new();
    static EX: OnceLock<Extractor<'static>> = OnceLock::new();
    EX.get_or_init(|| {
        Extractor::new(GAZ.get_or_init(|| Gazetteer::bundled().expect("the bundled gazetteer")))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(article) = Article::from_bytes(data, "fuzz") else {
        return;
    };
    let chars = article.text.chars().count();
    for i in extractor().extract(&article).incidents {
        assert!((0.0..=1.0).contains(&i.confidence), "{}", i.confidence);
        for s in &i.sources {
            assert!(
                s.start <= s.end && s.end <= chars,
                "{}..{} of {chars}",
                s.start,
                s.end
            );
        }
    }
});

//! Place names in any text: every toponym's span lies in the text.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use marsad_gazetteer::Gazetteer;
use marsad_geoparse::Geoparser;

fn geoparser() -> &'static Geoparser<'static> {
    static GAZ: OnceLock<Gazetteer> = OnceLock::new();
    static GP: OnceLock<Geoparser<'static>> = OnceLock::new();
    GP.get_or_init(|| {
        Geoparser::new(GAZ.get_or_init(|| Gazetteer::bundled().expect("the bundled gazetteer")))
    })
}

fuzz_target!(|text: &str| {
    let chars = text.chars().count();
    for t in geoparser().geoparse(text) {
        assert!(
            t.start <= t.end && t.end <= chars,
            "{}..{} of {chars}",
            t.start,
            t.end
        );
    }
});

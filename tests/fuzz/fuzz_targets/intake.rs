//! Article intake: any bytes are an article (text, HTML, JSON) or a precise
//! error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use marsad_extract::{Article, Intake};

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = Article::from_bytes(data, "fuzz") {
        // The text read is what was given, or less (HTML furniture dropped).
        assert!(a.text.len() <= data.len() * 4);
    }
});

//! Properties that must hold for any input text.

#![allow(clippy::unwrap_used)] // a panic is how a test fails

use marsad_arabic::{peel, sentence_spans, tokenize, Normalized};
use proptest::prelude::*;

/// Text drawn from the characters real articles contain: Arabic letters and
/// marks, presentation forms, Persian letters, digits, quotes, spaces,
/// zero-width and bidi controls, plus anything else.
fn article_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::char::range('\u{0621}', '\u{064A}'),
            1 => prop::char::range('\u{064B}', '\u{0670}'),
            1 => prop::char::range('\u{FEF5}', '\u{FEFC}'),
            1 => prop::sample::select(vec![' ', '\n', '.', '،', '؛', '؟', '«', '»', '"', 'ـ', '\u{200C}', '\u{200F}', 'ی', 'ک', '٣', '9']),
            1 => any::<char>(),
        ],
        0..200,
    )
    .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #[test]
    fn tokens_point_into_the_original(text in article_like()) {
        let n = text.chars().count();
        let mut last_end = 0;
        for t in tokenize(&text) {
            prop_assert!(t.start < t.end && t.end <= n);
            prop_assert!(t.start >= last_end);
            last_end = t.end;
        }
    }

    #[test]
    fn normalized_origin_is_monotonic(text in article_like()) {
        let n = Normalized::new(&text);
        prop_assert_eq!(n.chars.len(), n.origin.len());
        prop_assert!(n.origin.windows(2).all(|w| w[0] <= w[1]));
        prop_assert!(n.origin.iter().all(|&o| o < n.original_len));
    }

    #[test]
    fn sentences_are_ordered_spans(text in article_like()) {
        let n = text.chars().count();
        let mut last = 0;
        for (a, b) in sentence_spans(&text) {
            prop_assert!(a < b && b <= n && a >= last);
            last = b;
        }
    }

    #[test]
    fn peeling_keeps_the_word_first(word in "[\u{0621}-\u{064A}]{1,12}") {
        let p = peel(&word);
        prop_assert_eq!(&p[0].stem, &word);
        for r in &p {
            prop_assert!(word.ends_with(r.stem.trim_start_matches('ا')) || r.stem.starts_with("ال"));
        }
    }
}

//! Arabic text handling for Marsad.
//!
//! Everything downstream (place names, triggers, dates) matches on a
//! *normalised* form of the text, while every offset it reports must point
//! into the *original* text in Unicode code points. This crate owns that
//! bridge: [`Normalized`] keeps, for each normalised character, the index of
//! the original character it came from.
//!
//! ```
//! use marsad_arabic::{tokenize, peel};
//! let text = "قصفت طائرات مجهولة مواقع بالبوكمال";
//! let tokens = tokenize(text);
//! let last = tokens.last().unwrap();
//! assert_eq!((last.start, last.end), (25, 34));
//! assert!(peel(&last.text).iter().any(|p| p.stem == "البوكمال"));
//! ```
#![forbid(unsafe_code)]

mod clitics;
mod latin;
mod normalize;
mod tokens;
mod words;

pub use clitics::{peel, strip_article, Peeled};
pub use latin::{latin_key, latin_skeleton};
pub use normalize::{fold_char, is_arabic, key, normalize, obfuscation_gap_at, Normalized};
pub use tokens::{sentence_spans, tokenize, tokenize_normalized, Token};
pub use words::{DIRECTIONS, WEEKDAYS};

//! Geoparsing of Arabic news text: find every place name, decide which
//! gazetteer place it means, and say how sure that is.
//!
//! The pipeline: normalise and tokenise ([`marsad_arabic`]), mask the names
//! of organisations, media and people that contain place names, match word
//! n-grams (clitics peeled) against the gazetteer's name index, keep the
//! matches that are place mentions (feature words, prominence, how common the
//! word is), then resolve each one using the feature word, admin context in
//! the text, the other places of the article and prominence.
//!
//! ```
//! let gaz = marsad_gazetteer::Gazetteer::bundled().unwrap();
//! let parser = marsad_geoparse::Geoparser::new(&gaz);
//! let found = parser.geoparse("قصفت طائرات مجهولة مواقع في مدينة البوكمال");
//! assert_eq!(found[0].surface, "البوكمال");
//! assert_eq!(gaz.place(found[0].place).id, "wof:890449891");
//! ```
#![forbid(unsafe_code)]

mod detect;
mod lexicon;
mod output;
mod resolve;

pub use detect::{Geoparser, Toponym, Unlisted};
pub use lexicon::Lexicon;
pub use output::{Alternative, GeocodeOutput, LocatedIn, ToponymOut};

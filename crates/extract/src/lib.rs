//! Incidents from Arabic news articles.
//!
//! An [`Article`] is read from plain text, HTML or JSON; its text is cut
//! into paragraphs and sentences; each sentence that reports a new event
//! (not background, analysis or a period total) becomes an [`Incident`]:
//! what happened (one of [`EventType`]), where (the most specific place the
//! sentence gives, from the geoparser), when (absolute or relative dates
//! resolved against the publication date), who did it to whom, and how many
//! were killed, injured or arrested, with the sentence as evidence.
//!
//! ```
//! use marsad_extract::{Article, Extractor, Intake};
//! let gaz = marsad_gazetteer::Gazetteer::bundled().unwrap();
//! let ex = Extractor::new(&gaz);
//! let article = Article::from_text(
//!     "شنت طائرات مسيرة مجهولة غارة على مقر للحرس الثوري في مدينة البوكمال يوم أمس الثلاثاء.",
//!     Some(chrono::NaiveDate::from_ymd_opt(2024, 3, 6).unwrap()),
//! );
//! let incidents = ex.extract(&article).incidents;
//! assert_eq!(incidents[0].event_type.as_str(), "drone_strike");
//! assert_eq!(incidents[0].date.unwrap().to_string(), "2024-03-05");
//! ```
#![forbid(unsafe_code)]

mod article;
mod confidence;
mod dates;
mod discourse;
mod error;
mod event;
mod extract;
mod lexicon;
mod numbers;
mod output;
mod reading;
mod segment;

pub use article::{Article, Format, Intake};
pub use confidence::{Features, Model, FEATURES};
pub use dates::{find_dates, DateMention, DatePrecision};
pub use error::{Error, Result};
pub use extract::{Extraction, Extractor};
pub use lexicon::actor_catalogue;
pub use marsad_model::{Actor, ActorKind, Counts, EventType, Incident, Qualifier, Source};
pub use numbers::{find_counts, CountKind, CountMention};
pub use output::{ArticleOut, IncidentOut};
pub use segment::{segment, Sentence};

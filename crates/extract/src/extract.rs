//! The extraction pipeline: units → readings → incidents.

use marsad_gazetteer::Gazetteer;
use marsad_geoparse::{Geoparser, Toponym};

use crate::discourse::{dedupe, fnv1a};
use crate::event::Incident;
use crate::lexicon::Lexicon;
use crate::reading::{Carry, Reading};
use crate::segment::segment;
use crate::Article;

/// Extracts incidents. Build once, use for many articles.
#[derive(Debug)]
pub struct Extractor<'g> {
    pub(crate) geo: Geoparser<'g>,
    pub(crate) lex: Lexicon,
}

/// What an article yielded.
#[derive(Debug, Clone)]
pub struct Extraction {
    /// Every place mention, in text order.
    pub toponyms: Vec<Toponym>,
    /// The incidents, in text order.
    pub incidents: Vec<Incident>,
}

impl<'g> Extractor<'g> {
    /// An extractor over a gazetteer.
    pub fn new(gaz: &'g Gazetteer) -> Self {
        Extractor {
            geo: Geoparser::new(gaz),
            lex: Lexicon::load(),
        }
    }

    /// The geoparser used for places.
    pub fn geoparser(&self) -> &Geoparser<'g> {
        &self.geo
    }

    /// The gazetteer.
    pub fn gazetteer(&self) -> &'g Gazetteer {
        self.geo.gazetteer()
    }

    /// Extracts the incidents of an article: find its places, read each
    /// unit on its own, then put the units that tell one event together.
    pub fn extract(&self, article: &Article) -> Extraction {
        let text = &article.text;
        let toponyms = self.geo.geoparse(text);
        let chars: Vec<char> = text.chars().collect();
        let readings = self.readings(article, &chars, &toponyms);
        let incidents = self.assemble(article_hash(text), &readings, &toponyms, &chars);
        Extraction {
            toponyms,
            incidents: dedupe(incidents),
        }
    }

    /// Every unit of the article, read in order.
    fn readings(&self, article: &Article, chars: &[char], toponyms: &[Toponym]) -> Vec<Reading> {
        let text = &article.text;
        // The first line is a headline only when it is the title itself (plain
        // text); JSON and HTML give the title apart from the text.
        let first_line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("");
        let headline = article
            .title
            .as_deref()
            .is_some_and(|t| t.trim() == first_line);
        let mut carry = Carry::default();
        segment(text, headline)
            .iter()
            .enumerate()
            .map(|(ui, s)| self.read(ui, s, chars, toponyms, article.published, &mut carry))
            .collect()
    }
}

/// Hash of an article's normalised text: the same article read twice, or
/// with other spacing or diacritics, has the same id.
pub(crate) fn article_hash(text: &str) -> u64 {
    fnv1a(marsad_arabic::key(text).as_bytes(), 0)
}

//! The extraction pipeline: units → readings → incidents.

use marsad_gazetteer::{Gazetteer, PlaceIdx};
use marsad_geoparse::{Geoparser, Toponym, Unlisted};
use marsad_model::{same_incident, Incident, Place, Scope, Source};

use crate::confidence::{features, Features, Model, Shape};
use crate::event::Finding;
use crate::lexicon::Lexicon;
use crate::reading::{Carry, Reading};
use crate::segment::segment;
use crate::Article;

/// Extracts incidents. Build once, use for many articles.
#[derive(Debug)]
pub struct Extractor<'g> {
    pub(crate) geo: Geoparser<'g>,
    pub(crate) lex: Lexicon,
    model: &'static Model,
}

/// What an article yielded.
#[derive(Debug, Clone)]
pub struct Extraction {
    /// Every place mention, in text order.
    pub toponyms: Vec<Toponym>,
    /// The incidents, in text order.
    pub incidents: Vec<Incident>,
    /// What the confidence model read of each incident, in the same order.
    pub features: Vec<Features>,
}

impl<'g> Extractor<'g> {
    /// An extractor over a gazetteer.
    pub fn new(gaz: &'g Gazetteer) -> Self {
        Extractor {
            geo: Geoparser::new(gaz),
            lex: Lexicon::load(),
            model: Model::bundled(),
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
    /// unit on its own, put the units that tell one event together, give
    /// each its place's facts and its source, and tell each event once.
    pub fn extract(&self, article: &Article) -> Extraction {
        let toponyms = self.geo.geoparse(&article.text);
        let chars: Vec<char> = article.text.chars().collect();
        let readings = self.readings(article, &chars, &toponyms);
        let findings = self.assemble(article.hash(), &readings, &toponyms);
        let shape = Shape::of(&findings, readings.len());
        let weighed: Vec<(Incident, Features)> = findings
            .into_iter()
            .enumerate()
            .map(|(n, f)| {
                let kind = f.place.map(|p| self.gazetteer().place(p).kind);
                let x = features(&f, n, kind, &shape);
                let mut incident = self.incident(f, article, &chars);
                incident.confidence = round(self.model.probability(&x));
                (incident, x)
            })
            // Less likely than the floor: more noise than event.
            .filter(|(i, _)| i.confidence >= self.model.floor)
            .collect();
        let (incidents, features) = dedupe(weighed).into_iter().unzip();
        Extraction {
            toponyms,
            incidents,
            features,
        }
    }

    /// A finding as a domain incident: its place's facts copied from the
    /// gazetteer, the article as its one source.
    fn incident(&self, f: Finding, article: &Article, chars: &[char]) -> Incident {
        let (start, end) = f.evidence;
        let mut incident = f.incident;
        incident.place = f
            .place
            .map(|p| place_facts(self.gazetteer(), p, f.unlisted.as_ref()));
        incident.reported = article.published;
        incident.sources = vec![Source {
            article_id: article.id(),
            url: article.url.clone(),
            title: article.title.clone(),
            outlet: article.outlet(),
            published: article.published,
            start,
            end,
            evidence: chars[start..end].iter().collect(),
        }];
        incident
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

/// A place's facts, so that nothing downstream needs the gazetteer. A place
/// the gazetteer lacks keeps its own name and is mapped at the place the
/// text locates it by.
fn place_facts(gaz: &Gazetteer, idx: PlaceIdx, unlisted: Option<&Unlisted>) -> Place {
    let p = gaz.place(idx);
    Place {
        id: unlisted.map_or_else(|| p.id.clone(), |u| u.id(p)),
        name_ar: unlisted.map_or_else(|| p.name_ar.clone(), |u| u.name.clone()),
        name_en: unlisted.is_none().then(|| p.name_en.clone()),
        admin1: p.admin1.clone(),
        admin2: p.admin2.clone(),
        lat: p.lat,
        lon: p.lon,
    }
}

/// A probability to two places: finer is noise.
fn round(p: f32) -> f32 {
    (p * 100.0).round() / 100.0
}

/// One incident per (type, place, date): an article that reports the same
/// event twice gives one incident, with the first unit as evidence (and
/// its features).
fn dedupe(incidents: Vec<(Incident, Features)>) -> Vec<(Incident, Features)> {
    let mut out: Vec<(Incident, Features)> = Vec::new();
    for (inc, x) in incidents {
        match out
            .iter_mut()
            .find(|(o, _)| same_incident(o, &inc, Scope::Article))
        {
            Some((o, _)) => o.absorb(&inc, Scope::Article),
            None => out.push((inc, x)),
        }
    }
    out
}

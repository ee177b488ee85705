//! Deciding which candidates are place mentions, and which place each means.

use std::collections::HashSet;

use geo::{Distance, Haversine, Point};
use marsad_arabic::{strip_article, Token};
use marsad_gazetteer::{Feature, NameRef, Place, PlaceIdx, PlaceKind};

use crate::detect::{Candidate, Geoparser, Toponym};

/// Eastern Syria and western Iraq, the area Marsad watches: a prior for
/// villages whose names also occur elsewhere. `[min_lon, min_lat, max_lon, max_lat]`.
const FOCUS: [f64; 4] = [38.4, 33.3, 42.6, 37.4];

/// Countries whose big cities the Arabic press names often enough to be
/// famous: the Arab states, Turkey and Iran.
const NEAR_COUNTRIES: &[&str] = &[
    "SY", "IQ", "JO", "LB", "TR", "IR", "SA", "KW", "PS", "IL", "EG", "AE", "QA", "BH", "OM", "YE",
    "LY", "TN", "DZ", "MA", "SD",
];

/// Words before a name that make it a place: prepositions of place and
/// direction, "near", "outskirts of".
const LOCATIVES: &[&str] = &[
    "في",
    "من",
    "الي",
    "قرب",
    "نحو",
    "باتجاه",
    "اتجاه",
    "حتي",
    "عند",
    "داخل",
    "خارج",
    "وسط",
    "بين",
    "عبر",
    "حول",
    "شرق",
    "غرب",
    "شمال",
    "جنوب",
    "شرقي",
    "غربي",
    "شمالي",
    "جنوبي",
    "اطراف",
    "محيط",
    "ضواحي",
    "مدخل",
    "تخوم",
    "مشارف",
    "بالقرب",
    "جنوبا",
    "شمالا",
    "طريق",
    "الطريق",
    "بلدتي",
    "مدينتي",
    "قريتي",
    "ريفي",
    "انطلاقا",
    "قادمه",
    "قادما",
    "قادمين",
    "وصولا",
    "مرورا",
    "داخلها",
    "لدي",
    "امام",
    // Verbs whose object is usually a place: entered, reached, stormed, struck.
    "دخل",
    "دخلت",
    "دخلوا",
    "وصل",
    "وصلت",
    "وصلوا",
    "اقتحم",
    "اقتحمت",
    "اقتحموا",
    "داهم",
    "داهمت",
    "قصف",
    "قصفت",
    "استهدف",
    "استهدفت",
    "زار",
    "زارت",
    "غادر",
    "غادرت",
    "سيطر",
    "سيطرت",
    "حاصر",
    "حاصرت",
    "اجتاح",
    "اجتاحت",
    "يدخل",
    "تدخل",
    "يقصف",
    "تقصف",
    "تستهدف",
    "يستهدف",
    "ضرب",
    "ضربت",
    "هاجم",
    "هاجمت",
    "شهد",
    "شهدت",
    "يشهد",
    "تشهد",
];

/// Demonstratives: «هذه الزيارة» is "this visit", not a town.
/// Parts of the day: «ليل الخميس» is a time, not Lille.
const TIME_WORDS: &[&str] = &[
    "ليل",
    "ليله",
    "صباح",
    "مسا",
    "فجر",
    "ظهر",
    "عصر",
    "نهار",
    "ضحي",
    "منتصف",
];

/// Month names (normalised) that follow the day of a dateline.
const MONTHS: &[&str] = &[
    "يناير",
    "فبراير",
    "مارس",
    "ابريل",
    "مايو",
    "يونيو",
    "يوليو",
    "اغسطس",
    "سبتمبر",
    "اكتوبر",
    "نوفمبر",
    "ديسمبر",
    "كانون",
    "شباط",
    "اذار",
    "نيسان",
    "ايار",
    "حزيران",
    "تموز",
    "اب",
    "ايلول",
    "تشرين",
];

/// Words right after a name that locate it, besides a direction: a unit.
const APPOSITION_CUES: &[&str] = &["بريف", "بمحافظه", "بمدينه", "بناحيه", "بمنطقه", "ببلده"];

/// Plural feature words, after which an indefinite adjective is no name.
const PLURAL_FEATURES: &[&str] = &["قري", "بلدات", "مدن", "مناطق", "احيا", "مخيمات"];

const DEMONSTRATIVES: &[&str] = &["هذه", "هذا", "تلك", "ذلك", "هاته", "هذين", "هاتين", "هولا"];

fn in_box(b: &[f64; 4], lat: f64, lon: f64) -> bool {
    lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3]
}

pub(crate) fn km(a: &Place, b: &Place) -> f64 {
    Haversine.distance(Point::new(a.lon, a.lat), Point::new(b.lon, b.lat)) / 1000.0
}

/// «ديرالزور 24», «رصيف 22»: a name glued to a number is a media name,
/// unless the number is the day of a dateline («دمشق 28 نوفمبر»).
fn glued_to_number(toks: &[Token], c: &Candidate) -> bool {
    let next = toks.get(c.words.1);
    let after = toks.get(c.words.1 + 1);
    let month_after = after.is_some_and(|t| MONTHS.iter().any(|m| t.text.starts_with(m)));
    // «على مدينة البوكمال 12 شخصاً»: a toll follows the place.
    let toll_after = after.is_some_and(|t| !t.breaks && TOLL_WORDS.contains(&t.text.as_str()));
    next.is_some_and(|t| {
        t.text.chars().all(|ch| ch.is_ascii_digit())
            && (t.gap.is_empty() || t.gap == "\"")
            && !t.breaks
    }) && !month_after
        && !toll_after
}

/// Nouns a toll's number counts, normalised («12 قتيلاً», «5 أشخاص»).
const TOLL_WORDS: &[&str] = &[
    "قتلي",
    "قتيلا",
    "جرحي",
    "جريحا",
    "شهيدا",
    "شخصا",
    "اشخاص",
    "عنصرا",
    "عناصر",
    "مدنيا",
    "مدنيين",
    "مصابا",
    "مصابين",
    "معتقلا",
    "معتقلين",
    "طفلا",
    "اطفال",
];

/// How much locative evidence a bare name needs to mean this place, from
/// how common it is as an ordinary word (`z`) and how prominent the place
/// is; `None` when no evidence is enough.
fn evidence_needed(
    kind: PlaceKind,
    prom: f32,
    pop: u64,
    z: f32,
    focus: bool,
    near: bool,
) -> Option<f32> {
    let need = if kind == PlaceKind::Country && prom >= 0.9 {
        if z >= 6.0 {
            1.0
        } else {
            f32::NEG_INFINITY
        }
    } else if prom >= 0.9 {
        if z >= 5.6 {
            1.0
        } else {
            f32::NEG_INFINITY
        }
    } else if kind.is_settlement() && pop >= 100_000 && z < 5.3 && near {
        // Big cities of the region are frequent words because they are
        // famous; Hisar in India is «حصار» because sieges are.
        if z < 4.6 {
            f32::NEG_INFINITY
        } else {
            1.0
        }
    } else if z >= 5.0
        && focus
        && matches!(
            kind,
            PlaceKind::Town | PlaceKind::City | PlaceKind::Subdistrict
        )
    {
        // «في الصور»: in the area Marsad watches, a town named
        // with a common word is that town after a preposition.
        1.0
    } else if z >= 5.0 {
        return None;
    } else if z >= 4.3 {
        if prom < 0.6 {
            return None;
        }
        1.0
    } else if z >= 4.0 {
        1.0
    } else if z >= 3.0 {
        if prom >= 0.6 {
            f32::NEG_INFINITY
        } else if z >= 3.5 {
            // «بجروح»: an attached «ب» is no evidence for a word
            // this common.
            1.0
        } else {
            0.5
        }
    } else if prom < 0.35 && !focus {
        1.0
    } else if prom < 0.35 {
        // Villages are often named after a tribe or a family
        // («المحيسن», «العشائر»): a bare village name needs a cue.
        0.5
    } else {
        f32::NEG_INFINITY
    };
    Some(need)
}

/// A mention whose place is clear, which places the mentions around it.
struct Anchor {
    place: PlaceIdx,
    sentence: usize,
    mention: usize,
}

/// A candidate that passed acceptance, with how strongly.
pub(crate) struct Accepted {
    cand: Candidate,
    /// Bare village name outside the focus area: kept only with support.
    weak: bool,
    strength: f32,
}

impl Geoparser<'_> {
    /// How much the words around a candidate say "a place": a locative
    /// preposition before it, an attached ب/ل, being part of a list of places;
    /// against it: a demonstrative before it, a nationality adjective after it
    /// («الثورة السورية»).
    fn locative_cue(
        &self,
        toks: &[Token],
        c: &Candidate,
        prev_end: Option<usize>,
        next_start: Option<usize>,
    ) -> f32 {
        let i = c.words.0;
        let mut s = 0.0;
        if c.prep {
            s += 0.5;
        }
        if c.in_list {
            s += 1.0;
        }
        // «الشحيل شرقي دير الزور», «الهري بريف البوكمال»: located by a
        // direction or a unit right after it.
        if let Some(next) = toks.get(c.words.1).filter(|t| !t.breaks) {
            let w = next.text.as_str();
            if marsad_arabic::DIRECTIONS.contains(&w) || APPOSITION_CUES.contains(&w) {
                s += 1.0;
            }
        }
        if i > 0 && !toks[i].breaks {
            let prev = toks[i - 1].text.as_str();
            let prev_bare = prev.strip_prefix('و').unwrap_or(prev);
            if LOCATIVES.contains(&prev) || LOCATIVES.contains(&prev_bare) {
                s += 1.0;
            }
            if DEMONSTRATIVES.contains(&prev) {
                s -= 2.0;
            }
        }
        if let Some(pe) = prev_end {
            let listed = (pe == i && (c.conj || toks[i].gap == "-"))
                || (pe + 1 == i && matches!(toks[pe].text.as_str(), "و" | "او"));
            // A comma alone joins a list or an apposition («البصيرة، كبرى مدن …»).
            if listed {
                s += 1.0;
            } else if pe == i && toks[i].gap == "," {
                s += 0.5;
            }
        }
        // Listed before another accepted place: «(طهران، بغداد، دمشق)».
        if let Some(ns) = next_start {
            let e = c.words.1;
            let listed = (ns == e
                && (toks[e].text.starts_with('و') || toks[e].gap == "," || toks[e].gap == "-"))
                || (ns == e + 1 && matches!(toks[e].text.as_str(), "و" | "او"));
            if listed {
                s += 1.0;
            }
        }
        // «الثورة السورية»: a nationality adjective right after a bare word
        // marks a common noun; after a preposition («من القائم العراقية») it
        // qualifies a place.
        if let Some(next) = toks.get(c.words.1) {
            if !next.breaks && next.gap.is_empty() && self.lex.is_demonym(&next.text) && s < 1.0 {
                s -= 1.0;
            }
        }
        s
    }

    /// Keeps the candidates that are place mentions. Runs to a fixed point,
    /// because being listed next to an accepted place is evidence too.
    pub(crate) fn accept(&self, toks: &[Token], cands: Vec<Candidate>) -> Vec<Accepted> {
        let mut kept: Vec<Option<Accepted>> = cands
            .iter()
            .map(|c| {
                if c.unlisted.is_some() {
                    // A feature word said it is a place; only where it is
                    // remains to be found.
                    return Some(Accepted {
                        cand: c.clone(),
                        weak: false,
                        strength: 0.7,
                    });
                }
                self.accept_one(toks, c.clone(), None, None)
            })
            .collect();
        // Being listed next to an accepted place only adds evidence, so only
        // rejected neighbours of accepted candidates need another look.
        for _round in 0..4 {
            let mut changed = false;
            for ci in 0..cands.len() {
                if kept[ci].is_some() {
                    continue;
                }
                let prev_end = ci
                    .checked_sub(1)
                    .and_then(|p| kept[p].as_ref())
                    .map(|a| a.cand.words.1);
                let next_start = kept
                    .get(ci + 1)
                    .and_then(Option::as_ref)
                    .map(|a| a.cand.words.0);
                if prev_end.is_none() && next_start.is_none() {
                    continue;
                }
                if let Some(a) = self.accept_one(toks, cands[ci].clone(), prev_end, next_start) {
                    kept[ci] = Some(a);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // One sense per article: a name accepted once (not as a weak guess)
        // is a place wherever else the article writes it.
        let sure: HashSet<String> = kept
            .iter()
            .flatten()
            .filter(|a| !a.weak && !self.stripped_only(&a.cand))
            .map(|a| a.cand.stem.clone())
            .collect();
        for (ci, c) in cands.into_iter().enumerate() {
            if kept[ci].is_none()
                && sure.contains(&c.stem)
                && !self.adjective_reading(toks, &c, None, None)
            {
                kept[ci] = Some(Accepted {
                    cand: c,
                    weak: false,
                    strength: 0.85,
                });
            }
        }
        kept.into_iter().flatten().collect()
    }

    /// Whether one candidate is a place mention: the readings that rule it
    /// out, then a feature word's licence, then the evidence a bare name needs.
    fn accept_one(
        &self,
        toks: &[Token],
        c: Candidate,
        prev_end: Option<usize>,
        next_start: Option<usize>,
    ) -> Option<Accepted> {
        let k = c.stem.clone();
        if glued_to_number(toks, &c) {
            return None;
        }
        if self.adjective_reading(toks, &c, prev_end, next_start) {
            return None;
        }
        // «مقاتلي العشائر» is no village «عشاير»: a name found only by
        // dropping the article the text wrote needs a preposition of place.
        if c.feature.is_none() && self.stripped_only(&c) && !self.placed_by_preposition(toks, &c) {
            return None;
        }
        let single = c.words.1 - c.words.0 == 1;
        if self.lex.is_demonym(&k) || single && c.first_forms.iter().any(|f| self.lex.is_demonym(f))
        {
            return None;
        }
        if let Some(f) = c.feature {
            return self.accept_licensed(toks, c, f);
        }
        if c.full_with_feature || !single && self.lex.commonness(&k) < 3.0 {
            return Some(Accepted {
                cand: c,
                weak: false,
                strength: 1.0,
            });
        }
        self.accept_bare(toks, c, prev_end, next_start)
    }

    /// A name after a feature word: kept with the readings of the kind the
    /// word names, unless the word is too generic for a common word.
    fn accept_licensed(&self, toks: &[Token], mut c: Candidate, f: Feature) -> Option<Accepted> {
        let k = c.stem.clone();
        let single = c.words.1 - c.words.0 == 1;
        let fitting: Vec<_> = c
            .refs
            .iter()
            .copied()
            .filter(|r| f.accepts(self.gaz.place(r.place).kind))
            .collect();
        let named_after_settlement = matches!(
            f,
            Feature::Base | Feature::Airport | Feature::Crossing | Feature::Field
        );
        if !fitting.is_empty() {
            c.refs = fitting;
        } else if named_after_settlement {
            // «قاعدة معبدة»: a site named after the settlement it is in.
            c.refs
                .retain(|r| self.gaz.place(r.place).kind.is_settlement());
            c.vicinity = true;
            if c.refs.is_empty() {
                return None;
            }
        } else if !f.licenses_settlements() {
            return None;
        }
        // A generic «منطقة» licenses only names that are not common words.
        if f == Feature::Area && single && self.lex.commonness(&k) >= 4.5 {
            return None;
        }
        // «قرى وبلدات جديدة»: an adjective of a plural feature word.
        // «مدينة البصيرة، كبرى مدن …»: a licence carried along a list
        // does not make a common word a name either.
        let after_plural = c.words.0 > 0 && {
            let w = toks[c.words.0 - 1].text.as_str();
            PLURAL_FEATURES.contains(&w.strip_prefix('و').unwrap_or(w))
        };
        let carried = c.licensed_by.is_some_and(|fi| fi + 1 < c.surface_from);
        if (after_plural || carried)
            && single
            && !k.starts_with("ال")
            && self.lex.commonness(&k) >= 4.5
        {
            return None;
        }
        Some(Accepted {
            cand: c,
            weak: false,
            strength: 1.0,
        })
    }

    /// A bare name: kept with the readings whose need for locative evidence
    /// the words around it meet.
    fn accept_bare(
        &self,
        toks: &[Token],
        mut c: Candidate,
        prev_end: Option<usize>,
        next_start: Option<usize>,
    ) -> Option<Accepted> {
        let k = c.stem.clone();
        let bare = strip_article(&k).unwrap_or(&k).to_string();
        let single = c.words.1 - c.words.0 == 1;
        let z = self.lex.commonness(&k).max(if single {
            self.lex.commonness(&toks[c.words.0].text)
        } else {
            0.0
        });
        // «كسرت» is a verb, not «ك» + Sirte: a word more common as written
        // than the name inside it is a word of its own.
        if single
            && (c.prep || c.conj)
            && self.lex.commonness(&toks[c.words.0].text) > self.lex.commonness(&k)
        {
            return None;
        }
        let cue = self.locative_cue(toks, &c, prev_end, next_start);
        let letters = bare.chars().count();
        if single && (TIME_WORDS.contains(&k.as_str()) || TIME_WORDS.contains(&bare.as_str())) {
            return None;
        }
        let given = self.lex.given_names.contains(&k) || self.lex.given_names.contains(&bare);
        let mut weak = true;
        let mut strength: f32 = 0.0;
        c.refs.retain(|r| {
            let p = self.gaz.place(r.place);
            // Alternates from multilingual sources do not inherit the
            // prominence of a capital (Persian «الجزیره» for Algiers).
            let prom = if r.primary {
                self.gaz.prominence(r.place)
            } else {
                self.gaz.prominence(r.place).min(0.7)
            };
            let focus = in_box(&FOCUS, p.lat, p.lon);
            let near = NEAR_COUNTRIES.contains(&p.country.as_str());
            let pop = if r.primary {
                p.population.unwrap_or(0)
            } else {
                0
            };
            if letters <= 2 || letters == 3 && prom < 0.6 || given && prom < 0.9 {
                return false;
            }
            let Some(need) = evidence_needed(p.kind, prom, pop, z, focus, near) else {
                return false;
            };
            if cue < need {
                return false;
            }
            if prom >= 0.35 || focus {
                weak = false;
            }
            strength = strength.max(if prom < 0.35 { 0.8 } else { 0.95 });
            true
        });
        if c.refs.is_empty() {
            return None;
        }
        Some(Accepted {
            cand: c,
            weak,
            strength,
        })
    }

    /// True when the words are a nationality adjective, not a place:
    /// «السورية», and «مصادر سورية», «نازحة سوريّة», where the feminine nisba
    /// is spelled like the country and no place is expected.
    fn adjective_reading(
        &self,
        toks: &[Token],
        c: &Candidate,
        prev_end: Option<usize>,
        next_start: Option<usize>,
    ) -> bool {
        let single = c.words.1 - c.words.0 == 1;
        if self.lex.is_demonym(&c.stem)
            || single && c.first_forms.iter().any(|f| self.lex.is_demonym(f))
        {
            return true;
        }
        if !single || c.prep || c.conj || !self.nisba_spelling(c) {
            return false;
        }
        let i = c.words.0;
        let prev = (i > 0 && !toks[i].breaks).then(|| toks[i - 1].text.as_str());
        let locative = prev.is_none_or(|p| {
            let p = p
                .strip_prefix('و')
                .filter(|r| r.chars().count() > 1)
                .unwrap_or(p);
            LOCATIVES.contains(&p) || p == "و"
        });
        let listed = prev_end == Some(i) || next_start == Some(c.words.1);
        !locative && !listed
    }

    /// True when every reading was found only after dropping the article.
    fn stripped_only(&self, c: &Candidate) -> bool {
        !c.refs.is_empty() && c.refs.iter().all(|r| c.stripped.contains(&r.place))
    }

    /// A preposition of place stands before the name, attached or not.
    fn placed_by_preposition(&self, toks: &[Token], c: &Candidate) -> bool {
        let i = c.words.0;
        c.prep
            || i > 0 && !toks[i].breaks && {
                let p = toks[i - 1].text.as_str();
                let p = p
                    .strip_prefix('و')
                    .filter(|r| r.chars().count() > 1)
                    .unwrap_or(p);
                // «مسلحين من العشائر»: «من» is also partitive.
                p != "من" && LOCATIVES.contains(&p)
            }
    }

    /// True when the candidate is a country whose name is also spelled as a
    /// feminine nationality adjective («سورية»).
    fn nisba_spelling(&self, c: &Candidate) -> bool {
        c.refs
            .iter()
            .any(|r| self.gaz.place(r.place).kind == PlaceKind::Country)
            && self.lex.is_demonym(&format!("ال{}", c.stem))
    }

    fn base_score(&self, nr: NameRef, feature: Option<Feature>) -> f32 {
        let r = nr.place;
        let p = self.gaz.place(r);
        let mut s = if nr.primary {
            self.gaz.prominence(r) + 0.1
        } else {
            self.gaz.prominence(r).min(0.7)
        };
        match feature {
            Some(f) if f.accepts(p.kind) => {
                s += if p.kind == PlaceKind::Subdistrict && f != Feature::Subdistrict {
                    0.1
                } else {
                    0.3
                };
                // «ريف دير الزور» is the governorate; «ريف البوكمال», «بادية
                // تدمر» the country around the town (its district's centroid
                // is nowhere in particular).
                if matches!(f, Feature::Countryside | Feature::Desert) {
                    s += match p.kind {
                        PlaceKind::Governorate => 0.4,
                        k if k.is_settlement() => 0.1,
                        _ => 0.0,
                    };
                }
                if f == Feature::Governorate && p.kind == PlaceKind::Governorate {
                    s += 0.5;
                }
            }
            Some(_) => {}
            None => {
                s += match p.kind {
                    k if k.is_settlement() => 0.3,
                    k if k.is_facility() => 0.2,
                    PlaceKind::River | PlaceKind::Region | PlaceKind::Country => 0.2,
                    PlaceKind::Governorate => 0.05,
                    _ => 0.0,
                }
            }
        }
        if in_box(&FOCUS, p.lat, p.lon) {
            s += 0.2;
        }
        if matches!(p.country.as_str(), "SY" | "IQ") {
            s += 0.05;
        }
        s
    }

    /// Resolves the accepted candidates: the gazetteer's places first, then
    /// the unlisted ones, each located where the text puts it.
    pub(crate) fn resolve(
        &self,
        text: &str,
        toks: &[Token],
        accepted: Vec<Accepted>,
    ) -> Vec<Toponym> {
        let (unlisted, listed): (Vec<Accepted>, Vec<Accepted>) = accepted
            .into_iter()
            .partition(|a| a.cand.unlisted.is_some());
        let mut out = self.resolve_listed(text, toks, listed);
        if unlisted.is_empty() {
            return out;
        }
        let sent = sentence_of_words(toks);
        let offsets = byte_offsets(text);
        let byte_at = |cp: usize| offsets[cp.min(offsets.len() - 1)];
        let mut located = Vec::new();
        for a in unlisted {
            let c = &a.cand;
            let Some(container) = self.container(&out, c, &sent) else {
                continue;
            };
            let from = toks[c.surface_from].start;
            let to = toks[c.words.1 - 1].end;
            let surface = text[byte_at(from)..byte_at(to)].to_string();
            let unlisted = c.unlisted.map(|kind| crate::Unlisted {
                name: unlisted_name(&surface, c.conj, c.prep),
                kind,
            });
            located.push(Toponym {
                surface,
                start: from,
                end: to,
                place: out[container].place,
                confidence: 0.5,
                alternatives: Vec::new(),
                feature: c.feature,
                vicinity: true,
                words: (c.surface_from, c.words.1),
                unlisted,
            });
        }
        out.extend(located);
        out.sort_by_key(|t| t.start);
        out
    }

    /// Where the text puts an unlisted place: the unit or town named right
    /// after it («قرية X بريف Y», «حي X بمدينة Y», «X شرق Y»), else the place
    /// it is listed with («مدينة Y وقريتي X وZ»), else the nearest place
    /// named before it in the article that is in Syria or Iraq.
    fn container(&self, out: &[Toponym], c: &Candidate, sent: &[usize]) -> Option<usize> {
        let s = sent[c.words.0];
        let local = |t: &Toponym| {
            let p = self.gaz.place(t.place);
            matches!(p.country.as_str(), "SY" | "IQ") && p.kind != PlaceKind::Country
        };
        let after = out.iter().position(|t| {
            t.words.0 >= c.words.1 && t.words.0 <= c.words.1 + 6 && sent[t.words.0] == s && local(t)
        });
        let before_same = || {
            out.iter()
                .rposition(|t| t.words.1 <= c.words.0 && sent[t.words.0] == s && local(t))
        };
        // Failing a place in its sentence: the town last named, or any place.
        let before_any = || {
            let town = |t: &Toponym| local(t) && self.gaz.place(t.place).kind.is_settlement();
            out.iter()
                .rposition(|t| t.words.1 <= c.words.0 && town(t))
                .or_else(|| out.iter().rposition(|t| t.words.1 <= c.words.0 && local(t)))
                .or_else(|| out.iter().position(local))
        };
        after.or_else(before_same).or_else(before_any)
    }

    fn resolve_listed(&self, text: &str, toks: &[Token], accepted: Vec<Accepted>) -> Vec<Toponym> {
        let sent = sentence_of_words(toks);
        // Pass 1: prominence, feature word, focus.
        let first: Vec<Vec<(PlaceIdx, f32)>> = accepted
            .iter()
            .map(|a| self.ranked_by_prior(&a.cand))
            .collect();
        let anchors = self.anchors(&accepted, &first, &sent);
        // Byte offset of every code point, so surfaces are sliced, not re-counted.
        let offsets = byte_offsets(text);
        let firsts: Vec<PlaceIdx> = first.iter().map(|v| v[0].0).collect();
        let mut out = Vec::new();
        for (mi, (a, v)) in accepted.iter().zip(first.iter()).enumerate() {
            let apposed = self.apposed_unit(&accepted, &firsts, mi, &sent);
            let s_here = sent[a.cand.words.0];
            let scored = self.score_in_context(v, &anchors, mi, s_here, apposed);
            if let Some(t) = self.toponym(text, &offsets, toks, a, &scored, apposed) {
                out.push(t);
            }
        }
        out
    }

    /// The readings of a candidate by their prior score, best first.
    fn ranked_by_prior(&self, c: &Candidate) -> Vec<(PlaceIdx, f32)> {
        let mut v: Vec<(PlaceIdx, f32)> = c
            .refs
            .iter()
            .map(|r| {
                let stripped = if c.stripped.contains(&r.place) {
                    0.1
                } else {
                    0.0
                };
                (r.place, self.base_score(*r, c.feature) - stripped)
            })
            .collect();
        v.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        v.dedup_by_key(|x| x.0);
        v
    }

    /// Context from clear choices: anchors for distance, admin units and
    /// regions for containment.
    fn anchors(
        &self,
        accepted: &[Accepted],
        first: &[Vec<(PlaceIdx, f32)>],
        sent: &[usize],
    ) -> Vec<Anchor> {
        let mut anchors = Vec::new();
        for (mi, (a, v)) in accepted.iter().zip(first).enumerate() {
            // Clear: one reading stands out, or the leading readings agree on
            // the governorate (a district and its governorate).
            let same_admin = v.len() > 1 && {
                let (x, y) = (self.gaz.place(v[0].0), self.gaz.place(v[1].0));
                x.admin1.is_some() && x.admin1 == y.admin1 && !x.kind.is_settlement()
            };
            let clear = v.len() == 1 || v[0].1 - v[1].1 > 0.25 || same_admin;
            if clear && !a.weak {
                anchors.push(Anchor {
                    place: v[0].0,
                    sentence: sent[a.cand.words.0],
                    mention: mi,
                });
            }
        }
        anchors
    }

    /// The unit or region named right after mention `mi` in its sentence
    /// («X بريف Y»), by its leading reading.
    fn apposed_unit(
        &self,
        accepted: &[Accepted],
        firsts: &[PlaceIdx],
        mi: usize,
        sent: &[usize],
    ) -> Option<PlaceIdx> {
        let a = &accepted[mi];
        accepted.get(mi + 1).and_then(|b| {
            let q = self.gaz.place(firsts[mi + 1]);
            let near =
                b.cand.surface_from <= a.cand.words.1 + 3 && b.cand.surface_from >= a.cand.words.1;
            let unit =
                q.kind.is_admin() && q.kind != PlaceKind::Country || q.kind == PlaceKind::Region;
            (near && unit && sent[b.cand.surface_from] == sent[a.cand.words.0])
                .then_some(firsts[mi + 1])
        })
    }

    /// Every reading of mention `mi` scored with the support of the places
    /// around it, best first: (place, score, supported).
    fn score_in_context(
        &self,
        readings: &[(PlaceIdx, f32)],
        anchors: &[Anchor],
        mi: usize,
        s_here: usize,
        apposed: Option<PlaceIdx>,
    ) -> Vec<(PlaceIdx, f32, bool)> {
        // The context of this mention: distinct anchor places among the
        // 40 nearest mentions either side (keeps long inputs linear), a
        // place named in this sentence counting as such.
        let mut ctx: Vec<Anchor> = Vec::new();
        for c in anchors
            .iter()
            .filter(|c| c.mention != mi && c.mention.abs_diff(mi) <= 40)
        {
            let same = c.sentence == s_here;
            match ctx.iter_mut().find(|x| x.place == c.place) {
                Some(x) if same => x.sentence = s_here,
                Some(_) => {}
                None => ctx.push(Anchor {
                    place: c.place,
                    sentence: c.sentence,
                    mention: c.mention,
                }),
            }
        }
        let mut scored: Vec<(PlaceIdx, f32, bool)> = readings
            .iter()
            .map(|&(r, base)| {
                let (bonus, supported) = self.support(r, &ctx, s_here, apposed);
                (r, base + bonus, supported)
            })
            .collect();
        scored.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        scored
    }

    /// How much the context supports reading a mention as place `r`: units
    /// and regions that contain it, the unit named right after it, nearby
    /// places. Also whether any of them supports it at all.
    fn support(
        &self,
        r: PlaceIdx,
        ctx: &[Anchor],
        s_here: usize,
        apposed: Option<PlaceIdx>,
    ) -> (f32, bool) {
        let p = self.gaz.place(r);
        let mut bonus = 0.0f32;
        let mut supported = false;
        let mut nearest = f64::INFINITY;
        let pointlike = p.kind.is_settlement() || p.kind.is_facility();
        for c in ctx.iter().filter(|c| c.place != r && pointlike) {
            let q = self.gaz.place(c.place);
            let same = c.sentence == s_here;
            let w = if same { 1.0 } else { 0.4 };
            match q.kind {
                PlaceKind::Governorate | PlaceKind::District | PlaceKind::Subdistrict => {
                    let inside = q.bbox.map(|b| in_box(&b, p.lat, p.lon)).unwrap_or(false)
                        || q.kind == PlaceKind::Governorate
                            && p.admin1.is_some()
                            && p.admin1 == q.admin1
                        || q.kind == PlaceKind::District
                            && p.admin2.is_some()
                            && p.admin2 == q.admin2;
                    if inside {
                        bonus += 0.4 * w;
                        supported = true;
                    } else if q.kind != PlaceKind::Governorate
                        && p.admin1.is_some()
                        && p.admin1 == q.admin1
                    {
                        // «ريف حلب الشمالي»: the district may be
                        // wrong, the governorate rarely is.
                        bonus += 0.3 * w;
                        supported = true;
                    }
                }
                PlaceKind::Region | PlaceKind::River => {
                    if q.bbox.is_some_and(|b| in_box(&b, p.lat, p.lon)) && q.precision_km < 150.0 {
                        bonus += 0.25 * w;
                        supported = true;
                    }
                }
                PlaceKind::Country => {
                    if p.country == q.country && p.kind != PlaceKind::Country {
                        bonus += 0.05 * w;
                    }
                }
                _ => nearest = nearest.min(km(p, q)),
            }
        }
        // Apposition: «X في ريف حلب», «X بمحافظة الحسكة», «X شرقي
        // دير الزور» place X inside the unit named right after it.
        if let Some(q) = apposed.map(|c| self.gaz.place(c)) {
            if pointlike {
                // A region («بريف دير الزور الغربي») is a part of its
                // governorate: its extent decides, not the governorate.
                let boxed = q.bbox.is_some_and(|b| in_box(&b, p.lat, p.lon));
                let inside = if q.kind == PlaceKind::Region && q.bbox.is_some() {
                    boxed
                } else {
                    boxed || q.admin1.is_some() && p.admin1 == q.admin1
                };
                bonus += if inside { 0.5 } else { -0.3 };
            }
        }
        if nearest.is_finite() {
            bonus += 0.3 * (-nearest / 60.0).exp() as f32;
            if nearest < 50.0 {
                supported = true;
            }
        }
        (bonus, supported)
    }

    /// «مخيم الجرزات بريف دير الزور» where no «الجرزات» lies in that
    /// governorate: the text names a place the gazetteer lacks, in the
    /// unit it gives, not the namesake 300 km away.
    fn lacked_in_unit(&self, c: &Candidate, best: &Place, unit: PlaceIdx) -> bool {
        let unit = self.gaz.place(unit);
        let pointlike = best.kind.is_settlement() || best.kind.is_facility();
        let inside = unit.bbox.is_some_and(|b| in_box(&b, best.lat, best.lon))
            || unit.admin1.is_some() && best.admin1 == unit.admin1;
        pointlike && !inside && c.feature.is_some_and(|f| f.unlisted_kind().is_some())
    }

    /// The toponym of a mention from its scored readings: the best one,
    /// dropped when a weak guess finds no support, or an unlisted place in
    /// the unit named after it when that unit does not hold the best one.
    fn toponym(
        &self,
        text: &str,
        offsets: &[usize],
        toks: &[Token],
        a: &Accepted,
        scored: &[(PlaceIdx, f32, bool)],
        apposed: Option<PlaceIdx>,
    ) -> Option<Toponym> {
        let byte_at = |cp: usize| offsets[cp.min(offsets.len() - 1)];
        let (best, best_score, supported) = scored[0];
        let bp = self.gaz.place(best);
        if a.weak && !supported && !in_box(&FOCUS, bp.lat, bp.lon) {
            return None;
        }
        // Softmax share of the best reading.
        let tau = 0.15f32;
        let z: f32 = scored
            .iter()
            .map(|s| ((s.1 - best_score) / tau).exp())
            .sum();
        let share = 1.0 / z;
        let confidence = (a.strength * (0.55 + 0.45 * share)).clamp(0.0, 1.0);
        let from = toks[a.cand.surface_from].start;
        let to = toks[a.cand.words.1 - 1].end;
        let surface = text[byte_at(from)..byte_at(to)].to_string();
        if let Some(q) = apposed.filter(|&q| self.lacked_in_unit(&a.cand, bp, q)) {
            // The name without a feature word that is part of the surface
            // («ومخيم الجرزات»).
            let name = if a.cand.surface_from < a.cand.words.0 {
                let f = toks[a.cand.words.0].start;
                unlisted_name(&text[byte_at(f)..byte_at(to)], false, false)
            } else {
                unlisted_name(&surface, a.cand.conj, a.cand.prep)
            };
            return Some(Toponym {
                unlisted: Some(crate::Unlisted {
                    name,
                    kind: bp.kind,
                }),
                surface,
                start: from,
                end: to,
                place: q,
                confidence: 0.5,
                alternatives: Vec::new(),
                feature: a.cand.feature,
                vicinity: true,
                words: (a.cand.surface_from, a.cand.words.1),
            });
        }
        Some(Toponym {
            surface,
            start: from,
            end: to,
            place: best,
            confidence: (confidence * 1000.0).round() / 1000.0,
            alternatives: scored
                .iter()
                .skip(1)
                .take(5)
                .map(|s| {
                    (
                        s.0,
                        ((s.1 / best_score.max(1e-3)) * 1000.0).round() / 1000.0,
                    )
                })
                .collect(),
            feature: a.cand.feature,
            vicinity: a.cand.vicinity,
            words: (a.cand.surface_from, a.cand.words.1),
            unlisted: None,
        })
    }
}

/// Byte offset of every code point of `text`, and of its end.
fn byte_offsets(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect()
}

/// Sentence number of every word.
fn sentence_of_words(toks: &[Token]) -> Vec<usize> {
    let mut sent = Vec::with_capacity(toks.len());
    let mut n = 0usize;
    for t in toks {
        if t.breaks {
            n += 1;
        }
        sent.push(n);
    }
    sent
}

/// The name of an unlisted place from its surface: clitics, quotes,
/// diacritics and tatweel removed («والعزِبة» → «العزبة»).
fn unlisted_name(surface: &str, conj: bool, prep: bool) -> String {
    let mut chars: Vec<char> = surface
        .chars()
        .filter(|&c| !matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}'))
        .collect();
    if conj && chars.len() > 2 {
        chars.remove(0);
    }
    if prep && chars.len() > 2 {
        // «للعزبة» is «ل» + «العزبة».
        if chars[0] == 'ل' && chars[1] == 'ل' {
            chars[0] = 'ا';
        } else {
            chars.remove(0);
        }
    }
    chars
        .into_iter()
        .filter(|c| !matches!(c, '"' | '“' | '”' | '«' | '»' | '(' | ')' | '\''))
        .collect::<String>()
        .trim()
        .to_string()
}

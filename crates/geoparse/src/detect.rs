//! Finding candidate place mentions: masking, n-gram matching, licensing.

use marsad_arabic::{peel, tokenize_normalized, Normalized, Peeled, Token, WEEKDAYS};
use marsad_gazetteer::{feature_word, Feature, Gazetteer, NameRef, PlaceIdx, PlaceKind};

use crate::lexicon::{Lexicon, FUNCTION_WORDS, LINEAGE_WORDS, MEDIA_WORDS};

/// A resolved place mention.
#[derive(Debug, Clone, PartialEq)]
pub struct Toponym {
    /// Exactly `text[start..end]` in code points, clitics included.
    pub surface: String,
    /// Start, in code points of the original text.
    pub start: usize,
    /// End (exclusive), in code points of the original text.
    pub end: usize,
    /// The chosen place.
    pub place: PlaceIdx,
    /// How sure the geoparser is that this is a place and this place, in [0, 1].
    pub confidence: f32,
    /// The other places the name could mean, best first, with scores.
    pub alternatives: Vec<(PlaceIdx, f32)>,
    /// The feature word that introduced the name («مدينة», «حقل», «ريف»).
    pub feature: Option<Feature>,
    /// The mention is the area around the place («ريف X», «بادية X»,
    /// «أطراف X»), not the place itself.
    pub vicinity: bool,
    /// Index of the first and one-past-last word of the mention.
    pub words: (usize, usize),
    /// A place the gazetteer does not have, named after a feature word
    /// («قرية أبريهة»): its name and kind. `place` is then where the text
    /// puts it (the unit or town around it), not the place itself.
    pub unlisted: Option<Unlisted>,
}

/// A place named in the text that the gazetteer does not have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlisted {
    /// The name as written, without clitics and diacritics.
    pub name: String,
    /// What the feature word says it is.
    pub kind: PlaceKind,
}

impl Unlisted {
    /// A stable id for an unlisted place: its name and where it is.
    pub fn id(&self, container: &marsad_gazetteer::Place) -> String {
        format!(
            "unlisted:{}@{}",
            marsad_arabic::key(&self.name),
            container.id
        )
    }

    /// Radius of doubt around the container's point.
    pub fn precision_km(&self, container: &marsad_gazetteer::Place) -> f32 {
        container.precision_km.max(10.0)
    }
}

impl Toponym {
    /// The kind of place mentioned: the unlisted place's, or the gazetteer's.
    pub fn kind(&self, gaz: &Gazetteer) -> PlaceKind {
        self.unlisted
            .as_ref()
            .map_or_else(|| gaz.place(self.place).kind, |u| u.kind)
    }
}

/// Finds and resolves place names. Build once, use for many texts.
#[derive(Debug)]
pub struct Geoparser<'g> {
    pub(crate) gaz: &'g Gazetteer,
    pub(crate) lex: Lexicon,
}

/// A match before acceptance and resolution.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// Word range of the name itself.
    pub words: (usize, usize),
    /// Word where the surface starts (the feature word for «ريف X»).
    pub surface_from: usize,
    pub refs: Vec<NameRef>,
    pub feature: Option<Feature>,
    /// Key of the matched stem (clitics removed), to judge commonness.
    pub stem: String,
    /// A full name that includes its feature word («حقل العمر»).
    pub full_with_feature: bool,
    pub vicinity: bool,
    /// A preposition (ب ل ك) was attached to the first word.
    pub prep: bool,
    /// A conjunction (و ف) was attached to the first word.
    pub conj: bool,
    /// Every reading of the first word (with article), for demonym checks.
    pub first_forms: Vec<String>,
    /// Places matched only after removing the article the text wrote.
    pub stripped: Vec<PlaceIdx>,
    /// Index of the feature word that licensed the name, if one did.
    pub licensed_by: Option<usize>,
    /// A name the gazetteer lacks, and the kind its feature word gives.
    pub unlisted: Option<PlaceKind>,
    /// One of three or more names listed with «و» or commas («الغريبة
    /// ودبلان وصبيخان»): a list of names is evidence that each is a place.
    pub in_list: bool,
}

/// What the original spelling of a word says that its normalised form
/// does not.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Spelling {
    /// Written with tanween: «روسياً» is an adverb, «واقعةٍ» no name.
    pub tanween: bool,
    /// A particle as written («أن», «على» with alef maqsura, «في»): it ends
    /// no name.
    pub particle: bool,
    /// An opening quote or bracket stands right before the word (a closing
    /// one is followed by a space).
    pub opens_quote: bool,
    /// Written with a hamza on a seat («ئ», «ؤ») or on the line («إخلاء»),
    /// which normalising drops.
    pub written_hamza: bool,
}

/// The spelling facts of every token, from one pass over the text.
fn spelling(text: &str, toks: &[Token]) -> Vec<Spelling> {
    let mut out = vec![Spelling::default(); toks.len()];
    let mut ti = 0;
    let mut word = String::new();
    let mut prev = ' ';
    for (ci, c) in text.chars().enumerate() {
        let before = std::mem::replace(&mut prev, c);
        while ti < toks.len() && toks[ti].end <= ci {
            finish(&mut out[ti], &word);
            word.clear();
            ti += 1;
        }
        if ti < toks.len() && ci == toks[ti].start {
            out[ti].opens_quote = matches!(
                before,
                '"' | '“' | '”' | '«' | '»' | '(' | '\'' | '‘' | '’' | '„' | '['
            );
        }
        if ti >= toks.len() {
            break;
        }
        if ci >= toks[ti].start {
            if matches!(c, '\u{064B}'..='\u{064D}') {
                out[ti].tanween = true;
            }
            if matches!(c, 'ئ' | 'ؤ' | 'ء') {
                out[ti].written_hamza = true;
            }
            word.push(c);
        }
    }
    if ti < toks.len() {
        finish(&mut out[ti], &word);
    }
    out
}

fn finish(s: &mut Spelling, word: &str) {
    s.particle = matches!(
        word,
        "أن" | "إن"
            | "ان"
            | "أنّ"
            | "إنّ"
            | "على"
            | "في"
            | "من"
            | "إلى"
            | "الى"
            | "عن"
            | "مع"
            | "أو"
    );
}

/// Particles and prepositions that never begin a place name.
const NEVER_START: &[&str] = &[
    "في",
    "من",
    "علي",
    "الي",
    "عن",
    "مع",
    "ان",
    "انه",
    "او",
    "ثم",
    "حتي",
    "قد",
    "لقد",
    "كان",
    "كانت",
    "منذ",
    "بعد",
    "قبل",
    "خلال",
    "عند",
    "لدي",
    "نحو",
    "حول",
    "ضد",
    "دون",
    "عبر",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "كل",
    "بعض",
    "ما",
    "لا",
    "لم",
    "لن",
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
    "الذي",
    "التي",
    "الذين",
    "بين",
    "تحت",
    "فوق",
    "اذا",
    "اذ",
    "لكن",
];

/// Marks the candidates that stand in a list of three or more, each joined
/// to the one before by «و» or a comma.
fn mark_lists(toks: &[Token], cands: &mut [Candidate]) {
    let joined = |a: &Candidate, b: &Candidate| {
        let e = a.words.1;
        (b.surface_from == e && (b.conj || toks[e].gap.contains(',') || toks[e].gap == "-"))
            || (b.surface_from == e + 1 && matches!(toks[e].text.as_str(), "و" | "او"))
    };
    let mut start = 0;
    for i in 1..=cands.len() {
        if i < cands.len() && joined(&cands[i - 1], &cands[i]) && !toks[cands[i].words.0].breaks {
            continue;
        }
        if i - start >= 3 {
            for c in &mut cands[start..i] {
                c.in_list = true;
            }
        }
        start = i;
    }
}

/// Verbs of saying, after which «لـX» is who was told.
const SPEECH_VERBS: &[&str] = &[
    "قال",
    "قالت",
    "يقول",
    "تقول",
    "اكد",
    "اكدت",
    "يوكد",
    "توكد",
    "صرح",
    "صرحت",
    "اوضح",
    "اوضحت",
    "افاد",
    "افادت",
    "كشف",
    "كشفت",
    "اضاف",
    "اضافت",
];

/// «مجلس دير الزور وهجين العسكريين», «مجلس الرقة المدني»: a council named
/// after places.
fn mask_council(toks: &[Token], stems: &[&str], i: usize, m: &mut [bool]) -> Option<usize> {
    if !stems.contains(&"مجلس") {
        return None;
    }
    let n = (2..=5).find(|&n| {
        toks.get(i + n).is_some_and(|t| {
            matches!(
                t.text.as_str(),
                "العسكري" | "العسكريين" | "العسكريه" | "المدني" | "المحلي"
            )
        }) && (1..=n).all(|j| !toks[i + j].breaks)
    })?;
    m[i..=i + n].iter_mut().for_each(|x| *x = true);
    Some(i + n + 1)
}

/// «ومصدر يقول للميادين إن …»: the outlet a source speaks to.
fn mask_outlet_spoken_to(toks: &[Token], i: usize, m: &mut [bool]) -> Option<usize> {
    if i > 0
        && SPEECH_VERBS.contains(&toks[i - 1].text.as_str())
        && toks[i].text.starts_with('ل')
        && !toks[i].breaks
    {
        m[i] = true;
        return Some(i + 1);
    }
    None
}

/// «لـ"المدن"»: a lone clitic before a quoted name is a media credit.
fn mask_quoted_credit(toks: &[Token], i: usize, m: &mut [bool]) -> Option<usize> {
    if !(matches!(toks[i].text.as_str(), "ل" | "ب")
        && toks.get(i + 1).is_some_and(|t| t.after_quote()))
    {
        return None;
    }
    let mut j = i + 1;
    while j < toks.len() && (j == i + 1 || !toks[j].gap.contains('"')) && j < i + 5 {
        m[j] = true;
        j += 1;
    }
    Some(j)
}

/// First words of two-word place names: «عين علي», «أبو حمام», «تل تمر».
const NAME_PREFIXES: &[&str] = &[
    "ابو",
    "ام",
    "عين",
    "تل",
    "بير",
    "بئر",
    "دير",
    "جديده",
    "خربه",
    "كفر",
    "حاوي",
    "زغير",
    "راس",
    "عرب",
    "حويجه",
    "حوايج",
    "جب",
    "بيت",
    "سد",
    "وادي",
    "مزرعه",
    "شيخ",
    "الشيخ",
    "عيد",
    "عايد",
    "كبير",
];

/// Second words of place names: «عايد الكبير», «باغوز الفوقاني».
const NAME_ADJECTIVES: &[&str] = &[
    "الكبير",
    "الصغير",
    "الكبيره",
    "الصغيره",
    "الشرقي",
    "الغربي",
    "الشمالي",
    "الجنوبي",
    "الشرقيه",
    "الغربيه",
    "الشماليه",
    "الجنوبيه",
    "الفوقاني",
    "التحتاني",
    "الفوقا",
    "التحتا",
    "الجديده",
    "القديمه",
    "الاعلي",
    "الاسفل",
    "جزيره",
    "شاميه",
    "الجزيره",
    "الشاميه",
    "الاولي",
    "الثانيه",
];

/// Plural and dual feature words, after which a list of names follows.
const PLURAL_FEATURE_WORDS: &[&str] = &[
    "قري",
    "قريتي",
    "قريتين",
    "بلدات",
    "بلدتي",
    "بلدتين",
    "مدن",
    "مدينتي",
    "مدينتين",
    "احيا",
    "حيي",
    "حيين",
    "مخيمات",
    "مخيمي",
    "حقول",
    "حقلي",
    "معابر",
    "معبري",
    "قواعد",
    "قاعدتي",
    "مناطق",
];

/// Words that never name a place after a feature word: pronouns,
/// quantifiers and adjectives that agree with it.
const NOT_NAMES: &[&str] = &[
    "واحده",
    "اخري",
    "اخر",
    "ثانيه",
    "كبيره",
    "صغيره",
    "جديده",
    "قديمه",
    "نفسها",
    "ذاتها",
    "كل",
    "جميع",
    "عده",
    "بعض",
    "اي",
    "هذه",
    "تلك",
    "التي",
    "الذي",
    "المذكوره",
    "المجاوره",
    "القريبه",
    "الحدوديه",
    "المحاذيه",
    "المحيطه",
    "الواقعه",
    "التابعه",
    "الخاضعه",
    "المحاصره",
    "المحرره",
];

const DIRECTIONS: &[&str] = &[
    "الشرقي",
    "الغربي",
    "الشمالي",
    "الجنوبي",
    "الشرقيه",
    "الغربيه",
    "الشماليه",
    "الجنوبيه",
];
const VICINITY_WORDS: &[&str] = &[
    "اطراف",
    "محيط",
    "ضواحي",
    "قرب",
    "بالقرب",
    "مشارف",
    "تخوم",
    "اطراف",
];

impl<'g> Geoparser<'g> {
    /// A geoparser over a gazetteer.
    pub fn new(gaz: &'g Gazetteer) -> Self {
        Geoparser {
            gaz,
            lex: Lexicon::new(gaz),
        }
    }

    /// The parser's word lists.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lex
    }

    /// The gazetteer this parser resolves against.
    pub fn gazetteer(&self) -> &'g Gazetteer {
        self.gaz
    }

    /// Finds and resolves every place name in `text`, in text order.
    pub fn geoparse(&self, text: &str) -> Vec<Toponym> {
        let norm = Normalized::new(text);
        let toks = tokenize_normalized(&norm);
        // Clitic readings of every word, computed once.
        let peels: Vec<Vec<Peeled>> = toks.iter().map(|t| peel(&t.text)).collect();
        let spelling = spelling(text, &toks);
        let masked = self.mask(&toks, &peels, &spelling);
        let mut cands = self.candidates(&toks, &peels, &masked, &spelling);
        cands.retain(|c| !self.spelled_as_a_word(&toks, &spelling, c));
        if std::env::var_os("MARSAD_DEBUG_GEOPARSE").is_some() {
            for c in &cands {
                eprintln!(
                    "candidate {:?} words {:?} feature {:?} refs {}",
                    c.stem,
                    c.words,
                    c.feature,
                    c.refs.len()
                );
            }
        }
        let accepted = self.accept(&toks, cands);
        self.resolve(text, &toks, accepted)
    }

    /// «اشتباكات بين عشائر», «الرائد», «إخلاء»: a common word written with
    /// a hamza on its seat or line, where no name of the places it matched has one,
    /// is that word, not the village spelled without it («عشاير»,
    /// «الرايد»), unless a feature word names it.
    fn spelled_as_a_word(&self, toks: &[Token], spelling: &[Spelling], c: &Candidate) -> bool {
        let i = c.words.0;
        c.feature.is_none()
            && c.unlisted.is_none()
            && c.words.1 == i + 1
            && spelling[i].written_hamza
            && self
                .lex
                .commonness(&c.stem)
                .max(self.lex.commonness(&toks[i].text))
                >= 3.0
            && c.refs.iter().all(|r| {
                let p = self.gaz.place(r.place);
                !std::iter::once(&p.name_ar)
                    .chain(&p.names_ar)
                    .any(|n| n.contains(['ئ', 'ؤ', 'ء']))
            })
    }

    /// Marks words that belong to names of organisations, media, operations
    /// and people, where a place name is not a place mention.
    pub(crate) fn mask(
        &self,
        toks: &[Token],
        peels: &[Vec<Peeled>],
        spelling: &[Spelling],
    ) -> Vec<bool> {
        let mut m = vec![false; toks.len()];
        let mut people: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut i = 0;
        while i < toks.len() {
            // Readings with the written article kept: «العمر» is not the name «عمر».
            let stems: Vec<&str> = peels[i]
                .iter()
                .filter(|p| !p.article_removed)
                .map(|p| p.stem.as_str())
                .collect();
            // Each step masks the name it finds at `i` and says where to go on.
            let next = self
                .mask_known_name(toks, peels, &stems, i, &mut m)
                .or_else(|| self.mask_adverb_country(toks, spelling, &stems, i, &mut m))
                .or_else(|| mask_council(toks, &stems, i, &mut m))
                .or_else(|| self.mask_kunya_or_named(toks, spelling, &stems, i, &mut m))
                .or_else(|| mask_outlet_spoken_to(toks, i, &mut m))
                .or_else(|| mask_quoted_credit(toks, i, &mut m));
            i = match next {
                Some(next) => next,
                None => {
                    self.mask_name_after_word(toks, peels, &stems, i, &mut m, &mut people);
                    i + 1
                }
            };
        }
        // A family name seen once after a given name («قاسم سليماني») is a
        // person wherever it recurs alone («اجتمع سليماني»).
        for (j, t) in toks.iter().enumerate() {
            if people.contains(&t.text) {
                m[j] = true;
            }
        }
        m
    }

    /// A name from the lexicon of names that are not places. Names overlap
    /// («تنظيم الدولة الإسلامية في العراق والشام»), so the next word is
    /// looked at too, for a longer one.
    fn mask_known_name(
        &self,
        toks: &[Token],
        peels: &[Vec<Peeled>],
        stems: &[&str],
        i: usize,
        m: &mut [bool],
    ) -> Option<usize> {
        let mut hit = 0;
        for s in stems {
            if let Some(entries) = self.lex.non_places.get(*s) {
                for e in entries {
                    let n = e.len();
                    if i + n <= toks.len()
                        && (1..n).all(|j| {
                            toks[i + j].text == e[j]
                                || peels[i + j].first().is_some_and(|p| p.stem == e[j])
                        })
                        && (1..n).all(|j| !toks[i + j].breaks)
                        // «سوريا اليوم الأحد» is Syria today, not the channel.
                        && !toks
                            .get(i + n)
                            .is_some_and(|t| !t.breaks && WEEKDAYS.contains(&t.text.as_str()))
                    {
                        hit = hit.max(n);
                    }
                }
            }
        }
        if hit == 0 {
            return None;
        }
        m[i..i + hit].iter_mut().for_each(|x| *x = true);
        Some(i + 1)
    }

    /// «المدعومة روسياً», «المدعوم تركيا»: an adverb, not the country.
    fn mask_adverb_country(
        &self,
        toks: &[Token],
        spelling: &[Spelling],
        stems: &[&str],
        i: usize,
        m: &mut [bool],
    ) -> Option<usize> {
        let backed = i > 0 && toks[i - 1].text.starts_with("المدعوم");
        if !((spelling[i].tanween || backed) && self.names_country(stems)) {
            return None;
        }
        m[i] = true;
        Some(i + 1)
    }

    /// «أبو علي الدبي»: a kunya and a family name are a person; «ولايات
    /// "الخير، والبركة"» are the Islamic State's provinces; «يدعى
    /// "محمد علي حسين المخلف"» is followed by a name.
    fn mask_kunya_or_named(
        &self,
        toks: &[Token],
        spelling: &[Spelling],
        stems: &[&str],
        i: usize,
        m: &mut [bool],
    ) -> Option<usize> {
        let kunya = matches!(toks[i].text.as_str(), "ابو" | "ام" | "ابي" | "ابا")
            && toks.get(i + 1).is_some_and(|t| {
                self.lex.given_names.contains(&t.text)
                    || t.text == "علي" && !spelling[i + 1].particle
            })
            && toks
                .get(i + 2)
                .is_some_and(|t| t.text.starts_with("ال") && !t.breaks && t.gap.is_empty());
        let named_after = stems.iter().any(|s| {
            matches!(
                *s,
                "يدعي" | "تدعي" | "المدعو" | "المدعوه" | "ولايه" | "ولايات" | "ولايتي"
            )
        });
        if !(kunya || named_after) {
            return None;
        }
        let n = if kunya { 3 } else { 4 };
        let mut j = i + usize::from(!kunya);
        while j < toks.len() && j < i + n + 1 {
            let t = &toks[j];
            // «علي» the name is no particle: only the written «على» is.
            if j > i + 1
                && (t.breaks
                    || spelling[j].particle
                    || t.gap.contains(',') && !t.text.starts_with('و'))
            {
                break;
            }
            m[j] = true;
            j += 1;
        }
        Some(j)
    }

    /// The words after word `i` that belong to a name that is not a place: a
    /// media outlet or a person after a title (3), a family name after a
    /// given name, or a lineage (2). Family names are remembered in `people`.
    fn mask_name_after_word(
        &self,
        toks: &[Token],
        peels: &[Vec<Peeled>],
        stems: &[&str],
        i: usize,
        m: &mut [bool],
        people: &mut std::collections::HashSet<String>,
    ) {
        let stop = |t: &Token| {
            FUNCTION_WORDS.contains(&t.text.as_str())
                || feature_word(&t.text).is_some()
                || t.breaks
                || t.gap.contains(',')
        };
        let is = |list: &[&str]| stems.iter().any(|s| list.contains(s));
        let person = (stems.iter().any(|s| {
            self.lex.given_names.contains(*s) || s.starts_with("عبد") && s.chars().count() > 4
        }) || matches!(toks[i].text.as_str(), "بن" | "ابن"))
            && !self.inside_place_name(toks, peels, i);
        let media = is(MEDIA_WORDS);
        let follow = if media || stems.iter().any(|s| self.lex.titles.contains(*s)) {
            3
        } else if person || is(LINEAGE_WORDS) {
            2
        } else {
            0
        };
        if follow == 0 {
            return;
        }
        let mut j = i + 1;
        while j < toks.len() && j <= i + follow {
            let t = &toks[j];
            // A media name may sit in quotes or brackets right after the word.
            let first_quoted = j == i + 1 && (t.after_quote() || t.gap.contains('('));
            // «إريك ت. هيل»: an initial's full stop does not end the name.
            let initial = j > 0 && toks[j - 1].text.chars().count() == 1 && t.gap == ".";
            if stop(t) && !first_quoted && !initial {
                break;
            }
            m[j] = true;
            // A country in an outlet's name («موقع تلفزيون سوريا») is
            // nobody's family name: masked here, a place elsewhere.
            let country = || {
                let stems: Vec<&str> = peels[j]
                    .iter()
                    .filter(|p| !p.article_removed)
                    .map(|p| p.stem.as_str())
                    .collect();
                self.names_country(&stems)
            };
            // An outlet's name («مراسل شبكة تدمر الإخبارية») is nobody's
            // family name either: the town it is named after stays a place.
            if (follow < 3 || j > i + 1) && !media && !country() {
                people.insert(toks[j].text.clone());
            }
            j += 1;
        }
    }

    /// True when one of the readings of a word is a country's name.
    fn names_country(&self, stems: &[&str]) -> bool {
        stems.iter().any(|s| {
            self.gaz
                .lookup_key(s)
                .iter()
                .any(|r| self.gaz.place(r.place).kind == marsad_gazetteer::PlaceKind::Country)
        })
    }

    /// True when word `i` ends a two-word gazetteer name with the word before
    /// it («عين عيسى», «تل حسن»): a given name there is part of a place.
    fn inside_place_name(&self, toks: &[Token], peels: &[Vec<Peeled>], i: usize) -> bool {
        i > 0
            && peels[i - 1].iter().any(|p| {
                !self
                    .gaz
                    .lookup_key(&format!("{}{}", p.stem, toks[i].text))
                    .is_empty()
            })
    }

    /// Longest gazetteer matches, left to right, with feature-word licences.
    pub(crate) fn candidates(
        &self,
        toks: &[Token],
        peels: &[Vec<Peeled>],
        masked: &[bool],
        spelling: &[Spelling],
    ) -> Vec<Candidate> {
        let mut out = Vec::new();
        let mut licence: Option<(Feature, usize, usize)> = None; // (feature, valid at word, feature word index)
        let mut vicinity_at: Option<usize> = None;
        let mut i = 0;
        while i < toks.len() {
            if masked[i] {
                i += 1;
                continue;
            }
            let lic = licence.filter(|&(_, at, _)| at == i);
            // A lone feature word («مدينة», «قرية») is a feature word even
            // where a village bears that name.
            // Only «البادية» alone is a place: the desert of Syria.
            let lone_feature = |c: &Candidate| {
                c.words.1 - c.words.0 == 1
                    && feature_word(&c.stem)
                        .is_some_and(|f| !(f == Feature::Desert && c.stem.starts_with("ال")))
            };
            // Under a feature word, a known name of the wrong kind («سجن
            // الصناعة» is no village «الصناعة») may be a place the gazetteer
            // lacks.
            let fits = |c: &Candidate| {
                lic.is_none_or(|(f, _, _)| {
                    c.refs.is_empty()
                        || c.refs.iter().any(|r| {
                            let k = self.gaz.place(r.place).kind;
                            f.accepts(k)
                                || k.is_settlement()
                                    && (f.licenses_settlements()
                                        || matches!(
                                            f,
                                            Feature::Base
                                                | Feature::Airport
                                                | Feature::Crossing
                                                | Feature::Field
                                        ))
                        })
                })
            };
            let found = self
                .match_at(toks, peels, masked, spelling, i, lic.map(|(f, _, _)| f))
                .filter(|c| !lone_feature(c) && fits(c))
                .or_else(|| {
                    let (f, _, fi) = lic?;
                    self.unlisted_at(toks, peels, masked, spelling, i, f, fi)
                });
            if let Some(c) = found {
                let end = c.words.1;
                let mut c = c;
                if let Some((f, _, fi)) = lic {
                    c.feature = Some(f);
                    c.licensed_by = Some(fi);
                    // The feature word is part of a site's name («مخيم الهول»,
                    // «قاعدة الشدادي») but not of a settlement's («مدينة البوكمال»).
                    if f.names_site() && fi + 1 == i && c.unlisted.is_none() {
                        c.surface_from = fi;
                    }
                    if matches!(f, Feature::Countryside | Feature::Desert) && c.unlisted.is_none() {
                        c.vicinity = true;
                        c.surface_from = fi;
                        if toks.get(end).is_some_and(|t| {
                            DIRECTIONS.contains(&t.text.as_str()) && !t.breaks && t.gap.is_empty()
                        }) {
                            c.words.1 = end + 1;
                        }
                    }
                }
                if vicinity_at == Some(i) {
                    c.vicinity = true;
                }
                // A list after a feature word («حقلي العمر وكونيكو», «مدن
                // البوكمال والميادين والعشارة») carries the licence on.
                let next = c.words.1;
                licence = match (lic, toks.get(next)) {
                    (Some((f, _, fi)), Some(t))
                        if !t.breaks && (t.text.starts_with('و') || t.gap == ",") =>
                    {
                        Some((f, next, fi))
                    }
                    _ => None,
                };
                out.push(c);
                i = next;
                continue;
            }
            let stems = &peels[i];
            // «مدينة البوكمال» licenses; «المدينة» (anaphoric) does not.
            // «بحي», «وحي»: a clitic on a two-letter feature word, too short
            // for the peeler.
            let short = toks[i]
                .text
                .strip_prefix(['ب', 'و', 'ل'])
                .filter(|r| r.chars().count() == 2)
                .and_then(feature_word);
            licence = stems
                .iter()
                .filter(|p| !p.stem.starts_with("ال") && !p.article_removed)
                .find_map(|p| feature_word(&p.stem))
                .or(short)
                .map(|f| (f, i + 1, i))
                .or_else(|| {
                    // «مدينتي ديرالزور والبوكمال» keeps its licence across «و».
                    licence
                        .filter(|&(_, at, _)| at == i && toks[i].text == "و")
                        .map(|(f, _, fi)| (f, i + 1, fi))
                });
            vicinity_at = stems
                .iter()
                .any(|p| VICINITY_WORDS.contains(&p.stem.as_str()))
                .then_some(i + 1)
                .or_else(|| {
                    vicinity_at
                        .filter(|&v| v == i && feature_word(&toks[i].text).is_some())
                        .map(|_| i + 1)
                });
            i += 1;
        }
        self.quarters_of_their_city(&mut out);
        self.repeat_unlisted(toks, peels, masked, &mut out);
        mark_lists(toks, &mut out);
        out
    }

    /// «حي الجورة في مدينة دير الزور»: a quarter named with the city it is
    /// in is that city's quarter. When no place the name matched lies near
    /// the city (the gazetteer knows only villages called «الجورة» far
    /// away), it is a quarter the gazetteer lacks, located by the city.
    fn quarters_of_their_city(&self, out: &mut [Candidate]) {
        const QUARTER_KM: f64 = 15.0;
        for k in 1..out.len() {
            let (head, tail) = out.split_at_mut(k);
            let (q, city) = (&mut head[k - 1], &tail[0]);
            if q.feature != Some(Feature::Neighbourhood)
                || q.unlisted.is_some()
                || q.refs.is_empty()
                || city.words.0 > q.words.1 + 2
            {
                continue;
            }
            let cities: Vec<&marsad_gazetteer::Place> = city
                .refs
                .iter()
                .map(|r| self.gaz.place(r.place))
                .filter(|p| matches!(p.kind, PlaceKind::City | PlaceKind::Town))
                .collect();
            let near = q.refs.iter().any(|r| {
                let p = self.gaz.place(r.place);
                cities
                    .iter()
                    .any(|c| crate::resolve::km(p, c) <= QUARTER_KM)
            });
            if !cities.is_empty() && !near {
                q.refs.clear();
                q.unlisted = Some(PlaceKind::Neighbourhood);
                q.surface_from = q.words.0;
            }
        }
    }

    /// A name the gazetteer does not have, after a feature word that says it
    /// is a place: «قرية أبريهة», «حي العرفي», «حقل "الخراطة"», «بلدات خشام
    /// والعزبة والجزرات». One word, two when the first is a name prefix
    /// («عين البوجمعة») or the second a name's adjective («عايد الكبير»), the
    /// whole quote when quoted. Ordinary words («قرية صغيرة», «منطقة
    /// الحادث») are not names.
    #[allow(clippy::too_many_arguments)]
    fn unlisted_at(
        &self,
        toks: &[Token],
        peels: &[Vec<Peeled>],
        masked: &[bool],
        spelling: &[Spelling],
        i: usize,
        f: Feature,
        fi: usize,
    ) -> Option<Candidate> {
        let kind = f.unlisted_kind()?;
        let t = &toks[i];
        if masked[i] || t.breaks || t.gap.contains(',') && i == fi + 1 {
            return None;
        }
        let quoted = spelling[i].opens_quote;
        // A list item carries its «و»; the word right after the feature word
        // is whole («وادي»).
        let carried = i > fi + 1;
        let conj = carried && t.text.starts_with('و') && t.text.chars().count() > 3;
        let first: String = if conj {
            t.text.chars().skip(1).collect()
        } else {
            t.text.clone()
        };
        // Only a plural or dual feature word lists unlisted names («بلدات
        // خشام والعزبة»), each with its «و» or after a comma with the article.
        if carried {
            let plural = peels[fi]
                .iter()
                .any(|p| PLURAL_FEATURE_WORDS.contains(&p.stem.as_str()));
            let joined = conj || t.gap == "," && first.starts_with("ال");
            if !plural || !joined {
                return None;
            }
        }
        // «ببلدة», «وقرى», «للمليشيا»: a clitic on a feature word or on a
        // defined noun starts no name.
        let clitic_noun = peels[i].iter().any(|p| {
            !p.article_removed
                && (feature_word(&p.stem).is_some()
                    || p.prep.is_some() && p.stem.starts_with("ال")
                    || FUNCTION_WORDS.contains(&p.stem.as_str()))
        });
        // «قرى واقعةٍ»: tanween marks an indefinite common word.
        if clitic_noun || spelling[i].tanween || !self.could_be_name(&first) {
            return None;
        }
        let bare = marsad_arabic::strip_article(&first).unwrap_or(&first);
        let prefix = NAME_PREFIXES.contains(&bare) || NAME_PREFIXES.contains(&first.as_str());
        // «عين علي»: a name prefix is a common word, the name is not.
        let z = if prefix
            && toks
                .get(i + 1)
                .is_some_and(|n| !n.breaks && n.gap.is_empty())
        {
            0.0
        } else {
            self.lex.commonness(&first).max(self.lex.commonness(bare))
        };
        let limit = match (quoted, f) {
            (true, _) => 6.0,
            (
                false,
                Feature::Village
                | Feature::Town
                | Feature::City
                | Feature::Neighbourhood
                | Feature::Camp
                | Feature::Countryside
                | Feature::Desert,
            ) => 4.5,
            (false, Feature::Area) => 3.5,
            // Prisons and shrines are named after common words («سجن الصناعة»).
            (false, Feature::Site) => 5.0,
            (false, _) => 4.2,
        };
        // «بلدات الشحيل وذيبان والبصيرة، وأسفرت …»: a list carried past a
        // comma to a common word has ended; the word begins a clause.
        if z >= limit || carried && !quoted && t.gap.contains(',') && z >= 3.5 {
            return None;
        }
        let joined = |j: usize| {
            toks.get(j)
                .is_some_and(|n| !n.breaks && !masked[j] && !n.gap.contains(','))
        };
        let mut n = 1;
        if quoted {
            while n < 4 && joined(i + n) && !toks[i + n].gap.contains(['"', ')']) {
                n += 1;
            }
        } else if joined(i + 1) && toks[i + 1].gap.is_empty() {
            let second = toks[i + 1].text.as_str();
            // In a list after a plural feature word, an item runs to the next
            // «و» («قرى دادا عبدال والنويحات»).
            let listed = peels[fi]
                .iter()
                .any(|p| PLURAL_FEATURE_WORDS.contains(&p.stem.as_str()))
                && !second.starts_with('و')
                && self.lex.commonness(second) < 3.5;
            if (prefix || listed) && self.could_be_name(second) || NAME_ADJECTIVES.contains(&second)
            {
                n = 2;
            }
        }
        if n > 1 && (i + 1..i + n).any(|j| feature_word(&toks[j].text).is_some()) {
            n = 1;
        }
        let rest: String = toks[i + 1..i + n].iter().map(|t| t.text.as_str()).collect();
        Some(Candidate {
            words: (i, i + n),
            surface_from: i,
            refs: Vec::new(),
            feature: Some(f),
            stem: format!("{first}{rest}"),
            full_with_feature: false,
            vicinity: matches!(f, Feature::Countryside | Feature::Desert),
            prep: false,
            conj,
            first_forms: Vec::new(),
            stripped: Vec::new(),
            licensed_by: Some(fi),
            unlisted: Some(kind),
            in_list: false,
        })
    }

    /// True when a word could begin a name: not a particle, a feature word,
    /// a direction, a day, a number, a nationality or other adjective
    /// («حقل نفطي»), a word with a possessive pronoun («وريفها», «غربها»).
    fn could_be_name(&self, w: &str) -> bool {
        let indefinite = !w.starts_with("ال");
        // «حقل نفطي», «قاعدة جوية», «قرية نائية»: an indefinite nisba or a
        // common feminine adjective agrees with the feature word.
        let adjective = indefinite
            && w.chars().count() >= 4
            && (w.ends_with('ي')
                || w.ends_with("يا")
                || w.ends_with("يه") && self.lex.commonness(w) >= 3.0);
        let possessed = ["ها", "هم", "هما"].iter().any(|suf| {
            w.strip_suffix(suf).is_some_and(|stem| {
                let stem_t = stem.strip_suffix('ت').map(|s| format!("{s}ه"));
                marsad_arabic::DIRECTIONS.contains(&stem)
                    || matches!(stem, "وسط" | "محيط" | "اطراف")
                    || feature_word(stem).is_some()
                    || stem_t.as_deref().is_some_and(|x| feature_word(x).is_some())
            })
        });
        !adjective
            && !possessed
            && w.chars().count() >= 3
            && !w.starts_with(|c: char| c.is_ascii_digit())
            && !NEVER_START.contains(&w)
            && !FUNCTION_WORDS.contains(&w)
            && feature_word(w).is_none()
            && !DIRECTIONS.contains(&w)
            && !WEEKDAYS.contains(&w)
            && !self.lex.is_demonym(w)
            && !NOT_NAMES.contains(&w)
    }

    /// One sense per article: an unlisted name met after a feature word is a
    /// place wherever else the article writes it («قرية “مجيبرة”» … «دخلت
    /// القوات مجيبرة»).
    fn repeat_unlisted(
        &self,
        toks: &[Token],
        peels: &[Vec<Peeled>],
        masked: &[bool],
        out: &mut Vec<Candidate>,
    ) {
        let names: Vec<(Vec<String>, Candidate)> = out
            .iter()
            .filter(|c| c.unlisted.is_some())
            .map(|c| {
                let mut w: Vec<String> = toks[c.words.0..c.words.1]
                    .iter()
                    .map(|t| t.text.clone())
                    .collect();
                if c.conj {
                    w[0] = w[0].chars().skip(1).collect();
                }
                (w, c.clone())
            })
            .collect();
        if names.is_empty() {
            return;
        }
        let mut covered = vec![false; toks.len()];
        for c in out.iter() {
            covered[c.surface_from.min(c.words.0)..c.words.1]
                .iter_mut()
                .for_each(|x| *x = true);
        }
        let mut extra = Vec::new();
        for i in 0..toks.len() {
            if masked[i] || covered[i] {
                continue;
            }
            for (w, c) in &names {
                let n = w.len();
                let first = peels[i]
                    .iter()
                    .find(|p| p.stem == w[0] && !p.article_removed);
                let Some(p) = first else { continue };
                if i + n <= toks.len()
                    && (1..n).all(|j| toks[i + j].text == w[j] && !toks[i + j].breaks)
                {
                    let mut r = c.clone();
                    r.words = (i, i + n);
                    r.surface_from = i;
                    r.feature = None;
                    r.licensed_by = None;
                    r.vicinity = false;
                    r.conj = p.conj;
                    r.prep = p.prep.is_some();
                    extra.push(r);
                    break;
                }
            }
        }
        if !extra.is_empty() {
            out.extend(extra);
            out.sort_by_key(|c| c.words.0);
        }
    }

    /// The longest gazetteer name that starts at word `i`, with every place
    /// it may name.
    #[allow(clippy::too_many_arguments)]
    fn match_at(
        &self,
        toks: &[Token],
        all_peels: &[Vec<Peeled>],
        masked: &[bool],
        spelling: &[Spelling],
        i: usize,
        licence: Option<Feature>,
    ) -> Option<Candidate> {
        // A name never starts with a function word («إلى أن» is not «إليان»).
        static NEVER: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
            std::sync::LazyLock::new(|| NEVER_START.iter().copied().collect());
        if NEVER.contains(toks[i].text.as_str()) {
            return None;
        }
        // «ليل الخميس-الجمعة»: days are times, not places.
        if licence.is_none() && WEEKDAYS.contains(&toks[i].text.as_str()) {
            return None;
        }
        let peels = &all_peels[i];
        let reach = self.reach(toks, peels, masked, i);
        for n in (1..=reach).rev() {
            if !can_be_one_name(toks, peels, masked, spelling, i, n) {
                continue;
            }
            let rest: String = toks[i + 1..i + n].iter().map(|t| t.text.as_str()).collect();
            let (mut refs, stripped, first) = self.lookup_readings(peels, &rest, n, licence);
            let Some(p) = first else { continue };
            // «قرية البصيرة» may be one village's full name or any village
            // called «البصيرة»: offer both, and let context decide.
            if n > 1 && feature_word(&p.stem).is_some_and(|f| !f.names_site()) {
                self.add_readings_after_feature(p, &rest, &mut refs);
            }
            let full_with_feature = feature_word(&p.stem).is_some() && n > 1;
            // «محافظة دير الزور» names the governorate; the mention is «دير الزور».
            let classifier =
                full_with_feature && feature_word(&p.stem).is_some_and(|f| !f.names_site());
            return Some(Candidate {
                words: (i, i + n),
                surface_from: if classifier { i + 1 } else { i },
                refs,
                feature: None,
                stem: format!("{}{}", p.stem, rest),
                full_with_feature,
                vicinity: full_with_feature
                    && matches!(
                        feature_word(&p.stem),
                        Some(Feature::Countryside | Feature::Desert)
                    ),
                prep: p.prep.is_some(),
                conj: p.conj,
                first_forms: peels
                    .iter()
                    .filter(|q| !q.article_removed)
                    .map(|q| q.stem.clone())
                    .collect(),
                stripped,
                licensed_by: None,
                unlisted: None,
                in_list: false,
            });
        }
        None
    }

    /// How many words any reading of word `i` can extend to while still
    /// being the start of some name; most words reach zero and cost one
    /// lookup.
    fn reach(&self, toks: &[Token], peels: &[Peeled], masked: &[bool], i: usize) -> usize {
        let max = self.gaz.max_words().min(toks.len() - i);
        let mut reach = 0;
        for p in peels {
            if !self.gaz.has_key_prefix(&p.stem) {
                continue;
            }
            let mut cur = p.stem.clone();
            let mut n = 1;
            while n < max {
                let t = &toks[i + n];
                if masked[i + n] || t.breaks || t.gap.contains(',') {
                    break;
                }
                cur.push_str(&t.text);
                if !self.gaz.has_key_prefix(&cur) {
                    break;
                }
                n += 1;
            }
            reach = reach.max(n);
        }
        reach
    }

    /// The places named by the readings of the first word followed by
    /// `rest`, those found only by dropping the written article, and the
    /// first reading that named any.
    fn lookup_readings<'p>(
        &self,
        peels: &'p [Peeled],
        rest: &str,
        n: usize,
        licence: Option<Feature>,
    ) -> (Vec<NameRef>, Vec<PlaceIdx>, Option<&'p Peeled>) {
        let mut refs: Vec<NameRef> = Vec::new();
        let mut stripped = Vec::new();
        let mut first: Option<&Peeled> = None;
        for p in peels {
            if p.stem.chars().count() < 2 {
                continue;
            }
            let k = format!("{}{}", p.stem, rest);
            let before = refs.len();
            for r in self.gaz.lookup_key(&k) {
                let ok = match (r.needs, licence) {
                    (None, _) => true,
                    (Some(need), Some(have)) => need == have || compatible(need, have),
                    (Some(_), None) => false,
                };
                // Names written with the article match article-less
                // records only in Syria and Iraq, where sources drop it
                // freely; never a country («السورية» is not «سورية»)
                // nor a foreign city («الصور» is not Tyre).
                let place = self.gaz.place(r.place);
                let local = matches!(place.country.as_str(), "SY" | "IQ")
                    && place.kind != marsad_gazetteer::PlaceKind::Country;
                // Dropping a written article is a guess for one word,
                // not for a phrase («الكردي على»).
                if ok
                    && (local || !p.article_removed)
                    && !(p.article_removed && n > 1)
                    && !refs.iter().any(|x| x.place == r.place)
                {
                    refs.push(*r);
                    if p.article_removed {
                        stripped.push(r.place);
                    }
                }
            }
            if refs.len() > before && first.is_none() {
                first = Some(p);
            }
        }
        (refs, stripped, first)
    }

    /// The places named `rest` alone that fit the feature word `p` before it.
    fn add_readings_after_feature(&self, p: &Peeled, rest: &str, refs: &mut Vec<NameRef>) {
        let f = feature_word(&p.stem);
        for r in self.gaz.lookup_key(rest) {
            let fits = r.needs.is_none() || r.needs == f;
            let kind_ok = f.is_some_and(|f| f.accepts(self.gaz.place(r.place).kind));
            if fits && kind_ok && !refs.iter().any(|x| x.place == r.place) {
                refs.push(*r);
            }
        }
    }
}

fn compatible(need: Feature, have: Feature) -> bool {
    use Feature::*;
    matches!(
        (need, have),
        (Base, Airport)
            | (Airport, Base)
            | (Town, City)
            | (City, Town)
            | (Village, Town)
            | (Town, Village)
            | (Area, _)
    )
}

/// Whether words `i..i + n` can be one name: none masked, none after a
/// break or a comma, and not ending the way no name ends.
fn can_be_one_name(
    toks: &[Token],
    peels: &[Peeled],
    masked: &[bool],
    spelling: &[Spelling],
    i: usize,
    n: usize,
) -> bool {
    if (i..i + n).any(|j| masked[j])
        || (i + 1..i + n).any(|j| toks[j].breaks || toks[j].gap.contains(','))
    {
        return false;
    }
    // A name never ends with a particle as written: «بيان أن» is not
    // «يانان», «الكردي على» not «كردي علي» (but «عين علي» is a name).
    if n > 1 && spelling[i + n - 1].particle {
        return false;
    }
    // «أبو» or «أم» alone is the first half of a name («ناحية أبو
    // رسين», misspelt), never a name.
    if n == 1
        && peels
            .iter()
            .any(|p| matches!(p.stem.as_str(), "ابو" | "ام"))
    {
        return false;
    }
    true
}

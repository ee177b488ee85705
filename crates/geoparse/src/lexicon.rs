//! Word lists the geoparser needs beyond the gazetteer.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use marsad_arabic::{key, normalize, strip_article, tokenize};
use marsad_gazetteer::{Gazetteer, PlaceKind};

const COMMON_WORDS: &str = include_str!("../data/arabic_common_words.tsv");
const NON_PLACES: &str = include_str!("../data/non_places.txt");
const GIVEN_NAMES: &str = include_str!("../data/given_names.txt");
const TITLES: &str = include_str!("../data/titles.txt");

/// Demonyms that are not derived regularly from a gazetteer name.
const EXTRA_DEMONYMS: &[&str] = &[
    "الافغاني",
    "الافغانيه",
    "افغاني",
    "الاميركي",
    "الاميركيه",
    "الاميركيين",
    "الامريكان",
    "الاميركان",
    "الكردي",
    "الكرديه",
    "الكوردي",
    "الكورديه",
    "الاكراد",
    "الكرد",
    "العربي",
    "العربيه",
    "العرب",
    "الفارسي",
    "الفارسيه",
    "الروس",
    "الاتراك",
    "التركمان",
    "الشيشاني",
    "الباكستاني",
    "الاوروبي",
    "الاوروبيه",
    "الغربي",
    "الغربيه",
    "الشرقي",
    "الشرقيه",
    "الشمالي",
    "الشماليه",
    "الجنوبي",
    "الجنوبيه",
    "الاماراتيه",
    "الاماراتي",
    "الاسراييلي",
    "الاسراييليه",
    "الصهيوني",
    "الصهيونيه",
    "الخليجي",
    "الخليجيه",
    "الدولي",
    "الدوليه",
    "الاقليمي",
    "الاقليميه",
    "المحلي",
    "المحليه",
    "الحدودي",
    "الحدوديه",
];

/// Words that stand before a media outlet's name.
pub(crate) const MEDIA_WORDS: &[&str] = &[
    "مراسل",
    "مراسله",
    "مراسلو",
    "صحيفه",
    "جريده",
    "موقع",
    "شبكه",
    "قناه",
    "تلفزيون",
    "وكاله",
    "اذاعه",
    "راديو",
    "مجله",
    "صفحه",
    "صفحات",
    "منصه",
    "حساب",
    "معرف",
];

/// Words for families, clans and tribes: the name after them is a lineage.
pub(crate) const LINEAGE_WORDS: &[&str] = &[
    "ال",
    "عشيره",
    "قبيله",
    "عايله",
    "اسره",
    "بني",
    "بنو",
    "ابنا",
    "عشاير",
];

/// Function words that end a person's name or never begin a place name.
pub(crate) const FUNCTION_WORDS: &[&str] = &[
    "في",
    "من",
    "علي",
    "الي",
    "عن",
    "مع",
    "بين",
    "الذي",
    "التي",
    "الذين",
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
    "قرب",
    "داخل",
    "خارج",
    "وسط",
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
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
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
];

/// The geoparser's word lists, built once.
#[derive(Debug)]
pub struct Lexicon {
    /// Zipf frequency of common Arabic words, by normalised key.
    common: HashMap<String, f32>,
    /// Token sequences of non-place names, by first-token key.
    pub(crate) non_places: HashMap<String, Vec<Vec<String>>>,
    pub(crate) given_names: HashSet<String>,
    pub(crate) titles: HashSet<String>,
    demonyms: HashSet<String>,
}

fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

impl Lexicon {
    /// Builds the lexicon; demonyms are derived from the gazetteer's
    /// countries, capitals and governorates («سوريا» → «السورية»).
    pub fn new(gaz: &Gazetteer) -> Self {
        let mut common: HashMap<String, f32> = HashMap::default();
        for l in lines(COMMON_WORDS) {
            if let Some((w, z)) = l.split_once('\t') {
                let z: f32 = z.parse().unwrap_or(0.0);
                let e = common.entry(key(w)).or_insert(0.0);
                *e = e.max(z);
            }
        }
        let mut non_places: HashMap<String, Vec<Vec<String>>> = HashMap::default();
        for l in lines(NON_PLACES) {
            let toks: Vec<String> = tokenize(l).into_iter().map(|t| t.text).collect();
            if let Some(first) = toks.first() {
                non_places.entry(first.clone()).or_default().push(toks);
            }
        }
        for v in non_places.values_mut() {
            v.sort_by_key(|t| std::cmp::Reverse(t.len()));
        }
        let given_names = lines(GIVEN_NAMES).map(normalize).collect();
        let titles = lines(TITLES).map(normalize).collect();
        let mut demonyms: HashSet<String> = EXTRA_DEMONYMS.iter().map(|s| s.to_string()).collect();
        let mut place_keys = HashSet::default();
        for p in gaz.places() {
            let big = matches!(p.kind, PlaceKind::Country | PlaceKind::Governorate) || p.capital;
            if !big {
                continue;
            }
            for n in p.all_names_ar() {
                let k = key(n);
                place_keys.insert(k.clone());
                let bare = strip_article(&k).unwrap_or(&k).to_string();
                // «سوريا» → «سوري», «السورية»: the nisba of a name in «يا».
                if let Some(s) = bare.strip_suffix("يا").filter(|s| s.chars().count() >= 2) {
                    for suf in ["ي", "يه", "يين", "يون", "يان", "يتين"] {
                        demonyms.insert(format!("{s}{suf}"));
                        demonyms.insert(format!("ال{s}{suf}"));
                    }
                }
                let mut stems = vec![bare.clone()];
                for suf in ['ا', 'ه', 'ي'] {
                    if let Some(s) = bare.strip_suffix(suf) {
                        stems.push(s.to_string());
                    }
                }
                for s in stems {
                    if s.chars().count() < 3 {
                        continue;
                    }
                    for suf in ["ي", "يه", "يين", "يون", "يان", "يتين"] {
                        demonyms.insert(format!("{s}{suf}"));
                        demonyms.insert(format!("ال{s}{suf}"));
                    }
                }
            }
        }
        demonyms.retain(|d| !place_keys.contains(d));
        Lexicon {
            common,
            non_places,
            given_names,
            titles,
            demonyms,
        }
    }

    /// Zipf frequency of a normalised word as an ordinary Arabic word (0 if rare).
    pub fn commonness(&self, k: &str) -> f32 {
        self.common.get(k).copied().unwrap_or(0.0)
    }

    /// True for a common given name (normalised): the word after it is a
    /// family name.
    pub fn is_given_name(&self, w: &str) -> bool {
        self.given_names.contains(w)
    }

    /// True for a nationality adjective («الإيرانية», «العراقي»).
    pub fn is_demonym(&self, k: &str) -> bool {
        self.demonyms.contains(k)
    }
}

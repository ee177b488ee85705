//! The toll grammar: how many were killed, injured or arrested, as news
//! writes it.
//!
//! A toll is a *count phrase* tied to a *kind cue*:
//! - a cue before the phrase: «مقتل 4 أشخاص», «قُتل مساء السبت امرأتان
//!   وطفل», «اعتقلت القوات الثلاثاء 53 شخصاً», «أسفر عن مقتله»;
//! - a verb after it: «ستة أشخاص قتلوا», «ثلاثة مدنيين لقوا حتفهم»;
//! - a kind noun after a number: «12 قتيلاً», «(سبعة) قتلى و38 جريحاً».
//!
//! Count phrases are numerals in digits, Arabic-Indic digits or words
//! (masculine and feminine, compounds, teens, hundreds), dual nouns
//! («عنصرين» = 2), singular nouns («مصرع شاب» = 1), «أحد عناصر» = 1, and
//! vague quantities («عشرات», «عدد من», «آخرون») that give no number, only a
//! qualifier. Phrases joined by «و» or «بالإضافة إلى» add up («امرأتان
//! وطفل» = 3); a breakdown after «بينهم» or «وهم» is part of the figure
//! before it, not more. «قتل وجرح العشرات» and «بين قتيل وجريح» give no
//! separate figure, and a failed attempt («نجا من محاولة اغتيال») gives 0.

use marsad_arabic::{tokenize, Token};

use crate::Qualifier;

pub use marsad_model::CountKind;

/// A count found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountMention {
    /// What is counted.
    pub kind: CountKind,
    /// The number; `None` when the text gives none («عشرات», «عدد من»).
    pub value: Option<u32>,
    /// Exact, at least, at most, approximate, or the kind of vague quantity.
    pub qualifier: Qualifier,
    /// Start, code points into the text searched.
    pub start: usize,
    /// End (exclusive), code points.
    pub end: usize,
    /// A new figure for a toll told before («ارتفعت حصيلة القتلى إلى 20»):
    /// it replaces the old one.
    pub update: bool,
}

const UNITS: &[(&str, u32)] = &[
    ("واحد", 1),
    ("واحده", 1),
    ("احد", 1),
    ("احدي", 1),
    ("اثنان", 2),
    ("اثنين", 2),
    ("اثنتين", 2),
    ("اثنتان", 2),
    ("اثنا", 2),
    ("اثني", 2),
    ("ثلاثه", 3),
    ("ثلاث", 3),
    ("اربعه", 4),
    ("اربع", 4),
    ("خمسه", 5),
    ("خمس", 5),
    ("سته", 6),
    ("ست", 6),
    ("سبعه", 7),
    ("سبع", 7),
    ("ثمانيه", 8),
    ("ثماني", 8),
    ("ثمان", 8),
    ("تسعه", 9),
    ("تسع", 9),
    ("عشره", 10),
    ("عشر", 10),
];

const TENS: &[(&str, u32)] = &[
    ("عشرون", 20),
    ("عشرين", 20),
    ("ثلاثون", 30),
    ("ثلاثين", 30),
    ("اربعون", 40),
    ("اربعين", 40),
    ("خمسون", 50),
    ("خمسين", 50),
    ("ستون", 60),
    ("ستين", 60),
    ("سبعون", 70),
    ("سبعين", 70),
    ("ثمانون", 80),
    ("ثمانين", 80),
    ("تسعون", 90),
    ("تسعين", 90),
];

const HUNDREDS: &[(&str, u32)] = &[
    ("مايه", 100),
    ("ميه", 100),
    ("ميه", 100),
    ("مايتين", 200),
    ("ميتين", 200),
    ("مايتان", 200),
    ("ميتان", 200),
    ("ثلاثمايه", 300),
    ("ثلاثميه", 300),
    ("اربعمايه", 400),
    ("اربعميه", 400),
    ("خمسمايه", 500),
    ("خمسميه", 500),
    ("الف", 1000),
];

/// Vague quantities: no number, a qualifier.
const VAGUE: &[(&str, Qualifier)] = &[
    ("عشرات", Qualifier::Tens),
    ("العشرات", Qualifier::Tens),
    ("ميات", Qualifier::Hundreds),
    ("الميات", Qualifier::Hundreds),
    ("الاف", Qualifier::Thousands),
    ("عده", Qualifier::Several),
    ("عدد", Qualifier::Several),
    ("عددا", Qualifier::Several),
    ("بعض", Qualifier::Several),
    ("اخرون", Qualifier::Several),
    ("اخرين", Qualifier::Several),
    ("مدنيون", Qualifier::Several),
];

/// The value of a number written as digits or as one number word.
pub fn parse_number_word(w: &str) -> Option<u32> {
    if !w.is_empty() && w.len() <= 7 && w.bytes().all(|b| b.is_ascii_digit()) {
        return w.parse().ok();
    }
    let w = w.strip_prefix("ال").unwrap_or(w);
    UNITS
        .iter()
        .chain(TENS)
        .chain(HUNDREDS)
        .find(|(k, _)| *k == w)
        .map(|&(_, v)| v)
}

const QUALIFIERS: &[(&str, Qualifier)] = &[
    ("اكثر", Qualifier::AtLeast),
    ("ازيد", Qualifier::AtLeast),
    ("يزيد", Qualifier::AtLeast),
    ("يزيد", Qualifier::AtLeast),
    ("يقل", Qualifier::AtLeast),
    ("يتجاوز", Qualifier::AtLeast),
    ("اقل", Qualifier::AtMost),
    ("حوالي", Qualifier::Approx),
    ("نحو", Qualifier::Approx),
    ("قرابه", Qualifier::Approx),
    ("زهاء", Qualifier::Approx),
    ("زها", Qualifier::Approx),
    ("يقارب", Qualifier::Approx),
    ("تقريبا", Qualifier::Approx),
];

/// Words skipped between a qualifier and its number: «ما لا يقل عن».
const QUALIFIER_FILLERS: &[&str] = &["من", "ما", "لا", "عن", "علي", "الي"];

/// Words of a time phrase between a verb and its subject, besides the days:
/// «قُتل مساء السبت …».
const TIME_FILLERS: &[&str] = &[
    "صباح",
    "مسا",
    "فجر",
    "ليل",
    "ليله",
    "ظهر",
    "عصر",
    "يوم",
    "اليوم",
    "امس",
    "الماضي",
    "الفايت",
    "الاول",
];

/// A word of a time phrase: «مساء», «أمس», a weekday.
fn is_time_word(w: &str) -> bool {
    TIME_FILLERS.contains(&w) || marsad_arabic::WEEKDAYS.contains(&w)
}

/// Cue words before a count phrase. `true` for verbs, whose subject may stand
/// between the verb and the count of an active sentence.
const CUES: &[(&str, CountKind, bool)] = &[
    ("مقتل", CountKind::Killed, false),
    ("قتل", CountKind::Killed, true),
    ("قتلت", CountKind::Killed, true),
    ("قتلوا", CountKind::Killed, true),
    ("مصرع", CountKind::Killed, false),
    ("استشهاد", CountKind::Killed, false),
    ("استشهد", CountKind::Killed, false),
    ("استشهدت", CountKind::Killed, false),
    ("لقي", CountKind::Killed, false),
    ("لقيت", CountKind::Killed, false),
    ("توفي", CountKind::Killed, false),
    // «فارق شاب الحياة», «فارق الحياة طفلان».
    ("فارق", CountKind::Killed, true),
    ("فارقت", CountKind::Killed, true),
    ("قضي", CountKind::Killed, true),
    ("وفاه", CountKind::Killed, false),
    ("سقوط", CountKind::Killed, false),
    ("بحياه", CountKind::Killed, false),
    ("حصيله", CountKind::Killed, false),
    // «حصدت الغارة أرواح ثمانية مدنيين», «أودت بأرواح».
    ("ارواح", CountKind::Killed, false),
    // «راح ضحيتها 3 مدنيين».
    ("ضحيته", CountKind::Killed, false),
    ("ضحيتها", CountKind::Killed, false),
    ("اصابه", CountKind::Injured, false),
    ("اصابات", CountKind::Injured, false),
    ("اصيب", CountKind::Injured, false),
    ("اصيبت", CountKind::Injured, false),
    ("جرح", CountKind::Injured, true),
    ("جرحت", CountKind::Injured, true),
    ("اعتقال", CountKind::Arrested, false),
    ("اعتقالات", CountKind::Arrested, false),
    ("اعتقلت", CountKind::Arrested, true),
    ("اعتقل", CountKind::Arrested, true),
    ("اعتقلوا", CountKind::Arrested, true),
    ("احتجاز", CountKind::Arrested, false),
    ("احتجزت", CountKind::Arrested, true),
    ("احتجز", CountKind::Arrested, true),
    ("توقيف", CountKind::Arrested, false),
    ("اوقفت", CountKind::Arrested, true),
    ("اوقف", CountKind::Arrested, true),
    // «اقتادت الدورية سبعة شبان إلى جهة مجهولة».
    ("اقتادت", CountKind::Arrested, true),
    ("اقتاد", CountKind::Arrested, true),
    ("اقتادوا", CountKind::Arrested, true),
    ("القبض", CountKind::Arrested, false),
];

/// «ما أدى إلى مقتله», «أصيب سائقه»: one person, the one the text is
/// about; «ما أدى لمقتلهما»: the two it is about.
const CUE_WITH_PRONOUN: &[(&str, CountKind, u32)] = &[
    ("مقتله", CountKind::Killed, 1),
    ("مقتلها", CountKind::Killed, 1),
    ("استشهاده", CountKind::Killed, 1),
    ("مصرعه", CountKind::Killed, 1),
    ("وفاته", CountKind::Killed, 1),
    ("اصابته", CountKind::Injured, 1),
    ("اعتقاله", CountKind::Arrested, 1),
    ("اعتقالها", CountKind::Arrested, 1),
    ("مقتلهما", CountKind::Killed, 2),
    ("استشهادهما", CountKind::Killed, 2),
    ("مصرعهما", CountKind::Killed, 2),
    ("وفاتهما", CountKind::Killed, 2),
    ("اصابتهما", CountKind::Injured, 2),
    ("اعتقالهما", CountKind::Arrested, 2),
];

/// Verbs after a count phrase: «ستة أشخاص قتلوا»; and the life lost
/// after it: «فقد طفل حياته», «خسر ثلاثة مدنيين حياتهم».
const AFTER_VERBS: &[(&str, CountKind)] = &[
    ("حياته", CountKind::Killed),
    ("حياتها", CountKind::Killed),
    ("حياتهم", CountKind::Killed),
    ("حياتهما", CountKind::Killed),
    ("حياتهن", CountKind::Killed),
    ("قتلوا", CountKind::Killed),
    ("قتلا", CountKind::Killed),
    ("قضوا", CountKind::Killed),
    ("لقوا", CountKind::Killed),
    ("استشهدوا", CountKind::Killed),
    ("سقطوا", CountKind::Killed),
    ("اصيبوا", CountKind::Injured),
    ("جرحوا", CountKind::Injured),
    ("اعتقلوا", CountKind::Arrested),
];

/// Nouns after a number that say what is counted: «23 قتيلاً».
const KIND_NOUNS: &[(&str, CountKind)] = &[
    ("قتيلا", CountKind::Killed),
    ("قتلي", CountKind::Killed),
    ("قتيل", CountKind::Killed),
    ("شهيدا", CountKind::Killed),
    ("شهدا", CountKind::Killed),
    ("شهيد", CountKind::Killed),
    ("ضحيه", CountKind::Killed),
    ("ضحايا", CountKind::Killed),
    ("جثث", CountKind::Killed),
    ("جثه", CountKind::Killed),
    ("جريحا", CountKind::Injured),
    ("جرحي", CountKind::Injured),
    ("جريح", CountKind::Injured),
    ("مصابا", CountKind::Injured),
    ("مصابين", CountKind::Injured),
    ("مصاب", CountKind::Injured),
    ("اصابه", CountKind::Injured),
    ("اصابات", CountKind::Injured),
    ("معتقلا", CountKind::Arrested),
    ("معتقلين", CountKind::Arrested),
    ("معتقل", CountKind::Arrested),
    ("موقوفا", CountKind::Arrested),
    ("موقوفين", CountKind::Arrested),
];

/// Defined kind nouns of a toll that is updated: «ارتفعت حصيلة القتلى إلى 20».
const TOLL_NOUNS: &[(&str, CountKind)] = &[
    ("القتلي", CountKind::Killed),
    ("الضحايا", CountKind::Killed),
    ("الشهدا", CountKind::Killed),
    ("الجرحي", CountKind::Injured),
    ("المصابين", CountKind::Injured),
    ("الاصابات", CountKind::Injured),
    ("المعتقلين", CountKind::Arrested),
    ("الموقوفين", CountKind::Arrested),
    // In construct, before what killed them: «عدد قتلى الغارات».
    ("قتلي", CountKind::Killed),
    ("ضحايا", CountKind::Killed),
    ("شهدا", CountKind::Killed),
    ("جرحي", CountKind::Injured),
    ("مصابي", CountKind::Injured),
    ("معتقلي", CountKind::Arrested),
];

/// «القتلى», «قتلى», «الجرحى»: the noun of a toll, defined or in construct
/// («حصيلة قتلى الهجوم»).
pub(crate) fn is_toll_noun(w: &str) -> bool {
    lookup(TOLL_NOUNS, w).is_some()
}

/// Dual kind nouns: «سقوط قتيلين» is two killed.
const KIND_DUALS: &[(&str, CountKind)] = &[
    ("قتيلين", CountKind::Killed),
    ("قتيلان", CountKind::Killed),
    ("شهيدين", CountKind::Killed),
    ("شهيدان", CountKind::Killed),
    ("جريحين", CountKind::Injured),
    ("جريحان", CountKind::Injured),
    ("مصابين", CountKind::Injured),
    // «العثور على جثتي شابين».
    ("جثتي", CountKind::Killed),
    ("جثتين", CountKind::Killed),
    ("جثتان", CountKind::Killed),
];

/// Singular kind nouns: «سقوط قتيل» is one killed.
const KIND_SINGULARS: &[(&str, CountKind)] = &[
    ("قتيل", CountKind::Killed),
    ("شهيد", CountKind::Killed),
    ("جريح", CountKind::Injured),
];

/// People nouns: (singular, its plural is broken). Duals are the singular
/// with «ين»/«ان»; where the plural is sound (مدني → مدنيين) the «ين» form is
/// a dual only when the text marks it («مقاتلَين») or says «اثنين».
const PEOPLE: &[(&str, bool)] = &[
    ("شخص", true),
    ("عنصر", true),
    ("طفل", true),
    ("طفله", true),
    ("شاب", true),
    ("رجل", true),
    ("امراه", true),
    ("امراته", true),
    ("سيده", true),
    ("فتي", true),
    ("فتاه", true),
    ("جندي", true),
    ("ضابط", true),
    ("قايد", true),
    ("فرد", true),
    ("عامل", true),
    ("طالب", true),
    ("حارس", true),
    ("مسن", false),
    ("مدني", false),
    ("مواطن", false),
    ("مقاتل", false),
    ("عسكري", false),
    ("قيادي", false),
    ("مسلح", false),
    ("موظف", false),
    ("سايق", false),
    ("لاجي", false),
    ("نازح", false),
    ("نازحه", false),
    ("مزارع", false),
    ("ناشط", false),
    ("صحفي", false),
    ("راع", false),
    ("معلم", false),
    ("طبيب", true),
    ("مسوول", false),
    ("متطوع", false),
    ("مرافق", false),
    ("مساعد", false),
    ("معاون", false),
    ("مطلوب", false),
    ("عضو", true),
    ("زوج", true),
    ("زوجه", true),
    ("ابن", true),
    ("ابنه", true),
    ("شقيق", true),
    ("شقيقه", true),
    ("اخت", true),
    ("والد", true),
    ("والده", true),
    ("حفيد", true),
    ("وجيه", true),
    // Fighters as official statements and their opponents name them:
    // «مقتل 37 إرهابياً», «اعتقال 5 متهمين».
    ("ارهابي", false),
    ("داعشي", false),
    ("متشدد", false),
    ("جهادي", false),
    ("مرتزق", false),
    ("مجند", false),
    ("مهاجم", false),
    ("متهم", false),
    ("مهرب", false),
    ("شرطي", false),
    ("مسعف", false),
    ("ممرض", false),
    ("منشق", false),
    ("راعي", false),
    ("اسير", true),
    ("سجين", true),
    ("عميل", true),
    ("تاجر", true),
    // «القبض على المدعو …»: one person, named.
    ("مدعو", false),
    ("مدعوه", false),
    ("مشتبه", false),
];

/// Plural people nouns (broken plurals and the sound plurals above).
const PEOPLE_PLURALS: &[&str] = &[
    "اشخاص",
    "عناصر",
    "اطفال",
    "شبان",
    "شباب",
    "رجال",
    "نسا",
    "جنود",
    "ضباط",
    "قاده",
    "قادات",
    "افراد",
    "عمال",
    "طلاب",
    "حراس",
    "ابنا",
    "اعضا",
    "مواطنين",
    "مواطنون",
    "مدنيين",
    "مدنيون",
    "مقاتلين",
    "مقاتلون",
    "عسكريين",
    "قياديين",
    "مسلحين",
    "مسلحون",
    "موظفين",
    "سايقين",
    "لاجيين",
    "نازحين",
    "مزارعين",
    "ناشطين",
    "صحفيين",
    "مسنين",
    "متطوعين",
    "مطلوبين",
    "مدنين",
    "ارهابيين",
    "ارهابيون",
    "داعشيين",
    "دواعش",
    "متشددين",
    "متشددون",
    "جهاديين",
    "جهاديون",
    "مرتزقه",
    "مجندين",
    "مهاجمين",
    "متهمين",
    "مهربين",
    "شرطيين",
    "مسعفين",
    "ممرضين",
    "منشقين",
    "اسري",
    "سجنا",
    "عملا",
    "تجار",
    "اهالي",
    "سكان",
    "وجها",
    "اشقا",
    "اخوه",
    // The broken plurals of the singulars above: «ثلاثة من رعاة المواشي».
    "رعاه",
    "رعيان",
    "فتيان",
    "فتيات",
    "سيدات",
    "اطبا",
];

/// Words that open a phrase set off by commas inside a clause: «،
/// بدعم من التحالف الدولي،», «، بحسب مصادر محلية،».
const ASIDES: &[&str] = &[
    "بدعم",
    "بمسانده",
    "بمشاركه",
    "بالتعاون",
    "بالتنسيق",
    "بغطا",
    "وفق",
    "وفقا",
    "بحسب",
    "حسب",
    "نقلا",
];

/// Armed forces and groups, whose members a number counts: «ثلاثة من
/// قسد», «أربعة من قوات النظام».
const FORCES: &[&str] = &[
    "قوات",
    "القوات",
    "قسد",
    "الجيش",
    "جيش",
    "الميليشيات",
    "ميليشيات",
    "الميليشيا",
    "ميليشيا",
    "المليشيات",
    "مليشيات",
    "الحرس",
    "التنظيم",
    "تنظيم",
    "داعش",
    "الفصايل",
    "فصايل",
    "الفصيل",
    "العشاير",
    "عشيره",
    "الامن",
    "الشرطه",
    "الحشد",
    "حزب",
    "صفوف",
    "افراد",
    "منتسبي",
];

/// Markers of a breakdown of the figure just given: «مقتل 5 بينهم طفلان».
const SUBSET: &[&str] = &[
    "بينهم",
    "بينهن",
    "منهم",
    "منهن",
    "وهم",
    "وهن",
    "غالبيتهم",
    "معظمهم",
    "اغلبهم",
    "جميعهم",
    "بينها",
    "اغلبيتهم",
];

/// Words after which more victims are added: «بالإضافة إلى طفلين».
fn additive_at(toks: &[Token], i: usize) -> Option<usize> {
    let w = toks.get(i)?.text.as_str();
    let next = toks.get(i + 1).map(|t| t.text.as_str());
    match (w, next) {
        ("بالاضافه" | "اضافه" | "وبالاضافه", Some("الي" | "لـ" | "ل")) => {
            Some(2)
        }
        ("فضلا", Some("عن")) => Some(2),
        ("علاوه", Some("علي")) => Some(2),
        _ => None,
    }
}

pub(crate) fn strip_conj(w: &str) -> &str {
    w.strip_prefix(['و', 'ف'])
        .filter(|r| r.chars().count() > 2)
        .unwrap_or(w)
}

/// A cue word (with its و/ف/ب/ل clitic peeled) and whether it is a verb.
fn cue(w: &str) -> Option<(CountKind, bool)> {
    let find = |x: &str| CUE_MAP.get(x).copied();
    find(w).or_else(|| {
        let bare = strip_conj(w);
        find(bare).or_else(|| {
            bare.strip_prefix(['ب', 'ل'])
                .filter(|r| r.chars().count() > 2)
                .and_then(|r| find(r).filter(|(_, verb)| !verb))
        })
    })
}

fn pronoun_cue(w: &str) -> Option<(CountKind, u32)> {
    let bare = strip_conj(w);
    let bare = bare
        .strip_prefix(['ب', 'ل'])
        .filter(|r| r.chars().count() > 3)
        .unwrap_or(bare);
    CUE_WITH_PRONOUN
        .iter()
        .find(|(k, _, _)| *k == bare)
        .map(|&(_, c, n)| (c, n))
}

fn lookup<T: Copy>(list: &[(&str, T)], w: &str) -> Option<T> {
    let bare = strip_conj(w);
    list.iter()
        .find(|(k, _)| *k == w || *k == bare)
        .map(|&(_, c)| c)
}

/// People nouns by singular form: whether its plural is broken.
static PEOPLE_MAP: std::sync::LazyLock<rustc_hash::FxHashMap<&'static str, bool>> =
    std::sync::LazyLock::new(|| PEOPLE.iter().copied().collect());
static PEOPLE_PLURAL_SET: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
    std::sync::LazyLock::new(|| PEOPLE_PLURALS.iter().copied().collect());
static CUE_MAP: std::sync::LazyLock<rustc_hash::FxHashMap<&'static str, (CountKind, bool)>> =
    std::sync::LazyLock::new(|| CUES.iter().map(|&(w, k, v)| (w, (k, v))).collect());

/// How many people a people noun says by itself: 1 (singular), 2 (dual),
/// `None` for a plural (it says "some"), or not a people noun at all.
enum Head {
    Count(u32),
    Plural,
}

fn people_head(w: &str, original: impl Fn() -> String) -> Option<Head> {
    // «فتيات» is whole, not «ف» + «تيات»; «والدته» is «والدة» + «ه», not
    // «و» + «الدته».
    head_of(w, &original).or_else(|| {
        let bare = strip_conj(w);
        (bare != w).then(|| head_of(bare, &original)).flatten()
    })
}

fn head_of(w: &str, original: &impl Fn() -> String) -> Option<Head> {
    // «إصابة سائقه»: his driver, one person; «أطفالها»: her children.
    if let Some(stem) = ["ه", "ها", "هم"]
        .iter()
        .find_map(|s| w.strip_suffix(s))
        .filter(|s| s.chars().count() >= 3)
    {
        if PEOPLE_MAP.contains_key(stem) {
            return Some(Head::Count(1));
        }
        if PEOPLE_PLURAL_SET.contains(stem) {
            return Some(Head::Plural);
        }
        // «زوجته», «ابنتها»: a feminine noun keeps its «ت» before the
        // pronoun.
        if let Some(fem) = stem.strip_suffix('ت') {
            if PEOPLE_MAP.contains_key(format!("{fem}ه").as_str()) {
                return Some(Head::Count(1));
            }
        }
        // «طفليها»: a dual in construct, where the plural is broken;
        // «مرافقيه»: a sound plural or a dual.
        if let Some(broken) = stem.strip_suffix('ي').and_then(|m| PEOPLE_MAP.get(m)) {
            return Some(if *broken {
                Head::Count(2)
            } else {
                Head::Plural
            });
        }
    }
    let w = w
        .strip_prefix("ال")
        .filter(|r| r.chars().count() > 2)
        .unwrap_or(w);
    // Accusative «شخصاً», «عنصراً» after numbers 11-99 are singular forms.
    let sing = |x: &str| PEOPLE_MAP.get(x).copied();
    if sing(w).is_some() || w.strip_suffix('ا').and_then(sing).is_some() {
        return Some(Head::Count(1));
    }
    // «عنصري أمن», «ضابطي شرطة»: a dual in construct, where the plural is
    // broken (a sound plural in construct, «مقاتلي التنظيم», is many).
    // Only nouns whose «ـي» is not also an adjective («شخصي», «فردي») or
    // «my» in a quote («ابني»).
    const DUAL_IN_CONSTRUCT: &[&str] =
        &["عنصر", "طفل", "شاب", "رجل", "ضابط", "قايد", "حارس", "طبيب"];
    if w.strip_suffix('ي')
        .is_some_and(|s| DUAL_IN_CONSTRUCT.contains(&s))
    {
        return Some(Head::Count(2));
    }
    if PEOPLE_PLURAL_SET.contains(w) {
        // A sound plural is also the written dual: «مقاتلَين» with its fatha.
        if w.ends_with("ين") && {
            let o = original();
            o.contains("\u{064E}ي") && o.ends_with('ن')
        } {
            return Some(Head::Count(2));
        }
        return Some(Head::Plural);
    }
    for suffix in ["ين", "ان", "تين", "تان"] {
        if let Some(stem) = w.strip_suffix(suffix) {
            let found = sing(stem)
                .or_else(|| suffix.starts_with('ت').then(|| sing(&format!("{stem}ه")))?);
            match found {
                Some(true) => return Some(Head::Count(2)),
                Some(false) if suffix == "ان" || suffix == "تان" => {
                    return Some(Head::Count(2))
                }
                Some(false) if original().contains('\u{064E}') => return Some(Head::Count(2)),
                Some(false) => return Some(Head::Plural),
                None => {}
            }
        }
    }
    None
}

/// Whether `w` names one or two people («شخص», «شاباً», «مدنيين» as a
/// written dual), not a group.
pub(crate) fn names_a_person(w: &str) -> bool {
    matches!(people_head(w, String::new), Some(Head::Count(_)))
}

/// Reads a number at token `i`: «4», «أربعة», «خمسة وعشرين», «أحد عشر»,
/// «مئة وخمسون». Returns the value and how many tokens it used.
fn number_at(toks: &[Token], i: usize) -> Option<(u32, usize)> {
    let raw = toks.get(i)?.text.as_str();
    // «و13 مصاباً», «وثلاثة ضباط»: the conjunction sticks to the number
    // («واحد» is a number by itself).
    let after_and = raw.strip_prefix('و');
    if let Some(r) = after_and.filter(|r| r.starts_with(|c: char| c.is_ascii_digit())) {
        let (digits, _) = split_digits(r);
        return Some((digits.parse().ok()?, 1));
    }
    let (digits, _) = split_digits(raw);
    if !digits.is_empty() {
        return Some((digits.parse().ok()?, 1));
    }
    let v = parse_number_word(raw).or_else(|| after_and.and_then(parse_number_word))?;
    let next = |k: usize| toks.get(i + k).filter(|t| !t.breaks && t.gap.is_empty());
    // «أحد عشر», «ثلاثة عشر», «اثنا عشر».
    if v < 10 {
        if let Some(n) = next(1) {
            if matches!(n.text.as_str(), "عشر" | "عشره") {
                return Some((v + 10, 2));
            }
        }
    }
    // «خمسة وعشرين», «مئة وخمسون».
    let mut total = v;
    let mut used = 1;
    while let Some(n) = next(used) {
        let Some(part) = n.text.strip_prefix('و').and_then(parse_number_word) else {
            break;
        };
        if part >= total && total >= 10 || part == total {
            break;
        }
        total += part;
        used += 1;
    }
    Some((total, used))
}

/// «15شهيدا»: digits glued to the word after them.
fn split_digits(w: &str) -> (&str, &str) {
    let n = w.bytes().take_while(u8::is_ascii_digit).count();
    w.split_at(n)
}

/// One count phrase: its value (`None` for a vague one), qualifier, and the
/// token after it.
struct Phrase {
    value: Option<u32>,
    qualifier: Qualifier,
    end: usize,
    /// The phrase named people («شخصاً», «عنصرين») or a kind noun.
    headed: bool,
    /// The kind noun after the number, if any («قتيلاً»).
    kind: Option<CountKind>,
}

impl Phrase {
    /// A count said by the one word at `j` («آخران», «قتيل»): `n`, exact.
    fn word(j: usize, n: u32, kind: Option<CountKind>) -> Self {
        Phrase {
            value: Some(n),
            qualifier: Qualifier::Exact,
            end: j + 1,
            headed: true,
            kind,
        }
    }
}

struct Parser<'a> {
    toks: &'a [Token],
    chars: &'a [char],
}

impl Parser<'_> {
    fn word(&self, i: usize) -> &str {
        self.toks.get(i).map(|t| t.text.as_str()).unwrap_or("")
    }

    /// A comma before word `i` that opens or closes a phrase set off between
    /// the subject and the object: a time («اعتقلت القوات، مساء الأحد،
    /// ثلاثة شبان») or who helped or told («، بدعم من التحالف الدولي،»).
    fn set_off(&self, i: usize) -> bool {
        let opens = |k: usize| {
            let w = strip_conj(self.word(k));
            is_time_word(w) || ASIDES.contains(&w)
        };
        opens(i)
            || (i.saturating_sub(6)..i)
                .any(|k| self.toks[k].gap.contains(',') && self.joined(k) && opens(k))
    }

    /// How many words a phrase set off by commas takes among words
    /// `from..to`: they do not count towards a subject's length.
    fn aside_len(&self, from: usize, to: usize) -> usize {
        (from..to)
            .find(|&k| self.joined(k) && self.toks[k].gap.contains(',') && self.set_off(k))
            .and_then(|open| {
                (open + 1..open + 8)
                    .take_while(|&k| self.joined(k))
                    .find(|&k| self.toks[k].gap.contains(','))
                    .map(|close| close - open)
            })
            .unwrap_or(0)
    }

    /// The token at `i` starts a new phrase of the same sentence (no full stop
    /// before it).
    fn joined(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| !t.breaks)
    }

    fn original(&self, i: usize) -> String {
        let t = &self.toks[i];
        self.chars[t.start..t.end.min(self.chars.len())]
            .iter()
            .collect()
    }

    /// A qualifier before a number: «أكثر من», «ما لا يقل عن», «نحو».
    fn qualifier_before(&self, mut i: usize) -> (Qualifier, usize) {
        let mut q = Qualifier::Exact;
        for _ in 0..4 {
            if !self.joined(i) {
                break;
            }
            let w = self.word(i);
            if let Some(x) = lookup(QUALIFIERS, w) {
                q = x;
                i += 1;
            } else if QUALIFIER_FILLERS.contains(&w)
                && (q != Qualifier::Exact || matches!(w, "ما" | "لا"))
            {
                i += 1;
            } else {
                break;
            }
        }
        (q, i)
    }

    /// «على الأقل», «تقريباً» after a phrase.
    fn qualifier_after(&self, i: usize, q: Qualifier) -> (Qualifier, usize) {
        match (self.word(i), self.word(i + 1)) {
            ("علي", "الاقل") if self.joined(i) => (Qualifier::AtLeast, i + 2),
            ("تقريبا", _) if self.joined(i) => (Qualifier::Approx, i + 1),
            _ => (q, i),
        }
    }

    /// A toll that rises: «ارتفعت حصيلة القتلى إلى 20 شخصاً», «ارتفع عدد
    /// الجرحى إلى 12» (its kind before «إلى»), «وارتفع (بذلك) إلى ستة عدد
    /// الذين قتلوا» (its kind after the figure). The kind, the figure, its
    /// qualifier and the word after it.
    fn raised_toll(&self, i: usize) -> Option<(CountKind, Option<u32>, Qualifier, usize)> {
        let w = self.word(i);
        if let Some(kind) = lookup(TOLL_NOUNS, w) {
            // «ارتفعت حصيلة القتلى جراء الغارة على بلدة … إلى سبعة»: after
            // a verb of rising the cause may stand between, and the first
            // «إلى» a number follows is the toll's.
            let verb = (i.saturating_sub(3)..i).find_map(|k| {
                match strip_conj(self.word(k)) {
                    "ارتفع" | "ارتفعت" | "ارتفاع" | "يرتفع" | "ترتفع" | "ليرتفع" | "لترتفع"
                    | "وصل" | "وصلت" | "ليصل" | "لتصل" => Some(false),
                    // «بلغت حصيلة القتلى … 12»: reached, without «إلى».
                    "بلغ" | "بلغت" | "ليبلغ" | "لتبلغ" => Some(true),
                    _ => None,
                }
            });
            let reach = if verb.is_some() { 12 } else { 4 };
            let words =
                || (i + 1..(i + reach).min(self.toks.len())).take_while(|&k| self.joined(k));
            if verb == Some(true) {
                return words().find_map(|k| {
                    let (v, n) = number_at(self.toks, k)?;
                    let (q, end) = self.qualifier_after(k + n, Qualifier::Exact);
                    Some((kind, Some(v), q, end))
                });
            }
            return words()
                .filter(|&k| self.toks[k].text == "الي")
                .filter(|&to| to < i + 4 || number_at(self.toks, to + 1).is_some())
                .find_map(|to| self.raised_to(Some(kind), to));
        }
        if !matches!(strip_conj(w), "ارتفع" | "ارتفعت") {
            return None;
        }
        let to = i + 1 + usize::from(matches!(self.word(i + 1), "بذلك" | "بهذا"));
        if self.word(to) != "الي" || !self.joined(to) {
            return None;
        }
        self.raised_to(None, to)
    }

    /// The figure after the «إلى» at `to` of a rising toll, and its kind
    /// (`kind` or named after the figure).
    fn raised_to(
        &self,
        kind: Option<CountKind>,
        to: usize,
    ) -> Option<(CountKind, Option<u32>, Qualifier, usize)> {
        // The number may stand alone: «إلى خمسة بعد وفاة …».
        let (q, j) = self.qualifier_before(to + 1);
        let (value, qualifier, end, noun) = self
            .coordinated(to + 1)
            .filter(|ph| ph.value.is_some())
            .map(|ph| (ph.value, ph.qualifier, ph.end, ph.kind))
            .or_else(|| {
                number_at(self.toks, j)
                    .filter(|_| self.joined(j))
                    .map(|(v, n)| (Some(v), q, j + n, None))
            })?;
        let kind = kind.or(noun).or_else(|| {
            (end..end + 6)
                .take_while(|&k| self.joined(k))
                .find_map(|k| {
                    let x = self.word(k);
                    lookup(TOLL_NOUNS, x)
                        .or_else(|| lookup(AFTER_VERBS, x))
                        .or_else(|| lookup(KIND_NOUNS, x))
                })
        })?;
        Some((kind, value, qualifier, end))
    }

    /// A count phrase at `i`, without coordination.
    fn phrase(&self, i: usize) -> Option<Phrase> {
        if !self.joined(i) && i > 0 {
            return None;
        }
        let (q, j) = self.qualifier_before(i);
        let w = self.word(j);
        if let Some(p) = self.one_of(j, q) {
            return Some(p);
        }
        if let Some((v, n)) = number_at(self.toks, j) {
            return self.numbered(j, q, v, n);
        }
        if let Some(vq) = lookup(VAGUE, w) {
            return Some(self.vague(j, q, vq));
        }
        if j != i {
            return None;
        }
        self.without_number(j)
    }

    /// «أحد عناصر الفرقة» is one.
    fn one_of(&self, j: usize, q: Qualifier) -> Option<Phrase> {
        if matches!(strip_conj(self.word(j)), "احد" | "احدي") && self.joined(j + 1) {
            if let Some(Head::Plural) = people_head(self.word(j + 1), || self.original(j + 1)) {
                return Some(Phrase {
                    value: Some(1),
                    qualifier: q,
                    end: j + 2,
                    headed: true,
                    kind: None,
                });
            }
        }
        None
    }

    /// A number of `n` tokens at `j` with value `v`, and the noun it counts;
    /// `None` when what it counts is no toll.
    fn numbered(&self, j: usize, q: Qualifier, v: u32, n: usize) -> Option<Phrase> {
        let w = self.word(j);
        let mut end = j + n;
        let (digits, glued) = split_digits(strip_conj(w));
        let glued = if digits.is_empty() { "" } else { glued };
        let noun_at = |k: usize| -> Option<&str> {
            if !glued.is_empty() && k == j + n {
                return Some(glued);
            }
            (self.joined(k) && !self.toks[k].gap.contains(',')).then(|| self.word(k))
        };
        let mut headed = false;
        let mut kind = None;
        let glued_noun = !glued.is_empty();
        // «مقتل 4 وإصابة 11»: a noun with «و» is the next count's, not
        // what this number counts.
        let coordinated = |noun: &str| noun.starts_with('و') && strip_conj(noun) != noun;
        if let Some(noun) = noun_at(end).filter(|n| glued_noun || !coordinated(n)) {
            if let Some(k) = lookup(KIND_NOUNS, noun) {
                kind = Some(k);
                headed = true;
                if !glued_noun {
                    end += 1;
                }
            } else if people_head(noun, String::new).is_some() {
                headed = true;
                if !glued_noun {
                    end += 1;
                }
            } else if matches!(
                noun,
                "اخرين" | "اخرون" | "اخري" | "اخران" | "اخريان" | "اخرتان"
            ) {
                headed = true;
                end += 1;
            }
        }
        // «خمسة من عناصر الحاجز», «ثلاثة من قسد», «اثنان من الميليشيات».
        if !headed && self.word(end) == "من" && self.joined(end) {
            let of = self.word(end + 1);
            headed = people_head(of, String::new).is_some() || FORCES.contains(&strip_conj(of));
        }
        // Not a toll: «3 سيارات», «(96 كم», a year.
        if !headed {
            let next = self.word(end);
            let ok = !self.joined(end)
                || next.is_empty()
                || matches!(next, "علي" | "بينهم" | "منهم")
                || cue(next).is_some()
                || self.toks[end].gap.contains(',')
                || lookup(AFTER_VERBS, next).is_some()
                // «وأصيب اثنان بانفجار»: the people go without saying.
                || (v <= 500 && self.ends_a_count(end));
            if !ok || v > 5000 {
                return None;
            }
        }
        let (q, end) = self.qualifier_after(end, q);
        // «أكثر من 150 بين قتيل وجريح»: killed and injured together.
        if self.word(end) == "بين" && self.joined(end) {
            return None;
        }
        Some(Phrase {
            value: Some(v),
            qualifier: q,
            end,
            headed,
            kind,
        })
    }

    /// Whether the word at `k` ends a count rather than naming what it
    /// counts: nothing joined, or a preposition that tells where, how or
    /// why («بجروح», «بانفجار», «في», «جراء», «إثر»).
    fn ends_a_count(&self, k: usize) -> bool {
        let w = self.word(k);
        !self.joined(k)
            || w.is_empty()
            || matches!(w, "في" | "جراء" | "اثر" | "خلال" | "اثناء" | "اليوم" | "امس")
            || (w.starts_with('ب') && w.chars().count() > 3 && !w.starts_with("بالم"))
    }

    /// A vague count at `j` («عشرات», «عدداً من») with its qualifier `vq`.
    fn vague(&self, j: usize, q: Qualifier, vq: Qualifier) -> Phrase {
        let mut end = j + 1;
        if self.word(end) == "من" && self.joined(end) {
            end += 1;
        }
        // «عدداً من المدنيين», «عشرات العناصر»: the noun belongs to the phrase.
        if self.joined(end) && people_head(self.word(end), String::new).is_some() {
            end += 1;
        }
        // «وأصيب آخرون»: a vague «آخرين» after a number is that number.
        Phrase {
            value: None,
            qualifier: if q == Qualifier::Exact { vq } else { q },
            end,
            headed: true,
            kind: None,
        }
    }

    /// A phrase that counts without a number: «آخر», a dual kind noun, a
    /// noun of people that is a count or comes with its number.
    fn without_number(&self, j: usize) -> Option<Phrase> {
        let w = self.word(j);
        // «وأصيب آخران»: two more.
        if matches!(strip_conj(w), "اخران" | "اخريان") {
            return Some(Phrase::word(j, 2, None));
        }
        // «وأصيب آخر»: one more; «وإصابة ثالث»: one more after two, unless
        // the ordinal heads a noun («ثالث هجوم»).
        let ordinal = matches!(
            strip_conj(w),
            "ثالث" | "ثالثه" | "رابع" | "رابعه" | "خامس" | "خامسه"
        ) && self.ends_a_count(j + 1);
        if matches!(strip_conj(w), "اخر" | "اخري") || ordinal {
            return Some(Phrase::word(j, 1, None));
        }
        // «مقتل عائلة مكونة من خمسة أفراد», «القبض على خلية من سبعة
        // أشخاص»: the family's or the group's size.
        if matches!(
            strip_conj(w),
            "عايله" | "اسره" | "خليه" | "مجموعه" | "شبكه" | "عصابه"
        ) {
            let mut k = j + 1;
            if matches!(self.word(k), "مكونه" | "مولفه" | "تتالف" | "تتكون") && self.joined(k)
            {
                k += 1;
            }
            if self.word(k) == "تضم" && self.joined(k) && self.joined(k + 1) {
                if let Some((v, n)) = number_at(self.toks, k + 1) {
                    return self.numbered(k + 1, Qualifier::Exact, v, n);
                }
            }
            if self.word(k) == "من" && self.joined(k) && self.joined(k + 1) {
                if let Some((v, n)) = number_at(self.toks, k + 1) {
                    return self.numbered(k + 1, Qualifier::Exact, v, n);
                }
            }
        }
        // «عن قتيل و3 جرحى», «سقوط قتيل وجريحين»: one; «بين قتيل وجريح»
        // splits a total.
        let split = (1..=2).any(|d| j >= d && self.word(j - d) == "بين");
        if let Some(k) = lookup(KIND_SINGULARS, w).filter(|_| !split) {
            return Some(Phrase::word(j, 1, Some(k)));
        }
        if let Some(k) = lookup(KIND_DUALS, w) {
            return Some(Phrase::word(j, 2, Some(k)));
        }
        match people_head(w, || self.original(j))? {
            Head::Count(n) => {
                // «شخصين اثنين», «طفل واحد»: the number repeats the noun's
                // own count; it is no count of the next kind.
                let repeated = number_at(self.toks, j + 1)
                    .filter(|&(v, _)| {
                        let w = self.toks[j + 1].text.as_str();
                        // «وأحد أطفالها» adds one more: the «و» joins (the
                        // hamza, lost in the normalised «واحد», tells it).
                        let joins = w.starts_with('و')
                            && (parse_number_word(w).is_none()
                                || self.original(j + 1).starts_with("وأ"));
                        v == n && self.joined(j + 1) && !joins
                    })
                    .map_or(0, |(_, len)| len);
                let (q, end) = self.qualifier_after(j + 1 + repeated, Qualifier::Exact);
                Some(Phrase {
                    value: Some(n),
                    qualifier: q,
                    end,
                    headed: true,
                    kind: None,
                })
            }
            // «مقتل مدنيين اثنين», «استشهاد ثمانية» come with their number.
            Head::Plural => {
                if let Some((v, n)) = number_at(self.toks, j + 1).filter(|_| self.joined(j + 1)) {
                    return Some(Phrase {
                        value: Some(v),
                        qualifier: Qualifier::Exact,
                        end: j + 1 + n,
                        headed: true,
                        kind: None,
                    });
                }
                Some(Phrase {
                    value: None,
                    qualifier: Qualifier::Several,
                    end: j + 1,
                    headed: true,
                    kind: None,
                })
            }
        }
    }

    /// Skips what stands between a phrase and a coordinated one: modifiers of
    /// the noun («من قوات قسد», «في صفوف …») up to the next «و» phrase or an
    /// additive marker. Returns the start of the next phrase.
    fn next_coordinated(&self, mut i: usize, additive_reach: usize) -> Option<usize> {
        let limit = i + additive_reach;
        while i < limit.min(self.toks.len()) && self.joined(i) {
            let w = self.word(i);
            if SUBSET.contains(&strip_conj(w)) || SUBSET.contains(&w) {
                return None;
            }
            if cue(w).is_some() || pronoun_cue(w).is_some() || lookup(AFTER_VERBS, w).is_some() {
                return None;
            }
            if let Some(n) = additive_at(self.toks, i) {
                return Some(i + n);
            }
            // «امرأتان وطفل»: the very next word, with its «و».
            if w.starts_with('و') && w.chars().count() > 2 {
                return Some(i);
            }
            if w == "و" {
                return Some(i + 1);
            }
            if additive_reach <= 1 {
                return None;
            }
            i += 1;
        }
        None
    }

    /// A phrase and those coordinated with it; the values add up.
    fn coordinated(&self, i: usize) -> Option<Phrase> {
        let mut first = self.phrase(i)?;
        let mut at = first.end;
        // Victims listed after the first phrase: «7 عناصر … بالإضافة إلى طفلين».
        while let Some(next) = self.next_coordinated(at, if at == first.end { 12 } else { 1 }) {
            // A coordinated phrase must name people, and not start a new count
            // («وإصابة 6» is a cue; «و38 جريحاً» is another kind).
            let Some(p) = self.phrase(next).filter(|p| p.headed) else {
                break;
            };
            if p.kind.is_some() && p.kind != first.kind {
                break;
            }
            first.value = match (first.value, p.value) {
                (Some(a), Some(b)) => Some(a + b),
                (a, None) => a,
                (None, b) => b,
            };
            first.end = p.end;
            at = p.end;
        }
        Some(first)
    }
}

/// «نجا من محاولة اغتيال», «محاولة اغتيال فاشلة»: nobody was killed.
fn failed_attempt(toks: &[Token], i: usize) -> Option<usize> {
    let w = |k: usize| toks.get(i + k).map(|t| strip_conj(&t.text).to_string());
    let attempt = |k: usize| {
        w(k).as_deref() == Some("محاوله")
            && w(k + 1)
                .as_deref()
                .is_some_and(|x| matches!(x, "اغتيال" | "لاغتياله" | "اغتياله" | "قتل" | "لقتله"))
    };
    let first = w(0)?;
    if matches!(first.as_str(), "نجا" | "نجاه" | "نجت") {
        return (1..=10).find(|&k| attempt(k)).map(|k| k + 2);
    }
    if attempt(0) && w(2).as_deref() == Some("فاشله") {
        return Some(3);
    }
    None
}

/// Words that open a denial of a toll: «لم يسفر عن …», «دون وقوع …».
const DENIALS: &[&str] = &["لم", "دون", "بدون", "عدم", "لا"];

/// Words telling that an event had (or had not) a toll: a denial reaches a
/// casualty noun through one of them («لم ينجم عن الهجوم إصابات»), so «لم
/// يُنقل الجرحى» denies nothing.
const OUTCOMES: &[&str] = &[
    "ينجم",
    "تنجم",
    "ينتج",
    "تنتج",
    "يسفر",
    "تسفر",
    "تسجل",
    "يسجل",
    "تسجيل",
    "يتم",
    "وقوع",
    "يقع",
    "تقع",
    "يوقع",
    "توقع",
    "يخلف",
    "تخلف",
    "يود",
    "تود",
    "يودي",
    "تودي",
    "سقوط",
    "يسقط",
    "تسقط",
    "يحدث",
    "تحدث",
    "حدوث",
    "يصب",
    "تصب",
    "اسفر",
    "اسفرت",
];

/// Words that deny knowing the toll, not the toll: «لم يُعرف عدد
/// الضحايا», «لم ترد معلومات عن إصابات».
const UNKNOWN_TOLL: &[&str] = &[
    "ترد",
    "يرد",
    "تتوفر",
    "يتوفر",
    "تتضح",
    "يتضح",
    "تعرف",
    "يعرف",
    "التعرف",
    "معلومات",
    "انباء",
    "تفاصيل",
    "عدد",
    "حجم",
    "حصيله",
    "تحديد",
    "يتبين",
    "تذكر",
    "يذكر",
    "هويه",
    "بعد",
];

/// What «no casualties» denies: the dead and the hurt.
const EVERY_CASUALTY: &[CountKind] = &[CountKind::Killed, CountKind::Injured];

/// The kinds a denied casualty noun covers («إصابات», «ضحايا» and «خسائر
/// بشرية» every casualty; «قتلى» or «جرحى» one kind), given the words
/// after it.
fn denied_kinds(w: &str, next: &str, after: &str) -> Option<&'static [CountKind]> {
    match w {
        "اصابات" | "اصابه" | "ضحايا" => Some(EVERY_CASUALTY),
        "خساير" | "اضرار"
            if matches!(next, "بشريه" | "بالارواح") || (next == "في" && after == "ارواح") =>
        {
            Some(EVERY_CASUALTY)
        }
        "قتلي" => Some(&[CountKind::Killed]),
        "جرحي" | "مصابين" => Some(&[CountKind::Injured]),
        _ => None,
    }
}

/// «ولم يسفر الهجوم عن إصابات بشرية», «دون وقوع خسائر في الأرواح», «لا
/// إصابات», «اقتصرت الأضرار على الماديات»: nobody was killed or hurt.
/// Returns the words the phrase spans and the kinds it sets to 0.
fn no_casualties<'a>(toks: &'a [Token], i: usize) -> Option<(usize, &'static [CountKind])> {
    // A word without its article, and without «و»/«ف» too: «ووقوع» and
    // «وقوع» are both read.
    let forms = |k: usize| -> [&str; 2] {
        let bare = |x: &'a str| -> &'a str {
            x.strip_prefix("ال")
                .filter(|r| r.chars().count() > 2)
                .unwrap_or(x)
        };
        let x = toks.get(k).map_or("", |t| t.text.as_str());
        [bare(x), bare(strip_conj(x))]
    };
    let w = |k: usize| forms(k)[1];
    let among = |k: usize, list: &[&str]| forms(k).iter().any(|f| list.contains(f));
    let same_clause = |k: usize| {
        toks.get(k)
            .is_some_and(|t| !t.breaks && !t.gap.contains([',', ';', ':']))
    };
    let first = w(i);
    if matches!(first, "اقتصرت" | "اقتصر") {
        let material = (i + 1..i + 6)
            .take_while(|&k| same_clause(k))
            .find(|&k| matches!(w(k), "ماديه" | "ماديات"))?;
        return Some((material + 1 - i, EVERY_CASUALTY));
    }
    // «ولم», «ولا»: too short for `strip_conj`.
    let first = first.strip_prefix('و').unwrap_or(first);
    if !DENIALS.contains(&first) {
        return None;
    }
    let mut outcome = false;
    for k in i + 1..i + 8 {
        if !same_clause(k) || among(k, UNKNOWN_TOLL) {
            return None;
        }
        if let Some(kinds) = forms(k)
            .iter()
            .find_map(|f| denied_kinds(f, w(k + 1), w(k + 2)))
        {
            // A denial right before the noun needs no verb: «دون إصابات».
            let direct = (i + 1..k).all(|j| w(j) == "اي");
            return (outcome || direct && first != "لم").then_some((k + 1 - i, kinds));
        }
        outcome |= among(k, OUTCOMES);
    }
    None
}

/// Finds killed / injured / arrested counts in a text.
pub fn find_counts(text: &str) -> Vec<CountMention> {
    let chars: Vec<char> = text.chars().collect();
    counts_in(&tokenize(text), &chars)
}

/// [`find_counts`] over words already read; `chars` is the text they index.
pub(crate) fn counts_in(toks: &[Token], chars: &[char]) -> Vec<CountMention> {
    let p = Parser { toks, chars };
    let mut out: Vec<CountMention> = Vec::new();
    // A phrase read to the end of the text may end past its last word
    // («إصابة 5آخري.», found by fuzzing): a span stops at the last word.
    let span = |start: usize, end: usize| {
        (
            toks[start].start,
            toks[end.clamp(start + 1, toks.len()) - 1].end,
        )
    };
    let mention = |kind, value, qualifier, (start, end): (usize, usize)| CountMention {
        kind,
        value,
        qualifier,
        start,
        end,
        update: false,
    };
    let mut i = 0;
    // After «بينهم», counts break down the figure before: skip to the next cue.
    let mut in_breakdown = false;
    while i < toks.len() {
        let w = toks[i].text.as_str();
        if toks[i].breaks {
            in_breakdown = false;
        }
        if SUBSET.contains(&w) || SUBSET.contains(&strip_conj(w)) {
            in_breakdown = true;
            i += 1;
            continue;
        }
        if let Some(n) = failed_attempt(toks, i) {
            out.push(mention(
                CountKind::Killed,
                Some(0),
                Qualifier::Exact,
                span(i, (i + n).min(toks.len())),
            ));
            i += n;
            continue;
        }
        if let Some((n, kinds)) = no_casualties(toks, i) {
            for &kind in kinds {
                out.push(mention(kind, Some(0), Qualifier::Exact, span(i, i + n)));
            }
            i += n;
            continue;
        }
        if let Some((kind, value, qualifier, end)) = p.raised_toll(i) {
            out.push(CountMention {
                update: true,
                ..mention(kind, value, qualifier, span(i, end))
            });
            i = end;
            continue;
        }
        if let Some((kind, n)) = pronoun_cue(w) {
            in_breakdown = false;
            out.push(mention(kind, Some(n), Qualifier::Exact, span(i, i + 1)));
            i += 1;
            continue;
        }
        if let Some((kind, verb)) = cue(w) {
            in_breakdown = false;
            // «قتل وجرح العشرات», «مقتل وإصابة 30»: no separate figure.
            let next = p.word(i + 1);
            if p.joined(i + 1)
                && next.starts_with('و')
                && (cue(next).is_some() || strip_conj(next).starts_with("اسر"))
            {
                i += 2;
                continue;
            }
            // «ألقى القبض على 5 أشخاص».
            let mut j = i + 1;
            if w.ends_with("القبض") && p.word(j) == "علي" {
                j += 1;
            }
            // «قُتل مساء السبت امرأتان»: a time phrase may come first.
            while j < i + 4 && p.joined(j) && is_time_word(strip_conj(p.word(j))) {
                j += 1;
            }
            let mut ph = p.coordinated(j);
            // An active verb's subject may come first: «اعتقلت القوات الكردية
            // الثلاثاء 53 شخصاً»; then the count must name people.
            if ph.is_none() && verb {
                // «دورية للأمن العسكري»: a definite singular after the
                // subject is its adjective, not one person.
                let adjective = |k: usize, x: &Phrase| {
                    x.value == Some(1) && x.end == k + 1 && strip_conj(p.word(k)).starts_with("ال")
                };
                ph = (j + 1..j + 6 + p.aside_len(j + 1, j + 6))
                    .take_while(|&k| p.joined(k) && (!toks[k].gap.contains(',') || p.set_off(k)))
                    .take_while(|&k| cue(p.word(k)).is_none())
                    .find_map(|k| {
                        p.coordinated(k)
                            .filter(|x| x.headed && x.value.is_some() && !adjective(k, x))
                    });
            }
            // A passive verb's subject may come after where it happened:
            // «أصيب في الهجوم على حاجز البلدة ثلاثة عناصر»; not past a
            // relative clause («… الذي نفذه خمسة مسلحين»).
            if ph.is_none() && !verb && p.word(j) == "في" && p.joined(j) {
                ph = (j + 1..j + 8)
                    .take_while(|&k| p.joined(k) && !toks[k].gap.contains(','))
                    .take_while(|&k| {
                        cue(p.word(k)).is_none()
                            && !matches!(p.word(k), "الذي" | "التي" | "الذين" | "حيث")
                    })
                    .find_map(|k| p.coordinated(k).filter(|x| x.headed && x.value.is_some()));
            }
            // «بعد وفاة ثلاثة جرحى»: wounded who died are dead, not more
            // wounded; a toll just raised already counts them.
            if let Some(x) = ph
                .as_ref()
                .filter(|x| kind == CountKind::Killed && x.kind == Some(CountKind::Injured))
            {
                let raised = out.iter().any(|m| m.update && m.kind == CountKind::Killed);
                if !raised {
                    out.push(mention(kind, x.value, x.qualifier, span(i, x.end)));
                }
                i = x.end.max(i + 1);
                continue;
            }
            if let Some(ph) = ph.filter(|ph| ph.kind.is_none_or(|k| k == kind)) {
                out.push(mention(kind, ph.value, ph.qualifier, span(i, ph.end)));
                i = ph.end.max(i + 1);
                continue;
            }
            i += 1;
            continue;
        }
        if in_breakdown {
            i += 1;
            continue;
        }
        // «ستة أشخاص قتلوا», «12 قتيلاً», «قتيلين».
        let Some(ph) = p.coordinated(i) else {
            i += 1;
            continue;
        };
        let (_, mut after) = p.qualifier_after(ph.end, ph.qualifier);
        // «13 مدنياً بينهم صحفي حياتهم»: who is among them comes between
        // the count and its verb.
        if matches!(p.word(after), "بينهم" | "منهم" | "بينهما" | "بينهن") {
            if let Some(k) = (after + 1..after + 5)
                .take_while(|&k| p.joined(k))
                .find(|&k| lookup(AFTER_VERBS, p.word(k)).is_some())
            {
                after = k;
            }
        }
        let verb = lookup(AFTER_VERBS, p.word(after)).filter(|_| p.joined(after));
        match (ph.kind, verb) {
            (Some(kind), _) => {
                out.push(mention(kind, ph.value, ph.qualifier, span(i, ph.end)));
                i = ph.end;
            }
            (None, Some(kind)) if ph.value.is_some() && ph.headed => {
                out.push(mention(kind, ph.value, ph.qualifier, span(i, after + 1)));
                i = after + 1;
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_count_glued_to_the_last_word_ends_inside_the_text() {
        // Found by fuzzing (tests/fuzz, target extract): the span of the
        // injured count ran one word past the end.
        for text in ["إصابة 5آخري.", "إصابة 5آخرين", "مقتل 3آخرين"] {
            let chars = text.chars().count();
            for m in super::find_counts(text) {
                assert!(m.start <= m.end && m.end <= chars, "{text}: {m:?}");
            }
        }
    }

    use super::*;

    fn counts(t: &str) -> Vec<(CountKind, Option<u32>, Qualifier)> {
        find_counts(t)
            .into_iter()
            .map(|c| (c.kind, c.value, c.qualifier))
            .collect()
    }

    use CountKind::*;
    use Qualifier::*;

    #[test]
    fn digits_words_and_qualifiers() {
        assert_eq!(
            counts("أسفرت عن مقتل 4 أشخاص واعتقال أكثر من عشرين شخصاً"),
            vec![(Killed, Some(4), Exact), (Arrested, Some(20), AtLeast)]
        );
        assert_eq!(
            counts("اعتقلت حوالي 40 شخصاً"),
            vec![(Arrested, Some(40), Approx)]
        );
        assert_eq!(
            counts("ما أدى إلى مقتل ٣ عناصر وإصابة سبعة آخرين"),
            vec![(Killed, Some(3), Exact), (Injured, Some(7), Exact)]
        );
        assert_eq!(
            counts("مقتل ما لا يقل عن 12 مقاتلاً"),
            vec![(Killed, Some(12), AtLeast)]
        );
        assert_eq!(
            counts("مقتل 25 مدنياً على الأقل، وإصابة خمسة آخرين"),
            vec![(Killed, Some(25), AtLeast), (Injured, Some(5), Exact)]
        );
        assert!(counts("تعرض 25 موقعاً للقصف").is_empty());
    }

    #[test]
    fn an_ordinal_after_a_count_is_one_more() {
        assert_eq!(
            counts("أفادت مصادر بمقتل عنصرين من الحرس وإصابة ثالث بجروح"),
            vec![(Killed, Some(2), Exact), (Injured, Some(1), Exact)]
        );
        assert_eq!(
            counts("قتل مدنيان اثنان وجرح ثالث إثر انفجار لغم"),
            vec![(Killed, Some(2), Exact), (Injured, Some(1), Exact)]
        );
        assert_eq!(
            counts("أسفرت عن اعتقال شخصين ومقتل ثالث"),
            vec![(Arrested, Some(2), Exact), (Killed, Some(1), Exact)]
        );
        // An ordinal that heads a noun counts nothing.
        assert_eq!(
            counts("قتل عنصران في ثالث هجوم خلال أسبوع"),
            vec![(Killed, Some(2), Exact)]
        );
    }

    #[test]
    fn kin_and_companions_with_their_pronoun() {
        assert_eq!(
            counts("قتل رجل وأصيبت زوجته وابنته بقصف على القرية"),
            vec![(Killed, Some(1), Exact), (Injured, Some(2), Exact)]
        );
        assert_eq!(
            counts("أدى القصف إلى مقتل القيادي ومرافقيه الثلاثة"),
            vec![(Killed, Some(4), Exact)]
        );
        // «طفليها»: her two children.
        assert_eq!(
            counts("ما أسفر عن مقتل امرأة وإصابة زوجها وطفليها"),
            vec![(Killed, Some(1), Exact), (Injured, Some(3), Exact)]
        );
        // «والدته» begins with the root's «و», not a conjunction.
        assert_eq!(
            counts("قتل طفل وأصيبت والدته وشقيقته بانفجار لغم"),
            vec![(Killed, Some(1), Exact), (Injured, Some(2), Exact)]
        );
    }

    #[test]
    fn fighters_named_as_their_enemies_name_them() {
        assert_eq!(
            counts("أسفرت الغارات عن مقتل 37 إرهابياً بينهم قياديان"),
            vec![(Killed, Some(37), Exact)]
        );
        assert_eq!(
            counts("أعلنت الوزارة القبض على خمسة متهمين"),
            vec![(Arrested, Some(5), Exact)]
        );
        assert_eq!(counts("قتل ثلاثة دواعش"), vec![(Killed, Some(3), Exact)]);
    }

    #[test]
    fn a_group_counts_its_members_and_an_adjective_is_nobody() {
        assert_eq!(
            counts("أعلنت الوزارة القبض على خلية من سبعة أشخاص"),
            vec![(Arrested, Some(7), Exact)]
        );
        assert_eq!(
            counts("ألقت القوات القبض على خلية مؤلفة من خمسة عناصر"),
            vec![(Arrested, Some(5), Exact)]
        );
        assert_eq!(
            counts("اعتقلت دورية للأمن العسكري ثلاثة شبان عند الحاجز"),
            vec![(Arrested, Some(3), Exact)]
        );
    }

    #[test]
    fn an_aside_between_subject_and_object() {
        assert_eq!(
            counts("اعتقلت قوات سوريا الديمقراطية، بدعم من التحالف الدولي، ثلاثة أعضاء في خلية"),
            vec![(Arrested, Some(3), Exact)]
        );
        assert_eq!(
            counts("اعتقلت دورية، مساء الأحد، شابين عند الحاجز"),
            vec![(Arrested, Some(2), Exact)]
        );
        assert_eq!(
            counts("أسفرت الغارة عن مقتل قيادي بارز في التنظيم واثنين من مساعديه"),
            vec![(Killed, Some(3), Exact)]
        );
    }

    #[test]
    fn members_of_forces_counted_and_added() {
        assert_eq!(
            counts("أسفرت الاشتباكات عن مقتل ثلاثة من قسد وأربعة من المسلحين"),
            vec![(Killed, Some(7), Exact)]
        );
        assert_eq!(
            counts("قتل أربعة عناصر من قوات النظام واثنان من الميليشيات في الهجوم"),
            vec![(Killed, Some(6), Exact)]
        );
        assert_eq!(
            counts("فارق شاب الحياة متأثراً بجراحه"),
            vec![(Killed, Some(1), Exact)]
        );
    }

    #[test]
    fn wounded_who_died_are_dead_and_already_in_a_raised_toll() {
        assert_eq!(
            counts("وارتفعت حصيلة القتلى إلى 9 بعد وفاة ثلاثة جرحى"),
            vec![(Killed, Some(9), Exact)]
        );
        assert_eq!(
            counts("توفي ثلاثة جرحى من ضحايا الانفجار"),
            vec![(Killed, Some(3), Exact)]
        );
    }

    #[test]
    fn a_family_counts_its_members_and_two_bodies_are_two_dead() {
        assert_eq!(
            counts("أدى القصف إلى مقتل عائلة مكونة من خمسة أفراد"),
            vec![(Killed, Some(5), Exact)]
        );
        assert_eq!(
            counts("ما أسفر عن مقتل أسرة من ستة أشخاص"),
            vec![(Killed, Some(6), Exact)]
        );
        assert_eq!(
            counts("عثر الأهالي على جثتي شابين في البادية"),
            vec![(Killed, Some(2), Exact)]
        );
    }

    #[test]
    fn one_dead_by_a_singular_kind_noun_and_tolls_after_their_place() {
        assert_eq!(
            counts("أسفر انفجار العبوة عن قتيل و3 جرحى"),
            vec![(Killed, Some(1), Exact), (Injured, Some(3), Exact)]
        );
        assert_eq!(
            counts("أدى الهجوم إلى سقوط قتيل وجريحين"),
            vec![(Killed, Some(1), Exact), (Injured, Some(2), Exact)]
        );
        assert_eq!(
            counts("شنت طائرة مسيرة غارة على البلدة راح ضحيتها 3 مدنيين"),
            vec![(Killed, Some(3), Exact)]
        );
        assert_eq!(
            counts("أصيب في الهجوم على حاجز البلدة ثلاثة عناصر من قسد"),
            vec![(Injured, Some(3), Exact)]
        );
        // The attackers of a relative clause are no toll.
        assert_eq!(
            counts("أصيب بجروح في الهجوم الذي نفذه خمسة مسلحين"),
            Vec::<(CountKind, Option<u32>, Qualifier)>::new()
        );
    }

    #[test]
    fn a_bare_number_after_the_verb_counts_people() {
        assert_eq!(
            counts("لقي ثلاثة عمال حتفهم وأصيب اثنان بانفجار في الحقل"),
            vec![(Killed, Some(3), Exact), (Injured, Some(2), Exact)]
        );
    }

    #[test]
    fn a_toll_raised_after_its_cause() {
        assert_eq!(
            counts("ارتفعت حصيلة القتلى جراء الغارة الجوية على بلدة هجين إلى سبعة أشخاص"),
            vec![(Killed, Some(7), Exact)]
        );
        // «بلغت … 12», «وصل عدد المعتقلين … إلى 30».
        assert_eq!(
            counts("بلغت حصيلة القتلى جراء الغارات على المدينة 12 شخصاً"),
            vec![(Killed, Some(12), Exact)]
        );
        assert_eq!(
            counts("وصل عدد المعتقلين في حملة قسد على البلدة إلى 30 شخصاً"),
            vec![(Arrested, Some(30), Exact)]
        );
        // In construct, before what killed them.
        assert_eq!(
            counts("ارتفع عدد قتلى الغارات على البوكمال إلى سبعة"),
            vec![(Killed, Some(7), Exact)]
        );
        // A destination is no figure, and without a verb of rising the
        // toll noun's «إلى» is near it.
        assert!(counts("ارتفع عدد النازحين من القرية إلى المخيم").is_empty());
        assert!(
            !counts("وأوضح المصدر أن القتلى هم أب وأم وطفلاهما، إضافة إلى شخص من سكان القرية")
                .contains(&(Killed, Some(1), Exact))
        );
    }

    #[test]
    fn listed_victims_add_up() {
        // A number word with its «و», after a singular people noun.
        assert_eq!(
            counts("قُتل مدني وثلاثة ضباط وعنصر من قوات النظام"),
            vec![(Killed, Some(5), Exact)]
        );
        // «أحد أطفالها»: one of her children, with the possessive.
        assert_eq!(
            counts("أدى القصف إلى إصابة امرأة وأحد أطفالها بجروح"),
            vec![(Injured, Some(2), Exact)]
        );
        // «آخران»: two more.
        assert_eq!(
            counts("قتل طفلان وأصيب اثنان آخران بانفجار لغم"),
            vec![(Killed, Some(2), Exact), (Injured, Some(2), Exact)]
        );
        assert_eq!(
            counts("قتل عنصر وأصيب آخران"),
            vec![(Killed, Some(1), Exact), (Injured, Some(2), Exact)]
        );
        // A life lost.
        assert_eq!(
            counts("فقد طفل حياته وأصيبت طفلة بانفجار لغم"),
            vec![(Killed, Some(1), Exact), (Injured, Some(1), Exact)]
        );
        assert_eq!(
            counts("خسر ثلاثة مدنيين حياتهم بالقصف"),
            vec![(Killed, Some(3), Exact)]
        );
        // A person named: «المدعو …».
        assert_eq!(
            counts("ألقت دورية القبض على المدعو سالم الأحمد في السوق"),
            vec![(Arrested, Some(1), Exact)]
        );
        // Who is among them, between the count and the life lost.
        assert_eq!(
            counts("أدى القصف إلى فقدان سبعة مدنيين بينهم طفلان حياتهم"),
            vec![(Killed, Some(7), Exact)]
        );
        // «واحد» is a number, not «و» and a word.
        assert_eq!(
            counts("أسفر الهجوم عن مقتل واحد وعشرين عنصراً"),
            vec![(Killed, Some(21), Exact)]
        );
    }

    #[test]
    fn number_words() {
        assert_eq!(
            counts("قتل ثلاثون شخصا في الانفجار"),
            vec![(Killed, Some(30), Exact)]
        );
        assert_eq!(
            counts("مقتل خمسة وعشرين عنصراً"),
            vec![(Killed, Some(25), Exact)]
        );
        assert_eq!(
            counts("أودى الهجوم بحياة أحد عشر شخصاً ومقتل ثلاثة عشر آخرين"),
            vec![(Killed, Some(11), Exact), (Killed, Some(13), Exact)]
        );
        assert_eq!(
            counts("مقتل عشر عناصر وجرح ستة آخرين"),
            vec![(Killed, Some(10), Exact), (Injured, Some(6), Exact)]
        );
        assert_eq!(
            counts("مقتل مئة وخمسين شخصاً"),
            vec![(Killed, Some(150), Exact)]
        );
    }

    #[test]
    fn a_bare_number_before_the_next_kind() {
        assert_eq!(
            counts("ما أدى إلى مقتل 4 وإصابة 11 آخرين"),
            vec![(Killed, Some(4), Exact), (Injured, Some(11), Exact)]
        );
        assert_eq!(
            counts("أسفر القصف عن مقتل ثلاثة وجرح سبعة"),
            vec![(Killed, Some(3), Exact), (Injured, Some(7), Exact)]
        );
    }

    #[test]
    fn broken_plurals_of_people() {
        assert_eq!(
            counts("قتل ثلاثة من رعاة الأغنام وأصيب خمسة آخرون"),
            vec![(Killed, Some(3), Exact), (Injured, Some(5), Exact)]
        );
        assert_eq!(counts("أصيبت أربع فتيات"), vec![(Injured, Some(4), Exact)]);
    }

    #[test]
    fn kind_nouns_after_numbers() {
        assert_eq!(
            counts("سقط 23 قتيلاً و13 مصاباً"),
            vec![(Killed, Some(23), Exact), (Injured, Some(13), Exact)]
        );
        assert_eq!(
            counts("خلّف القصف أكثر من 15شهيداً وعشرات الجرحى"),
            vec![(Killed, Some(15), AtLeast)]
        );
        assert_eq!(
            counts("أوقع الهجوم (سبعة) قتلى في صفوف العمال"),
            vec![(Killed, Some(7), Exact)]
        );
        assert_eq!(
            counts("وسقط قتيلين في الاشتباك"),
            vec![(Killed, Some(2), Exact)]
        );
    }

    #[test]
    fn counts_before_the_verb() {
        assert_eq!(
            counts("وقال مصدر إن ستة أشخاص قتلوا في التفجير"),
            vec![(Killed, Some(6), Exact)]
        );
        assert_eq!(
            counts("ثلاثة مدنيين لقوا حتفهم في القصف"),
            vec![(Killed, Some(3), Exact)]
        );
        assert_eq!(
            counts("إن 5 اشخاص على الأقل قتلوا وأصيب 7 آخرين"),
            vec![(Killed, Some(5), AtLeast), (Injured, Some(7), Exact)]
        );
    }

    #[test]
    fn duals_and_singulars() {
        assert_eq!(
            counts("مقتل عنصرين وإصابة مدني"),
            vec![(Killed, Some(2), Exact), (Injured, Some(1), Exact)]
        );
        assert_eq!(counts("مقتل مقاتلَين"), vec![(Killed, Some(2), Exact)]);
        assert_eq!(
            counts("مصرع شاب بانفجار لغم"),
            vec![(Killed, Some(1), Exact)]
        );
        assert_eq!(
            counts("قتل طفل وأصيب آخر بجروح"),
            vec![(Killed, Some(1), Exact), (Injured, Some(1), Exact)]
        );
        assert_eq!(
            counts("استشهد طفلان وأصيب 6 مواطنين"),
            vec![(Killed, Some(2), Exact), (Injured, Some(6), Exact)]
        );
        assert_eq!(
            counts("تسبب القصف بمقتل شخصين اثنين وإصابة 3 آخرين بجراح"),
            vec![(Killed, Some(2), Exact), (Injured, Some(3), Exact)]
        );
        assert_eq!(
            counts("أسفر الانفجار عن مقتل طفل واحد وإصابة أربعة"),
            vec![(Killed, Some(1), Exact), (Injured, Some(4), Exact)]
        );
        assert_eq!(
            counts("مقتل مدنيين اثنين وجرح آخرين"),
            vec![(Killed, Some(2), Exact), (Injured, None, Several)]
        );
        assert_eq!(counts("ما أدى لمقتله"), vec![(Killed, Some(1), Exact)]);
        assert_eq!(counts("ما أدى لمقتلهما"), vec![(Killed, Some(2), Exact)]);
        assert_eq!(
            counts("حصدت الغارة أرواح ثمانية مدنيين"),
            vec![(Killed, Some(8), Exact)]
        );
        // A dual in construct; a sound plural in construct is many.
        assert_eq!(
            counts("بمقتل عنصري شرطة وإصابة ثالث"),
            vec![(Killed, Some(2), Exact), (Injured, Some(1), Exact)]
        );
        assert!(!counts("أسفر عن مقتل مقاتلي الفصيل")
            .iter()
            .any(|c| c.1 == Some(2)));
        assert_eq!(
            counts("أدى إلى احتراق الشاحنة وإصابة سائقها بجروح"),
            vec![(Injured, Some(1), Exact)]
        );
    }

    #[test]
    fn coordinated_victims_add_up() {
        assert_eq!(
            counts("قُتل مساء السبت امرأتان وطفل وجرح 8 آخرون"),
            vec![(Killed, Some(3), Exact), (Injured, Some(8), Exact)]
        );
        assert_eq!(
            counts("أسفر عن استشهاد رجل وشاب من القرية"),
            vec![(Killed, Some(2), Exact)]
        );
        assert_eq!(
            counts("مقتل 4 مقاتلين من الفصيل، بالإضافة إلى امرأتين وإصابة ستة آخرين"),
            vec![(Killed, Some(6), Exact), (Injured, Some(6), Exact)]
        );
    }

    #[test]
    fn breakdowns_are_not_more_victims() {
        assert_eq!(
            counts("مقتل 5 مدنيين بينهم طفلان وامرأة"),
            vec![(Killed, Some(5), Exact)]
        );
        assert_eq!(
            counts("مقتل 22 شخصا وهم 12 من العمال و5 من الجنود، وإصابة 3"),
            vec![(Killed, Some(22), Exact), (Injured, Some(3), Exact)]
        );
    }

    #[test]
    fn vague_and_combined_give_no_number() {
        assert_eq!(
            counts("اعتقال العشرات من الشبان"),
            vec![(Arrested, None, Tens)]
        );
        assert_eq!(
            counts("واعتقلت عدداً من المطلوبين"),
            vec![(Arrested, None, Several)]
        );
        assert!(counts("قتل وجرح العشرات في التفجير").is_empty());
        assert!(counts("مقتل وإصابة أكثر من 30 عنصراً").is_empty());
        assert!(counts("أسفر عن سقوط أكثر من 150 بين قتيل وجريح").is_empty());
    }

    #[test]
    fn subjects_between_verb_and_count() {
        assert_eq!(
            counts("اعتقلت القوات الكردية الثلاثاء 53 شخصا في المخيم"),
            vec![(Arrested, Some(53), Exact)]
        );
        assert_eq!(
            counts("ألقت الشرطة القبض على 4 أشخاص"),
            vec![(Arrested, Some(4), Exact)]
        );
    }

    #[test]
    fn updated_tolls_and_other_verbs() {
        assert_eq!(
            counts("وارتفعت حصيلة القتلى إلى 20 شخصاً"),
            vec![(Killed, Some(20), Exact)]
        );
        assert_eq!(
            counts("ارتفع عدد الجرحى إلى اثني عشر"),
            vec![(Injured, Some(12), Exact)]
        );
        assert_eq!(
            counts("قضى ثلاثة عمال في الانفجار"),
            vec![(Killed, Some(3), Exact)]
        );
    }

    #[test]
    fn failed_attempts_kill_nobody() {
        assert_eq!(
            counts("ونجا أحد الوجهاء من محاولة اغتيال في البلدة"),
            vec![(Killed, Some(0), Exact)]
        );
    }

    #[test]
    fn a_denied_toll_is_zero() {
        let none = vec![(Killed, Some(0), Exact), (Injured, Some(0), Exact)];
        assert_eq!(counts("ولم يسفر القصف عن أي إصابات بشرية"), none);
        assert_eq!(
            counts("سقطت القذيفة قرب السوق دون وقوع خسائر في الأرواح"),
            none
        );
        assert_eq!(counts("واقتصرت الأضرار على الماديات"), none);
        assert_eq!(counts("انفجرت العبوة بدون إصابات"), none);
        assert_eq!(
            counts("ولم يسفر الاستهداف عن سقوط قتلى"),
            vec![(Killed, Some(0), Exact)]
        );
    }

    #[test]
    fn not_knowing_a_toll_is_no_toll() {
        assert!(counts("ولم ترد معلومات عن إصابات حتى الآن").is_empty());
        assert!(counts("ولم يعرف عدد الضحايا بعد").is_empty());
        assert!(counts("ولم ينقل الجرحى إلى المستشفى").is_empty());
        assert!(counts("ولم يسفر القصف عن أضرار في المنازل").is_empty());
    }

    #[test]
    fn a_toll_raised_is_an_update() {
        let updates = |t: &str| -> Vec<(CountKind, Option<u32>, bool)> {
            find_counts(t)
                .into_iter()
                .map(|c| (c.kind, c.value, c.update))
                .collect()
        };
        assert_eq!(
            updates("وارتفعت حصيلة القتلى إلى تسعة"),
            vec![(Killed, Some(9), true)]
        );
        assert_eq!(
            updates("وارتفع بذلك إلى 6 عدد المدنيين الذين قتلوا في القصف"),
            vec![(Killed, Some(6), true)]
        );
        assert_eq!(updates("قتل 3 مدنيين"), vec![(Killed, Some(3), false)]);
    }
}

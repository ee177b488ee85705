//! One unit of text (a sentence or clause) read on its own: the event it
//! reports, where, when, who and how many.

use chrono::NaiveDate;
use marsad_arabic::{peel, tokenize, Token, DIRECTIONS};
use marsad_gazetteer::{Feature, Gazetteer, PlaceKind};
use marsad_geoparse::Toponym;

use crate::confidence::Cues;
use crate::dates::{dates_in, DatePrecision};
use crate::extract::Extractor;
use crate::lexicon::Trigger;
use crate::numbers::{counts_in, strip_conj};
use crate::segment::Sentence;
use crate::{Actor, ActorKind, Counts, EventType, Qualifier};

/// What one unit says.
#[derive(Debug, Clone)]
pub(crate) struct Reading {
    /// The unit, code points into the article.
    pub span: (usize, usize),
    /// The whole sentence the unit belongs to.
    pub sentence: (usize, usize),
    /// Paragraph number.
    pub paragraph: usize,
    /// The first date the unit states, with the words that gave it.
    pub stated: Option<StatedDate>,
    /// How many were killed, injured, arrested.
    pub counts: Counts,
    /// The toll gives new figures for one told before: they replace it.
    pub updated: bool,
    /// The event the unit reports, if it reports one.
    pub event: Option<Mention>,
    /// The unit opens with «و», «ف», «كما», «حيث»: it goes on with the report
    /// before it.
    pub follows_on: bool,
    /// Page furniture, a headline, a link, statistics or a hypothesis: the
    /// unit reports nothing, not even a toll.
    pub silent: bool,
    /// The unit's date follows «منذ»: it dates a lasting state.
    pub since: bool,
    /// The unit is the headline: silent, but its toll may complete the
    /// lead's («مقتل عنصرين بهجوم …» over a lead that gives no figure).
    pub headline: bool,
    /// Indices of the place mentions inside the unit.
    pub toponyms: Vec<usize>,
}

/// A date as the text gives it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StatedDate {
    pub date: Option<NaiveDate>,
    pub precision: DatePrecision,
    pub text: String,
}

/// An event mention: the type, the trigger word and what surrounds it.
#[derive(Debug, Clone)]
pub(crate) struct Mention {
    pub event_type: EventType,
    /// Places of the event: (toponym index, ACLED geo precision).
    pub places: Vec<(usize, u8)>,
    pub actors: Vec<Actor>,
    pub targets: Vec<Actor>,
    pub people: Vec<String>,
    /// A lasting state or an opinion governs the event word.
    pub background: bool,
    /// The trigger refers back to an event already told: a definite event
    /// noun («التفجير», «الهجوم») or one after a demonstrative.
    pub anaphoric: bool,
    /// «واستهدف …» right after the report: same attacker, same strike.
    pub continues: bool,
    /// «كما اغتال مسلحون شاباً في …»: the unit opens by adding an event of
    /// its own, not by telling again one already told.
    pub another: bool,
    /// A killing that names one victim unless the text gives a number.
    pub one_victim: bool,
    /// The unit names attacks of several kinds («بقصف جوي ومدفعي»): its toll
    /// is a total that later units may break down.
    pub mixed: bool,
    /// What the unit says around the event word, for the confidence model.
    pub cues: Cues,
}

/// Event nouns that, with the article, point back to an event told before.
const ANAPHORIC_NOUNS: &[&str] = &[
    "الهجوم",
    "الهجمات",
    "التفجير",
    "التفجيرات",
    "الانفجار",
    "الانفجارات",
    "القصف",
    "الغاره",
    "الغارات",
    "الضربه",
    "الضربات",
    "الاستهداف",
    "الاشتباكات",
    "الاشتباك",
    "المواجهات",
    "المعارك",
    "الحمله",
    "المداهمه",
    "المداهمات",
    "الاعتقالات",
    "الكمين",
    "الحادثه",
    "الحادث",
    "العمليه",
    "الاغتيال",
    "الزياره",
    "الاجتماع",
    "الاحتجاجات",
    "المظاهرات",
    "التظاهره",
];

/// Period totals and counts of repeated attacks: statistics, not incidents.
fn is_aggregate(w: &[&str]) -> bool {
    let at = |i: usize| w.get(i).copied().unwrap_or("");
    (0..w.len()).any(|i| {
        let x = at(i);
        let x = x
            .strip_prefix('و')
            .filter(|r| r.chars().count() > 2)
            .unwrap_or(x);
        (x == "منذ"
            // «منذ بداية العام», «منذ سقوط النظام», «منذ اندلاع الحرب»: a
            // period.
            && (matches!(
                at(i + 1),
                "بدايه" | "مطلع" | "اوايل" | "بدء" | "سقوط" | "اندلاع" | "انطلاق"
            )
                // «منذ سنوات», «منذ عدة أشهر»: for years, a habit; «منذ
                // ثلاثة أيام» (a count) is «ago» and dates one event.
                || {
                    let n = if at(i + 1) == "عده" { at(i + 2) } else { at(i + 1) };
                    matches!(n, "سنوات" | "اعوام" | "عقود" | "اشهر" | "شهور")
                }))
            || (x == "خلال"
                && matches!(
                    at(i + 1),
                    "شهري"
                        | "الاشهر"
                        | "العام"
                        | "السنوات"
                        | "الفتره"
                        | "الاسابيع"
                        | "العامين"
                        | "الشهرين"
                ))
            // «خلال الأيام القليلة الفائتة», «في الأشهر الماضية».
            || (matches!(x, "في" | "خلال")
                && matches!(
                    at(i + 1),
                    "الاشهر" | "الايام" | "الاسابيع" | "السنوات" | "الاعوام" | "الشهور"
                )
                && matches!(
                    at(i + 2),
                    "الماضيه" | "الاخيره" | "الفايته" | "القليله" | "السابقه" | "المنصرمه"
                ))
            // «خلال الـ24 ساعة الماضية»: a day's round-up.
            || (x == "خلال"
                && (i + 1..i + 4).any(|k| {
                    at(k) == "ساعه"
                        && matches!(
                            at(k + 1),
                            "الماضيه" | "الاخيره" | "الفايته" | "المنصرمه" | "السابقه"
                        )
                }))
            // «قبل نحو عام», «قبل أشهر»: long before the news, background.
            || (x == "قبل"
                && {
                    let n = if at(i + 1) == "نحو" { at(i + 2) } else { at(i + 1) };
                    matches!(n, "عام" | "عامين" | "اعوام" | "سنه" | "سنتين" | "سنوات" | "اشهر" | "شهور")
                })
            // «حصيلة عملياته», not «حصيلة القتلى» or «حصيلة الخسائر
            // البشرية» (a toll).
            || (x == "حصيله" && !names_a_toll(at(i + 1), at(i + 2)))
            || matches!(x, "اجمالي" | "الاجمالي" | "مجموع" | "مرات" | "اجمالا")
            // A tally's own verb («أحصت الشبكة مقتل …») and a span of
            // dates («من تاريخ العشرين وحتى …»).
            || matches!(x, "احصي" | "احصت" | "يحصي" | "تحصي")
            || (x == "من" && at(i + 1) == "تاريخ")
            // «بلغ عدد الهجمات», not «بلغت حصيلة القتلى» (a toll).
            || (x == "بلغ" || x == "بلغت")
                && matches!(at(i + 1), "عدد" | "حصيله")
                && !crate::numbers::is_toll_noun(at(i + 2))
            || (x == "العدد" && at(i + 1) == "الاكبر")
            || (x == "مره" && matches!(at(i.wrapping_sub(1)), "من" | "عده"))
    })
}

/// The words after «حصيلة» that make it a toll: «حصيلة القتلى»,
/// «حصيلة الخسائر البشرية», and «حصيلة أولية/جديدة» of the event told.
fn names_a_toll(next: &str, after: &str) -> bool {
    crate::numbers::is_toll_noun(next)
        || matches!(next, "اوليه" | "جديده" | "رسميه" | "نهاييه" | "غير")
        || next == "الخساير" && after == "البشريه"
}

/// «في ثلاث هجمات», «بثماني عمليات», «16 هجوماً على قاعدة …»: the unit
/// counts several events (a sum, or a row of a table of them); its toll is
/// a total that belongs to none of them.
fn counts_several_events(w: &[&str]) -> bool {
    w.iter().enumerate().skip(1).any(|(i, x)| {
        let x = x.strip_prefix(['ب', 'ف', 'و']).unwrap_or(x);
        let n = w[i - 1];
        let n = n
            .strip_prefix(['ب', 'و'])
            .filter(|r| r.chars().count() > 1)
            .unwrap_or(n);
        let several = n == "عده"
            || crate::numbers::parse_number_word(n).is_some_and(|v| v >= 2)
            || n.parse::<u32>().is_ok_and(|v| v >= 2);
        // The plurals, and the singulars a number from eleven on takes
        // («16 هجوماً», «12 عملية»).
        let events = matches!(x, "هجمات" | "عمليات" | "تفجيرات" | "اعتداءات" | "اعتدا")
            || n.chars().all(|c| c.is_ascii_digit())
                && matches!(x, "هجوما" | "هجوم" | "عمليه" | "تفجيرا" | "اعتداء");
        events && several
    }) || counted_events(w)
}

/// «يرتفع إلى 54 تعداد الاستهدافات», «عدد الغارات»: the number of events of
/// a kind, a tally (unlike «عدد الضحايا», a toll).
fn counted_events(w: &[&str]) -> bool {
    w.windows(2).any(|p| {
        let count = p[0]
            .strip_prefix(['و', 'ب', 'ل'])
            .filter(|r| r.chars().count() > 2);
        matches!(count.unwrap_or(p[0]), "عدد" | "تعداد")
            && matches!(
                p[1],
                "الهجمات"
                    | "العمليات"
                    | "الغارات"
                    | "الضربات"
                    | "الاستهدافات"
                    | "التفجيرات"
                    | "الاعتداءات"
                    | "الاغتيالات"
            )
    })
}

/// Words that make a sentence hypothetical or future: no event happened.
fn is_hypothetical(w: &[&str]) -> bool {
    w.iter().enumerate().any(|(i, x)| {
        matches!(
            *x,
            "لو" | "سوف"
                | "ربما"
                | "يتوقع"
                | "المتوقع"
                | "سيتم"
                | "ستعمل"
                | "ستقوم"
                | "سيكون"
                | "ستكون"
        ) || (*x == "حال" && i > 0 && w[i - 1] == "في")
            // «قد يكون», «قد تتعرض»: may. «قد تحدثت», «قد نفذوا»: a past
            // verb after «قد» happened.
            || (*x == "قد"
                && w.get(i + 1).is_some_and(|n| {
                    n.starts_with(['ي', 'ت', 'ن']) && !n.ends_with('ت') && !n.ends_with("وا")
                }))
    })
}

/// Verbs of lasting states and words of analysis: background unless the
/// sentence also dates an event or counts victims.
const ONGOING: &[&str] = &[
    "يواصل",
    "تسيطر",
    "يسيطر",
    "تنشط",
    "ينشط",
    "تتواجد",
    "يتواجد",
    "تتمركز",
    "يتمركز",
    "تعمل",
    "يعمل",
    "تسعي",
    "يسعي",
    "تحاول",
    "يحاول",
    "تعتبر",
    "يعتبر",
    "تقع",
    "يقع",
    "تشرف",
    "يشرف",
    "تتحكم",
    "يتحكم",
    "باتت",
    "بات",
    "تحتمي",
    "تمتد",
    "تستمر",
    "يستمر",
    "تدير",
    "يدير",
    "تريد",
    "يريد",
    "تستعد",
    "يستعد",
    "تسهل",
    "تقوم",
    "يقوم",
    "تعتمد",
    "تتخوف",
    "يتخوف",
    "تخشي",
    "يخشي",
    "تربط",
    "يربط",
    "تحظي",
    "تنتشر",
    "ينتشر",
    "تشهد",
    "يشهد",
    "تتزايد",
    "تزداد",
    "تتطلب",
    // «تعيش المحافظة واقعاً صعباً … وسط الانفلات»: how a place lives.
    "تعيش",
    "يعيش",
    "تعاني",
    "يعاني",
    "يعانون",
];
const ANALYSIS: &[&str] = &[
    "اعتبر",
    "اعتبرت",
    "راي",
    "يري",
    "تري",
    "المحلل",
    "محللون",
    "محللين",
    "مراقبون",
    "التحليلات",
    "يعني",
    "الهدف",
    "مخاوف",
    "تخوفات",
    "خشيه",
    "خوفا",
    "استباقا",
    "تهديد",
    "تهدد",
    "يهدد",
    "الاستراتيجيه",
    "استراتيجيه",
    "تسعي",
    // «على الرغم من قيام القوات بشن عدة عمليات …»: a concession, context.
    "الرغم",
    "ظاهره",
    "جهود",
    "جهودها",
    "جهوده",
    // «كانا يخططان لعمليات الاغتيال»: a plan, not a deed.
    "يخطط",
    "تخطط",
    "يخططان",
    "تخططان",
    "يخططون",
    "خطط",
    "خططت",
    "خططوا",
    "يعتزم",
    "تعتزم",
    "ينوي",
    "تنوي",
];

/// Words before a place that make it where people come from or were taken,
/// not where the event happened.
const ORIGIN_CUES: &[&str] = &[
    "قادمه",
    "قادما",
    "قادمين",
    "قادمون",
    "انطلاقا",
    "اهالي",
    "ابنا",
    "سكان",
    "ينحدر",
    "ينحدرون",
    "المنحدر",
    // «قذائف مصدرها مدينة …»: where the fire came from.
    "مصدرها",
    "مصدره",
    "مصدرهما",
];

/// Where forces are stationed («القوات المتمركزة في قاعدة …»): told of the
/// attackers before the event word, it is where they fired from.
const STATIONED: &[&str] = &[
    "المتمركزه",
    "المتمركز",
    "المتمركزين",
    "المتمركزون",
    "تتمركز",
    "يتمركز",
    "المتواجده",
    "المتواجدين",
    "المنتشره",
    "المنتشرين",
];

/// Positions fire comes from: «من مواقعها في البوكمال», «من قواعدها في …».
const FIRING_POSITIONS: &[&str] = &[
    "مواقعها",
    "مواقعه",
    "مواقعهم",
    "موقعها",
    "موقعه",
    "قواعدها",
    "قاعدتها",
    "قاعدته",
    "نقاطها",
    "نقاطه",
    "مقراتها",
    "ثكناتها",
    "مرابض",
    "مرابضها",
];

/// Hospitals named after a town («نُقلوا إلى مشفى الدرباسية»): the town is
/// where the wounded were taken.
const HOSPITALS: &[&str] = &["مشفي", "مستشفي", "مستشفيات", "مشافي"];

/// Actors whose «قصف» is, in this region's news, an air strike.
const AIR_FORCES: &[&str] = &["coalition", "russian_forces", "us_forces", "israel"];

/// Event nouns and verbs of a killing that, unless a number is given, kill
/// one person: «اغتال مجهولون أمس مروان …».
const ONE_VICTIM: &[&str] = &[
    "اغتال",
    "اغتالت",
    "اغتالوا",
    "اغتيال",
    "اعدم",
    "اعدمت",
    "اعدموا",
    "اعدام",
    "تصفيه",
];

/// Definite feature nouns that point back to a place already named: «في
/// القرية», «داخل المخيم».
const PLACE_ANAPHORS: &[(&str, Feature)] = &[
    ("القريه", Feature::Village),
    ("البلده", Feature::Town),
    ("المدينه", Feature::City),
    ("المخيم", Feature::Camp),
    ("الحي", Feature::Neighbourhood),
    ("الحقل", Feature::Field),
    ("القاعده", Feature::Base),
];

/// Words besides compass directions that locate one place by another:
/// «قرية X جنوب مدينة Y», «باتجاه مطار …».
const DIRECTION_WORDS: &[&str] = &["باتجاه", "اتجاه", "محور"];

/// Words before a name that make it the object of the action.
const TARGET_CUES: &[&str] = &[
    "علي",
    "ضد",
    "مواقع",
    "موقع",
    "مقر",
    "مقرات",
    "مقار",
    "نقاط",
    "نقطه",
    "عناصر",
    "صفوف",
    "تابعه",
    "تابع",
    "التابعه",
    "التابع",
    "خلايا",
    "خليه",
    "قياديين",
    "قيادي",
    "مستودعات",
    "مستودع",
    "شحنات",
    "استهدف",
    "استهدفت",
    "استهداف",
    "تتبع",
    "يتبع",
    "الموالي",
    "الموالين",
    "المواليه",
    "مواليه",
    "عنصر",
    "قاده",
    "قيادات",
    "اعتقال",
    "باعتقال",
    "معاقل",
    "معقل",
    "الانتما",
    "بالانتما",
    "انتما",
    "مقاتلي",
    "افراد",
    "اعضا",
    "منتسبي",
    "عناصرها",
    "لصالح",
];

/// A word that opens a sentence continuing the previous report («وأسفرت»).
fn is_consequence(first: &str) -> bool {
    let f = first.strip_prefix('و').unwrap_or(first);
    ["اسفر", "ادي", "ادت", "خلف", "نتج", "تسبب", "اوقع", "ما"]
        .iter()
        .any(|p| f.starts_with(p))
}

/// The unit names attacks of several kinds («بقصف جوي ومدفعي»).
fn names_several_attack_kinds(triggers: &[(usize, Trigger, u8)]) -> bool {
    let mut kinds: Vec<EventType> = triggers
        .iter()
        .filter_map(|h| match h.1 {
            Trigger::Event(
                t @ (EventType::Airstrike | EventType::DroneStrike | EventType::Shelling),
            ) => Some(t),
            _ => None,
        })
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds.len() > 1
}

/// Words that report or attribute what follows («أفاد», «بحسب»).
const REPORTING: &[&str] = &[
    "قال",
    "قالت",
    "افاد",
    "افادت",
    "ذكر",
    "ذكرت",
    "اعلن",
    "اعلنت",
    "اكد",
    "اكدت",
    "اشار",
    "اشارت",
    "نقل",
    "نقلت",
    "رصد",
    "وثق",
    "بحسب",
    "حسب",
    "وفق",
    "وفقا",
    "مصادر",
    "مصدر",
    "ناشطون",
    "مراسل",
];

/// Words that negate the next few («لم تسجل», «دون وقوع»).
const NEGATIONS: &[&str] = &["لم", "لا", "لن", "ليس", "دون", "بدون", "عدم"];

/// Words that make what follows possible or planned, not done.
const MODALS: &[&str] = &[
    "قد",
    "سوف",
    "يعتزم",
    "تعتزم",
    "ينوي",
    "تنوي",
    "يستعد",
    "تستعد",
    "محتمل",
    "محتمله",
    "يتوقع",
    "متوقع",
    "مرتقب",
    "مرتقبه",
    "يخطط",
    "تخطط",
];

/// Time nouns that, after «خلال», make a period.
const PERIODS: &[&str] = &[
    "الشهر",
    "شهر",
    "الاسبوع",
    "العام",
    "عام",
    "الاشهر",
    "الايام",
    "الاسابيع",
    "الفتره",
    "السنوات",
    "الشهرين",
    "العامين",
];

/// What the unit says around its event word at `anchor`.
fn cues(toks: &[Token], words: &[&str], anchor: usize) -> Cues {
    fn bare(w: &str) -> &str {
        w.strip_prefix('و')
            .or_else(|| w.strip_prefix('ف'))
            .filter(|r| r.chars().count() > 1)
            .unwrap_or(w)
    }
    let before = &words[..anchor];
    // The anchor word without its article: a plural event noun ends «ات».
    let anchor_word = bare(&toks[anchor].text);
    let stem = anchor_word.strip_prefix("ال").unwrap_or(anchor_word);
    Cues {
        reported: before.iter().any(|w| REPORTING.contains(&bare(w))),
        negated: before
            .iter()
            .rev()
            .take(3)
            .any(|w| NEGATIONS.contains(&bare(w))),
        modal: before.iter().any(|w| MODALS.contains(&bare(w))),
        plural: stem.ends_with("ات") && stem.chars().count() >= 5,
        period: words.iter().enumerate().any(|(i, w)| {
            let w = bare(w);
            matches!(w, "منذ" | "حصيله" | "اجمالي" | "مجموع")
                || w == "خلال" && words.get(i + 1).is_some_and(|n| PERIODS.contains(n))
        }),
        at: anchor as f32 / words.len().saturating_sub(1).max(1) as f32,
        words: words.len(),
    }
}

/// Background: a lasting state or an opinion governs the clause that holds
/// the event word at `anchor` («باتت تتخوف … من تكرار الغارات»), or the
/// unit is a concession.
fn is_background(toks: &[Token], words: &[&str], anchor: usize) -> bool {
    let clause_start = (0..=anchor)
        .rev()
        .find(|&i| i == 0 || toks[i].gap.contains([',', ';']))
        .unwrap_or(0);
    let bare = |w: &&str| -> String {
        w.strip_prefix('و')
            .filter(|r| r.chars().count() > 2)
            .unwrap_or(w)
            .to_string()
    };
    let states = |w: &&str| {
        let b = bare(w);
        ONGOING.contains(&b.as_str()) || ANALYSIS.contains(&b.as_str())
    };
    words[clause_start..anchor].iter().any(states)
        || clause_start == 0 && words.first().is_some_and(states)
        || in_concession(toks, words, anchor)
        || recurring(words, anchor)
}

/// Adjectives that make an event noun a pattern, not one event: «عمليات
/// اغتيال متكررة», «هجمات متواصلة», «غارات شبه يومية».
const RECURRING: &[&str] = &[
    "متكرره",
    "المتكرره",
    "متواصله",
    "المتواصله",
    "مستمره",
    "المستمره",
    "يوميه",
    "اليوميه",
    "متتاليه",
    "المتتاليه",
    "متزايده",
    "المتزايده",
    "متصاعده",
    "المتصاعده",
];

/// The event word at `anchor` names a pattern of events: a recurrence
/// adjective follows it within three words.
fn recurring(words: &[&str], anchor: usize) -> bool {
    words
        .iter()
        .skip(anchor + 1)
        .take(3)
        .any(|w| RECURRING.contains(w))
}

/// Whether the word at `anchor` lies in a concessive clause that opens
/// the unit («على الرغم من تأكيد …»): the concession is context; the main
/// clause after it («…، أفادت مصادر أن دورية منعت قافلة») is what the unit
/// asserts. The concession ends at the first comma or semicolon after it,
/// or where «إلا أن», «غير أن» or «لكن» open the main clause.
fn in_concession(toks: &[Token], words: &[&str], anchor: usize) -> bool {
    let Some(opens) = words
        .iter()
        .take(3)
        .position(|w| matches!(*w, "الرغم" | "رغم" | "برغم"))
    else {
        return false;
    };
    let main = (opens + 1..words.len()).find(|&i| {
        toks[i].gap.contains([',', ';'])
            || matches!(words[i], "الا" | "غير")
                && words
                    .get(i + 1)
                    .is_some_and(|n| matches!(*n, "ان" | "انه" | "انها"))
            || matches!(words[i], "لكن" | "ولكن")
    });
    main.is_none_or(|m| anchor < m)
}

/// The event word at `anchor` refers back to an event already told: a
/// definite event noun, one after a demonstrative, or a unit that opens
/// with a consequence.
fn refers_back(toks: &[Token], words: &[&str], anchor: usize) -> bool {
    let anchor_word = peel(&toks[anchor].text)
        .into_iter()
        .find(|p| p.stem.starts_with("ال"))
        .map(|p| p.stem);
    anchor_word
        .as_deref()
        .is_some_and(|w| ANAPHORIC_NOUNS.contains(&w))
        || anchor > 0 && matches!(words[anchor - 1], "هذا" | "هذه" | "ذلك" | "تلك")
        || words.first().is_some_and(|w| is_consequence(w))
}

/// Indices of the place mentions within `[start, end)`; toponyms are in
/// text order, so this is a binary search, not a scan of the article.
fn unit_toponyms(
    toponyms: &[Toponym],
    start: usize,
    end: usize,
) -> impl Iterator<Item = usize> + '_ {
    let from = toponyms.partition_point(|t| t.start < start);
    (from..toponyms.len())
        .take_while(move |&i| toponyms[i].start < end)
        .filter(move |&i| toponyms[i].end <= end)
}

/// «ألقوا القبض على عشرات المسلحين في القرية»: the village last named.
fn place_anaphor(
    toks: &[Token],
    toponyms: &[Toponym],
    s: &Sentence,
    chars: &[char],
) -> Option<(usize, u8)> {
    let (at, feature) = toks.iter().enumerate().find_map(|(i, t)| {
        // «في القرية», «وسط البلدة», «بادية المدينة», and the subject of
        // «أن البلدة تعرضت».
        let prep = i > 0
            && matches!(
                toks[i - 1].text.as_str(),
                "في" | "داخل"
                    | "وسط"
                    | "قرب"
                    | "اطراف"
                    | "محيط"
                    | "ان"
                    | "باديه"
                    | "ريف"
                    | "مدخل"
            );
        peel(&t.text).iter().find_map(|p| {
            let f = PLACE_ANAPHORS
                .iter()
                .find(|(w, _)| *w == p.stem)
                .map(|&(_, f)| f)?;
            (prep || p.prep == Some('ب')).then_some((s.start + t.start, f))
        })
    })?;
    let near = s.start.saturating_sub(1500);
    // The place may be named earlier in the same unit: «شاباً من أبناء
    // مدينة الميادين في بادية المدينة».
    toponyms
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, t)| t.end <= at && t.start >= near)
        .filter(|(_, t)| t.feature == Some(feature))
        // Not a landmark that locates another place («(96 كم شرق مدينة دير الزور)»).
        .find(|(_, t)| {
            let before: String = chars[t.start.saturating_sub(30)..t.start].iter().collect();
            !tokenize(&before).iter().rev().take(3).any(|w| {
                matches!(w.text.as_str(), "كم" | "كيلومتر" | "عن")
                    || DIRECTIONS.contains(&w.text.as_str())
                    || DIRECTION_WORDS.contains(&w.text.as_str())
            })
        })
        .map(|(i, _)| (i, 1))
}

pub(crate) fn kind_rank(k: PlaceKind) -> u8 {
    // Lower is more specific.
    match k {
        k if k.is_settlement() || k.is_facility() => 0,
        PlaceKind::Subdistrict | PlaceKind::District => 1,
        PlaceKind::River | PlaceKind::Region => 2,
        PlaceKind::Governorate => 3,
        _ => 4,
    }
}

/// Everything the unit loop carries from one unit to the next.
#[derive(Debug, Default)]
pub(crate) struct Carry {
    /// The last date the article stated, for «في اليوم التالي».
    pub last_date: Option<NaiveDate>,
    /// The last attack reported and the unit it was in.
    pub recent_attack: Option<(EventType, usize)>,
    /// The first air or drone strike the article named by its own word
    /// («غارات», «طائرة مسيرة»), in its headline, a tally or an event.
    pub air_weapon: Option<EventType>,
}

/// «هجمات مماثلة لتلك التي تعرضت لها القاعدة في 15 آب», «مثل تلك التي
/// وقعت أمس»: a date in a clause about the events the unit's event is
/// compared with dates them, not it. True when the date starting at code
/// point `start` follows such a comparison within twelve words.
fn dates_compared_events(toks: &[Token], start: usize) -> bool {
    let Some(at) = toks.iter().position(|t| t.start == start) else {
        return false;
    };
    let from = at.saturating_sub(12);
    let words = &toks[from..at];
    // Within the date's sentence: no full stop between.
    if words.iter().skip(1).any(|t| t.breaks) || toks[at].breaks && at > from {
        return false;
    }
    words.iter().enumerate().any(|(k, t)| {
        let w = t.text.trim_start_matches('و');
        matches!(w, "مثل" | "مماثله" | "مماثلا" | "مماثل" | "غرار")
            || matches!(w, "تلك" | "لتلك" | "كتلك" | "ذلك" | "لذلك" | "كذلك")
                && words.get(k + 1).is_some_and(|n| {
                    matches!(n.text.as_str(), "التي" | "الذي" | "اللتين" | "اللذين")
                })
    })
}

impl Extractor<'_> {
    /// Reads one unit.
    pub(crate) fn read(
        &self,
        ui: usize,
        s: &Sentence,
        chars: &[char],
        toponyms: &[Toponym],
        published: Option<NaiveDate>,
        carry: &mut Carry,
    ) -> Reading {
        // A line break inside a unit is a soft one of hard-wrapped text.
        let body: String = chars[s.start..s.end]
            .iter()
            .map(|&c| if c == '\n' { ' ' } else { c })
            .collect();
        let toks = tokenize(&body);
        let words: Vec<&str> = toks.iter().map(|t| t.text.as_str()).collect();
        let mut dates = dates_in(&toks, published, carry.last_date);
        dates.retain(|d| !dates_compared_events(&toks, d.start));
        if let Some(d) = dates.iter().rev().find_map(|d| d.date) {
            carry.last_date = Some(d);
        }
        // «منذ مساء الاثنين»: a state that has lasted since then, no event date.
        let since = dates.first().is_some_and(|d| {
            let before: String = body.chars().take(d.start).collect();
            before
                .split_whitespace()
                .last()
                .is_some_and(|w| marsad_arabic::normalize(w).trim_start_matches('و') == "منذ")
        });
        let stated = dates.first().map(|d| StatedDate {
            date: d.date,
            precision: if d.date.is_some() {
                d.precision
            } else {
                DatePrecision::Unknown
            },
            text: body.chars().skip(d.start).take(d.end - d.start).collect(),
        });
        let follows_on = words.first().is_some_and(|w| {
            (w.starts_with('و') || w.starts_with('ف')) && w.chars().count() > 3
                || matches!(*w, "كما" | "اذ" | "حيث" | "فيما")
        });
        let mut reading = Reading {
            span: (s.start, s.end),
            sentence: s.sentence,
            paragraph: s.paragraph,
            stated,
            counts: Counts::default(),
            updated: false,
            event: None,
            follows_on,
            silent: true,
            since,
            headline: s.headline,
            toponyms: unit_toponyms(toponyms, s.start, s.end).collect(),
        };
        // Event words, read once: for the article's strikes and the event.
        let hits = if s.furniture {
            Vec::new()
        } else {
            self.triggers(&toks)
        };
        if carry.air_weapon.is_none() {
            // Typed as its strikes are: «ضربات جوية», «غارة نفذتها طائرة
            // مسيرة».
            let air = |t: &EventType| matches!(t, EventType::Airstrike | EventType::DroneStrike);
            if hits
                .iter()
                .any(|h| matches!(h.1, Trigger::Event(t) if air(&t)))
            {
                carry.air_weapon = Some(attack_type(&toks, &hits, None, None, false)).filter(air);
            }
        }
        // The unit's own characters: its tokens' offsets count from its start.
        let unit: Vec<char> = body.chars().collect();
        if s.furniture
            || s.headline
            || is_aggregate(&words)
            || counts_several_events(&words)
            || is_hypothetical(&words)
        {
            // A short headline is shaped like a section heading; its toll
            // counts all the same.
            if s.headline {
                reading.counts = self.counts(&toks, &unit).0;
            }
            return reading;
        }
        reading.silent = false;
        (reading.counts, reading.updated) = self.counts(&toks, &unit);
        reading.event = self.mention(ui, s, &toks, &words, hits, chars, toponyms, carry, &reading);
        if let Some(m) = &reading.event {
            if m.one_victim
                && reading.counts.killed.is_none()
                && reading.counts.killed_q == Qualifier::Exact
            {
                reading.counts.killed = Some(1);
            }
            if m.event_type.is_attack() {
                carry.recent_attack = Some((m.event_type, ui));
            }
        }
        reading
    }

    /// The event the unit reports, if any.
    #[allow(clippy::too_many_arguments)]
    fn mention(
        &self,
        ui: usize,
        s: &Sentence,
        toks: &[Token],
        words: &[&str],
        hits: Vec<(usize, Trigger, u8)>,
        chars: &[char],
        toponyms: &[Toponym],
        carry: &Carry,
        reading: &Reading,
    ) -> Option<Mention> {
        let (named, _, name_spans) = self.actors(toks, EventType::Other);
        let triggers = self.unit_triggers(ui, toks, hits, &name_spans);
        let recent = carry
            .recent_attack
            .filter(|&(_, at)| ui <= at + 1 && reading.follows_on)
            .map(|(t, _)| t);
        let air_force = named.iter().any(|a| AIR_FORCES.contains(&a.id.as_str()));
        let typed = self.event_type(toks, &triggers, recent, carry.air_weapon, air_force);
        let killing = typed
            .is_none()
            .then(|| a_killing_told(words, reading, carry))
            .flatten();
        let strike = (typed.is_none() && killing.is_none())
            .then(|| a_strike_toll(reading, carry))
            .flatten();
        let (event_type, anchor) = typed.or(killing.or(strike).map(|t| (t, 0)))?;
        let mixed = names_several_attack_kinds(&triggers);
        let background = is_background(toks, words, anchor);
        let dated = reading.stated.is_some() && !reading.since;
        if background && !dated && reading.counts == Counts::default() {
            return None;
        }
        let (actors, targets, actor_spans) = self.actors(toks, event_type);
        let continues = (anchor == 0 && words.first().is_some_and(|w| w.starts_with('و')))
            || (anchor == 1
                && words
                    .first()
                    .is_some_and(|w| matches!(*w, "اذ" | "حيث" | "فيما" | "كما")));
        let anaphoric = refers_back(toks, words, anchor);
        let another = anchor == 1
            && !anaphoric
            && words
                .first()
                .is_some_and(|w| matches!(*w, "كما" | "كذلك" | "وكذلك"));
        let actor_spans: Vec<(usize, usize)> = actor_spans
            .iter()
            .map(|&(a, b)| (a + s.start, b + s.start))
            .collect();
        let trigger_at = toks[anchor].start + s.start;
        let places = self.locations(toponyms, s, trigger_at, event_type, chars, &actor_spans)?;
        if (killing.is_some() || strike.is_some()) && places.is_empty() {
            return None;
        }
        let people = self.people(toks);
        let one_victim = event_type == EventType::AssassinationKilling
            && peel(&toks[anchor].text)
                .iter()
                .any(|p| ONE_VICTIM.contains(&p.stem.as_str()));
        Some(Mention {
            event_type,
            places,
            actors,
            targets,
            people,
            background,
            anaphoric,
            continues,
            another,
            one_victim,
            mixed,
            cues: cues(toks, words, anchor),
        })
    }

    /// The unit's trigger hits, without words inside an actor's name
    /// («الفيلق الخامس-اقتحام»). Weapon words stay: «طائرات مسيرة مجهولة»
    /// names both the attacker and the weapon.
    fn unit_triggers(
        &self,
        ui: usize,
        toks: &[Token],
        mut triggers: Vec<(usize, Trigger, u8)>,
        name_spans: &[(usize, usize)],
    ) -> Vec<(usize, Trigger, u8)> {
        triggers.retain(|h| {
            matches!(
                h.1,
                Trigger::Attack
                    | Trigger::Event(
                        EventType::Airstrike | EventType::DroneStrike | EventType::Shelling
                    )
            ) || !name_spans
                .iter()
                .any(|&(a, b)| toks[h.0].start >= a && toks[h.0].end <= b)
        });
        if std::env::var_os("MARSAD_DEBUG_EXTRACT").is_some() {
            let shown: Vec<String> = triggers
                .iter()
                .map(|h| format!("{}:{:?}:{}", toks[h.0].text, h.1, h.2))
                .collect();
            eprintln!("unit {ui}: triggers {shown:?}");
        }
        triggers
    }

    /// The unit's toll, and whether it updates one told before. For each
    /// kind, the first figure stated (a later one in the same unit is a
    /// repetition or another source) unless a later one updates it or the
    /// first was nil; or only how vague it is when the unit gives no number.
    fn counts(&self, toks: &[Token], chars: &[char]) -> (Counts, bool) {
        let mut c = Counts::default();
        let mut updated = false;
        for m in counts_in(toks, chars) {
            let (slot, q) = c.slot_mut(m.kind);
            if m.update {
                *slot = m.value;
                *q = m.qualifier;
                updated = true;
            } else if m.value.is_some() && matches!(*slot, None | Some(0)) {
                // A nil toll before a figure («سقطت قذيفة دون إصابات، وأخرى
                // قتلت ثلاثة») was another blast's.
                *slot = m.value;
                *q = m.qualifier;
            } else if slot.is_none() && *q == Qualifier::Exact {
                *q = m.qualifier;
            }
        }
        (c, updated)
    }

    /// Trigger hits: (word index, class, strength).
    fn triggers(&self, toks: &[Token]) -> Vec<(usize, Trigger, u8)> {
        let mut hits = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            // «لم تستهدف», «لم تشن الطائرات أي غارات», «دون اشتباكات»:
            // a negation up to four words before, in the same clause.
            let negated = (1..=4)
                .take_while(|&k| k <= i && !toks[i - k + 1].gap.contains([',', ';']))
                .any(|k| {
                    matches!(
                        toks[i - k].text.as_str(),
                        "لم" | "لا" | "لن" | "ليس" | "دون" | "بدون" | "ولم" | "ولا" | "ولن"
                    )
                });
            // Accusative «انتشاراً», «رتلاً» carry a final alef.
            let readings = peel(&t.text).into_iter().flat_map(|p| {
                let bare = p
                    .stem
                    .strip_suffix('ا')
                    .filter(|r| r.chars().count() > 2)
                    .map(str::to_string);
                std::iter::once(p.stem).chain(bare)
            });
            for stem in readings {
                let Some(entries) = self.lex.triggers.get(&stem) else {
                    continue;
                };
                for (w, r) in entries {
                    let fits =
                        (1..w.len()).all(|j| toks.get(i + j).is_some_and(|n| n.text == w[j]));
                    let cleared = match r.class {
                        Trigger::Event(EventType::IedExplosion) => {
                            !stem.contains("فجر") && cleared_explosive(toks, i)
                        }
                        Trigger::Event(EventType::DeploymentReinforcement) => {
                            struck(toks, i) || where_present(toks, i)
                        }
                        Trigger::Event(EventType::VisitMeeting) => forces_meeting(toks, i),
                        Trigger::Event(EventType::ArmedClash) => people_freed(toks, i),
                        _ => false,
                    };
                    // One vote per word and class, however many readings match.
                    if fits
                        && !negated
                        && !cleared
                        && !hits
                            .iter()
                            .any(|h: &(usize, Trigger, u8)| h.0 == i && h.1 == r.class)
                    {
                        hits.push((i, r.class, r.strength));
                    }
                }
            }
        }
        for i in 0..toks.len() {
            let Some((on, fire)) = fired_on(toks, i) else {
                continue;
            };
            if !hits.iter().any(|h| h.0 == i) {
                match on {
                    FiredOn::Person => {
                        hits.push((i, Trigger::Event(EventType::AssassinationKilling), 2));
                    }
                    // «أطلق مجهولون النار على سيارة»: an attack with guns.
                    FiredOn::Other => {
                        hits.push((i, Trigger::Attack, 2));
                        hits.push((fire, Trigger::Event(EventType::ArmedClash), 1));
                    }
                }
            }
        }
        hits
    }

    /// The sentence's event: every trigger votes for its type, a trigger in
    /// a subordinate phrase («بعد الزيارة», «من تكرار الغارات») with less
    /// weight; the earliest of the winning type is the anchor.
    fn event_type(
        &self,
        toks: &[Token],
        hits: &[(usize, Trigger, u8)],
        recent_attack: Option<EventType>,
        article_air: Option<EventType>,
        air_force: bool,
    ) -> Option<(EventType, usize)> {
        // Only background words («في ظل انتشار …», «بعد الزيارة»): the unit
        // reports no event of its own.
        let (fam, _, at) = strongest_family(toks, hits).filter(|b| b.1 >= 0.9)?;
        if let Some(t) = fam {
            return Some((t, at));
        }
        Some((
            attack_type(toks, hits, recent_attack, article_air, air_force),
            at,
        ))
    }

    /// Where: the specific places of the sentence, not containers of other
    /// places, not origins («قادمة من العراق»). Attacks, raids and
    /// evacuations report one incident per place; other events the first
    /// place after the trigger and places listed with it. None when the
    /// unit tells a tally rather than an event.
    fn locations(
        &self,
        toponyms: &[Toponym],
        s: &Sentence,
        trigger_at: usize,
        ty: EventType,
        chars: &[char],
        actor_spans: &[(usize, usize)],
    ) -> Option<Vec<(usize, u8)>> {
        let gaz = self.gazetteer();
        // Places inside an actor's name («قوات دمشق») are not where anything happened.
        let inside: Vec<usize> = unit_toponyms(toponyms, s.start, s.end)
            .filter(|&i| {
                !actor_spans
                    .iter()
                    .any(|&(a, b)| toponyms[i].start < b && toponyms[i].end > a)
            })
            .collect();
        let before = WordsBefore::read(toponyms, &inside, s, chars);
        // Foreign countries are actors («إيران»), and so are capitals and
        // cities far from Syria and Iraq («طهران», «واشنطن»): not places of
        // events here. A place abroad near the borders (a base in Jordan
        // by Al-Tanf) may be one.
        let inside: Vec<usize> = inside
            .into_iter()
            .filter(|&i| {
                let p = gaz.place(toponyms[i].place);
                matches!(p.country.as_str(), "SY" | "IQ")
                    || p.kind != PlaceKind::Country && near_syria_or_iraq(gaz, p)
            })
            .collect();
        let aside = set_aside_origins(toponyms, &inside, &before, ty, trigger_at);
        let aside = set_aside_destinations(toponyms, &aside, s, chars);
        let mut cands = set_aside_road_ends(gaz, toponyms, &aside, &before, chars);
        if cands.is_empty() {
            // «في القرية»: the village last named.
            if let Some(p) = place_anaphor(
                &tokenize(&chars[s.start..s.end].iter().collect::<String>()),
                toponyms,
                s,
                chars,
            ) {
                return Some(vec![p]);
            }
            // Shells fired from a town on targets the text does not name:
            // the town is all the text says of where.
            // And people protest where they live («خرج العشرات من أهالي
            // بلدة الشحيل في مظاهرة»), unless the text says elsewhere.
            // And people are arrested or taken where they live («اعتقلت
            // الدورية أربعة شبان من أبناء قرية الحصان»).
            if matches!(
                ty,
                EventType::Shelling
                    | EventType::DroneStrike
                    | EventType::Protest
                    | EventType::RaidArrest
                    | EventType::Kidnapping
            ) {
                cands = inside;
            }
        }
        let named = cands.len();
        let cands = drop_wide_lists(gaz, toponyms, cands, chars);
        if named > 0 && cands.is_empty() {
            // Told only across governorates: a tally, not an event.
            return None;
        }
        let cands = drop_containers(gaz, toponyms, cands);
        let cands = pick_most_specific(gaz, toponyms, cands, &before);
        let cands = one_per_place(toponyms, cands);
        let (mut cands, stretch) = one_stretch(toponyms, cands, &before, chars);
        let multi = ty.is_attack()
            || matches!(
                ty,
                EventType::RaidArrest | EventType::WithdrawalEvacuation | EventType::Seizure
            );
        if !multi && cands.len() > 1 {
            cands = first_and_listed(toponyms, &cands, trigger_at, chars);
        }
        let located = cands
            .into_iter()
            .map(|i| {
                let precision = geo_precision(gaz, &toponyms[i], before.get(i, 2));
                // Somewhere between two places: near the first.
                (
                    i,
                    if Some(i) == stretch {
                        precision.max(2)
                    } else {
                        precision
                    },
                )
            })
            .collect();
        Some(located)
    }

    /// Actors and targets of the sentence, and the spans (code points into
    /// the sentence) of every actor mention.
    fn actors(
        &self,
        toks: &[Token],
        ty: EventType,
    ) -> (Vec<Actor>, Vec<Actor>, Vec<(usize, usize)>) {
        let mut actors: Vec<Actor> = Vec::new();
        let mut targets: Vec<Actor> = Vec::new();
        let mut spans = Vec::new();
        let directed = ty.is_attack()
            || matches!(
                ty,
                EventType::RaidArrest | EventType::Kidnapping | EventType::Seizure
            );
        let mut i = 0;
        while i < toks.len() {
            let mut hit = None;
            for p in peel(&toks[i].text) {
                if let Some(entries) = self.lex.actors.get(&p.stem) {
                    if let Some((w, idx)) = entries.iter().find(|(w, _)| {
                        (1..w.len()).all(|j| toks.get(i + j).is_some_and(|n| n.text == w[j]))
                    }) {
                        hit = Some((w.len(), *idx, p.prep == Some('ل')));
                        break;
                    }
                }
            }
            let Some((n, idx, possessive)) = hit else {
                i += 1;
                continue;
            };
            let actor = self.lex.actor_list[idx].clone();
            spans.push((toks[i].start, toks[i + n - 1].end));
            let prev = i
                .checked_sub(1)
                .map(|p| toks[p].text.as_str())
                .unwrap_or("");
            let prev = prev
                .strip_prefix('و')
                .filter(|r| r.chars().count() > 1)
                .unwrap_or(prev);
            // «للقوات الأميركية» (to / of the US forces) is never the doer.
            let is_target = possessive
                || directed && (TARGET_CUES.contains(&prev) || actor.kind == ActorKind::Civilians);
            let list = if is_target { &mut targets } else { &mut actors };
            if !list.iter().any(|a| a.id == actor.id) {
                list.push(actor);
            }
            i += n;
        }
        // Hit once is a target, whoever else the sentence says it is.
        if directed {
            actors.retain(|a| !targets.iter().any(|t| t.id == a.id));
        } else {
            targets.retain(|t| !actors.iter().any(|a| a.id == t.id));
        }
        (actors, targets, spans)
    }

    /// Named people: a given name and the family name after it.
    fn people(&self, toks: &[Token]) -> Vec<String> {
        let lex = self.geo.lexicon();
        let mut out = Vec::new();
        for (i, t) in toks.iter().enumerate() {
            let w = t
                .text
                .strip_prefix('و')
                .filter(|r| lex.is_given_name(r))
                .unwrap_or(&t.text);
            if !lex.is_given_name(w) {
                continue;
            }
            let Some(next) = toks
                .get(i + 1)
                .filter(|n| !n.breaks && n.gap.is_empty() && n.text.chars().count() > 2)
            else {
                continue;
            };
            if ["في", "من", "علي", "الي", "عن", "مع"].contains(&next.text.as_str()) {
                continue;
            }
            let name = format!("{w} {}", next.text);
            if !out.contains(&name) {
                out.push(name);
            }
        }
        out
    }
}

/// The event family a trigger votes for; `None` for attacks, whose type
/// comes from the weapon named with them.
fn trigger_family(c: Trigger) -> Option<EventType> {
    use EventType::*;
    match c {
        Trigger::Attack
        | Trigger::Event(Airstrike | DroneStrike | Shelling | ArmedClash | IedExplosion) => None,
        Trigger::Event(t) => Some(t),
    }
}

/// How much a trigger hit counts: less in a subordinate phrase; attacks,
/// raids, killings, kidnappings, seizures and withdrawals more, deployments
/// less.
fn trigger_weight(toks: &[Token], h: &(usize, Trigger, u8)) -> f32 {
    use EventType::*;
    let subordinate = is_subordinate(toks, h.0);
    let priority = match trigger_family(h.1) {
        None
        | Some(RaidArrest | AssassinationKilling | Kidnapping | Seizure | WithdrawalEvacuation) => {
            0.5
        }
        Some(DeploymentReinforcement) => -0.25,
        _ => 0.0,
    };
    (if subordinate { 0.5 } else { 2.0 }) + priority
}

/// The trigger at word `at` stands in a causal or temporal phrase, states
/// a purpose, or follows a word that subordinates it.
fn is_subordinate(toks: &[Token], at: usize) -> bool {
    let prev = at
        .checked_sub(1)
        .map(|p| toks[p].text.as_str())
        .unwrap_or("");
    let in_phrase = in_causal_phrase(toks, at);
    // «لضبط الوضع», «تحضيراً لمداهمات»: a purpose, not an event; but
    // «تعرضت لقصف» is the event itself.
    let word = toks[at].text.as_str();
    // «مكتباً لتجنيد الشبان», «حملة لاعتقال …» name what the
    // office or campaign is for: the event itself.
    // «مركزاً جديداً لتجنيد الشبان»: an adjective may stand between.
    let noun = |w: &str| {
        matches!(
            w.strip_prefix('و').unwrap_or(w),
            "مكتب"
                | "مكتبا"
                | "مكاتب"
                | "مركز"
                | "مركزا"
                | "مراكز"
                | "دوره"
                | "دورات"
                | "حمله"
                | "حملات"
                | "عمليه"
                | "عمليات"
        )
    };
    let complement = noun(prev)
        || at >= 2
            && noun(&toks[at - 2].text)
            && toks[at - 1].gap.is_empty()
            && toks[at].gap.is_empty()
            && matches!(
                prev,
                "جديد"
                    | "جديدا"
                    | "جديده"
                    | "اخر"
                    | "اخري"
                    | "عسكري"
                    | "عسكريا"
                    | "عسكريه"
                    | "امني"
                    | "امنيا"
                    | "امنيه"
                    | "واسعه"
                    | "واسعا"
                    | "مشتركه"
                    | "مشتركا"
            );
    let purpose = word.starts_with('ل')
        && !complement
        && !word.starts_with("لل")
        && !prev.starts_with("تعرض")
        && !prev.starts_with("يتعرض")
        && !prev.starts_with("تتعرض");
    in_phrase
        || purpose
        || matches!(
            prev,
            "بعد"
                | "عقب"
                | "اثر"
                | "تكرار"
                | "من"
                | "خوفا"
                | "مخاوف"
                | "ضد"
                | "هذه"
                | "تلك"
                | "حول"
                | "بشان"
        )
}

/// A trigger in a causal or temporal phrase of its clause («بعد سلسلة من
/// الهجمات …», «نتيجة ضربات جوية») is background.
fn in_causal_phrase(toks: &[Token], at: usize) -> bool {
    let clause_from = (0..=at)
        .rev()
        .find(|&i| i == 0 || toks[i].gap.contains([',', ';']))
        .unwrap_or(0);
    toks[clause_from..at].iter().any(|t| {
        let w = t.text.strip_prefix('و').unwrap_or(&t.text);
        matches!(
            w,
            "بعد"
                | "عقب"
                | "اثر"
                | "نتيجه"
                | "بسبب"
                | "خلفيه"
                | "ظل"
                | "وسط"
                | "خوفا"
                | "مخاوف"
                | "تكرار"
                | "اجل"
                | "لمواجهه"
                | "مواجهه"
                | "دعوات"
                | "دعوه"
                | "دعا"
                | "دعت"
                // What a protest or a reprisal answers: «احتجاجاً على
                // الاعتقالات», «رداً على الهجمات».
                | "احتجاجا"
                | "تنديدا"
                | "رفضا"
                | "استنكارا"
                | "ردا"
                // What a protest demands: «للمطالبة بالإفراج عن المعتقلين».
                | "للمطالبه"
                | "مطالبين"
                | "مطالبه"
                | "بالافراج"
                | "للافراج"
        )
    })
}

/// Whether the convoy or patrol named at token `i` is what was struck,
/// not a deployment: «دمر رتلاً», «استهدفت الغارة قافلة» (the verb within
/// the two words before it, in the same clause).
fn struck(toks: &[Token], i: usize) -> bool {
    stem_before(toks, i, 2, |w| {
        ["دمر", "تدمير", "استهدف", "قصف", "ضرب"]
            .iter()
            .any(|v| w.starts_with(v))
    })
}

/// Whether the deployment word at token `i` names where forces are, not
/// their coming: «مناطق انتشار مسلحي التنظيم», «نقاط انتشار القوات».
fn where_present(toks: &[Token], i: usize) -> bool {
    i > 0
        && toks[i].gap.is_empty()
        && matches!(
            strip_conj(&toks[i - 1].text),
            "مناطق"
                | "منطقه"
                | "اماكن"
                | "مكان"
                | "نقاط"
                | "مواقع"
                | "خطوط"
                | "خط"
                | "محاور"
        )
}

/// Whether `p` lies within about 100 km (a degree) of Syria's or Iraq's
/// bounding box.
fn near_syria_or_iraq(gaz: &Gazetteer, p: &marsad_gazetteer::Place) -> bool {
    const MARGIN: f64 = 1.0;
    ["iso:SY", "iso:IQ"].iter().any(|id| {
        gaz.by_id(id)
            .and_then(|c| gaz.place(c).bbox)
            .is_some_and(|b| {
                p.lon >= b[0] - MARGIN
                    && p.lon <= b[2] + MARGIN
                    && p.lat >= b[1] - MARGIN
                    && p.lat <= b[3] + MARGIN
            })
    })
}

/// «قُتل شاب في بلدة الشحيل»: a unit that opens with a verb of killing and
/// counts the dead, with no event word, tells a killing of its own, unless
/// an attack was just told (then it is that attack's toll) or it goes on
/// from the unit before («وقتل …»). When it names what killed («خلال عملية
/// سطو») in words the lexicon lacks, it is an event of a type not read.
/// The caller also wants a place of its own.
fn a_killing_told(words: &[&str], reading: &Reading, carry: &Carry) -> Option<EventType> {
    let opens = words.first().is_some_and(|w| {
        matches!(
            *w,
            "قتل" | "قتلت" | "قتلوا" | "لقي" | "لقيت" | "اغتيل" | "اغتيلت"
        )
    });
    // «قتل خمسة أشخاص جراء انفجار سيارة»: killed by something the unit
    // names, whose word the lexicon may lack; not a killing of its own.
    let caused = words.iter().any(|w| {
        matches!(
            *w,
            "جرا" | "اثر" | "باثر" | "بسبب" | "نتيجه" | "بعد" | "خلال"
        )
    });
    let told = opens
        && reading.counts.killed.is_some_and(|n| n > 0)
        && carry.recent_attack.is_none()
        && !reading.follows_on;
    told.then_some(if caused {
        EventType::Other
    } else {
        EventType::AssassinationKilling
    })
}

/// «الطائرات المسيرة ترتكب مجزرة …» then «ارتفاع عدد الضحايا إلى 4 وإصابة
/// 11 … في قرية X»: a toll told before any attack, in an article whose
/// strikes are from the air, is the toll of such a strike; its type. The
/// caller also wants a place of its own.
fn a_strike_toll(reading: &Reading, carry: &Carry) -> Option<EventType> {
    let c = &reading.counts;
    let toll = c.killed.is_some_and(|n| n > 0) || c.injured.is_some_and(|n| n > 0);
    (toll && carry.recent_attack.is_none() && !reading.follows_on)
        .then_some(carry.air_weapon)
        .flatten()
}

/// What fire opened at token `i` is aimed at (with where «النار» is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FiredOn {
    /// One or two people: a targeted shooting.
    Person,
    /// A car, a patrol, a checkpoint, fighters: an attack.
    Other,
}

/// Whether token `i` opens fire on someone or something («أطلق مسلحون
/// مجهولون النار على شاب», «أطلقا النار على شخص», «… على سيارة»). On one or
/// two people it is a targeted shooting, not a clash, whether it killed or
/// not; on a patrol, a checkpoint, a car or fighters it is an attack.
/// Fire «في الهواء» is aimed at nothing.
fn fired_on(toks: &[Token], i: usize) -> Option<(FiredOn, usize)> {
    // Most words are not verbs of firing: look before peeling clitics.
    if !toks[i].text.contains("طلق") {
        return None;
    }
    let fires = peel(&toks[i].text).iter().any(|p| {
        matches!(
            p.stem.as_str(),
            "اطلق" | "اطلقوا" | "اطلقا" | "اطلقت" | "يطلق" | "اطلاق"
        )
    });
    if !fires {
        return None;
    }
    // «النار» within the next nine words of the sentence (the shooters,
    // and what they rode, may come between: «أطلق مسلحان، كانا يستقلان
    // دراجة نارية، النار»), then «على» and what it is aimed at.
    let fire = (1..=9)
        .take_while(|&k| toks.get(i + k).is_some_and(|t| !t.breaks))
        .find(|&k| {
            toks.get(i + k)
                .is_some_and(|t| t.text == "النار" || t.text == "نار")
        })?;
    let on = i + fire + 1;
    if !toks
        .get(on)
        .is_some_and(|t| t.text == "علي" && !t.gap.contains([',', '.']))
    {
        return None;
    }
    let target = toks.get(on + 1).filter(|t| !t.breaks)?;
    let on = if crate::numbers::names_a_person(&target.text) {
        FiredOn::Person
    } else {
        FiredOn::Other
    };
    Some((on, i + fire))
}

/// Whether «تحرير» at token `i` frees people, not ground: «تحرير أربعة من
/// مقاتليها», «تحرير المختطفين» is a rescue, not a battle for a place.
fn people_freed(toks: &[Token], i: usize) -> bool {
    const CAPTIVES: [&str; 12] = [
        "رهاين",
        "الرهاين",
        "مختطفين",
        "المختطفين",
        "اسري",
        "الاسري",
        "معتقلين",
        "المعتقلين",
        "محتجزين",
        "المحتجزين",
        "مقاتليها",
        "عناصرها",
    ];
    let freeing = peel(&toks[i].text)
        .iter()
        .any(|p| matches!(p.stem.as_str(), "تحرير" | "حرر" | "حررت" | "حرروا"));
    freeing
        && toks.get(i + 1).is_some_and(|t| {
            let w = t.text.as_str();
            w.starts_with(|c: char| c.is_ascii_digit())
                || crate::numbers::parse_number_word(w).is_some()
                || CAPTIVES.contains(&w)
        })
}

/// Whether the meeting word at token `i` is forces joining forces («التقت
/// القوات المهاجمة بالقوات المرابطة»): a link-up in battle, not a visit.
fn forces_meeting(toks: &[Token], i: usize) -> bool {
    (1..=2).any(|k| {
        toks.get(i + k).is_some_and(|t| {
            peel(&t.text)
                .iter()
                .any(|p| matches!(p.stem.as_str(), "القوات" | "قوات" | "الوحدات" | "وحدات"))
        })
    })
}

/// Whether the explosive device named at token `i` is being cleared, not
/// set off: «إزالة العبوات الناسفة», «تفكيك لغم», «نزع الألغام» within the
/// three words before it, in the same clause.
fn cleared_explosive(toks: &[Token], i: usize) -> bool {
    stem_before(toks, i, 3, |w| {
        matches!(
            w,
            "ازاله" | "لازاله" | "نزع" | "ابطال" | "تفكيك" | "فكك" | "فككت" | "تمشيط"
        )
    })
}

/// Whether a reading of one of the `n` words before token `i`, in the same
/// clause, is a stem `is`.
fn stem_before(toks: &[Token], i: usize, n: usize, is: impl Fn(&str) -> bool) -> bool {
    (1..=n)
        .take_while(|&k| k <= i && !toks[i - k + 1].gap.contains([',', ';', '.']))
        .any(|k| peel(&toks[i - k].text).iter().any(|p| is(&p.stem)))
}

/// The family the strong triggers vote for, with its total weight and the
/// word of its first trigger.
fn strongest_family(
    toks: &[Token],
    hits: &[(usize, Trigger, u8)],
) -> Option<(Option<EventType>, f32, usize)> {
    let mut best: Option<(Option<EventType>, f32, usize)> = None;
    for h in hits.iter().filter(|h| h.2 == 2) {
        let f = trigger_family(h.1);
        // The strongest word of a type counts; repeats add a little.
        let ws: Vec<f32> = hits
            .iter()
            .filter(|x| x.2 == 2 && trigger_family(x.1) == f)
            .map(|x| trigger_weight(toks, x))
            .collect();
        let total = ws.iter().copied().fold(f32::MIN, f32::max) + 0.25 * (ws.len() as f32 - 1.0);
        let pos = hits
            .iter()
            .find(|x| x.2 == 2 && trigger_family(x.1) == f)
            .map(|x| x.0)
            .unwrap_or(h.0);
        if best.is_none_or(|(_, w, p)| total > w || total == w && pos < p) {
            best = Some((f, total, pos));
        }
    }
    best
}

/// Attacks are typed by the weapon named with them, else as the attack just
/// reported, else by the bare attack word; a bare «قصف» in an article that
/// named its strikes' aircraft or drones is one of those strikes.
fn attack_type(
    toks: &[Token],
    hits: &[(usize, Trigger, u8)],
    recent_attack: Option<EventType>,
    article_air: Option<EventType>,
    air_force: bool,
) -> EventType {
    use EventType::*;
    // Weapon words in a subordinate phrase («… نتيجة ضربات جوية») do
    // not type the main event when the clause has one of its own.
    let main = |h: &&(usize, Trigger, u8)| trigger_weight(toks, h) >= 1.5;
    let any_main = hits
        .iter()
        .filter(|h| trigger_family(h.1).is_none())
        .any(|h| main(&h));
    let has = |t: EventType, min: u8| {
        hits.iter()
            .filter(|h| !any_main || main(h) || h.2 >= 2)
            .any(|h| h.1 == Trigger::Event(t) && h.2 >= min)
    };
    // Missiles are fired from the air as from launchers: with no other
    // artillery word, an article's strikes from the air fired them.
    let missiles_only = hits.iter().all(|h| {
        h.1 != Trigger::Event(Shelling) || {
            let w = toks[h.0].text.trim_start_matches(['و', 'ب']);
            w.contains("صاروخ") || w.contains("صواريخ")
        }
    });
    if has(DroneStrike, 1) {
        DroneStrike
    } else if let Some(t) = article_air.filter(|_| has(Shelling, 2) && missiles_only) {
        t
    } else if has(Airstrike, 2) || has(Airstrike, 1) && hits.iter().any(|h| h.1 == Trigger::Attack)
    {
        Airstrike
    } else if has(Shelling, 2) {
        Shelling
    } else if has(IedExplosion, 2) {
        IedExplosion
    } else if has(ArmedClash, 2) {
        ArmedClash
    } else if has(AssassinationKilling, 2) {
        AssassinationKilling
    } else if has(ArmedClash, 1) {
        // Gunmen, gunfire: an armed attack.
        ArmedClash
    } else if let Some(t) = recent_attack {
        // «واستهدفت …» right after a strike report: the same kind of strike.
        t
    } else {
        match bare_attack_type(toks, hits, air_force) {
            Shelling => article_air.unwrap_or(Shelling),
            t => t,
        }
    }
}

/// A bare attack word: «قصف» is a bombardment, «هجوم» an armed attack.
fn bare_attack_type(toks: &[Token], hits: &[(usize, Trigger, u8)], air_force: bool) -> EventType {
    use EventType::*;
    let words: Vec<&str> = hits
        .iter()
        .filter(|h| h.1 == Trigger::Attack)
        .map(|h| toks[h.0].text.as_str())
        .collect();
    // «قصف التحالف الدولي …», «ضربة نفذتها قوات التحالف»:
    // forces that bomb and strike from the air.
    if air_force && words.iter().any(|w| w.contains("قصف") || w.contains("ضرب")) {
        Airstrike
    } else if words.iter().any(|w| w.contains("قصف")) {
        if air_force {
            Airstrike
        } else {
            Shelling
        }
    } else if words
        .iter()
        .any(|w| w.contains("هجوم") || w.contains("هاجم") || w.contains("هجمات"))
    {
        ArmedClash
    } else {
        Other
    }
}

/// The last four words before each place of a unit, nearest first, read once.
struct WordsBefore(Vec<(usize, Vec<String>)>);

impl WordsBefore {
    fn read(toponyms: &[Toponym], inside: &[usize], s: &Sentence, chars: &[char]) -> Self {
        WordsBefore(
            inside
                .iter()
                .map(|&i| {
                    let t = &toponyms[i];
                    let from = s.start.max(t.start.saturating_sub(40));
                    let prefix: String = chars[from..t.start].iter().collect();
                    let w = tokenize(&prefix)
                        .into_iter()
                        .rev()
                        .take(4)
                        .map(|t| t.text)
                        .collect();
                    (i, w)
                })
                .collect(),
        )
    }

    /// Up to `n` words before toponym `i`, nearest first.
    fn get(&self, i: usize, n: usize) -> &[String] {
        self.0
            .iter()
            .find(|(j, _)| *j == i)
            .map(|(_, w)| &w[..n.min(w.len())])
            .unwrap_or(&[])
    }
}

/// The places of `inside` that are not set aside as named for another
/// reason than the event: where its actors came from or were taken, where
/// the reporter or the sources sit, and landmarks that locate another place («جنوب
/// مدينة الطبقة», «(96 كم شرق مدينة دير الزور)»).
fn set_aside_origins(
    toponyms: &[Toponym],
    inside: &[usize],
    before: &WordsBefore,
    ty: EventType,
    trigger_at: usize,
) -> Vec<usize> {
    let aside = |i: usize| -> bool {
        let b = before.get(i, 4);
        let w = |k: usize| b.get(k).map(String::as_str).unwrap_or("");
        // Protesters «من أهالي بلدة X» protest in X.
        let residents = |x: &str| matches!(x, "اهالي" | "ابنا" | "سكان");
        let locals = matches!(ty, EventType::Protest | EventType::Recruitment);
        let from =
            w(0) == "من" && !matches!(w(1), "بالقرب" | "قرب") && !(locals && residents(w(1)));
        let origin = b
            .iter()
            .take(3)
            .any(|x| ORIGIN_CUES.contains(&x.as_str()) && !(locals && residents(x)))
            || HOSPITALS.contains(&w(0));
        let reporter = b.iter().any(|x| x.starts_with("مراسل")) && w(0) == "في";
        // «نقلت عن مصادر (محلية) في مدينة الرقة»: where the sources are.
        let named = usize::from(marsad_gazetteer::feature_word(w(0)).is_some());
        let sources = w(named) == "في"
            && b.iter().skip(named + 1).take(2).any(|x| {
                matches!(
                    x.as_str(),
                    "مصادر" | "مصدر" | "ناشطون" | "ناشطين" | "شهود" | "مصادرها" | "مصادره"
                )
            });
        // «من مواقعها في البوكمال»: fired from there.
        let position = w(0) == "في" && FIRING_POSITIONS.contains(&w(1)) && w(2) == "من";
        // «القوات المتمركزة في قاعدة X نفذت قصفاً على …»: the attackers'
        // post, when the text names a place after the event word.
        let post = if marsad_gazetteer::feature_word(w(0)).is_some() {
            &b[1.min(b.len())..]
        } else {
            b
        };
        let stationed = post.first().is_some_and(|x| x == "في")
            && post.get(1).is_some_and(|x| STATIONED.contains(&x.as_str()))
            && toponyms[i].end <= trigger_at
            && ty.is_attack()
            && inside.iter().any(|&j| toponyms[j].start >= trigger_at);
        let distance = b
            .iter()
            .take(3)
            .any(|x| matches!(x.as_str(), "كم" | "كيلومتر" | "كيلومترا"));
        // «شرق مدينة دير الزور»: past the feature word to the direction.
        let dir = if marsad_gazetteer::feature_word(w(0)).is_some() {
            w(1)
        } else {
            w(0)
        };
        let located_by = (DIRECTIONS.contains(&dir) || DIRECTION_WORDS.contains(&dir))
            && inside
                .iter()
                .any(|&j| j != i && toponyms[j].end <= toponyms[i].start);
        from || origin || reporter || sources || position || distance || located_by || stationed
    };
    inside.iter().copied().filter(|&i| !aside(i)).collect()
}

/// Words of going that make a place after «إلى» in their clause a
/// destination: «أثناء توجهه إلى نقاط … في قرى الشدادي», «في طريقها إلى»,
/// «نُقلوا إلى مشفى … في تدمر».
const GOING: &[&str] = &[
    "توجه",
    "توجهه",
    "توجهها",
    "توجههم",
    "متوجها",
    "متوجهه",
    "متوجهين",
    "متجها",
    "متجهه",
    "متجهين",
    "طريقه",
    "طريقها",
    "طريقهم",
    // Where the wounded were taken: «تم نقلهم إلى مشفى … في تدمر».
    "نقل",
    "نقله",
    "نقلها",
    "نقلهم",
    "نقلوا",
    "اسعاف",
    "اسعافه",
    "اسعافهم",
];

/// A place in a clause that tells where the target was going («استهدف
/// صهريجاً … أثناء توجهه إلى نقاط قسد في قرى الشدادي») is not where it was
/// struck.
fn set_aside_destinations(
    toponyms: &[Toponym],
    cands: &[usize],
    s: &Sentence,
    chars: &[char],
) -> Vec<usize> {
    let going_to = |i: usize| {
        let t = &toponyms[i];
        // The clause: back to a comma or semicolon, 80 letters at most.
        let reach = s.start.max(t.start.saturating_sub(80));
        let from = (reach..t.start)
            .rev()
            .find(|&c| matches!(chars[c], ',' | '،' | ';' | '؛'))
            .map_or(reach, |c| c + 1);
        let clause: String = chars[from..t.start].iter().collect();
        // Most clauses tell no going: spare reading their words.
        if !["توجه", "تجه", "طريق", "نقل", "سعاف"]
            .iter()
            .any(|w| clause.contains(w))
        {
            return false;
        }
        let words = tokenize(&clause);
        words
            .windows(2)
            .any(|w| GOING.contains(&w[0].text.as_str()) && w[1].text == "الي")
    };
    cands.iter().copied().filter(|&i| !going_to(i)).collect()
}

/// «في قرية شموكة … على طريق الحسكة-تل تمر»: a road named by its ends
/// after a settlement says where that settlement is; its ends are not
/// places of the event. (A road alone is one stretch: `one_stretch`.)
fn set_aside_road_ends(
    gaz: &Gazetteer,
    toponyms: &[Toponym],
    cands: &[usize],
    before: &WordsBefore,
    chars: &[char],
) -> Vec<usize> {
    let road = |i: usize| after_road_word(before, i);
    // A dash between the ends, or nothing before a bare name.
    let joined = |a: usize, b: usize| {
        let gap = gap_between(toponyms, chars, a, b);
        DASHES.contains(&gap.as_str()) || gap.is_empty() && toponyms[b].feature.is_none()
    };
    // The road's first end, and the second.
    let end = |i: usize| {
        road(i)
            || cands
                .iter()
                .any(|&a| toponyms[a].end <= toponyms[i].start && road(a) && joined(a, i))
    };
    let settled_before = |i: usize| {
        cands.iter().any(|&k| {
            toponyms[k].end <= toponyms[i].start
                && !end(k)
                && gaz.place(toponyms[k].place).kind.is_settlement()
        })
    };
    cands
        .iter()
        .copied()
        .filter(|&i| !(end(i) && settled_before(i)))
        .collect()
}

/// Dashes between a road's two ends («طريق الميادين - البصيرة»).
const DASHES: &[&str] = &["-", "–", "—"];

/// Place `i` comes right after a road's name («على طريق الميادين …»).
fn after_road_word(before: &WordsBefore, i: usize) -> bool {
    before.get(i, 1).first().is_some_and(|w| {
        let w = w
            .strip_prefix('و')
            .filter(|r| r.chars().count() > 2)
            .unwrap_or(w);
        matches!(w, "طريق" | "الطريق" | "اوتوستراد")
    })
}

/// The text between place mentions `a` and `b`, trimmed.
fn gap_between(toponyms: &[Toponym], chars: &[char], a: usize, b: usize) -> String {
    let gap: String = chars[toponyms[a].end..toponyms[b].start].iter().collect();
    gap.trim().to_string()
}

/// Drops containers: a unit, region or same-named governorate seat that
/// contains another candidate («العشارة بريف دير الزور الشرقي»).
fn drop_containers(gaz: &Gazetteer, toponyms: &[Toponym], mut cands: Vec<usize>) -> Vec<usize> {
    let all = cands.clone();
    // Two regions may each hold the other's point («بادية الميادين شرقي دير
    // الزور»): the smaller one is the more specific. A river's box holds
    // half the country and tells no area: with a river, neither stays.
    let area = |i: usize| {
        gaz.place(toponyms[i].place)
            .bbox
            .map_or(0.0, |b| (b[2] - b[0]) * (b[3] - b[1]))
    };
    let river = |i: usize| gaz.place(toponyms[i].place).kind == PlaceKind::River;
    // `a` holds `b`, but `b` holds `a` too and is the larger region.
    let the_smaller = |a: usize, b: usize| {
        contains(gaz, toponyms, b, a) && area(a) < area(b) && !river(a) && !river(b)
    };
    cands.retain(|&a| {
        !all.iter()
            .any(|&b| b != a && contains(gaz, toponyms, a, b) && !the_smaller(a, b))
    });
    cands
}

/// Place mention `a` contains place mention `b`.
fn contains(gaz: &Gazetteer, toponyms: &[Toponym], a: usize, b: usize) -> bool {
    let (pa, pb) = (gaz.place(toponyms[a].place), gaz.place(toponyms[b].place));
    // An unlisted place holds nothing; it is held by the place it is
    // located by and by what holds that one.
    if toponyms[a].unlisted.is_some() {
        return false;
    }
    if toponyms[a].place == toponyms[b].place {
        return toponyms[b].unlisted.is_some();
    }
    let in_box = pa
        .bbox
        .is_some_and(|bb| pb.lon >= bb[0] && pb.lon <= bb[2] && pb.lat >= bb[1] && pb.lat <= bb[3]);
    match pa.kind {
        PlaceKind::Country => pb.country == pa.country,
        PlaceKind::Governorate => pb.admin1.is_some() && pb.admin1 == pa.admin1 || in_box,
        PlaceKind::District | PlaceKind::Region | PlaceKind::River | PlaceKind::Subdistrict => {
            in_box
                || pb.admin2.is_some() && pb.admin2 == pa.admin2 && pa.kind == PlaceKind::District
        }
        // «دير الزور» (the city) in a sentence about towns of its
        // governorate means the governorate, unless the text calls
        // it a city («مدينتي ديرالزور والبوكمال»).
        k if k.is_settlement() && toponyms[a].feature.is_none() => {
            pa.admin1.is_some()
                && pb.admin1 == pa.admin1
                && crate::discourse::named_like_its_governorate(gaz, pa)
                && kind_rank(pb.kind) == 0
        }
        _ => false,
    }
}

/// Only the most specific rank present.
/// «ريف البوكمال», «بادية تدمر» are areas, less specific than a town.
fn pick_most_specific(
    gaz: &Gazetteer,
    toponyms: &[Toponym],
    mut cands: Vec<usize>,
    before: &WordsBefore,
) -> Vec<usize> {
    let rank = |i: usize| {
        let t = &toponyms[i];
        let r = kind_rank(t.kind(gaz));
        // «الريف الشرقي لمدينة دير الزور» is the country around the city.
        let countryside = before
            .get(i, 3)
            .iter()
            .any(|w| matches!(w.as_str(), "الريف" | "ريف" | "الارياف" | "الباديه"));
        if matches!(t.feature, Some(Feature::Countryside | Feature::Desert)) || countryside {
            r.max(1)
        } else {
            r
        }
    };
    let best_rank = cands.iter().map(|&i| rank(i)).min();
    cands.retain(|&i| Some(rank(i)) == best_rank);
    cands
}

/// One mention per place.
fn one_per_place(toponyms: &[Toponym], mut cands: Vec<usize>) -> Vec<usize> {
    let mut seen = Vec::new();
    cands.retain(|&i| {
        let p = (
            toponyms[i].place,
            toponyms[i].unlisted.as_ref().map(|u| &u.name),
        );
        let new = !seen.contains(&p);
        seen.push(p);
        new
    });
    cands
}

/// For an event at one place: the first place after the trigger and the
/// places listed with it.
fn first_and_listed(
    toponyms: &[Toponym],
    cands: &[usize],
    trigger_at: usize,
    chars: &[char],
) -> Vec<usize> {
    let first = cands
        .iter()
        .position(|&i| toponyms[i].start >= trigger_at)
        .unwrap_or(0);
    let mut keep = vec![cands[first]];
    for &i in &cands[first + 1..] {
        let prev = *keep.last().unwrap_or(&i);
        if listed_after(toponyms, prev, i, chars) {
            keep.push(i);
        } else {
            break;
        }
    }
    keep
}

/// Place mention `i` is listed after `prev`: «في البوكمال والقورية»,
/// «مدينة الميادين وبلدة صبيخان», «حلب/حماة».
fn listed_after(toponyms: &[Toponym], prev: usize, i: usize, chars: &[char]) -> bool {
    if toponyms[prev].end > toponyms[i].start {
        return false;
    }
    let gap = gap_between(toponyms, chars, prev, i);
    let gap = gap.as_str();
    let feature_between = gap
        .strip_prefix('و')
        .map(|r| marsad_gazetteer::feature_word(&marsad_arabic::normalize(r.trim())).is_some())
        .unwrap_or(false);
    gap.is_empty() && toponyms[i].surface.starts_with('و')
        || matches!(gap, "و" | "،" | "," | "، و" | "،و" | "/")
        || feature_between
}

/// A list of places in three governorates or more («في مدينة الباب ومدينة
/// الحسكة ومدينة الرقة») is the extent of a tally or a campaign, not where
/// one event happened: its places are dropped, and places named apart stay.
fn drop_wide_lists(
    gaz: &Gazetteer,
    toponyms: &[Toponym],
    cands: Vec<usize>,
    chars: &[char],
) -> Vec<usize> {
    let mut runs: Vec<Vec<usize>> = Vec::new();
    for &i in &cands {
        match runs.last_mut() {
            Some(run) if listed_after(toponyms, run[run.len() - 1], i, chars) => run.push(i),
            _ => runs.push(vec![i]),
        }
    }
    runs.into_iter()
        .filter(|run| {
            let mut governorates: Vec<&str> = run
                .iter()
                .filter_map(|&i| gaz.place(toponyms[i].place).admin1.as_deref())
                .collect();
            governorates.sort_unstable();
            governorates.dedup();
            governorates.len() < 3
        })
        .flatten()
        .collect()
}

/// Places named in pairs with «بين» («بين قريتي الكرامة وبهيرة», «على الطريق
/// الواصل بين مدينتي عامودا والدرباسية»), or as a road's ends («على طريق
/// الميادين - البصيرة»), mark one stretch of ground, not an event at each:
/// of every such pair only the first place of the first pair stays, where
/// the event is told once (and is returned, to be given as its vicinity).
/// Other places stay as they were.
fn one_stretch(
    toponyms: &[Toponym],
    cands: Vec<usize>,
    before: &WordsBefore,
    chars: &[char],
) -> (Vec<usize>, Option<usize>) {
    let bare = |w: &str| -> String {
        w.strip_prefix('و')
            .filter(|r| r.chars().count() > 2)
            .unwrap_or(w)
            .to_string()
    };
    // «بين» (or a road) just before the place, or before the feature word
    // that names it: the words that may join it to the next place.
    let opens_pair = |i: usize| -> Option<&'static [&'static str]> {
        if after_road_word(before, i) {
            // «طريق دير الزور الحسكة»: the ends may stand side by side.
            return Some(&["-", "–", "—", "و", ""][..]);
        }
        let words = before.get(i, 2);
        let at = |k: usize| words.get(k).map(|w| bare(w));
        let named = |k: usize| {
            k == 0
                || words
                    .first()
                    .is_some_and(|w| marsad_gazetteer::feature_word(w).is_some())
        };
        (0..words.len()).find_map(|k| match at(k).as_deref() {
            Some("بين") if named(k) => Some(&["و"][..]),
            _ => None,
        })
    };
    // The next candidate, joined to the `k`th by one of `joins` alone.
    let partner = |k: usize, joins: &[&str]| {
        let (i, j) = (cands[k], *cands.get(k + 1)?);
        let gap = gap_between(toponyms, chars, i, j);
        let and = gap.is_empty() && toponyms[j].surface.starts_with('و');
        // Side by side, the second end is a bare name, not «بلدة X».
        let side_by_side = gap.is_empty() && toponyms[j].feature.is_none();
        (and || joins.contains(&gap.as_str()) && (!gap.is_empty() || side_by_side)).then_some(j)
    };
    let mut paired: Vec<usize> = Vec::new();
    for (k, &i) in cands.iter().enumerate() {
        if let Some(j) = opens_pair(i).and_then(|joins| partner(k, joins)) {
            paired.extend([i, j]);
        }
    }
    let Some(&first) = paired.first() else {
        return (cands, None);
    };
    let kept = cands
        .into_iter()
        .filter(|i| *i == first || !paired.contains(i))
        .collect();
    (kept, Some(first))
}

/// ACLED geo precision of an event's place: 1 the place itself, 2 around
/// it, a district or a small region, 3 a larger area. `near` holds up to
/// two words before it.
fn geo_precision(gaz: &Gazetteer, t: &Toponym, near: &[String]) -> u8 {
    let p = gaz.place(t.place);
    let near = near.iter().any(|w| {
        matches!(
            w.as_str(),
            "قرب" | "بالقرب" | "محيط" | "اطراف" | "ضواحي" | "مشارف"
        )
    });
    match kind_rank(t.kind(gaz)) {
        // Mapped at the place around it.
        _ if t.unlisted.is_some() => 2,
        0 if t.vicinity || near => 2,
        0 => 1,
        1 => 2,
        2 if p.precision_km <= 60.0 => 2,
        _ => 3,
    }
}

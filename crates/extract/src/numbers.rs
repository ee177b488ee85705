//! Counts of killed, injured and arrested, in digits, Arabic-Indic digits
//! and number words, with qualifiers («أكثر من عشرين» → 20, at least).

use marsad_arabic::{tokenize, Token};

use crate::event::Qualifier;

/// What a count counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountKind {
    /// Killed.
    Killed,
    /// Injured.
    Injured,
    /// Arrested or detained.
    Arrested,
}

/// A count found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountMention {
    /// What is counted.
    pub kind: CountKind,
    /// The number.
    pub value: u32,
    /// Exact, at least, at most or approximate.
    pub qualifier: Qualifier,
    /// Start, code points into the text searched.
    pub start: usize,
    /// End (exclusive), code points.
    pub end: usize,
}

const UNITS: &[(&str, u32)] = &[
    ("واحد", 1),
    ("واحده", 1),
    ("احد", 1),
    ("اثنان", 2),
    ("اثنين", 2),
    ("اثنتين", 2),
    ("اثنتان", 2),
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
    ("مايه", 100),
    ("ميه", 100),
    ("مئه", 100),
    ("مايتين", 200),
    ("مئتين", 200),
    ("مايتان", 200),
    ("الف", 1000),
];

/// Indefinite plurals: «العشرات» (tens of), «المئات».
const VAGUE: &[(&str, u32)] = &[
    ("عشرات", 20),
    ("العشرات", 20),
    ("مئات", 100),
    ("المئات", 100),
    ("الاف", 1000),
    ("عده", 3),
    ("عدد", 3),
];

/// The value of a number written as digits or as one number word.
pub fn parse_number_word(w: &str) -> Option<u32> {
    if let Ok(n) = w.parse::<u32>() {
        return Some(n);
    }
    let w = w.strip_prefix("ال").unwrap_or(w);
    UNITS
        .iter()
        .chain(TENS)
        .find(|(k, _)| *k == w)
        .map(|&(_, v)| v)
}

/// Reads a number at word `i`: «4», «أربعة», «خمسة وعشرين», «أحد عشر».
/// Returns the value, words used, and whether it was vague («العشرات»).
fn number_at(toks: &[Token], i: usize) -> Option<(u32, usize, bool)> {
    let w = toks.get(i)?.text.as_str();
    // «و13 مصاباً»: the conjunction sticks to digits.
    let w = w
        .strip_prefix('و')
        .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(w);
    if let Some(&(_, v)) = VAGUE.iter().find(|(k, _)| *k == w) {
        // «عدد» and «عدة» only count when no real number follows («عدد من»).
        if v == 3 && toks.get(i + 1).is_some_and(|t| t.text == "من") {
            return None;
        }
        return Some((v, 1, true));
    }
    let v = parse_number_word(w)?;
    // «خمسة وعشرين», «أحد عشر».
    if v < 10 {
        if let Some(next) = toks.get(i + 1) {
            if let Some(t) = next
                .text
                .strip_prefix('و')
                .and_then(parse_number_word)
                .filter(|t| *t >= 20 && *t < 100)
            {
                return Some((v + t, 2, false));
            }
            if matches!(next.text.as_str(), "عشر" | "عشره") {
                return Some((v + 10, 2, false));
            }
        }
    }
    Some((v, 1, false))
}

const QUALIFIERS: &[(&str, Qualifier)] = &[
    ("اكثر", Qualifier::AtLeast),
    ("ازيد", Qualifier::AtLeast),
    ("يزيد", Qualifier::AtLeast),
    ("يقل", Qualifier::AtLeast),
    ("اقل", Qualifier::AtMost),
    ("حوالي", Qualifier::Approx),
    ("نحو", Qualifier::Approx),
    ("قرابه", Qualifier::Approx),
    ("زهاء", Qualifier::Approx),
    ("زها", Qualifier::Approx),
    ("يقارب", Qualifier::Approx),
    ("تقريبا", Qualifier::Approx),
    ("قرابة", Qualifier::Approx),
];

/// Words that say what is counted, before a number («مقتل 4»).
const BEFORE: &[(&str, CountKind)] = &[
    ("مقتل", CountKind::Killed),
    ("قتل", CountKind::Killed),
    ("مصرع", CountKind::Killed),
    ("استشهاد", CountKind::Killed),
    ("سقوط", CountKind::Killed),
    ("قتلت", CountKind::Killed),
    ("بقتل", CountKind::Killed),
    ("مقتلا", CountKind::Killed),
    ("اصابه", CountKind::Injured),
    ("اصابات", CountKind::Injured),
    ("جرح", CountKind::Injured),
    ("اصيب", CountKind::Injured),
    ("باصابه", CountKind::Injured),
    ("اعتقال", CountKind::Arrested),
    ("اعتقلت", CountKind::Arrested),
    ("اعتقل", CountKind::Arrested),
    ("احتجاز", CountKind::Arrested),
    ("احتجزت", CountKind::Arrested),
    ("توقيف", CountKind::Arrested),
    ("اعتقاله", CountKind::Arrested),
];

/// Nouns after a number that say what is counted («23 قتيلاً»).
const AFTER: &[(&str, CountKind)] = &[
    ("قتيلا", CountKind::Killed),
    ("قتلي", CountKind::Killed),
    ("قتيل", CountKind::Killed),
    ("ضحيه", CountKind::Killed),
    ("ضحايا", CountKind::Killed),
    ("جثث", CountKind::Killed),
    ("جريحا", CountKind::Injured),
    ("جرحي", CountKind::Injured),
    ("جريح", CountKind::Injured),
    ("مصابا", CountKind::Injured),
    ("مصابين", CountKind::Injured),
    ("مصاب", CountKind::Injured),
    ("معتقلا", CountKind::Arrested),
    ("معتقلين", CountKind::Arrested),
    ("موقوفا", CountKind::Arrested),
    ("موقوفين", CountKind::Arrested),
];

/// Dual nouns: «مقتل عنصرين» is two.
const DUALS: &[&str] = &[
    "عنصرين",
    "عنصران",
    "شخصين",
    "شخصان",
    "مدنيان",
    "قتيلين",
    "قتيلان",
    "جريحين",
    "جريحان",
    "طفلين",
    "طفلان",
    "شابين",
    "شابان",
    "جنديين",
    "جنديان",
    "مقاتلين",
    "مقاتلان",
    "قياديين",
    "قياديان",
    "مصابين",
];

/// Singular person nouns: «مقتل عنصر» is one.
const SINGULARS: &[&str] = &[
    "عنصر",
    "شخص",
    "مدني",
    "شاب",
    "طفل",
    "امراه",
    "رجل",
    "مقاتل",
    "قيادي",
    "جندي",
    "ضابط",
    "قائد",
    "طفله",
    "سيده",
];

fn kind_word(list: &[(&str, CountKind)], w: &str) -> Option<CountKind> {
    let bare = w
        .strip_prefix(['و', 'ف'])
        .filter(|r| r.chars().count() > 2)
        .unwrap_or(w);
    list.iter()
        .find(|(k, _)| *k == w || *k == bare)
        .map(|&(_, c)| c)
}

/// Finds killed / injured / arrested counts in a text.
pub fn find_counts(text: &str) -> Vec<CountMention> {
    let toks = tokenize(text);
    let mut out: Vec<CountMention> = Vec::new();
    for i in 0..toks.len() {
        // «مقتل [أكثر من] 4 أشخاص», «اعتقلت حوالي 40 شخصاً», «مقتل عنصرين».
        if let Some(kind) = kind_word(BEFORE, &toks[i].text) {
            let mut j = i + 1;
            let mut qualifier = Qualifier::Exact;
            // Skip a few filler words: «ما لا يقل عن», «أكثر من», a verb's object pronoun.
            for _ in 0..4 {
                let Some(t) = toks.get(j) else { break };
                if t.breaks {
                    break;
                }
                if let Some(&(_, q)) = QUALIFIERS.iter().find(|(k, _)| *k == t.text) {
                    qualifier = q;
                    j += 1;
                } else if matches!(t.text.as_str(), "من" | "ما" | "لا" | "عن" | "الي" | "ال")
                {
                    j += 1;
                } else {
                    break;
                }
            }
            if let Some((v, n, vague)) =
                number_at(&toks, j).filter(|_| toks.get(j).is_some_and(|t| !t.breaks))
            {
                let q = if vague && qualifier == Qualifier::Exact {
                    Qualifier::AtLeast
                } else {
                    qualifier
                };
                out.push(CountMention {
                    kind,
                    value: v,
                    qualifier: q,
                    start: toks[i].start,
                    end: toks[j + n - 1].end,
                });
                continue;
            }
            if let Some(t) = toks.get(i + 1).filter(|t| !t.breaks) {
                if DUALS.contains(&t.text.as_str()) {
                    out.push(CountMention {
                        kind,
                        value: 2,
                        qualifier: Qualifier::Exact,
                        start: toks[i].start,
                        end: t.end,
                    });
                } else if SINGULARS.contains(&t.text.as_str()) {
                    out.push(CountMention {
                        kind,
                        value: 1,
                        qualifier: Qualifier::Exact,
                        start: toks[i].start,
                        end: t.end,
                    });
                }
            }
            continue;
        }
        // «[نحو] 23 قتيلاً», «13 مصاباً».
        if let Some((v, n, vague)) = number_at(&toks, i) {
            if let Some(kind) = toks
                .get(i + n)
                .filter(|t| !t.breaks)
                .and_then(|t| kind_word(AFTER, &t.text))
            {
                let before = i.checked_sub(1).map(|p| toks[p].text.as_str());
                let qualifier = before
                    .and_then(|b| QUALIFIERS.iter().find(|(k, _)| *k == b).map(|&(_, q)| q))
                    .or_else(|| {
                        (before == Some("من"))
                            .then(|| {
                                i.checked_sub(2).and_then(|p| {
                                    QUALIFIERS
                                        .iter()
                                        .find(|(k, _)| *k == toks[p].text)
                                        .map(|&(_, q)| q)
                                })
                            })
                            .flatten()
                    })
                    .unwrap_or(if vague {
                        Qualifier::AtLeast
                    } else {
                        Qualifier::Exact
                    });
                let end = toks[i + n].end;
                if !out.iter().any(|m| m.start <= toks[i].start && m.end >= end) {
                    out.push(CountMention {
                        kind,
                        value: v,
                        qualifier,
                        start: toks[i].start,
                        end,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(t: &str) -> Vec<(CountKind, u32, Qualifier)> {
        find_counts(t)
            .into_iter()
            .map(|c| (c.kind, c.value, c.qualifier))
            .collect()
    }

    #[test]
    fn digits_words_and_qualifiers() {
        use CountKind::*;
        use Qualifier::*;
        assert_eq!(
            counts("أسفرت عن مقتل 4 أشخاص واعتقال أكثر من عشرين شخصاً"),
            vec![(Killed, 4, Exact), (Arrested, 20, AtLeast)]
        );
        assert_eq!(counts("اعتقلت حوالي 40 شخصاً"), vec![(Arrested, 40, Approx)]);
        assert_eq!(
            counts("ما أدى إلى مقتل ٣ عناصر وإصابة سبعة آخرين"),
            vec![(Killed, 3, Exact), (Injured, 7, Exact)]
        );
        assert_eq!(
            counts("سقط 23 قتيلاً و13 مصاباً"),
            vec![(Killed, 23, Exact), (Injured, 13, Exact)]
        );
        assert_eq!(counts("مقتل خمسة وعشرين عنصراً"), vec![(Killed, 25, Exact)]);
        assert_eq!(
            counts("اعتقال العشرات من الشبان"),
            vec![(Arrested, 20, AtLeast)]
        );
        assert_eq!(
            counts("مقتل عنصرين وإصابة مدني"),
            vec![(Killed, 2, Exact), (Injured, 1, Exact)]
        );
        assert_eq!(
            counts("مقتل ما لا يقل عن 12 مقاتلاً"),
            vec![(Killed, 12, AtLeast)]
        );
        assert!(counts("تعرض 25 موقعاً للقصف").is_empty());
    }
}

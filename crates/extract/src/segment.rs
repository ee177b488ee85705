//! Paragraphs and sentences, with page furniture marked.

use marsad_arabic::key;

/// One sentence of an article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// Start, code points into the article text.
    pub start: usize,
    /// End (exclusive), code points.
    pub end: usize,
    /// Paragraph number (paragraphs are separated by line breaks).
    pub paragraph: usize,
    /// Page furniture («ت + ت - الحجم الطبيعي», «شارك المقال», «Email»,
    /// «مقالات ذات صلة»), a headline or a section heading: not reporting.
    pub furniture: bool,
    /// The first sentence of the article when it is a headline.
    pub headline: bool,
    /// The whole sentence this unit belongs to: a sentence that reports two
    /// events joined by «فيما», «بينما» or «في حين» is cut into clauses,
    /// each read on its own, with the sentence as their evidence.
    pub sentence: (usize, usize),
}

/// Keys of lines that are page furniture wherever they appear.
const FURNITURE: &[&str] = &[
    "تتالحجمالطبيعي",
    "الحجمالطبيعي",
    "email",
    "شاركالمقالعلي",
    "شاركالمقال",
    "مقالاتذاتصله",
    "اخبارذاتصله",
    "تقاريروتحقيقات",
    "اخرالاخبار",
    "الاكثرقراه",
    "اقراايضا",
    "طباعه",
    "تابعونا",
    "print",
    "share",
];

/// Words that never end a sentence: a line that ends with one was cut by
/// the line width, not by the writer.
const OPEN_ENDED: &[&str] = &[
    "في",
    "من",
    "علي",
    "الي",
    "عن",
    "مع",
    "و",
    "او",
    "بين",
    "حتي",
    "منذ",
    "بعد",
    "قبل",
    "خلال",
    "عند",
    "لدي",
    "ضد",
    "نحو",
    "حول",
    "عبر",
    "الذي",
    "التي",
    "الذين",
    "ان",
    "قد",
    "لم",
    "لن",
    "ثم",
];

/// The line breaks of hard-wrapped text that fall inside a sentence («…
/// بتفجير ثلاث سيارات⏎مفخخة وسط بلدة "تل تمر" في⏎الحسكة …»). In a block of
/// lines with no blank line between them where some line ends with a word
/// that cannot end a sentence, every break after a line without a
/// sentence-final mark is soft. Returns the positions of the soft breaks.
pub(crate) fn soft_breaks(chars: &[char]) -> Vec<usize> {
    // Lines as (start, end of text, position of the line break).
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, &c) in chars.iter().enumerate() {
        if c == '\n' {
            lines.push((start, i));
            start = i + 1;
        }
    }
    lines.push((start, chars.len()));
    let text_of = |(a, b): (usize, usize)| -> String { chars[a..b].iter().collect() };
    let ends_sentence = |l: &str| {
        l.trim_end()
            .trim_end_matches(['"', '»', '”', ')', '\''])
            .ends_with(['.', '!', '?', '؟', ':', '؛', '\u{06D4}', '…'])
    };
    let last_word_open = |l: &str| {
        l.split_whitespace()
            .last()
            .is_some_and(|w| OPEN_ENDED.contains(&marsad_arabic::normalize(w).as_str()))
    };
    let mut soft = Vec::new();
    let mut b = 0;
    while b < lines.len() {
        // A block: consecutive non-empty lines.
        let mut e = b;
        while e < lines.len() && !text_of(lines[e]).trim().is_empty() {
            e += 1;
        }
        if e > b + 1 {
            let block: Vec<String> = (b..e).map(|k| text_of(lines[k])).collect();
            let wrapped = block[..block.len() - 1]
                .iter()
                .any(|l| !ends_sentence(l) && last_word_open(l));
            if wrapped {
                for (k, l) in block[..block.len() - 1].iter().enumerate() {
                    if !ends_sentence(l) {
                        soft.push(lines[b + k].1);
                    }
                }
            }
        }
        b = e + 1;
    }
    soft
}

/// Openings (normalised) of a line of links or credits, however long it
/// is: «اقرأ أيضاً: هجوم لداعش على …» is another article's headline.
const LINK_PREFIXES: &[&str] = &[
    "اقرا ايضا",
    "اقرا المزيد",
    "شاهد ايضا",
    "للمزيد",
    "اعداد:",
    "تحرير:",
    "تحرير وتدقيق",
    "المصدر:",
    "تابعونا",
];

/// Sentence spans `[start, end)` in code points: a sentence ends at `.`,
/// `!`, `?`, `؟` or a line break; `؛` and `،` separate clauses inside it (a
/// report often lists its targets after a semicolon). A full stop between
/// digits is a decimal point.
fn spans(chars: &[char], soft: &[usize]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut last = 0;
    // A dot inside a word broken against filters («قـ.ـتل») ends nothing.
    let mut joined_until = 0;
    for (i, &c) in chars.iter().enumerate() {
        let gap = marsad_arabic::obfuscation_gap_at(chars, i);
        if gap > 0 {
            joined_until = i + gap;
        }
        if i <= joined_until && i > 0 && c != '\u{0640}' && joined_until > 0 {
            continue;
        }
        let decimal = c == '.'
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit());
        // «إريك ت. هيل»: the full stop of an initial does not end a sentence.
        let initial = c == '.'
            && i >= 1
            && chars[i - 1].is_alphabetic()
            && (i < 2 || !chars[i - 2].is_alphanumeric());
        let soft_break = c == '\n' && soft.binary_search(&i).is_ok();
        let stop = matches!(c, '.' | '!' | '?' | '؟' | '\n' | '\u{06D4}')
            && !decimal
            && !initial
            && !soft_break;
        if stop {
            if let Some(s) = start.take() {
                out.push((s, if c == '\n' { last } else { i + 1 }));
            }
        } else if !c.is_whitespace() {
            start.get_or_insert(i);
            last = i + 1;
        }
    }
    if let Some(s) = start {
        out.push((s, last));
    }
    out
}

/// Clause spans of a sentence: cut before «، فيما», «، بينما», «، في حين»
/// (with or without «و») and a reporting verb («، وقال»), where news joins
/// a second event to the first.
fn clauses(chars: &[char], s: usize, e: usize) -> Vec<(usize, usize)> {
    // Normalised. A reporting verb after a comma opens another statement,
    // often of another event («…، وقال إنه قتل عشرات المسلحين في هجوم …»).
    const MARKERS: &[&str] = &[
        "فيما ",
        "بينما ",
        "في حين ",
        "وفيما ",
        "وبينما ",
        "وفي حين ",
        "وقال ",
        "وقالت ",
        "واضاف ",
        "واضافت ",
        "واعلن ",
        "واعلنت ",
    ];
    let mut cuts = vec![s];
    let mut i = s;
    while i < e {
        if matches!(chars[i], '،' | ',') {
            let mut j = i + 1;
            while j < e && chars[j].is_whitespace() {
                j += 1;
            }
            let mut rest = String::with_capacity(24);
            for &c in &chars[j..e.min(j + 10)] {
                marsad_arabic::fold_char(c, &mut |f| rest.push(f));
            }
            if MARKERS.iter().any(|m| rest.starts_with(m)) && j > s + 10 {
                cuts.push(j);
            }
        }
        i += 1;
    }
    cuts.push(e);
    cuts.windows(2)
        .map(|w| (w[0], w[1]))
        .filter(|(a, b)| b > a)
        .collect()
}

/// Cuts text into sentences; marks furniture and short heading lines.
pub fn segment(text: &str, has_title: bool) -> Vec<Sentence> {
    let chars: Vec<char> = text.chars().collect();
    let soft = soft_breaks(&chars);
    // Paragraph number of each code point: count line breaks.
    let mut para_of = Vec::with_capacity(chars.len() + 1);
    // A run of line breaks (a blank line) is one paragraph break.
    let mut p = 0;
    let mut in_break = false;
    for (i, &c) in chars.iter().enumerate() {
        para_of.push(p);
        if c == '\n' && soft.binary_search(&i).is_err() {
            if !in_break {
                p += 1;
            }
            in_break = true;
        } else if !c.is_whitespace() {
            in_break = false;
        }
    }
    para_of.push(p);
    let mut out = Vec::new();
    let all = spans(&chars, &soft);
    // The headline is the whole first line, however many sentences it holds.
    let first_para = all.first().map(|&(s, _)| para_of[s]).unwrap_or(0);
    for (s, e) in all {
        let body: String = chars[s..e].iter().collect();
        // Furniture lines are short: long sentences need no key.
        let k = if e - s <= 80 {
            key(&body)
        } else {
            String::from("-")
        };
        let line_start = s == 0
            || chars[..s]
                .iter()
                .rev()
                .take_while(|c| **c != '\n')
                .all(|c| c.is_whitespace());
        let line_end = chars[e..]
            .iter()
            .take_while(|c| **c != '\n')
            .all(|c| c.is_whitespace());
        let whole_line = line_start && line_end;
        let words = body.split_whitespace().count();
        let heading =
            whole_line && words <= 6 && !body.trim_end().ends_with(['.', '؟', '!', ':', '،']);
        let furniture = FURNITURE
            .iter()
            .any(|f| k == *f || k.starts_with(f) && k.len() < f.len() + 12)
            || line_start && {
                let head: String = body.trim_start().chars().take(16).collect();
                let n = marsad_arabic::normalize(&head);
                LINK_PREFIXES.iter().any(|f| n.starts_with(f))
            }
            || heading
            || k.is_empty();
        for (cs, ce) in clauses(&chars, s, e) {
            out.push(Sentence {
                start: cs,
                end: ce,
                paragraph: para_of[s],
                furniture,
                headline: has_title && para_of[s] == first_para,
                sentence: (s, e),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_hard_wrapped_lines() {
        let text = "قتل خمسة أشخاص بتفجير سيارة\nمفخخة وسط بلدة في\nريف المحافظة اليوم.\nوقال مصدر إن الوضع هادئ.";
        let s = segment(text, false);
        let first: String = text
            .chars()
            .skip(s[0].start)
            .take(s[0].end - s[0].start)
            .collect();
        assert!(first.ends_with("اليوم."), "{first}");
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].paragraph, s[1].paragraph - 1);
    }

    #[test]
    fn short_lines_without_open_ends_stay_apart() {
        let text = "عنوان الخبر هنا\n\nقصفت المدفعية أطراف البلدة.";
        assert_eq!(
            soft_breaks(&text.chars().collect::<Vec<_>>()),
            Vec::<usize>::new()
        );
    }

    #[test]
    fn link_lines_are_furniture() {
        let text = "قصفت المدفعية أطراف البلدة.\nاقرأ أيضاً: هجوم مسلح على حاجز عسكري في المدينة وخطف عنصرين\nوأصيب مدنيان.";
        let flags: Vec<bool> = segment(text, false).iter().map(|x| x.furniture).collect();
        assert_eq!(flags, vec![false, true, false]);
    }

    #[test]
    fn a_reporting_verb_opens_a_clause() {
        let text = "انفجرت عبوة في السوق، وقال التنظيم إنه هاجم حاجزاً قرب المدينة.";
        let s = segment(text, false);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].sentence, s[1].sentence);
    }

    #[test]
    fn marks_furniture_and_headings() {
        let text = "ت + ت - الحجم الطبيعي\n\nقصفت المدفعية أطراف البلدة. وقال مصدر إن القصف استمر.\nتخوفات\nEmail";
        let s = segment(text, false);
        let flags: Vec<bool> = s.iter().map(|x| x.furniture).collect();
        assert_eq!(flags, vec![true, false, false, true, true]);
        assert!(s[1].paragraph < s[3].paragraph);
    }
}

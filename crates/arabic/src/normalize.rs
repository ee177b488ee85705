//! Character folding and offset-keeping normalisation.

use unicode_normalization::char::decompose_compatible;

/// Text in normalised form, with a map back to the original code points.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    /// The normalised characters.
    pub chars: Vec<char>,
    /// `origin[i]` is the code-point index in the original text of the
    /// character that produced `chars[i]`.
    pub origin: Vec<usize>,
    /// Number of code points in the original text.
    pub original_len: usize,
}

impl Normalized {
    /// Normalises `text`, keeping offsets.
    pub fn new(text: &str) -> Self {
        let mut chars = Vec::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        let mut n = 0;
        // Characters still to drop from an obfuscation gap.
        let mut joined = 0;
        for (i, (b, c)) in text.char_indices().enumerate() {
            n = i + 1;
            if joined > 0 {
                joined -= 1;
                continue;
            }
            if c == TATWEEL {
                joined = obfuscation_gap(&text[b + c.len_utf8()..]);
            }
            fold_char(c, &mut |f| {
                chars.push(f);
                origin.push(i);
            });
        }
        Normalized {
            chars,
            origin,
            original_len: n,
        }
    }

    /// Original code-point span `[start, end)` of normalised chars `[s, e)`.
    pub fn original_span(&self, s: usize, e: usize) -> (usize, usize) {
        if s >= e || e > self.chars.len() {
            return (0, 0);
        }
        (self.origin[s], self.origin[e - 1] + 1)
    }

    /// The normalised text as a `String`.
    pub fn as_string(&self) -> String {
        self.chars.iter().collect()
    }
}

const TATWEEL: char = '\u{0640}';

/// Writers break sensitive words to slip past platform filters: «قـ.ـتل»,
/// «اعتقـ ـالات». A run of spaces, dots or hyphens between two tatweels
/// joins the word again; returns how many characters after a tatweel to drop.
fn obfuscation_gap(rest: &str) -> usize {
    let mut n = 0;
    for c in rest.chars() {
        match c {
            ' ' | '.' | '-' => n += 1,
            TATWEEL if n > 0 => return n,
            _ => return 0,
        }
    }
    0
}

/// Length in code points of the obfuscation gap that starts right after
/// code point `i` of `chars` (a tatweel), or 0.
pub fn obfuscation_gap_at(chars: &[char], i: usize) -> usize {
    if chars.get(i) != Some(&TATWEEL) {
        return 0;
    }
    let mut n = 0;
    while let Some(&c) = chars.get(i + 1 + n) {
        match c {
            ' ' | '.' | '-' => n += 1,
            TATWEEL if n > 0 => return n,
            _ => return 0,
        }
    }
    0
}

/// True for characters of the Arabic script blocks.
pub fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// Folds one original character into zero or more normalised characters.
///
/// NFKC-compatible decomposition first (so lam-alef ligatures such as `ﻷ`
/// become two letters and hamza carriers lose their hamza mark), then the
/// Arabic foldings that news text needs: alef forms, ta marbuta, alef
/// maqsura, Persian letters, digits, quotes, and removal of diacritics,
/// tatweel and invisible format characters.
pub fn fold_char(c: char, out: &mut impl FnMut(char)) {
    // Fast path for the common case.
    if c.is_ascii() {
        match c {
            '\r' => {}
            '\t' => out(' '),
            '\'' | '`' => out('"'),
            _ => out(c.to_ascii_lowercase()),
        }
        return;
    }
    // Plain Arabic letters that need no folding skip the decomposition
    // tables: they are most of every article.
    if matches!(c, 'ا' | 'ب' | 'ت'..='غ' | 'ف'..='و' | 'ي') {
        out(c);
        return;
    }
    decompose_compatible(c, |d| fold_decomposed(d, out));
}

fn fold_decomposed(c: char, out: &mut impl FnMut(char)) {
    let f = match c {
        // Diacritics, Quranic marks, superscript alef, tatweel, hamza marks.
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | '\u{0640}' => return,
        // Combining marks of other scripts (Latin transliterations).
        '\u{0300}'..='\u{036F}' => return,
        // Invisible format characters: zero-width, bidi controls, BOM, ALM.
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' => return,
        '\u{FEFF}' | '\u{061C}' | '\u{00AD}' => return,
        // Standalone hamza: spelled or omitted freely in names (الشفاء / الشفا).
        'ء' => return,
        'أ' | 'إ' | 'آ' | 'ٱ' | 'ٲ' | 'ٳ' => 'ا',
        'ؤ' => 'و',
        'ئ' | 'ى' | 'ی' | 'ې' | 'ۍ' | 'ێ' => 'ي',
        'ة' | 'ە' | 'ۀ' | 'ہ' | 'ۃ' => 'ه',
        'ک' | 'ڪ' | 'گ' => 'ك',
        'پ' => 'ب',
        'چ' => 'ج',
        'ژ' => 'ز',
        'ڤ' | 'ڥ' => 'ف',
        'ڵ' => 'ل',
        'ۆ' | 'ۇ' | 'ۈ' => 'و',
        '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
        '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
        '،' => ',',
        '؛' => ';',
        '؟' => '?',
        '٪' => '%',
        '۔' | '٫' => '.',
        '٬' => ',',
        '«' | '»' | '“' | '”' | '„' | '‟' | '″' | '‹' | '›' | '‘' | '’' | '‚' | '‛' | '´'
        | '〝' | '〞' | '＂' => '"',
        '–' | '—' | '‐' | '‑' | '‒' | '―' | '−' => '-',
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => ' ',
        '\u{2028}' | '\u{2029}' | '\u{0085}' => '\n',
        '…' => '.',
        _ => {
            for l in c.to_lowercase() {
                out(l);
            }
            return;
        }
    };
    out(f);
}

/// Normalises a string (no offsets kept).
pub fn normalize(text: &str) -> String {
    Normalized::new(text).as_string()
}

/// A lookup key for names: normalised, with spaces, hyphens, dots, quotes and
/// other punctuation removed, so that «دير الزور», «ديرالزور» and
/// «دير-الزور» share one key.
pub fn key(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut |f| {
            // Arabic letters and ASCII first: the Unicode table is slow.
            if matches!(f, '\u{0621}'..='\u{064A}' | 'a'..='z' | '0'..='9')
                || !f.is_ascii() && f.is_alphanumeric()
            {
                s.push(f)
            }
        });
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_hamza_taa_and_alef_maqsura() {
        assert_eq!(normalize("أإآٱ"), "اااا");
        assert_eq!(normalize("مؤسسة"), "موسسه");
        assert_eq!(normalize("القائم"), "القايم");
        assert_eq!(normalize("مصطفى"), "مصطفي");
        assert_eq!(normalize("الشفاء"), "الشفا");
    }

    #[test]
    fn expands_lam_alef_presentation_forms() {
        assert_eq!(normalize("اﻷسد"), "الاسد");
        assert_eq!(normalize("ﻻ"), "لا");
        assert_eq!(normalize("اﻹيرانية"), "الايرانيه");
    }

    #[test]
    fn removes_diacritics_tatweel_and_zero_width() {
        assert_eq!(normalize("شنّت"), "شنت");
        assert_eq!(normalize("مُسيَّرة"), "مسيره");
        assert_eq!(normalize("لـ«البيان»"), "ل\"البيان\"");
        assert_eq!(normalize("البو\u{200C}كمال"), "البوكمال");
    }

    #[test]
    fn folds_persian_letters_and_digits() {
        assert_eq!(normalize("کی"), "كي");
        assert_eq!(normalize("٢٩ ۱۲"), "29 12");
    }

    #[test]
    fn keys_ignore_spaces() {
        assert_eq!(key("دير الزور"), key("ديرالزور"));
        assert_eq!(key("البو كمال"), key("البوكمال"));
        assert_eq!(key("Deir ez-Zor"), "deirezzor");
    }

    #[test]
    fn joins_words_broken_against_filters() {
        assert_eq!(normalize("قـ.ـتل عـ.ـبوة"), "قتل عبوه");
        assert_eq!(
            normalize("اعتقـ ـالات في ديـ ـر الزور"),
            "اعتقالات في دير الزور"
        );
        // A tatweel alone, or before a real full stop, changes nothing else.
        assert_eq!(normalize("الـ 24 ساعة. ثم"), "ال 24 ساعه. ثم");
        let n = Normalized::new("قـ.ـتل");
        assert_eq!(n.as_string(), "قتل");
        assert_eq!(n.original_span(0, 3), (0, 6));
    }

    #[test]
    fn offsets_point_into_original() {
        let t = "ﻷن ماذا";
        let n = Normalized::new(t);
        assert_eq!(n.as_string(), "لان ماذا");
        // "لا" both come from code point 0.
        assert_eq!(n.original_span(0, 3), (0, 2));
    }
}

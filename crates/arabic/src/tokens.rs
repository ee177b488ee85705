//! Word tokens with original offsets, and sentence spans.

use crate::normalize::Normalized;

/// One word of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Normalised form of the word.
    pub text: String,
    /// Start, in code points of the original text.
    pub start: usize,
    /// End (exclusive), in code points of the original text.
    pub end: usize,
    /// Normalised non-space characters between the previous word and this
    /// one (punctuation, quotes), in order.
    pub gap: String,
    /// True when a line break or sentence-ending mark separates this word
    /// from the previous one (or it is the first word).
    pub breaks: bool,
}

impl Token {
    /// True if the gap before this word contains a quote mark.
    pub fn after_quote(&self) -> bool {
        self.gap.contains('"')
    }
}

fn is_word_char(c: char) -> bool {
    // Arabic letters and ASCII first: the general Unicode table is slow.
    matches!(c, '\u{0621}'..='\u{064A}' | 'a'..='z' | '0'..='9')
        || !c.is_ascii() && c.is_alphanumeric()
}

fn is_break(c: char) -> bool {
    matches!(c, '\n' | '.' | '?' | '!' | ';')
}

/// Splits text into words. Tatweel and zero-width characters never split a
/// word; every other non-alphanumeric character does.
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_normalized(&Normalized::new(text))
}

/// Like [`tokenize`], over an already normalised text.
pub fn tokenize_normalized(n: &Normalized) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut gap = String::new();
    let mut breaks = true;
    let mut i = 0;
    let chars = &n.chars;
    while i < chars.len() {
        let c = chars[i];
        if is_word_char(c) {
            let s = i;
            // A separator that comes from the same original character as the
            // word (NFKC of «¼» is «1⁄4») does not split it: tokens never share
            // an original character.
            while i < chars.len() && (is_word_char(chars[i]) || n.origin[i] == n.origin[i - 1]) {
                i += 1;
            }
            // A decimal point or digit grouping inside a number stays in it.
            let (start, mut end) = n.original_span(s, i);
            // Characters folded away after the word (a final hamza, marks,
            // tatweel) still belong to it: «الأربعاء» keeps its «ء».
            end = end.max(n.origin.get(i).copied().unwrap_or(n.original_len));
            tokens.push(Token {
                text: chars[s..i].iter().collect(),
                start,
                end,
                gap: std::mem::take(&mut gap),
                breaks,
            });
            breaks = false;
        } else {
            if is_break(c) {
                breaks = true;
            }
            if !c.is_whitespace() {
                gap.push(c);
            }
            i += 1;
        }
    }
    tokens
}

/// Sentence spans `[start, end)` in original code points. Sentences end at
/// `.`, `?`, `!`, `؟`, `؛`, `;` and line breaks; a full stop between two
/// digits (a decimal) does not end a sentence.
pub fn sentence_spans(text: &str) -> Vec<(usize, usize)> {
    let n = Normalized::new(text);
    let chars = &n.chars;
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_content = 0usize;
    for (i, &c) in chars.iter().enumerate() {
        let decimal = c == '.'
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit());
        if is_break(c) && !decimal {
            if let Some(s) = start.take() {
                let end = if c == '\n' { last_content } else { i + 1 };
                spans.push(n.original_span(s, end.max(s + 1)));
            }
        } else if !c.is_whitespace() {
            if start.is_none() {
                start = Some(i);
            }
            last_content = i + 1;
        }
    }
    if let Some(s) = start {
        spans.push(n.original_span(s, last_content.max(s + 1)));
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_code_points() {
        let t = tokenize("قصف «البوكمال»، أمس");
        assert_eq!(t.len(), 3);
        assert_eq!(t[1].text, "البوكمال");
        assert_eq!((t[1].start, t[1].end), (5, 13));
        assert!(t[1].after_quote());
        assert_eq!(t[2].gap, "\",");
    }

    #[test]
    fn tatweel_joins_clitic() {
        let t = tokenize("لـ«البيان»");
        assert_eq!(t[0].text, "ل");
        assert_eq!(t[1].text, "البيان");
        assert_eq!(
            (t[0].start, t[0].end),
            (0, 2),
            "the tatweel stays with its word"
        );
    }

    #[test]
    fn sentences_split_on_arabic_marks() {
        let text = "قصف البوكمال. هل انتهى؟ نعم\nسطر آخر 3.5 كم";
        let s = sentence_spans(text);
        let got: Vec<String> = s
            .iter()
            .map(|&(a, b)| text.chars().skip(a).take(b - a).collect())
            .collect();
        assert_eq!(
            got,
            vec!["قصف البوكمال.", "هل انتهى؟", "نعم", "سطر آخر 3.5 كم"]
        );
    }
}

//! Peeling of proclitics (و ف ب ك ل) and the article (ال / لل).
//!
//! A light, layered peeler rather than a stemmer: place names must come out
//! intact, so only prefixes are removed and every layer is offered as a
//! candidate; the caller keeps the longest one that is a known name.

/// One reading of a word with some proclitics removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Peeled {
    /// The remaining word (normalised).
    pub stem: String,
    /// Conjunction و or ف was removed.
    pub conj: bool,
    /// Preposition ب, ك or ل was removed.
    pub prep: Option<char>,
    /// The article ال was removed (or elided after ل as in «للبوكمال»).
    pub article_removed: bool,
}

/// Two-letter words that begin place names («تل تمر») or are feature words
/// («حي»): offered as stems after a one-letter clitic.
const SHORT_STEMS: &[&str] = &["تل", "حي", "جب"];

/// All readings of a normalised word, the unpeeled one first, then by
/// increasing amount removed. Stems shorter than two letters are not offered.
pub fn peel(word: &str) -> Vec<Peeled> {
    let reading = |stem: &str, conj, prep| Peeled {
        stem: stem.to_string(),
        conj,
        prep,
        article_removed: false,
    };
    // Most words carry no proclitic and no article: one reading.
    if !word.starts_with(['و', 'ف', 'ب', 'ك', 'ل', 'ا']) {
        return vec![reading(word, false, None)];
    }
    let mut out = Vec::with_capacity(6);
    out.push(reading(word, false, None));
    // Slices, not characters: every clitic letter is one `char`.
    let len = word.chars().count();
    let mut bases: [(&str, usize, bool); 2] = [(word, len, false), ("", 0, false)];
    let mut n_bases = 1;
    if len > 3 && word.starts_with(['و', 'ف']) {
        bases[1] = (after_first(word), len - 1, true);
        n_bases = 2;
    }
    for &(rest, rest_len, conj) in &bases[..n_bases] {
        if conj {
            push(&mut out, rest, conj, None);
        }
        let Some(prep) = rest.chars().next().filter(|c| matches!(c, 'ب' | 'ك' | 'ل')) else {
            continue;
        };
        let tail = after_first(rest);
        // «بتل أبيض»: two-letter stems that begin names, after a clitic.
        let short = rest_len == 3 && SHORT_STEMS.contains(&tail);
        if rest_len > 3 || short {
            if prep == 'ل' && tail.starts_with('ل') {
                // «للبوكمال» = ل + البوكمال with the alef of the article elided.
                let elided = format!("ا{tail}");
                push(&mut out, &elided, conj, Some(prep));
            }
            push(&mut out, tail, conj, Some(prep));
        }
    }
    // Article-less variants of every reading so far.
    let n = out.len();
    for i in 0..n {
        if let Some(s) = strip_article(&out[i].stem) {
            if !out.iter().any(|o| o.stem == s) {
                let p = Peeled {
                    stem: s.to_string(),
                    article_removed: true,
                    ..out[i].clone()
                };
                out.push(p);
            }
        }
    }
    out
}

/// The word without its first character.
fn after_first(w: &str) -> &str {
    w.char_indices().nth(1).map_or("", |(b, _)| &w[b..])
}

fn push(out: &mut Vec<Peeled>, stem: &str, conj: bool, prep: Option<char>) {
    if stem.chars().nth(1).is_some() && !out.iter().any(|o| o.stem == stem) {
        out.push(Peeled {
            stem: stem.to_string(),
            conj,
            prep,
            article_removed: false,
        });
    }
}

/// The word without a leading article ال, if it has one and something
/// substantial remains.
pub fn strip_article(word: &str) -> Option<&str> {
    let rest = word.strip_prefix("ال")?;
    (rest.chars().count() >= 2).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(w: &str) -> Vec<String> {
        peel(w).into_iter().map(|p| p.stem).collect()
    }

    #[test]
    fn peels_layers() {
        assert!(stems("بالبوكمال").contains(&"البوكمال".to_string()));
        assert!(stems("وبالميادين").contains(&"الميادين".to_string()));
        assert!(stems("للبوكمال").contains(&"البوكمال".to_string()));
        assert!(stems("والميادين").contains(&"ميادين".to_string()));
        assert_eq!(stems("البوكمال")[0], "البوكمال");
    }

    #[test]
    fn keeps_names_that_start_with_clitic_letters() {
        assert_eq!(stems("بغداد")[0], "بغداد");
        assert!(stems("وادي").contains(&"وادي".to_string()));
    }

    #[test]
    fn reports_what_was_removed() {
        let p = peel("وبالبصيره");
        let hit = p.iter().find(|p| p.stem == "البصيره").unwrap();
        assert!(hit.conj);
        assert_eq!(hit.prep, Some('ب'));
    }
}

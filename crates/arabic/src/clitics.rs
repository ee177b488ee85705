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
    // Most words carry no proclitic and no article: one reading.
    if !word.starts_with(['و', 'ف', 'ب', 'ك', 'ل', 'ا']) {
        return vec![Peeled {
            stem: word.to_string(),
            conj: false,
            prep: None,
            article_removed: false,
        }];
    }
    let mut out = vec![Peeled {
        stem: word.to_string(),
        conj: false,
        prep: None,
        article_removed: false,
    }];
    let chars: Vec<char> = word.chars().collect();
    let mut bases: Vec<(usize, bool)> = vec![(0, false)];
    if chars.len() > 3 && matches!(chars[0], 'و' | 'ف') {
        bases.push((1, true));
    }
    for &(b, conj) in &bases {
        let rest = &chars[b..];
        if b > 0 {
            push(&mut out, rest.iter().collect(), conj, None, false);
        }
        // «بتل أبيض»: two-letter stems that begin names, after a clitic.
        let short =
            rest.len() == 3 && SHORT_STEMS.contains(&rest[1..].iter().collect::<String>().as_str());
        if (rest.len() > 3 || short) && matches!(rest[0], 'ب' | 'ك' | 'ل') {
            let prep = rest[0];
            if prep == 'ل' && rest[1] == 'ل' {
                // «للبوكمال» = ل + البوكمال with the alef of the article elided.
                let s: String = std::iter::once('ا')
                    .chain(rest[1..].iter().copied())
                    .collect();
                push(&mut out, s, conj, Some(prep), false);
            }
            push(
                &mut out,
                rest[1..].iter().collect(),
                conj,
                Some(prep),
                false,
            );
        }
    }
    // Article-less variants of every reading so far.
    let n = out.len();
    for i in 0..n {
        if let Some(s) = strip_article(&out[i].stem) {
            let p = Peeled {
                stem: s.to_string(),
                article_removed: true,
                ..out[i].clone()
            };
            if p.stem.chars().count() >= 2 && !out.iter().any(|o| o.stem == p.stem) {
                out.push(p);
            }
        }
    }
    out
}

fn push(out: &mut Vec<Peeled>, stem: String, conj: bool, prep: Option<char>, art: bool) {
    if stem.chars().count() >= 2 && !out.iter().any(|o| o.stem == stem) {
        out.push(Peeled {
            stem,
            conj,
            prep,
            article_removed: art,
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

//! Feature words: the generic nouns that stand before a place name
//! («مدينة البوكمال», «حقل العمر», «معبر السكك») and tell what kind of place
//! follows. Singular, dual and plural forms are listed (normalised), so that
//! «حقلي العمر وكونيكو» licenses both names.

use crate::PlaceKind;

/// The class of place a feature word announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Feature {
    City,
    Town,
    Village,
    Neighbourhood,
    Camp,
    /// «ريف X»: the countryside of X.
    Countryside,
    /// «بادية X»: the desert of X.
    Desert,
    Field,
    Crossing,
    Base,
    Airport,
    River,
    Bridge,
    Governorate,
    /// «منطقة X»: an area, or a district in Syrian usage.
    Area,
    Subdistrict,
    Capital,
    /// A named site: «سجن», «مزار», «قلعة», «جبل», «تلال», «فوج».
    Site,
}

impl Feature {
    /// Is a place of `kind` compatible with this feature word?
    pub fn accepts(self, kind: PlaceKind) -> bool {
        use PlaceKind as K;
        match self {
            Feature::City | Feature::Town | Feature::Village => {
                kind.is_settlement() || kind == K::Subdistrict
            }
            Feature::Neighbourhood => {
                matches!(kind, K::Neighbourhood | K::Village | K::Town | K::Camp)
            }
            Feature::Camp => matches!(kind, K::Camp | K::Village | K::Town | K::Neighbourhood),
            Feature::Countryside | Feature::Desert => {
                kind.is_settlement() || kind.is_admin() || kind == K::Region
            }
            Feature::Field => matches!(kind, K::OilField | K::GasField),
            Feature::Crossing => kind == K::Crossing,
            Feature::Base => matches!(kind, K::Base | K::Airport),
            Feature::Airport => matches!(kind, K::Airport | K::Base),
            Feature::River => kind == K::River,
            Feature::Bridge => kind == K::Facility,
            Feature::Governorate => kind == K::Governorate,
            Feature::Area => !matches!(kind, K::Country),
            Feature::Subdistrict => matches!(kind, K::Subdistrict | K::Town | K::City),
            Feature::Capital => kind.is_settlement(),
            Feature::Site => matches!(
                kind,
                K::Landmark | K::Facility | K::Base | K::Region | K::Airport
            ),
        }
    }

    /// The kind of a place the gazetteer does not have, named after this
    /// word («قرية أبريهة» is a village); `None` for words after which a
    /// name must be known (a governorate, a river, a capital).
    pub fn unlisted_kind(self) -> Option<PlaceKind> {
        use PlaceKind as K;
        Some(match self {
            Feature::City => K::City,
            Feature::Town => K::Town,
            Feature::Subdistrict => K::Subdistrict,
            // «ريف X», «بادية كباجب»: X is a settlement.
            Feature::Village | Feature::Countryside | Feature::Desert => K::Village,
            Feature::Neighbourhood => K::Neighbourhood,
            Feature::Camp => K::Camp,
            Feature::Field => K::OilField,
            Feature::Crossing => K::Crossing,
            Feature::Base => K::Base,
            Feature::Airport => K::Airport,
            Feature::Area => K::Region,
            Feature::Site => K::Landmark,
            Feature::River | Feature::Bridge | Feature::Governorate | Feature::Capital => {
                return None
            }
        })
    }

    /// True when the word is part of the name of the site it introduces
    /// («قاعدة التنف», «حقل العمر», «مخيم الهول», «ريف البوكمال»), false for
    /// classifiers of settlements and admin units («مدينة», «محافظة»).
    pub fn names_site(self) -> bool {
        !matches!(
            self,
            Feature::City
                | Feature::Town
                | Feature::Village
                | Feature::Governorate
                | Feature::Area
                | Feature::Subdistrict
                | Feature::Capital
        )
    }

    /// True when the name after this word is a settlement-like place (so any
    /// village name, however obscure, is accepted after it).
    pub fn licenses_settlements(self) -> bool {
        matches!(
            self,
            Feature::City
                | Feature::Town
                | Feature::Village
                | Feature::Neighbourhood
                | Feature::Camp
                | Feature::Countryside
                | Feature::Subdistrict
        )
    }
}

/// Normalised feature words and their class.
const WORDS: &[(&str, Feature)] = &[
    ("مدينه", Feature::City),
    ("مدينتي", Feature::City),
    ("مدينتا", Feature::City),
    ("مدن", Feature::City),
    ("بلده", Feature::Town),
    ("بلدتي", Feature::Town),
    ("بلدتا", Feature::Town),
    ("بلدات", Feature::Town),
    ("قريه", Feature::Village),
    ("قريتي", Feature::Village),
    ("قريتا", Feature::Village),
    ("قري", Feature::Village),
    ("حي", Feature::Neighbourhood),
    ("حيي", Feature::Neighbourhood),
    ("احيا", Feature::Neighbourhood),
    ("مخيم", Feature::Camp),
    ("مخيمي", Feature::Camp),
    ("مخيمات", Feature::Camp),
    ("ريف", Feature::Countryside),
    ("ارياف", Feature::Countryside),
    ("باديه", Feature::Desert),
    ("حقل", Feature::Field),
    ("حقلي", Feature::Field),
    ("حقلا", Feature::Field),
    ("حقول", Feature::Field),
    ("معبر", Feature::Crossing),
    ("معبري", Feature::Crossing),
    ("معبرا", Feature::Crossing),
    ("معابر", Feature::Crossing),
    ("منفذ", Feature::Crossing),
    ("منافذ", Feature::Crossing),
    ("قاعده", Feature::Base),
    ("قاعدتي", Feature::Base),
    ("قاعدتا", Feature::Base),
    ("قاعدتين", Feature::Base),
    ("قواعد", Feature::Base),
    ("معسكر", Feature::Base),
    ("معسكرات", Feature::Base),
    ("مطار", Feature::Airport),
    ("مطاري", Feature::Airport),
    ("مطارات", Feature::Airport),
    ("نهر", Feature::River),
    ("نهري", Feature::River),
    ("ضفه", Feature::River),
    ("ضفتي", Feature::River),
    ("ضفاف", Feature::River),
    ("جسر", Feature::Bridge),
    ("جسري", Feature::Bridge),
    ("محافظه", Feature::Governorate),
    ("محافظتي", Feature::Governorate),
    ("محافظتا", Feature::Governorate),
    ("محافظات", Feature::Governorate),
    ("منطقه", Feature::Area),
    ("مناطق", Feature::Area),
    ("ناحيه", Feature::Subdistrict),
    ("قضا", Feature::Subdistrict),
    ("عاصمه", Feature::Capital),
    ("سجن", Feature::Site),
    ("سجون", Feature::Site),
    ("مزار", Feature::Site),
    ("قلعه", Feature::Site),
    ("جبل", Feature::Site),
    ("تله", Feature::Site),
    ("تلال", Feature::Site),
    ("فوج", Feature::Site),
];

/// The feature class of a normalised word (clitics already removed), with or
/// without the article: «مدينة», «المدينة», «حقلي», «القاعدة».
pub fn feature_word(word: &str) -> Option<Feature> {
    static MAP: std::sync::LazyLock<rustc_hash::FxHashMap<&'static str, Feature>> =
        std::sync::LazyLock::new(|| WORDS.iter().copied().collect());
    let w = word.strip_prefix("ال").unwrap_or(word);
    MAP.get(w).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_dual_and_plural() {
        assert_eq!(feature_word("حقلي"), Some(Feature::Field));
        assert_eq!(feature_word("حقول"), Some(Feature::Field));
        assert_eq!(feature_word("المدينه"), Some(Feature::City));
        assert_eq!(feature_word("البوكمال"), None);
    }
}

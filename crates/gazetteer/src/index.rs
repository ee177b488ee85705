//! The loaded gazetteer and its name indexes.

use std::collections::HashMap;
use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::Path;

use marsad_arabic::{key, latin_key, latin_skeleton, normalize};

use crate::{codec, feature_word, Feature, Place, PlaceKind, Result};

/// Index of a place in a [`Gazetteer`].
pub type PlaceIdx = u32;

/// One way a place can be named in Arabic text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NameRef {
    /// The place.
    pub place: PlaceIdx,
    /// Set when this is the core of a name that began with a feature word
    /// («العمر» of «حقل العمر»): the name only stands for the place when a
    /// feature word of this class precedes it.
    pub needs: Option<Feature>,
    /// The name is the place's preferred Arabic name (alternates from
    /// multilingual sources are noisier).
    pub primary: bool,
}

/// The gazetteer in memory: places plus Arabic and Latin name indexes.
#[derive(Debug, Default)]
pub struct Gazetteer {
    places: Vec<Place>,
    by_id: HashMap<String, PlaceIdx>,
    arabic: FxHashMap<String, Vec<NameRef>>,
    max_words: usize,
    /// Latin-name indexes, built on first search: geocoding never needs them.
    latin: OnceLock<LatinIndex>,
    pub(crate) arabic_keys: Vec<(String, PlaceIdx)>,
    /// Hashes of every prefix of every key of `arabic`, for prefix tests
    /// while matching (a collision only costs one more exact lookup).
    prefixes: FxHashSet<u64>,
    prominence: Vec<f32>,
}

/// Incremental hash of a string's prefixes, one character at a time.
#[derive(Default)]
struct PrefixHash(rustc_hash::FxHasher);

impl PrefixHash {
    fn push(&mut self, c: char) -> u64 {
        use std::hash::Hasher;
        self.0.write_u32(c as u32);
        self.0.finish()
    }
}

/// Latin keys and consonant skeletons of every Latin name.
#[derive(Debug, Default)]
pub(crate) struct LatinIndex {
    pub(crate) keys: HashMap<String, Vec<PlaceIdx>>,
    pub(crate) skeletons: HashMap<String, Vec<PlaceIdx>>,
}

/// The bundled gazetteer, built by `marsad gazetteer build`.
static BUNDLED: &[u8] = include_bytes!("../../../gazetteer/places.jsonl.gz");

impl Gazetteer {
    /// Loads the gazetteer embedded in the binary.
    pub fn bundled() -> Result<Self> {
        Ok(Self::from_places(Self::bundled_places()?))
    }

    /// The places of the bundled gazetteer, not indexed.
    pub fn bundled_places() -> Result<Vec<Place>> {
        codec::decode(Path::new("<bundled gazetteer>"), BUNDLED)
    }

    /// Loads the bundled gazetteer merged with a user gazetteer file (as
    /// written by `marsad gazetteer import`).
    pub fn bundled_with_user(user: &Path) -> Result<Self> {
        let mut places = Self::bundled_places()?;
        merge_places(&mut places, codec::read_places(user)?);
        Ok(Self::from_places(places))
    }

    /// Builds the indexes over a list of places.
    pub fn from_places(places: Vec<Place>) -> Self {
        let mut g = Gazetteer {
            prominence: places.iter().map(prominence).collect(),
            places,
            ..Default::default()
        };
        for (i, p) in g.places.iter().enumerate() {
            let i = i as PlaceIdx;
            g.by_id.insert(p.id.clone(), i);
            for x in &p.xref {
                g.by_id.entry(x.clone()).or_insert(i);
            }
            for (ni, name) in p.all_names_ar().enumerate() {
                let primary = ni == 0
                    || matches!(
                        p.source.as_str(),
                        "curated" | "marsad" | "opensyria" | "naturalearth+cldr"
                    );
                let normalized = normalize(name);
                let toks: Vec<&str> = normalized
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .collect();
                if toks.is_empty() {
                    continue;
                }
                g.max_words = g.max_words.max(toks.len());
                let k = key(name);
                g.arabic_keys.push((k.clone(), i));
                push_ref(
                    &mut g.arabic,
                    k,
                    NameRef {
                        place: i,
                        needs: None,
                        primary,
                    },
                );
                if toks.len() > 1 {
                    if let Some(f) = feature_word(toks[0]) {
                        let core: String = toks[1..].concat();
                        push_ref(
                            &mut g.arabic,
                            core,
                            NameRef {
                                place: i,
                                needs: Some(f),
                                primary,
                            },
                        );
                    }
                }
            }
        }
        g.arabic_keys.sort();
        g.arabic_keys.dedup();
        for k in g.arabic.keys() {
            let mut h = PrefixHash::default();
            for c in k.chars() {
                g.prefixes.insert(h.push(c));
            }
        }
        g
    }

    pub(crate) fn latin_index(&self) -> &LatinIndex {
        self.latin.get_or_init(|| {
            let mut ix = LatinIndex::default();
            for (i, p) in self.places.iter().enumerate() {
                for name in p.all_names_en() {
                    let lk = latin_key(name);
                    if !lk.is_empty() {
                        push_idx(&mut ix.keys, lk, i as PlaceIdx);
                    }
                    let sk = latin_skeleton(name);
                    if sk.len() >= 2 {
                        push_idx(&mut ix.skeletons, sk, i as PlaceIdx);
                    }
                }
            }
            ix
        })
    }

    /// Number of places.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// True when there are no places.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// All places.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The place at an index.
    pub fn place(&self, i: PlaceIdx) -> &Place {
        &self.places[i as usize]
    }

    /// A place by its id or by an id merged into it (`gn:…`, `wof:…`).
    pub fn by_id(&self, id: &str) -> Option<PlaceIdx> {
        self.by_id.get(id).copied()
    }

    /// Places named by an Arabic key (see [`marsad_arabic::key`]).
    pub fn lookup_key(&self, k: &str) -> &[NameRef] {
        self.arabic.get(k).map(Vec::as_slice).unwrap_or(&[])
    }

    /// True if some Arabic name key starts with `prefix`: lets the matcher
    /// stop extending a word sequence as soon as no name can follow.
    pub fn has_key_prefix(&self, prefix: &str) -> bool {
        let mut h = PrefixHash::default();
        let mut last = 0;
        for c in prefix.chars() {
            last = h.push(c);
        }
        self.prefixes.contains(&last)
    }

    /// The largest number of words in an Arabic name.
    pub fn max_words(&self) -> usize {
        self.max_words
    }

    /// A prior in [0, 1] for how likely a mention is to mean this place
    /// when nothing else is known: countries and capitals first, then large
    /// cities, admin units and named sites, then villages.
    pub fn prominence(&self, i: PlaceIdx) -> f32 {
        self.prominence[i as usize]
    }
}

fn push_ref(map: &mut FxHashMap<String, Vec<NameRef>>, k: String, r: NameRef) {
    if k.chars().count() < 2 {
        return;
    }
    let v = map.entry(k).or_default();
    if !v.contains(&r) {
        v.push(r);
    }
}

fn push_idx(map: &mut HashMap<String, Vec<PlaceIdx>>, k: String, i: PlaceIdx) {
    let v = map.entry(k).or_default();
    if v.last() != Some(&i) {
        v.push(i);
    }
}

fn prominence(p: &Place) -> f32 {
    use PlaceKind::*;
    let pop = p.population.unwrap_or(0) as f32;
    // Population speaks for settlements only: an admin unit's head count is
    // its whole area's.
    let by_pop = if pop > 0.0 && p.kind.is_settlement() {
        (0.15 + 0.1 * pop.log10()).min(0.9)
    } else {
        0.0
    };
    let base: f32 = match p.kind {
        Country => 1.0,
        _ if p.capital => 0.95,
        Governorate => 0.8,
        City => 0.7,
        District => 0.55,
        Region | River => 0.65,
        OilField | GasField | Crossing | Base | Airport => 0.6,
        Facility => 0.5,
        Town => 0.45,
        Subdistrict => 0.4,
        Neighbourhood | Camp => 0.35,
        Village | Landmark => 0.25,
    };
    base.max(by_pop)
}

/// Makes `new` (when given) the name shown, keeping the old one first among
/// the alternates.
fn prefer(name: &mut String, alternates: &mut Vec<String>, new: &str) {
    if new.is_empty() || name == new {
        return;
    }
    let old = std::mem::replace(name, new.to_string());
    alternates.retain(|n| n != new);
    if !old.is_empty() {
        alternates.insert(0, old);
    }
}

/// Merges `extra` into `base`: a place whose id (or xref) is already known
/// adds its names and missing facts to that record; others are appended.
pub fn merge_places(base: &mut Vec<Place>, extra: Vec<Place>) {
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (i, p) in base.iter().enumerate() {
        ids.insert(p.id.clone(), i);
        for x in &p.xref {
            ids.entry(x.clone()).or_insert(i);
        }
    }
    for p in extra {
        let hit = std::iter::once(&p.id)
            .chain(p.xref.iter())
            .find_map(|id| ids.get(id).copied());
        match hit {
            Some(i) => {
                let b = &mut base[i];
                // The project's editorial rows set the names shown (GeoNames
                // gives Tehran «تهران» first, news writes «طهران»; WOF calls
                // al-Tabqa by its official name, "Thawrah").
                if p.source == "marsad" {
                    prefer(&mut b.name_ar, &mut b.names_ar, &p.name_ar);
                    prefer(&mut b.name_en, &mut b.names_en, &p.name_en);
                }
                for n in p.all_names_ar().chain(p.all_names_en()) {
                    b.add_name(n);
                }
                if b.population.is_none() {
                    b.population = p.population;
                }
                // GeoNames knows capitals and seats that WOF leaves as plain localities.
                b.capital |= p.capital;
                if p.kind == PlaceKind::City
                    && matches!(b.kind, PlaceKind::Town | PlaceKind::Village)
                {
                    b.kind = PlaceKind::City;
                }
                if b.admin1.is_none() {
                    b.admin1 = p.admin1.clone();
                }
                if b.admin2.is_none() {
                    b.admin2 = p.admin2.clone();
                }
                if p.id != b.id && !b.xref.contains(&p.id) {
                    b.xref.push(p.id.clone());
                }
            }
            None => {
                ids.insert(p.id.clone(), base.len());
                base.push(p);
            }
        }
    }
}

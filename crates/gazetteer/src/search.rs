//! Name search for people: tolerant to spelling and script.

use std::collections::HashMap;

use geo::{Distance, Haversine, Point};
use marsad_arabic::{is_arabic, key, latin_key, latin_skeleton, strip_article};

use crate::{Gazetteer, PlaceIdx};

/// One search result.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// The place.
    pub place: PlaceIdx,
    /// Score in [0, 1]: how well the name matched, blended with prominence
    /// and, with `near`, closeness.
    pub score: f32,
}

impl Gazetteer {
    /// The place a name means with no fuzziness: an id, or an exact Arabic
    /// key, Latin key or consonant skeleton; the most prominent (a city
    /// before a governorate of the same name) when several match. For
    /// query parameters, where a guess would mislead.
    pub fn lookup_name(&self, name: &str) -> Option<PlaceIdx> {
        if let Some(i) = self.by_id(name.trim()) {
            return Some(i);
        }
        let q = name.trim();
        let cands: Vec<PlaceIdx> = if q.chars().any(is_arabic) {
            let k = key(q);
            let mut v: Vec<PlaceIdx> = self
                .lookup_key(&k)
                .iter()
                .filter(|r| r.needs.is_none())
                .map(|r| r.place)
                .collect();
            if v.is_empty() {
                if let Some(bare) = strip_article(&k) {
                    v = self
                        .lookup_key(bare)
                        .iter()
                        .filter(|r| r.needs.is_none())
                        .map(|r| r.place)
                        .collect();
                }
            }
            v
        } else {
            let ix = self.latin_index();
            ix.keys
                .get(&latin_key(q))
                .or_else(|| ix.skeletons.get(&latin_skeleton(q)))
                .cloned()
                .unwrap_or_default()
        };
        let rank = |i: &PlaceIdx| {
            self.prominence(*i)
                + if self.place(*i).kind.is_settlement() {
                    0.2
                } else {
                    0.0
                }
        };
        cands
            .into_iter()
            .max_by(|a, b| rank(a).total_cmp(&rank(b)).then(b.cmp(a)))
    }

    /// Finds places by Arabic or Latin name, tolerating spelling variants
    /// («Deir ez-Zor», «Dayr az Zawr», «Deir Ezzor», «دير الزور», «ديرالزور»).
    /// With `near` (lat, lon), closer places rank higher.
    pub fn search(&self, query: &str, near: Option<(f64, f64)>, limit: usize) -> Vec<SearchHit> {
        let mut best: HashMap<PlaceIdx, f32> = HashMap::new();
        fn add(best: &mut HashMap<PlaceIdx, f32>, i: PlaceIdx, s: f32) {
            let e = best.entry(i).or_insert(0.0);
            if s > *e {
                *e = s;
            }
        }
        let q = query.trim();
        if q.is_empty() {
            return Vec::new();
        }
        if q.chars().any(is_arabic) {
            let k = key(q);
            for r in self.lookup_key(&k) {
                add(
                    &mut best,
                    r.place,
                    if r.needs.is_some() { 0.9 } else { 1.0 },
                );
            }
            if let Some(bare) = strip_article(&k) {
                for r in self.lookup_key(bare) {
                    add(&mut best, r.place, 0.9);
                }
            }
            // Prefix (autocomplete) and fuzzy matches over the sorted keys.
            let from = self
                .arabic_keys
                .partition_point(|(kk, _)| kk.as_str() < k.as_str());
            for (kk, i) in self.arabic_keys[from..]
                .iter()
                .take_while(|(kk, _)| kk.starts_with(&k))
                .take(500)
            {
                let s = 0.6 + 0.3 * (k.chars().count() as f32 / kk.chars().count() as f32);
                add(&mut best, *i, s);
            }
            if best.is_empty() && k.chars().count() >= 3 {
                for (kk, i) in &self.arabic_keys {
                    let sim = strsim::jaro_winkler(&k, kk) as f32;
                    if sim >= 0.88 {
                        add(&mut best, *i, sim * 0.85);
                    }
                }
            }
        } else {
            let lk = latin_key(q);
            let sk = latin_skeleton(q);
            if let Some(v) = self.latin_index().keys.get(&lk) {
                v.iter().for_each(|&i| add(&mut best, i, 1.0));
            }
            if let Some(v) = self.latin_index().skeletons.get(&sk) {
                v.iter().for_each(|&i| add(&mut best, i, 0.9));
            }
            if lk.len() >= 2 {
                for (kk, v) in &self.latin_index().keys {
                    if kk.starts_with(&lk) && kk != &lk {
                        let s = 0.6 + 0.3 * (lk.len() as f32 / kk.len() as f32);
                        v.iter().for_each(|&i| add(&mut best, i, s));
                    }
                }
            }
            if lk.len() >= 4 {
                for (kk, v) in &self.latin_index().keys {
                    let sim = strsim::jaro_winkler(&lk, kk) as f32;
                    if sim >= 0.9 {
                        v.iter().for_each(|&i| add(&mut best, i, sim * 0.85));
                    }
                }
            }
        }
        let mut hits: Vec<SearchHit> = best
            .into_iter()
            .map(|(i, s)| {
                let p = self.place(i);
                // A city is what people usually look for when a governorate
                // bears the same name.
                let settlement = if p.kind.is_settlement() { 0.05 } else { 0.0 };
                let mut score = 0.75 * s + 0.25 * self.prominence(i) + settlement;
                if let Some((lat, lon)) = near {
                    let d =
                        Haversine.distance(Point::new(lon, lat), Point::new(p.lon, p.lat)) / 1000.0;
                    score = 0.7 * score + 0.3 * (1.0 / (1.0 + d as f32 / 100.0));
                }
                SearchHit { place: i, score }
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.place.cmp(&b.place)));
        hits.truncate(limit);
        hits
    }
}

//! Incident ids, interned: each id is stored once, in one string, and
//! known to the tree by its number. A million ids of 16 characters cost
//! about 22 MB this way, against about 60 MB as separate `Arc<str>`s.

use std::hash::BuildHasher;

use hashbrown::HashTable;
use rustc_hash::FxBuildHasher;

/// The ids, numbered in the order they were first seen.
#[derive(Debug, Default)]
pub(crate) struct Ids {
    /// Every id, one after another.
    text: String,
    /// Where each id ends in `text`; it starts where the previous one ends.
    ends: Vec<u32>,
    /// Numbers, found by the hash of the id they stand for.
    table: HashTable<u32>,
}

fn hash(id: &str) -> u64 {
    FxBuildHasher.hash_one(id)
}

/// Id `key` of `text` cut at `ends`.
fn id_at<'a>(text: &'a str, ends: &[u32], key: u32) -> &'a str {
    let k = key as usize;
    let start = if k == 0 { 0 } else { ends[k - 1] as usize };
    &text[start..ends[k] as usize]
}

impl Ids {
    /// The id numbered `key`.
    pub(crate) fn get(&self, key: u32) -> &str {
        id_at(&self.text, &self.ends, key)
    }

    /// The number of `id`, if it was seen.
    pub(crate) fn find(&self, id: &str) -> Option<u32> {
        self.table.find(hash(id), |&k| self.get(k) == id).copied()
    }

    /// The number of `id`, giving it the next one if it is new.
    pub(crate) fn intern(&mut self, id: &str) -> u32 {
        if let Some(k) = self.find(id) {
            return k;
        }
        let key = u32::try_from(self.ends.len()).expect("fewer than 4 billion incidents");
        self.text.push_str(id);
        self.ends
            .push(u32::try_from(self.text.len()).expect("ids under 4 GB in all"));
        let Ids { text, ends, table } = self;
        table.insert_unique(hash(id), key, |&k| hash(id_at(text, ends, k)));
        key
    }

    /// The ids as one text and where each ends (for a snapshot).
    pub(crate) fn parts(&self) -> (&str, &[u32]) {
        (&self.text, &self.ends)
    }

    /// The ids of [`Ids::parts`] again; `None` if they are cut wrongly
    /// (ends out of order, past the text or inside a character) or one is
    /// there twice.
    pub(crate) fn from_parts(text: String, ends: Vec<u32>) -> Option<Self> {
        let cut_right = ends.windows(2).all(|w| w[0] <= w[1])
            && ends.last().is_none_or(|&e| e as usize == text.len())
            && ends.iter().all(|&e| text.is_char_boundary(e as usize));
        if !cut_right {
            return None;
        }
        let mut table = HashTable::with_capacity(ends.len());
        for key in 0..u32::try_from(ends.len()).ok()? {
            let id = id_at(&text, &ends, key);
            let entry = table.entry(
                hash(id),
                |&k| id_at(&text, &ends, k) == id,
                |&k| hash(id_at(&text, &ends, k)),
            );
            match entry {
                hashbrown::hash_table::Entry::Occupied(_) => return None,
                hashbrown::hash_table::Entry::Vacant(v) => {
                    v.insert(key);
                }
            }
        }
        Some(Ids { text, ends, table })
    }

    /// How many ids there are.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Gives back the room grown for ids that never came (after a bulk load).
    pub(crate) fn shrink(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
        let Ids { text, ends, table } = self;
        table.shrink_to_fit(|&k| hash(id_at(text, ends, k)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_back_as_they_went_in() {
        let mut ids = Ids::default();
        let keys: Vec<u32> = ["a", "bb", "", "ccc", "bb"]
            .iter()
            .map(|s| ids.intern(s))
            .collect();
        assert_eq!(keys, [0, 1, 2, 3, 1]);
        assert_eq!(ids.get(1), "bb");
        assert_eq!(ids.get(2), "");
        assert_eq!(ids.find("ccc"), Some(3));
        assert_eq!(ids.find("d"), None);
        ids.shrink();
        assert_eq!(ids.find("a"), Some(0));
    }
}

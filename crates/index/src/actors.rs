//! Actor sets, interned: incidents name a handful of actors in a few
//! thousand combinations, so each entry keeps the number of its set.

use std::sync::Arc;

use rustc_hash::FxHashMap;

/// The distinct sets of actor and target ids, numbered.
#[derive(Debug, Default)]
pub(crate) struct ActorSets {
    sets: Vec<Arc<[Arc<str>]>>,
    numbers: FxHashMap<Arc<[Arc<str>]>, u32>,
}

impl ActorSets {
    /// The number of `set`, numbering it if it is new.
    pub(crate) fn intern(&mut self, set: &Arc<[Arc<str>]>) -> u32 {
        if let Some(&n) = self.numbers.get(set) {
            return n;
        }
        let n = u32::try_from(self.sets.len()).unwrap_or(u32::MAX);
        self.sets.push(set.clone());
        self.numbers.insert(set.clone(), n);
        n
    }

    /// Every set, in number order (for a snapshot).
    pub(crate) fn sets(&self) -> &[Arc<[Arc<str>]>] {
        &self.sets
    }

    /// The sets of [`ActorSets::sets`] again, numbered as they were;
    /// `None` if one is there twice.
    pub(crate) fn from_sets(sets: Vec<Vec<String>>) -> Option<Self> {
        let mut out = ActorSets::default();
        for (n, set) in sets.into_iter().enumerate() {
            let set: Arc<[Arc<str>]> = set.into_iter().map(Arc::from).collect();
            (out.intern(&set) as usize == n).then_some(())?;
        }
        Some(out)
    }

    /// The set numbered `n`.
    pub(crate) fn get(&self, n: u32) -> Arc<[Arc<str>]> {
        self.sets
            .get(n as usize)
            .cloned()
            .unwrap_or_else(|| Arc::new([]))
    }

    /// For each set, whether it holds any of `ids`.
    pub(crate) fn holding_any(&self, ids: &[String]) -> Vec<bool> {
        self.sets
            .iter()
            .map(|s| s.iter().any(|a| ids.iter().any(|id| **a == **id)))
            .collect()
    }
}

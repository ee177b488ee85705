//! Answers kept for the index's current generation: tiles, and the
//! aggregates every page load asks for. A change to the index (an ingest,
//! a catch-up) renews the generation and so empties the cache.

use std::hash::Hash;
use std::sync::Mutex;

use rustc_hash::FxHashMap;

/// Entries kept at most; the cache starts afresh beyond.
const MAX_ENTRIES: usize = 4096;

/// Values by key, for one index generation at a time.
#[derive(Debug)]
pub struct GenerationCache<K, V> {
    inner: Mutex<Generation<K, V>>,
}

#[derive(Debug)]
struct Generation<K, V> {
    number: u64,
    values: FxHashMap<K, V>,
}

impl<K, V> Default for GenerationCache<K, V> {
    fn default() -> Self {
        GenerationCache {
            inner: Mutex::new(Generation {
                number: 0,
                values: FxHashMap::default(),
            }),
        }
    }
}

impl<K: Hash + Eq, V: Clone> GenerationCache<K, V> {
    /// The value kept for `key` in `generation`, if any.
    pub fn get(&self, generation: u64, key: &K) -> Option<V> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        (inner.number == generation)
            .then(|| inner.values.get(key).cloned())
            .flatten()
    }

    /// Keeps `value` for `key` in `generation`, dropping older generations.
    pub fn put(&self, generation: u64, key: K, value: V) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if inner.number != generation || inner.values.len() >= MAX_ENTRIES {
            inner.number = generation;
            inner.values.clear();
        }
        inner.values.insert(key, value);
    }
}

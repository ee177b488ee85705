//! Answers kept for the index's current generation: tiles, pages of
//! incidents, and the aggregates every page load asks for. A change to the
//! index (an ingest, a catch-up) renews the generation and so empties the
//! cache.

use std::hash::{BuildHasher, Hash};
use std::sync::Mutex;

use rustc_hash::FxHashMap;

/// Entries kept at most; the cache starts afresh beyond.
const MAX_ENTRIES: usize = 4096;

/// Bytes kept at most per cache; the cache starts afresh beyond.
const MAX_BYTES: usize = 64 << 20;

/// What a kept value costs in memory, about.
pub trait Weigh {
    /// Bytes.
    fn weight(&self) -> usize;
}

impl Weigh for bytes::Bytes {
    fn weight(&self) -> usize {
        self.len()
    }
}

impl Weigh for serde_json::Value {
    /// Aggregates are small documents (counts, a histogram).
    fn weight(&self) -> usize {
        4096
    }
}

/// Locks that keep two requests from making the same value at once.
const STRIPES: usize = 16;

/// Values by key, for one index generation at a time.
#[derive(Debug)]
pub struct GenerationCache<K, V> {
    inner: Mutex<Generation<K, V>>,
    /// Held while a value is made: requests for a key being made wait for
    /// it (and then find it kept) instead of making it again. Sixteen
    /// requests for a cold zoom-4 tile made it sixteen times.
    making: [tokio::sync::Mutex<()>; STRIPES],
}

#[derive(Debug)]
struct Generation<K, V> {
    number: u64,
    values: FxHashMap<K, V>,
    bytes: usize,
}

impl<K, V> Default for GenerationCache<K, V> {
    fn default() -> Self {
        GenerationCache {
            inner: Mutex::new(Generation {
                number: 0,
                values: FxHashMap::default(),
                bytes: 0,
            }),
            making: Default::default(),
        }
    }
}

impl<K: Hash + Eq, V: Clone + Weigh> GenerationCache<K, V> {
    /// Waits until no other request is making a value under a key like
    /// `key`; hold the guard while making it.
    pub async fn making(&self, key: &K) -> tokio::sync::MutexGuard<'_, ()> {
        let stripe = rustc_hash::FxBuildHasher.hash_one(key) as usize % STRIPES;
        self.making[stripe].lock().await
    }

    /// The value kept for `key` in `generation`, if any.
    pub fn get(&self, generation: u64, key: &K) -> Option<V> {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        (inner.number == generation)
            .then(|| inner.values.get(key).cloned())
            .flatten()
    }

    /// Keeps `value` for `key` in `generation`, dropping older generations;
    /// a value of a generation older than the one kept is not kept (it
    /// was made while the index changed).
    pub fn put(&self, generation: u64, key: K, value: V) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if generation < inner.number {
            return;
        }
        let weight = value.weight();
        if inner.number != generation
            || inner.values.len() >= MAX_ENTRIES
            || inner.bytes + weight > MAX_BYTES
        {
            inner.number = generation;
            inner.values.clear();
            inner.bytes = 0;
        }
        if weight <= MAX_BYTES {
            inner.bytes += weight;
            inner.values.insert(key, value);
        }
    }
}

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

impl Weigh for std::sync::Arc<marsad_index::Selected> {
    /// Its numbers and days.
    fn weight(&self) -> usize {
        self.len() * 8
    }
}

/// Locks that keep two requests from making the same value at once.
const STRIPES: usize = 16;

/// Values by key, for one index generation at a time.
#[derive(Debug)]
pub struct GenerationCache<K, V> {
    inner: Mutex<Generation<K, V>>,
    /// Entries kept at most; the cache starts afresh beyond.
    max_entries: usize,
    /// Bytes kept at most; the cache starts afresh beyond.
    max_bytes: usize,
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
        Self::with_limits(MAX_ENTRIES, MAX_BYTES)
    }
}

impl<K, V> GenerationCache<K, V> {
    /// A cache keeping at most `max_entries` values and `max_bytes` bytes.
    pub fn with_limits(max_entries: usize, max_bytes: usize) -> Self {
        GenerationCache {
            inner: Mutex::new(Generation {
                number: 0,
                values: FxHashMap::default(),
                bytes: 0,
            }),
            max_entries,
            max_bytes,
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

    /// The values kept for `keys` in `generation`, under one lock.
    pub fn get_many<'k>(&self, generation: u64, keys: impl Iterator<Item = &'k K>) -> Vec<Option<V>>
    where
        K: 'k,
    {
        let inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let current = inner.number == generation;
        keys.map(|k| current.then(|| inner.values.get(k).cloned()).flatten())
            .collect()
    }

    /// Keeps `value` for `key` in `generation`, dropping older generations;
    /// a value of a generation older than the one kept is not kept (it
    /// was made while the index changed).
    pub fn put(&self, generation: u64, key: K, value: V) {
        self.put_many(generation, std::iter::once((key, value)));
    }

    /// Keeps each value for its key, under one lock (as [`Self::put`]).
    pub fn put_many(&self, generation: u64, values: impl IntoIterator<Item = (K, V)>) {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        if generation < inner.number {
            return;
        }
        for (key, value) in values {
            let weight = value.weight();
            if inner.number != generation
                || inner.values.len() >= self.max_entries
                || inner.bytes + weight > self.max_bytes
            {
                inner.number = generation;
                inner.values.clear();
                inner.bytes = 0;
            }
            if weight <= self.max_bytes {
                inner.bytes += weight;
                inner.values.insert(key, value);
            }
        }
    }
}

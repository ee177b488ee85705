//! The connections that read: one per core, so reads go on side by side
//! (SQLite in WAL mode and PostgreSQL both allow it) and during a write.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use marsad_store::{Location, Store};

/// A few reading connections, each used by one read at a time.
pub struct Readers {
    stores: Vec<Mutex<Store>>,
    next: AtomicUsize,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("connections", &self.stores.len())
            .finish_non_exhaustive()
    }
}

impl Readers {
    /// Opens `n` (at least one) connections to `db`, reading through a
    /// memory map.
    pub fn open(db: &Location, n: usize) -> marsad_store::Result<Self> {
        let stores = (0..n.max(1))
            .map(|_| {
                let mut store = Store::open(db)?;
                store.map_reads()?;
                Ok(Mutex::new(store))
            })
            .collect::<marsad_store::Result<_>>()?;
        Ok(Readers {
            stores,
            next: AtomicUsize::new(0),
        })
    }

    /// The database's kind (`sqlite`, `postgres`).
    pub fn backend(&self) -> &'static str {
        self.lock().backend()
    }

    /// A free connection if there is one, else the next in turn once it is
    /// free.
    pub fn lock(&self) -> MutexGuard<'_, Store> {
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        let n = self.stores.len();
        for i in 0..n {
            if let Ok(store) = self.stores[(start + i) % n].try_lock() {
                return store;
            }
        }
        self.stores[start % n]
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }
}

//! What the bounded caches report: their entries and bytes now, their bound, and how many
//! entries they evicted, hit and missed. Each cache keeps its own counters and adds into the process-wide
//! totals of its kind ([`process_cache_stats`]), which the executor exports as metrics.

use std::sync::atomic::{AtomicU64, Ordering};

/// One cache's size, bound and evictions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    pub entries: u64,
    pub bytes: u64,
    pub max_bytes: u64,
    /// Entries removed to stay under the bound, since the cache was made.
    pub evictions: u64,
    /// Lookups that found their program, since the cache was made.
    pub hits: u64,
    /// Lookups that did not (the program was compiled or loaded instead).
    pub misses: u64,
}

/// The sandbox's caches: precompiled submissions on disk, prepared ones in memory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SandboxCacheStats {
    pub disk: CacheStats,
    pub memory: CacheStats,
}

/// Counters of all the caches of one kind in this process.
pub(crate) struct Totals {
    entries: AtomicU64,
    bytes: AtomicU64,
    max_bytes: AtomicU64,
    evictions: AtomicU64,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Totals {
    const fn new() -> Self {
        Self {
            entries: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            max_bytes: AtomicU64::new(0),
            evictions: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    fn stats(&self) -> CacheStats {
        CacheStats {
            entries: self.entries.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            max_bytes: self.max_bytes.load(Ordering::Relaxed),
            evictions: self.evictions.load(Ordering::Relaxed),
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }
}

pub(crate) static DISK_TOTALS: Totals = Totals::new();
pub(crate) static MEMORY_TOTALS: Totals = Totals::new();

/// The caches of every sandbox in this process, added up (one sandbox in the executor).
pub fn process_cache_stats() -> SandboxCacheStats {
    SandboxCacheStats {
        disk: DISK_TOTALS.stats(),
        memory: MEMORY_TOTALS.stats(),
    }
}

/// One cache's counters, mirrored into the totals of its kind.
pub(crate) struct CacheCounters {
    entries: AtomicU64,
    bytes: AtomicU64,
    evictions: AtomicU64,
    hits: AtomicU64,
    misses: AtomicU64,
    max_bytes: u64,
    totals: &'static Totals,
}

impl CacheCounters {
    /// The counters of a cache bounded to `max_bytes`, whose bound is added to the totals'.
    pub(crate) fn new(totals: &'static Totals, max_bytes: u64) -> Self {
        totals.max_bytes.fetch_add(max_bytes, Ordering::Relaxed);
        Self {
            entries: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            evictions: AtomicU64::new(0),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            max_bytes,
            totals,
        }
    }

    /// Records the cache's size now.
    pub(crate) fn set_size(&self, entries: u64, bytes: u64) {
        let old_entries = self.entries.swap(entries, Ordering::Relaxed);
        let old_bytes = self.bytes.swap(bytes, Ordering::Relaxed);
        let add = |total: &AtomicU64, new: u64, old: u64| {
            if new >= old {
                total.fetch_add(new - old, Ordering::Relaxed);
            } else {
                total.fetch_sub(old - new, Ordering::Relaxed);
            }
        };
        add(&self.totals.entries, entries, old_entries);
        add(&self.totals.bytes, bytes, old_bytes);
    }

    pub(crate) fn evicted(&self, entries: u64) {
        self.evictions.fetch_add(entries, Ordering::Relaxed);
        self.totals.evictions.fetch_add(entries, Ordering::Relaxed);
    }

    /// Records one lookup: `hit` when the cache had the program.
    pub(crate) fn looked_up(&self, hit: bool) {
        let (own, total) = if hit {
            (&self.hits, &self.totals.hits)
        } else {
            (&self.misses, &self.totals.misses)
        };
        own.fetch_add(1, Ordering::Relaxed);
        total.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn stats(&self) -> CacheStats {
        CacheStats {
            entries: self.entries.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
            max_bytes: self.max_bytes,
            evictions: self.evictions.load(Ordering::Relaxed),
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }
}

impl Drop for CacheCounters {
    fn drop(&mut self) {
        self.set_size(0, 0);
        self.totals
            .max_bytes
            .fetch_sub(self.max_bytes, Ordering::Relaxed);
    }
}

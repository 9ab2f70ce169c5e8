//! Recently prepared submissions, kept in memory.
//!
//! The same submission is judged many times (every test of a battle's rounds, resubmissions,
//! both players' identical templates). The on-disk caches already skip the compiler and
//! Cranelift, but reading the artifact back still means hashing the source and the module,
//! taking a file lock, mapping and relocating the native code, and type-checking the imports:
//! more than a trivial run itself. Here a prepared module is one hash of the source away.
//!
//! The cache is bounded by bytes, not entries: each entry holds its module's image (native
//! code and the initial memory its data segments make: tens of KiB for C, a few MiB for Go,
//! and as much as the program declares, up to hundreds of MiB). The least recently used go
//! first; a module larger than the whole bound is not kept.
//!
//! The on-disk caches are in `cache` and `compile`.

use std::{collections::HashMap, sync::Mutex};

use joust_common::Language;
use sha2::{Digest, Sha256};
use wasmtime::{InstancePre, Module};

use crate::{
    cache_stats::{CacheCounters, CacheStats, MEMORY_TOTALS},
    guest::GuestState,
};

type Key = [u8; 32];

pub(crate) struct PreparedCache {
    entries: Mutex<Entries>,
    max_bytes: u64,
    counters: CacheCounters,
}

#[derive(Default)]
struct Entries {
    /// Each prepared module, its size, and when it was last used.
    map: HashMap<Key, (InstancePre<GuestState>, u64, u64)>,
    bytes: u64,
    /// A counter standing for time: the entry with the smallest stamp is the oldest.
    clock: u64,
}

/// What keeping `module` in memory costs: its image (code, data, the initial memory image).
pub(crate) fn module_bytes(module: &Module) -> u64 {
    let range = module.image_range();
    (range.end as usize).saturating_sub(range.start as usize) as u64
}

impl PreparedCache {
    pub(crate) fn new(max_bytes: u64) -> Self {
        Self {
            entries: Mutex::new(Entries::default()),
            max_bytes,
            counters: CacheCounters::new(&MEMORY_TOTALS, max_bytes),
        }
    }

    pub(crate) fn stats(&self) -> CacheStats {
        self.counters.stats()
    }

    /// The key of `source` in `language`; the compiler's flags are fixed for the life of the
    /// process, so language and source decide the module.
    pub(crate) fn key(language: Language, source: &str) -> Key {
        let mut hasher = Sha256::new();
        hasher.update(language.as_str().as_bytes());
        hasher.update([0]);
        hasher.update(source.as_bytes());
        hasher.finalize().into()
    }

    pub(crate) fn get(&self, key: &Key) -> Option<InstancePre<GuestState>> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.clock += 1;
        let now = entries.clock;
        let found = entries.map.get_mut(key).map(|(pre, _, used)| {
            *used = now;
            pre.clone()
        });
        self.counters.looked_up(found.is_some());
        found
    }

    /// Keeps `pre`, whose module costs `bytes`, evicting the least recently used entries until
    /// everything fits in the bound.
    pub(crate) fn insert(&self, key: Key, pre: InstancePre<GuestState>, bytes: u64) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.clock += 1;
        let now = entries.clock;
        if bytes <= self.max_bytes {
            if let Some((_, old, _)) = entries.map.insert(key, (pre, bytes, now)) {
                entries.bytes -= old;
            }
            entries.bytes += bytes;
        }
        while entries.bytes > self.max_bytes {
            // A linear scan: the map is small, and this runs only on a miss.
            let Some(oldest) = entries
                .map
                .iter()
                .min_by_key(|(_, (_, _, used))| *used)
                .map(|(key, _)| *key)
            else {
                break;
            };
            if let Some((_, size, _)) = entries.map.remove(&oldest) {
                entries.bytes -= size;
                self.counters.evicted(1);
            }
        }
        self.counters
            .set_size(entries.map.len() as u64, entries.bytes);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().unwrap().map.len()
    }
}

#[cfg(test)]
mod tests {
    use wasmtime::{Engine, Linker, Module};

    use super::*;

    /// An empty module: the cache never looks inside what it keeps.
    fn pre(engine: &Engine) -> InstancePre<GuestState> {
        let module = Module::new(engine, b"\0asm\x01\0\0\0").unwrap();
        Linker::new(engine).instantiate_pre(&module).unwrap()
    }

    #[test]
    fn keeps_the_most_recently_used_entries() {
        let engine = Engine::default();
        let cache = PreparedCache::new(2_500);
        let keys: Vec<Key> = ["a", "b", "c", "d"]
            .iter()
            .map(|s| PreparedCache::key(Language::C, s))
            .collect();
        cache.insert(keys[0], pre(&engine), 1_000);
        cache.insert(keys[1], pre(&engine), 1_000);
        // Touch "a", so "b" is the oldest when "c" arrives.
        assert!(cache.get(&keys[0]).is_some());
        cache.insert(keys[2], pre(&engine), 1_000);
        assert_eq!(cache.len(), 2);
        assert!(cache.get(&keys[0]).is_some());
        assert!(cache.get(&keys[1]).is_none());
        assert!(cache.get(&keys[2]).is_some());
        let stats = cache.stats();
        assert_eq!((stats.entries, stats.bytes, stats.evictions), (2, 2_000, 1));
        // A module larger than the whole bound is not kept, and evicts nothing.
        cache.insert(keys[3], pre(&engine), 10_000);
        assert!(cache.get(&keys[3]).is_none());
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn the_key_depends_on_language_and_source() {
        let c = PreparedCache::key(Language::C, "int main(){}");
        assert_eq!(c, PreparedCache::key(Language::C, "int main(){}"));
        assert_ne!(c, PreparedCache::key(Language::Cpp, "int main(){}"));
        assert_ne!(c, PreparedCache::key(Language::C, "int main(){ }"));
    }
}

//! Recently prepared submissions, kept in memory.
//!
//! The same submission is judged many times (every test of a battle's rounds, resubmissions,
//! both players' identical templates). The on-disk caches already skip the compiler and
//! Cranelift, but reading the artifact back still means hashing the source and the module,
//! taking a file lock, mapping and relocating the native code, and type-checking the imports:
//! more than a trivial run itself. Here a prepared module is one hash of the source away.
//!
//! The on-disk caches are in `cache` and `compile`.

use std::{collections::HashMap, sync::Mutex};

use joust_common::Language;
use sha2::{Digest, Sha256};
use wasmtime::InstancePre;

use crate::guest::GuestState;

/// How many prepared submissions stay in memory. Each holds its module's native code (tens of
/// KiB for C, a few MiB for Go); the least recently used one goes first.
pub(crate) const PREPARED_CAPACITY: usize = 64;

type Key = [u8; 32];

pub(crate) struct PreparedCache {
    entries: Mutex<Entries>,
    capacity: usize,
}

#[derive(Default)]
struct Entries {
    map: HashMap<Key, (InstancePre<GuestState>, u64)>,
    /// A counter standing for time: the entry with the smallest stamp is the oldest.
    clock: u64,
}

impl PreparedCache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(Entries::default()),
            capacity: capacity.max(1),
        }
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
        let (pre, used) = entries.map.get_mut(key)?;
        *used = now;
        Some(pre.clone())
    }

    pub(crate) fn insert(&self, key: Key, pre: InstancePre<GuestState>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.clock += 1;
        let now = entries.clock;
        entries.map.insert(key, (pre, now));
        while entries.map.len() > self.capacity {
            // A linear scan: the map is small, and this runs only on a miss.
            let Some(oldest) = entries
                .map
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(key, _)| *key)
            else {
                break;
            };
            entries.map.remove(&oldest);
        }
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
        let cache = PreparedCache::new(2);
        let keys: Vec<Key> = ["a", "b", "c"]
            .iter()
            .map(|s| PreparedCache::key(Language::C, s))
            .collect();
        cache.insert(keys[0], pre(&engine));
        cache.insert(keys[1], pre(&engine));
        // Touch "a", so "b" is the oldest when "c" arrives.
        assert!(cache.get(&keys[0]).is_some());
        cache.insert(keys[2], pre(&engine));
        assert_eq!(cache.len(), 2);
        assert!(cache.get(&keys[0]).is_some());
        assert!(cache.get(&keys[1]).is_none());
        assert!(cache.get(&keys[2]).is_some());
    }

    #[test]
    fn the_key_depends_on_language_and_source() {
        let c = PreparedCache::key(Language::C, "int main(){}");
        assert_eq!(c, PreparedCache::key(Language::C, "int main(){}"));
        assert_ne!(c, PreparedCache::key(Language::Cpp, "int main(){}"));
        assert_ne!(c, PreparedCache::key(Language::C, "int main(){ }"));
    }
}

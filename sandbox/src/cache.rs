//! On-disk cache of precompiled (native) modules, keyed by the module's bytes and by the
//! engine's compatibility hash, so a new wasmtime version or engine setting never loads a stale
//! artifact; and [`DiskCache`], a directory of such artifacts bounded by bytes, the least
//! recently used going first.
//!
//! Which modules are cached and under what name is the caller's choice (`sandbox`, `python`);
//! compiled wasm is cached by `compile`, not here. The counters the caches report are in
//! `cache_stats`.

use std::{
    hash::{DefaultHasher, Hash, Hasher},
    path::{Path, PathBuf},
    sync::Mutex,
    time::SystemTime,
};

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

use crate::cache_stats::{CacheCounters, CacheStats, DISK_TOTALS};

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn engine_fingerprint(engine: &Engine) -> u64 {
    let mut hasher = DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.finish()
}

/// Loads `wasm` compiled for `engine`, from the cache when possible, compiling and storing it
/// otherwise.
pub fn load_module(
    engine: &Engine,
    cache_dir: &Path,
    name: &str,
    wasm: &[u8],
) -> anyhow::Result<Module> {
    load_module_keyed(engine, cache_dir, name, &sha256_hex(wasm)[..16], || {
        Ok(wasm.to_vec())
    })
    .map(|(module, _)| module)
}

/// Like [`load_module`], for a module that is expensive to produce: `key` must change whenever
/// the bytes `produce` returns would, and `produce` runs only when no artifact is cached.
/// Returns the module and the artifact's path.
pub fn load_module_keyed(
    engine: &Engine,
    cache_dir: &Path,
    name: &str,
    key: &str,
    produce: impl FnOnce() -> anyhow::Result<Vec<u8>>,
) -> anyhow::Result<(Module, PathBuf)> {
    let key = format!("{name}-{key}-{:016x}.cwasm", engine_fingerprint(engine));
    let path: PathBuf = cache_dir.join(key);
    std::fs::create_dir_all(cache_dir)?;
    // Several processes may start on a cold cache at once (tests, a fleet rollout): one
    // compiles, the others wait for its artifact instead of compiling it again.
    let lock = std::fs::File::create(path.with_extension("lock"))?;
    lock.lock()?;
    if path.exists() {
        // SAFETY: the file was written by `Module::serialize` of this very engine configuration
        // (the key includes the engine's compatibility hash) into a directory only this service
        // writes; wasmtime still checks the header and refuses a mismatched artifact.
        #[allow(unsafe_code)]
        let loaded = unsafe { Module::deserialize_file(engine, &path) };
        match loaded {
            Ok(module) => return Ok((module, path)),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "discarding unusable cached module")
            }
        }
    }
    let module = Module::new(engine, &produce()?)?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, module.serialize()?)?;
    std::fs::rename(&tmp, &path)?;
    Ok((module, path))
}

/// A directory of cached artifacts (`.cwasm`, `.wasm`) held to `max_bytes`: after every store
/// the least recently used artifacts (by modification time, which a hit renews) are removed
/// until the rest fit. An artifact larger than the whole bound is not kept at all.
pub struct DiskCache {
    dir: PathBuf,
    max_bytes: u64,
    counters: CacheCounters,
    /// Serializes trimming within the process.
    trimming: Mutex<()>,
}

impl DiskCache {
    /// The cache of `dir`, trimmed to `max_bytes` at once.
    pub fn new(dir: PathBuf, max_bytes: u64) -> Self {
        let cache = Self {
            dir,
            max_bytes,
            counters: CacheCounters::new(&DISK_TOTALS, max_bytes),
            trimming: Mutex::new(()),
        };
        cache.trim();
        cache
    }

    /// Marks the artifact at `path` as used now, so that it is evicted last.
    pub fn touch(&self, path: &Path) {
        let touched = std::fs::File::options()
            .write(true)
            .open(path)
            .and_then(|file| file.set_modified(SystemTime::now()));
        if let Err(e) = touched {
            tracing::debug!(path = %path.display(), error = %e, "cannot mark a cached artifact used");
        }
    }

    /// Loads `wasm` compiled for `engine` through this cache (see [`load_module`]), then marks
    /// the artifact used and trims the directory to its bound.
    pub fn load_module(&self, engine: &Engine, name: &str, wasm: &[u8]) -> anyhow::Result<Module> {
        let produced = std::cell::Cell::new(false);
        let (module, path) =
            load_module_keyed(engine, &self.dir, name, &sha256_hex(wasm)[..16], || {
                produced.set(true);
                Ok(wasm.to_vec())
            })?;
        self.counters.looked_up(!produced.get());
        self.touch(&path);
        self.trim();
        Ok(module)
    }

    /// Removes the least recently used artifacts until the rest fit in the bound (and their
    /// lock files with them), and records the directory's size. Call it after storing one.
    pub fn trim(&self) {
        let _trimming = self.trimming.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(listing) = std::fs::read_dir(&self.dir) else {
            self.counters.set_size(0, 0);
            return;
        };
        let mut artifacts: Vec<(SystemTime, u64, PathBuf)> = listing
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let path = entry.path();
                let ext = path.extension()?.to_str()?;
                if ext != "cwasm" && ext != "wasm" {
                    return None;
                }
                let meta = entry.metadata().ok()?;
                let used = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
                meta.is_file().then_some((used, meta.len(), path))
            })
            .collect();
        artifacts.sort();
        let mut bytes: u64 = artifacts.iter().map(|(_, len, _)| len).sum();
        let mut entries = artifacts.len() as u64;
        for (_, len, path) in &artifacts {
            if bytes <= self.max_bytes {
                break;
            }
            if std::fs::remove_file(path).is_ok() {
                let _ = std::fs::remove_file(path.with_extension("lock"));
                bytes -= len;
                entries -= 1;
                self.counters.evicted(1);
            }
        }
        self.counters.set_size(entries, bytes);
    }

    pub fn stats(&self) -> CacheStats {
        self.counters.stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with a data segment of `n` bytes, unique by `seed`.
    fn wasm_with_data(n: usize, seed: u8) -> Vec<u8> {
        let data = vec![seed.max(1); n];
        let mut module = b"\0asm\x01\0\0\0".to_vec();
        let leb = |mut v: usize, out: &mut Vec<u8>| loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        };
        // Memory section: one memory of enough 64 KiB pages.
        let mut memory = vec![1, 0];
        leb(n.div_ceil(1 << 16) + 1, &mut memory);
        module.push(5);
        leb(memory.len(), &mut module);
        module.extend(memory);
        // Data section: one active segment at offset 0.
        let mut segment = vec![1, 0, 0x41, 0, 0x0b];
        leb(n, &mut segment);
        segment.extend(data);
        module.push(11);
        leb(segment.len(), &mut module);
        module.extend(segment);
        module
    }

    #[test]
    fn the_least_recently_used_artifacts_go_first_and_the_bytes_stay_under_the_bound() {
        let dir = std::env::temp_dir().join(format!("joust-disk-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let engine = Engine::default();
        let cache = DiskCache::new(dir.clone(), 2_500_000);
        let modules: Vec<Vec<u8>> = (1..=3).map(|seed| wasm_with_data(1 << 20, seed)).collect();
        cache.load_module(&engine, "m", &modules[0]).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        cache.load_module(&engine, "m", &modules[1]).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        // A hit on the first makes the second the oldest.
        cache.load_module(&engine, "m", &modules[0]).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        cache.load_module(&engine, "m", &modules[2]).unwrap();
        let stats = cache.stats();
        assert_eq!(stats.entries, 2, "{stats:?}");
        assert!(stats.bytes <= 2_500_000, "{stats:?}");
        assert_eq!(stats.evictions, 1, "{stats:?}");
        assert_eq!((stats.hits, stats.misses), (1, 3), "{stats:?}");
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".cwasm"))
            .collect();
        let key = |wasm: &[u8]| sha256_hex(wasm)[..16].to_owned();
        assert!(
            names.iter().any(|n| n.contains(&key(&modules[0]))),
            "{names:?}"
        );
        assert!(
            !names.iter().any(|n| n.contains(&key(&modules[1]))),
            "{names:?}"
        );
        assert!(
            names.iter().any(|n| n.contains(&key(&modules[2]))),
            "{names:?}"
        );

        // An artifact larger than the whole bound is not kept.
        let small = DiskCache::new(dir.clone(), 100_000);
        small.load_module(&engine, "m", &modules[2]).unwrap();
        assert_eq!(small.stats().entries, 0, "{:?}", small.stats());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

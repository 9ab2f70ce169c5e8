//! On-disk cache of precompiled (native) modules, keyed by the module's bytes and by the
//! engine's compatibility hash, so a new wasmtime version or engine setting never loads a stale
//! artifact.
//!
//! Which modules are cached and under what name is the caller's choice (`sandbox`, `python`);
//! compiled wasm is cached by `compile`, not here.

use std::{
    hash::{DefaultHasher, Hash, Hasher},
    path::{Path, PathBuf},
};

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

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
}

/// Like [`load_module`], for a module that is expensive to produce: `key` must change whenever
/// the bytes `produce` returns would, and `produce` runs only when no artifact is cached.
pub fn load_module_keyed(
    engine: &Engine,
    cache_dir: &Path,
    name: &str,
    key: &str,
    produce: impl FnOnce() -> anyhow::Result<Vec<u8>>,
) -> anyhow::Result<Module> {
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
            Ok(module) => return Ok(module),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "discarding unusable cached module")
            }
        }
    }
    let module = Module::new(engine, &produce()?)?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, module.serialize()?)?;
    std::fs::rename(&tmp, &path)?;
    Ok(module)
}

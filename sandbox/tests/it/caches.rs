//! The caches of submissions are bounded by bytes: a sandbox with small bounds keeps the most
//! recently used programs within them, and a program with a huge data segment stays neither in
//! memory nor on disk.

use std::path::{Path, PathBuf};

use joust_common::Language;
use joust_sandbox::{RunLimits, Sandbox, SandboxConfig, Termination};

use crate::sandbox;

/// A sandbox of its own, on a fresh cache directory with the given bounds. The runtimes'
/// artifacts are linked from the shared cache, so it starts without compiling them again.
fn bounded_sandbox(name: &str, disk_bytes: u64, memory_bytes: u64) -> (Sandbox, PathBuf) {
    let shared = sandbox().config().clone();
    let dir = std::env::temp_dir().join(format!("joust-caches-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(&shared.cache_dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|ext| ext == "cwasm") {
            let target = dir.join(path.file_name().unwrap());
            if std::fs::hard_link(&path, &target).is_err() {
                std::fs::copy(&path, &target).unwrap();
            }
        }
    }
    let sandbox = Sandbox::new(SandboxConfig {
        cache_dir: dir.clone(),
        disk_cache_bytes: disk_bytes,
        memory_cache_bytes: memory_bytes,
        max_concurrent_runs: 1,
        ..shared
    })
    .unwrap();
    (sandbox, dir)
}

/// A C program with a data segment of `mib` MiB, distinct by `tag`.
fn with_data(mib: usize, tag: u32) -> String {
    // Non-zero at both ends, and read at an index the compiler cannot know: the whole array is
    // in the module's data segment.
    format!(
        "#include <stdio.h>\n\
         static char data[{mib} << 20] = {{1, 2, 3, [({mib} << 20) - 1] = {tag}}};\n\
         int main(void) {{ int i = getchar(); return i < 0 ? 0 : data[i]; }}\n"
    )
}

/// Bytes of the artifacts with extension `ext` in `dir`'s cache subdirectory `sub`.
fn artifact_bytes(dir: &Path, sub: &str, ext: &str) -> u64 {
    std::fs::read_dir(dir.join(sub))
        .map(|listing| {
            listing
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == ext))
                .map(|e| e.metadata().unwrap().len())
                .sum()
        })
        .unwrap_or(0)
}

fn limits() -> RunLimits {
    RunLimits {
        time_limit_ms: 1_000,
        memory_limit_bytes: 64 << 20,
        output_limit_bytes: 1 << 10,
    }
}

#[test]
fn a_huge_data_segment_stays_neither_in_memory_nor_on_disk() {
    let bound = 8 << 20;
    let (sandbox, dir) = bounded_sandbox("huge", bound, bound);
    let program = sandbox.prepare(Language::C, &with_data(24, 7)).unwrap();
    let outcome = sandbox.run(&program, b"", limits()).unwrap();
    assert_eq!(outcome.termination, Termination::Exited(0));
    drop(program);
    let stats = sandbox.cache_stats();
    assert_eq!(stats.memory.entries, 0, "{stats:?}");
    assert!(stats.memory.bytes <= bound, "{stats:?}");
    assert!(stats.disk.bytes <= bound, "{stats:?}");
    // Both on-disk caches: the compiled wasm and its native code.
    for (sub, ext) in [("compiled/native", "cwasm"), ("compiled/c", "wasm")] {
        let bytes = artifact_bytes(&dir, sub, ext);
        assert!(bytes <= bound, "{bytes} bytes in {sub}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn filling_the_caches_evicts_the_least_recently_used() {
    // Each program's module is a little over 3 MiB: two fit in 8 MiB, three do not.
    let bound = 8 << 20;
    let (sandbox, dir) = bounded_sandbox("fill", bound, bound);
    for tag in 1..=3 {
        sandbox.prepare(Language::C, &with_data(3, tag)).unwrap();
    }
    let stats = sandbox.cache_stats();
    assert_eq!(stats.memory.entries, 2, "{stats:?}");
    assert_eq!(stats.memory.evictions, 1, "{stats:?}");
    assert!(stats.memory.bytes <= bound, "{stats:?}");
    assert_eq!(stats.disk.entries, 2, "{stats:?}");
    assert!(stats.disk.evictions >= 1, "{stats:?}");
    // Both on-disk caches: the compiled wasm and its native code.
    for (sub, ext) in [("compiled/native", "cwasm"), ("compiled/c", "wasm")] {
        let bytes = artifact_bytes(&dir, sub, ext);
        assert!(bytes <= bound, "{bytes} bytes in {sub}");
    }
    // The newest is still prepared from memory; the oldest has to be compiled again.
    let before = sandbox.cache_stats().memory.evictions;
    sandbox.prepare(Language::C, &with_data(3, 3)).unwrap();
    assert_eq!(sandbox.cache_stats().memory.evictions, before);
    sandbox.prepare(Language::C, &with_data(3, 1)).unwrap();
    assert_eq!(sandbox.cache_stats().memory.evictions, before + 1);
    let _ = std::fs::remove_dir_all(&dir);
}

//! Fuel calibration: how much fuel each language's sandboxed runtime burns for the work a
//! native build of the same language does in one millisecond of CPU.
//!
//! Every language runs the same CPU-bound loop, `s = (s * 31 + i * i) mod 1e9+7` for `i < n`,
//! in the sandbox (the exact fuel count, and the process CPU time of the run) and natively
//! (host gcc, g++, rustc, go, python3, and QuickJS-ng built with gcc from the same source as
//! the sandbox's runtime; Node.js is shown for reference), three times each, alternating; the
//! fastest run of each side counts. It prints, per language, fuel per native CPU millisecond,
//! the multiplier that makes a time limit mean the same native CPU work as in C, and the
//! wasm/native slowdown.
//!
//! Run: `cargo bench -p joust-sandbox --bench calibrate --profile release` (fuel counts do not
//! depend on how this binary is built; only the sandbox's CPU column does). Set
//! `CALIBRATE_QUICK=1` for a ten times smaller workload, and `CALIBRATE_LANGUAGES=c,javascript`
//! to measure only some languages (C's rate is the reference of the multipliers, so include it).

use std::{
    path::{Path, PathBuf},
    process::Command,
    time::Duration,
};

use joust_common::Language;
use joust_sandbox::{RunLimits, Sandbox, SandboxConfig, Termination};

/// The loop in every language; `N` is read from stdin so no compiler can fold it away.
fn loop_source(language: Language) -> &'static str {
    match language {
        Language::C => {
            r#"#include <stdio.h>
int main(void) {
    unsigned long long n, s = 0;
    if (scanf("%llu", &n) != 1) return 1;
    for (unsigned long long i = 0; i < n; i++) s = (s * 31 + i * i) % 1000000007ull;
    printf("%llu\n", s);
    return 0;
}
"#
        }
        Language::Cpp => {
            r#"#include <cstdio>
#include <cstdint>
int main() {
    uint64_t n, s = 0;
    if (std::scanf("%llu", (unsigned long long *)&n) != 1) return 1;
    for (uint64_t i = 0; i < n; i++) s = (s * 31 + i * i) % 1000000007ull;
    std::printf("%llu\n", (unsigned long long)s);
}
"#
        }
        Language::Rust => {
            r#"use std::io::Read;
fn main() {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).unwrap();
    let n: u64 = text.trim().parse().unwrap();
    let mut s: u64 = 0;
    for i in 0..n {
        s = (s * 31 + i * i) % 1_000_000_007;
    }
    println!("{s}");
}
"#
        }
        Language::Go => {
            r#"package main

import "fmt"

func main() {
	var n, s uint64
	fmt.Scan(&n)
	for i := uint64(0); i < n; i++ {
		s = (s*31 + i*i) % 1000000007
	}
	fmt.Println(s)
}
"#
        }
        Language::Python => {
            "n = int(input())\ns = 0\nfor i in range(n):\n    s = (s * 31 + i * i) % 1000000007\nprint(s)\n"
        }
        Language::JavaScript => {
            r#"const n = Number(std.in.readAsString().trim());
let s = 0;
for (let i = 0; i < n; i++) s = (s * 31 + ((i * i) % 1000000007)) % 1000000007;
console.log(s);
"#
        }
    }
}

/// Runs of each side per language; the fastest counts.
const ROUNDS: usize = 3;

/// Iterations per language: about a second of native CPU each.
fn iterations(language: Language) -> u64 {
    let n = match language {
        Language::C | Language::Cpp | Language::Rust | Language::Go => 200_000_000,
        Language::JavaScript => 30_000_000,
        Language::Python => 5_000_000,
    };
    if std::env::var_os("CALIBRATE_QUICK").is_some() {
        n / 10
    } else {
        n
    }
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the sandbox crate sits in the workspace")
        .to_owned()
}

/// A directory named by the executor's own variable (set by the Makefile from
/// `JOUST_CACHE_DIR`), or its default under the workspace.
fn dir_from_env(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join(default))
}

fn runtime_dir() -> PathBuf {
    dir_from_env("JOUST_RUNTIME_DIR", ".cache/runtimes")
}

/// CPU seconds (user + system) this process has used so far.
fn process_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// CPU seconds of `command` run through bash's `time` with `input` on stdin.
fn native_cpu(command: &str, input: &str) -> Option<f64> {
    let script = format!("TIMEFORMAT='%3U %3S'; time ({command}) <<< '{input}' >/dev/null");
    let output = Command::new("bash").arg("-c").arg(script).output().ok()?;
    if !output.status.success() {
        eprintln!(
            "native run failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        return None;
    }
    let text = String::from_utf8_lossy(&output.stderr);
    let last = text.lines().last()?;
    let mut parts = last.split_whitespace().map(|v| v.parse::<f64>().ok());
    Some(parts.next()?? + parts.next()??)
}

/// Builds the native program for `language` in `dir`, returning the command that runs it.
fn build_native(language: Language, dir: &Path) -> Option<String> {
    let source = loop_source(language);
    let sh = |script: &str| {
        let ok = Command::new("bash")
            .arg("-c")
            .arg(script)
            .current_dir(dir)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("native build failed: {script}");
        }
        ok
    };
    let write = |name: &str| std::fs::write(dir.join(name), source).is_ok();
    match language {
        Language::C => (write("loop.c") && sh("gcc -O2 -o loop_c loop.c"))
            .then(|| dir.join("loop_c").display().to_string()),
        Language::Cpp => (write("loop.cpp") && sh("g++ -O2 -o loop_cpp loop.cpp"))
            .then(|| dir.join("loop_cpp").display().to_string()),
        Language::Rust => (write("loop.rs") && sh("rustc -O -o loop_rs loop.rs"))
            .then(|| dir.join("loop_rs").display().to_string()),
        Language::Go => {
            let goroot = runtime_dir().join("go/goroot");
            let script = format!(
                "mkdir -p go && cp loop.go go/ && cd go && GOROOT={root} GOCACHE={cache} \
                 GOTOOLCHAIN=local GOPROXY=off GO111MODULE=off CGO_ENABLED=0 {root}/bin/go build \
                 -o ../loop_go loop.go",
                root = goroot.display(),
                cache = dir.join("gocache").display(),
            );
            (write("loop.go") && sh(&script)).then(|| dir.join("loop_go").display().to_string())
        }
        Language::Python => {
            (write("loop.py")).then(|| format!("python3 {}", dir.join("loop.py").display()))
        }
        Language::JavaScript => {
            write("loop.js");
            let qjs = dir.join("qjs");
            let built = qjs.is_file()
                || quickjs_source().is_some_and(|src| {
                    sh(&format!(
                        "gcc -O2 -w -D_GNU_SOURCE -DNDEBUG -DQJS_BUILD_LIBC -I {src} -o qjs \
                     {src}/qjs.c {src}/quickjs-libc.c {src}/quickjs.c {src}/libregexp.c \
                     {src}/libunicode.c {src}/dtoa.c {src}/gen/repl.c {src}/gen/standalone.c \
                     -lm -lpthread",
                        src = src.display()
                    ))
                });
            built.then(|| format!("{} --std {}", qjs.display(), dir.join("loop.js").display()))
        }
    }
}

/// The QuickJS-ng source the sandbox's runtime was built from (`install.sh` fetches the same
/// crate), in cargo's registry: the native build compares like with like.
fn quickjs_source() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    std::fs::read_dir(home.join("registry/src"))
        .ok()?
        .flatten()
        .map(|index| index.path().join("rquickjs-sys-0.14.0/quickjs"))
        .find(|path| path.join("qjs.c").is_file())
}

/// The JavaScript loop under Node.js (a JIT), for reference only.
fn node_command(dir: &Path) -> Option<String> {
    let node = loop_source(Language::JavaScript).replace(
        "std.in.readAsString()",
        "require('fs').readFileSync(0, 'utf8')",
    );
    std::fs::write(dir.join("loop.cjs"), node)
        .is_ok()
        .then(|| format!("node {}", dir.join("loop.cjs").display()))
}

fn main() -> anyhow::Result<()> {
    let config = SandboxConfig::from_env()?;
    let sandbox = Sandbox::new(SandboxConfig {
        runtime_dir: runtime_dir(),
        cache_dir: workspace().join(&config.cache_dir),
        // Only the raw fuel count is used here, so the budget just has to be large.
        fuel_per_ms: 1_000_000,
        max_concurrent_runs: 1,
        max_memory_bytes: 256 << 20,
        ..config
    })?;
    let dir = dir_from_env("CARGO_TARGET_DIR", "target").join("calibrate");
    std::fs::create_dir_all(&dir)?;

    println!(
        "| language | n | fuel | sandbox CPU s | native CPU s | fuel per native ms | multiplier vs C | slowdown |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut c_rate = None;
    let only = std::env::var("CALIBRATE_LANGUAGES").ok();
    for language in Language::ALL {
        if only
            .as_deref()
            .is_some_and(|list| !list.split(',').any(|name| name.trim() == language.as_str()))
        {
            continue;
        }
        let n = iterations(language);
        let input = format!("{n}\n");
        let program = match sandbox.prepare(language, loop_source(language)) {
            Ok(program) => program,
            Err(e) => {
                eprintln!("{language}: cannot prepare: {e:?}");
                continue;
            }
        };
        let limits = RunLimits {
            time_limit_ms: 1_000_000,
            memory_limit_bytes: 64 << 20,
            output_limit_bytes: 1 << 10,
        };
        let Some(native_command) = build_native(language, &dir) else {
            continue;
        };
        // The machine is shared, so CPU times move with its load: sandbox and native runs
        // alternate, and each side keeps its fastest run (the fuel count never varies).
        let mut wasm_cpu = f64::INFINITY;
        let mut native = f64::INFINITY;
        let mut outcome = None;
        for _ in 0..ROUNDS {
            let before = process_cpu();
            let run = sandbox.run(&program, input.as_bytes(), limits)?;
            wasm_cpu = wasm_cpu.min(process_cpu() - before);
            if let Some(cpu) = native_cpu(&native_command, &input) {
                native = native.min(cpu);
            }
            outcome = Some(run);
        }
        let outcome = outcome.expect("at least one round");
        if outcome.termination != Termination::Exited(0) {
            eprintln!("{language}: {:?}", outcome.termination);
            continue;
        }
        if !native.is_finite() {
            continue;
        }
        let rate = outcome.fuel_used as f64 / (native * 1000.0);
        let c = *c_rate.get_or_insert(rate);
        println!(
            "| {language} | {n} | {} | {wasm_cpu:.2} | {native:.2} | {:.0} | {:.2} | {:.2}x |",
            outcome.fuel_used,
            rate,
            rate / c,
            wasm_cpu / native
        );
        if language == Language::JavaScript
            && let Some(node) = node_command(&dir).and_then(|cmd| native_cpu(&cmd, &input))
        {
            println!(
                "| javascript vs node (JIT, reference only) | {n} | {} | {wasm_cpu:.2} | {node:.2} | {:.0} | {:.2} | {:.2}x |",
                outcome.fuel_used,
                outcome.fuel_used as f64 / (node * 1000.0),
                outcome.fuel_used as f64 / (node * 1000.0) / c,
                wasm_cpu / node
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

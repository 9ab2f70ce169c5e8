//! Runs real programs in the real sandbox: C compiled by clang to wasm32-wasi, Python on the
//! CPython-for-WASI runtime installed by `make runtimes`.

mod c;
mod caches;
mod cpp;
mod determinism;
mod go;
mod host_work;
mod hostile;
mod interactive;
mod javascript;
mod kattis_validators;
mod python;
mod run_errors;
mod rust;
mod validators;

use std::{path::PathBuf, sync::OnceLock};

use joust_common::{
    Language,
    execution::{Checker, ExecutionRequest, ExecutionResponse, TestCase, Verdict},
};
use joust_sandbox::{Sandbox, SandboxConfig};

/// C's fuel per millisecond in every test: the determinism tests count fuel.
pub const FUEL_PER_MS: u64 = 1_000_000;

/// One sandbox for the whole test binary, as in the executor: configured by the `JOUST_*`
/// variables, with relative directories (the defaults among them) under the workspace,
/// wherever the test runs from.
pub fn sandbox() -> &'static Sandbox {
    static SANDBOX: OnceLock<Sandbox> = OnceLock::new();
    SANDBOX.get_or_init(|| {
        let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let config = SandboxConfig::from_env().expect("the JOUST_* variables are valid");
        Sandbox::new(SandboxConfig {
            runtime_dir: workspace.join(&config.runtime_dir),
            cache_dir: workspace.join(&config.cache_dir),
            fuel_per_ms: FUEL_PER_MS,
            max_concurrent_runs: 4,
            ..config
        })
        .expect("the sandbox starts (run `make runtimes` first)")
    })
}

pub fn sum_tests() -> Vec<TestCase> {
    [
        ("1 2\n", "3\n"),
        ("-5 5\n", "0\n"),
        ("1000000000000 2345678901234\n", "3345678901234\n"),
    ]
    .into_iter()
    .map(|(i, o)| TestCase {
        input: i.into(),
        expected_output: o.into(),
        sample: false,
    })
    .collect()
}

pub fn execute(
    language: Language,
    source: &str,
    tests: Vec<TestCase>,
    time_limit_ms: u64,
    memory_limit_mb: u64,
) -> ExecutionResponse {
    sandbox().execute(&ExecutionRequest {
        language,
        source: source.into(),
        tests,
        time_limit_ms,
        memory_limit_mb,
        checker: Checker::Tokens,
        run_all: false,
    })
}

pub fn verdict(language: Language, source: &str) -> ExecutionResponse {
    execute(language, source, sum_tests(), 1_000, 64)
}

pub fn assert_verdict(response: &ExecutionResponse, expected: Verdict) {
    assert_eq!(response.verdict, expected, "{response:#?}");
}

/// Judges `source` and expects a compile error, whose message it returns: it names the file
/// as the contestant knows it, never a path of the jail.
pub fn compile_error(language: Language, source: &str) -> String {
    let response = verdict(language, source);
    assert_verdict(&response, Verdict::CE);
    let message = response.compile_output.expect("compiler output");
    assert!(
        !message.contains("/job"),
        "host paths are hidden: {message}"
    );
    message
}

/// Judges `source` and expects it to fail its first test with exit code `code` (RTE).
pub fn assert_exits_with(language: Language, source: &str, code: i32) {
    let response = verdict(language, source);
    assert_verdict(&response, Verdict::RTE);
    assert_eq!(response.tests[0].exit_code, Some(code), "{response:#?}");
}

/// Runs `source`, which allocates without end, under `memory_limit_mb`, and expects MLE with
/// a peak within the limit.
pub fn assert_memory_bomb_is_mle(
    language: Language,
    source: &str,
    time_limit_ms: u64,
    memory_limit_mb: u64,
) {
    let response = execute(
        language,
        source,
        sum_tests(),
        time_limit_ms,
        memory_limit_mb,
    );
    assert_verdict(&response, Verdict::MLE);
    assert!(
        response.tests[0].memory_bytes <= memory_limit_mb << 20,
        "{response:#?}"
    );
}

/// A file on the host with unguessable content, removed when dropped: no program, compiler
/// message or output may ever show its content.
pub struct HostSecret {
    path: String,
    content: String,
}

impl HostSecret {
    pub fn create() -> Self {
        use std::hash::{BuildHasher, RandomState};
        let content = format!(
            "JOUST-SECRET-{:016x}{:016x}",
            RandomState::new().hash_one(1u8),
            RandomState::new().hash_one(2u8)
        );
        let path = std::env::temp_dir().join(format!(
            "joust-secret-{}-{:08x}.txt",
            std::process::id(),
            RandomState::new().hash_one(3u8) as u32
        ));
        std::fs::write(&path, &content).unwrap();
        Self {
            path: path.display().to_string(),
            content,
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    pub fn content(&self) -> &str {
        &self.content
    }
}

impl Drop for HostSecret {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

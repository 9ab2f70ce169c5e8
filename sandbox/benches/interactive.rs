//! The cost of one message round trip in an interactive run: the validator sends a number, the
//! submission answers it, `ROUNDS` times, over the pipes between the two guests
//! (`sandbox/src/pipe.rs`). Measured for a C++ submission and a Python one against the same
//! C++ validator; each row is the fastest of 3 runs, and the time of a run with a single
//! round (start-up of both guests) is subtracted before dividing.
//!
//! Run: `cargo bench -p joust-sandbox --bench interactive --profile release`
//! (`make bench-sandbox` does, with the other sandbox benchmarks).

use std::{path::PathBuf, time::Instant};

use joust_common::{
    Language,
    execution::{Checker, ExecutionRequest, TestCase, Validator, Verdict},
};
use joust_sandbox::{Sandbox, SandboxConfig};

const ROUNDS: u64 = 20_000;

/// Sends 1..=n, expects each back, accepts when all came back.
const VALIDATOR: &str = r#"#include <fstream>
#include <iostream>
int main(int argc, char **argv) {
    std::ifstream input(argv[1]);
    long long n;
    input >> n;
    std::cout << n << std::endl;
    for (long long i = 1; i <= n; i++) {
        std::cout << i << std::endl;
        long long back;
        if (!(std::cin >> back) || back != i) return 43;
    }
    return 42;
}
"#;

const CPP_ECHO: &str = r#"#include <cstdio>
int main() {
    long long n, x;
    if (std::scanf("%lld", &n) != 1) return 1;
    for (long long i = 0; i < n && std::scanf("%lld", &x) == 1; i++) {
        std::printf("%lld\n", x);
        std::fflush(stdout);
    }
}
"#;

const PYTHON_ECHO: &str = "import sys\nn = int(sys.stdin.readline())\nfor _ in range(n):\n    sys.stdout.write(sys.stdin.readline())\n    sys.stdout.flush()\n";

fn main() {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let config = SandboxConfig::from_env().expect("the JOUST_* variables are valid");
    let sandbox = Sandbox::new(SandboxConfig {
        runtime_dir: workspace.join(&config.runtime_dir),
        cache_dir: workspace.join(&config.cache_dir),
        ..config
    })
    .expect("the sandbox starts (run `make runtimes` first)");
    println!(
        "| submission | round trips | wall ms (fastest of 3) | µs per round trip | submission fuel per round trip |"
    );
    println!("|---|---|---|---|---|");
    for (language, source) in [(Language::Cpp, CPP_ECHO), (Language::Python, PYTHON_ECHO)] {
        let time = |rounds: u64| {
            (0..3)
                .map(|_| {
                    let started = Instant::now();
                    let response = sandbox.execute(&ExecutionRequest {
                        language,
                        source: source.into(),
                        tests: vec![TestCase {
                            input: format!("{rounds}\n"),
                            expected_output: String::new(),
                            sample: false,
                        }],
                        time_limit_ms: 10_000,
                        memory_limit_mb: 256,
                        checker: Checker::Interactive(Validator::single(Language::Cpp, VALIDATOR)),
                        run_all: false,
                    });
                    assert_eq!(response.verdict, Verdict::AC, "{response:#?}");
                    (
                        started.elapsed().as_secs_f64() * 1e3,
                        response.tests[0].fuel,
                    )
                })
                .fold((f64::MAX, 0), |(best, _), (ms, fuel)| (best.min(ms), fuel))
        };
        let (base_ms, base_fuel) = time(1);
        let (ms, fuel) = time(ROUNDS);
        println!(
            "| {language} | {ROUNDS} | {ms:.0} | {:.1} | {} |",
            (ms - base_ms) * 1e3 / ROUNDS as f64,
            (fuel - base_fuel) / ROUNDS
        );
    }
}

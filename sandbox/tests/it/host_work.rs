//! Host work is charged in fuel: loops of WASI calls (random bytes, writes, reads at the end of
//! input) run out of fuel within about their time limit on the wall, as a loop of wasm
//! instructions does, instead of running for the whole wall-clock backstop.

use std::time::Duration;

use joust_common::Language;
use joust_sandbox::{RunLimits, RunOutcome, Termination};

use crate::sandbox;

/// Time limits: 1 s buys about 1 s of wall time of C's wasm code, and about 4.5 s of Python's
/// (whose fuel rate is 4.6 times C's), so Python's limit is smaller for the same bound.
fn time_limit_ms(language: Language) -> u64 {
    match language {
        Language::Python => 100,
        _ => 1_000,
    }
}

fn run(language: Language, source: &str) -> RunOutcome {
    let program = sandbox().prepare(language, source).expect("prepares");
    sandbox()
        .run(
            &program,
            b"1 2\n",
            RunLimits {
                time_limit_ms: time_limit_ms(language),
                memory_limit_bytes: 64 << 20,
                output_limit_bytes: 8 << 20,
            },
        )
        .unwrap()
}

/// Runs `source`, expects it to run out of fuel, and holds its wall time to the bound the
/// issue asks for: no more than 3 times the limit and a second.
fn assert_stopped_by_fuel(language: Language, name: &str, source: &str) -> RunOutcome {
    let outcome = run(language, source);
    let summary = format!(
        "{name}: {:?} after {} ms of wall, {} fuel ({} ms)",
        outcome.termination,
        outcome.wall.as_millis(),
        outcome.fuel_used,
        outcome.time_ms
    );
    eprintln!("{summary}");
    assert_eq!(outcome.termination, Termination::OutOfFuel, "{summary}");
    let bound = Duration::from_millis(3 * time_limit_ms(language) + 1_000);
    assert!(outcome.wall < bound, "{summary}");
    outcome
}

#[test]
fn a_python_random_bytes_loop_runs_out_of_fuel() {
    assert_stopped_by_fuel(
        Language::Python,
        "python urandom",
        "import os\nwhile True:\n    os.urandom(1 << 16)\n",
    );
}

#[test]
fn a_python_write_loop_runs_out_of_fuel() {
    // One byte per call: the output limit is far away, every call crosses into the host.
    assert_stopped_by_fuel(
        Language::Python,
        "python write",
        "import os\nwhile True:\n    os.write(1, b'x')\n",
    );
}

#[test]
fn a_python_read_loop_at_the_end_of_input_runs_out_of_fuel() {
    assert_stopped_by_fuel(
        Language::Python,
        "python read",
        "import os\nwhile True:\n    os.read(0, 1 << 16)\n",
    );
}

#[test]
fn a_python_compute_loop_for_comparison() {
    assert_stopped_by_fuel(
        Language::Python,
        "python compute",
        "x = 0\nwhile True:\n    x += 1\n",
    );
}

#[test]
fn a_c_random_bytes_loop_runs_out_of_fuel() {
    assert_stopped_by_fuel(
        Language::C,
        "c getentropy",
        "#include <unistd.h>\nstatic char buf[256];\nint main(void) { for (;;) getentropy(buf, sizeof buf); }\n",
    );
}

#[test]
fn a_c_write_loop_runs_out_of_fuel() {
    // stderr fills at 64 KiB; the writes that fail after it still cost.
    assert_stopped_by_fuel(
        Language::C,
        "c write",
        "#include <unistd.h>\nint main(void) { for (;;) write(2, \"x\", 1); }\n",
    );
}

#[test]
fn a_c_read_loop_at_the_end_of_input_runs_out_of_fuel() {
    assert_stopped_by_fuel(
        Language::C,
        "c read",
        "#include <unistd.h>\nstatic char buf[4096];\nint main(void) { for (;;) read(0, buf, sizeof buf); }\n",
    );
}

#[test]
fn a_c_compute_loop_for_comparison() {
    assert_stopped_by_fuel(
        Language::C,
        "c compute",
        "int main(void) { volatile unsigned x = 0; for (;;) x++; }\n",
    );
}

#[test]
fn host_work_counts_in_the_reported_fuel() {
    // The same output written in one call and in many: the many calls cost more.
    let one = run(
        Language::C,
        "#include <unistd.h>\nstatic char b[1000];\nint main(void) { write(1, b, 1000); }\n",
    );
    let many = run(
        Language::C,
        "#include <unistd.h>\nint main(void) { for (int i = 0; i < 1000; i++) write(1, \"\", 1); }\n",
    );
    assert_eq!(one.termination, Termination::Exited(0));
    assert_eq!(many.termination, Termination::Exited(0));
    assert!(
        many.fuel_used > one.fuel_used + 900 * 1_000,
        "{} vs {}",
        many.fuel_used,
        one.fuel_used
    );
}

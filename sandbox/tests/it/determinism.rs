//! Nothing a guest can observe differs between runs, so verdicts and fuel counts replay.

use joust_common::Language;
use joust_sandbox::{RunLimits, Termination};

use crate::{FUEL_PER_MS, sandbox};

fn limits(time_limit_ms: u64) -> RunLimits {
    RunLimits {
        time_limit_ms,
        memory_limit_bytes: 64 << 20,
        output_limit_bytes: 1 << 20,
    }
}

#[test]
fn a_borderline_program_gets_the_same_verdict_and_fuel_twenty_times() {
    // Reads the clocks and the random source and mixes them into its work, so any
    // nondeterminism there would show up in the fuel count or the output.
    let source = r#"#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(void) {
    struct timespec mono, wall;
    clock_gettime(CLOCK_MONOTONIC, &mono);
    clock_gettime(CLOCK_REALTIME, &wall);
    unsigned r = (unsigned)arc4random() % 1000u;
    volatile unsigned long long x = 0;
    unsigned long long n = 20000000ull + r * 1000ull + (unsigned long long)(wall.tv_sec % 1000);
    for (unsigned long long i = 0; i < n; i++) x += i ^ (unsigned long long)mono.tv_nsec;
    printf("%llu %u %lld\n", (unsigned long long)x, r, (long long)wall.tv_sec);
    return 0;
}"#;
    let program = sandbox().prepare(Language::C, source).expect("compiles");
    let reference = sandbox().run(&program, b"", limits(20_000)).unwrap();
    assert_eq!(reference.termination, Termination::Exited(0));
    // The smallest whole-millisecond limit the program fits in, and one below it: the first
    // is accepted, the second runs out of fuel, on every run.
    let fits_ms = reference.fuel_used.div_ceil(FUEL_PER_MS);
    assert!(fits_ms > 20, "the program does real work: {fits_ms} ms");
    for _ in 0..10 {
        let ok = sandbox().run(&program, b"", limits(fits_ms)).unwrap();
        assert_eq!(ok.termination, Termination::Exited(0));
        assert_eq!(ok.fuel_used, reference.fuel_used);
        assert_eq!(ok.stdout, reference.stdout);

        let tle = sandbox().run(&program, b"", limits(fits_ms - 1)).unwrap();
        assert_eq!(tle.termination, Termination::OutOfFuel);
        assert_eq!(tle.fuel_used, (fits_ms - 1) * FUEL_PER_MS);
    }
}

#[test]
fn clocks_and_randomness_are_fixed_for_interpreters() {
    let python = "import random, time, os\nprint(random.random(), os.urandom(8).hex(), time.time(), time.monotonic())\n";
    let javascript = "console.log(Math.random(), Date.now(), new Date().toISOString())";
    for (language, source) in [
        (Language::Python, python),
        (Language::JavaScript, javascript),
    ] {
        let program = sandbox().prepare(language, source).expect("prepares");
        let first = sandbox().run(&program, b"", limits(2_000)).unwrap();
        assert_eq!(first.termination, Termination::Exited(0), "{first:?}");
        let text = String::from_utf8_lossy(&first.stdout).into_owned();
        if language == Language::JavaScript {
            assert!(text.contains("2024-01-01T00:00:00"), "{text}");
        }
        for _ in 0..3 {
            let again = sandbox().run(&program, b"", limits(2_000)).unwrap();
            assert_eq!(String::from_utf8_lossy(&again.stdout), text, "{language}");
            assert_eq!(again.fuel_used, first.fuel_used, "{language}");
        }
    }
}

#[test]
fn each_language_gets_its_calibrated_fuel_rate() {
    // A time limit buys `limit × JOUST_FUEL_PER_MS × multiplier` fuel, and the reported time
    // divides by the same rate, so a program that runs out reports exactly its limit.
    for (language, source) in [
        (
            Language::C,
            "int main(void) { volatile unsigned x = 0; for (;;) x++; }",
        ),
        (Language::Python, "while True: pass"),
    ] {
        let program = sandbox().prepare(language, source).expect("prepares");
        let outcome = sandbox().run(&program, b"", limits(50)).unwrap();
        assert_eq!(outcome.termination, Termination::OutOfFuel, "{language}");
        let rate = FUEL_PER_MS * joust_sandbox::fuel_percent(language) / 100;
        assert_eq!(outcome.fuel_used, 50 * rate, "{language}");
        assert_eq!(outcome.time_ms, 50, "{language}");
    }
    assert!(joust_sandbox::fuel_percent(Language::Python) > 100);
}

//! How much fuel a millisecond of a time limit buys in each language: the calibrated
//! multipliers, relative to C's configured rate.
//!
//! How fuel is metered and turned into a verdict is in `run` and `judging`.

use joust_common::Language;

/// Fuel per millisecond of each language, in percent of the configured `JOUST_FUEL_PER_MS`
/// (which is C's). Measured with `sandbox/benches/calibrate.rs`: the fuel each runtime burns
/// for the CPU work a native build of the same language (gcc, g++, rustc, go, CPython,
/// QuickJS-ng) does in one millisecond, relative to C, rounded. So a time limit buys about the
/// work it would on a native judge of that language; `docs/sandbox.md` has the measurement.
pub fn fuel_percent(language: Language) -> u64 {
    match language {
        Language::C | Language::Cpp | Language::Rust => 100,
        // Go's wasm code generator emits about 5 times the instructions of clang's for the
        // same loop, while native Go is close to C.
        Language::Go => 460,
        Language::Python => 460,
        // Against native QuickJS-ng, the same interpreter; Node.js's JIT would need about 20 times C's.
        Language::JavaScript => 420,
    }
}

/// Fuel units per millisecond of the time limit for `language`, given C's.
pub(crate) fn fuel_per_ms(base: u64, language: Language) -> u64 {
    (base.saturating_mul(fuel_percent(language)) / 100).max(1)
}

//! The world a guest observes through WASI, made the same on every run: the clocks stand
//! still, the "random" bytes come from a fixed seed, and sleeping returns at once. A verdict
//! and its fuel count are therefore replayable.
//!
//! Only the context and the host functions are here; the state a `Store` carries is in
//! `guest`, and how one run is set up and stopped is in `run`.

use std::{sync::Arc, time::Duration};

use rand::{SeedableRng, rngs::StdRng};
use wasmtime::Linker;
use wasmtime_wasi::{
    HostMonotonicClock, HostWallClock, WasiCtxBuilder,
    cli::{StdinStream, StdoutStream},
};

use crate::host_fuel::{HostMeter, MeteredRng};

/// What guests read from the wall clock: 2024-01-01T00:00:00Z, the same for every run.
const FIXED_WALL_CLOCK: Duration = Duration::from_secs(1_704_067_200);
/// Seed of the guests' random generators: `random_get` returns the same bytes on every run.
const RANDOM_SEED: u64 = 0x4a6f_7573_7400_0001;

/// A WASI context in which nothing a guest can observe differs between runs: the clocks stand
/// still and the "random" bytes come from a fixed seed, so a verdict and its fuel count are
/// replayable. The streams (metered by the caller) and the generator count what goes through
/// them into `meter`, for the fuel that host work costs (`host_fuel`).
pub(crate) fn deterministic_wasi(
    stdin: impl StdinStream + 'static,
    stdout: impl StdoutStream + 'static,
    stderr: impl StdoutStream + 'static,
    meter: &Arc<HostMeter>,
) -> WasiCtxBuilder {
    let mut wasi = WasiCtxBuilder::new();
    wasi.stdin(stdin)
        .stdout(stdout)
        .stderr(stderr)
        .wall_clock(FixedWallClock)
        .monotonic_clock(FixedMonotonicClock)
        .secure_random(MeteredRng::new(
            StdRng::seed_from_u64(RANDOM_SEED),
            meter.clone(),
        ))
        .insecure_random(StdRng::seed_from_u64(RANDOM_SEED ^ 1))
        .insecure_random_seed(u128::from(RANDOM_SEED));
    wasi
}

/// Replaces WASI's `poll_oneoff` (what `sleep`, `nanosleep` and `poll` become) with one that
/// reports every subscription ready at once.
///
/// The stock implementation waits in real time inside the host call, where neither fuel nor
/// epochs can stop it: `sleep(1000000)` would hold a worker for days. With a clock that stands
/// still, a sleep that returns immediately is also the consistent answer; stdin is an in-memory
/// pipe and stdout never blocks, so descriptor subscriptions are ready too. `count_call` is
/// called on every call, as it is on every other WASI call.
pub(crate) fn define_instant_poll_oneoff<T: 'static>(
    linker: &mut Linker<T>,
    count_call: impl Fn(&mut T) + Send + Sync + 'static,
) -> anyhow::Result<()> {
    const SUBSCRIPTION_BYTES: usize = 48;
    const EVENT_BYTES: usize = 32;
    const ERRNO_SUCCESS: i32 = 0;
    const ERRNO_FAULT: i32 = 21;
    const ERRNO_INVAL: i32 = 28;
    linker.func_wrap(
        "wasi_snapshot_preview1",
        "poll_oneoff",
        move |mut caller: wasmtime::Caller<'_, T>,
              subscriptions: i32,
              events: i32,
              count: i32,
              count_out: i32|
              -> wasmtime::Result<i32> {
            count_call(caller.data_mut());
            let Some(wasmtime::Extern::Memory(memory)) = caller.get_export("memory") else {
                return Ok(ERRNO_FAULT);
            };
            let memory = memory.data_mut(&mut caller);
            let (subscriptions, events, count, count_out) = (
                subscriptions as u32 as usize,
                events as u32 as usize,
                count as u32 as usize,
                count_out as u32 as usize,
            );
            if count == 0 {
                return Ok(ERRNO_INVAL);
            }
            let fits = |start: usize, len: usize| {
                start
                    .checked_add(len)
                    .is_some_and(|end| end <= memory.len())
            };
            if !fits(subscriptions, count * SUBSCRIPTION_BYTES)
                || !fits(events, count * EVENT_BYTES)
                || !fits(count_out, 4)
            {
                return Ok(ERRNO_FAULT);
            }
            for i in 0..count {
                let sub = subscriptions + i * SUBSCRIPTION_BYTES;
                let mut userdata = [0u8; 8];
                userdata.copy_from_slice(&memory[sub..sub + 8]);
                let tag = memory[sub + 8];
                let event = events + i * EVENT_BYTES;
                let out = &mut memory[event..event + EVENT_BYTES];
                out.fill(0);
                // userdata, then errno 0, then the event type (same numbering as the tag).
                out[..8].copy_from_slice(&userdata);
                out[10] = tag;
            }
            memory[count_out..count_out + 4].copy_from_slice(&(count as u32).to_le_bytes());
            Ok(ERRNO_SUCCESS)
        },
    )?;
    Ok(())
}

/// A wall clock that always reads [`FIXED_WALL_CLOCK`].
struct FixedWallClock;

impl HostWallClock for FixedWallClock {
    fn resolution(&self) -> Duration {
        Duration::from_nanos(1)
    }

    fn now(&self) -> Duration {
        FIXED_WALL_CLOCK
    }
}

/// Where the monotonic clock stands: not zero, because Go's runtime refuses to start on a
/// clock that reads zero ("nanotime returning zero").
const FIXED_MONOTONIC_NANOS: u64 = 1_000_000_000;

/// A monotonic clock that never advances: guests that time themselves see no time pass, and
/// fuel is what stops them.
struct FixedMonotonicClock;

impl HostMonotonicClock for FixedMonotonicClock {
    fn resolution(&self) -> u64 {
        1
    }

    fn now(&self) -> u64 {
        FIXED_MONOTONIC_NANOS
    }
}

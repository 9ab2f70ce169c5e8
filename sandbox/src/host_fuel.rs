//! Fuel for the work a guest makes the host do. Fuel meters wasm instructions only, so a loop
//! of host calls (`os.urandom`, a read at end of input, a flush per line) would otherwise run
//! for the whole wall-clock backstop on almost no fuel. Every WASI call costs
//! [`HOST_CALL_FUEL`]; every read of stdin and write to stdout or stderr, which WASI runs as a
//! future on its own runtime, costs [`STREAM_CALL_FUEL`] more; and the bytes the host moves or
//! makes for the guest cost by the KiB: stdin read, stdout and stderr written
//! ([`IO_FUEL_PER_KIB`]), random bytes made ([`RANDOM_FUEL_PER_KIB`]). The charges count only
//! what the guest asked for, so they are the same on every run, like the rest of the fuel count.
//!
//! Here are the meters (wrappers of the guest's pipes and random generator that count what went
//! through them) and the charge; `guest` counts the calls and checks the charge on every epoch
//! tick, and `run` adds it to the fuel used when the run ends.

use std::{
    convert::Infallible,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use bytes::Bytes;
use rand::TryRng;
use wasmtime_wasi::{
    async_trait,
    cli::{IsTerminal, StdinStream, StdoutStream},
    p2::{
        InputStream, OutputStream, Pollable, StreamResult,
        pipe::{MemoryInputPipe, MemoryOutputPipe},
    },
};

/// Fuel charged for every WASI call, whatever it does: about the wall time of a cheap call
/// (`args_get`, `random_get`, about a microsecond), in fuel units at the rate wasm code
/// burns them (2 to 3 per ns). `docs/sandbox.md` has the measurement.
pub(crate) const HOST_CALL_FUEL: u64 = 2_500;
/// Fuel charged for every read of stdin or write to stdout or stderr, on top of the call's:
/// WASI runs each as a future on its own Tokio runtime, about 10 µs of wall time.
pub(crate) const STREAM_CALL_FUEL: u64 = 20_000;
/// Fuel per KiB read from stdin or written to stdout or stderr (a copy: about a unit a byte).
pub(crate) const IO_FUEL_PER_KIB: u64 = 1_000;
/// Fuel per KiB of random bytes as the generator counts them: WASI draws a `u32` (4 bytes) for
/// every byte it returns, at about 0.4 µs a byte.
pub(crate) const RANDOM_FUEL_PER_KIB: u64 = 200_000;

/// What went through the guest's metered pipes and generator. Shared with the streams, which
/// WASI owns.
#[derive(Debug, Default)]
pub(crate) struct HostMeter {
    stream_calls: AtomicU64,
    io_bytes: AtomicU64,
    random_bytes: AtomicU64,
}

impl HostMeter {
    /// One read or write on a stdio stream, of `bytes`.
    pub(crate) fn add_io(&self, bytes: usize) {
        self.stream_calls.fetch_add(1, Ordering::Relaxed);
        self.io_bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }

    /// The fuel the metered bytes cost, with `host_calls` calls.
    pub(crate) fn fuel(&self, host_calls: u64) -> u64 {
        let streams = self.stream_calls.load(Ordering::Relaxed);
        let io = self.io_bytes.load(Ordering::Relaxed);
        let random = self.random_bytes.load(Ordering::Relaxed);
        host_calls
            .saturating_mul(HOST_CALL_FUEL)
            .saturating_add(streams.saturating_mul(STREAM_CALL_FUEL))
            .saturating_add(io.saturating_mul(IO_FUEL_PER_KIB) / 1024)
            .saturating_add(random.saturating_mul(RANDOM_FUEL_PER_KIB) / 1024)
    }
}

/// The guest's stdin, counting the bytes it hands out.
#[derive(Clone)]
pub(crate) struct MeteredInput {
    pipe: MemoryInputPipe,
    meter: Arc<HostMeter>,
}

impl MeteredInput {
    pub(crate) fn new(input: Vec<u8>, meter: Arc<HostMeter>) -> Self {
        Self {
            pipe: MemoryInputPipe::new(input),
            meter,
        }
    }
}

impl IsTerminal for MeteredInput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdinStream for MeteredInput {
    /// For WASI 0.3, which guests are not linked with: not metered.
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncRead + Send + Sync> {
        StdinStream::async_stream(&self.pipe)
    }

    fn p2_stream(&self) -> Box<dyn InputStream> {
        Box::new(self.clone())
    }
}

#[async_trait]
impl Pollable for MeteredInput {
    async fn ready(&mut self) {}
}

/// Each read counts once, whether WASI blocks on it (stdin's default) or not.
#[async_trait]
impl InputStream for MeteredInput {
    fn read(&mut self, size: usize) -> StreamResult<Bytes> {
        let read = self.pipe.read(size);
        self.meter
            .add_io(read.as_ref().map_or(0, |bytes| bytes.len()));
        read
    }

    async fn blocking_read(&mut self, size: usize) -> StreamResult<Bytes> {
        self.read(size)
    }
}

/// The guest's stdout or stderr, counting the bytes written into it.
#[derive(Clone)]
pub(crate) struct MeteredOutput {
    pipe: MemoryOutputPipe,
    meter: Arc<HostMeter>,
}

impl MeteredOutput {
    pub(crate) fn new(pipe: MemoryOutputPipe, meter: Arc<HostMeter>) -> Self {
        Self { pipe, meter }
    }
}

impl IsTerminal for MeteredOutput {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for MeteredOutput {
    /// For WASI 0.3, which guests are not linked with: not metered.
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        StdoutStream::async_stream(&self.pipe)
    }

    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }
}

#[async_trait]
impl Pollable for MeteredOutput {
    async fn ready(&mut self) {}
}

/// Each write counts once, whether WASI blocks on it (the default) or not, and whether it fits
/// or the pipe is full.
#[async_trait]
impl OutputStream for MeteredOutput {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.meter.add_io(bytes.len());
        self.pipe.write(bytes)
    }

    async fn blocking_write_and_flush(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.meter.add_io(bytes.len());
        self.pipe.blocking_write_and_flush(bytes).await
    }

    fn flush(&mut self) -> StreamResult<()> {
        self.pipe.flush()
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        self.pipe.check_write()
    }
}

/// The guest's random generator, counting the bytes it makes (a `u32` counts 4).
pub(crate) struct MeteredRng<R> {
    rng: R,
    meter: Arc<HostMeter>,
}

impl<R> MeteredRng<R> {
    pub(crate) fn new(rng: R, meter: Arc<HostMeter>) -> Self {
        Self { rng, meter }
    }

    fn count(&self, bytes: usize) {
        self.meter
            .random_bytes
            .fetch_add(bytes as u64, Ordering::Relaxed);
    }
}

impl<R: TryRng<Error = Infallible>> TryRng for MeteredRng<R> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        self.count(4);
        self.rng.try_next_u32()
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        self.count(8);
        self.rng.try_next_u64()
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.count(dst.len());
        self.rng.try_fill_bytes(dst)
    }
}

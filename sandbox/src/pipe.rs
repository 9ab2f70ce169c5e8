//! The pipes of an interactive run: the validator's stdout is the submission's stdin and the
//! submission's stdout the validator's stdin, each a bounded in-memory buffer shared by two
//! guests running on their own threads.
//!
//! A read waits for bytes (or the end of the stream, once the writer has gone); a write waits
//! for room. A guest waiting inside a host call is beyond the epoch callback's reach, so the
//! waiting itself looks at the run's wall-clock deadline and its request's [`Stop`] every
//! [`WAIT_SLICE`] and ends the guest as interrupted (a wall-clock timeout) when either passed:
//! two guests that both wait to read (a deadlock) end at their deadline. Writing to a pipe
//! whose reader has gone ends the writer as if it exited with code 0, as a process killed by
//! `SIGPIPE` is treated by the format's reference: the validator decides.
//!
//! Reads and writes count into the guest's [`HostMeter`] like stdio (`host_fuel`). Which run
//! gets which end, and what the exits mean, is in `interactive`.

use std::{
    collections::VecDeque,
    sync::{Arc, Condvar, Mutex, MutexGuard},
    time::{Duration, Instant},
};

use bytes::Bytes;
use wasmtime::Trap;
use wasmtime_wasi::{
    I32Exit, async_trait,
    cli::{IsTerminal, StdinStream, StdoutStream},
    p2::{InputStream, OutputStream, Pollable, StreamError, StreamResult},
};

use crate::{host_fuel::HostMeter, stop::Stop};

/// Bytes a pipe holds before a writer waits (Linux's largest unprivileged pipe, 1 MiB).
pub(crate) const PIPE_CAPACITY: usize = 1 << 20;
/// How long a waiting guest sleeps before it looks at its deadline again.
const WAIT_SLICE: Duration = Duration::from_millis(10);

#[derive(Default)]
struct State {
    data: VecDeque<u8>,
    writer_closed: bool,
    reader_closed: bool,
    /// The reader has gone, but writes still succeed (and are dropped).
    discarding: bool,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// When a guest waiting on a pipe must give up.
#[derive(Clone)]
pub(crate) struct Interrupt {
    pub(crate) stop: Stop,
    pub(crate) deadline: Instant,
}

impl Interrupt {
    fn due(&self) -> bool {
        self.stop.is_stopped() || Instant::now() >= self.deadline
    }
}

/// A one-way pipe; [`Pipe::ends`] hands out its reading and writing ends.
#[derive(Clone, Default)]
pub(crate) struct Pipe {
    shared: Arc<Shared>,
}

impl Pipe {
    /// The reading end for a guest whose waits end at `interrupt`, counting into `meter`.
    pub(crate) fn reader(&self, meter: Arc<HostMeter>, interrupt: Interrupt) -> PipeReader {
        PipeReader {
            shared: self.shared.clone(),
            meter,
            interrupt,
        }
    }

    /// The writing end for a guest whose waits end at `interrupt`, counting into `meter`.
    pub(crate) fn writer(&self, meter: Arc<HostMeter>, interrupt: Interrupt) -> PipeWriter {
        PipeWriter {
            shared: self.shared.clone(),
            meter,
            interrupt,
        }
    }

    /// The writer has gone: the reader gets what is left, then the end of the stream.
    pub(crate) fn close_writer(&self) {
        self.shared.lock().writer_closed = true;
        self.shared.changed.notify_all();
    }

    /// The reader has gone, and what is still written is dropped: the writer carries on.
    pub(crate) fn discard(&self) {
        let mut state = self.shared.lock();
        state.discarding = true;
        state.data.clear();
        drop(state);
        self.shared.changed.notify_all();
    }

    /// The reader has gone: writes end their writer.
    pub(crate) fn close_reader(&self) {
        let mut state = self.shared.lock();
        state.reader_closed = true;
        state.data.clear();
        drop(state);
        self.shared.changed.notify_all();
    }
}

/// A guest's stdin fed by a [`Pipe`].
#[derive(Clone)]
pub(crate) struct PipeReader {
    shared: Arc<Shared>,
    meter: Arc<HostMeter>,
    interrupt: Interrupt,
}

/// A guest's stdout (or the validator's) feeding a [`Pipe`].
#[derive(Clone)]
pub(crate) struct PipeWriter {
    shared: Arc<Shared>,
    meter: Arc<HostMeter>,
    interrupt: Interrupt,
}

fn interrupted() -> StreamError {
    StreamError::Trap(wasmtime::Error::new(Trap::Interrupt))
}

impl PipeReader {
    /// Takes up to `size` bytes; empty when none is there yet; `Closed` at the end.
    fn take(state: &mut State, size: usize) -> StreamResult<Bytes> {
        if state.data.is_empty() {
            return if state.writer_closed {
                Err(StreamError::Closed)
            } else {
                Ok(Bytes::new())
            };
        }
        let n = size.min(state.data.len());
        Ok(state.data.drain(..n).collect::<Vec<u8>>().into())
    }
}

impl IsTerminal for PipeReader {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdinStream for PipeReader {
    /// For WASI 0.3, which guests are not linked with.
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncRead + Send + Sync> {
        Box::new(tokio::io::empty())
    }

    fn p2_stream(&self) -> Box<dyn InputStream> {
        Box::new(self.clone())
    }
}

#[async_trait]
impl Pollable for PipeReader {
    async fn ready(&mut self) {}
}

#[async_trait]
impl InputStream for PipeReader {
    fn read(&mut self, size: usize) -> StreamResult<Bytes> {
        let read = Self::take(&mut self.shared.lock(), size);
        self.meter
            .add_io(read.as_ref().map_or(0, |bytes| bytes.len()));
        if read.as_ref().is_ok_and(|b| !b.is_empty()) {
            self.shared.changed.notify_all();
        }
        read
    }

    /// Waits (on this thread: guests run synchronously) until bytes or the end arrive.
    async fn blocking_read(&mut self, size: usize) -> StreamResult<Bytes> {
        let mut state = self.shared.lock();
        loop {
            match Self::take(&mut state, size) {
                Ok(bytes) if bytes.is_empty() && size > 0 => {}
                read => {
                    drop(state);
                    self.meter
                        .add_io(read.as_ref().map_or(0, |bytes| bytes.len()));
                    self.shared.changed.notify_all();
                    return read;
                }
            }
            if self.interrupt.due() {
                return Err(interrupted());
            }
            state = self
                .shared
                .changed
                .wait_timeout(state, WAIT_SLICE)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

impl IsTerminal for PipeWriter {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for PipeWriter {
    /// For WASI 0.3, which guests are not linked with.
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(tokio::io::sink())
    }

    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }
}

#[async_trait]
impl Pollable for PipeWriter {
    async fn ready(&mut self) {}
}

/// The reader has gone: the writer ends as a process killed by `SIGPIPE` would, exit 0.
fn broken_pipe() -> StreamError {
    StreamError::Trap(wasmtime::Error::new(I32Exit(0)))
}

#[async_trait]
impl OutputStream for PipeWriter {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.meter.add_io(bytes.len());
        let mut state = self.shared.lock();
        if state.reader_closed {
            return Err(broken_pipe());
        }
        if state.discarding {
            return Ok(());
        }
        state.data.extend(&bytes);
        drop(state);
        self.shared.changed.notify_all();
        Ok(())
    }

    /// Waits for room, in pieces, then writes everything.
    async fn blocking_write_and_flush(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.meter.add_io(bytes.len());
        let mut rest = &bytes[..];
        let mut state = self.shared.lock();
        while !rest.is_empty() {
            if state.reader_closed {
                return Err(broken_pipe());
            }
            if state.discarding {
                return Ok(());
            }
            let room = PIPE_CAPACITY.saturating_sub(state.data.len());
            if room > 0 {
                let n = room.min(rest.len());
                state.data.extend(&rest[..n]);
                rest = &rest[n..];
                self.shared.changed.notify_all();
                continue;
            }
            if self.interrupt.due() {
                return Err(interrupted());
            }
            state = self
                .shared
                .changed
                .wait_timeout(state, WAIT_SLICE)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        let state = self.shared.lock();
        if state.reader_closed {
            return Err(broken_pipe());
        }
        if state.discarding {
            return Ok(PIPE_CAPACITY);
        }
        Ok(PIPE_CAPACITY.saturating_sub(state.data.len()))
    }
}

//! Per-connection outbound queues with priorities: what a socket gets when it cannot keep up.
//!
//! Every relayed message (battle events, chat, progress) goes through its socket's [`Outbox`], a
//! small bounded queue drained by one writer task per socket. The writer hands messages to
//! socketioxide one at a time and, while socketioxide's own buffer for that socket is full (a
//! slow client), waits; meanwhile the outbox fills up. When it is full, a new message makes room
//! by dropping, in this order: the oldest queued best-effort message (typing, progress), then
//! the oldest queued chat line. Critical messages (battle events) are never dropped: they may
//! take the queue past its bound, and a client that misses one recovers it with `battle:resume`
//! anyway. A best-effort message that finds no best-effort to replace is itself dropped; so is a
//! chat line that finds only critical messages queued. Acks do not go through the outbox, but
//! they come first: while an ack waits for room in socketioxide's buffer (see `ack`), the
//! writer holds its messages back.
//!
//! [`OutQueue`] is the policy alone, without sockets, so it can be tested directly.

use std::{
    collections::VecDeque,
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use serde_json::Value;
use socketioxide::{SendError, SocketError, adapter::Adapter, extract::SocketRef};
use tokio::sync::Notify;

/// How much a message matters, from the guarantees table of the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// Battle events: never dropped.
    Critical,
    /// Chat: in order; the oldest is dropped under pressure, after best-effort traffic.
    Normal,
    /// Typing and progress: dropped first.
    BestEffort,
}

impl Priority {
    /// The metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Critical => "critical",
            Priority::Normal => "normal",
            Priority::BestEffort => "best_effort",
        }
    }

    pub const ALL: [Priority; 3] = [Priority::Critical, Priority::Normal, Priority::BestEffort];
}

/// One message waiting for its socket. The payload is shared by every socket it goes to.
#[derive(Debug, Clone)]
pub struct Outbound {
    pub priority: Priority,
    pub event: String,
    pub data: Arc<Value>,
}

/// The bounded queue and its dropping policy.
#[derive(Debug)]
pub struct OutQueue {
    items: VecDeque<Outbound>,
    capacity: usize,
}

impl OutQueue {
    /// A queue that holds `capacity` messages (at least one) before it starts dropping.
    pub fn new(capacity: usize) -> Self {
        Self {
            items: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Queues `item`, dropping a message if the queue is full; returns the priority of the
    /// dropped message (which may be `item` itself).
    pub fn push(&mut self, item: Outbound) -> Option<Priority> {
        if self.items.len() < self.capacity {
            self.items.push_back(item);
            return None;
        }
        let victim = match item.priority {
            Priority::BestEffort => self.oldest(Priority::BestEffort),
            Priority::Normal | Priority::Critical => self
                .oldest(Priority::BestEffort)
                .or_else(|| self.oldest(Priority::Normal)),
        };
        match victim {
            Some(index) => {
                let dropped = self.items.remove(index).map(|d| d.priority);
                self.items.push_back(item);
                dropped
            }
            None if item.priority == Priority::Critical => {
                self.items.push_back(item);
                None
            }
            None => Some(item.priority),
        }
    }

    /// The next message to send, oldest first.
    pub fn pop(&mut self) -> Option<Outbound> {
        self.items.pop_front()
    }

    fn oldest(&self, priority: Priority) -> Option<usize> {
        self.items.iter().position(|i| i.priority == priority)
    }
}

/// A socket's outbox: the queue, and the writer's wake-up.
#[derive(Clone)]
pub struct Outbox {
    inner: Arc<Inner>,
}

struct Inner {
    queue: Mutex<OutQueue>,
    ready: Notify,
    closed: AtomicBool,
    /// Acks of this socket waiting for room in socketioxide's buffer.
    acks_waiting: AtomicUsize,
}

/// Held by an ack while it waits for room; the writer yields until every such guard is gone.
pub struct AckWait(Arc<Inner>);

impl Drop for AckWait {
    fn drop(&mut self) {
        self.0.acks_waiting.fetch_sub(1, Ordering::SeqCst);
    }
}

/// How long the writer waits before offering a message again to a socket whose buffer is full.
const FULL_BUFFER_PAUSE: Duration = Duration::from_millis(20);
/// How long the writer waits for an ack that is waiting for room.
const ACK_PAUSE: Duration = Duration::from_millis(2);

impl Outbox {
    pub fn new(capacity: usize) -> Self {
        Self {
            inner: Arc::new(Inner {
                queue: Mutex::new(OutQueue::new(capacity)),
                ready: Notify::new(),
                closed: AtomicBool::new(false),
                acks_waiting: AtomicUsize::new(0),
            }),
        }
    }

    fn queue(&self) -> std::sync::MutexGuard<'_, OutQueue> {
        self.inner
            .queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Queues a message for the writer; returns the priority of a message dropped to make room.
    pub fn push(&self, item: Outbound) -> Option<Priority> {
        let dropped = self.queue().push(item);
        self.inner.ready.notify_one();
        dropped
    }

    /// Marks an ack of this socket as waiting for room, until the guard is dropped.
    pub fn ack_wait(&self) -> AckWait {
        self.inner.acks_waiting.fetch_add(1, Ordering::SeqCst);
        AckWait(self.inner.clone())
    }

    /// Stops the writer (the socket is gone).
    pub fn close(&self) {
        self.inner.closed.store(true, Ordering::SeqCst);
        self.inner.ready.notify_one();
    }

    /// Sends queued messages to `socket` in order until the socket closes.
    pub async fn write<A: Adapter>(self, socket: SocketRef<A>) {
        loop {
            let next = self.queue().pop();
            let Some(item) = next else {
                if self.inner.closed.load(Ordering::SeqCst) {
                    return;
                }
                // `notify_one` keeps a permit when nobody waits, so a push between the pop and
                // this wait is not missed.
                self.inner.ready.notified().await;
                continue;
            };
            loop {
                if self.inner.acks_waiting.load(Ordering::SeqCst) > 0 {
                    if self.inner.closed.load(Ordering::SeqCst) {
                        return;
                    }
                    tokio::time::sleep(ACK_PAUSE).await;
                    continue;
                }
                match socket.emit(&item.event, &*item.data) {
                    Ok(()) => break,
                    Err(SendError::Socket(SocketError::InternalChannelFull)) => {
                        if self.inner.closed.load(Ordering::SeqCst) {
                            return;
                        }
                        tokio::time::sleep(FULL_BUFFER_PAUSE).await;
                    }
                    Err(SendError::Socket(SocketError::Closed)) => return,
                    Err(e) => {
                        tracing::debug!(error = %e, event = item.event, "emitting to a socket failed");
                        break;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(priority: Priority, n: u32) -> Outbound {
        Outbound {
            priority,
            event: "e".into(),
            data: Arc::new(Value::from(n)),
        }
    }

    fn drain(queue: &mut OutQueue) -> Vec<(Priority, u64)> {
        std::iter::from_fn(|| queue.pop())
            .map(|i| (i.priority, i.data.as_u64().unwrap()))
            .collect()
    }

    use Priority::{BestEffort, Critical, Normal};

    #[test]
    fn below_capacity_nothing_is_dropped_and_order_is_kept() {
        let mut q = OutQueue::new(3);
        assert_eq!(q.push(msg(BestEffort, 1)), None);
        assert_eq!(q.push(msg(Normal, 2)), None);
        assert_eq!(q.push(msg(Critical, 3)), None);
        assert_eq!(
            drain(&mut q),
            vec![(BestEffort, 1), (Normal, 2), (Critical, 3)]
        );
    }

    #[test]
    fn best_effort_goes_first_whatever_arrives() {
        let mut q = OutQueue::new(3);
        q.push(msg(Normal, 1));
        q.push(msg(BestEffort, 2));
        q.push(msg(BestEffort, 3));
        // A chat line pushes out the oldest progress, not the older chat line.
        assert_eq!(q.push(msg(Normal, 4)), Some(BestEffort));
        // So does a battle event.
        assert_eq!(q.push(msg(Critical, 5)), Some(BestEffort));
        assert_eq!(drain(&mut q), vec![(Normal, 1), (Normal, 4), (Critical, 5)]);
    }

    #[test]
    fn newer_progress_replaces_older_progress_but_never_chat() {
        let mut q = OutQueue::new(2);
        q.push(msg(Normal, 1));
        q.push(msg(BestEffort, 2));
        assert_eq!(q.push(msg(BestEffort, 3)), Some(BestEffort));
        assert_eq!(drain(&mut q), vec![(Normal, 1), (BestEffort, 3)]);

        let mut q = OutQueue::new(2);
        q.push(msg(Normal, 1));
        q.push(msg(Critical, 2));
        // Nothing of lower value is queued: the progress itself is dropped.
        assert_eq!(q.push(msg(BestEffort, 3)), Some(BestEffort));
        assert_eq!(drain(&mut q), vec![(Normal, 1), (Critical, 2)]);
    }

    #[test]
    fn then_the_oldest_chat_is_dropped_and_chat_keeps_its_order() {
        let mut q = OutQueue::new(3);
        q.push(msg(Normal, 1));
        q.push(msg(Critical, 2));
        q.push(msg(Normal, 3));
        assert_eq!(q.push(msg(Normal, 4)), Some(Normal));
        assert_eq!(q.push(msg(Critical, 5)), Some(Normal));
        assert_eq!(
            drain(&mut q),
            vec![(Critical, 2), (Normal, 4), (Critical, 5)]
        );
    }

    #[test]
    fn critical_events_are_never_dropped() {
        let mut q = OutQueue::new(2);
        q.push(msg(Critical, 1));
        q.push(msg(Critical, 2));
        // A chat line finds only battle events: the chat line is dropped.
        assert_eq!(q.push(msg(Normal, 3)), Some(Normal));
        // A battle event goes past the bound rather than being lost.
        for n in 4..10 {
            assert_eq!(q.push(msg(Critical, n)), None);
        }
        assert_eq!(q.len(), 8);
        let sent = drain(&mut q);
        assert_eq!(
            sent.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
            vec![1, 2, 4, 5, 6, 7, 8, 9]
        );
        assert!(sent.iter().all(|(p, _)| *p == Critical));
        assert!(q.is_empty());
    }
}

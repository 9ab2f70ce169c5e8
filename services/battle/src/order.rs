//! Arrival order of a socket's events, for the events that must keep it (chat).
//!
//! socketioxide runs every event handler in its own task, so two events a client sent one
//! after the other may run in either order. Extractors, though, run in arrival order before the
//! task is spawned: [`Turn`] takes a ticket there, and an operation that must keep the client's
//! order waits until every earlier ticket of its socket is done before it runs. A ticket is done
//! when its [`Turn`] is dropped, whether its event waited or not, so events that do not need
//! the order only hold the line until their task starts.

use std::{
    collections::{BTreeSet, HashMap},
    convert::Infallible,
    sync::{Arc, Mutex},
};

use socketioxide::{
    handler::{FromMessageParts, Value},
    socket::Socket,
};
use tokio::sync::oneshot;

use crate::state::Adapter;

/// A socket's tickets: the next one to hand out, and the first one not done yet.
#[derive(Default)]
pub struct Turns {
    inner: Mutex<Tickets>,
}

#[derive(Default)]
struct Tickets {
    next: u64,
    /// The first ticket not done: its event may run.
    serving: u64,
    /// Tickets done before every earlier one was.
    done: BTreeSet<u64>,
    /// Who to wake when `serving` reaches a ticket: one waiter per ticket, so a burst of
    /// waiting events costs one wake-up per event, not one per event per step.
    waiters: HashMap<u64, oneshot::Sender<()>>,
}

impl Turns {
    fn tickets(&self) -> std::sync::MutexGuard<'_, Tickets> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The next ticket, in the order of the calls.
    pub fn take(self: &Arc<Self>) -> Turn {
        let mut tickets = self.tickets();
        let ticket = tickets.next;
        tickets.next += 1;
        Turn {
            turns: Some(self.clone()),
            ticket,
        }
    }

    fn finish(&self, ticket: u64) {
        let mut tickets = self.tickets();
        tickets.waiters.remove(&ticket);
        tickets.done.insert(ticket);
        let before = tickets.serving;
        while tickets.done.first() == Some(&tickets.serving) {
            tickets.done.pop_first();
            tickets.serving += 1;
        }
        if tickets.serving != before {
            let serving = tickets.serving;
            if let Some(waiter) = tickets.waiters.remove(&serving) {
                let _ = waiter.send(());
            }
        }
    }

    /// The ticket being served now.
    #[cfg(test)]
    fn serving(&self) -> u64 {
        self.tickets().serving
    }
}

/// One event's place in its socket's order; a handler extractor.
pub struct Turn {
    /// None for a socket without [`Turns`], which has no order to keep.
    turns: Option<Arc<Turns>>,
    ticket: u64,
}

impl Turn {
    /// Waits until every earlier event of the socket is done.
    pub async fn wait(&self) {
        let Some(turns) = &self.turns else {
            return;
        };
        let woken = {
            let mut tickets = turns.tickets();
            if tickets.serving >= self.ticket {
                return;
            }
            let (wake, woken) = oneshot::channel();
            tickets.waiters.insert(self.ticket, wake);
            woken
        };
        // The sender is only dropped unsent when this turn finishes, which cannot happen while
        // it waits here.
        let _ = woken.await;
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if let Some(turns) = &self.turns {
            turns.finish(self.ticket);
        }
    }
}

impl FromMessageParts<Adapter> for Turn {
    type Error = Infallible;

    fn from_message_parts(
        socket: &Arc<Socket<Adapter>>,
        _: &mut Value,
        _: &Option<i64>,
    ) -> Result<Self, Infallible> {
        Ok(match socket.extensions.get::<Arc<Turns>>() {
            Some(turns) => turns.take(),
            None => Turn {
                turns: None,
                ticket: 0,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_later_ticket_waits_for_every_earlier_one() {
        let turns = Arc::new(Turns::default());
        let (first, second, third) = (turns.take(), turns.take(), turns.take());
        let waiting = tokio::spawn(async move {
            third.wait().await;
        });
        // Done out of order: the third still waits for the first.
        drop(second);
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        first.wait().await;
        drop(first);
        waiting.await.unwrap();
        assert_eq!(turns.serving(), 3);
    }
}

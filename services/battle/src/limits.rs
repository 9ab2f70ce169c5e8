//! Limits on socket events: a rate per user for each class of event, a rate per socket for all
//! of them, and a cap on one socket's events being handled at once. Every refusal happens
//! before the event touches PostgreSQL or Redis.
//!
//! Per-user limits are kept by each instance (not shared through Redis): a player with sockets
//! on several instances gets each instance's allowance. Memory is bounded by forgetting users
//! whose allowance has refilled ([`EventLimits::prune`], called by the sweeper).

use std::{
    num::NonZeroU32,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use governor::{
    DefaultDirectRateLimiter, DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};
use uuid::Uuid;

use crate::settings::{LimitSettings, Rate};

/// What kind of work an event asks for; each class has its own per-user limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventClass {
    /// Creates something that lasts: `challenge:create`, `battle:rematch`, `matchmaking:join`.
    Create,
    Accept,
    Submit,
    /// Practice runs: `battle:run` and `POST /api/battles/{id}/runs`.
    Run,
    Chat,
    Progress,
    /// Reads: `battle:state`, `battle:resume`, `battle:spectate`, `lobby:presence`, and the
    /// HTTP API's authenticated reads.
    Read,
    /// Everything else: `battle:resign`, `matchmaking:leave`, unknown events.
    Control,
}

impl EventClass {
    pub const ALL: [EventClass; 8] = [
        EventClass::Create,
        EventClass::Accept,
        EventClass::Submit,
        EventClass::Run,
        EventClass::Chat,
        EventClass::Progress,
        EventClass::Read,
        EventClass::Control,
    ];

    pub fn of(event: &str) -> Self {
        match event {
            "challenge:create" | "battle:rematch" | "matchmaking:join" => EventClass::Create,
            "challenge:accept" => EventClass::Accept,
            "battle:submit" => EventClass::Submit,
            "battle:run" => EventClass::Run,
            "chat:send" => EventClass::Chat,
            "battle:progress" => EventClass::Progress,
            "battle:state"
            | "battle:resume"
            | "battle:spectate"
            | "lobby:presence"
            | "leaderboard:subscribe" => EventClass::Read,
            _ => EventClass::Control,
        }
    }

    /// The metric label.
    pub fn as_str(self) -> &'static str {
        match self {
            EventClass::Create => "create",
            EventClass::Accept => "accept",
            EventClass::Submit => "submit",
            EventClass::Run => "run",
            EventClass::Chat => "chat",
            EventClass::Progress => "progress",
            EventClass::Read => "read",
            EventClass::Control => "control",
        }
    }

    fn rate(self, settings: &LimitSettings) -> Rate {
        match self {
            EventClass::Create => settings.create,
            EventClass::Accept => settings.accept,
            EventClass::Submit => settings.submit,
            EventClass::Run => settings.run,
            EventClass::Chat => settings.chat,
            EventClass::Progress => settings.progress,
            EventClass::Read => settings.read,
            EventClass::Control => settings.control,
        }
    }
}

/// Why an event was refused before it ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Over a rate; a token is free again after this long.
    RateLimited(Duration),
    /// The socket has the most events being handled at once.
    InFlight,
}

fn quota(rate: Rate) -> Option<Quota> {
    if rate.is_off() {
        return None;
    }
    let period = Duration::from_secs_f64(1.0 / rate.per_sec).max(Duration::from_nanos(1));
    let burst = NonZeroU32::new(rate.burst)?;
    Quota::with_period(period).map(|q| q.allow_burst(burst))
}

fn wait_of(not_until: &governor::NotUntil<<DefaultClock as Clock>::Instant>) -> Duration {
    not_until.wait_time_from(DefaultClock::default().now())
}

/// The per-user limits of this instance, shared by all its sockets.
pub struct EventLimits {
    per_user: Vec<Option<DefaultKeyedRateLimiter<Uuid>>>,
    socket: Option<Quota>,
    max_in_flight: usize,
}

impl EventLimits {
    pub fn new(settings: &LimitSettings) -> Self {
        Self {
            per_user: EventClass::ALL
                .iter()
                .map(|class| quota(class.rate(settings)).map(RateLimiter::keyed))
                .collect(),
            socket: quota(settings.socket),
            max_in_flight: settings.max_in_flight.max(1),
        }
    }

    /// Charges one `class` event to `user`.
    pub fn check_user(&self, class: EventClass, user: Uuid) -> Result<(), Refusal> {
        let index = EventClass::ALL.iter().position(|c| *c == class);
        match index.and_then(|i| self.per_user[i].as_ref()) {
            None => Ok(()),
            Some(limiter) => limiter
                .check_key(&user)
                .map_err(|e| Refusal::RateLimited(wait_of(&e))),
        }
    }

    /// The limits of a new socket.
    pub fn for_socket(&self) -> SocketLimits {
        SocketLimits {
            rate: self.socket.map(RateLimiter::direct),
            in_flight: Arc::new(AtomicUsize::new(0)),
            max_in_flight: self.max_in_flight,
        }
    }

    /// Forgets users whose allowances have refilled, so memory follows active users only.
    pub fn prune(&self) {
        for limiter in self.per_user.iter().flatten() {
            limiter.retain_recent();
            limiter.shrink_to_fit();
        }
    }
}

/// One socket's limits, kept in its extensions.
pub struct SocketLimits {
    rate: Option<DefaultDirectRateLimiter>,
    in_flight: Arc<AtomicUsize>,
    max_in_flight: usize,
}

/// Holds one of a socket's in-flight places until dropped (when the event's ack is sent).
pub struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl SocketLimits {
    /// Admits one event of this socket: takes an in-flight place, then charges the socket's
    /// rate.
    pub fn admit(&self) -> Result<InFlight, Refusal> {
        let taken = self
            .in_flight
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < self.max_in_flight).then_some(n + 1)
            });
        if taken.is_err() {
            return Err(Refusal::InFlight);
        }
        let place = InFlight(self.in_flight.clone());
        if let Some(rate) = &self.rate {
            rate.check()
                .map_err(|e| Refusal::RateLimited(wait_of(&e)))?;
        }
        Ok(place)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_gets_the_burst_of_each_class_separately() {
        let settings = LimitSettings {
            submit: Rate::new(0.001, 3),
            chat: Rate::new(0.001, 1),
            ..LimitSettings::default()
        };
        let limits = EventLimits::new(&settings);
        let (ada, bob) = (Uuid::new_v4(), Uuid::new_v4());
        for _ in 0..3 {
            assert!(limits.check_user(EventClass::Submit, ada).is_ok());
        }
        let Err(Refusal::RateLimited(wait)) = limits.check_user(EventClass::Submit, ada) else {
            panic!("the fourth submit is refused");
        };
        assert!(wait > Duration::from_secs(100), "{wait:?}");
        assert!(limits.check_user(EventClass::Chat, ada).is_ok());
        assert!(limits.check_user(EventClass::Submit, bob).is_ok());
    }

    #[test]
    fn a_socket_has_a_cap_on_events_in_flight() {
        let settings = LimitSettings {
            max_in_flight: 2,
            ..LimitSettings::off()
        };
        let socket = EventLimits::new(&settings).for_socket();
        let first = socket.admit().unwrap();
        let _second = socket.admit().unwrap();
        assert_eq!(socket.admit().err(), Some(Refusal::InFlight));
        drop(first);
        assert!(socket.admit().is_ok());
    }

    #[test]
    fn every_event_has_a_class() {
        assert_eq!(EventClass::of("battle:rematch"), EventClass::Create);
        assert_eq!(EventClass::of("battle:spectate"), EventClass::Read);
        assert_eq!(EventClass::of("lobby:presence"), EventClass::Read);
        assert_eq!(EventClass::of("no:such"), EventClass::Control);
        assert_eq!(EventClass::of("matchmaking:leave"), EventClass::Control);
        assert_eq!(EventClass::of("challenge:accept"), EventClass::Accept);
        assert_eq!(EventClass::of("battle:run"), EventClass::Run);
    }
}

//! Rate limits of socket events and handshakes: how a [`Rate`] is written, and the limits of
//! each class of event with their defaults.

use std::str::FromStr;

use joust_common::settings::{SettingError, env_or};

/// A rate limit: `per_sec` on average, `burst` at once. Written `PER_SEC:BURST` (e.g. `2:10`),
/// or `off` for no limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub per_sec: f64,
    pub burst: u32,
}

impl Rate {
    /// No limit at all.
    pub const OFF: Rate = Rate {
        per_sec: 0.0,
        burst: 0,
    };

    pub const fn new(per_sec: f64, burst: u32) -> Self {
        Self { per_sec, burst }
    }

    pub fn is_off(&self) -> bool {
        self.per_sec <= 0.0 || self.burst == 0
    }
}

impl FromStr for Rate {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.eq_ignore_ascii_case("off") {
            return Ok(Rate::OFF);
        }
        let (rate, burst) = s
            .split_once(':')
            .ok_or_else(|| "expected PER_SEC:BURST, e.g. 2:10, or off".to_owned())?;
        let per_sec: f64 = rate.trim().parse().map_err(|e| format!("rate: {e}"))?;
        let burst: u32 = burst.trim().parse().map_err(|e| format!("burst: {e}"))?;
        if !per_sec.is_finite() || per_sec <= 0.0 || burst == 0 {
            return Err("rate and burst must be positive (or use off)".into());
        }
        Ok(Rate { per_sec, burst })
    }
}

/// Limits on socket events, per class of event (see `limits::EventClass`), per user and per
/// socket. Per-user limits are kept by each instance: a player connected to several instances
/// gets each instance's allowance.
#[derive(Debug, Clone)]
pub struct LimitSettings {
    /// `JOUST_RATE_CREATE`: `challenge:create`, `battle:rematch`, `matchmaking:join` per user.
    pub create: Rate,
    /// `JOUST_RATE_ACCEPT`: `challenge:accept` per user.
    pub accept: Rate,
    /// `JOUST_RATE_SUBMIT`: `battle:submit` per user.
    pub submit: Rate,
    /// `JOUST_RATE_RUN`: practice runs (`battle:run` and `POST /api/battles/{id}/runs`
    /// together) per user.
    pub run: Rate,
    /// `JOUST_RATE_CHAT`: `chat:send` per user.
    pub chat: Rate,
    /// `JOUST_RATE_PROGRESS`: `battle:progress` per user.
    pub progress: Rate,
    /// `JOUST_RATE_READ`: `battle:state`, `battle:resume`, `battle:spectate`, `lobby:presence`,
    /// `leaderboard:subscribe` per user.
    pub read: Rate,
    /// `JOUST_RATE_CONTROL`: `battle:resign`, `matchmaking:leave`, `leaderboard:unsubscribe` and
    /// unknown events per user.
    pub control: Rate,
    /// `JOUST_GUEST_RATE`: guest accounts created per client IP.
    pub guest: Rate,
    /// `JOUST_LEADERBOARD_RATE`: leaderboard reads (`/api/leaderboard…`) per player, or per
    /// client IP without a session token.
    pub leaderboard: Rate,
    /// `JOUST_LIVE_BATTLES_RATE`: reads of the running battles (`/api/battles/live`) per
    /// player, or per client IP without a session token.
    pub live_battles: Rate,
    /// `JOUST_SOCKET_RATE`: events of any class per socket.
    pub socket: Rate,
    /// `JOUST_SOCKET_MAX_IN_FLIGHT`: events of one socket being handled at once; more are
    /// refused before they touch a store.
    pub max_in_flight: usize,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            create: Rate::new(1.0, 5),
            accept: Rate::new(2.0, 10),
            submit: Rate::new(0.5, 5),
            run: Rate::new(0.2, 5),
            chat: Rate::new(2.0, 10),
            progress: Rate::new(5.0, 20),
            read: Rate::new(10.0, 50),
            control: Rate::new(5.0, 20),
            guest: Rate::new(0.2, 20),
            leaderboard: Rate::new(5.0, 30),
            live_battles: Rate::new(2.0, 20),
            socket: Rate::new(50.0, 200),
            max_in_flight: 16,
        }
    }
}

impl LimitSettings {
    pub(super) fn from_env(d: Self) -> Result<Self, SettingError> {
        Ok(Self {
            create: env_or("JOUST_RATE_CREATE", d.create)?,
            accept: env_or("JOUST_RATE_ACCEPT", d.accept)?,
            submit: env_or("JOUST_RATE_SUBMIT", d.submit)?,
            run: env_or("JOUST_RATE_RUN", d.run)?,
            chat: env_or("JOUST_RATE_CHAT", d.chat)?,
            progress: env_or("JOUST_RATE_PROGRESS", d.progress)?,
            read: env_or("JOUST_RATE_READ", d.read)?,
            control: env_or("JOUST_RATE_CONTROL", d.control)?,
            guest: env_or("JOUST_GUEST_RATE", d.guest)?,
            leaderboard: env_or("JOUST_LEADERBOARD_RATE", d.leaderboard)?,
            live_battles: env_or("JOUST_LIVE_BATTLES_RATE", d.live_battles)?,
            socket: env_or("JOUST_SOCKET_RATE", d.socket)?,
            max_in_flight: env_or("JOUST_SOCKET_MAX_IN_FLIGHT", d.max_in_flight)?,
        })
    }

    /// No limits at all (tests that are about something else).
    pub fn off() -> Self {
        Self {
            create: Rate::OFF,
            accept: Rate::OFF,
            submit: Rate::OFF,
            run: Rate::OFF,
            chat: Rate::OFF,
            progress: Rate::OFF,
            read: Rate::OFF,
            control: Rate::OFF,
            guest: Rate::OFF,
            leaderboard: Rate::OFF,
            live_battles: Rate::OFF,
            socket: Rate::OFF,
            max_in_flight: usize::MAX,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_per_second_and_burst_or_off() {
        assert_eq!("0.5:5".parse::<Rate>(), Ok(Rate::new(0.5, 5)));
        assert_eq!(" 2 : 10 ".trim().parse::<Rate>(), Ok(Rate::new(2.0, 10)));
        assert!("off".parse::<Rate>().unwrap().is_off());
        for bad in ["", "5", "0:5", "1:0", "-1:3", "x:1", "inf:2"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad:?}");
        }
    }
}

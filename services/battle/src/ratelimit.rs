//! A token bucket for Socket.IO handshakes on this instance: a burst of reconnecting clients
//! (after another instance drained, or a network blip) is spread over time instead of hitting
//! PostgreSQL all at once. Refused clients are told when a token will be free.

use std::{sync::Mutex, time::Duration};

use tokio::time::Instant;

pub struct TokenBucket {
    /// Tokens added per second.
    rate: f64,
    /// Most tokens the bucket holds.
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl TokenBucket {
    /// A full bucket. A non-positive rate or burst is treated as the smallest usable value.
    pub fn new(rate: f64, burst: f64) -> Self {
        let (rate, burst) = (rate.max(f64::MIN_POSITIVE), burst.max(1.0));
        Self {
            rate,
            burst,
            state: Mutex::new((burst, Instant::now())),
        }
    }

    /// Takes a token, or says how long until one is available.
    pub fn try_take(&self) -> Result<(), Duration> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        let (tokens, last) = *state;
        let tokens = (tokens + now.duration_since(last).as_secs_f64() * self.rate).min(self.burst);
        if tokens >= 1.0 {
            *state = (tokens - 1.0, now);
            Ok(())
        } else {
            *state = (tokens, now);
            Err(Duration::from_secs_f64((1.0 - tokens) / self.rate))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_burst_is_allowed_then_the_rate_applies() {
        let bucket = TokenBucket::new(2.0, 3.0);
        for _ in 0..3 {
            assert!(bucket.try_take().is_ok());
        }
        let wait = bucket.try_take().unwrap_err();
        assert_eq!(wait, Duration::from_millis(500));
        tokio::time::advance(Duration::from_millis(250)).await;
        assert_eq!(bucket.try_take().unwrap_err(), Duration::from_millis(250));
        tokio::time::advance(Duration::from_millis(250)).await;
        assert!(bucket.try_take().is_ok());
        assert!(bucket.try_take().is_err());
        // Idle time refills up to the burst, not beyond.
        tokio::time::advance(Duration::from_secs(60)).await;
        for _ in 0..3 {
            assert!(bucket.try_take().is_ok());
        }
        assert!(bucket.try_take().is_err());
    }
}

//! Token buckets for Socket.IO handshakes, one per client IP address: a burst of reconnecting
//! clients (after another instance drained, or a network blip) is spread over time instead of
//! hitting PostgreSQL all at once, and one address cannot use up everyone's allowance. Refused
//! clients are told when a token will be free.
//!
//! Memory is bounded: buckets that have refilled are forgotten (they are indistinguishable from
//! new ones), and past [`MAX_KEYS`] addresses the oldest-refilling half is dropped.

use std::{collections::HashMap, hash::Hash, sync::Mutex, time::Duration};

use tokio::time::Instant;

/// Most addresses remembered at once.
pub const MAX_KEYS: usize = 100_000;

pub struct KeyedBuckets<K> {
    /// Tokens added per second.
    rate: f64,
    /// Most tokens a bucket holds.
    burst: f64,
    buckets: Mutex<HashMap<K, (f64, Instant)>>,
}

impl<K: Hash + Eq + Clone> KeyedBuckets<K> {
    /// Buckets that start full. A non-positive rate or burst is treated as the smallest usable
    /// value.
    pub fn new(rate: f64, burst: f64) -> Self {
        Self {
            rate: rate.max(f64::MIN_POSITIVE),
            burst: burst.max(1.0),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn refilled(&self, (tokens, last): (f64, Instant), now: Instant) -> f64 {
        (tokens + now.duration_since(last).as_secs_f64() * self.rate).min(self.burst)
    }

    fn with_bucket<T>(&self, key: &K, f: impl FnOnce(&mut f64) -> T) -> T {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        if buckets.len() >= MAX_KEYS && !buckets.contains_key(key) {
            self.evict(&mut buckets, now);
        }
        let entry = buckets.entry(key.clone()).or_insert((self.burst, now));
        let mut tokens = self.refilled(*entry, now);
        let result = f(&mut tokens);
        *entry = (tokens, now);
        result
    }

    /// Takes a token of `key`, or says how long until one is available.
    pub fn try_take(&self, key: &K) -> Result<(), Duration> {
        self.has_token(key, true)
    }

    /// Whether `key` has a token, without taking it; if not, how long until it has one.
    pub fn check(&self, key: &K) -> Result<(), Duration> {
        self.has_token(key, false)
    }

    fn has_token(&self, key: &K, take: bool) -> Result<(), Duration> {
        let rate = self.rate;
        self.with_bucket(key, |tokens| {
            if *tokens < 1.0 {
                return Err(Duration::from_secs_f64((1.0 - *tokens) / rate));
            }
            if take {
                *tokens -= 1.0;
            }
            Ok(())
        })
    }

    /// Forgets buckets that have refilled; the sweeper calls this.
    pub fn prune(&self) {
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = Instant::now();
        buckets.retain(|_, bucket| self.refilled(*bucket, now) < self.burst);
    }

    /// Keys remembered now.
    pub fn len(&self) -> usize {
        self.buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn evict(&self, buckets: &mut HashMap<K, (f64, Instant)>, now: Instant) {
        buckets.retain(|_, bucket| self.refilled(*bucket, now) < self.burst);
        if buckets.len() >= MAX_KEYS / 2 {
            // Under a flood of distinct addresses: keep the emptiest half, which are the ones
            // being limited.
            let mut levels: Vec<f64> = buckets.values().map(|b| self.refilled(*b, now)).collect();
            levels.sort_by(f64::total_cmp);
            let cut = levels[levels.len() / 2];
            buckets.retain(|_, bucket| self.refilled(*bucket, now) < cut);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_burst_is_allowed_then_the_rate_applies() {
        let buckets = KeyedBuckets::new(2.0, 3.0);
        let key = "a";
        for _ in 0..3 {
            assert!(buckets.try_take(&key).is_ok());
        }
        let wait = buckets.try_take(&key).unwrap_err();
        assert_eq!(wait, Duration::from_millis(500));
        tokio::time::advance(Duration::from_millis(250)).await;
        assert_eq!(buckets.check(&key).unwrap_err(), Duration::from_millis(250));
        tokio::time::advance(Duration::from_millis(250)).await;
        assert!(buckets.check(&key).is_ok());
        assert!(buckets.try_take(&key).is_ok());
        assert!(buckets.try_take(&key).is_err());
        // Idle time refills up to the burst, not beyond.
        tokio::time::advance(Duration::from_secs(60)).await;
        for _ in 0..3 {
            assert!(buckets.try_take(&key).is_ok());
        }
        assert!(buckets.try_take(&key).is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn keys_are_separate_and_refilled_ones_are_forgotten() {
        let buckets = KeyedBuckets::new(1.0, 2.0);
        for _ in 0..2 {
            assert!(buckets.try_take(&1).is_ok());
        }
        assert!(buckets.try_take(&1).is_err());
        assert!(buckets.try_take(&2).is_ok());
        assert_eq!(buckets.len(), 2);
        tokio::time::advance(Duration::from_secs(1)).await;
        buckets.prune();
        // Key 2 has refilled; key 1 still lacks a token.
        assert_eq!(buckets.len(), 1);
        tokio::time::advance(Duration::from_secs(1)).await;
        buckets.prune();
        assert!(buckets.is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn memory_stays_bounded_under_a_flood_of_addresses() {
        let buckets = KeyedBuckets::new(0.001, 1.0);
        for key in 0..(MAX_KEYS + 10) {
            let _ = buckets.try_take(&key);
        }
        assert!(buckets.len() <= MAX_KEYS);
    }
}

//! The periodic work every instance does, so that no battle depends on the instance that
//! created it: start countdowns that are over, end battles past `ends_at` as draws, forfeit
//! players whose reconnect grace ran out, pair waiting players whose rating windows widened,
//! and expire challenges past their time. Every step is a conditional write, so instances
//! sweeping at the same time do each thing once. Each pass also forgets the rate-limit state
//! of clients whose allowances have refilled, so that it stays bounded.

use crate::{
    AppState,
    battles::{expire_challenges, lifecycle},
    matchmaking, presence,
    state::Io,
};

/// Sweeps every `JOUST_SWEEP_INTERVAL_MS` until the process stops.
pub async fn run(state: AppState, io: Io) {
    let mut interval = tokio::time::interval(state.sweep_interval);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        sweep_once(&state, &io).await;
    }
}

/// One pass; failures are logged and retried on the next pass.
pub async fn sweep_once(state: &AppState, io: &Io) {
    if let Err(e) = lifecycle::start_due(state).await {
        tracing::warn!(error = format!("{e:#}"), "starting due battles failed");
    }
    if let Err(e) = lifecycle::finish_overdue(state).await {
        tracing::warn!(error = format!("{e:#}"), "finishing overdue battles failed");
    }
    if let Err(e) = matchmaking::sweep(state, io).await {
        tracing::warn!(error = format!("{e:#}"), "pairing waiting players failed");
    }
    match expire_challenges(state).await {
        Ok(0) => {}
        Ok(n) => tracing::debug!(challenges = n, "challenges expired"),
        Err(e) => tracing::warn!(error = format!("{e:#}"), "expiring challenges failed"),
    }
    state.limits.prune();
    state.handshakes.prune();
    state.handshake_failures.prune();
    if let Some(logins) = &state.guest_logins {
        logins.prune();
    }
    if let Some(buckets) = &state.auth_ips {
        buckets.prune();
    }
    if let Some(buckets) = &state.auth_handles {
        buckets.prune();
    }
    if let Err(e) = presence::grace::expire(state, io).await {
        tracing::warn!(
            error = format!("{e:#}"),
            "expiring reconnect grace periods failed"
        );
    }
}

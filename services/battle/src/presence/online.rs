//! Who is online across every instance, for the lobby: a count and a list of players with what
//! they are doing (idle, queued for a match, in a battle).
//!
//! One sorted set, `<prefix>presence`, scores each player by when an instance last saw them
//! connected (Redis server time, in milliseconds, so instances' clocks do not matter). Every
//! instance refreshes the players of its own sockets every `JOUST_PRESENCE_HEARTBEAT_MS`, adds a
//! player at once on connect and removes one whose last socket closed. A player counts as
//! online while seen within `JOUST_PRESENCE_TTL_MS`: the players of an instance that crashed (and
//! so stopped refreshing them) drop out within that time, unless another instance still holds a
//! socket of theirs and refreshes them. Each heartbeat also deletes entries past the TTL, so the
//! set holds only recent players.
//!
//! What an online player is doing is not kept here: the lobby (`lobby.rs`) reads it when asked.

use uuid::Uuid;

use crate::{AppState, auth::Player, error::ApiError, state::Io};

/// Players refreshed per Redis call.
const BEAT_CHUNK: usize = 1000;

/// Marks players seen now and deletes entries older than the TTL. KEYS[1]: the set; ARGV[1]:
/// the TTL in ms, ARGV[2..]: the players. Returns the server time used, in ms.
const BEAT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], now, ARGV[i])
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - tonumber(ARGV[1])))
return now
";

/// The players seen within the TTL: their count, and the `ARGV[2]` seen most recently.
/// KEYS[1]: the set; ARGV[1]: the TTL in ms.
const READ: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local min = now - tonumber(ARGV[1])
local count = redis.call('ZCOUNT', KEYS[1], min, '+inf')
local list = redis.call('ZRANGE', KEYS[1], '+inf', min, 'BYSCORE', 'REV', 'LIMIT', 0, tonumber(ARGV[2]))
return {count, list}
";

/// The sorted set of players by when they were last seen.
pub fn key(prefix: &str) -> String {
    format!("{prefix}presence")
}

/// Marks `users` as seen now (a heartbeat, or a connect).
pub async fn beat(state: &AppState, users: &[Uuid]) -> Result<(), ApiError> {
    let mut redis = state.redis.clone();
    let script = redis::Script::new(BEAT);
    let ttl = state.presence.ttl.as_millis() as u64;
    for chunk in users.chunks(BEAT_CHUNK) {
        let mut invocation = script.key(key(&state.redis_prefix));
        invocation.arg(ttl);
        for user in chunk {
            invocation.arg(user.to_string());
        }
        let _now: i64 = invocation.invoke_async(&mut redis).await?;
    }
    Ok(())
}

/// Forgets a player whose last socket, on every instance, has closed.
pub async fn gone(state: &AppState, user: Uuid) -> Result<(), ApiError> {
    let mut redis = state.redis.clone();
    let _: i64 = redis::cmd("ZREM")
        .arg(key(&state.redis_prefix))
        .arg(user.to_string())
        .query_async(&mut redis)
        .await?;
    Ok(())
}

/// The players of this instance's sockets, each once.
pub fn local_players(io: &Io) -> Vec<Uuid> {
    let mut users: Vec<Uuid> = io
        .local()
        .sockets()
        .iter()
        .filter_map(|socket| socket.extensions.get::<Player>().map(|p| p.id))
        .collect();
    users.sort_unstable();
    users.dedup();
    users
}

/// Refreshes the players `players()` names every `JOUST_PRESENCE_HEARTBEAT_MS` until the task
/// is dropped; the instance passes the players of its own sockets.
pub async fn run(state: AppState, players: impl Fn() -> Vec<Uuid>) {
    let mut interval = tokio::time::interval(state.presence.heartbeat);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        if let Err(e) = beat(&state, &players()).await {
            state.metrics.presence_failures.inc();
            tracing::warn!(error = format!("{e:#}"), "presence heartbeat failed");
        }
    }
}

/// The players seen within the TTL on any instance: how many, and the `limit` seen most
/// recently, newest first.
pub async fn seen(state: &AppState, limit: i64) -> Result<(i64, Vec<Uuid>), ApiError> {
    let mut redis = state.redis.clone();
    let (count, ids): (i64, Vec<String>) = redis::Script::new(READ)
        .key(key(&state.redis_prefix))
        .arg(state.presence.ttl.as_millis() as u64)
        .arg(limit)
        .invoke_async(&mut redis)
        .await?;
    Ok((
        count,
        ids.iter().filter_map(|s| Uuid::parse_str(s).ok()).collect(),
    ))
}

//! The matchmaking queue: players who ask for "any opponent" in a language wait in Redis, not in
//! process memory, so players connected to different instances are paired with each other.
//!
//! One sorted set per language holds the waiting players scored by rating, and one hash holds
//! each waiting player's entry (`<language> <rating> <deviation> <joined_ms>`). Pairing is a Lua
//! script, so it is atomic across instances: it takes the asking player and the closest-rated
//! waiting player within the asker's window out of the queue in one step, and no player can be
//! taken twice. The window starts at `JOUST_MATCH_WINDOW` rating points and widens by
//! `JOUST_MATCH_WINDOW_GROWTH` per second of waiting, up to `JOUST_MATCH_WINDOW_MAX`; on top of
//! that, a candidate pair's window grows by `JOUST_MATCH_DEVIATION_WEIGHT` times the larger of
//! the two Glicko-2 deviations, so players with uncertain (provisional) ratings are paired
//! sooner and further apart, and settled players closer. The sweeper retries every waiting
//! player, oldest first, so windows widen even when nobody joins.
//! A player's last socket closing removes the entry; the sweeper also drops entries of players
//! who have been gone longer than the reconnect grace period (their instance died).
//!
//! The battle of a pair is created through the pairing's lock and fencing token, like a
//! rematch. A pair whose battle cannot be created goes back to the queue, minus any player who
//! is in a battle by then.

use std::time::{SystemTime, UNIX_EPOCH};

use joust_common::Language;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    AppState,
    auth::Player,
    battles::creation::{self, BattleCreated},
    error::ApiError,
    presence,
    state::Io,
};

/// Adds a player unless already queued. Returns 0 when the player was queued already.
const JOIN: &str = r"
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3] .. ' ' .. ARGV[2] .. ' ' .. ARGV[5] .. ' ' .. ARGV[4])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return 1
";

/// Removes a player from the queue of the language recorded in the entry. The queue key is
/// built from `ARGV[2]`, which keeps the entry the only record of where the player waits.
const LEAVE: &str = r"
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if not entry then
  return 0
end
local language = string.match(entry, '^(%S+)')
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', ARGV[2] .. language, ARGV[1])
return 1
";

/// Pairs the asking player (`ARGV[1]`) with the closest-rated player (earliest joined on a tie)
/// within the pair's window: the asker's waiting window plus `ARGV[6]` times the larger of the
/// two deviations (`ARGV[7]` bounds waiting players' deviations, for the range searched). Takes
/// both out of the queue and returns `{opponent, asker's entry, opponent's entry}`, or nil when
/// the asker is not queued or nobody fits.
const PAIR: &str = r"
local entry = redis.call('HGET', KEYS[2], ARGV[1])
if not entry then
  return false
end
local _, rating, deviation, joined = string.match(entry, '^(%S+) (%S+) (%S+) (%S+)$')
rating = tonumber(rating)
deviation = tonumber(deviation)
local waited = math.max(0, tonumber(ARGV[2]) - tonumber(joined)) / 1000
local window = math.min(tonumber(ARGV[3]) + tonumber(ARGV[4]) * waited, tonumber(ARGV[5]))
local weight = tonumber(ARGV[6])
local reach = window + weight * math.max(deviation, tonumber(ARGV[7]))
local candidates = redis.call('ZRANGEBYSCORE', KEYS[1], rating - reach, rating + reach, 'WITHSCORES')
local best, best_entry, best_gap, best_joined
for i = 1, #candidates, 2 do
  local other = candidates[i]
  if other ~= ARGV[1] then
    local other_entry = redis.call('HGET', KEYS[2], other)
    if other_entry then
      local gap = math.abs(tonumber(candidates[i + 1]) - rating)
      local other_deviation = tonumber(string.match(other_entry, '^%S+ %S+ (%S+)'))
      local other_joined = tonumber(string.match(other_entry, '(%S+)$'))
      local fits = gap <= window + weight * math.max(deviation, other_deviation)
      if fits and (not best or gap < best_gap or (gap == best_gap and other_joined < best_joined)) then
        best, best_entry, best_gap, best_joined = other, other_entry, gap, other_joined
      end
    end
  end
end
if not best then
  return false
end
redis.call('ZREM', KEYS[1], ARGV[1], best)
redis.call('HDEL', KEYS[2], ARGV[1], best)
return {best, entry, best_entry}
";

/// The largest deviation a waiting player is searched with: Glicko-2 deviations start at 350
/// and only grow past it through volatility, which rarely happens.
const MAX_DEVIATION: f64 = 500.0;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Join {
    pub language: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leave {}

/// The ack of `matchmaking:join`.
#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Joined {
    /// Waiting; `battle.created` arrives once an opponent is found.
    Queued { rating: i32 },
    /// An opponent was waiting: the battle exists already.
    Matched { rating: i32, battle_id: Uuid },
}

#[derive(Debug, Serialize)]
pub struct Left {}

/// The hash of waiting players' entries.
pub fn entries_key(prefix: &str) -> String {
    format!("{prefix}matchmaking:entries")
}

fn queue_prefix(prefix: &str) -> String {
    format!("{prefix}matchmaking:queue:")
}

/// The sorted set of the players waiting for an opponent in `language`.
pub fn queue_key(prefix: &str, language: &str) -> String {
    format!("{}{language}", queue_prefix(prefix))
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A queue entry, as stored: `<language> <rating> <deviation> <joined_ms>`.
#[derive(Debug, Clone)]
struct Entry {
    language: String,
    rating: i64,
    /// The Glicko-2 deviation, whole points.
    deviation: i64,
    joined_ms: i64,
}

impl Entry {
    fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split(' ');
        let entry = Entry {
            language: parts.next()?.to_owned(),
            rating: parts.next()?.parse().ok()?,
            deviation: parts.next()?.parse().ok()?,
            joined_ms: parts.next()?.parse().ok()?,
        };
        parts.next().is_none().then_some(entry)
    }
}

/// Whether `user` plays an unfinished battle.
async fn in_battle(state: &AppState, user: Uuid) -> Result<bool, ApiError> {
    let mut conn = state.pool.acquire().await?;
    creation::any_in_battle(&mut conn, &[user]).await
}

/// Puts a player in the queue with `entry`; `false` when already queued.
async fn enqueue(state: &AppState, user: Uuid, entry: &Entry) -> Result<bool, ApiError> {
    let mut redis = state.redis.clone();
    let added: i64 = redis::Script::new(JOIN)
        .key(queue_key(&state.redis_prefix, &entry.language))
        .key(entries_key(&state.redis_prefix))
        .arg(user.to_string())
        .arg(entry.rating)
        .arg(&entry.language)
        .arg(entry.joined_ms)
        .arg(entry.deviation)
        .invoke_async(&mut redis)
        .await?;
    Ok(added == 1)
}

/// Waits for an opponent in a language, or plays the closest-rated one already waiting.
pub async fn join(state: AppState, player: Player, req: Join) -> Result<Joined, ApiError> {
    let language = Language::parse(&req.language).ok_or_else(|| {
        ApiError::InvalidPayload(format!(
            "language must be one of {}",
            Language::ALL.map(Language::as_str).join(", ")
        ))
    })?;
    if in_battle(&state, player.id).await? {
        return Err(ApiError::AlreadyInBattle);
    }
    let user = sqlx::query!(
        "SELECT rating, rating_deviation FROM users WHERE id = $1",
        player.id
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or(ApiError::Unauthorized)?;
    let rating = user.rating;
    let entry = Entry {
        language: language.as_str().to_owned(),
        rating: rating.into(),
        deviation: user.rating_deviation.round() as i64,
        joined_ms: now_ms(),
    };
    if !enqueue(&state, player.id, &entry).await? {
        return Err(ApiError::AlreadyQueued);
    }
    match try_pair(&state, player.id, &entry.language, now_ms()).await? {
        Some(battle) => Ok(Joined::Matched {
            rating,
            battle_id: battle.battle_id,
        }),
        None => Ok(Joined::Queued { rating }),
    }
}

/// Stops waiting for an opponent.
pub async fn leave(state: AppState, player: Player, _req: Leave) -> Result<Left, ApiError> {
    if remove(&state, player.id).await? {
        Ok(Left {})
    } else {
        Err(ApiError::NotQueued)
    }
}

/// Takes a player out of the queue, if queued (e.g. when their last socket closes).
pub async fn remove(state: &AppState, user: Uuid) -> Result<bool, ApiError> {
    let mut redis = state.redis.clone();
    let removed: i64 = redis::Script::new(LEAVE)
        .key(entries_key(&state.redis_prefix))
        .arg(user.to_string())
        .arg(queue_prefix(&state.redis_prefix))
        .invoke_async(&mut redis)
        .await?;
    Ok(removed == 1)
}

/// Pairs `user`, if still queued, with the closest-rated player within its window at `now_ms`,
/// and creates their battle. `None` when nobody fits (or the battle could not be created, in
/// which case the idle players are back in the queue).
pub async fn try_pair(
    state: &AppState,
    user: Uuid,
    language: &str,
    now_ms: i64,
) -> Result<Option<BattleCreated>, ApiError> {
    let settings = &state.matchmaking;
    let mut redis = state.redis.clone();
    let paired: Option<(String, String, String)> = redis::Script::new(PAIR)
        .key(queue_key(&state.redis_prefix, language))
        .key(entries_key(&state.redis_prefix))
        .arg(user.to_string())
        .arg(now_ms)
        .arg(settings.window)
        .arg(settings.growth_per_sec)
        .arg(settings.max_window)
        .arg(settings.deviation_weight)
        .arg(MAX_DEVIATION)
        .invoke_async(&mut redis)
        .await?;
    let Some((opponent, own_entry, opponent_entry)) = paired else {
        return Ok(None);
    };
    let opponent = Uuid::parse_str(&opponent)
        .map_err(|e| ApiError::Internal(anyhow::Error::new(e).context("queued player id")))?;
    match creation::create_matched(state, [opponent, user]).await {
        Ok(battle) => {
            tracing::info!(battle.id = %battle.battle_id, "matchmaking paired two players");
            Ok(Some(battle))
        }
        Err(e) => {
            tracing::warn!(error = %e, "creating a matched battle failed; requeueing the pair");
            for (id, text) in [(user, own_entry), (opponent, opponent_entry)] {
                if let Some(entry) = Entry::parse(&text)
                    && !in_battle(state, id).await?
                {
                    enqueue(state, id, &entry).await?;
                }
            }
            match e {
                // A player's own state changed under us; for the asker it is a final answer.
                ApiError::AlreadyInBattle => Err(e),
                _ => Ok(None),
            }
        }
    }
}

/// Tries to pair every waiting player, oldest first, at `now_ms`: windows widen with waiting
/// time, so a pair that did not fit when its players joined may fit now. Returns how many
/// battles it created.
pub async fn pair_waiting(state: &AppState, now_ms: i64) -> Result<usize, ApiError> {
    let mut redis = state.redis.clone();
    let waiting: Vec<(String, String)> = redis::cmd("HGETALL")
        .arg(entries_key(&state.redis_prefix))
        .query_async(&mut redis)
        .await?;
    let mut waiting: Vec<(Uuid, Entry)> = waiting
        .into_iter()
        .filter_map(|(id, text)| Some((Uuid::parse_str(&id).ok()?, Entry::parse(&text)?)))
        .collect();
    waiting.sort_by_key(|(_, entry)| entry.joined_ms);
    let mut created = 0;
    for (user, entry) in waiting.iter().take(500) {
        match try_pair(state, *user, &entry.language, now_ms).await {
            Ok(Some(_)) => created += 1,
            Ok(None) => {}
            Err(e) => tracing::debug!(error = %e, "pairing a waiting player failed"),
        }
    }
    Ok(created)
}

/// The sweeper's pass: drops the entries of players who are gone, then pairs waiting players
/// at the current time.
pub async fn sweep(state: &AppState, io: &Io) -> Result<usize, ApiError> {
    drop_absent(state, io).await?;
    pair_waiting(state, now_ms()).await
}

/// Removes the entries of players who have waited longer than the reconnect grace period and
/// have no socket on any instance. A clean disconnect removes the entry at once; this covers
/// players whose instance died, who would otherwise be matched into battles they never see.
async fn drop_absent(state: &AppState, io: &Io) -> Result<(), ApiError> {
    let mut redis = state.redis.clone();
    let waiting: Vec<(String, String)> = redis::cmd("HGETALL")
        .arg(entries_key(&state.redis_prefix))
        .query_async(&mut redis)
        .await?;
    let cutoff = now_ms() - state.reconnect_grace.as_millis() as i64;
    for (id, text) in waiting {
        let (Ok(user), Some(entry)) = (Uuid::parse_str(&id), Entry::parse(&text)) else {
            continue;
        };
        if entry.joined_ms > cutoff {
            continue;
        }
        // Fallback: connected, so that a player who may be there keeps the entry.
        let gone = presence::sockets_of(io, user)
            .await
            .is_ok_and(|s| s.is_empty());
        if gone && remove(state, user).await? {
            tracing::info!(user.id = %user, "dropped a queued player who is no longer connected");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_round_trip() {
        let entry = Entry::parse("python 1250 80 1764000000000").unwrap();
        assert_eq!(entry.language, "python");
        assert_eq!(entry.rating, 1250);
        assert_eq!(entry.deviation, 80);
        assert_eq!(entry.joined_ms, 1_764_000_000_000);
        assert!(Entry::parse("python 1250 80").is_none());
        assert!(Entry::parse("python x 80 1").is_none());
        assert!(Entry::parse("python 1 2 3 4").is_none());
    }
}

//! Seats of disconnected players. A player whose last socket goes away keeps the seat in each
//! active battle for the reconnect grace period; the opponent is told (`player.disconnected`),
//! and told again when the player is back (`player.reconnected`). A player who does not come
//! back in time forfeits.
//!
//! The deadlines live in a Redis sorted set (member `<battle_id>:<user_id>`, score the deadline
//! in Unix milliseconds) that every instance's sweeper polls, so a grace period outlives the
//! instance that started it. Removing a member is the claim: whichever of the reconnect or the
//! sweeper removes it acts on it, once. The forfeit itself is a conditional update, so it
//! happens once even if two claims raced.

use std::time::{SystemTime, UNIX_EPOCH};

use joust_common::domain::{self, BattleEvent, BattleStatus, EventKind, ForfeitReason};
use serde_json::json;
use uuid::Uuid;

use crate::{AppState, battles::lifecycle, error::ApiError, state::Io};

/// Removes a member only while it is due: a reconnect may have removed it, or a new
/// disconnect pushed its deadline back, since the sweeper listed it.
const CLAIM_DUE: &str = r"
local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
if deadline and tonumber(deadline) <= tonumber(ARGV[2]) then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
";

/// The sorted set of grace deadlines.
pub fn grace_key(prefix: &str) -> String {
    format!("{prefix}reconnect-grace")
}

/// The battles in which one user's seat is held: an index of the sorted set by user, so that
/// a connecting player with no held seat (nearly all of them) costs one Redis read and no
/// database query. It may name a battle whose grace already ended; the sorted set decides.
fn held_seats_key(prefix: &str, user: Uuid) -> String {
    format!("{prefix}reconnect-grace:{user}")
}

fn member(battle_id: Uuid, user: Uuid) -> String {
    format!("{battle_id}:{user}")
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// Unfinished battles of `user`, with both players.
async fn active_battles(state: &AppState, user: Uuid) -> Result<Vec<(Uuid, [Uuid; 2])>, ApiError> {
    let rows = sqlx::query!(
        "SELECT id, player_a, player_b FROM battles
         WHERE status <> $2 AND (player_a = $1 OR player_b = $1)",
        user,
        BattleStatus::Finished.as_str(),
    )
    .fetch_all(&state.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.id, [row.player_a, row.player_b]))
        .collect())
}

/// Appends a presence event to a battle that is still on; `None` once it finished.
async fn append_if_active(
    state: &AppState,
    battle_id: Uuid,
    kind: EventKind,
    data: serde_json::Value,
) -> Result<Option<BattleEvent>, ApiError> {
    let mut tx = state.pool.begin().await?;
    let status = sqlx::query_scalar!(
        r#"SELECT status AS "status: BattleStatus" FROM battles WHERE id = $1 FOR UPDATE"#,
        battle_id,
    )
    .fetch_optional(&mut *tx)
    .await?;
    if status.is_none_or(|s| s == BattleStatus::Finished) {
        return Ok(None);
    }
    let event = domain::events::append(&mut tx, battle_id, kind, data).await?;
    tx.commit().await?;
    Ok(Some(event))
}

/// Whether a reconnect grace period holds `user`'s seat in the battle now (the player was
/// there and left less than the grace period ago).
pub async fn seat_held(state: &AppState, battle_id: Uuid, user: Uuid) -> Result<bool, ApiError> {
    let mut redis = state.redis.clone();
    let deadline: Option<f64> = redis::cmd("ZSCORE")
        .arg(grace_key(&state.redis_prefix))
        .arg(member(battle_id, user))
        .query_async(&mut redis)
        .await?;
    Ok(deadline.is_some())
}

/// The player's last socket went away: start a grace period in each active battle.
pub async fn disconnected(state: &AppState, user: Uuid) -> Result<(), ApiError> {
    let grace_ms = state.reconnect_grace.as_millis() as i64;
    let key = grace_key(&state.redis_prefix);
    for (battle_id, players) in active_battles(state, user).await? {
        let mut redis = state.redis.clone();
        let held = held_seats_key(&state.redis_prefix, user);
        let (added,): (i64,) = redis::pipe()
            .atomic()
            .cmd("ZADD")
            .arg(&key)
            .arg(now_ms() + grace_ms)
            .arg(member(battle_id, user))
            .cmd("SADD")
            .arg(&held)
            .arg(battle_id.to_string())
            .ignore()
            // Outlives the grace period, so the index never forgets a seat still held.
            .cmd("PEXPIRE")
            .arg(&held)
            .arg(grace_ms.saturating_mul(2) + 60_000)
            .ignore()
            .query_async(&mut redis)
            .await?;
        // A deadline that was already running was only pushed back: the opponent knows.
        if added == 0 {
            continue;
        }
        let data = json!({ "user_id": user, "grace_ms": grace_ms });
        if let Some(event) =
            append_if_active(state, battle_id, EventKind::PlayerDisconnected, data).await?
        {
            state.publish(&players, &[event]).await;
        }
    }
    Ok(())
}

/// The player has a socket again: end its grace periods.
pub async fn connected(state: &AppState, user: Uuid) -> Result<(), ApiError> {
    let key = grace_key(&state.redis_prefix);
    let held = held_seats_key(&state.redis_prefix, user);
    let mut redis = state.redis.clone();
    let held_battles: Vec<String> = redis::cmd("SMEMBERS")
        .arg(&held)
        .query_async(&mut redis)
        .await?;
    if held_battles.is_empty() {
        return Ok(());
    }
    let mut came_back = false;
    for (battle_id, players) in active_battles(state, user).await? {
        if !held_battles.contains(&battle_id.to_string()) {
            continue;
        }
        let (removed,): (i64,) = redis::pipe()
            .cmd("ZREM")
            .arg(&key)
            .arg(member(battle_id, user))
            .cmd("SREM")
            .arg(&held)
            .arg(battle_id.to_string())
            .ignore()
            .query_async(&mut redis)
            .await?;
        if removed == 1 {
            came_back = true;
            reconnected(state, battle_id, user, &players).await?;
        }
    }
    if came_back {
        state.metrics.reconnects.inc();
    }
    Ok(())
}

async fn reconnected(
    state: &AppState,
    battle_id: Uuid,
    user: Uuid,
    players: &[Uuid],
) -> Result<(), ApiError> {
    let data = json!({ "user_id": user });
    if let Some(event) =
        append_if_active(state, battle_id, EventKind::PlayerReconnected, data).await?
    {
        state.publish(players, &[event]).await;
    }
    Ok(())
}

/// Forfeits the battles of players whose grace period ran out. Returns how many it forfeited.
pub async fn expire(state: &AppState, io: &Io) -> Result<usize, ApiError> {
    let key = grace_key(&state.redis_prefix);
    let mut redis = state.redis.clone();
    let now = now_ms();
    let due: Vec<String> = redis::cmd("ZRANGEBYSCORE")
        .arg(&key)
        .arg("-inf")
        .arg(now)
        .arg("LIMIT")
        .arg(0)
        .arg(100)
        .query_async(&mut redis)
        .await?;
    let mut forfeited = 0;
    for entry in due {
        let claimed: i64 = redis::Script::new(CLAIM_DUE)
            .key(&key)
            .arg(&entry)
            .arg(now)
            .invoke_async(&mut redis)
            .await?;
        if claimed == 0 {
            continue;
        }
        let Some((battle_id, user)) = entry
            .split_once(':')
            .and_then(|(b, u)| Some((Uuid::parse_str(b).ok()?, Uuid::parse_str(u).ok()?)))
        else {
            tracing::warn!(entry, "malformed reconnect grace entry dropped");
            continue;
        };
        // A disconnect noticed late (after a ping timeout) can start a grace period for a
        // player who already reconnected elsewhere. Fallback: not connected (the seat is lost).
        let connected = super::sockets_of(io, user)
            .await
            .is_ok_and(|s| !s.is_empty());
        if connected {
            let players = sqlx::query!(
                "SELECT player_a, player_b FROM battles WHERE id = $1",
                battle_id,
            )
            .fetch_optional(&state.pool)
            .await?;
            if let Some(p) = players {
                reconnected(state, battle_id, user, &[p.player_a, p.player_b]).await?;
            }
            continue;
        }
        if lifecycle::forfeit(state, battle_id, user, ForfeitReason::Disconnected)
            .await?
            .is_some()
        {
            forfeited += 1;
        }
    }
    Ok(forfeited)
}

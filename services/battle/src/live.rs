//! Spectators, chat and opponent progress: traffic that is delivered live and never persisted.
//!
//! Spectators join the battle's room and receive its battle events like the players (the relay
//! emits to the players' rooms and the battle room). Chat and progress are published on their
//! own Redis channel and emitted by every instance to its local sockets, like battle events,
//! but they are not in the event log: a client that misses them does not get them back. Chat
//! keeps its order (one channel, published in order) and is dropped, oldest first, only for a
//! socket that cannot keep up; progress is best effort and is dropped before chat (see
//! `outbox`).

use chrono::{DateTime, Utc};
use joust_common::domain::BattleStatus;
use serde::{Deserialize, Serialize};
use serde_json::json;
use socketioxide::extract::SocketRef;
use uuid::Uuid;

use crate::{
    AppState, auth::Player, battles::Resumed, error::ApiError, outbox::Priority, state::Adapter,
};

/// Longest chat message, in characters.
pub const MAX_CHAT_CHARS: usize = 500;

/// The Redis channel of live (unlogged) battle traffic.
pub fn channel(prefix: &str) -> String {
    format!("{prefix}battle-live")
}

/// How much a live event matters to a socket that cannot keep up (see `outbox`): chat is kept
/// before progress and typing.
pub fn priority(event: &str) -> Priority {
    match event {
        "chat:message" => Priority::Normal,
        _ => Priority::BestEffort,
    }
}

/// Room of the sockets spectating a battle, on this instance.
pub fn battle_room(battle_id: Uuid) -> String {
    format!("battle:{battle_id}")
}

/// What travels on the live channel.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LiveMessage {
    pub battle_id: Uuid,
    pub players: Vec<Uuid>,
    /// Socket event name: `chat:message` or `battle:progress`.
    pub event: String,
    /// A user whose sockets do not get it (the sender of progress).
    #[serde(default)]
    pub except: Option<Uuid>,
    pub data: serde_json::Value,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spectate {
    pub battle_id: Uuid,
    /// Events after this one are returned; 0 for the whole log.
    #[serde(default)]
    pub last_seq: i64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatSend {
    pub battle_id: Uuid,
    pub text: String,
}

#[derive(Debug, Serialize)]
pub struct ChatSent {
    pub at: DateTime<Utc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub battle_id: Uuid,
    /// Whether the player is typing.
    #[serde(default)]
    pub typing: Option<bool>,
    /// Sample tests passed in the player's own runs, out of `total_tests`.
    #[serde(default)]
    pub passed_tests: Option<u32>,
    #[serde(default)]
    pub total_tests: Option<u32>,
}

#[derive(Debug, Serialize)]
pub struct Nothing {}

/// Watches a battle: joins its room and returns its log so far. Anyone may watch; watching
/// never changes the battle.
pub async fn spectate(
    state: AppState,
    _player: Player,
    socket: SocketRef<Adapter>,
    req: Spectate,
) -> Result<Resumed, ApiError> {
    if req.last_seq < 0 {
        return Err(ApiError::InvalidPayload(
            "last_seq must not be negative".into(),
        ));
    }
    state
        .snapshots
        .load(req.battle_id)
        .await?
        .ok_or(ApiError::BattleNotFound)?;
    // Join before reading the log, so that an event committed in between is not missed (it
    // may arrive twice; clients skip seqs they have).
    socket.join(battle_room(req.battle_id));
    let mut conn = state.pool.acquire().await?;
    let events =
        joust_common::domain::events::since(&mut conn, req.battle_id, req.last_seq).await?;
    Ok(Resumed { events })
}

/// The battle's players, if `player` is one of them and the battle is not over (from the
/// battle's snapshot: these are the hottest paths).
async fn players_of(
    state: &AppState,
    player: &Player,
    battle_id: Uuid,
) -> Result<Vec<Uuid>, ApiError> {
    let snapshot = state
        .snapshots
        .load(battle_id)
        .await?
        .ok_or(ApiError::BattleNotFound)?;
    let players = snapshot.player_ids();
    if !players.contains(&player.id) {
        return Err(ApiError::NotAParticipant);
    }
    if snapshot.status == BattleStatus::Finished {
        return Err(ApiError::BattleFinished);
    }
    Ok(players)
}

/// A chat line from a player to the opponent and the spectators.
pub async fn chat_send(
    state: AppState,
    player: Player,
    req: ChatSend,
) -> Result<ChatSent, ApiError> {
    let text = req.text.trim();
    if text.is_empty()
        || text.chars().count() > MAX_CHAT_CHARS
        || text.chars().any(|c| c.is_control() && c != '\n')
    {
        return Err(ApiError::InvalidPayload(format!(
            "text must be 1 to {MAX_CHAT_CHARS} printable characters"
        )));
    }
    let players = players_of(&state, &player, req.battle_id).await?;
    let at = Utc::now();
    publish(
        &state,
        LiveMessage {
            battle_id: req.battle_id,
            players,
            event: "chat:message".into(),
            except: None,
            data: json!({
                "battle_id": req.battle_id,
                "user_id": player.id,
                "name": player.name,
                "text": text,
                "at": at,
            }),
        },
    )
    .await?;
    Ok(ChatSent { at })
}

/// Best-effort progress of a player (typing, own test runs) for the opponent and spectators.
pub async fn progress(state: AppState, player: Player, req: Progress) -> Result<Nothing, ApiError> {
    match (req.passed_tests, req.total_tests) {
        (None, None) if req.typing.is_none() => {
            return Err(ApiError::InvalidPayload(
                "give typing or passed_tests and total_tests".into(),
            ));
        }
        (Some(passed), Some(total)) if passed > total || total > 1000 => {
            return Err(ApiError::InvalidPayload(
                "passed_tests must be at most total_tests (at most 1000)".into(),
            ));
        }
        (Some(_), None) | (None, Some(_)) => {
            return Err(ApiError::InvalidPayload(
                "passed_tests and total_tests go together".into(),
            ));
        }
        _ => {}
    }
    let players = players_of(&state, &player, req.battle_id).await?;
    publish(
        &state,
        LiveMessage {
            battle_id: req.battle_id,
            players,
            event: "battle:progress".into(),
            except: Some(player.id),
            data: json!({
                "battle_id": req.battle_id,
                "user_id": player.id,
                "typing": req.typing,
                "passed_tests": req.passed_tests,
                "total_tests": req.total_tests,
            }),
        },
    )
    .await?;
    Ok(Nothing {})
}

async fn publish(state: &AppState, message: LiveMessage) -> Result<(), ApiError> {
    let payload = serde_json::to_string(&message).expect("live messages serialize");
    let mut redis = state.redis.clone();
    redis::cmd("PUBLISH")
        .arg(channel(&state.redis_prefix))
        .arg(payload)
        .query_async::<i64>(&mut redis)
        .await?;
    Ok(())
}

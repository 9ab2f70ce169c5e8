//! Spectators, chat and opponent progress: traffic that is delivered live and never persisted.
//! Spectators join the battle's room and get its battle events like the players. Chat and
//! progress go on their own Redis channel and every instance emits them to its local sockets,
//! but they are not in the event log: a client that misses them does not get them back.
//!
//! Chat keeps its acceptance order within a battle, across instances: one Lua script numbers a
//! line and publishes it atomically, so the channel carries each battle's lines in `seq` order,
//! which every relay and outbox keep; a socket's own lines are numbered in sending order (see
//! `order`). Chat is dropped, oldest first, only for a socket that cannot keep up (a gap in
//! `seq`); progress is best effort and is dropped before chat (see `outbox`).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};
use joust_common::domain::BattleStatus;
use serde::{Deserialize, Serialize};
use serde_json::json;
use socketioxide::extract::SocketRef;
use uuid::Uuid;

use crate::{
    AppState, auth::Player, battles::Resumed, error::ApiError, outbox::Priority, state::Adapter,
    text::ChatText,
};

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
    /// The line's place in the battle's chat, as its `chat:message` carries it.
    pub seq: i64,
}

/// How long a battle's chat sequence is kept after its last line (longer than any battle).
const CHAT_SEQ_TTL_SECS: u64 = 86_400;

/// Numbers a chat line and publishes it atomically. KEYS: chat sequence, live channel; ARGV: the
/// message spliced around its `data.seq` (not re-encoded: cheaper), the TTL. Returns 0, the
/// number given back, when no relay was subscribed (a fresh Redis): the line is then refused.
const PUBLISH_CHAT: &str = r#"
local seq = redis.call('INCR', KEYS[1])
if redis.call('PUBLISH', KEYS[2], ARGV[1] .. seq .. ARGV[2]) == 0 then
  redis.call('DECR', KEYS[1]) return 0
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
return seq
"#;

/// Retry hint for an unrelayed chat line: relays resubscribe half a second after losing Redis.
const UNRELAYED_RETRY_MS: u64 = 500;

/// Stands in for `data.seq` in a serialized chat line until the script numbers it. The quotes
/// of any string a player writes are escaped, so `"seq":` followed by the marker occurs only
/// where the key is.
const SEQ_MARKER: &str = "\0seq";

/// The serialized chat line split around its `data.seq` value.
fn split_at_seq(message: &LiveMessage) -> (String, String) {
    let payload = serde_json::to_string(message).expect("live messages serialize");
    // The key with its value: a name or text equal to the marker follows another key.
    let key = "\"seq\":";
    let marker = serde_json::to_string(SEQ_MARKER).expect("strings serialize");
    let at = payload
        .find(&format!("{key}{marker}"))
        .expect("the chat line carries the seq marker")
        + key.len();
    (
        payload[..at].to_owned(),
        payload[at + marker.len()..].to_owned(),
    )
}

/// The script, hashed once: `Script::new` hashes its source on every call.
static PUBLISH_CHAT_SCRIPT: std::sync::LazyLock<redis::Script> =
    std::sync::LazyLock::new(|| redis::Script::new(PUBLISH_CHAT));

/// The Redis key of a battle's chat sequence.
fn chat_seq_key(prefix: &str, battle_id: Uuid) -> String {
    format!("{prefix}chat-seq:{battle_id}")
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

/// How long a socket trusts what it learned about a battle before reading the snapshot again.
/// The relay marks a seat finished as the battle's end passes through it; this bounds how long
/// a seat stays open when that message was missed (the subscription was down).
const SEAT_FRESH: Duration = Duration::from_secs(5);
/// Battles a socket remembers; more are forgotten all at once (a player has one or two).
const SEATS_KEPT: usize = 16;

/// What a socket knows about the battles it sent chat or progress to: their players, and
/// whether they ended. Spares the hottest paths a Redis read (and the decoding of the whole
/// snapshot) per line.
#[derive(Default)]
pub struct Seats {
    battles: Mutex<HashMap<Uuid, Seat>>,
}

struct Seat {
    players: Arc<[Uuid]>,
    finished: bool,
    checked: Instant,
}

impl Seats {
    fn battles(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, Seat>> {
        self.battles
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The battle's players and whether it ended, if known recently.
    fn fresh(&self, battle_id: Uuid) -> Option<(Arc<[Uuid]>, bool)> {
        let battles = self.battles();
        let seat = battles.get(&battle_id)?;
        (seat.checked.elapsed() < SEAT_FRESH).then(|| (seat.players.clone(), seat.finished))
    }

    fn remember(&self, battle_id: Uuid, players: Arc<[Uuid]>, finished: bool) {
        let mut battles = self.battles();
        if battles.len() >= SEATS_KEPT {
            battles.clear();
        }
        let checked = Instant::now();
        battles.insert(
            battle_id,
            Seat {
                players,
                finished,
                checked,
            },
        );
    }

    /// The battle ended (the relay saw its `battle.finished`).
    pub fn finish(&self, battle_id: Uuid) {
        if let Some(seat) = self.battles().get_mut(&battle_id) {
            seat.finished = true;
        }
    }
}

/// The battle's players, if `player` is one of them and the battle is not over: from what the
/// socket knows, else from the battle's snapshot (these are the hottest paths).
async fn players_of(
    state: &AppState,
    player: &Player,
    socket: &SocketRef<Adapter>,
    battle_id: Uuid,
) -> Result<Arc<[Uuid]>, ApiError> {
    let seats = socket.extensions.get::<Arc<Seats>>();
    let known = seats.as_ref().and_then(|s| s.fresh(battle_id));
    let (players, finished) = match known {
        Some(known) => known,
        None => {
            let snapshot = state
                .snapshots
                .load(battle_id)
                .await?
                .ok_or(ApiError::BattleNotFound)?;
            let players: Arc<[Uuid]> = snapshot.player_ids().into();
            let finished = snapshot.status == BattleStatus::Finished;
            if let Some(seats) = &seats {
                seats.remember(battle_id, players.clone(), finished);
            }
            (players, finished)
        }
    };
    if !players.contains(&player.id) {
        return Err(ApiError::NotAParticipant);
    }
    if finished {
        return Err(ApiError::BattleFinished);
    }
    Ok(players)
}

/// A chat line from a player to the opponent and the spectators.
pub async fn chat_send(
    state: AppState,
    player: Player,
    socket: SocketRef<Adapter>,
    req: ChatSend,
) -> Result<ChatSent, ApiError> {
    let text = ChatText::parse(&req.text)?;
    let text = text.as_str();
    let players = players_of(&state, &player, &socket, req.battle_id)
        .await?
        .to_vec();
    let at = Utc::now();
    let message = LiveMessage {
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
            "seq": SEQ_MARKER,
        }),
    };
    let (before, after) = split_at_seq(&message);
    let mut redis = state.redis.clone();
    let seq: i64 = PUBLISH_CHAT_SCRIPT
        .key(chat_seq_key(&state.redis_prefix, req.battle_id))
        .key(channel(&state.redis_prefix))
        .arg(before)
        .arg(after)
        .arg(CHAT_SEQ_TTL_SECS)
        .invoke_async(&mut redis)
        .await?;
    if seq == 0 {
        state.metrics.chat_lines_unrelayed.inc();
        return Err(ApiError::Busy {
            retry_after_ms: UNRELAYED_RETRY_MS,
        });
    }
    Ok(ChatSent { at, seq })
}

/// Best-effort progress of a player (typing, own test runs) for the opponent and spectators.
pub async fn progress(
    state: AppState,
    player: Player,
    socket: SocketRef<Adapter>,
    req: Progress,
) -> Result<Nothing, ApiError> {
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
    let players = players_of(&state, &player, &socket, req.battle_id)
        .await?
        .to_vec();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numbered_chat_line_is_the_message_with_its_seq() {
        // Names (before `seq`) and texts (after) spelling the marker as closely as players can.
        let spelled = format!("{SEQ_MARKER} \"seq\":\"\\u0000seq\"");
        for hostile in [SEQ_MARKER.to_owned(), spelled] {
            let message = LiveMessage {
                battle_id: Uuid::nil(),
                players: vec![Uuid::nil()],
                event: "chat:message".into(),
                except: None,
                data: json!({ "name": hostile, "text": hostile, "seq": SEQ_MARKER }),
            };
            let (before, after) = split_at_seq(&message);
            let numbered: LiveMessage =
                serde_json::from_str(&format!("{before}42{after}")).unwrap();
            assert_eq!(numbered.data["seq"], 42);
            assert_eq!(numbered.data["text"], hostile.as_str());
            assert_eq!(numbered.data["name"], hostile.as_str());
        }
    }
}

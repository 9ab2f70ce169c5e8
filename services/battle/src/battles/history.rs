//! What a client reads back: the events it missed, and the battle as it is now.

use joust_common::domain::{self, BattleEvent};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::lifecycle;
use crate::{AppState, auth::Player, error::ApiError, snapshot::BattleSnapshot};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resume {
    pub battle_id: Uuid,
    #[serde(default)]
    pub last_seq: i64,
}

#[derive(Debug, Serialize)]
pub struct Resumed {
    pub events: Vec<BattleEvent>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateQuery {
    pub battle_id: Uuid,
}

/// Every event of the battle after `last_seq`, for a client that missed some.
pub async fn resume(state: AppState, player: Player, req: Resume) -> Result<Resumed, ApiError> {
    if req.last_seq < 0 {
        return Err(ApiError::InvalidPayload(
            "last_seq must not be negative".into(),
        ));
    }
    lifecycle::start_if_due(&state, req.battle_id).await?;
    let snapshot = state
        .snapshots
        .load(req.battle_id)
        .await?
        .ok_or(ApiError::BattleNotFound)?;
    if !snapshot.player_ids().contains(&player.id) {
        return Err(ApiError::NotAParticipant);
    }
    let mut conn = state.pool.acquire().await?;
    let events = domain::events::since(&mut conn, req.battle_id, req.last_seq).await?;
    Ok(Resumed { events })
}

/// What a battle looks like now (players, status, problem, progress, result), for a client
/// drawing its screen after a reload. Battles are public, like spectating: any player may ask.
pub async fn battle_state(
    state: AppState,
    _player: Player,
    req: StateQuery,
) -> Result<BattleSnapshot, ApiError> {
    lifecycle::start_if_due(&state, req.battle_id).await?;
    state
        .snapshots
        .load(req.battle_id)
        .await?
        .ok_or(ApiError::BattleNotFound)
}

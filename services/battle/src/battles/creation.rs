//! Creating battles: for accepted challenges, rematches and matchmaking pairs. Every creation runs
//! under the Redlock of its pairing key, draws a fencing token, and writes through the fenced,
//! uniquely indexed insert, so a pairing gets one battle however many instances race for it.

use joust_common::domain::{BattleEvent, BattleStatus, EventKind};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{lifecycle, require_player};
use crate::{AppState, auth::Player, error::ApiError, lock};

pub(super) const SEEDED_PROBLEM_SLUG: &str = "sum-of-two";

#[derive(Debug, Serialize)]
pub struct BattleCreated {
    pub battle_id: Uuid,
    pub starts_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rematch {
    /// A finished battle of the requesting player.
    pub battle_id: Uuid,
}

pub(super) async fn problem_id(state: &AppState, slug: &str) -> Result<Option<Uuid>, ApiError> {
    Ok(
        sqlx::query_scalar!("SELECT id FROM problems WHERE slug = $1", slug)
            .fetch_optional(&state.pool)
            .await?,
    )
}

/// What a new battle is made of; the caller has fenced `pairing_key` in the same transaction.
pub(crate) struct NewBattle<'a> {
    pub(crate) problem_id: Uuid,
    pub(crate) players: [Uuid; 2],
    pub(crate) pairing_key: &'a str,
    pub(crate) fencing_token: i64,
    /// Whether spectators may read the sources once the battle has ended.
    pub(crate) spectator_sources: bool,
    /// How long the battle lasts after the reveal (`JOUST_BATTLE_LENGTH_MS` for duels, the
    /// tournament's `battle_secs` for its matches).
    pub(crate) length: std::time::Duration,
}

/// Inserts the battle and its `battle.created` event. The partial unique index refuses a second
/// active battle for the pairing.
pub(crate) async fn insert_battle(
    state: &AppState,
    tx: &mut PgConnection,
    new: &NewBattle<'_>,
) -> Result<(BattleCreated, BattleEvent), ApiError> {
    let battle_id = Uuid::new_v4();
    let countdown_ms = state.countdown.as_millis() as i64;
    let inserted = sqlx::query!(
        "INSERT INTO battles (id, problem_id, problem_version_id, player_a, player_b, pairing_key, status, fencing_token, starts_at, ends_at, spectator_sources)
         VALUES ($1, $2, (SELECT current_version_id FROM problems WHERE id = $2), $3, $4, $5, $6, $7,
                 now() + make_interval(secs => $8::float8 / 1000),
                 now() + make_interval(secs => ($8::float8 + $9::float8) / 1000), $10)
         RETURNING starts_at, ends_at",
        battle_id,
        new.problem_id,
        new.players[0],
        new.players[1],
        new.pairing_key,
        BattleStatus::Countdown.as_str(),
        new.fencing_token,
        countdown_ms as f64,
        new.length.as_millis() as f64,
        new.spectator_sources,
    )
    .fetch_one(&mut *tx)
    .await;
    let inserted = match inserted {
        Ok(row) => row,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(ApiError::BattleExists);
        }
        Err(e) => return Err(e.into()),
    };
    let names = sqlx::query!(
        "SELECT id, name FROM users WHERE id = ANY($1)",
        &new.players[..],
    )
    .fetch_all(&mut *tx)
    .await?;
    let players_json: Vec<_> = new
        .players
        .iter()
        .map(|id| {
            let name = names
                .iter()
                .find(|row| row.id == *id)
                .map_or("", |row| row.name.as_str());
            json!({ "id": id, "name": name })
        })
        .collect();
    let data = json!({
        "players": players_json,
        "starts_at": inserted.starts_at,
        "ends_at": inserted.ends_at,
        "countdown_ms": countdown_ms,
        "spectator_sources": new.spectator_sources,
    });
    let event =
        joust_common::domain::events::append(tx, battle_id, EventKind::BattleCreated, data).await?;
    Ok((
        BattleCreated {
            battle_id,
            starts_at: inserted.starts_at,
        },
        event,
    ))
}

/// The pairing key of two players, the same whichever of them asks.
pub fn pair_key(a: Uuid, b: Uuid) -> String {
    let (low, high) = if a < b { (a, b) } else { (b, a) };
    format!("pair:{low}:{high}")
}

/// Starts a new battle between the players of a finished one, on the same problem. Both
/// players may ask at once, from any instances: the pairing's lock, its fencing token and the
/// one-active-battle-per-pairing index make it one battle.
pub async fn rematch(
    state: AppState,
    player: Player,
    req: Rematch,
) -> Result<BattleCreated, ApiError> {
    let battle = sqlx::query!(
        r#"SELECT problem_id, player_a, player_b, spectator_sources,
                  status AS "status: BattleStatus"
           FROM battles WHERE id = $1"#,
        req.battle_id,
    )
    .fetch_optional(&state.pool)
    .await?
    .ok_or(ApiError::BattleNotFound)?;
    let players = [battle.player_a, battle.player_b];
    require_player(players, &player)?;
    if battle.status != BattleStatus::Finished {
        return Err(ApiError::BattleExists);
    }
    // A rematch keeps its battle's choice about spectators reading the sources.
    create_locked(
        &state,
        players,
        battle.problem_id,
        false,
        battle.spectator_sources,
    )
    .await
}

/// Creates the battle of a matchmaking pair on a problem chosen for both players
/// (`joust_problems::select`), through the same locked,
/// fenced path as a rematch; refused with [`ApiError::AlreadyInBattle`] when either player got
/// into another battle since joining the queue.
pub(crate) async fn create_matched(
    state: &AppState,
    players: [Uuid; 2],
) -> Result<BattleCreated, ApiError> {
    let problem_id = joust_problems::select::choose_problem(&state.pool, players)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("there is no problem")))?;
    create_locked(state, players, problem_id, true, false).await
}

/// Whether any of `players` plays an unfinished battle.
pub(crate) async fn any_in_battle(
    conn: &mut PgConnection,
    players: &[Uuid],
) -> Result<bool, ApiError> {
    let busy = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM battles WHERE status <> $2
                          AND (player_a = ANY($1) OR player_b = ANY($1))) AS "busy!""#,
        players,
        BattleStatus::Finished.as_str(),
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(busy)
}

/// Creates a battle between `players` under the lock of their pairing key, fenced, then
/// publishes `battle.created` and schedules the reveal. With `require_idle`, the transaction
/// also checks that neither player has an unfinished battle.
async fn create_locked(
    state: &AppState,
    players: [Uuid; 2],
    problem_id: Uuid,
    require_idle: bool,
    spectator_sources: bool,
) -> Result<BattleCreated, ApiError> {
    let pairing_key = pair_key(players[0], players[1]);
    let (battle, event) = state
        .locks
        .run_locked(&state.pool, &pairing_key, |fencing_token| {
            let pairing_key = &pairing_key;
            async move {
                let mut tx = state.pool.begin().await?;
                lock::fence(&mut tx, state.locks.metrics(), pairing_key, fencing_token).await?;
                if require_idle && any_in_battle(&mut tx, &players).await? {
                    return Err(ApiError::AlreadyInBattle);
                }
                let new = NewBattle {
                    problem_id,
                    players,
                    pairing_key,
                    fencing_token,
                    spectator_sources,
                    length: state.battle_length,
                };
                let created = insert_battle(state, &mut tx, &new).await?;
                tx.commit().await?;
                tracing::info!(battle.id = %created.0.battle_id, fencing_token, "battle created");
                Ok(created)
            }
        })
        .await?;
    announce(state, &battle, &players, event).await;
    Ok(battle)
}

/// Tells the players about their new battle and schedules its reveal.
pub(crate) async fn announce(
    state: &AppState,
    battle: &BattleCreated,
    players: &[Uuid],
    event: BattleEvent,
) {
    tracing::Span::current().record("battle_id", tracing::field::display(battle.battle_id));
    state.publish(players, &[event]).await;
    lifecycle::schedule_start(state.clone(), battle.battle_id);
}

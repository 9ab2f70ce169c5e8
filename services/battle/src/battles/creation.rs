//! Creating battles: direct challenges, rematches and matchmaking pairs. Every creation runs
//! under the Redlock of its pairing key, draws a fencing token, and writes through the fenced,
//! uniquely indexed insert, so a pairing gets one battle however many instances race for it.

use joust_common::domain::{BattleEvent, BattleStatus, ChallengeStatus, EventKind};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{lifecycle, require_player};
use crate::{AppState, auth::Player, error::ApiError, lock};

const SEEDED_PROBLEM_SLUG: &str = "sum-of-two";
/// Characters of an invite code: no 0/O or 1/I, to read aloud.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateChallenge {
    /// Problem slug; the default problem when omitted.
    #[serde(default)]
    pub problem: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ChallengeCreated {
    pub code: String,
    pub problem: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceptChallenge {
    pub code: String,
}

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

fn new_code() -> String {
    Uuid::new_v4().as_bytes()[..8]
        .iter()
        .map(|b| CODE_ALPHABET[(*b as usize) % CODE_ALPHABET.len()] as char)
        .collect()
}

async fn problem_id(state: &AppState, slug: &str) -> Result<Option<Uuid>, ApiError> {
    Ok(
        sqlx::query_scalar!("SELECT id FROM problems WHERE slug = $1", slug)
            .fetch_optional(&state.pool)
            .await?,
    )
}

/// Opens a direct challenge that another player can accept with its code.
pub async fn create_challenge(
    state: AppState,
    player: Player,
    req: CreateChallenge,
) -> Result<ChallengeCreated, ApiError> {
    let slug = req
        .problem
        .unwrap_or_else(|| SEEDED_PROBLEM_SLUG.to_owned());
    if slug.len() > 64 {
        return Err(ApiError::InvalidPayload("problem slug is too long".into()));
    }
    let problem_id = problem_id(&state, &slug)
        .await?
        .ok_or_else(|| ApiError::InvalidPayload(format!("no problem {slug:?}")))?;
    let code = new_code();
    sqlx::query!(
        "INSERT INTO challenges (code, creator_id, problem_id, status) VALUES ($1, $2, $3, $4)",
        code,
        player.id,
        problem_id,
        ChallengeStatus::Open.as_str(),
    )
    .execute(&state.pool)
    .await?;
    Ok(ChallengeCreated {
        code,
        problem: slug,
    })
}

/// Accepts a challenge and creates its battle, under the pairing's lock.
pub async fn accept_challenge(
    state: AppState,
    player: Player,
    req: AcceptChallenge,
) -> Result<BattleCreated, ApiError> {
    let code = req.code.trim().to_ascii_uppercase();
    if code.is_empty() || code.len() > 16 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ApiError::InvalidPayload(
            "code must be 1 to 16 letters or digits".into(),
        ));
    }
    let pairing_key = format!("challenge:{code}");
    let (battle, players, event) = state
        .locks
        .run_locked(&state.pool, &pairing_key, |fencing_token| {
            create_battle_for_challenge(&state, &player, &code, &pairing_key, fencing_token)
        })
        .await?;
    announce(&state, &battle, &players, event).await;
    Ok(battle)
}

async fn create_battle_for_challenge(
    state: &AppState,
    player: &Player,
    code: &str,
    pairing_key: &str,
    fencing_token: i64,
) -> Result<(BattleCreated, [Uuid; 2], BattleEvent), ApiError> {
    let mut tx = state.pool.begin().await?;
    lock::fence(&mut tx, state.locks.metrics(), pairing_key, fencing_token).await?;
    let claimed = sqlx::query!(
        "UPDATE challenges SET status = $3
         WHERE code = $1 AND status = $4 AND creator_id <> $2
         RETURNING creator_id, problem_id",
        code,
        player.id,
        ChallengeStatus::Accepted.as_str(),
        ChallengeStatus::Open.as_str(),
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(claimed) = claimed else {
        return Err(why_not_claimable(&mut tx, player, code).await?);
    };
    let new = NewBattle {
        problem_id: claimed.problem_id,
        players: [claimed.creator_id, player.id],
        pairing_key,
        fencing_token,
    };
    let (battle, event) = insert_battle(state, &mut tx, &new).await?;
    tx.commit().await?;
    tracing::info!(battle.id = %battle.battle_id, fencing_token, "battle created");
    Ok((battle, new.players, event))
}

async fn why_not_claimable(
    conn: &mut PgConnection,
    player: &Player,
    code: &str,
) -> Result<ApiError, ApiError> {
    let creator = sqlx::query_scalar!("SELECT creator_id FROM challenges WHERE code = $1", code)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match creator {
        None => ApiError::ChallengeNotFound,
        Some(creator) if creator == player.id => ApiError::OwnChallenge,
        Some(_) => ApiError::ChallengeUnavailable,
    })
}

/// What a new battle is made of; the caller has fenced `pairing_key` in the same transaction.
struct NewBattle<'a> {
    problem_id: Uuid,
    players: [Uuid; 2],
    pairing_key: &'a str,
    fencing_token: i64,
}

/// Inserts the battle and its `battle.created` event. The partial unique index refuses a second
/// active battle for the pairing.
async fn insert_battle(
    state: &AppState,
    tx: &mut PgConnection,
    new: &NewBattle<'_>,
) -> Result<(BattleCreated, BattleEvent), ApiError> {
    let battle_id = Uuid::new_v4();
    let countdown_ms = state.countdown.as_millis() as i64;
    let inserted = sqlx::query!(
        "INSERT INTO battles (id, problem_id, player_a, player_b, pairing_key, status, fencing_token, starts_at, ends_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7,
                 now() + make_interval(secs => $8::float8 / 1000),
                 now() + make_interval(secs => ($8::float8 + $9::float8) / 1000))
         RETURNING starts_at, ends_at",
        battle_id,
        new.problem_id,
        new.players[0],
        new.players[1],
        new.pairing_key,
        BattleStatus::Countdown.as_str(),
        new.fencing_token,
        countdown_ms as f64,
        state.battle_length.as_millis() as f64,
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
        r#"SELECT problem_id, player_a, player_b, status AS "status: BattleStatus"
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
    create_locked(&state, players, battle.problem_id, false).await
}

/// Creates the battle of a matchmaking pair on the default problem, through the same locked,
/// fenced path as a rematch; refused with [`ApiError::AlreadyInBattle`] when either player got
/// into another battle since joining the queue.
pub(crate) async fn create_matched(
    state: &AppState,
    players: [Uuid; 2],
) -> Result<BattleCreated, ApiError> {
    let problem_id = problem_id(state, SEEDED_PROBLEM_SLUG)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the default problem is missing")))?;
    create_locked(state, players, problem_id, true).await
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
async fn announce(state: &AppState, battle: &BattleCreated, players: &[Uuid], event: BattleEvent) {
    tracing::Span::current().record("battle_id", tracing::field::display(battle.battle_id));
    state.publish(players, &[event]).await;
    lifecycle::schedule_start(state.clone(), battle.battle_id);
}

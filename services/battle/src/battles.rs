//! Duel operations: challenges, battle creation, the countdown, submissions and resume.
//!
//! Each operation checks who may do it, changes PostgreSQL in one transaction (appending to the
//! battle's event log), and publishes the new events once committed.

use joust_common::{
    Language,
    battle_events::{self, BattleEvent},
    execution::MAX_SOURCE_BYTES,
    queue,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{PgConnection, Row};
use uuid::Uuid;

use crate::{AppState, auth::Player, error::ApiError, lock, snapshot::BattleSnapshot};

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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resign {
    pub battle_id: Uuid,
}

#[derive(Debug, Serialize)]
pub struct Resigned {
    pub battle_id: Uuid,
    pub winner_id: Uuid,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submit {
    pub battle_id: Uuid,
    pub language: String,
    pub source: String,
    /// Chosen by the client (e.g. a UUID) and reused when it retries the same submit: the
    /// retry answers with the first submission instead of creating another.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SubmissionQueued {
    pub submission_id: Uuid,
}

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

fn new_code() -> String {
    Uuid::new_v4().as_bytes()[..8]
        .iter()
        .map(|b| CODE_ALPHABET[(*b as usize) % CODE_ALPHABET.len()] as char)
        .collect()
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
    let problem_id: Option<Uuid> = sqlx::query_scalar("SELECT id FROM problems WHERE slug = $1")
        .bind(&slug)
        .fetch_optional(&state.pool)
        .await?;
    let problem_id =
        problem_id.ok_or_else(|| ApiError::InvalidPayload(format!("no problem {slug:?}")))?;
    let code = new_code();
    sqlx::query("INSERT INTO challenges (code, creator_id, problem_id) VALUES ($1, $2, $3)")
        .bind(&code)
        .bind(player.id)
        .bind(problem_id)
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
    publish(&state, &players, &[event]).await;
    schedule_start(state, battle.battle_id);
    Ok(battle)
}

async fn create_battle_for_challenge(
    state: &AppState,
    player: &Player,
    code: &str,
    pairing_key: &str,
    fencing_token: i64,
) -> Result<(BattleCreated, Vec<Uuid>, BattleEvent), ApiError> {
    let mut tx = state.pool.begin().await?;
    lock::fence(&mut tx, state.locks.metrics(), pairing_key, fencing_token).await?;
    let claimed = sqlx::query(
        "UPDATE challenges SET status = 'accepted'
         WHERE code = $1 AND status = 'open' AND creator_id <> $2
         RETURNING creator_id, problem_id",
    )
    .bind(code)
    .bind(player.id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(claimed) = claimed else {
        return Err(why_not_claimable(&mut tx, player, code).await?);
    };
    let new = NewBattle {
        problem_id: claimed.try_get("problem_id")?,
        players: [claimed.try_get("creator_id")?, player.id],
        pairing_key,
        fencing_token,
    };
    let (battle, event) = insert_battle(state, &mut tx, &new).await?;
    tx.commit().await?;
    tracing::info!(battle.id = %battle.battle_id, fencing_token, "battle created");
    Ok((battle, new.players.to_vec(), event))
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
    let inserted = sqlx::query(
        "INSERT INTO battles (id, problem_id, player_a, player_b, pairing_key, status, fencing_token, starts_at, ends_at)
         VALUES ($1, $2, $3, $4, $5, 'countdown', $6,
                 now() + make_interval(secs => $7::float8 / 1000),
                 now() + make_interval(secs => ($7::float8 + $8::float8) / 1000))
         RETURNING starts_at, ends_at",
    )
    .bind(battle_id)
    .bind(new.problem_id)
    .bind(new.players[0])
    .bind(new.players[1])
    .bind(new.pairing_key)
    .bind(new.fencing_token)
    .bind(countdown_ms as f64)
    .bind(state.battle_length.as_millis() as f64)
    .fetch_one(&mut *tx)
    .await;
    let (starts_at, ends_at): (chrono::DateTime<chrono::Utc>, chrono::DateTime<chrono::Utc>) =
        match inserted {
            Ok(row) => (row.try_get("starts_at")?, row.try_get("ends_at")?),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(ApiError::BattleExists);
            }
            Err(e) => return Err(e.into()),
        };
    let names: Vec<(Uuid, String)> =
        sqlx::query_as("SELECT id, name FROM users WHERE id = ANY($1)")
            .bind(new.players.to_vec())
            .fetch_all(&mut *tx)
            .await?;
    let players_json: Vec<_> = new
        .players
        .iter()
        .map(|id| {
            let name = names
                .iter()
                .find(|(n, _)| n == id)
                .map_or("", |(_, name)| name.as_str());
            json!({ "id": id, "name": name })
        })
        .collect();
    let event = battle_events::append(
        tx,
        battle_id,
        "battle.created",
        json!({
            "players": players_json,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "countdown_ms": countdown_ms,
        }),
    )
    .await?;
    Ok((
        BattleCreated {
            battle_id,
            starts_at,
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
    let row =
        sqlx::query("SELECT problem_id, player_a, player_b, status FROM battles WHERE id = $1")
            .bind(req.battle_id)
            .fetch_optional(&state.pool)
            .await?
            .ok_or(ApiError::BattleNotFound)?;
    let players: [Uuid; 2] = [row.try_get("player_a")?, row.try_get("player_b")?];
    if !players.contains(&player.id) {
        return Err(ApiError::NotAParticipant);
    }
    if row.try_get::<String, _>("status")? != "finished" {
        return Err(ApiError::BattleExists);
    }
    let problem_id: Uuid = row.try_get("problem_id")?;
    create_locked(&state, players, problem_id, false).await
}

/// Creates the battle of a matchmaking pair on the default problem, through the same locked,
/// fenced path as a rematch; refused with [`ApiError::AlreadyInBattle`] when either player got
/// into another battle since joining the queue.
pub(crate) async fn create_matched(
    state: &AppState,
    players: [Uuid; 2],
) -> Result<BattleCreated, ApiError> {
    let problem_id: Option<Uuid> = sqlx::query_scalar("SELECT id FROM problems WHERE slug = $1")
        .bind(SEEDED_PROBLEM_SLUG)
        .fetch_optional(&state.pool)
        .await?;
    let problem_id = problem_id
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the default problem is missing")))?;
    create_locked(state, players, problem_id, true).await
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
                if require_idle {
                    let busy: bool = sqlx::query_scalar(
                        "SELECT EXISTS (SELECT 1 FROM battles WHERE status <> 'finished'
                                         AND (player_a = ANY($1) OR player_b = ANY($1)))",
                    )
                    .bind(players.to_vec())
                    .fetch_one(&mut *tx)
                    .await?;
                    if busy {
                        return Err(ApiError::AlreadyInBattle);
                    }
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
    publish(state, &players, &[event]).await;
    schedule_start(state.clone(), battle.battle_id);
    Ok(battle)
}

async fn why_not_claimable(
    conn: &mut PgConnection,
    player: &Player,
    code: &str,
) -> Result<ApiError, ApiError> {
    let row = sqlx::query("SELECT creator_id, status FROM challenges WHERE code = $1")
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match row {
        None => ApiError::ChallengeNotFound,
        Some(row) if row.try_get::<Uuid, _>("creator_id")? == player.id => ApiError::OwnChallenge,
        Some(_) => ApiError::ChallengeUnavailable,
    })
}

/// Starts the battle when its countdown ends.
fn schedule_start(state: AppState, battle_id: Uuid) {
    tokio::spawn(async move {
        tokio::time::sleep(state.countdown).await;
        if let Err(e) = start_if_due(&state, battle_id).await {
            tracing::error!(battle.id = %battle_id, error = format!("{e:#}"), "starting the battle failed");
        }
    });
}

/// Moves a battle whose countdown is over to `running` and reveals the problem. Idempotent:
/// whichever instance or request gets there first does it, the others see nothing to do.
pub async fn start_if_due(state: &AppState, battle_id: Uuid) -> Result<(), ApiError> {
    let mut tx = state.pool.begin().await?;
    let row = sqlx::query(
        "UPDATE battles SET status = 'running'
         WHERE id = $1 AND status = 'countdown' AND starts_at <= now()
         RETURNING problem_id, player_a, player_b",
    )
    .bind(battle_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(());
    };
    let problem_id: Uuid = row.try_get("problem_id")?;
    let players: Vec<Uuid> = vec![row.try_get("player_a")?, row.try_get("player_b")?];
    let problem = sqlx::query(
        "SELECT slug, title, statement, time_limit_ms, memory_limit_mb FROM problems WHERE id = $1",
    )
    .bind(problem_id)
    .fetch_one(&mut *tx)
    .await?;
    let samples: Vec<(String, String)> = sqlx::query_as(
        "SELECT input, expected_output FROM problem_tests WHERE problem_id = $1 AND is_sample ORDER BY ordinal",
    )
    .bind(problem_id)
    .fetch_all(&mut *tx)
    .await?;
    let data = json!({
        "problem": {
            "slug": problem.try_get::<String, _>("slug")?,
            "title": problem.try_get::<String, _>("title")?,
            "statement": problem.try_get::<String, _>("statement")?,
            "time_limit_ms": problem.try_get::<i32, _>("time_limit_ms")?,
            "memory_limit_mb": problem.try_get::<i32, _>("memory_limit_mb")?,
            "samples": samples.iter().map(|(i, o)| json!({ "input": i, "output": o })).collect::<Vec<_>>(),
            "languages": Language::ALL,
        }
    });
    let event = battle_events::append(&mut tx, battle_id, "battle.started", data).await?;
    tx.commit().await?;
    publish(state, &players, &[event]).await;
    Ok(())
}

struct BattleAccess {
    status: String,
    players: Vec<Uuid>,
}

async fn battle_access(
    conn: &mut PgConnection,
    player: &Player,
    battle_id: Uuid,
) -> Result<BattleAccess, ApiError> {
    let row = sqlx::query("SELECT status, player_a, player_b FROM battles WHERE id = $1")
        .bind(battle_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or(ApiError::BattleNotFound)?;
    let players: Vec<Uuid> = vec![row.try_get("player_a")?, row.try_get("player_b")?];
    if !players.contains(&player.id) {
        return Err(ApiError::NotAParticipant);
    }
    Ok(BattleAccess {
        status: row.try_get("status")?,
        players,
    })
}

/// Records a submission and queues it for judging; answers once both are durable.
pub async fn submit(
    state: AppState,
    player: Player,
    req: Submit,
) -> Result<SubmissionQueued, ApiError> {
    let language = Language::parse(&req.language).ok_or_else(|| {
        ApiError::InvalidPayload(format!(
            "language must be one of {}",
            Language::ALL.map(Language::as_str).join(", ")
        ))
    })?;
    if req.source.trim().is_empty() {
        return Err(ApiError::InvalidPayload("source is empty".into()));
    }
    if req.source.len() > MAX_SOURCE_BYTES {
        return Err(ApiError::InvalidPayload(format!(
            "source is larger than {MAX_SOURCE_BYTES} bytes"
        )));
    }
    if let Some(key) = &req.idempotency_key
        && (key.is_empty() || key.len() > 64 || !key.bytes().all(|b| b.is_ascii_graphic()))
    {
        return Err(ApiError::InvalidPayload(
            "idempotency_key must be 1 to 64 printable ASCII characters".into(),
        ));
    }
    start_if_due(&state, req.battle_id).await?;
    // A retried submit whose first attempt was stored: answer with it.
    if let Some(existing) = find_by_key(&state, &player, &req).await? {
        return Ok(existing);
    }
    let mut tx = state.pool.begin().await?;
    let access = battle_access(&mut tx, &player, req.battle_id).await?;
    match access.status.as_str() {
        "countdown" => return Err(ApiError::BattleNotStarted),
        "finished" => return Err(ApiError::BattleFinished),
        _ => {}
    }
    let submission_id = Uuid::new_v4();
    let inserted = sqlx::query(
        "INSERT INTO submissions (id, battle_id, user_id, language, source, idempotency_key)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING",
    )
    .bind(submission_id)
    .bind(req.battle_id)
    .bind(player.id)
    .bind(language.as_str())
    .bind(&req.source)
    .bind(&req.idempotency_key)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        // A concurrent retry with the same key won the race.
        drop(tx);
        return find_by_key(&state, &player, &req)
            .await?
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("idempotent submission vanished")));
    }
    let event = battle_events::append(
        &mut tx,
        req.battle_id,
        "submission.received",
        json!({ "submission_id": submission_id, "user_id": player.id, "language": language }),
    )
    .await?;
    tx.commit().await?;
    enqueue(&state, submission_id).await?;
    publish(&state, &access.players, &[event]).await;
    Ok(SubmissionQueued { submission_id })
}

/// The submission this player already made with the request's idempotency key, queued for
/// judging if its first attempt stopped before that.
async fn find_by_key(
    state: &AppState,
    player: &Player,
    req: &Submit,
) -> Result<Option<SubmissionQueued>, ApiError> {
    let Some(key) = &req.idempotency_key else {
        return Ok(None);
    };
    let row: Option<(Uuid, Uuid, bool)> = sqlx::query_as(
        "SELECT id, battle_id, enqueued FROM submissions WHERE user_id = $1 AND idempotency_key = $2",
    )
    .bind(player.id)
    .bind(key)
    .fetch_optional(&state.pool)
    .await?;
    let Some((submission_id, battle_id, enqueued)) = row else {
        return Ok(None);
    };
    if battle_id != req.battle_id {
        return Err(ApiError::InvalidPayload(
            "idempotency_key was already used for another battle".into(),
        ));
    }
    if !enqueued {
        enqueue(state, submission_id).await?;
    }
    Ok(Some(SubmissionQueued { submission_id }))
}

/// Appends the submission to the judging stream and records that it is there.
async fn enqueue(state: &AppState, submission_id: Uuid) -> Result<(), ApiError> {
    let mut redis = state.redis.clone();
    redis::cmd("XADD")
        .arg(queue::submissions_stream(&state.redis_prefix))
        .arg("*")
        .arg("submission_id")
        .arg(submission_id.to_string())
        .query_async::<String>(&mut redis)
        .await?;
    sqlx::query("UPDATE submissions SET enqueued = true WHERE id = $1")
        .bind(submission_id)
        .execute(&state.pool)
        .await?;
    Ok(())
}

/// Every event of the battle after `last_seq`, for a client that missed some.
pub async fn resume(state: AppState, player: Player, req: Resume) -> Result<Resumed, ApiError> {
    if req.last_seq < 0 {
        return Err(ApiError::InvalidPayload(
            "last_seq must not be negative".into(),
        ));
    }
    start_if_due(&state, req.battle_id).await?;
    let snapshot = state
        .snapshots
        .load(req.battle_id)
        .await?
        .ok_or(ApiError::BattleNotFound)?;
    if !snapshot.player_ids().contains(&player.id) {
        return Err(ApiError::NotAParticipant);
    }
    let mut conn = state.pool.acquire().await?;
    let events = battle_events::since(&mut conn, req.battle_id, req.last_seq).await?;
    Ok(Resumed { events })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateQuery {
    pub battle_id: Uuid,
}

/// What a battle looks like now (players, status, problem, progress, result), for a client
/// drawing its screen after a reload. Battles are public, like spectating: any player may ask.
pub async fn battle_state(
    state: AppState,
    _player: Player,
    req: StateQuery,
) -> Result<BattleSnapshot, ApiError> {
    start_if_due(&state, req.battle_id).await?;
    state
        .snapshots
        .load(req.battle_id)
        .await?
        .ok_or(ApiError::BattleNotFound)
}

/// The player gives up: the opponent wins by forfeit.
pub async fn resign(state: AppState, player: Player, req: Resign) -> Result<Resigned, ApiError> {
    if let Some(winner_id) = forfeit(&state, req.battle_id, player.id, "resigned").await? {
        return Ok(Resigned {
            battle_id: req.battle_id,
            winner_id,
        });
    }
    // Nothing changed: say why.
    let mut conn = state.pool.acquire().await?;
    battle_access(&mut conn, &player, req.battle_id).await?;
    Err(ApiError::BattleFinished)
}

/// Finishes an unfinished battle as a forfeit of `loser` (who resigned, or whose reconnect
/// grace ran out); the opponent wins. The update is conditional, so whichever of several
/// concurrent finishes (verdict, draw, forfeit) commits first is the only one. Returns the
/// winner when this call finished the battle.
pub(crate) async fn forfeit(
    state: &AppState,
    battle_id: Uuid,
    loser: Uuid,
    reason: &'static str,
) -> Result<Option<Uuid>, ApiError> {
    let mut tx = state.pool.begin().await?;
    let row = sqlx::query(
        "UPDATE battles SET status = 'finished', outcome = 'forfeit', finished_at = now(),
                winner_id = CASE WHEN player_a = $2 THEN player_b ELSE player_a END
         WHERE id = $1 AND status <> 'finished' AND $2 IN (player_a, player_b)
         RETURNING winner_id, player_a, player_b",
    )
    .bind(battle_id)
    .bind(loser)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let winner: Uuid = row.try_get("winner_id")?;
    let players: Vec<Uuid> = vec![row.try_get("player_a")?, row.try_get("player_b")?];
    let event = battle_events::append(
        &mut tx,
        battle_id,
        "battle.finished",
        json!({ "winner_id": winner, "outcome": "forfeit", "loser_id": loser, "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    state
        .metrics
        .battles_finished
        .with_label_values(&[reason])
        .inc();
    tracing::info!(battle.id = %battle_id, reason, "battle forfeited");
    publish(state, &players, &[event]).await;
    Ok(Some(winner))
}

/// Starts every battle whose countdown is over; covers countdown timers of an instance that
/// stopped before they fired.
pub(crate) async fn start_due(state: &AppState) -> Result<usize, ApiError> {
    let due: Vec<Uuid> = sqlx::query_scalar(
        "SELECT id FROM battles WHERE status = 'countdown' AND starts_at <= now() ORDER BY starts_at LIMIT 100",
    )
    .fetch_all(&state.pool)
    .await?;
    for battle_id in &due {
        start_if_due(state, *battle_id).await?;
    }
    Ok(due.len())
}

/// Finishes every running battle past its end as a draw. The conditional update (and `SKIP
/// LOCKED`, so instances sweeping at once split the work) makes each draw happen once.
pub async fn finish_overdue(state: &AppState) -> Result<Vec<Uuid>, ApiError> {
    let mut tx = state.pool.begin().await?;
    let rows = sqlx::query(
        "WITH due AS (
             SELECT id FROM battles
             WHERE status = 'running' AND ends_at <= now()
               -- A submission made in time is judged first: it may still win the battle.
               AND NOT EXISTS (SELECT 1 FROM submissions s WHERE s.battle_id = battles.id AND s.status = 'queued')
             ORDER BY ends_at LIMIT 100 FOR UPDATE OF battles SKIP LOCKED)
         UPDATE battles b SET status = 'finished', outcome = 'draw', finished_at = now()
         FROM due WHERE b.id = due.id AND b.status = 'running'
         RETURNING b.id, b.player_a, b.player_b",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut finished = Vec::with_capacity(rows.len());
    for row in rows {
        let battle_id: Uuid = row.try_get("id")?;
        let players: Vec<Uuid> = vec![row.try_get("player_a")?, row.try_get("player_b")?];
        let event = battle_events::append(
            &mut tx,
            battle_id,
            "battle.finished",
            json!({ "winner_id": null, "outcome": "draw", "reason": "time" }),
        )
        .await?;
        finished.push((battle_id, players, event));
    }
    tx.commit().await?;
    for (battle_id, players, event) in &finished {
        state
            .metrics
            .battles_finished
            .with_label_values(&["draw_timeout"])
            .inc();
        tracing::info!(battle.id = %battle_id, "battle ended in a draw");
        publish(state, players, std::slice::from_ref(event)).await;
    }
    Ok(finished.into_iter().map(|(id, _, _)| id).collect())
}

pub(crate) async fn publish(state: &AppState, players: &[Uuid], events: &[BattleEvent]) {
    let mut redis = state.redis.clone();
    if let Err(e) = battle_events::publish(&mut redis, &state.redis_prefix, players, events).await {
        // The events are in the log; clients catch up with `battle:resume`.
        tracing::warn!(error = %e, "publishing battle events failed");
    }
}

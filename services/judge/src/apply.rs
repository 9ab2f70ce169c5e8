//! Loading a submission for judging and applying its verdict, exactly once.

use chrono::{DateTime, Utc};
use joust_common::{
    Language,
    domain::scoring::{SCORE_EPSILON, ScoringModel},
    domain::{
        self, BattleEvent, BattleStatus, Ending, EventKind, FinishedBattle, SubmissionStatus,
    },
    execution::{ExecutionRequest, ExecutionResponse, TestCase, Verdict},
};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// A queued submission with what the executor needs to judge it.
#[derive(Debug, Clone)]
pub struct SubmissionForJudging {
    pub id: Uuid,
    pub battle_id: Uuid,
    pub user_id: Uuid,
    pub players: [Uuid; 2],
    pub already_judged: bool,
    pub request: ExecutionRequest,
    /// How the tests add up to a score, on a scoring problem.
    pub scoring: Option<ScoringModel>,
}

/// Loads the submission and its problem's hidden tests; `None` when it does not exist.
pub async fn load_submission(
    pool: &PgPool,
    id: Uuid,
) -> sqlx::Result<Option<SubmissionForJudging>> {
    // A battle on an imported problem is judged against the version it was created with,
    // whatever versions came after; the seeded problem has no version.
    let Some(row) = sqlx::query!(
        r#"SELECT s.battle_id, s.user_id, s.language AS "language: Language", s.source,
                  s.status AS "status: SubmissionStatus", b.player_a, b.player_b,
                  b.problem_id, b.problem_version_id,
                  coalesce(v.time_limit_ms, p.time_limit_ms) AS "time_limit_ms!",
                  coalesce(v.memory_limit_mb, p.memory_limit_mb) AS "memory_limit_mb!",
                  v.checker AS "checker?"
           FROM submissions s
           JOIN battles b ON b.id = s.battle_id
           JOIN problems p ON p.id = b.problem_id
           LEFT JOIN problem_versions v ON v.id = b.problem_version_id
           WHERE s.id = $1"#,
        id,
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let tests = match row.problem_version_id {
        Some(version) => {
            sqlx::query_as!(
                TestCase,
                "SELECT input, expected_output, is_sample AS sample FROM problem_version_tests
                 WHERE version_id = $1 ORDER BY ordinal",
                version,
            )
            .fetch_all(pool)
            .await?
        }
        None => {
            sqlx::query_as!(
                TestCase,
                "SELECT input, expected_output, is_sample AS sample FROM problem_tests
                 WHERE problem_id = $1 ORDER BY ordinal",
                row.problem_id,
            )
            .fetch_all(pool)
            .await?
        }
    };
    let checker = match row.checker {
        Some(checker) => {
            serde_json::from_value(checker).map_err(|e| sqlx::Error::Decode(Box::new(e)))?
        }
        None => Default::default(),
    };
    let scoring = crate::scoring::load(pool, row.problem_version_id).await?;
    Ok(Some(SubmissionForJudging {
        id,
        battle_id: row.battle_id,
        user_id: row.user_id,
        players: [row.player_a, row.player_b],
        already_judged: row.status == SubmissionStatus::Judged,
        request: ExecutionRequest {
            language: row.language,
            source: row.source,
            tests,
            time_limit_ms: row.time_limit_ms as u64,
            memory_limit_mb: row.memory_limit_mb as u64,
            checker,
            // A score counts every test, not only those up to the first failure.
            run_all: scoring.is_some(),
        },
        scoring,
    }))
}

/// Counts a judging attempt; `None` when the submission is no longer waiting for a verdict.
pub async fn record_attempt(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar!(
        "UPDATE submissions SET attempts = attempts + 1 WHERE id = $1 AND status = $2 RETURNING attempts",
        id,
        SubmissionStatus::Queued.as_str(),
    )
    .fetch_optional(pool)
    .await
}

/// Turns the attempt just counted into a timeout: a call that timed out says nothing about the
/// executor's health, so it is charged to the submission, separately from failed attempts.
/// Returns the submission's timeouts so far; `None` when it is no longer waiting for a verdict.
pub async fn record_timeout(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar!(
        "UPDATE submissions SET attempts = greatest(attempts - 1, 0), timeouts = timeouts + 1
         WHERE id = $1 AND status = $2 RETURNING timeouts",
        id,
        SubmissionStatus::Queued.as_str(),
    )
    .fetch_optional(pool)
    .await
}

/// Gives back an attempt that failed through no fault of the submission (an executor outage).
pub async fn refund_attempt(pool: &PgPool, id: Uuid) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE submissions SET attempts = greatest(attempts - 1, 0) WHERE id = $1 AND status = $2",
        id,
        SubmissionStatus::Queued.as_str(),
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Marks the submission as delayed by an executor outage. The first time only, appends the
/// `judging.delayed` event (with the expected wait) for the players.
pub async fn mark_delayed(
    pool: &PgPool,
    submission: &SubmissionForJudging,
    retry_in: std::time::Duration,
) -> sqlx::Result<Option<BattleEvent>> {
    let mut tx = pool.begin().await?;
    let marked = sqlx::query!(
        "UPDATE submissions SET delayed_since = now()
         WHERE id = $1 AND status = $2 AND delayed_since IS NULL",
        submission.id,
        SubmissionStatus::Queued.as_str(),
    )
    .execute(&mut *tx)
    .await?;
    if marked.rows_affected() == 0 {
        return Ok(None);
    }
    let data = json!({
        "submission_id": submission.id,
        "user_id": submission.user_id,
        "retry_in_ms": retry_in.as_millis() as u64,
    });
    let event = domain::events::append(
        &mut tx,
        submission.battle_id,
        EventKind::JudgingDelayed,
        data,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(event))
}

/// Records the verdict and, for the first Accepted of a running battle, finishes the battle; a
/// submission whose judging was delayed by an outage extends its battle by the time it waited.
/// The compiler output is kept on the submission only: it quotes the player's source, so the
/// public `submission.judged` event never carries it (the judge sends it to the submitter alone).
/// Returns the battle events to publish; empty when the verdict had already been applied, so a
/// submission judged twice changes nothing the second time.
pub async fn apply_verdict(
    pool: &PgPool,
    submission: &SubmissionForJudging,
    response: &ExecutionResponse,
) -> sqlx::Result<Vec<BattleEvent>> {
    // What is stored as the submission's result is what its players may see: secret tests
    // only as verdict, time and memory (`ExecutionResponse::for_players`).
    let public_result = response.for_players();
    let scored = (submission.scoring.as_ref()).map(|m| crate::scoring::score(m, response));
    let verdict = scored.map_or(response.verdict, |s| s.verdict);
    let mut tx = pool.begin().await?;
    let updated = sqlx::query_scalar!(
        "UPDATE submissions SET status = $4, verdict = $2, result = $3, judged_at = now(),
                compile_output = $6, score = $7, max_score = $8
         WHERE id = $1 AND status = $5
         RETURNING delayed_since",
        submission.id,
        verdict.as_str(),
        sqlx::types::Json(&public_result) as _,
        SubmissionStatus::Judged.as_str(),
        SubmissionStatus::Queued.as_str(),
        response.compile_output.as_deref(),
        scored.map(|s| s.score),
        scored.and_then(|s| s.max_score),
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(delayed_since) = updated else {
        return Ok(vec![]);
    };
    let mut events = Vec::new();
    if let Some(since) = delayed_since
        && let Some(event) = extend_for_delay(&mut tx, submission.battle_id, since).await?
    {
        events.push(event);
    }
    let judged = json!({
        "submission_id": submission.id,
        "user_id": submission.user_id,
        "verdict": verdict,
        "score": scored.map(|s| s.score),
        "max_score": scored.and_then(|s| s.max_score),
        "passed_tests": response.passed(),
        "total_tests": submission.request.tests.len(),
        "time_ms": response.tests.iter().map(|t| t.time_ms).max().unwrap_or(0),
        "message": (verdict == Verdict::IE).then_some("internal error: this submission could not be judged"),
    });
    events.push(
        domain::events::append(
            &mut tx,
            submission.battle_id,
            EventKind::SubmissionJudged,
            judged,
        )
        .await?,
    );
    if let Some(finished) = decide_winner(&mut tx, submission.battle_id).await? {
        events.push(finished.event);
    }
    tx.commit().await?;
    Ok(events)
}

/// Moves the battle's end back by the part of the judging delay since `since` not already
/// compensated by an earlier delayed verdict, and appends `battle.extended`.
async fn extend_for_delay(
    conn: &mut PgConnection,
    battle_id: Uuid,
    since: DateTime<Utc>,
) -> sqlx::Result<Option<BattleEvent>> {
    let extended = sqlx::query_scalar!(
        "UPDATE battles
         SET ends_at = ends_at + (now() - greatest($2, coalesce(extended_through, $2))),
             extended_through = now()
         WHERE id = $1 AND status = $3 AND now() > greatest($2, coalesce(extended_through, $2))
         RETURNING ends_at",
        battle_id,
        since,
        BattleStatus::Running.as_str(),
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(ends_at) = extended else {
        return Ok(None);
    };
    let data = json!({ "ends_at": ends_at, "reason": "judging_delayed" });
    Ok(Some(
        domain::events::append(conn, battle_id, EventKind::BattleExtended, data).await?,
    ))
}

/// Finishes a running battle once its winner is certain: the accepted submission made first
/// (ties: fewer wrong attempts before it); on a scoring problem, only a submission with the
/// maximum score counts as accepted here (the best score wins when time runs out). `finish_battle` refuses while a submission made
/// before it still waits for its verdict, since that one could win instead. Called after every
/// verdict, under the battle's row lock (taken by appending the verdict's event).
async fn decide_winner(
    conn: &mut PgConnection,
    battle_id: Uuid,
) -> sqlx::Result<Option<FinishedBattle>> {
    let first_accepted = sqlx::query!(
        "SELECT s.id, s.user_id FROM submissions s
         WHERE s.battle_id = $1 AND s.verdict = $2
           AND (s.score IS NULL OR s.score >= s.max_score - $3)
         ORDER BY s.created_at,
                  (SELECT count(*) FROM submissions w
                   WHERE w.battle_id = s.battle_id AND w.user_id = s.user_id
                     AND w.created_at < s.created_at AND w.verdict <> $2),
                  s.id
         LIMIT 1",
        battle_id,
        Verdict::AC.as_str(),
        SCORE_EPSILON,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(first) = first_accepted else {
        return Ok(None);
    };
    let ending = Ending::Accepted {
        winner: first.user_id,
        submission_id: first.id,
    };
    domain::finish_battle(conn, battle_id, ending).await
}

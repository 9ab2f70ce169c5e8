//! Loading a submission for judging and applying its verdict, exactly once.

use joust_common::{
    Language,
    battle_events::{self, BattleEvent},
    execution::{ExecutionRequest, ExecutionResponse, TestCase, Verdict},
};
use serde_json::json;
use sqlx::{PgPool, Row};
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
}

/// Loads the submission and its problem's hidden tests; `None` when it does not exist.
pub async fn load_submission(
    pool: &PgPool,
    id: Uuid,
) -> sqlx::Result<Option<SubmissionForJudging>> {
    let Some(row) = sqlx::query(
        "SELECT s.battle_id, s.user_id, s.language, s.source, s.status, b.player_a, b.player_b,
                b.problem_id, p.time_limit_ms, p.memory_limit_mb
         FROM submissions s
         JOIN battles b ON b.id = s.battle_id
         JOIN problems p ON p.id = b.problem_id
         WHERE s.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let problem_id: Uuid = row.try_get("problem_id")?;
    let tests = sqlx::query(
        "SELECT input, expected_output FROM problem_tests WHERE problem_id = $1 ORDER BY ordinal",
    )
    .bind(problem_id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|t| {
        Ok(TestCase {
            input: t.try_get("input")?,
            expected_output: t.try_get("expected_output")?,
        })
    })
    .collect::<sqlx::Result<Vec<_>>>()?;
    let language: String = row.try_get("language")?;
    let language = Language::parse(&language)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown language {language}").into()))?;
    Ok(Some(SubmissionForJudging {
        id,
        battle_id: row.try_get("battle_id")?,
        user_id: row.try_get("user_id")?,
        players: [row.try_get("player_a")?, row.try_get("player_b")?],
        already_judged: row.try_get::<String, _>("status")? == "judged",
        request: ExecutionRequest {
            language,
            source: row.try_get("source")?,
            tests,
            time_limit_ms: row.try_get::<i32, _>("time_limit_ms")? as u64,
            memory_limit_mb: row.try_get::<i32, _>("memory_limit_mb")? as u64,
            checker: Default::default(),
            run_all: false,
        },
    }))
}

/// Counts a judging attempt; `None` when the submission is no longer waiting for a verdict.
pub async fn record_attempt(pool: &PgPool, id: Uuid) -> sqlx::Result<Option<i32>> {
    sqlx::query_scalar("UPDATE submissions SET attempts = attempts + 1 WHERE id = $1 AND status = 'queued' RETURNING attempts")
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Gives back an attempt that failed through no fault of the submission (an executor outage).
pub async fn refund_attempt(pool: &PgPool, id: Uuid) -> sqlx::Result<()> {
    sqlx::query("UPDATE submissions SET attempts = greatest(attempts - 1, 0) WHERE id = $1 AND status = 'queued'")
        .bind(id)
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
    let marked = sqlx::query(
        "UPDATE submissions SET delayed_since = now() WHERE id = $1 AND status = 'queued' AND delayed_since IS NULL",
    )
    .bind(submission.id)
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
    let event =
        battle_events::append(&mut tx, submission.battle_id, "judging.delayed", data).await?;
    tx.commit().await?;
    Ok(Some(event))
}

/// Records the verdict and, for the first Accepted of a running battle, finishes the battle; a
/// submission whose judging was delayed by an outage extends its battle by the time it waited.
/// Returns the battle events to publish; empty when the verdict had already been applied, so a
/// submission judged twice changes nothing the second time.
pub async fn apply_verdict(
    pool: &PgPool,
    submission: &SubmissionForJudging,
    response: &ExecutionResponse,
) -> sqlx::Result<Vec<BattleEvent>> {
    let mut tx = pool.begin().await?;
    let updated: Option<Option<chrono::DateTime<chrono::Utc>>> = sqlx::query_scalar(
        "UPDATE submissions SET status = 'judged', verdict = $2, result = $3, judged_at = now()
         WHERE id = $1 AND status = 'queued'
         RETURNING delayed_since",
    )
    .bind(submission.id)
    .bind(response.verdict.as_str())
    .bind(sqlx::types::Json(response))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(delayed_since) = updated else {
        return Ok(vec![]);
    };
    let mut events = Vec::new();
    if let Some(since) = delayed_since {
        // Only the part of the delay not already compensated by an earlier delayed verdict.
        let extended: Option<chrono::DateTime<chrono::Utc>> = sqlx::query_scalar(
            "UPDATE battles
             SET ends_at = ends_at + (now() - greatest($2, coalesce(extended_through, $2))),
                 extended_through = now()
             WHERE id = $1 AND status = 'running' AND now() > greatest($2, coalesce(extended_through, $2))
             RETURNING ends_at",
        )
        .bind(submission.battle_id)
        .bind(since)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(ends_at) = extended {
            let data = json!({ "ends_at": ends_at, "reason": "judging_delayed" });
            events.push(
                battle_events::append(&mut tx, submission.battle_id, "battle.extended", data)
                    .await?,
            );
        }
    }
    let judged = json!({
        "submission_id": submission.id,
        "user_id": submission.user_id,
        "verdict": response.verdict,
        "passed_tests": response.passed(),
        "total_tests": submission.request.tests.len(),
        "compile_output": response.compile_output,
        "time_ms": response.tests.iter().map(|t| t.time_ms).max().unwrap_or(0),
        "message": (response.verdict == Verdict::IE).then_some("internal error: this submission could not be judged"),
    });
    events.push(
        battle_events::append(&mut tx, submission.battle_id, "submission.judged", judged).await?,
    );
    if let Some(event) = decide_winner(&mut tx, submission.battle_id).await? {
        events.push(event);
    }
    tx.commit().await?;
    Ok(events)
}

/// Finishes a running battle once its winner is certain: the accepted submission made first
/// (ties: fewer wrong attempts before it), provided no submission made before it still waits for
/// its verdict, since that one could win instead. Called after every verdict, under the battle's
/// row lock (taken by appending the verdict's event).
async fn decide_winner(
    conn: &mut sqlx::PgConnection,
    battle_id: Uuid,
) -> sqlx::Result<Option<BattleEvent>> {
    let first_accepted: Option<(Uuid, Uuid)> = sqlx::query_as(
        "SELECT s.id, s.user_id FROM submissions s
         WHERE s.battle_id = $1 AND s.verdict = 'AC'
         ORDER BY s.created_at,
                  (SELECT count(*) FROM submissions w
                   WHERE w.battle_id = s.battle_id AND w.user_id = s.user_id
                     AND w.created_at < s.created_at AND w.verdict <> 'AC'),
                  s.id
         LIMIT 1",
    )
    .bind(battle_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((submission_id, winner)) = first_accepted else {
        return Ok(None);
    };
    let finished = sqlx::query(
        "UPDATE battles SET status = 'finished', winner_id = $2, outcome = 'accepted', finished_at = now()
         WHERE id = $1 AND status = 'running'
           AND NOT EXISTS (
               SELECT 1 FROM submissions q
               WHERE q.battle_id = $1 AND q.status = 'queued'
                 AND q.created_at <= (SELECT created_at FROM submissions WHERE id = $3))",
    )
    .bind(battle_id)
    .bind(winner)
    .bind(submission_id)
    .execute(&mut *conn)
    .await?;
    if finished.rows_affected() == 0 {
        return Ok(None);
    }
    let data =
        json!({ "winner_id": winner, "outcome": "accepted", "submission_id": submission_id });
    Ok(Some(
        battle_events::append(conn, battle_id, "battle.finished", data).await?,
    ))
}

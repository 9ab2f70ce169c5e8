//! What the executor gets for a practice run: the battle's problem limits, and either the
//! custom input (nothing to compare with) or the problem's sample tests with its checker.

use joust_common::{
    execution::{Checker, ExecutionRequest, TestCase},
    runs::RunRequest,
};
use uuid::Uuid;

use crate::state::JudgeState;

/// The executor's request: the custom input with nothing to compare against (every output is
/// accepted by the default checker's rules and reported as the program's own), or the
/// problem's sample tests (of the battle's problem version) with its checker, all of them run.
pub async fn execution_request(
    state: &JudgeState,
    request: &RunRequest,
) -> sqlx::Result<Option<ExecutionRequest>> {
    let Some(problem) = sqlx::query!(
        r#"SELECT b.problem_id, b.problem_version_id,
                  coalesce(v.time_limit_ms, p.time_limit_ms) AS "time_limit_ms!",
                  coalesce(v.memory_limit_mb, p.memory_limit_mb) AS "memory_limit_mb!",
                  v.checker AS "checker?"
           FROM battles b
           JOIN problems p ON p.id = b.problem_id
           LEFT JOIN problem_versions v ON v.id = b.problem_version_id
           WHERE b.id = $1"#,
        request.battle_id,
    )
    .fetch_optional(&state.pool)
    .await?
    else {
        return Ok(None);
    };
    let (problem_id, version_id, time_limit_ms, memory_limit_mb, checker) = (
        problem.problem_id,
        problem.problem_version_id,
        problem.time_limit_ms,
        problem.memory_limit_mb,
        problem.checker,
    );
    let (tests, checker) = match &request.input {
        Some(input) => {
            let test = TestCase {
                input: input.clone(),
                expected_output: String::new(),
                sample: true,
            };
            (vec![test], Checker::default())
        }
        None => {
            let tests = samples(state, problem_id, version_id).await?;
            let checker = match checker {
                Some(checker) => {
                    serde_json::from_value(checker).map_err(|e| sqlx::Error::Decode(Box::new(e)))?
                }
                None => Checker::default(),
            };
            (tests, checker)
        }
    };
    Ok(Some(ExecutionRequest {
        language: request.language,
        source: request.source.clone(),
        tests,
        time_limit_ms: time_limit_ms as u64,
        memory_limit_mb: memory_limit_mb as u64,
        checker,
        run_all: true,
    }))
}

async fn samples(
    state: &JudgeState,
    problem_id: Uuid,
    version_id: Option<Uuid>,
) -> sqlx::Result<Vec<TestCase>> {
    // The judging queries' tests, only the samples.
    let tests = match version_id {
        Some(version) => {
            sqlx::query_as!(
                TestCase,
                "SELECT input, expected_output, is_sample AS sample FROM problem_version_tests
                 WHERE version_id = $1 AND is_sample ORDER BY ordinal",
                version,
            )
            .fetch_all(&state.pool)
            .await?
        }
        None => {
            sqlx::query_as!(
                TestCase,
                "SELECT input, expected_output, is_sample AS sample FROM problem_tests
                 WHERE problem_id = $1 AND is_sample ORDER BY ordinal",
                problem_id,
            )
            .fetch_all(&state.pool)
            .await?
        }
    };
    Ok(tests)
}

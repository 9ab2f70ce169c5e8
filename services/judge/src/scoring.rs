//! Scoring problems in the judge: loading a version's scoring model with the submission, and
//! turning the executor's per-test results into the submission's verdict and score (the rules
//! themselves are `joust_common::domain::scoring`).

use joust_common::{
    domain::{
        Verdict,
        scoring::{Scored, ScoringModel, TestOutcome},
    },
    execution::ExecutionResponse,
};
use sqlx::PgPool;
use uuid::Uuid;

/// The scoring model of the problem version `version`; `None` for pass-fail problems and the
/// seeded problem (no version).
pub async fn load(pool: &PgPool, version: Option<Uuid>) -> sqlx::Result<Option<ScoringModel>> {
    let Some(version) = version else {
        return Ok(None);
    };
    let stored = sqlx::query_scalar!(
        r#"SELECT scoring AS "scoring?" FROM problem_versions WHERE id = $1"#,
        version
    )
    .fetch_optional(pool)
    .await?
    .flatten();
    stored
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// The verdict and score of `response` under `model`. A submission that did not compile, or
/// that the judge could not judge, keeps that verdict and scores nothing.
pub fn score(model: &ScoringModel, response: &ExecutionResponse) -> Scored {
    if matches!(response.verdict, Verdict::CE | Verdict::IE) {
        return Scored {
            verdict: response.verdict,
            score: 0.0,
            max_score: model.max_score(),
        };
    }
    let count = response
        .tests
        .iter()
        .map(|t| t.index + 1)
        .max()
        .unwrap_or(0);
    // Tests the executor did not report (it stopped early) stay rejected: `None` becomes a
    // missing outcome in the model.
    let mut outcomes: Vec<Option<TestOutcome>> = vec![None; count];
    for test in &response.tests {
        outcomes[test.index] = Some(TestOutcome {
            verdict: test.verdict,
            score: test.score,
        });
    }
    let reported: Vec<TestOutcome> = outcomes.into_iter().map_while(|o| o).collect();
    model.score(&reported)
}

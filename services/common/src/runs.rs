//! Practice runs: a player's program run on the problem's sample tests or on an input of the
//! player's own, while a battle runs. A run is not a submission: it is never in PostgreSQL or
//! in the battle's event log, and it changes nothing in the battle. The battle service appends
//! the request to its own Redis stream (read by the judges as their own consumer group, after
//! submissions) and the judge keeps the result in Redis for [`RESULT_TTL`], readable by the
//! run's owner only.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    Language,
    execution::{ExecutionResponse, TestResult, Verdict},
};

/// Consumer group of the judges on the runs stream.
pub const RUNS_GROUP: &str = "judges-runs";

/// Largest custom input of a run.
pub const MAX_RUN_INPUT_BYTES: usize = 64 * 1024;

/// How long a run's result stays readable.
pub const RESULT_TTL: Duration = Duration::from_secs(15 * 60);

/// The socket event that brings a finished run to its owner's sockets.
pub const RUN_FINISHED_EVENT: &str = "run.finished";

/// Key of the runs stream.
pub fn runs_stream(prefix: &str) -> String {
    format!("{prefix}judge:runs")
}

/// Key of a run's record (queued, then finished).
pub fn run_key(prefix: &str, run_id: Uuid) -> String {
    format!("{prefix}run:{run_id}")
}

/// What the judge needs to run a program: it travels in the stream entry itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    pub run_id: Uuid,
    pub battle_id: Uuid,
    pub user_id: Uuid,
    pub language: Language,
    pub source: String,
    /// A custom input; `None` runs the problem's sample tests.
    #[serde(default)]
    pub input: Option<String>,
}

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Queued,
    Finished,
}

/// A run as its owner sees it (`GET /api/runs/{id}` and the `run.finished` event).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunRecord {
    pub run_id: Uuid,
    pub battle_id: Uuid,
    /// The owner: the only user who may read it.
    pub user_id: Uuid,
    pub status: RunStatus,
    /// Ran on a custom input rather than on the samples.
    pub custom_input: bool,
    /// On the samples, the verdict over them. On a custom input there is nothing to compare
    /// with: `None` when the program ran to its end, else why it did not (`CE`, `RTE`, `TLE`,
    /// `MLE`, `OLE`, `IE`).
    pub verdict: Option<Verdict>,
    /// The compiler's output, for the run's owner alone.
    pub compile_output: Option<String>,
    /// Per test what players may see (`ExecutionResponse::for_players`): a custom input and
    /// the samples are shown in full (own output, stderr tail, exit code or trap).
    pub tests: Vec<TestResult>,
}

impl RunRecord {
    /// A run just accepted, not yet run.
    pub fn queued(request: &RunRequest) -> Self {
        Self {
            run_id: request.run_id,
            battle_id: request.battle_id,
            user_id: request.user_id,
            status: RunStatus::Queued,
            custom_input: request.input.is_some(),
            verdict: None,
            compile_output: None,
            tests: Vec::new(),
        }
    }

    /// The finished run of `request` from the executor's `response`, reduced to what players
    /// may see.
    pub fn finished(request: &RunRequest, response: &ExecutionResponse) -> Self {
        let shown = response.for_players();
        let custom_input = request.input.is_some();
        let verdict = match response.verdict {
            // A custom input has no expected output: any output is just the program's own.
            Verdict::AC | Verdict::WA if custom_input => None,
            verdict => Some(verdict),
        };
        let tests = shown
            .tests
            .into_iter()
            .map(|test| match test.verdict {
                Verdict::WA if custom_input => TestResult {
                    verdict: Verdict::AC,
                    message: None,
                    ..test
                },
                _ => test,
            })
            .collect();
        Self {
            status: RunStatus::Finished,
            verdict,
            compile_output: response.compile_output.clone(),
            tests,
            ..Self::queued(request)
        }
    }
}

/// Appends a run to the runs stream.
pub async fn enqueue(
    redis: &mut redis::aio::ConnectionManager,
    prefix: &str,
    request: &RunRequest,
) -> redis::RedisResult<()> {
    let body = serde_json::to_string(request).expect("run requests serialize");
    redis::cmd("XADD")
        .arg(runs_stream(prefix))
        .arg("*")
        .arg("run")
        .arg(body)
        .query_async::<String>(redis)
        .await?;
    Ok(())
}

/// Stores a run's record for [`RESULT_TTL`].
pub async fn store(
    redis: &mut redis::aio::ConnectionManager,
    prefix: &str,
    record: &RunRecord,
) -> redis::RedisResult<()> {
    let body = serde_json::to_string(record).expect("run records serialize");
    redis::cmd("SET")
        .arg(run_key(prefix, record.run_id))
        .arg(body)
        .arg("EX")
        .arg(RESULT_TTL.as_secs())
        .query_async::<()>(redis)
        .await
}

/// A run's record, if it has not expired.
pub async fn load(
    redis: &mut redis::aio::ConnectionManager,
    prefix: &str,
    run_id: Uuid,
) -> redis::RedisResult<Option<RunRecord>> {
    let body: Option<String> = redis::cmd("GET")
        .arg(run_key(prefix, run_id))
        .query_async(redis)
        .await?;
    Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(input: Option<&str>) -> RunRequest {
        RunRequest {
            run_id: Uuid::new_v4(),
            battle_id: Uuid::new_v4(),
            user_id: Uuid::new_v4(),
            language: Language::Python,
            source: "print(1)".into(),
            input: input.map(String::from),
        }
    }

    fn response(verdict: Verdict) -> ExecutionResponse {
        ExecutionResponse {
            verdict,
            compile_output: None,
            validator_error: Some("secret".into()),
            tests: vec![TestResult {
                sample: true,
                output: Some("7\n".into()),
                message: Some("wrong answer".into()),
                ..TestResult::new(0, verdict)
            }],
        }
    }

    #[test]
    fn a_custom_input_has_no_wrong_answer() {
        let record = RunRecord::finished(&request(Some("3 4")), &response(Verdict::WA));
        assert_eq!(record.verdict, None);
        assert_eq!(record.tests[0].verdict, Verdict::AC);
        assert_eq!(record.tests[0].output.as_deref(), Some("7\n"));
        let failed = RunRecord::finished(&request(Some("3 4")), &response(Verdict::RTE));
        assert_eq!(failed.verdict, Some(Verdict::RTE));
    }

    #[test]
    fn samples_keep_their_verdict() {
        let record = RunRecord::finished(&request(None), &response(Verdict::WA));
        assert_eq!(record.verdict, Some(Verdict::WA));
        assert_eq!(record.status, RunStatus::Finished);
        assert!(!record.custom_input);
    }
}

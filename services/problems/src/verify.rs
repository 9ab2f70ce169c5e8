//! Verification, as the format's reference tool does it: every input validator accepts every
//! test input, every submission in `submissions/` gets its folder's verdict, and the time limit
//! is derived from the slowest accepted submission where the package fixes none. Every
//! mismatch goes into one report.

use futures::{StreamExt, stream};
use joust_common::{domain::Verdict, execution::TestCase};

use crate::{
    Package, Report,
    expectations::{self, Outcome},
    package::Submission,
    runner::{self, Execute, MAX_TIME_MS, TESTS_PER_REQUEST},
};

/// How many executor requests verification keeps in flight.
const CONCURRENCY: usize = 4;

/// What verification established.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Verified {
    /// The time limit battles are judged with: the package's, or the derived one.
    pub time_limit_ms: u64,
    /// Whether it was derived from the accepted submissions.
    pub time_limit_derived: bool,
    pub memory_limit_mb: u64,
    /// The slowest test of the slowest accepted submission.
    pub slowest_accepted_ms: u64,
    /// The checker battles are judged with, as the executor takes it.
    pub checker: joust_common::execution::Checker,
    /// Each submission with its verdict and slowest test.
    pub runs: Vec<Run>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Run {
    pub path: String,
    /// The verdict its folder requires; `None` when only rules define the folder.
    pub expected: Option<Verdict>,
    pub verdict: Verdict,
    pub max_time_ms: u64,
    /// Its score, on a scoring problem.
    pub score: Option<f64>,
    /// What it broke of its score expectations and `submissions.yaml` rules.
    #[serde(skip)]
    pub broken: Vec<String>,
}

/// Verifies `package` on `executor`; the report lists every mismatch.
pub async fn verify<E: Execute>(package: &Package, executor: &E) -> Result<Verified, Report> {
    let mut report = Report::default();
    let checker = runner::checker_for(package).map_err(Report::single)?;
    let memory_limit_mb = package.config.limits.memory;

    validate_inputs(package, executor, &mut report).await;

    let tests: Vec<TestCase> = package
        .tests
        .iter()
        .map(|t| TestCase {
            input: t.input.clone(),
            expected_output: t.answer.clone(),
            sample: t.is_sample,
        })
        .collect();
    let fixed_ms = package
        .config
        .limits
        .time_limit
        .map(|s| (s * 1000.0).ceil() as u64);
    let (accepted, others): (Vec<&Submission>, Vec<&Submission>) =
        package.submissions.iter().partition(|s| s.is_accepted());

    // Accepted submissions first, with the fixed limit or the most an executor allows: their
    // slowest test decides the derived limit.
    let probe_ms = fixed_ms.unwrap_or(MAX_TIME_MS);
    let mut runs = run_all(
        package,
        &accepted,
        &tests,
        &checker,
        probe_ms,
        memory_limit_mb,
        executor,
    )
    .await;
    let slowest_accepted_ms = runs
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .filter(|r| r.verdict == Verdict::AC)
        .map(|r| r.max_time_ms)
        .max()
        .unwrap_or(0);
    let limits = &package.config.limits;
    let time_limit_ms = fixed_ms.unwrap_or_else(|| derive_time_limit(slowest_accepted_ms, limits));
    if time_limit_ms > MAX_TIME_MS {
        report.add(format!(
            "the time limit would be {time_limit_ms} ms, above the executor's {MAX_TIME_MS} ms"
        ));
    }
    let tle_ms = ((time_limit_ms as f64) * limits.time_limit_to_tle).ceil() as u64;
    let (slow, rest): (Vec<&Submission>, Vec<&Submission>) = others
        .into_iter()
        .partition(|s| s.expected == Some(Verdict::TLE));
    runs.extend(
        run_all(
            package,
            &rest,
            &tests,
            &checker,
            time_limit_ms,
            memory_limit_mb,
            executor,
        )
        .await,
    );
    runs.extend(
        run_all(
            package,
            &slow,
            &tests,
            &checker,
            tle_ms,
            memory_limit_mb,
            executor,
        )
        .await,
    );

    let mut done = Vec::new();
    for run in runs {
        match run {
            Ok(Run {
                path,
                expected: Some(expected),
                verdict,
                max_time_ms,
                ..
            }) if as_the_format_counts(verdict) != expected => report.add(format!(
                "{path}: got {verdict}, expected {expected} (slowest test {max_time_ms} ms, \
                 time limit {time_limit_ms} ms)"
            )),
            Ok(run) if !run.broken.is_empty() => {
                for broken in &run.broken {
                    report.add(format!("{}: {broken}", run.path));
                }
            }
            Ok(run) => done.push(run),
            Err(problem) => report.add(problem),
        }
    }
    report.into_result(Verified {
        time_limit_ms,
        time_limit_derived: fixed_ms.is_none(),
        memory_limit_mb: memory_limit_mb.min(runner::MAX_MEMORY_MB),
        slowest_accepted_ms,
        checker,
        runs: done,
    })
}

/// The verdict a submission folder is held to: the format has no memory-limit folder, and its
/// reference tool counts running out of memory as a run-time error.
fn as_the_format_counts(verdict: Verdict) -> Verdict {
    match verdict {
        Verdict::MLE => Verdict::RTE,
        other => other,
    }
}

/// Slowest accepted run × `ac_to_time_limit`, rounded up to the time resolution (at least one
/// resolution step).
pub fn derive_time_limit(slowest_ms: u64, limits: &crate::config::Limits) -> u64 {
    let step_ms = (limits.time_resolution * 1000.0).max(1.0);
    let raw = slowest_ms as f64 * limits.ac_to_time_limit;
    ((raw / step_ms).ceil().max(1.0) * step_ms) as u64
}

async fn run_all<E: Execute>(
    package: &Package,
    submissions: &[&Submission],
    tests: &[TestCase],
    checker: &joust_common::execution::Checker,
    time_limit_ms: u64,
    memory_limit_mb: u64,
    executor: &E,
) -> Vec<Result<Run, String>> {
    // The futures are made first: a stream of a closure's futures is not `Send` enough for a
    // request handler.
    let runs: Vec<_> = submissions
        .iter()
        .map(|submission| {
            run_one(
                package,
                submission,
                tests,
                checker,
                time_limit_ms,
                memory_limit_mb,
                executor,
            )
        })
        .collect();
    stream::iter(runs).buffered(CONCURRENCY).collect().await
}

/// One submission on every test, in requests of at most [`TESTS_PER_REQUEST`] tests, up to its
/// first failure; on every test when its score or its `submissions.yaml` rules need them all.
async fn run_one<E: Execute>(
    package: &Package,
    submission: &Submission,
    tests: &[TestCase],
    checker: &joust_common::execution::Checker,
    time_limit_ms: u64,
    memory_limit_mb: u64,
    executor: &E,
) -> Result<Run, String> {
    let model = package.scoring.as_ref();
    let every_test = model.is_some()
        || submission
            .rules
            .iter()
            .any(expectations::Rule::needs_every_test);
    let mut verdict = Verdict::AC;
    let mut max_time_ms = 0;
    let mut outcomes: Vec<Option<Outcome>> = vec![None; tests.len()];
    for (chunk_index, chunk) in tests.chunks(TESTS_PER_REQUEST).enumerate() {
        let mut request = runner::submission_run(
            &submission.program,
            chunk.to_vec(),
            checker,
            time_limit_ms,
            memory_limit_mb,
        )?;
        request.run_all = every_test;
        let response = executor
            .execute(&request)
            .await
            .map_err(|e| format!("{}: the executor failed: {e:#}", submission.program.path))?;
        max_time_ms = response
            .tests
            .iter()
            .map(|t| t.time_ms)
            .max()
            .unwrap_or(0)
            .max(max_time_ms);
        for test in &response.tests {
            if let Some(slot) = outcomes.get_mut(chunk_index * TESTS_PER_REQUEST + test.index) {
                *slot = Some(Outcome {
                    verdict: as_the_format_counts(test.verdict),
                    score: test.score,
                    judge_message: test.judge_message.clone(),
                });
            }
        }
        if verdict == Verdict::AC {
            verdict = runner::first_failure(&response);
        }
        if verdict == Verdict::IE {
            let reason = response.tests.iter().find_map(|t| t.message.clone());
            return Err(format!(
                "{}: the judge failed (IE): {}",
                submission.program.path,
                reason.unwrap_or_else(|| "the output validator does not compile".into())
            ));
        }
        if verdict == Verdict::CE || (verdict != Verdict::AC && !every_test) {
            break;
        }
    }
    let (scored, broken) = expectations::check(
        submission.folder_score,
        &submission.rules,
        &package.tests,
        &outcomes,
        model,
    );
    Ok(Run {
        path: submission.program.path.clone(),
        expected: submission.expected,
        // A scoring problem's verdict is its model's, as the judge gives it in a battle (a
        // submission that does not compile keeps CE).
        verdict: scored
            .filter(|_| verdict != Verdict::CE)
            .map_or(verdict, |s| s.verdict),
        max_time_ms,
        score: scored.map(|s| s.score),
        broken,
    })
}

/// Runs every input validator over every test input, with each test's group flags; each
/// rejection is reported.
async fn validate_inputs<E: Execute>(package: &Package, executor: &E, report: &mut Report) {
    // Tests with the same flags share requests.
    let mut by_flags: std::collections::BTreeMap<Vec<String>, Vec<&crate::testdata::TestCase>> =
        Default::default();
    for test in &package.tests {
        by_flags
            .entry(input_validator_flags(package, &test.group))
            .or_default()
            .push(test);
    }
    for validator in &package.input_validators {
        for (flags, tests) in &by_flags {
            if !validate_chunks(validator, flags, tests, executor, report).await {
                break;
            }
        }
    }
}

/// The `input_validator_flags` (legacy) or `input_validator_args` (2023-07) of the nearest
/// group at or above `group` that sets them: a group's `testdata.yaml` applies below it.
pub fn input_validator_flags(package: &Package, group: &str) -> Vec<String> {
    let mut path = group;
    loop {
        let settings = package
            .groups
            .iter()
            .find(|g| g.path == path)
            .map(|g| &g.settings);
        for key in ["input_validator_flags", "input_validator_args"] {
            match settings.and_then(|s| s.get(key)) {
                Some(serde_json::Value::String(text)) => {
                    return text.split_whitespace().map(str::to_owned).collect();
                }
                Some(serde_json::Value::Array(items)) => {
                    return items
                        .iter()
                        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                        .collect();
                }
                _ => {}
            }
        }
        if path.is_empty() {
            return Vec::new();
        }
        path = path.rsplit_once('/').map_or("", |(parent, _)| parent);
    }
}

/// One validator with `flags` over `tests`, in requests of at most [`TESTS_PER_REQUEST`];
/// false when the validator cannot run at all (reported once).
async fn validate_chunks<E: Execute>(
    validator: &crate::package::Program,
    flags: &[String],
    tests: &[&crate::testdata::TestCase],
    executor: &E,
    report: &mut Report,
) -> bool {
    for chunk in tests.chunks(TESTS_PER_REQUEST) {
        let texts: Vec<&str> = chunk.iter().map(|t| t.input.as_str()).collect();
        let request = match runner::input_validation(validator, flags, &texts) {
            Ok(request) => request,
            Err(problem) => {
                report.add(problem);
                return false;
            }
        };
        let response = match executor.execute(&request).await {
            Ok(response) => response,
            Err(e) => {
                report.add(format!("{}: the executor failed: {e:#}", validator.path));
                return false;
            }
        };
        for (test, result) in chunk.iter().zip(&response.tests) {
            let name = format!("data/{}/{}.in", test.group, test.name);
            match result.verdict {
                Verdict::AC => {}
                Verdict::WA => report.add(format!("{name}: rejected by {}", validator.path)),
                other => report.add(format!(
                    "{name}: {} failed ({other}{})",
                    validator.path,
                    result
                        .message
                        .as_ref()
                        .map(|m| format!(": {m}"))
                        .unwrap_or_default()
                )),
            }
        }
        if response.tests.is_empty() && response.verdict != Verdict::AC {
            // The validator's compiler or crash output, cut short: what its author needs.
            let why = response
                .validator_error
                .as_deref()
                .map(|e| format!(": {}", e.chars().take(300).collect::<String>()))
                .unwrap_or_default();
            report.add(format!(
                "{}: does not run ({}){why}",
                validator.path, response.verdict
            ));
            return false;
        }
    }
    true
}

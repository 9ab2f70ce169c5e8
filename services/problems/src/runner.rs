//! How verification runs programs: the executor's HTTP API (`joust_common::execution`), and the
//! one place that turns a package's validation settings into executor requests.
//!
//! The executor judges a program against tests with a [`Checker`]; this module maps onto it:
//! - default validation: `validator_flags` become the format's default validator with those
//!   flags (`default`);
//! - a custom output validator, one file, a folder of C/C++ sources and headers, or a folder
//!   with `build` and `run` scripts (`validator_scripts`), becomes a `validator` checker run
//!   unchanged with the flags in its argv;
//! - an interactive problem's validator becomes an `interactive` checker;
//! - an input validator (any of the same shapes) runs as the checker of a program that echoes
//!   its input, so it reads the test input on stdin and accepts with 42 and rejects with 43, as
//!   the format says, with its group's `input_validator_flags` after its three arguments.
//!
//! Memory above the executor's maximum (2 GiB) is clamped to it.

use joust_common::{
    Language,
    domain::Verdict,
    execution::{
        BEARER_PREFIX, Checker, DefaultValidator, ExecutionRequest, ExecutionResponse,
        MAX_MEMORY_LIMIT_MB, MAX_TESTS, MAX_TIME_LIMIT_MS, SourceFile, TestCase, Validator,
    },
};

use crate::{Package, config::ProblemType, package::Program};

/// Most tests in one executor request.
pub const TESTS_PER_REQUEST: usize = MAX_TESTS;
/// The longest time limit an executor accepts.
pub const MAX_TIME_MS: u64 = MAX_TIME_LIMIT_MS;
/// The largest memory limit an executor accepts.
pub const MAX_MEMORY_MB: u64 = MAX_MEMORY_LIMIT_MB;

/// Something that judges a program against tests: the executor over HTTP in production.
pub trait Execute: Sync {
    fn execute(
        &self,
        request: &ExecutionRequest,
    ) -> impl Future<Output = anyhow::Result<ExecutionResponse>> + Send;
}

/// An executor reached over HTTP with its bearer token.
#[derive(Debug, Clone)]
pub struct HttpExecutor {
    pub url: String,
    pub token: String,
    pub client: reqwest::Client,
}

impl HttpExecutor {
    pub fn new(url: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            token: token.into(),
            client: reqwest::Client::new(),
        }
    }
}

/// How long a request is retried while the executor says all its run slots are busy (429):
/// verifying several packages at once fills them, and a busy executor is not a refusal.
const BUSY_RETRY_FOR: std::time::Duration = std::time::Duration::from_secs(600);

impl Execute for HttpExecutor {
    async fn execute(&self, request: &ExecutionRequest) -> anyhow::Result<ExecutionResponse> {
        let url = format!("{}/v1/executions", self.url.trim_end_matches('/'));
        let started = std::time::Instant::now();
        let mut pause = std::time::Duration::from_millis(50);
        let response = loop {
            let response = self
                .client
                .post(&url)
                .header(
                    reqwest::header::AUTHORIZATION,
                    format!("{BEARER_PREFIX}{}", self.token),
                )
                .json(request)
                .send()
                .await?;
            if response.status() != reqwest::StatusCode::TOO_MANY_REQUESTS
                || started.elapsed() > BUSY_RETRY_FOR
            {
                break response;
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(std::time::Duration::from_secs(2));
        };
        let status = response.status();
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            anyhow::bail!("the executor answered {status}: {body}");
        }
        Ok(response.json().await?)
    }
}

/// The checker the package's answers are judged with, or why it cannot be run here.
pub fn checker_for(package: &Package) -> Result<Checker, String> {
    let config = &package.config;
    let flags = &config.validator_flags;
    if config.problem_type == ProblemType::Interactive {
        let validator = package
            .output_validator
            .as_ref()
            .ok_or("an interactive problem needs its output validator")?;
        return Ok(Checker::Interactive(validator_program(validator, flags)?));
    }
    if let Some(validator) = &package.output_validator
        && (config.custom_validation || config.format == crate::config::Format::V2023_07)
    {
        return Ok(Checker::Validator(validator_program(validator, flags)?));
    }
    default_checker(flags)
}

/// The default validator's flags as an executor checker.
pub fn default_checker(flags: &[String]) -> Result<Checker, String> {
    DefaultValidator::from_flags(flags)
        .map(Checker::Default)
        .map_err(|e| format!("validator_flags: {e}"))
}

/// A validator as the executor runs it: the file its `build`/`run` scripts name, else the
/// source file with `main` (or the only source file) as its source, every other file of its
/// folder beside it, and `flags` after its three arguments.
fn validator_program(program: &Program, flags: &[String]) -> Result<Validator, String> {
    let unreadable = || format!("{}: a validator's files must be UTF-8 text", program.path);
    let mut texts = Vec::new();
    for (name, data) in &program.files {
        let text = String::from_utf8(data.clone()).map_err(|_| unreadable())?;
        texts.push((name.as_str(), text));
    }
    let (language, main) = match crate::validator_scripts::interpret(&program.files) {
        Some(interpreted) => {
            let interpreted = interpreted.map_err(|e| format!("{}/{e}", program.path))?;
            (interpreted.language, interpreted.main)
        }
        None => {
            let sources: Vec<(&str, Language, &String)> = texts
                .iter()
                .filter_map(|(name, text)| Some((*name, crate::package::language_of(name)?, text)))
                .collect();
            let chosen = match &sources[..] {
                [only] => Some(only),
                _ => sources.iter().find(|(_, _, text)| text.contains("main(")),
            };
            let (name, language, _) = chosen.ok_or_else(|| {
                format!(
                    "{}: no source file with main in a known language",
                    program.path
                )
            })?;
            (*language, (*name).to_owned())
        }
    };
    let mut source = None;
    let mut files = Vec::new();
    for (name, text) in texts {
        if name == main {
            source = Some(text);
        } else if name != "build" && name != "run" {
            files.push(SourceFile {
                path: name.to_owned(),
                content: text,
            });
        }
    }
    Ok(Validator {
        language,
        source: source.ok_or_else(unreadable)?,
        files,
        flags: flags.to_vec(),
    })
}

/// An input validator made to see only its flags in its arguments, as the format runs it,
/// although the executor runs it as a checker with three arguments before the flags: Python
/// drops them from `sys.argv`; C and C++ get a `main` in front of theirs that drops them.
fn input_validator_program(program: &Program, flags: &[String]) -> Result<Validator, String> {
    let mut validator = validator_program(program, flags)?;
    validator.source = match validator.language {
        Language::Python => format!(
            "import sys; sys.argv[1:4] = []  # the checker's three arguments\n{}",
            validator.source
        ),
        Language::C | Language::Cpp => {
            let takes_arguments = std::iter::once(validator.source.as_str())
                .chain(validator.files.iter().map(|f| f.content.as_str()))
                .any(|text| text.replace([' ', '\t'], "").contains("main(int"));
            let call = if takes_arguments {
                "joust_input_validator_main(argc - 3, argv + 3)"
            } else {
                "joust_input_validator_main()"
            };
            format!(
                "#define main joust_input_validator_main\n{}\n#undef main\n\
                 int main(int argc, char **argv) {{ argv[3] = argv[0]; return {call}; }}\n",
                validator.source
            )
        }
        other => {
            return Err(format!(
                "{}: input validators in {other:?} cannot be run here",
                program.path
            ));
        }
    };
    Ok(validator)
}

/// A program that copies its input to its output: what an input validator reads.
const ECHO: &str = "import sys\nsys.stdout.write(sys.stdin.read())\n";

/// The request that runs `validator` with `flags` over `inputs`: each test is accepted when
/// the validator accepts the input.
pub fn input_validation(
    validator: &Program,
    flags: &[String],
    inputs: &[&str],
) -> Result<ExecutionRequest, String> {
    let checker = input_validator_program(validator, flags)?;
    Ok(ExecutionRequest {
        language: Language::Python,
        source: ECHO.to_owned(),
        tests: inputs
            .iter()
            .map(|input| TestCase {
                input: (*input).to_owned(),
                expected_output: String::new(),
                sample: false,
            })
            .collect(),
        time_limit_ms: MAX_TIME_MS,
        memory_limit_mb: MAX_MEMORY_MB,
        checker: Checker::Validator(checker),
        run_all: true,
    })
}

/// The request that judges a submission on `tests`, up to its first failure.
pub fn submission_run(
    program: &Program,
    tests: Vec<TestCase>,
    checker: &Checker,
    time_limit_ms: u64,
    memory_limit_mb: u64,
) -> Result<ExecutionRequest, String> {
    let (language, source) = program
        .single_source()
        .ok_or_else(|| format!("{}: not a single source file", program.path))?;
    Ok(ExecutionRequest {
        language,
        source,
        tests,
        time_limit_ms: time_limit_ms.clamp(1, MAX_TIME_MS),
        memory_limit_mb: memory_limit_mb.clamp(1, MAX_MEMORY_MB),
        checker: checker.clone(),
        // The first failure decides the verdict; accepted programs run every test anyway.
        run_all: false,
    })
}

/// The verdict of a whole run as the format decides it: the first test that failed.
pub fn first_failure(response: &ExecutionResponse) -> Verdict {
    if response.verdict == Verdict::CE {
        return Verdict::CE;
    }
    response
        .tests
        .iter()
        .find(|t| t.verdict != Verdict::AC)
        .map_or(Verdict::AC, |t| t.verdict)
}

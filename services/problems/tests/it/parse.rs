//! Reading packages in both formats, from directories and zips.

use joust_common::domain::Verdict;
use joust_problems::{
    Bounds, PackageFiles,
    config::{Format, ProblemType},
    parse,
};

use crate::{fixture_files, fixture_package, fixture_zip};

#[test]
fn a_legacy_package_with_a_latex_statement_reads_with_its_defaults() {
    let hello = fixture_package("hello");
    assert_eq!(hello.slug, "hello");
    assert_eq!(hello.config.format, Format::Legacy);
    assert_eq!(hello.config.problem_type, ProblemType::PassFail);
    assert!(!hello.config.custom_validation);
    assert_eq!(hello.config.rating, 800);
    // Legacy defaults: time multiplier 5, safety margin 2, 2048 MiB.
    assert_eq!(hello.config.limits.ac_to_time_limit, 5.0);
    assert_eq!(hello.config.limits.time_limit_to_tle, 2.0);
    assert_eq!(hello.config.limits.memory, 2048);
    assert_eq!(hello.config.limits.time_limit, None);
    // No name in problem.yaml: the slug stands in.
    assert_eq!(hello.title(), "hello");
    let statement = &hello.statements[0];
    assert_eq!(
        (
            statement.language.as_str(),
            statement.source_format.as_str()
        ),
        ("en", "latex")
    );
    // pandoc kept the math for KaTeX and turned the sections into headings.
    assert!(
        statement.markdown.contains("$n = 0$"),
        "{}",
        statement.markdown
    );
    assert!(statement.markdown.contains("$$\\sum_{i=1}^{n} a_i = 0.$$"));
    assert!(statement.markdown.contains("Input"));
    assert!(!statement.markdown.contains("problemname"));
    assert_eq!(hello.tests.len(), 2);
    assert!(hello.tests[0].is_sample && !hello.tests[1].is_sample);
    assert_eq!(hello.tests[1].answer, "Hello World!\n");
    let expected: Vec<(&str, Verdict)> = hello
        .submissions
        .iter()
        .map(|s| {
            (
                s.program.path.as_str(),
                s.expected.expect("a folder verdict"),
            )
        })
        .collect();
    assert_eq!(
        expected,
        [
            ("submissions/accepted/hello.c", Verdict::AC),
            ("submissions/accepted/hello.py", Verdict::AC),
            ("submissions/run_time_error/exits.py", Verdict::RTE),
            ("submissions/time_limit_exceeded/spin.py", Verdict::TLE),
            ("submissions/wrong_answer/goodbye.py", Verdict::WA),
        ]
    );
    assert_eq!(hello.input_validators.len(), 1);
}

#[test]
fn a_2023_07_package_reads_names_per_language_groups_and_a_fixed_time_limit() {
    let different = fixture_package("different");
    assert_eq!(different.config.format, Format::V2023_07);
    assert_eq!(different.title(), "A Different Problem");
    assert_eq!(different.config.names["sv"], "Ett annorlunda problem");
    assert_eq!(different.config.limits.time_limit, Some(2.0));
    assert_eq!(different.config.limits.memory, 256);
    // 2023-07 defaults.
    assert_eq!(different.config.limits.ac_to_time_limit, 2.0);
    assert_eq!(different.config.limits.time_limit_to_tle, 1.5);
    let languages: Vec<&str> = different
        .statements
        .iter()
        .map(|s| s.language.as_str())
        .collect();
    assert_eq!(languages, ["en", "sv"]);
    let groups: Vec<&str> = different.tests.iter().map(|t| t.group.as_str()).collect();
    assert_eq!(
        groups,
        ["sample", "secret/large", "secret/small", "secret/small"]
    );
    assert_eq!(different.groups.len(), 1);
    assert_eq!(different.groups[0].path, "secret");
    assert_eq!(different.groups[0].settings["on_reject"], "continue");
}

#[test]
fn custom_and_interactive_validation_are_recognized() {
    let oddecho = fixture_package("oddecho");
    assert!(oddecho.config.custom_validation);
    assert_eq!(oddecho.title(), "Odd Echo");
    assert_eq!(
        oddecho.output_validator.as_ref().unwrap().path,
        "output_validators/validate.py"
    );
    let guess = fixture_package("guess");
    assert_eq!(guess.config.problem_type, ProblemType::Interactive);
    assert!(guess.output_validator.is_some());
}

#[test]
fn a_zip_with_one_top_folder_reads_like_the_directory() {
    for name in ["hello", "different", "oddecho", "guess"] {
        let zipped = PackageFiles::read_zip(&fixture_zip(name), "upload", &Bounds::default())
            .expect("the zip reads");
        assert_eq!(zipped, fixture_files(name), "{name}");
        let package = parse(&zipped).unwrap();
        assert_eq!(package.content_hash, fixture_package(name).content_hash);
    }
}

#[test]
fn the_content_hash_changes_with_any_file() {
    let before = fixture_package("hello").content_hash;
    let changed = crate::fixture_with("hello", &[("data/secret/hello.ans", Some("Hello!\n"))]);
    assert_ne!(parse(&changed).unwrap().content_hash, before);
}

#[test]
fn default_validator_flags_map_onto_the_executor_checkers() {
    use joust_common::execution::{Checker, DefaultValidator};
    use joust_problems::runner::default_checker;
    let flags = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    let default = |v: DefaultValidator| Ok(Checker::Default(v));
    assert_eq!(default_checker(&[]), default(DefaultValidator::default()));
    assert_eq!(
        default_checker(&flags("case_sensitive space_change_sensitive")),
        default(DefaultValidator {
            case_sensitive: true,
            space_change_sensitive: true,
            ..DefaultValidator::default()
        })
    );
    assert_eq!(
        default_checker(&flags("float_tolerance 1e-6")),
        default(DefaultValidator {
            float_absolute_tolerance: Some(1e-6),
            float_relative_tolerance: Some(1e-6),
            ..DefaultValidator::default()
        })
    );
    assert_eq!(
        default_checker(&flags("float_absolute_tolerance 0.5")),
        default(DefaultValidator {
            float_absolute_tolerance: Some(0.5),
            ..DefaultValidator::default()
        })
    );
    assert!(default_checker(&flags("float_tolerance")).is_err());
    assert!(default_checker(&flags("ignore_everything")).is_err());
}

#[test]
fn the_derived_time_limit_rounds_up_to_the_resolution() {
    use joust_problems::verify::derive_time_limit;
    let limits = fixture_package("hello").config.limits;
    // 5 × 130 ms = 650 ms, rounded up to whole seconds.
    assert_eq!(derive_time_limit(130, &limits), 1000);
    assert_eq!(derive_time_limit(250, &limits), 2000);
    // A program too fast to measure still gets one step.
    assert_eq!(derive_time_limit(0, &limits), 1000);
}

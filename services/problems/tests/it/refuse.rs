//! Bad packages are refused whole, and the report names everything wrong.

use joust_problems::{Bounds, PackageFiles, Report, parse, source::safe_path};
use proptest::prelude::*;

use crate::{files_of, fixture_files, fixture_with, zip_of};

fn refused(files: &PackageFiles) -> Report {
    parse(files).expect_err("the package is refused")
}

#[test]
fn an_empty_package_lists_every_missing_part() {
    let report = refused(&files_of("empty", &[("README", "nothing here")]));
    for missing in [
        "problem.yaml: missing",
        "no statement",
        "data/: missing",
        "no input validator",
        "no accepted submission",
    ] {
        assert!(report.mentions(missing), "{missing} in {report}");
    }
}

#[test]
fn missing_answers_and_missing_secret_data_are_each_reported() {
    let report = refused(&fixture_with(
        "hello",
        &[
            ("data/secret/hello.ans", None),
            ("data/sample/orphan.ans", Some("x")),
        ],
    ));
    assert!(
        report.mentions("data/secret/hello.ans: missing"),
        "{report}"
    );
    assert!(report.mentions("data/sample/orphan.ans: an answer without its .in"));
    assert!(report.mentions("no secret test"));
}

#[test]
fn bad_yaml_is_refused_with_its_position() {
    let report = refused(&fixture_with(
        "hello",
        &[("problem.yaml", Some("name: [unclosed\n"))],
    ));
    assert!(report.mentions("problem.yaml: bad YAML"), "{report}");
    let report = refused(&fixture_with(
        "different",
        &[("data/secret/testdata.yaml", Some("on_reject: {"))],
    ));
    assert!(
        report.mentions("data/secret/testdata.yaml: bad YAML"),
        "{report}"
    );
}

#[test]
fn every_unknown_key_is_reported_at_once() {
    let yaml =
        "name: X\nvalidation: default\nfavourite_colour: blue\nlimits:\n  memory: 64\n  cpus: 4\n";
    let report = refused(&fixture_with(
        "hello",
        &[
            ("problem.yaml", Some(yaml)),
            (
                "data/secret/testdata.yaml",
                Some("on_reject: explode\nbonus: 1\n"),
            ),
        ],
    ));
    assert!(
        report.mentions("unknown key \"favourite_colour\""),
        "{report}"
    );
    assert!(report.mentions("limits: unknown key \"cpus\""));
    assert!(report.mentions("testdata.yaml: unknown key \"bonus\""));
    assert!(report.mentions("on_reject must be break or continue"));
    // A 2023-07 key is unknown to a legacy package.
    let report = refused(&fixture_with(
        "hello",
        &[(
            "problem.yaml",
            Some("limits:\n  time_multipliers: {ac_to_time_limit: 2}\n"),
        )],
    ));
    assert!(
        report.mentions("unknown key \"time_multipliers\""),
        "{report}"
    );
}

#[test]
fn bad_values_are_refused() {
    for (yaml, problem) in [
        (
            "problem_format_version: 1999-01\n",
            "problem_format_version",
        ),
        ("rating: 9000\n", "rating must be"),
        (
            "limits:\n  memory: -5\n",
            "limits.memory must be a positive number",
        ),
        (
            "validation: custom sideways\n",
            "unknown type or validation \"sideways\"",
        ),
        (
            "validation: custom\n",
            "custom validation needs a validator",
        ),
    ] {
        let report = refused(&fixture_with("hello", &[("problem.yaml", Some(yaml))]));
        assert!(report.mentions(problem), "{yaml}: {report}");
    }
}

#[test]
fn a_zip_path_leaving_the_package_is_refused() {
    let bytes = zip_of(&[
        ("p/problem.yaml", b"name: x\n"),
        ("p/../../etc/cron.d/evil", b"* * * * * root sh"),
        ("/abs/path", b"x"),
    ]);
    let report = PackageFiles::read_zip(&bytes, "p", &Bounds::default()).unwrap_err();
    assert!(
        report.mentions("p/../../etc/cron.d/evil: the path leaves the package"),
        "{report}"
    );
    assert!(report.mentions("/abs/path: the path leaves the package"));
}

#[test]
fn symbolic_links_are_refused_in_zips_and_directories() {
    let bytes = zip_of(&[
        ("p/problem.yaml", b"name: x\n"),
        ("p/data/secret/1.in@link", b"/etc/shadow"),
    ]);
    let report = PackageFiles::read_zip(&bytes, "p", &Bounds::default()).unwrap_err();
    assert!(
        report.mentions("symbolic links are not allowed"),
        "{report}"
    );

    let dir = std::env::temp_dir().join(format!("joust-symlink-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("problem.yaml"), "name: x\n").unwrap();
    let _ = std::fs::remove_file(dir.join("secret"));
    std::os::unix::fs::symlink("/etc/passwd", dir.join("secret")).unwrap();
    let report = PackageFiles::read_path(&dir, &Bounds::default()).unwrap_err();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        report.mentions("secret: symbolic links are not allowed"),
        "{report}"
    );
}

#[test]
fn a_zip_bomb_is_refused_without_unpacking_it() {
    // 64 MiB of zeros deflate to about 64 KiB: far above the ratio, and above the file limit.
    let zeros = vec![0u8; 64 << 20];
    let bytes = zip_of(&[
        ("p/problem.yaml", b"name: x\n"),
        ("p/data/secret/1.in", &zeros),
    ]);
    assert!(bytes.len() < 1 << 20);
    let report = PackageFiles::read_zip(&bytes, "p", &Bounds::default()).unwrap_err();
    assert!(report.mentions("data/secret/1.in"), "{report}");

    // Under a file limit it would pass, the ratio still catches it.
    let bounds = Bounds {
        file_bytes: 128 << 20,
        ..Bounds::default()
    };
    let report = PackageFiles::read_zip(&bytes, "p", &bounds).unwrap_err();
    assert!(report.mentions("a zip bomb?"), "{report}");

    // Many entries each under the limits still stop at the total.
    let chunk = vec![b'7'; 3 << 20];
    let names: Vec<String> = (0..6).map(|i| format!("p/data/secret/{i}.in")).collect();
    let entries: Vec<(&str, &[u8])> = names
        .iter()
        .map(|n| (n.as_str(), chunk.as_slice()))
        .collect();
    let bounds = Bounds {
        total_bytes: 10 << 20,
        ratio: u64::MAX,
        ..Bounds::default()
    };
    let report = PackageFiles::read_zip(&zip_of(&entries), "p", &bounds).unwrap_err();
    assert!(
        report.mentions("more than 10485760 bytes in all"),
        "{report}"
    );
}

#[test]
fn huge_files_and_archives_are_refused() {
    let bounds = Bounds {
        file_bytes: 1000,
        archive_bytes: 100_000,
        ..Bounds::default()
    };
    let big = vec![b'x'; 1001];
    let bytes = zip_of(&[
        ("p/problem.yaml", b"name: x\n"),
        ("p/data/secret/big.in", &big),
    ]);
    let report = PackageFiles::read_zip(&bytes, "p", &bounds).unwrap_err();
    assert!(
        report.mentions("data/secret/big.in: 1001 bytes, above the file limit"),
        "{report}"
    );
    let report = PackageFiles::read_zip(&vec![0; 100_001], "p", &bounds).unwrap_err();
    assert!(report.mentions("above the limit of 100000"), "{report}");
    let report = PackageFiles::read_zip(b"not a zip", "p", &bounds).unwrap_err();
    assert!(report.mentions("not a readable zip archive"), "{report}");
}

#[test]
fn too_many_tests_for_one_judging_request_are_refused() {
    let mut files = fixture_files("hello");
    for i in 0..100 {
        files.files.insert(format!("data/secret/t{i}.in"), vec![]);
        files
            .files
            .insert(format!("data/secret/t{i}.ans"), b"Hello World!\n".to_vec());
    }
    let report = refused(&files);
    assert!(
        report.mentions("102 tests, above the limit of 100"),
        "{report}"
    );
}

proptest! {
    #[test]
    fn safe_paths_never_climb_out(parts in prop::collection::vec("[a-z.]{0,3}|\\.\\.", 1..6)) {
        let raw = parts.join("/");
        match safe_path(&raw) {
            Some(path) => {
                prop_assert!(!path.split('/').any(|p| p == ".." || p.is_empty() || p == "."));
                prop_assert!(!raw.split('/').any(|p| p == ".."));
            }
            None => prop_assert!(
                raw.starts_with('/')
                    || raw.split('/').any(|p| p == "..")
                    || raw.split('/').all(|p| p.is_empty() || p == ".")
            ),
        }
    }

    #[test]
    fn removing_any_required_file_refuses_the_package(index in 0usize..6) {
        let required = [
            "problem.yaml",
            "problem_statement/problem.en.tex",
            "data/secret/hello.in",
            "input_format_validators/validate.py",
            "submissions/accepted/hello.py",
            "data/sample/hello.ans",
        ];
        let mut files = fixture_with("hello", &[("submissions/accepted/hello.c", None)]);
        files.files.remove(required[index]);
        prop_assert!(parse(&files).is_err());
    }

    #[test]
    fn zips_of_arbitrary_safe_trees_read_back_exactly(
        tree in prop::collection::btree_map("[a-z]{1,4}(/[a-z]{1,4}){0,2}\\.(in|ans|txt)", prop::collection::vec(any::<u8>(), 0..64), 1..8)
    ) {
        let entries: Vec<(String, &[u8])> = tree.iter().map(|(p, d)| (format!("pkg/{p}"), d.as_slice())).collect();
        let borrowed: Vec<(&str, &[u8])> = entries.iter().map(|(p, d)| (p.as_str(), *d)).collect();
        let files = PackageFiles::read_zip(&zip_of(&borrowed), "x", &Bounds::default()).unwrap();
        prop_assert_eq!(files.name, "pkg");
        prop_assert_eq!(files.files.into_iter().collect::<Vec<_>>(), tree.into_iter().collect::<Vec<_>>());
    }
}

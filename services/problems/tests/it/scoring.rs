//! The bank's scoring packages: their models from `testdata.yaml`, stored with the version.

use joust_common::{
    domain::{
        Verdict,
        scoring::{Aggregation, Item, ScoringModel, TestOutcome},
    },
    execution::Checker,
    testing::TestStores,
};
use joust_problems::{Bounds, Package, PackageFiles, Verified, store};

const BANK_SCORING: [&str; 2] = ["boardingqueue", "risingtowers"];

fn bank_package(name: &str) -> (PackageFiles, Package) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../problems")
        .join(name);
    let files = PackageFiles::read_path(&path, &Bounds::default()).expect("the package reads");
    let package = joust_problems::parse(&files).expect("the bank package parses");
    (files, package)
}

/// Every test accepted, except those of the group at `failed` (a path under `data/`).
fn all_but(package: &Package, failed: &str) -> Vec<TestOutcome> {
    package
        .tests
        .iter()
        .map(|t| TestOutcome {
            verdict: if t.group == failed {
                Verdict::WA
            } else {
                Verdict::AC
            },
            score: None,
        })
        .collect()
}

#[test]
fn the_banks_scoring_packages_have_their_subtasks() {
    for name in BANK_SCORING {
        let (_, package) = bank_package(name);
        let model: &ScoringModel = package.scoring.as_ref().expect("a scoring model");
        assert_eq!(model.max_score(), Some(100.0), "{name}");
        assert_eq!(model.root.aggregation, Aggregation::Sum);
        let groups: Vec<(String, Option<f64>, Aggregation)> = model
            .root
            .items
            .iter()
            .map(|item| match item {
                Item::Group(g) => (g.path.clone(), g.max_score, g.aggregation),
                Item::Test(_) => panic!("{name}: secret holds groups only"),
            })
            .collect();
        assert_eq!(
            groups,
            [
                ("secret/group1".into(), Some(20.0), Aggregation::PassFail),
                ("secret/group2".into(), Some(30.0), Aggregation::PassFail),
                ("secret/group3".into(), Some(50.0), Aggregation::PassFail),
            ],
            "{name}"
        );
        let full = model.score(&all_but(&package, "none"));
        assert!(full.is_full(), "{name}: {full:?}");
        let no_group2 = model.score(&all_but(&package, "secret/group2"));
        assert_eq!((no_group2.verdict, no_group2.score), (Verdict::WA, 70.0));
        let samples_wrong = model.score(&all_but(&package, "sample"));
        assert!(
            samples_wrong.is_full(),
            "samples never count: {samples_wrong:?}"
        );
    }
}

#[test]
fn a_pass_fail_package_has_no_scoring_model() {
    assert!(crate::fixture_package("different").scoring.is_none());
}

#[test]
fn a_scoring_package_without_group_scores_is_refused() {
    let (mut files, _) = bank_package("risingtowers");
    files.files.insert(
        "data/secret/group2/testdata.yaml".into(),
        b"input_validator_args: 300\n".to_vec(),
    );
    let report = joust_problems::parse(&files).expect_err("refused");
    let text = report.to_string();
    assert!(
        text.contains("data/secret/group2/testdata.yaml") && text.contains("scoring.score"),
        "{text}"
    );
}

#[tokio::test]
async fn a_scoring_version_is_stored_with_its_model_once() {
    let stores = TestStores::new().await;
    let (files, package) = bank_package("boardingqueue");
    // Verification runs the submissions (see `verify`); storing takes its outcome as given.
    let verified = Verified {
        time_limit_ms: 2000,
        time_limit_derived: false,
        memory_limit_mb: 512,
        slowest_accepted_ms: 100,
        checker: Checker::default(),
        runs: vec![],
    };
    let first = store::import(&stores.pool, &package, &files, &verified)
        .await
        .unwrap();
    let again = store::import(&stores.pool, &package, &files, &verified)
        .await
        .unwrap();
    assert!(first.created && !again.created);
    assert_eq!(again.version_id, first.version_id);
    let (stored, problem_type): (serde_json::Value, String) =
        sqlx::query_as("SELECT scoring, problem_type FROM problem_versions WHERE id = $1")
            .bind(first.version_id)
            .fetch_one(&stores.pool)
            .await
            .unwrap();
    assert_eq!(problem_type, "scoring");
    let model: ScoringModel = serde_json::from_value(stored).unwrap();
    assert_eq!(Some(&model), package.scoring.as_ref());
    let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM problem_versions")
        .fetch_one(&stores.pool)
        .await
        .unwrap();
    assert_eq!(versions, 1);
}

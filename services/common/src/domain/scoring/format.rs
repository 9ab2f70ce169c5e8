//! Which format's scoring rules a package is judged by. Usually the format it declares, with one
//! exception the format's history forces: the 2023-07 drafts scored with the legacy
//! `testdata.yaml` keys (`grading`, `grader_flags`, `range`, ...), and packages written to them
//! (problemtools' own `oddecho` example among them) still do, so a 2023-07 package that sets
//! legacy scoring keys and no `scoring` key anywhere is scored by the legacy rules.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The package format whose scoring rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoringFormat {
    Legacy,
    V2023_07,
}

/// The legacy `testdata.yaml` keys that say how a group is scored.
const LEGACY_SCORING_KEYS: [&str; 6] = [
    "grading",
    "grader_flags",
    "accept_score",
    "reject_score",
    "range",
    "on_reject",
];

/// The 2023-07 key that says how a group is scored.
const V2023_SCORING_KEY: &str = "scoring";

impl ScoringFormat {
    /// The rules a package declaring `declared` is scored by, given its groups' `testdata.yaml`
    /// settings (as JSON, by group path).
    pub fn for_package(declared: ScoringFormat, settings: &[(String, Value)]) -> ScoringFormat {
        let sets = |key: &str| settings.iter().any(|(_, s)| s.get(key).is_some());
        let legacy_keys = LEGACY_SCORING_KEYS.iter().any(|key| sets(key));
        match declared {
            ScoringFormat::V2023_07 if legacy_keys && !sets(V2023_SCORING_KEY) => {
                ScoringFormat::Legacy
            }
            declared => declared,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::ScoringFormat::{self, Legacy, V2023_07};

    fn groups(settings: &[(&str, serde_json::Value)]) -> Vec<(String, serde_json::Value)> {
        settings
            .iter()
            .map(|(path, s)| ((*path).to_owned(), s.clone()))
            .collect()
    }

    #[test]
    fn a_package_is_scored_by_the_format_it_declares() {
        let none = groups(&[]);
        let modern = groups(&[("secret", json!({"scoring": {"score": 100}}))]);
        let legacy = groups(&[("secret", json!({"grader_flags": "min"}))]);
        assert_eq!(ScoringFormat::for_package(Legacy, &none), Legacy);
        assert_eq!(ScoringFormat::for_package(Legacy, &modern), Legacy);
        assert_eq!(ScoringFormat::for_package(V2023_07, &none), V2023_07);
        assert_eq!(ScoringFormat::for_package(V2023_07, &modern), V2023_07);
        assert_eq!(ScoringFormat::for_package(Legacy, &legacy), Legacy);
    }

    #[test]
    fn a_2023_07_draft_package_with_only_legacy_keys_is_scored_by_the_legacy_rules() {
        let draft = groups(&[
            ("secret/subtask1", json!({"on_reject": "continue"})),
            (
                "secret/subtask2",
                json!({"accept_score": 2, "range": "0 20"}),
            ),
        ]);
        assert_eq!(ScoringFormat::for_package(V2023_07, &draft), Legacy);
        let mixed = groups(&[
            ("secret", json!({"scoring": {"score": 100}})),
            ("secret/g1", json!({"range": "0 20"})),
        ]);
        assert_eq!(ScoringFormat::for_package(V2023_07, &mixed), V2023_07);
    }
}

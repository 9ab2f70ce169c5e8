//! The wire API a problem importer uses, over real HTTP: sample tests with their details,
//! the default validator's flags, a multi-file validator with flags, an interactive problem,
//! and the memory maximum of the format's default (2048 MiB).

use std::time::Duration;

use serde_json::json;

use crate::spawn_app;

#[tokio::test]
async fn sample_tests_carry_output_and_stderr_and_secret_tests_their_reason() {
    let app = spawn_app(2, Duration::from_secs(5)).await;
    let source = "import sys\nprint('debug', file=sys.stderr)\nprint('NO')\nsys.exit(2)";
    let (status, _, body) = app
        .execute(&json!({
            "language": "python",
            "source": source,
            "tests": [
                {"input": "1\n", "expected_output": "no\n", "sample": true},
                {"input": "2\n", "expected_output": "no\n"}
            ],
            "run_all": true,
        }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verdict"], "RTE");
    let sample = &body["tests"][0];
    assert_eq!(sample["sample"], true);
    assert_eq!(sample["message"], "exit code 2");
    assert_eq!(sample["stderr"], "debug");
    assert_eq!(sample["output"], "NO\n");
    let secret = &body["tests"][1];
    assert_eq!(secret.get("sample"), None);
    assert_eq!(secret.get("output"), None);
    assert_eq!(
        secret["stderr"], "debug",
        "the executor keeps it; players never see it"
    );
}

#[tokio::test]
async fn the_default_validator_takes_the_packages_flags() {
    let app = spawn_app(2, Duration::from_secs(5)).await;
    let request = |checker: serde_json::Value| {
        json!({
            "language": "python",
            "source": "print('Pi', 3.14159)",
            "tests": [{"input": "", "expected_output": "pi 3.1416\n"}],
            "checker": checker,
        })
    };
    let (_, _, body) = app
        .execute(&request(
            json!({"default": {"float_absolute_tolerance": 1e-4}}),
        ))
        .await;
    assert_eq!(body["verdict"], "AC", "{body}");
    let (_, _, body) = app
        .execute(&request(
            json!({"default": {"case_sensitive": true, "float_absolute_tolerance": 1e-4}}),
        ))
        .await;
    assert_eq!(body["verdict"], "WA", "{body}");
    let (_, _, body) = app.execute(&request(json!({"default": {}}))).await;
    assert_eq!(body["verdict"], "WA", "no tolerance: 3.14159 is not 3.1416");
    let (status, _, body) = app
        .execute(&request(json!({"default": {"float_tolerance": -1}})))
        .await;
    assert_eq!(status, 422, "{body}");
}

#[tokio::test]
async fn a_multi_file_validator_and_an_interactive_problem_are_judged() {
    let app = spawn_app(2, Duration::from_secs(5)).await;
    let validator = json!({
        "language": "cpp",
        "source": "#include \"check.h\"\nint main(int argc, char **argv) { return check(argc, argv); }",
        "files": [
            {"path": "check.h", "content": "int check(int argc, char **argv);"},
            {"path": "check.cpp", "content": "#include <fstream>\n#include <iostream>\n#include <cstring>\n#include <string>\nint check(int argc, char **argv) {\n  std::ifstream answer(argv[2]);\n  std::string a, b;\n  answer >> a;\n  std::cin >> b;\n  bool loud = argc > 4 && std::strcmp(argv[4], \"loud\") == 0;\n  std::ofstream(std::string(argv[3]) + \"/judgemessage.txt\") << (loud ? \"LOUD \" : \"\") << b;\n  return a == b ? 42 : 43;\n}\n"}
        ],
        "flags": ["loud"]
    });
    let (status, _, body) = app
        .execute(&json!({
            "language": "python",
            "source": "print(input())",
            "tests": [{"input": "x\n", "expected_output": "x\n"}],
            "checker": {"validator": validator},
        }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verdict"], "AC", "{body}");
    assert_eq!(body["tests"][0]["judge_message"], "LOUD x");

    let interactor = "#include <iostream>\nint main() { std::cout << 20 << std::endl; long long x; if (!(std::cin >> x)) return 43; return x == 400 ? 42 : 43; }";
    let (status, _, body) = app
        .execute(&json!({
            "language": "python",
            "source": "n = int(input())\nprint(n * n, flush=True)",
            "tests": [{"input": "", "expected_output": ""}],
            "checker": {"interactive": {"language": "cpp", "source": interactor}},
        }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verdict"], "AC", "{body}");
}

#[tokio::test]
async fn memory_limits_reach_the_formats_default() {
    let app = spawn_app(1, Duration::from_secs(5)).await;
    let request = |memory_limit_mb: u64| {
        json!({
            "language": "c",
            "source": "int main(void) { return 0; }",
            "tests": [{"input": "", "expected_output": ""}],
            "memory_limit_mb": memory_limit_mb,
        })
    };
    let (status, _, body) = app.execute(&request(2048)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["verdict"], "AC");
    let (status, _, body) = app.execute(&request(2049)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["error"]["code"], "LIMIT_EXCEEDED");
}

//! What a compile costs and shows: its output is capped while it is read, carries no host path
//! and no crash report, a compile bomb ends at its compile limit, and Go compiles when its
//! runtime lives under `/tmp`.

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use serde_json::Value;

use crate::{spawn_app, spawn_with, sum_request, test_settings};

fn compile_output(body: &Value) -> &str {
    assert_eq!(body["verdict"], "CE", "{body}");
    body["compile_output"].as_str().unwrap()
}

fn assert_no_host_paths(output: &str) {
    for host in ["/usr/", "/var/", "/tmp/", "/job", "/home/", ".cache"] {
        assert!(!output.contains(host), "{host} in {output}");
    }
}

#[tokio::test]
async fn twenty_megabytes_of_diagnostics_are_capped() {
    let app = spawn_app(1, Duration::from_secs(5)).await;
    // One `#pragma message` of 4^7 strings of 1250 bytes: 20 MB of compiler output.
    let mut source = format!("#define S0 \"{}\"\n", "x".repeat(1250));
    for level in 1..=7 {
        let below = level - 1;
        source.push_str(&format!(
            "#define S{level} S{below} S{below} S{below} S{below}\n"
        ));
    }
    source.push_str("#pragma message(S7)\nint main(void) { return undeclared; }\n");
    let (status, _, body) = app.execute(&sum_request("c", &source)).await;
    assert_eq!(status, 200, "{body}");
    let output = compile_output(&body);
    assert!(output.len() <= 4096 + 16, "{}", output.len());
    assert!(output.ends_with("[truncated]"), "{output}");
}

#[tokio::test]
async fn compile_errors_show_no_host_paths() {
    let app = spawn_app(1, Duration::from_secs(5)).await;
    // The note points into wasi-libc's <stdio.h>, a host path.
    let source = "#include <stdio.h>\nint main(void) { return printf(42); }\n";
    let (_, _, body) = app.execute(&sum_request("c", source)).await;
    let output = compile_output(&body);
    assert!(output.contains("main.c:2:"), "{output}");
    assert!(output.contains("stdio.h"), "{output}");
    assert_no_host_paths(output);
}

#[tokio::test]
async fn a_compile_bomb_ends_at_its_compile_limit_and_frees_its_slot() {
    let mut settings = test_settings(1, Duration::from_secs(5));
    settings.sandbox.compile_limits.cpu_secs = 2;
    settings.sandbox.compile_limits.wall_secs = 3;
    let app = spawn_with(settings).await;
    let bomb = "#define A(x) x x x x x x x x x x\n#define B(x) A(A(A(x)))\n\
                #define C(x) B(B(B(x)))\nint main(void) { int x = 0; C(x++;) return x; }\n";
    let started = Instant::now();
    let (status, _, body) = app.execute(&sum_request("c", bomb)).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        compile_output(&body).contains("exceeded its time or memory limit"),
        "{body}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(app.metric("executions_in_flight").await, 0.0);
}

/// A copy of the runtime directory under `/tmp` (Go hard-linked, its import map rewritten to
/// the copy; the other runtimes linked), removed when dropped.
struct RuntimeUnderTmp(std::path::PathBuf);

impl RuntimeUnderTmp {
    fn new(original: &Path) -> Self {
        let original = std::fs::canonicalize(original).expect("the runtime directory exists");
        let dir = Path::new("/tmp").join(format!("joust-go-under-tmp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("go")).unwrap();
        for runtime in ["python-3.11", "quickjs", "cxx"] {
            std::os::unix::fs::symlink(original.join(runtime), dir.join(runtime)).unwrap();
        }
        let copied = Command::new("cp")
            .arg("-al")
            .arg(original.join("go/goroot"))
            .arg(dir.join("go/goroot"))
            .status()
            .unwrap();
        assert!(copied.success());
        let importcfg = std::fs::read_to_string(original.join("go/importcfg")).unwrap();
        let moved = importcfg.replace(
            &original.join("go/goroot").display().to_string(),
            &dir.join("go/goroot").display().to_string(),
        );
        std::fs::write(dir.join("go/importcfg"), moved).unwrap();
        Self(dir)
    }
}

impl Drop for RuntimeUnderTmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[tokio::test]
async fn go_compiles_when_its_runtime_lives_under_tmp() {
    let mut settings = test_settings(1, Duration::from_secs(5));
    let runtime = RuntimeUnderTmp::new(&settings.sandbox.runtime_dir);
    settings.sandbox.runtime_dir = runtime.0.clone();
    let app = spawn_with(settings).await;
    let sum = "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tvar a, b int64\n\t\
               fmt.Scan(&a, &b)\n\tfmt.Println(a + b)\n}\n";
    let (status, _, body) = app.execute(&sum_request("go", sum)).await;
    assert_eq!(
        (status, body["verdict"].as_str()),
        (200, Some("AC")),
        "{body}"
    );

    let broken = "package main\n\nimport \"nosuchpackage\"\n\nfunc main() { nosuchpackage.X() }\n";
    let (_, _, body) = app.execute(&sum_request("go", broken)).await;
    let output = compile_output(&body);
    assert!(output.contains("main.go:3:"), "{output}");
    assert!(
        !output.contains(&runtime.0.display().to_string()),
        "{output}"
    );
    assert_no_host_paths(output);
}

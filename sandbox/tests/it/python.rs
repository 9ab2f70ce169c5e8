use joust_common::{
    Language,
    execution::{ExecutionResponse, Verdict},
};
use joust_sandbox::{RunLimits, RunOutcome, Termination};

use crate::{
    assert_exits_with, assert_memory_bomb_is_mle, assert_verdict, execute, sandbox, sum_tests,
    verdict,
};

#[test]
fn correct_program_is_accepted() {
    let response = verdict(
        Language::Python,
        "a, b = map(int, input().split())\nprint(a + b)\n",
    );
    assert_verdict(&response, Verdict::AC);
}

#[test]
fn standard_library_imports_work() {
    let source = "import sys, json, collections, heapq, itertools, math, re\nfrom fractions import Fraction\n\
                  a, b = map(int, sys.stdin.read().split())\nprint(sum(collections.Counter({'x': a, 'y': b}).values()))\n";
    assert_verdict(&verdict(Language::Python, source), Verdict::AC);
}

#[test]
fn wrong_answer() {
    assert_verdict(&verdict(Language::Python, "print(0)"), Verdict::WA);
}

#[test]
fn exception_is_a_runtime_error() {
    assert_exits_with(Language::Python, "raise ValueError('boom')", 1);
}

#[test]
fn infinite_loop_is_tle() {
    assert_verdict(
        &verdict(Language::Python, "while True:\n    pass\n"),
        Verdict::TLE,
    );
}

#[test]
fn memory_bomb_is_mle() {
    assert_memory_bomb_is_mle(
        Language::Python,
        "x = []\nwhile True:\n    x.append(' ' * 1000000)\n",
        5_000,
        48,
    );
}

#[test]
fn the_host_filesystem_is_not_visible() {
    let source = "import os\ntry:\n    open('/etc/passwd').read()\n    print('leak')\nexcept OSError:\n    print(3)\n";
    let response = first_sum_test(source, 2_000);
    assert_verdict(&response, Verdict::AC);
}

fn run_python(source: &str, input: &[u8]) -> RunOutcome {
    let program = sandbox()
        .prepare(Language::Python, source)
        .expect("prepares");
    sandbox()
        .run(
            &program,
            input,
            RunLimits {
                time_limit_ms: 2_000,
                memory_limit_bytes: 64 << 20,
                output_limit_bytes: 1 << 20,
            },
        )
        .unwrap()
}

fn stdout(outcome: &RunOutcome) -> String {
    String::from_utf8_lossy(&outcome.stdout).into_owned()
}

fn stderr(outcome: &RunOutcome) -> String {
    String::from_utf8_lossy(&outcome.stderr).into_owned()
}

#[test]
fn modules_in_and_out_of_the_snapshot_import() {
    // json and heapq are imported while the snapshot is made; calendar, difflib and pprint
    // are not, and come from the read-only standard library mount.
    let source = "import json, heapq, calendar, difflib, pprint\n\
                  h = [5, 1, 3]\nheapq.heapify(h)\n\
                  print(json.dumps({'min': h[0]}), calendar.isleap(2024), \
                  difflib.SequenceMatcher(None, 'abc', 'abd').ratio() > 0.5, pprint.pformat([1]))\n";
    let outcome = run_python(source, b"");
    assert_eq!(outcome.termination, Termination::Exited(0), "{outcome:?}");
    assert_eq!(stdout(&outcome), "{\"min\": 1} True True [1]\n");
}

#[test]
fn nothing_a_run_changes_reaches_the_next_run() {
    // The first run finds a clean interpreter, then changes a global, a module and a
    // builtin; the second run of the same program must find them clean again.
    let source = "import sys, json, builtins\n\
                  print(globals().get('marker'), getattr(json, 'marker', None), \
                  getattr(builtins, 'marker', None), 'extra' in sys.modules, \
                  sys.getrecursionlimit())\n\
                  marker = 1\njson.marker = 2\nbuiltins.marker = 3\n\
                  sys.modules['extra'] = json\nsys.setrecursionlimit(50)\n";
    for _ in 0..2 {
        let outcome = run_python(source, b"");
        assert_eq!(outcome.termination, Termination::Exited(0), "{outcome:?}");
        // 600 is the default of CPython's WASI build.
        assert_eq!(stdout(&outcome), "None None None False 600\n");
    }
}

#[test]
fn the_interpreter_is_configured_like_python_s_b() {
    let source = "import sys\nf = sys.flags\n\
                  print(f.no_site, f.dont_write_bytecode, f.hash_randomization, sys.argv, \
                  __name__, 'site' in sys.modules, sys.stdin.read().split())\n";
    let outcome = run_python(source, b"4 5\n");
    assert_eq!(outcome.termination, Termination::Exited(0), "{outcome:?}");
    assert_eq!(stdout(&outcome), "1 1 0 ['-c'] __main__ False ['4', '5']\n");
}

#[test]
fn exit_codes_and_tracebacks_are_those_of_python() {
    let exit = run_python("import sys\nprint('partial', end='')\nsys.exit(3)\n", b"");
    assert_eq!(exit.termination, Termination::Exited(3));
    assert_eq!(stdout(&exit), "partial", "stdout is flushed before exiting");

    let clean = run_python("print(7)\nraise SystemExit\n", b"");
    assert_eq!(clean.termination, Termination::Exited(0));
    assert_eq!(stdout(&clean), "7\n");

    let message = run_python("raise SystemExit('bad input')\n", b"");
    assert_eq!(message.termination, Termination::Exited(1));
    assert!(stderr(&message).contains("bad input"), "{message:?}");

    let raised = run_python("print(1)\ndef f():\n    raise KeyError('k')\nf()\n", b"");
    assert_eq!(raised.termination, Termination::Exited(1));
    assert_eq!(stdout(&raised), "1\n");
    let trace = stderr(&raised);
    assert!(
        trace.starts_with("Traceback (most recent call last):"),
        "{trace}"
    );
    assert!(
        trace.contains("File \"<string>\", line 4, in <module>"),
        "{trace}"
    );
    assert!(trace.ends_with("KeyError: 'k'\n"), "{trace}");

    let atexit = run_python(
        "import atexit\natexit.register(lambda: print('bye'))\nprint('hi')\n",
        b"",
    );
    assert_eq!(atexit.termination, Termination::Exited(0));
    assert_eq!(stdout(&atexit), "hi\nbye\n");
}

#[test]
fn the_recursion_limit_is_python_s() {
    let runaway = run_python("def f(n):\n    return f(n + 1)\nf(0)\n", b"");
    assert_eq!(runaway.termination, Termination::Exited(1));
    assert!(stderr(&runaway).contains("RecursionError"), "{runaway:?}");

    let deep = "import sys\nsys.setrecursionlimit(10 ** 6)\n\
                def depth(n):\n    return 0 if n == 0 else depth(n - 1) + 1\n\
                print(depth(100000))\n";
    let outcome = run_python(deep, b"");
    assert_eq!(outcome.termination, Termination::Exited(0), "{outcome:?}");
    assert_eq!(stdout(&outcome), "100000\n");

    // Through functools.cache every level also recurses in C, on the 8 MiB stack.
    let cached = "import sys, functools\nsys.setrecursionlimit(10 ** 6)\n\
                  @functools.cache\ndef depth(n):\n    return 0 if n == 0 else depth(n - 1) + 1\n\
                  print(depth(5000))\n";
    let outcome = run_python(cached, b"");
    assert_eq!(outcome.termination, Termination::Exited(0), "{outcome:?}");
    assert_eq!(stdout(&outcome), "5000\n");
}

#[test]
fn an_allocation_past_the_memory_limit_ends_the_run_as_mle() {
    let source = "try:\n    block = bytearray(1 << 30)\nexcept MemoryError:\n    print('caught')\n";
    let response = first_sum_test(source, 2_000);
    assert_verdict(&response, Verdict::MLE);
}

#[test]
fn unbounded_recursion_with_the_limit_lifted_is_mle_and_quick() {
    let source = "import sys\nsys.setrecursionlimit(10 ** 7)\n\
                  def f(n):\n    return f(n + 1) + 1\nf(0)\n";
    let response = first_sum_test(source, 5_000);
    assert!(
        matches!(response.verdict, Verdict::MLE | Verdict::RTE),
        "{response:#?}"
    );
    // Well before the time limit: the run ends when memory is full, not when fuel is.
    assert!(response.tests[0].time_ms < 2_500, "{response:#?}");
}

#[test]
fn unbounded_recursion_at_the_default_limit_is_a_recursion_error() {
    let outcome = run_python("def f(n):\n    return f(n + 1) + 1\nf(0)\n", b"");
    assert_eq!(outcome.termination, Termination::Exited(1), "{outcome:?}");
    assert!(
        stderr(&outcome).contains("RecursionError"),
        "{}",
        stderr(&outcome)
    );
    let response = verdict(
        Language::Python,
        "def f(n):\n    return f(n + 1) + 1\nf(0)\n",
    );
    assert_verdict(&response, Verdict::RTE);
}

#[test]
fn the_snapshot_leaves_the_memory_limit_to_the_program() {
    let outcome = run_python("print(3)\n", b"");
    assert_eq!(outcome.termination, Termination::Exited(0), "{outcome:?}");
    assert!(
        outcome.peak_memory_bytes < 24 << 20,
        "{} bytes",
        outcome.peak_memory_bytes
    );
}

#[test]
fn the_snapshot_is_cached_for_the_next_start() {
    // The first start of a sandbox on a cache directory makes the snapshot; later ones load it.
    let cache = &sandbox().config().cache_dir;
    let cached = std::fs::read_dir(cache)
        .unwrap()
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with("python-snapshot-") && name.ends_with(".cwasm"))
        .count();
    assert!(
        cached >= 1,
        "no python-snapshot-*.cwasm in {}",
        cache.display()
    );
}

/// `source` in Python against the first sum test, with 64 MiB and `time_limit_ms`.
fn first_sum_test(source: &str, time_limit_ms: u64) -> ExecutionResponse {
    execute(
        Language::Python,
        source,
        sum_tests()[..1].to_vec(),
        time_limit_ms,
        64,
    )
}

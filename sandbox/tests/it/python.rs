use joust_common::{Language, execution::Verdict};

use crate::{assert_verdict, execute, sum_tests, verdict};

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
    let response = verdict(Language::Python, "raise ValueError('boom')");
    assert_verdict(&response, Verdict::RTE);
    assert_eq!(response.tests[0].exit_code, Some(1));
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
    let response = execute(
        Language::Python,
        "x = []\nwhile True:\n    x.append(' ' * 1000000)\n",
        sum_tests(),
        5_000,
        48,
    );
    assert_verdict(&response, Verdict::MLE);
}

#[test]
fn the_host_filesystem_is_not_visible() {
    let source = "import os\ntry:\n    open('/etc/passwd').read()\n    print('leak')\nexcept OSError:\n    print(3)\n";
    let response = execute(
        Language::Python,
        source,
        sum_tests()[..1].to_vec(),
        2_000,
        64,
    );
    assert_verdict(&response, Verdict::AC);
}

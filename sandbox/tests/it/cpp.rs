use joust_common::{Language, execution::Verdict};

use crate::{assert_memory_bomb_is_mle, assert_verdict, compile_error, verdict};

const SUM: &str = r#"#include <bits/stdc++.h>
using namespace std;
int main() {
    ios::sync_with_stdio(false);
    long long a, b;
    cin >> a >> b;
    vector<long long> v{a, b};
    cout << accumulate(v.begin(), v.end(), 0LL) << "\n";
}
"#;

#[test]
fn correct_program_is_accepted() {
    assert_verdict(&verdict(Language::Cpp, SUM), Verdict::AC);
}

#[test]
fn standard_headers_work_without_the_shim() {
    let source = r#"#include <iostream>
#include <map>
#include <string>
#include <ranges>
int main() {
    long long a, b; std::cin >> a >> b;
    std::map<std::string, long long> m{{"a", a}, {"b", b}};
    long long s = 0;
    for (auto v : m | std::views::values) s += v;
    std::cout << s << std::endl;
}"#;
    assert_verdict(&verdict(Language::Cpp, source), Verdict::AC);
}

#[test]
fn wrong_answer() {
    let source = SUM.replace("0LL)", "1LL)");
    assert_verdict(&verdict(Language::Cpp, &source), Verdict::WA);
}

#[test]
fn infinite_loop_is_tle() {
    let source = "int main() { volatile unsigned x = 0; for (;;) x++; }";
    assert_verdict(&verdict(Language::Cpp, source), Verdict::TLE);
}

#[test]
fn memory_bomb_is_mle() {
    let source = r#"#include <bits/stdc++.h>
int main() {
    std::vector<std::vector<char>> blocks;
    for (;;) blocks.emplace_back(1 << 20, 'x');
}"#;
    assert_memory_bomb_is_mle(Language::Cpp, source, 2_000, 48);
}

#[test]
fn out_of_range_access_is_a_runtime_error() {
    let source = "#include <vector>\nint main() { std::vector<int> v(3); return v.at(5); }";
    assert_verdict(&verdict(Language::Cpp, source), Verdict::RTE);
}

#[test]
fn syntax_errors_and_exceptions_are_compile_errors() {
    let message = compile_error(Language::Cpp, "int main() { return 0 }");
    assert!(message.contains("main.cpp"), "{message}");

    let throwing = "int main() { try { throw 1; } catch (int) {} }";
    let message = compile_error(Language::Cpp, throwing);
    assert!(message.contains("exceptions"), "{message}");
}

#[test]
fn deep_recursion_works() {
    let source = r#"#include <bits/stdc++.h>
long long depth(long long n) { return n == 0 ? 0 : 1 + depth(n - 1); }
int main() {
    long long a, b; std::cin >> a >> b;
    volatile long long n = 100000;
    std::cout << a + b + depth(n) - n << "\n";
}"#;
    assert_verdict(&verdict(Language::Cpp, source), Verdict::AC);
}

#[test]
fn host_headers_are_out_of_reach() {
    let secret = crate::HostSecret::create();
    let source = format!("#include \"{}\"\nint main() {{}}\n", secret.path());
    let response = verdict(Language::Cpp, &source);
    assert_verdict(&response, Verdict::CE);
    assert!(
        !response
            .compile_output
            .unwrap_or_default()
            .contains(secret.content())
    );
}

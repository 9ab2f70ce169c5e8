use joust_common::{Language, execution::Verdict};

use crate::{assert_memory_bomb_is_mle, assert_verdict, compile_error, verdict};

const SUM: &str = r#"use std::io::Read;
fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let sum: i64 = input.split_whitespace().map(|t| t.parse::<i64>().unwrap()).sum();
    println!("{sum}");
}
"#;

#[test]
fn correct_program_is_accepted() {
    assert_verdict(&verdict(Language::Rust, SUM), Verdict::AC);
}

#[test]
fn wrong_answer() {
    let source = SUM.replace("{sum}", "{}\", sum + 1, \"");
    let source = source.replace(
        "println!(\"{}\", sum + 1, \"\");",
        "println!(\"{}\", sum + 1);",
    );
    assert_verdict(&verdict(Language::Rust, &source), Verdict::WA);
}

#[test]
fn infinite_loop_is_tle() {
    // Rust 1.63 has no stable `black_box`: a volatile write keeps the loop.
    let source = "fn main() { let mut x = 0u64; loop { unsafe { std::ptr::write_volatile(&mut x, x + 1) } } }";
    assert_verdict(&verdict(Language::Rust, source), Verdict::TLE);
}

#[test]
fn memory_bomb_is_mle() {
    let source =
        "fn main() { let mut v: Vec<Vec<u8>> = Vec::new(); loop { v.push(vec![1u8; 1 << 20]); } }";
    assert_memory_bomb_is_mle(Language::Rust, source, 2_000, 48);
}

#[test]
fn panic_is_a_runtime_error() {
    let source = "fn main() { let v: Vec<i32> = Vec::new(); let i = std::env::args().count() + 2; println!(\"{}\", v[i]); }";
    assert_verdict(&verdict(Language::Rust, source), Verdict::RTE);
}

#[test]
fn type_error_is_a_compile_error() {
    let message = compile_error(Language::Rust, "fn main() { let x: i32 = \"no\"; }");
    assert!(message.contains("mismatched types"), "{message}");
    assert!(message.contains("main.rs"), "{message}");
}

#[test]
fn host_files_cannot_be_included() {
    let secret = crate::HostSecret::create();
    for path in ["/etc/passwd", secret.path()] {
        let source = format!("fn main() {{ print!(\"{{}}\", include_str!(\"{path}\")); }}");
        let response = verdict(Language::Rust, &source);
        assert_verdict(&response, Verdict::CE);
        let message = response.compile_output.unwrap_or_default();
        assert!(!message.contains(secret.content()), "{message}");
        assert!(!message.contains("root:"), "{message}");
    }
}

#[test]
fn deep_recursion_works() {
    let source = r#"use std::io::Read;
fn depth(n: u64) -> u64 { if n == 0 { 0 } else { 1 + depth(n - 1) * (std::env::args().count() as u64) } }
fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let sum: i64 = input.split_whitespace().map(|t| t.parse::<i64>().unwrap()).sum();
    let n = 100_000 + std::env::args().count() as u64 - 1;
    println!("{}", sum + depth(n) as i64 - n as i64);
}"#;
    assert_verdict(&verdict(Language::Rust, source), Verdict::AC);
}

// expect: AC
use std::io::Read;
fn main() {
    for path in ["/etc/passwd", "/etc/hostname", "/proc/self/environ", "@SECRET_PATH@", "."] {
        if let Ok(text) = std::fs::read_to_string(path) {
            println!("{text}");
            return;
        }
        if std::fs::read_dir(path).is_ok() {
            println!("listed {path}");
            return;
        }
    }
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let sum: i64 = input.split_whitespace().map(|t| t.parse::<i64>().unwrap()).sum();
    println!("{sum}");
}

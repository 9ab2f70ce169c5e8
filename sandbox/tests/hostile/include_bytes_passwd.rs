// expect: CE
fn main() {
    println!("{:?}", include_bytes!("/etc/passwd"));
}

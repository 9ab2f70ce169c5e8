// expect: CE
fn main() {
    print!("{}", include_str!("@SECRET_PATH@"));
}

// expect: RTE
fn main() {
    let handle = std::thread::spawn(|| 3);
    println!("{}", handle.join().unwrap());
}

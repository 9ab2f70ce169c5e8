// expect: RTE
fn dive(n: u64, pad: [u64; 32]) -> u64 {
    let mut next = pad;
    next[(n % 32) as usize] = n;
    dive(n + 1, next) + next[0]
}
fn main() {
    println!("{}", dive(0, [0; 32]));
}

// expect: TLE
fn main() {
    let mut x = 0u64;
    loop {
        unsafe { std::ptr::write_volatile(&mut x, x.wrapping_mul(31).wrapping_add(7)) }
    }
}

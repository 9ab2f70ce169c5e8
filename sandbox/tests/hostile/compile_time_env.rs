// expect: AC
// The compiler's environment is empty apart from PATH, HOME and TMPDIR of the jail.
fn main() {
    for value in [option_env!("USER"), option_env!("HOSTNAME"), option_env!("SSH_AUTH_SOCK"), option_env!("JOUST_DATABASE_URL")] {
        if let Some(value) = value {
            println!("{value}");
            return;
        }
    }
    println!("3");
}

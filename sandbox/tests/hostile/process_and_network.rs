// expect: AC
fn main() {
    if let Ok(out) = std::process::Command::new("/bin/sh").arg("-c").arg("cat /etc/passwd").output() {
        println!("{}", String::from_utf8_lossy(&out.stdout));
        return;
    }
    if std::net::TcpStream::connect("127.0.0.1:22").is_ok() {
        println!("connected");
        return;
    }
    if std::env::vars().count() > 0 {
        println!("env {:?}", std::env::vars().collect::<Vec<_>>());
        return;
    }
    println!("3");
}

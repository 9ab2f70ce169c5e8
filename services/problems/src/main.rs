#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let status = match joust_problems::cli::run(&args).await {
        Ok(outcome) => {
            if outcome.status == 0 {
                print!("{}", outcome.text);
            } else {
                eprint!("{}", outcome.text);
            }
            outcome.status
        }
        Err(e) => {
            eprintln!("joust-problems: {e:#}");
            2
        }
    };
    std::process::exit(status);
}

use joust_battle::{Application, Settings, accounts::admin, tournaments::cli};
use joust_common::settings::{CommonSettings, StoreSettings};

/// Runs the service, or with `admin ...` or `tournament ...` arguments one command (which needs
/// only the database settings): exit status 2 for a malformed command, 1 when it is refused.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match cli::parse(&args) {
        Ok(Some(command)) => {
            joust_common::telemetry::init(CommonSettings::from_env()?.log_format);
            let url = StoreSettings::from_env().database_url;
            let pool = joust_common::db::connect_postgres(&url, 1, true).await?;
            match cli::run(&pool, command).await {
                Ok(out) => println!("{out}"),
                Err(e) => {
                    eprintln!("{e:#}");
                    std::process::exit(1);
                }
            }
            return Ok(());
        }
        Ok(None) => {}
        Err(usage) => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    }
    let command = match admin::parse(&args) {
        Ok(command) => command,
        Err(usage) => {
            eprintln!("{usage}");
            std::process::exit(2);
        }
    };
    if let Some(command) = command {
        joust_common::telemetry::init(CommonSettings::from_env()?.log_format);
        let url = StoreSettings::from_env().database_url;
        let pool = joust_common::db::connect_postgres(&url, 1, true).await?;
        match admin::run(&pool, command).await {
            Ok(line) => println!("{line}"),
            Err(e) => {
                eprintln!("{e:#}");
                std::process::exit(1);
            }
        }
        return Ok(());
    }
    let settings = Settings::from_env()?;
    joust_common::telemetry::init(settings.common.log_format);
    let app = Application::build(settings).await?;
    app.run_until_stopped().await?;
    Ok(())
}

//! The administration command line, `joust-battle admin ...`: what `main` runs instead of the
//! service when its first argument is `admin`. Parsing and running are here so tests drive them
//! without a process.

use sqlx::PgPool;

use super::store::{self, GrantError};
use crate::auth::Role;

pub const USAGE: &str = "usage: joust-battle admin grant <handle> <learner|organizer|admin>";

/// One administration command.
#[derive(Debug, PartialEq)]
pub enum AdminCommand {
    /// Sets the role of a registered account (`learner` takes a role back).
    Grant { handle: String, role: Role },
}

/// The command in the program's arguments (without the program name): `None` when they do not
/// start with `admin` (run the service), an error with the usage when they are malformed.
pub fn parse(args: &[String]) -> Result<Option<AdminCommand>, String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] => Ok(None),
        ["admin", "grant", handle, role] => Ok(Some(AdminCommand::Grant {
            handle: (*handle).to_owned(),
            role: role.parse().map_err(|e| format!("{e}\n{USAGE}"))?,
        })),
        ["admin", ..] => Err(USAGE.to_owned()),
        [other, ..] => Err(format!("unknown argument {other:?}\n{USAGE}")),
    }
}

/// Runs `command` against the database; returns the line to print, or why it was refused.
pub async fn run(pool: &PgPool, command: AdminCommand) -> anyhow::Result<String> {
    match command {
        AdminCommand::Grant { handle, role } => {
            match store::grant_role(pool, &handle, role).await? {
                Ok((id, previous)) => {
                    tracing::info!(user.id = %id, role = role.as_str(), "role granted");
                    Ok(format!(
                        "{handle} ({id}) is now {} (was {})",
                        role.as_str(),
                        previous.as_str()
                    ))
                }
                Err(e @ (GrantError::UnknownHandle(_) | GrantError::Guest(_))) => {
                    Err(anyhow::anyhow!(e))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn parses_grant_and_refuses_anything_else() {
        assert_eq!(parse(&[]), Ok(None));
        assert_eq!(
            parse(&args(&["admin", "grant", "ada", "organizer"])),
            Ok(Some(AdminCommand::Grant {
                handle: "ada".into(),
                role: Role::Organizer
            }))
        );
        assert!(
            parse(&args(&["admin", "grant", "ada", "root"]))
                .unwrap_err()
                .contains("unknown role")
        );
        assert_eq!(parse(&args(&["admin", "grant", "ada"])), Err(USAGE.into()));
        assert_eq!(parse(&args(&["admin"])), Err(USAGE.into()));
        assert!(parse(&args(&["serve"])).is_err());
    }
}

//! The tournament command line, `joust-battle tournament ...`: the operator's way to run a
//! tournament without the HTTP API. Each command calls the same functions as the routes, as
//! `Actor::Operator` (who may manage any tournament). Parsing and running are here so tests
//! drive them without a process.

use sqlx::PgPool;
use uuid::Uuid;

use super::{
    Actor, bracket,
    model::{CreateTournament, SeedingMethod, StartRequest, TournamentDetail},
    store::{self, Transition},
    views,
};
use crate::error::ApiError;

pub const USAGE: &str = "usage: joust-battle tournament <command>
  create <organizer-name> <settings.json>   a draft tournament (the body of POST /api/tournaments)
  open <id>                                 open registration
  check-in <id>                             open the check-in window
  start <id> [manual <user-id>...]          draw the bracket (by rating, or in this order)
  cancel <id>
  show <id>                                 the tournament, its players and matches, as JSON
  export <id>                               the bracket as brackets-model JSON
  standings <id>                            the standings as JSON";

/// One tournament command.
#[derive(Debug, PartialEq)]
pub enum TournamentCommand {
    Create { organizer: String, settings: String },
    Transition(Uuid, Transition),
    Start(Uuid, Option<Vec<Uuid>>),
    Show(Uuid),
    Export(Uuid),
    Standings(Uuid),
}

fn id(arg: &str) -> Result<Uuid, String> {
    Uuid::parse_str(arg).map_err(|_| format!("{arg:?} is not a tournament id\n{USAGE}"))
}

/// The command in the program's arguments (without the program name): `None` when they do not
/// start with `tournament`, an error with the usage when they are malformed.
pub fn parse(args: &[String]) -> Result<Option<TournamentCommand>, String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let command = match args.as_slice() {
        ["tournament", "create", organizer, settings] => TournamentCommand::Create {
            organizer: (*organizer).to_owned(),
            settings: (*settings).to_owned(),
        },
        ["tournament", "open", t] => {
            TournamentCommand::Transition(id(t)?, Transition::OpenRegistration)
        }
        ["tournament", "check-in", t] => {
            TournamentCommand::Transition(id(t)?, Transition::OpenCheckIn)
        }
        ["tournament", "cancel", t] => TournamentCommand::Transition(id(t)?, Transition::Cancel),
        ["tournament", "start", t] => TournamentCommand::Start(id(t)?, None),
        ["tournament", "start", t, "manual", order @ ..] => {
            let order = order
                .iter()
                .map(|u| Uuid::parse_str(u).map_err(|_| format!("{u:?} is not a user id")))
                .collect::<Result<Vec<_>, _>>()?;
            TournamentCommand::Start(id(t)?, Some(order))
        }
        ["tournament", "show", t] => TournamentCommand::Show(id(t)?),
        ["tournament", "export", t] => TournamentCommand::Export(id(t)?),
        ["tournament", "standings", t] => TournamentCommand::Standings(id(t)?),
        ["tournament", ..] => return Err(USAGE.to_owned()),
        _ => return Ok(None),
    };
    Ok(Some(command))
}

fn refused(e: ApiError) -> anyhow::Error {
    anyhow::anyhow!("{}: {e}", e.code())
}

fn pretty(value: &impl serde::Serialize) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(value)?)
}

/// Runs `command` against the database; returns what to print, or why it was refused (with the
/// same code the HTTP API would answer).
pub async fn run(pool: &PgPool, command: TournamentCommand) -> anyhow::Result<String> {
    match command {
        TournamentCommand::Create {
            organizer,
            settings,
        } => {
            let text = std::fs::read_to_string(&settings)?;
            let request: CreateTournament = serde_json::from_str(&text)?;
            let common = joust_common::settings::CommonSettings::from_env()?;
            let min_secs = crate::settings::TournamentSettings::from_env(&common)?.min_secs;
            let new = request
                .check(chrono::Utc::now(), min_secs)
                .map_err(refused)?;
            let organizer = store::user_by_name(pool, &organizer)
                .await
                .map_err(refused)?
                .ok_or_else(|| anyhow::anyhow!("no user named {organizer:?}"))?;
            let tournament = store::create(pool, organizer, new).await.map_err(refused)?;
            Ok(tournament.id.to_string())
        }
        TournamentCommand::Transition(id, transition) => {
            let t = store::transition(pool, Actor::Operator, id, transition)
                .await
                .map_err(refused)?;
            Ok(format!("{} is now {}", t.id, t.state.name()))
        }
        TournamentCommand::Start(id, order) => {
            let request = StartRequest {
                seeding: Some(if order.is_some() {
                    SeedingMethod::Manual
                } else {
                    SeedingMethod::ByRating
                }),
                order,
            };
            let t = bracket::start(pool, Actor::Operator, id, request)
                .await
                .map_err(refused)?;
            Ok(format!(
                "{} is now {} with {} players",
                t.id,
                t.state.name(),
                t.checked_in
            ))
        }
        TournamentCommand::Show(id) => {
            let mut conn = pool.acquire().await?;
            let tournament = store::fetch(&mut conn, id).await.map_err(refused)?;
            let entrants = store::entrants(&mut conn, id).await.map_err(refused)?;
            let matches = views::matches(&mut conn, &tournament)
                .await
                .map_err(refused)?;
            pretty(&TournamentDetail {
                tournament,
                entrants,
                matches,
            })
        }
        TournamentCommand::Export(id) => pretty(&views::export(pool, id).await.map_err(refused)?),
        TournamentCommand::Standings(id) => {
            pretty(&views::standings(pool, id).await.map_err(refused)?)
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
    fn parses_commands_and_refuses_anything_else() {
        let t = Uuid::new_v4();
        let u = Uuid::new_v4();
        assert_eq!(parse(&args(&["admin", "grant"])), Ok(None));
        assert_eq!(parse(&[]), Ok(None));
        assert_eq!(
            parse(&args(&["tournament", "open", &t.to_string()])),
            Ok(Some(TournamentCommand::Transition(
                t,
                Transition::OpenRegistration
            )))
        );
        assert_eq!(
            parse(&args(&[
                "tournament",
                "start",
                &t.to_string(),
                "manual",
                &u.to_string()
            ])),
            Ok(Some(TournamentCommand::Start(t, Some(vec![u]))))
        );
        assert_eq!(
            parse(&args(&["tournament", "export", &t.to_string()])),
            Ok(Some(TournamentCommand::Export(t)))
        );
        assert!(parse(&args(&["tournament", "open", "nope"])).is_err());
        assert_eq!(parse(&args(&["tournament"])), Err(USAGE.to_owned()));
        assert_eq!(
            parse(&args(&["tournament", "delete", "x"])),
            Err(USAGE.to_owned())
        );
    }
}

//! The HTTP API's OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]`
//! annotations and their types, served at `GET /api/openapi.json`. The socket protocol is
//! described by `docs/asyncapi.yaml` instead.

use axum::{Json, extract::State};
use utoipa::{
    Modify, OpenApi,
    openapi::{
        self, ContentBuilder, ObjectBuilder, ResponseBuilder,
        path::{HttpMethod, OperationBuilder},
        schema::Type,
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};

use crate::{
    AppState, accounts::handlers, error::ErrorBody, http, leaderboard, live_battles, lobby,
    problems, profiles, replay, runs, tournaments,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Joust battle service",
        description = "Accounts and sessions, battle history and replay, player profiles, presence, the leaderboard, problems and tournaments. Battles are played over Socket.IO (see docs/asyncapi.yaml) with the access token this API returns. Every error is a JSON ErrorBody with a stable code.",
    ),
    paths(
        http::create_guest,
        handlers::register,
        handlers::login,
        handlers::refresh,
        handlers::logout,
        handlers::logout_all,
        handlers::claim,
        handlers::me,
        live_battles::list,
        replay::get_battle,
        replay::get_events,
        replay::get_submissions,
        runs::create_run,
        runs::get_run,
        profiles::get_profile,
        profiles::get_battles,
        lobby::get_presence,
        leaderboard::http::page,
        leaderboard::http::rank,
        problems::routes::import_problem,
        problems::routes::list_problems,
        problems::routes::get_problem,
        tournaments::routes::create,
        tournaments::reads::list,
        tournaments::reads::get_one,
        tournaments::routes::register,
        tournaments::routes::unregister,
        tournaments::routes::check_in,
        tournaments::routes::open_registration,
        tournaments::routes::open_check_in,
        tournaments::routes::cancel,
        tournaments::routes::start,
        tournaments::routes::disqualify,
        tournaments::routes::report,
        tournaments::routes::override_result,
        tournaments::routes::reschedule,
        tournaments::reads::bracket,
        tournaments::reads::standings,
        openapi_json,
    ),
    components(schemas(ErrorBody)),
    modifiers(&Security, &Operational),
    tags(
        (name = "auth", description = "Guests, registered accounts and sessions"),
        (name = "battles", description = "A battle's summary, its event log and, once it has ended, its submissions"),
        (name = "players", description = "Player profiles and their battles"),
        (name = "lobby", description = "Who is online"),
        (name = "problems", description = "Problem packages: import (organizers), the list and a problem's statement"),
        (name = "tournaments", description = "Tournaments: organizers create and run them; players register and check in; everyone reads brackets (brackets-model JSON) and standings"),
        (name = "leaderboard", description = "Players by rating, and any player's rank"),
        (name = "meta", description = "This document and the service's health"),
    ),
)]
pub struct ApiDoc;

/// The `bearer` scheme: an access token (`Authorization: Bearer ...`).
struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// `/healthz` and `/readyz`, served by `joust_common::ops` as plain text.
struct Operational;

impl Modify for Operational {
    fn modify(&self, doc: &mut openapi::OpenApi) {
        let text = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "text/plain; charset=utf-8",
                    ContentBuilder::new()
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                        .build(),
                )
                .build()
        };
        for (path, summary, responses) in [
            ("/healthz", "Liveness", vec![("200", text("alive: `ok`"))]),
            (
                "/readyz",
                "Readiness, without details (those are on the operations listener)",
                vec![
                    ("200", text("`ready`")),
                    ("503", text("`not ready` (stores unreachable, or draining)")),
                ],
            ),
        ] {
            let mut operation = OperationBuilder::new().summary(Some(summary)).tag("meta");
            for (status, response) in responses {
                operation = operation.response(status, response);
            }
            doc.paths
                .add_path_operation(path, vec![HttpMethod::Get], operation.build());
        }
    }
}

/// The document, as served.
pub fn openapi() -> openapi::OpenApi {
    ApiDoc::openapi()
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "meta",
    responses((status = 200, description = "the OpenAPI 3.1 document", content_type = "application/json", body = Object)))]
pub async fn openapi_json(State(state): State<AppState>) -> Json<openapi::OpenApi> {
    let _timer = state
        .metrics
        .handler_duration
        .with_label_values(&["api:openapi"])
        .start_timer();
    Json(openapi())
}

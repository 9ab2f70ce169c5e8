//! Building and running the executor: the router (which routes need the token, the JSON
//! answers to unknown routes and methods) and the listener.
//!
//! The handlers are in `routes` and `auth`, the state they share in `state`, the settings in
//! `settings`.

use std::sync::Arc;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    middleware,
    routing::{get, post},
};
use joust_common::{http, ops};
use joust_sandbox::{Sandbox, SandboxConfig};
use tokio::{net::TcpListener, sync::Semaphore};

use crate::{auth, metrics::Metrics, routes, settings::Settings, state::AppState};

/// The executor's routes: the API behind the bearer token, `/healthz`, `/readyz` and
/// `/metrics` open (the executor listens on loopback unless told otherwise).
pub fn router(state: AppState, max_body_bytes: usize) -> Router {
    let slots = state.slots.clone();
    let readiness: ops::ReadinessCheck = Arc::new(move || {
        let busy = slots.available_permits() == 0;
        Box::pin(async move {
            if busy {
                ops::Readiness::Degraded("every run slot is busy; new requests queue".to_owned())
            } else {
                ops::Readiness::Ready
            }
        })
    });
    Router::new()
        .route("/v1/executions", post(routes::create_execution))
        .route("/v1/languages", get(routes::list_languages))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_token,
        ))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(state.clone())
        .merge(ops::routes(state.metrics.registry.clone(), readiness))
        .fallback(routes::not_found)
        .layer(middleware::map_response(routes::json_method_not_allowed))
}

pub struct Application {
    port: u16,
    listener: TcpListener,
    router: Router,
}

impl Application {
    /// Loads the sandbox (precompiling runtimes on first start) and binds the listener on
    /// `JOUST_EXECUTOR_HOST`.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let maxima = settings.maxima;
        // The engine reserves room for the largest memory limit a request may carry.
        let sandbox_config = SandboxConfig {
            max_memory_bytes: (maxima.memory_limit_mb as usize) << 20,
            ..settings.sandbox.clone()
        };
        let (sandbox, mut languages) = tokio::task::spawn_blocking(move || {
            let sandbox = Sandbox::new(sandbox_config)?;
            let languages = sandbox.languages();
            anyhow::Ok((sandbox, languages))
        })
        .await??;
        for language in &mut languages {
            language.limits.max_time_limit_ms = maxima.time_limit_ms;
            language.limits.max_memory_limit_mb = maxima.memory_limit_mb;
        }
        let state = AppState {
            slots: Arc::new(Semaphore::new(
                settings.sandbox.max_concurrent_runs.max(1) as usize
            )),
            sandbox,
            queue_timeout: settings.queue_timeout,
            request_deadline: settings.request_deadline,
            maxima,
            tokens: Arc::new(settings.tokens.clone()),
            metrics: Metrics::new(),
            languages: Arc::new(languages),
        };
        let (listener, port) = http::bind(&settings.host, settings.port).await?;
        Ok(Self {
            port,
            listener,
            router: router(state, settings.max_body_bytes),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until SIGINT/SIGTERM, letting in-flight executions finish.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tracing::info!(port = self.port, "executor listening");
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(joust_common::shutdown::signal())
            .await
    }
}

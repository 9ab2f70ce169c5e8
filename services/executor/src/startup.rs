//! Building and running the executor: the router and the listener.
//!
//! The handlers are in `routes`, the state they share in `state`, the settings in `settings`.

use std::sync::Arc;

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};
use joust_common::{http, ops};
use joust_sandbox::Sandbox;
use tokio::{net::TcpListener, sync::Semaphore};

use crate::{metrics::Metrics, routes, settings::Settings, state::AppState};

pub fn router(state: AppState, max_body_bytes: usize) -> Router {
    let readiness: ops::ReadinessCheck = Arc::new(|| Box::pin(async { Ok(()) }));
    Router::new()
        .route("/v1/executions", post(routes::create_execution))
        .route("/v1/languages", get(routes::list_languages))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(state.clone())
        .merge(ops::routes(state.metrics.registry.clone(), readiness))
}

pub struct Application {
    port: u16,
    listener: TcpListener,
    router: Router,
}

impl Application {
    /// Loads the sandbox (precompiling runtimes on first start) and binds the listener.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let sandbox_config = settings.sandbox.clone();
        let (sandbox, languages) = tokio::task::spawn_blocking(move || {
            let sandbox = Sandbox::new(sandbox_config)?;
            let languages = sandbox.languages();
            anyhow::Ok((sandbox, languages))
        })
        .await??;
        let state = AppState {
            slots: Arc::new(Semaphore::new(
                settings.sandbox.max_concurrent_runs.max(1) as usize
            )),
            sandbox,
            queue_timeout: settings.queue_timeout,
            metrics: Metrics::new(),
            languages: Arc::new(languages),
        };
        let (listener, port) = http::bind(&settings.common.host, settings.port).await?;
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

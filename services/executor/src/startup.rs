//! Building and running the executor.

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    extract::DefaultBodyLimit,
    routing::{get, post},
};
use joust_common::ops;
use joust_sandbox::{LanguageInfo, Sandbox};
use tokio::{net::TcpListener, sync::Semaphore};

use crate::{Settings, metrics::Metrics, routes};

/// Shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub sandbox: Sandbox,
    /// One permit per run slot.
    pub slots: Arc<Semaphore>,
    pub queue_timeout: Duration,
    pub metrics: Metrics,
    /// What `GET /v1/languages` answers; fixed for the life of the process.
    pub languages: Arc<Vec<LanguageInfo>>,
}

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
        let listener = TcpListener::bind((settings.common.host.as_str(), settings.port)).await?;
        let port = listener.local_addr()?.port();
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

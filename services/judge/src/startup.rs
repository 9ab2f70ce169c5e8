//! Building and running the judge: the consumer loop plus the operational HTTP routes.

use std::sync::Arc;

use axum::Router;
use joust_common::{db, ops};
use sqlx::PgPool;
use tokio::net::TcpListener;

use crate::{ExecutorClient, Settings, metrics::Metrics, worker};

/// What the worker needs. Cheap to clone.
#[derive(Clone)]
pub struct JudgeState {
    pub pool: PgPool,
    pub redis: redis::aio::ConnectionManager,
    pub redis_prefix: String,
    pub consumer: String,
    pub executor: ExecutorClient,
    pub retry_delay: std::time::Duration,
    pub claim_idle: std::time::Duration,
    pub metrics: Metrics,
}

pub struct Application {
    port: u16,
    listener: TcpListener,
    router: Router,
    state: JudgeState,
    /// Dedicated to the worker's blocking stream reads.
    stream_redis: redis::aio::ConnectionManager,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let pool = db::connect_postgres(&settings.stores.database_url, 8, true).await?;
        let (_client, mut redis) = db::connect_redis(&settings.stores.redis_url).await?;
        worker::ensure_group(
            &mut redis,
            &worker::stream_key(&settings.stores.redis_prefix),
        )
        .await?;
        let metrics = Metrics::new();
        let executor = ExecutorClient::new(
            &settings.executor_url,
            settings.executor_timeout,
            settings.breaker_failures,
            settings.breaker_open,
            metrics.breaker_state.clone(),
            metrics.breaker_transitions.clone(),
        );
        let state = JudgeState {
            pool: pool.clone(),
            redis: redis.clone(),
            redis_prefix: settings.stores.redis_prefix.clone(),
            consumer: settings.consumer_name.clone(),
            executor,
            retry_delay: settings.retry_delay,
            claim_idle: settings.claim_idle,
            metrics: metrics.clone(),
        };
        let readiness: ops::ReadinessCheck = Arc::new(move || {
            let pool = pool.clone();
            let mut redis = redis.clone();
            Box::pin(async move { db::ping(&pool, &mut redis).await })
        });
        let router = ops::routes(metrics.registry.clone(), readiness);
        let (_, stream_redis) = db::connect_redis_with_timeout(
            &settings.stores.redis_url,
            worker::READ_BLOCK + std::time::Duration::from_secs(5),
        )
        .await?;
        let listener = TcpListener::bind((settings.common.host.as_str(), settings.port)).await?;
        let port = listener.local_addr()?.port();
        Ok(Self {
            port,
            listener,
            router,
            state,
            stream_redis,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Consumes until SIGINT/SIGTERM; the submission being judged is finished first.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(joust_common::shutdown::signal()).await
    }

    /// Consumes until `stop` resolves (tests use this to stop a worker).
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(port = self.port, consumer = %self.state.consumer, "judge started");
        let (tx, rx) = tokio::sync::watch::channel(false);
        let server_rx = rx.clone();
        let server = axum::serve(self.listener, self.router).with_graceful_shutdown(async move {
            let mut rx = server_rx;
            let _ = rx.wait_for(|stopped| *stopped).await;
        });
        let worker = tokio::spawn(worker::run(self.state, self.stream_redis, async move {
            let mut rx = rx;
            let _ = rx.wait_for(|stopped| *stopped).await;
        }));
        tokio::spawn(async move {
            stop.await;
            let _ = tx.send(true);
        });
        let served = server.await;
        let _ = worker.await;
        served
    }
}

//! Building and running the judge: the consumer loop, the queue sampler and the operational
//! HTTP routes.

use std::{sync::Arc, time::Duration};

use axum::Router;
use joust_common::{db, ops};
use tokio::{net::TcpListener, sync::watch};

use crate::{
    ExecutorPolicy, ExecutorPool, Settings, metrics::Metrics, queue_metrics, requeue,
    state::JudgeState, worker,
};

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
        anyhow::ensure!(
            !settings.executor_urls.is_empty(),
            "JOUST_EXECUTOR_URL names no executor"
        );
        let pool = db::connect_postgres(&settings.stores.database_url, 8, true).await?;
        let (_client, mut redis) = db::connect_redis(&settings.stores.redis_url).await?;
        worker::ensure_group(
            &mut redis,
            &worker::stream_key(&settings.stores.redis_prefix),
        )
        .await?;
        let (_, stream_redis) = db::connect_redis_with_timeout(
            &settings.stores.redis_url,
            worker::READ_BLOCK + Duration::from_secs(5),
        )
        .await?;
        let metrics = Metrics::new();
        let executors = ExecutorPool::new(
            &settings.executor_urls,
            ExecutorPolicy {
                timeout: settings.executor_timeout,
                token: settings.executor_token.clone(),
                breaker_failures: settings.breaker_failures,
                breaker_open: settings.breaker_open,
                max_concurrent_calls: settings.executor_concurrency,
                half_open_probes: settings.half_open_probes,
            },
            metrics.breaker_state.clone(),
            metrics.breaker_transitions.clone(),
        );
        let state = JudgeState {
            pool: pool.clone(),
            redis: redis.clone(),
            redis_prefix: settings.stores.redis_prefix.clone(),
            consumer: settings.consumer_name.clone(),
            concurrency: settings.concurrency,
            executors,
            retry_delay: settings.retry_delay,
            claim_idle: settings.claim_idle,
            max_attempts: settings.max_attempts,
            max_timeouts: settings.max_timeouts,
            backpressure_max_delay: settings.backpressure_max_delay,
            fair_window: settings.fair_window,
            requeue_after: settings.requeue_after,
            metrics: metrics.clone(),
        };
        let router = ops::routes(
            metrics.registry.clone(),
            readiness(&metrics, pool, redis, state.executors.clone()),
        );
        let (listener, port) = joust_common::http::bind(&settings.ops_host, settings.port).await?;
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

    /// Consumes until SIGINT/SIGTERM; submissions being judged finish their current attempt.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(joust_common::shutdown::signal()).await
    }

    /// Consumes until `stop` resolves (tests use this to stop a worker).
    pub async fn run_until(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(port = self.port, consumer = %self.state.consumer, "judge started");
        let (stop_tx, stop_rx) = watch::channel(false);
        let mut server_stop = stop_rx.clone();
        let server = axum::serve(self.listener, self.router).with_graceful_shutdown(async move {
            let _ = server_stop.wait_for(|stopped| *stopped).await;
        });
        let sampler = tokio::spawn(queue_metrics::run(
            self.state.redis.clone(),
            self.state.redis_prefix.clone(),
            self.state.metrics.clone(),
            stop_rx.clone(),
        ));
        let requeuer = tokio::spawn(requeue::run(self.state.clone(), stop_rx.clone()));
        let worker = tokio::spawn(worker::run(self.state, self.stream_redis, stop_rx));
        tokio::spawn(async move {
            stop.await;
            let _ = stop_tx.send(true);
        });
        let served = server.await;
        let _ = worker.await;
        let _ = sampler.await;
        let _ = requeuer.await;
        served
    }
}

/// Not ready while a store is unreachable; degraded while an executor's breaker is open
/// (submissions then wait, or go to the other executors).
fn readiness(
    metrics: &Metrics,
    pool: sqlx::PgPool,
    redis: redis::aio::ConnectionManager,
    executors: ExecutorPool,
) -> ops::ReadinessCheck {
    let stores = ops::StoreHealth::new(&metrics.registry, pool, redis);
    stores.spawn_probe(ops::STORE_PROBE_PERIOD);
    Arc::new(move || {
        let stores = stores.clone();
        let (open, total) = executors.open_breakers();
        Box::pin(async move {
            match stores.check().await {
                ops::Readiness::Ready if open.len() == total && total > 0 => {
                    ops::Readiness::Degraded(format!(
                        "every executor's breaker is open: {}",
                        open.join(", ")
                    ))
                }
                ops::Readiness::Ready if !open.is_empty() => {
                    ops::Readiness::Degraded(format!("breaker open: {}", open.join(", ")))
                }
                other => other,
            }
        })
    })
}

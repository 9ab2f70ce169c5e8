//! Building and running the battle service.

use std::{sync::Arc, time::Duration};

use axum::{Router, routing::post};
use joust_common::{db, ops};
use socketioxide::SocketIo;
use socketioxide_redis::{RedisAdapterConfig, RedisAdapterCtr};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower_http::{cors::CorsLayer, trace::TraceLayer};

use crate::{Settings, auth::TokenKeys, http, lock::BattleLocks, metrics::Metrics, relay, socket};

/// The Socket.IO adapter: rooms and broadcasts span every instance through Redis.
pub type Adapter = socketioxide_redis::RedisAdapter<socketioxide::adapter::Emitter>;
pub type Io = SocketIo<Adapter>;

/// Shared by every handler. Cheap to clone: each field is a handle.
#[derive(Clone)]
pub struct AppState {
    pub pool: PgPool,
    pub redis: redis::aio::ConnectionManager,
    pub redis_prefix: String,
    pub locks: BattleLocks,
    pub tokens: TokenKeys,
    pub countdown: Duration,
    pub battle_length: Duration,
    pub max_event_bytes: usize,
    pub metrics: Metrics,
}

pub struct Application {
    port: u16,
    listener: TcpListener,
    router: Router,
    io: Io,
    state: AppState,
}

/// The adapter's driver needs RESP3 (push messages).
fn resp3_url(url: &str) -> String {
    if url.contains("protocol=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&protocol=resp3")
    } else {
        format!("{url}?protocol=resp3")
    }
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let pool = db::connect_postgres(&settings.stores.database_url, 16, true).await?;
        let (client, redis) = db::connect_redis(&settings.stores.redis_url).await?;
        let metrics = Metrics::new();
        let prefix = settings.stores.redis_prefix.clone();
        let state = AppState {
            pool: pool.clone(),
            redis: redis.clone(),
            redis_prefix: prefix.clone(),
            locks: BattleLocks::new(
                client.clone(),
                &prefix,
                settings.lock_ttl,
                metrics.lock_acquire_duration.clone(),
            ),
            tokens: TokenKeys::new(&settings.jwt_secret, settings.token_ttl),
            countdown: settings.countdown,
            battle_length: settings.battle_length,
            max_event_bytes: settings.max_event_bytes,
            metrics: metrics.clone(),
        };

        let adapter_client = redis::Client::open(resp3_url(&settings.stores.redis_url))?;
        let adapter = RedisAdapterCtr::new_with_redis_config(
            &adapter_client,
            RedisAdapterConfig::default().with_prefix(format!("{prefix}socket.io")),
        )
        .await?;
        let (socket_layer, io) = SocketIo::builder()
            .with_state(state.clone())
            .max_payload(settings.max_event_bytes as u64 + 4096)
            .with_adapter::<Adapter>(adapter)
            .build_layer();
        socket::register(&io).await?;
        tokio::spawn(relay::run(client, prefix, io.clone(), metrics.clone()));

        let readiness: ops::ReadinessCheck = Arc::new(move || {
            let pool = pool.clone();
            let mut redis = redis.clone();
            Box::pin(async move { db::ping(&pool, &mut redis).await })
        });
        let router = Router::new()
            .route("/api/auth/guest", post(http::create_guest))
            .with_state(state.clone())
            .merge(ops::routes(metrics.registry.clone(), readiness))
            .layer(socket_layer)
            .layer(CorsLayer::permissive())
            .layer(TraceLayer::new_for_http());
        let listener = TcpListener::bind((settings.common.host.as_str(), settings.port)).await?;
        let port = listener.local_addr()?.port();
        Ok(Self {
            port,
            listener,
            router,
            io,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The state handlers run with, for driving operations directly in tests.
    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    /// Serves until SIGINT/SIGTERM, then closes every socket and stops.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tracing::info!(port = self.port, "battle service listening");
        let io = self.io.clone();
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(async move {
                joust_common::shutdown::signal().await;
                io.close().await;
            })
            .await
    }
}

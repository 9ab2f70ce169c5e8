//! Building and running the battle service: connects the stores, builds the shared state, and
//! wires the Socket.IO gateway, the HTTP API, the relay and the sweeper to it.

use std::sync::{Arc, atomic::Ordering};

use axum::{Router, routing::post};
use joust_common::{db, ops};
use serde_json::json;
use socketioxide::SocketIo;
use socketioxide_redis::{RedisAdapterConfig, RedisAdapterCtr};
use tokio::net::TcpListener;
use tower_http::{cors::CorsLayer, trace::TraceLayer};
use uuid::Uuid;

use crate::{
    Settings, http,
    metrics::Metrics,
    relay, socket,
    state::{Adapter, AppState, Io},
    sweeper,
};

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
        let state = AppState::new(
            &settings,
            pool.clone(),
            client.clone(),
            redis.clone(),
            metrics.clone(),
        );

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
        tokio::spawn(relay::run(
            client,
            prefix,
            io.clone(),
            metrics.clone(),
            state.snapshots.clone(),
        ));
        tokio::spawn(sweeper::run(state.clone(), io.clone()));

        let draining = state.draining.clone();
        let readiness: ops::ReadinessCheck = Arc::new(move || {
            let pool = pool.clone();
            let mut redis = redis.clone();
            let draining = draining.load(Ordering::SeqCst);
            Box::pin(async move {
                if draining {
                    return Err("draining".to_owned());
                }
                db::ping(&pool, &mut redis).await
            })
        });
        let router = Router::new()
            .route("/api/auth/guest", post(http::create_guest))
            .with_state(state.clone())
            .merge(ops::routes(metrics.registry.clone(), readiness))
            .layer(socket_layer)
            .layer(CorsLayer::permissive())
            .layer(TraceLayer::new_for_http());
        let (listener, port) =
            joust_common::http::bind(&settings.common.host, settings.port).await?;
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

    /// The Socket.IO server, for asking it about sockets directly in tests.
    pub fn io(&self) -> Io {
        self.io.clone()
    }

    /// Serves until SIGINT/SIGTERM, then drains (see [`drain`]) and stops.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tracing::info!(port = self.port, "battle service listening");
        let (io, state) = (self.io.clone(), self.state.clone());
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(async move {
                joust_common::shutdown::signal().await;
                drain(&state, &io).await;
            })
            .await
    }
}

/// Moves the clients of a stopping instance elsewhere without a thundering herd: readiness
/// turns 503 (the load balancer stops sending new clients), new handshakes are refused, and
/// every connected socket is told `server:draining` with its own random delay within the drain
/// window, after which it should reconnect (through the load balancer, to another instance;
/// its seat is kept by the reconnect grace period). After the window the remaining sockets are
/// closed. The server keeps answering during the window, so `/readyz` reports the drain.
pub async fn drain(state: &AppState, io: &Io) {
    state.draining.store(true, Ordering::SeqCst);
    let window = state.drain_window.as_millis() as u64;
    let sockets = io.local().sockets();
    tracing::info!(
        sockets = sockets.len(),
        window_ms = window,
        "draining: telling clients to reconnect"
    );
    for socket in sockets {
        let delay = if window == 0 {
            0
        } else {
            (Uuid::new_v4().as_u128() as u64) % window
        };
        if let Err(e) = socket.emit("server:draining", &json!({ "reconnect_after_ms": delay })) {
            tracing::debug!(error = %e, "telling a client to reconnect failed");
        }
    }
    tokio::time::sleep(state.drain_window).await;
    io.close().await;
}

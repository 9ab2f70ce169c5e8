//! Building and running the battle service: connects the stores, builds the shared state, and
//! wires the Socket.IO gateway, the HTTP API, the relay, the sweeper and the tournament
//! scheduler to it. Two listeners: the public one (players: Socket.IO, the HTTP API,
//! `/healthz`, a bare `/readyz`) and the operations one (`/metrics`, `/readyz` with its
//! reason), on `JOUST_OPS_HOST`.

use std::{
    net::SocketAddr,
    sync::{Arc, atomic::Ordering},
};

use axum::{
    Extension, Router,
    http::{HeaderName, HeaderValue, Method, header},
    routing::{get, post},
    serve::ListenerExt,
};
use joust_common::{db, ops};
use serde_json::json;
use socketioxide::SocketIo;
use socketioxide_redis::{RedisAdapterConfig, RedisAdapterCtr};
use tokio::net::TcpListener;
use tower_http::{cors::CorsLayer, trace::TraceLayer};
use uuid::Uuid;

use crate::{
    Settings, accounts, api_doc, http, leaderboard, live_battles, lobby,
    metrics::Metrics,
    presence, profiles, relay, replay, runs, socket,
    state::{Adapter, AppState, Io},
    sweeper,
    tournaments::scheduler::Scheduler,
};

pub struct Application {
    port: u16,
    listener: TcpListener,
    router: Router,
    ops_port: u16,
    ops_listener: TcpListener,
    ops_router: Router,
    io: Io,
    state: AppState,
    scheduler: Scheduler,
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
            .max_buffer_size(settings.socket_buffer.max(16))
            .with_adapter::<Adapter>(adapter)
            .build_layer();
        socket::register(&io).await?;
        tokio::spawn(leaderboard::live::run(
            client.clone(),
            prefix.clone(),
            io.clone(),
            metrics.clone(),
            leaderboard::live::TopCache::new(pool.clone()),
        ));
        tokio::spawn(relay::run(
            client,
            prefix,
            io.clone(),
            metrics.clone(),
            state.snapshots.clone(),
        ));
        tokio::spawn(sweeper::run(state.clone(), io.clone()));
        let scheduler = Scheduler::new(
            state.clone(),
            io.clone(),
            settings.tournaments.clone(),
            &metrics.registry,
        );
        if settings.tournaments.scheduler {
            tokio::spawn(scheduler.clone().run());
        }
        let local = io.clone();
        tokio::spawn(presence::online::run(state.clone(), move || {
            presence::online::local_players(&local)
        }));

        let draining = state.draining.clone();
        let stores = ops::StoreHealth::new(&metrics.registry, pool.clone(), redis.clone());
        stores.spawn_probe(ops::STORE_PROBE_PERIOD);
        let readiness: ops::ReadinessCheck = Arc::new(move || {
            let stores = stores.clone();
            let draining = draining.load(Ordering::SeqCst);
            Box::pin(async move {
                if draining {
                    return ops::Readiness::NotReady("draining".to_owned());
                }
                stores.check().await
            })
        });
        let api = Router::new()
            .route("/api/auth/guest", post(http::create_guest))
            .route("/api/openapi.json", get(api_doc::openapi_json))
            .merge(accounts::routes())
            .route("/api/battles/live", get(live_battles::list))
            .route("/api/battles/{id}", get(replay::get_battle))
            .route("/api/battles/{id}/events", get(replay::get_events))
            .route("/api/battles/{id}/runs", post(runs::create_run))
            .route("/api/runs/{id}", get(runs::get_run))
            .route(
                "/api/battles/{id}/submissions",
                get(replay::get_submissions),
            )
            .route("/api/players/{player}", get(profiles::get_profile))
            .route("/api/players/{player}/battles", get(profiles::get_battles))
            .route("/api/presence", get(lobby::get_presence))
            .route("/api/leaderboard", get(leaderboard::http::page))
            .route(
                "/api/leaderboard/rank/{user_id}",
                get(leaderboard::http::rank),
            )
            .layer(Extension(leaderboard::http::Allowance::new(
                settings.limits.leaderboard,
            )))
            .layer(Extension(live_battles::LiveAllowance(
                leaderboard::http::Allowance::new(settings.limits.live_battles),
            )))
            .merge(crate::problems::router(
                &settings.problems,
                &metrics.registry,
            ))
            .merge(crate::tournaments::router(
                &settings.tournaments,
                &metrics.registry,
            ))
            .method_not_allowed_fallback(http::method_not_allowed);
        // The web app's pages take every path no route above takes (Socket.IO and the health
        // routes are merged after, so they are never shadowed).
        let mut router = match &settings.web_dir {
            Some(dir) => api.fallback(http::web_app(dir)),
            None => api.fallback(http::not_found),
        }
        .with_state(state.clone())
        .merge(ops::public_routes(readiness.clone()))
        .layer(socket_layer);
        if let Some(cors) = cors(&settings.cors_origins)? {
            router = router.layer(cors);
        }
        let router = router.layer(TraceLayer::new_for_http());
        let ops_router = ops::routes(metrics.registry.clone(), readiness);
        let (listener, port) =
            joust_common::http::bind(&settings.common.host, settings.port).await?;
        let (ops_listener, ops_port) =
            joust_common::http::bind(&settings.ops_host, settings.ops_port).await?;
        Ok(Self {
            port,
            listener,
            router,
            ops_port,
            ops_listener,
            ops_router,
            io,
            state,
            scheduler,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the operations listener (`/metrics`, detailed `/readyz`).
    pub fn ops_port(&self) -> u16 {
        self.ops_port
    }

    /// The state handlers run with, for driving operations directly in tests.
    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    /// The Socket.IO server, for asking it about sockets directly in tests.
    pub fn io(&self) -> Io {
        self.io.clone()
    }

    /// The tournament scheduler of this instance (running on its own unless
    /// `JOUST_TOURNAMENT_SCHEDULER=false`), for driving it directly in tests.
    pub fn scheduler(&self) -> Scheduler {
        self.scheduler.clone()
    }

    /// Serves until SIGINT/SIGTERM, then drains (see [`drain`]) and stops.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tracing::info!(
            port = self.port,
            ops_port = self.ops_port,
            "battle service listening"
        );
        let (io, state) = (self.io.clone(), self.state.clone());
        // The operations listener lives as long as the process: it reports the drain.
        let ops = axum::serve(self.ops_listener, self.ops_router);
        tokio::spawn(async move {
            if let Err(e) = ops.await {
                tracing::error!(error = %e, "operations listener failed");
            }
        });
        // Without TCP_NODELAY, Nagle's algorithm holds a small ack back until the client's
        // delayed ACK arrives (about 40 ms per round trip).
        let listener = self.listener.tap_io(|stream| {
            if let Err(e) = stream.set_nodelay(true) {
                tracing::debug!(error = %e, "setting TCP_NODELAY failed");
            }
        });
        // Peer addresses key the per-IP handshake limits.
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service)
            .with_graceful_shutdown(async move {
                joust_common::shutdown::signal().await;
                drain(&state, &io).await;
            })
            .await
    }
}

/// Cross-origin access for the listed origins only; none at all when the list is empty.
fn cors(origins: &[String]) -> anyhow::Result<Option<CorsLayer>> {
    if origins.is_empty() {
        return Ok(None);
    }
    let origins = origins
        .iter()
        .map(|o| HeaderValue::from_str(o))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow::anyhow!("JOUST_CORS_ORIGINS: {e}"))?;
    let headers: [HeaderName; 2] = [header::CONTENT_TYPE, header::AUTHORIZATION];
    Ok(Some(
        CorsLayer::new()
            .allow_origin(origins)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers(headers),
    ))
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

//! The Socket.IO handshake: who the client is (its token) and where it comes from (its
//! address, through trusted proxies only), and the per-address allowances of connections.

use std::{
    net::{IpAddr, Ipv4Addr, SocketAddr},
    sync::{Arc, atomic::Ordering},
    time::Duration,
};

use axum::extract::ConnectInfo;
use serde::Deserialize;
use socketioxide::extract::{SocketRef, State, TryData};

use crate::{AppState, state::Adapter};

/// The protocol version clients must announce in the handshake `auth`.
pub const PROTOCOL_VERSION: u32 = 1;

#[derive(Debug, Deserialize)]
pub(crate) struct Handshake {
    token: String,
    protocol: u32,
}

#[derive(Debug, thiserror::Error)]
#[error("{code}: {message}")]
pub(crate) struct HandshakeError {
    code: &'static str,
    message: String,
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the last address in
/// `X-Forwarded-For` that is not one of the trusted proxies.
pub fn client_ip(parts: &axum::http::request::Parts, trusted: &[IpAddr]) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    if !trusted.contains(&peer) {
        return peer;
    }
    let forwarded: Vec<IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded
        .into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

/// Whole milliseconds, at least one, so that clients never retry at once.
pub(crate) fn retry_ms(wait: Duration) -> u64 {
    (wait.as_millis() as u64).max(1)
}

/// Admits a socket: the token is checked first (cheap, and touches no store), and a refused
/// one is charged to its address's failure allowance only, never to anyone's handshake
/// allowance; an address over its failure allowance is refused before its tokens are checked.
/// An authenticated handshake is then charged to its address.
pub(crate) async fn authenticate(
    socket: SocketRef<Adapter>,
    TryData(auth): TryData<Handshake>,
    State(state): State<AppState>,
) -> Result<(), HandshakeError> {
    let refuse = |reason: &'static str, code: &'static str, message: String| {
        state
            .metrics
            .handshakes_rejected
            .with_label_values(&[reason])
            .inc();
        HandshakeError { code, message }
    };
    if state.draining.load(Ordering::SeqCst) {
        return Err(refuse(
            "draining",
            "DRAINING",
            "this server is shutting down; connect again".into(),
        ));
    }
    let ip = client_ip(socket.req_parts(), &state.trusted_proxies);
    if let Err(wait) = state.handshake_failures.check(&ip) {
        return Err(refuse(
            "failures",
            "RATE_LIMITED",
            format!(
                "too many refused connections from your address; retry in {} ms",
                retry_ms(wait)
            ),
        ));
    }
    let failed = |reason, code, message| {
        let _ = state.handshake_failures.try_take(&ip);
        refuse(reason, code, message)
    };
    let auth = auth.map_err(|_| {
        failed(
            "malformed",
            "UNAUTHORIZED",
            "auth must be {token, protocol}".into(),
        )
    })?;
    if auth.protocol != PROTOCOL_VERSION {
        return Err(failed(
            "protocol",
            "UNSUPPORTED_PROTOCOL",
            "this server speaks protocol 1".into(),
        ));
    }
    let player = state
        .tokens
        .verify(&auth.token)
        .map_err(|_| failed("token", "UNAUTHORIZED", "invalid or expired token".into()))?;
    if let Err(wait) = state.handshakes.try_take(&ip) {
        return Err(refuse(
            "rate_limited",
            "RATE_LIMITED",
            format!("too many connections; retry in {} ms", retry_ms(wait)),
        ));
    }
    socket
        .extensions
        .insert(Arc::new(state.limits.for_socket()));
    socket.extensions.insert(player);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_client_address_comes_from_trusted_proxies_only() {
        let parts = |peer: &str, forwarded: Option<&str>| {
            let mut request = axum::http::Request::builder();
            if let Some(f) = forwarded {
                request = request.header("x-forwarded-for", f);
            }
            let (mut parts, ()) = request.body(()).unwrap().into_parts();
            parts
                .extensions
                .insert(ConnectInfo(SocketAddr::new(peer.parse().unwrap(), 1234)));
            parts
        };
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        // Not from a trusted proxy: the header is ignored.
        assert_eq!(
            client_ip(&parts("1.2.3.4", Some("9.9.9.9")), &[proxy]),
            ip("1.2.3.4")
        );
        // From the proxy: the last address it saw that is not a proxy.
        let p = parts("10.0.0.1", Some("6.6.6.6, 5.5.5.5, 10.0.0.1"));
        assert_eq!(client_ip(&p, &[proxy]), ip("5.5.5.5"));
        assert_eq!(client_ip(&parts("10.0.0.1", None), &[proxy]), proxy);
    }
}

//! Session tokens: HS256 JSON Web Tokens naming the player.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use crate::error::ApiError;

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    /// The user id.
    pub sub: Uuid,
    pub name: String,
    pub iat: u64,
    pub exp: u64,
}

/// The authenticated player of a socket or request.
#[derive(Debug, Clone, PartialEq)]
pub struct Player {
    pub id: Uuid,
    pub name: String,
}

#[derive(Clone)]
pub struct TokenKeys {
    secret: Vec<u8>,
    ttl: Duration,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl TokenKeys {
    pub fn new(secret: &str, ttl: Duration) -> Self {
        Self {
            secret: secret.as_bytes().to_vec(),
            ttl,
        }
    }

    fn mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC accepts any key length")
    }

    pub fn issue(&self, player: &Player) -> String {
        let iat = now_secs();
        let claims = Claims {
            sub: player.id,
            name: player.name.clone(),
            iat,
            exp: iat + self.ttl.as_secs(),
        };
        let payload = serde_json::to_vec(&claims).expect("claims serialize");
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(HEADER),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }

    pub fn verify(&self, token: &str) -> Result<Player, ApiError> {
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(ApiError::Unauthorized);
        };
        let header: serde_json::Value = URL_SAFE_NO_PAD
            .decode(header)
            .ok()
            .and_then(|h| serde_json::from_slice(&h).ok())
            .ok_or(ApiError::Unauthorized)?;
        if header.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
            return Err(ApiError::Unauthorized);
        }
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| ApiError::Unauthorized)?;
        let signed_len = token.len() - signature_len(token) - 1;
        let mut mac = self.mac();
        mac.update(&token.as_bytes()[..signed_len]);
        mac.verify_slice(&signature)
            .map_err(|_| ApiError::Unauthorized)?;
        let claims: Claims = URL_SAFE_NO_PAD
            .decode(payload)
            .ok()
            .and_then(|p| serde_json::from_slice(&p).ok())
            .ok_or(ApiError::Unauthorized)?;
        if claims.exp <= now_secs() {
            return Err(ApiError::Unauthorized);
        }
        Ok(Player {
            id: claims.sub,
            name: claims.name,
        })
    }
}

fn signature_len(token: &str) -> usize {
    token.rsplit('.').next().map_or(0, str::len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn player() -> Player {
        Player {
            id: Uuid::new_v4(),
            name: "ada".into(),
        }
    }

    #[test]
    fn issued_tokens_verify() {
        let keys = TokenKeys::new("secret", Duration::from_secs(60));
        let p = player();
        assert_eq!(keys.verify(&keys.issue(&p)).unwrap(), p);
    }

    #[test]
    fn tampered_or_foreign_tokens_are_refused() {
        let keys = TokenKeys::new("secret", Duration::from_secs(60));
        let token = keys.issue(&player());
        let other = TokenKeys::new("other", Duration::from_secs(60));
        assert!(other.verify(&token).is_err());
        let mut tampered = token.clone();
        tampered.insert(tampered.find('.').unwrap() + 2, 'x');
        assert!(keys.verify(&tampered).is_err());
        assert!(keys.verify("a.b").is_err());
        assert!(keys.verify("").is_err());
    }

    #[test]
    fn expired_tokens_are_refused() {
        let keys = TokenKeys::new("secret", Duration::from_secs(0));
        assert!(keys.verify(&keys.issue(&player())).is_err());
    }
}

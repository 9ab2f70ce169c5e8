//! Session tokens: HS256 JSON Web Tokens naming the player, signed with the current key of
//! `JOUST_JWT_SECRET`; while a key is being replaced, tokens signed with the previous one
//! (`JOUST_JWT_PREVIOUS_SECRET`) still verify. A token also carries its holder's [`Role`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, header::AUTHORIZATION};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use joust_common::settings::KeyRing;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use uuid::Uuid;

use crate::error::ApiError;

/// The access token of an `Authorization: Bearer <token>` header: `None` without the header,
/// `UNAUTHORIZED` when it is there but not a bearer token.
pub fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, ApiError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|token| Some(token.trim()))
        .ok_or(ApiError::Unauthorized)
}

const HEADER: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Claims {
    /// The user id.
    pub sub: Uuid,
    pub name: String,
    /// Tokens issued before roles existed name none: they are learners'.
    #[serde(default)]
    pub role: Role,
    pub iat: u64,
    pub exp: u64,
}

/// What a user may do beyond playing; stored as the PostgreSQL enum `user_role`. Guests are
/// learners; other roles are granted with `joust-battle admin grant`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema,
)]
#[sqlx(type_name = "user_role", rename_all = "lowercase")]
#[serde(rename_all = "lowercase")]
pub enum Role {
    #[default]
    Learner,
    Organizer,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Learner, Role::Organizer, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Learner => "learner",
            Role::Organizer => "organizer",
            Role::Admin => "admin",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role {s:?} (learner, organizer or admin)"))
    }
}

/// The authenticated player of a socket or request.
#[derive(Debug, Clone, PartialEq)]
pub struct Player {
    pub id: Uuid,
    pub name: String,
}

#[derive(Clone)]
pub struct TokenKeys {
    /// Signs new tokens.
    current: Vec<u8>,
    /// Also verifies, during a rotation.
    previous: Option<Vec<u8>>,
    ttl: Duration,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl TokenKeys {
    /// Keys of one secret, without a previous one.
    pub fn new(secret: &str, ttl: Duration) -> Self {
        Self::from_ring(&KeyRing::single(secret), ttl)
    }

    pub fn from_ring(ring: &KeyRing, ttl: Duration) -> Self {
        Self {
            current: ring.current.as_bytes().to_vec(),
            previous: ring.previous.as_ref().map(|p| p.as_bytes().to_vec()),
            ttl,
        }
    }

    fn mac(key: &[u8]) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts any key length")
    }

    /// A learner's token with the default lifetime (`JOUST_TOKEN_TTL_SECS`), as guests get.
    pub fn issue(&self, player: &Player) -> String {
        self.issue_with(player, Role::Learner, self.ttl)
    }

    /// A token of `player` with `role`, valid for `ttl`.
    pub fn issue_with(&self, player: &Player, role: Role, ttl: Duration) -> String {
        let iat = now_secs();
        let claims = Claims {
            sub: player.id,
            name: player.name.clone(),
            role,
            iat,
            exp: iat + ttl.as_secs(),
        };
        let payload = serde_json::to_vec(&claims).expect("claims serialize");
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(HEADER),
            URL_SAFE_NO_PAD.encode(payload)
        );
        let mut mac = Self::mac(&self.current);
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }

    /// The player of a request's `Authorization: Bearer` token; a missing or bad token is
    /// `UNAUTHORIZED`.
    pub fn verify_bearer(&self, headers: &HeaderMap) -> Result<Player, ApiError> {
        self.verify(bearer_token(headers)?.ok_or(ApiError::Unauthorized)?)
    }

    pub fn verify(&self, token: &str) -> Result<Player, ApiError> {
        let claims = self.verify_claims(token)?;
        Ok(Player {
            id: claims.sub,
            name: claims.name,
        })
    }

    /// The claims of a token this service signed and that has not expired.
    pub fn verify_claims(&self, token: &str) -> Result<Claims, ApiError> {
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
        let signed = &token.as_bytes()[..signed_len];
        let verifies = |key: &[u8]| {
            let mut mac = Self::mac(key);
            mac.update(signed);
            mac.verify_slice(&signature).is_ok()
        };
        if !(verifies(&self.current) || self.previous.as_deref().is_some_and(verifies)) {
            return Err(ApiError::Unauthorized);
        }
        let claims: Claims = URL_SAFE_NO_PAD
            .decode(payload)
            .ok()
            .and_then(|p| serde_json::from_slice(&p).ok())
            .ok_or(ApiError::Unauthorized)?;
        if claims.exp <= now_secs() {
            return Err(ApiError::Unauthorized);
        }
        Ok(claims)
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
    fn during_a_rotation_the_previous_key_still_verifies() {
        let ttl = Duration::from_secs(60);
        let old = TokenKeys::new("old-key", ttl);
        let rotated = TokenKeys::from_ring(
            &KeyRing {
                current: "new-key".into(),
                previous: Some("old-key".into()),
            },
            ttl,
        );
        let p = player();
        assert_eq!(rotated.verify(&old.issue(&p)).unwrap(), p);
        assert_eq!(rotated.verify(&rotated.issue(&p)).unwrap(), p);
        // New tokens are signed with the new key only.
        assert!(old.verify(&rotated.issue(&p)).is_err());
        let unknown = TokenKeys::new("unknown-key", ttl);
        assert!(rotated.verify(&unknown.issue(&p)).is_err());
    }

    #[test]
    fn the_role_travels_in_the_token_and_old_tokens_are_learners() {
        let keys = TokenKeys::new("secret", Duration::from_secs(60));
        let p = player();
        let token = keys.issue_with(&p, Role::Organizer, Duration::from_secs(30));
        let claims = keys.verify_claims(&token).unwrap();
        assert_eq!(claims.role, Role::Organizer);
        assert_eq!(claims.exp - claims.iat, 30);
        assert_eq!(
            keys.verify_claims(&keys.issue(&p)).unwrap().role,
            Role::Learner
        );
        let old: Claims = serde_json::from_str(&format!(
            r#"{{"sub":"{}","name":"ada","iat":1,"exp":2}}"#,
            p.id
        ))
        .unwrap();
        assert_eq!(old.role, Role::Learner);
        assert_eq!("admin".parse::<Role>().unwrap(), Role::Admin);
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn expired_tokens_are_refused() {
        let keys = TokenKeys::new("secret", Duration::from_secs(0));
        assert!(keys.verify(&keys.issue(&player())).is_err());
    }
}

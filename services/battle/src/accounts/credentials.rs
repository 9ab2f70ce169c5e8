//! What a player logs in with: a [`Handle`] and a [`Password`], each parsed once, and argon2id
//! hashing of passwords (on the blocking pool: a hash costs tens of milliseconds of CPU and
//! `JOUST_ARGON2_MEMORY_KIB` of memory, so only a few run at once).

use std::{fmt, sync::Arc, time::Duration};

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::SaltString,
};

use crate::{error::ApiError, settings::AccountSettings};

pub const MIN_HANDLE_CHARS: usize = 3;
pub const MAX_HANDLE_CHARS: usize = 32;
pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// The name a registered player logs in with, which is also its display name (`users.name`):
/// 3 to 32 ASCII letters, digits, `_`, `-` or `.`, starting with a letter or digit, so that it
/// can be typed anywhere and cannot pass for another. Unique ignoring case, among guests' names
/// too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handle(String);

impl Handle {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let handle = raw.trim();
        let len = handle.chars().count();
        if !(MIN_HANDLE_CHARS..=MAX_HANDLE_CHARS).contains(&len) {
            return Err(ApiError::InvalidPayload(format!(
                "handle must be {MIN_HANDLE_CHARS} to {MAX_HANDLE_CHARS} characters"
            )));
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
        if !handle.chars().all(allowed) || !handle.starts_with(|c: char| c.is_ascii_alphanumeric())
        {
            return Err(ApiError::InvalidPayload(
                "handle may contain only ASCII letters, digits, _, - and ., and starts with a letter or digit".into(),
            ));
        }
        Ok(Self(handle.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key of per-handle limits: handles are the same ignoring case.
    pub fn key(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

/// A password: 8 to 128 characters, taken as given (no trimming). Never printed.
#[derive(Clone)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(..)")
    }
}

impl Password {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let len = raw.chars().count();
        if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&len) {
            return Err(ApiError::InvalidPayload(format!(
                "password must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"
            )));
        }
        Ok(Self(raw.to_owned()))
    }
}

/// How long a request waits for a hashing slot before it is answered `BUSY`.
const SLOT_WAIT: Duration = Duration::from_secs(2);

/// Hashes with the configured argon2id cost; verifies with the cost written in the hash, so
/// raising the cost keeps older hashes valid. At most `JOUST_ARGON2_MAX_CONCURRENT` hashes run
/// at once (the `slots`), so a flood of logins from many addresses cannot exhaust memory.
#[derive(Clone)]
pub struct Hasher {
    params: Params,
    slots: Arc<tokio::sync::Semaphore>,
}

impl Hasher {
    pub fn new(
        settings: &AccountSettings,
        slots: Arc<tokio::sync::Semaphore>,
    ) -> Result<Self, ApiError> {
        let params = Params::new(
            settings.argon2_memory_kib,
            settings.argon2_iterations,
            1,
            None,
        )
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("argon2 parameters: {e}")))?;
        Ok(Self { params, slots })
    }

    /// A hashing slot, or `BUSY` when none frees up in time.
    async fn slot(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        let busy = ApiError::Busy {
            retry_after_ms: SLOT_WAIT.as_millis() as u64,
        };
        match tokio::time::timeout(SLOT_WAIT, self.slots.clone().acquire_owned()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(busy),
        }
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    /// The PHC string of `password` with a fresh random salt.
    pub async fn hash(&self, password: &Password) -> Result<String, ApiError> {
        let (argon2, password) = (self.argon2(), password.0.clone());
        let slot = self.slot().await?;
        blocking(slot, move || {
            let mut salt = [0u8; 16];
            getrandom::fill(&mut salt).map_err(|e| anyhow::anyhow!("random salt: {e}"))?;
            let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
            let hash = argon2
                .hash_password(password.as_bytes(), &salt)
                .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
            Ok(hash.to_string())
        })
        .await
    }

    /// Whether `password` matches `stored`. Without a stored hash (no such account) the same
    /// work is done on a throwaway hash, so that the answer's timing does not tell whether a
    /// handle is registered.
    pub async fn verify(
        &self,
        password: &Password,
        stored: Option<&str>,
    ) -> Result<bool, ApiError> {
        let (argon2, password, stored) =
            (self.argon2(), password.0.clone(), stored.map(str::to_owned));
        let slot = self.slot().await?;
        blocking(slot, move || {
            let Some(stored) = stored else {
                let salt = SaltString::encode_b64(b"joust-no-account").expect("a valid salt");
                let _ = argon2.hash_password(password.as_bytes(), &salt);
                return Ok(false);
            };
            let hash =
                PasswordHash::new(&stored).map_err(|e| anyhow::anyhow!("stored hash: {e}"))?;
            Ok(argon2.verify_password(password.as_bytes(), &hash).is_ok())
        })
        .await
    }
}

/// Runs `work` on the blocking pool, holding `slot` until it is done (even if the request is
/// abandoned meanwhile).
async fn blocking<T: Send + 'static>(
    slot: tokio::sync::OwnedSemaphorePermit,
    work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        work()
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing task: {e}")))?
    .map_err(ApiError::Internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_plain_ascii_within_bounds() {
        assert_eq!(Handle::parse(" Ada_1 ").unwrap().as_str(), "Ada_1");
        assert_eq!(Handle::parse("Ada.L-x").unwrap().key(), "ada.l-x");
        for bad in ["ab", &"a".repeat(33), "_ada", "a da", "adа", "ada!", ""] {
            assert!(Handle::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Handle::parse(&"a".repeat(32)).is_ok());
    }

    #[test]
    fn passwords_are_bounded_and_never_printed() {
        assert!(Password::parse("short").is_err());
        assert!(Password::parse(&"p".repeat(129)).is_err());
        let password = Password::parse("correct horse").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }

    #[tokio::test]
    async fn hashes_verify_only_their_password() {
        let settings = AccountSettings {
            argon2_memory_kib: 1024,
            argon2_iterations: 1,
            ..AccountSettings::default()
        };
        let slots = Arc::new(tokio::sync::Semaphore::new(1));
        let hasher = Hasher::new(&settings, slots.clone()).unwrap();
        let password = Password::parse("correct horse").unwrap();
        let hash = hasher.hash(&password).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{hash}");
        assert_ne!(hash, hasher.hash(&password).await.unwrap(), "salted");
        assert!(hasher.verify(&password, Some(&hash)).await.unwrap());
        let wrong = Password::parse("wrong horse").unwrap();
        assert!(!hasher.verify(&wrong, Some(&hash)).await.unwrap());
        assert!(!hasher.verify(&password, None).await.unwrap());
        // A stronger cost later still verifies older hashes.
        let stronger = Hasher::new(
            &AccountSettings {
                argon2_memory_kib: 2048,
                ..settings
            },
            slots,
        )
        .unwrap();
        assert!(stronger.verify(&password, Some(&hash)).await.unwrap());
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_free_slot_hashing_is_refused_as_busy() {
        let slots = Arc::new(tokio::sync::Semaphore::new(1));
        let hasher = Hasher::new(&AccountSettings::default(), slots.clone()).unwrap();
        let _held = slots.clone().acquire_owned().await.unwrap();
        let password = Password::parse("correct horse").unwrap();
        let refused = hasher.hash(&password).await.unwrap_err();
        assert_eq!(refused.code(), "BUSY");
        assert_eq!(refused.retry_after_ms(), Some(2_000));
        assert_eq!(
            hasher.verify(&password, None).await.unwrap_err().code(),
            "BUSY"
        );
    }
}

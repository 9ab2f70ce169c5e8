//! Settings of registered accounts: token lifetimes, the limits and lockout of the auth
//! endpoints, and the cost of password hashing.

use std::time::Duration;

use joust_common::settings::{SettingError, env_or, env_secs};

use super::Rate;

#[derive(Debug, Clone)]
pub struct AccountSettings {
    /// `JOUST_ACCESS_TOKEN_TTL_SECS`: lifetime of the access token a login or refresh returns;
    /// short, because it is checked without the database (a role change or a logout
    /// everywhere reaches access tokens only when they expire).
    pub access_ttl: Duration,
    /// `JOUST_REFRESH_TOKEN_TTL_SECS`: lifetime of a refresh token; each refresh returns a new
    /// one with a new lifetime.
    pub refresh_ttl: Duration,
    /// `JOUST_AUTH_IP_RATE`: register, login and refresh requests per client IP.
    pub ip_rate: Rate,
    /// `JOUST_AUTH_HANDLE_RATE`: register and login attempts per handle, and refreshes per
    /// account, whatever the address.
    pub handle_rate: Rate,
    /// `JOUST_LOGIN_MAX_FAILURES`: consecutive wrong passwords that lock an account.
    pub max_failures: i32,
    /// `JOUST_LOGIN_LOCKOUT_SECS`: how long a locked account refuses logins.
    pub lockout: Duration,
    /// `JOUST_ARGON2_MEMORY_KIB`: argon2id memory cost of new password hashes.
    pub argon2_memory_kib: u32,
    /// `JOUST_ARGON2_ITERATIONS`: argon2id time cost of new password hashes.
    pub argon2_iterations: u32,
    /// `JOUST_ARGON2_MAX_CONCURRENT`: password hashes run at once; each holds
    /// `argon2_memory_kib` of memory. A request that finds none free within 2 s gets `BUSY`.
    pub argon2_max_concurrent: usize,
}

impl Default for AccountSettings {
    fn default() -> Self {
        Self {
            access_ttl: Duration::from_secs(900),
            refresh_ttl: Duration::from_secs(30 * 86_400),
            ip_rate: Rate::new(1.0, 20),
            handle_rate: Rate::new(0.2, 10),
            max_failures: 5,
            lockout: Duration::from_secs(900),
            // OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
            argon2_memory_kib: 19_456,
            argon2_iterations: 2,
            argon2_max_concurrent: 4,
        }
    }
}

impl AccountSettings {
    pub(super) fn from_env(d: Self) -> Result<Self, SettingError> {
        Ok(Self {
            access_ttl: env_secs("JOUST_ACCESS_TOKEN_TTL_SECS", d.access_ttl)?,
            refresh_ttl: env_secs("JOUST_REFRESH_TOKEN_TTL_SECS", d.refresh_ttl)?,
            ip_rate: env_or("JOUST_AUTH_IP_RATE", d.ip_rate)?,
            handle_rate: env_or("JOUST_AUTH_HANDLE_RATE", d.handle_rate)?,
            max_failures: env_or("JOUST_LOGIN_MAX_FAILURES", d.max_failures)?,
            lockout: env_secs("JOUST_LOGIN_LOCKOUT_SECS", d.lockout)?,
            argon2_memory_kib: env_or("JOUST_ARGON2_MEMORY_KIB", d.argon2_memory_kib)?,
            argon2_iterations: env_or("JOUST_ARGON2_ITERATIONS", d.argon2_iterations)?,
            argon2_max_concurrent: env_or("JOUST_ARGON2_MAX_CONCURRENT", d.argon2_max_concurrent)?,
        })
    }
}

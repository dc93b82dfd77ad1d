//! Identity: password hashing (argon2id, legacy bcrypt), access tokens (JWT HS256), and turning an
//! `Authorization` header into a [`Viewer`] re-read from the database on every request.
//!
//! `docs/decisions/0010-auth-tokens.md` explains token revocation (`users.tokens_valid_after`);
//! `docs/decisions/0011-auth-rate-limits.md` the rate limits every password check passes first and
//! the process-wide bound on concurrent password hashing.

use std::{
    fmt,
    future::Future,
    num::NonZeroUsize,
    sync::{
        Arc, LazyLock,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use argon2::{
    Algorithm as ArgonAlgorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier,
    Version, password_hash::SaltString,
};
use chrono::{DateTime, Utc};
use entity::{sea_orm_active_enums::UserRole, users};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use rand::RngCore;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;
use uuid::Uuid;

use crate::services::{
    error::{InternalError, ServiceError, ServiceResult},
    permissions::{Viewer, ViewerUser},
    rate_limit::Limit,
};

/// Shortest password accepted (OWASP ASVS: at least 8; Patchbay asks for 10).
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted (bounds the hashing work one request can cause).
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Token and rate-limit settings, given to [`crate::build_schema`] and kept as schema data.
#[derive(Clone)]
pub struct AuthConfig {
    /// HS256 signing secret.
    pub jwt_secret: Vec<u8>,
    /// How long an access token is valid.
    pub token_ttl: Duration,
    /// Login attempts allowed per client address (whatever the email), and per (email, client
    /// address) since that pair's last successful login.
    pub login_limit: Limit,
    /// Failed logins allowed per email from all addresses together; beyond it an address gets only
    /// its first attempt of each `login_limit` window for that email (no lockout for the owner
    /// signing in from elsewhere, one guess per window for each attacking address).
    pub login_email_ceiling: Limit,
    /// Registration attempts allowed per client address (per email when the address is unknown).
    pub register_limit: Limit,
    /// `changePassword` attempts allowed per signed-in user (each alias of the mutation counts).
    pub change_password_limit: Limit,
}

impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field("jwt_secret", &"<redacted>")
            .field("token_ttl", &self.token_ttl)
            .field("login_limit", &self.login_limit)
            .field("login_email_ceiling", &self.login_email_ceiling)
            .field("register_limit", &self.register_limit)
            .field("change_password_limit", &self.change_password_limit)
            .finish()
    }
}

/// Default token lifetime: 24 hours.
pub const DEFAULT_TOKEN_TTL: Duration = Duration::from_secs(24 * 60 * 60);

impl AuthConfig {
    /// Settings with `secret`, the default lifetime and default rate limits.
    pub fn new(jwt_secret: impl Into<Vec<u8>>) -> Self {
        Self {
            jwt_secret: jwt_secret.into(),
            token_ttl: DEFAULT_TOKEN_TTL,
            login_limit: Limit {
                max: 10,
                window_secs: 60,
            },
            login_email_ceiling: Limit {
                max: 100,
                window_secs: 3600,
            },
            register_limit: Limit {
                max: 5,
                window_secs: 600,
            },
            change_password_limit: Limit {
                max: 5,
                window_secs: 600,
            },
        }
    }

    /// Settings with a fresh random secret (for printing the SDL and for tests: tokens die with it).
    pub fn random() -> Self {
        Self::new(random_secret())
    }
}

/// 32 random bytes, hex-encoded: a secret for HS256.
pub fn random_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The claims of a Patchbay access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user's id.
    pub sub: String,
    /// The user's role when the token was issued (informational: the database decides).
    pub role: String,
    /// Issued at (seconds since the epoch).
    pub iat: i64,
    /// Expires at (seconds since the epoch).
    pub exp: i64,
}

fn role_name(role: UserRole) -> &'static str {
    match role {
        UserRole::Admin => "admin",
        UserRole::Creator => "creator",
    }
}

/// Issues an access token for `user`, valid from now for the configured lifetime.
pub fn issue_token(config: &AuthConfig, user: &users::Model) -> ServiceResult<String> {
    let ttl = i64::try_from(config.token_ttl.as_secs()).unwrap_or(i64::MAX);
    issue_token_at(config, user.id, user.role, Utc::now(), ttl)
}

/// Issues a token with an explicit issue time and lifetime (tests use it for expired tokens).
pub fn issue_token_at(
    config: &AuthConfig,
    user_id: Uuid,
    role: UserRole,
    issued_at: DateTime<Utc>,
    ttl_secs: i64,
) -> ServiceResult<String> {
    let iat = issued_at.timestamp();
    let claims = Claims {
        sub: user_id.to_string(),
        role: role_name(role).to_owned(),
        iat,
        exp: iat.saturating_add(ttl_secs),
    };
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(&config.jwt_secret),
    )
    // A server fault, logged once where `crate::error` masks it; never `UNAUTHENTICATED`.
    .map_err(|err| InternalError::TokenSigning(err).into())
}

fn invalid_token() -> ServiceError {
    ServiceError::Unauthenticated(
        "the access token is invalid or expired; sign in again".to_owned(),
    )
}

/// Verifies a token's signature (HS256 only: `alg: none` and every other algorithm are rejected)
/// and expiry (no leeway), returning its claims.
pub fn verify_token(config: &AuthConfig, token: &str) -> ServiceResult<Claims> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.leeway = 0;
    validation.set_required_spec_claims(&["exp", "sub", "iat"]);
    decode::<Claims>(
        token,
        &DecodingKey::from_secret(&config.jwt_secret),
        &validation,
    )
    .map(|data| data.claims)
    .map_err(|_| invalid_token())
}

/// The viewer behind an `Authorization` header value: none → anonymous; `Bearer <token>` → the
/// token's user, re-read from the database (deactivation, role changes and revocation apply at
/// once). Anything else is `UNAUTHENTICATED`, never a silent downgrade to anonymous. A database
/// failure while re-reading the user is a server fault ([`ServiceError::Db`]), never
/// `UNAUTHENTICATED`: a client must not sign its user out because the database blipped.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    config: &AuthConfig,
    authorization: Option<&str>,
) -> ServiceResult<Viewer> {
    let Some(header) = authorization else {
        return Ok(Viewer::Anonymous);
    };
    // The scheme is case-insensitive (RFC 7235 §2.1): `BEARER x` is `Bearer x`.
    let token = header
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("Bearer"))
        .map(|(_, token)| token.trim())
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ServiceError::Unauthenticated(
                "the Authorization header must be `Bearer <token>`".to_owned(),
            )
        })?;
    let claims = verify_token(config, token)?;
    let user_id = Uuid::parse_str(&claims.sub).map_err(|_| invalid_token())?;
    let user = users::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or_else(invalid_token)?;
    if !user.is_active {
        return Err(ServiceError::Unauthenticated(
            "this account is deactivated".to_owned(),
        ));
    }
    if let Some(valid_after) = user.tokens_valid_after {
        // Tokens carry whole seconds; one issued in the second of revocation stays valid.
        if claims.iat < valid_after.and_utc().timestamp() {
            return Err(invalid_token());
        }
    }
    Ok(Viewer::User(ViewerUser {
        id: user.id,
        role: user.role,
        creator_id: user.creator_id,
    }))
}

/// Checks the documented password rules; `argument` names the input field in the error.
pub fn validate_password(password: &str, argument: &str) -> ServiceResult<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(ServiceError::invalid(
            argument,
            format!("the password needs at least {MIN_PASSWORD_CHARS} characters"),
        ));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(ServiceError::invalid(
            argument,
            format!("the password may have at most {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    if password.trim().is_empty() {
        return Err(ServiceError::invalid(
            argument,
            "the password may not be only spaces",
        ));
    }
    Ok(())
}

/// argon2id with OWASP's recommended parameters (19 MiB memory, 2 iterations, 1 lane).
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(ArgonAlgorithm::Argon2id, Version::V0x13, params)
}

fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt)?;
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// The cause is logged once, where `crate::error` masks it for the client.
fn hashing_failed(err: &dyn fmt::Display) -> ServiceError {
    InternalError::PasswordHashing(err.to_string()).into()
}

/// Most argon2id computations run at once however many cores there are: each holds 19 MiB.
const MAX_PASSWORD_WORKERS: usize = 8;

/// One permit per password hash or verification running (sized to the cores, at most
/// [`MAX_PASSWORD_WORKERS`]): a burst of logins or `changePassword` aliases queues here instead of
/// holding 19 MiB each at once.
static PASSWORD_SLOTS: LazyLock<Arc<Semaphore>> =
    LazyLock::new(|| Arc::new(Semaphore::new(password_work_bound())));
/// Read once: the semaphore's size must not change with later cgroup or affinity changes.
static BOUND: LazyLock<usize> = LazyLock::new(|| {
    std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .clamp(1, MAX_PASSWORD_WORKERS)
});
static RUNNING: AtomicUsize = AtomicUsize::new(0);
static HIGH_WATER: AtomicUsize = AtomicUsize::new(0);

tokio::task_local! {
    /// Password computations started by the task inside [`count_password_work`].
    static STARTED: Arc<AtomicUsize>;
}

/// How many password hashes or verifications this process runs at once at most.
pub fn password_work_bound() -> usize {
    *BOUND
}

/// The password computations running now and the most that ever ran at once in this process
/// (never above [`password_work_bound`]; tests and diagnostics read it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordWork {
    /// The bound, [`password_work_bound`].
    pub bound: usize,
    /// Computations running now.
    pub running: usize,
    /// The most computations that ran at the same time since the process started.
    pub high_water: usize,
}

/// The current [`PasswordWork`] figures.
pub fn password_work() -> PasswordWork {
    PasswordWork {
        bound: password_work_bound(),
        running: RUNNING.load(Ordering::SeqCst),
        high_water: HIGH_WATER.load(Ordering::SeqCst),
    }
}

/// Runs `fut` and also returns how many password hashes or verifications it asked for (counted
/// in this task only, so concurrent work elsewhere in the process does not mix in).
pub async fn count_password_work<F: Future>(fut: F) -> (F::Output, usize) {
    let started = Arc::new(AtomicUsize::new(0));
    let output = STARTED.scope(Arc::clone(&started), fut).await;
    (output, started.load(Ordering::SeqCst))
}

/// Marks one computation as running for [`password_work`] while it lives.
struct Running;

impl Running {
    fn enter() -> Self {
        let now = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        HIGH_WATER.fetch_max(now, Ordering::SeqCst);
        Self
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs one password computation on a blocking thread once a slot is free. The permit moves into
/// the blocking closure: a cancelled request (client gone) cannot free its slot while its
/// computation still runs.
async fn password_work_blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> ServiceResult<T> {
    let _ = STARTED.try_with(|started| started.fetch_add(1, Ordering::SeqCst));
    let permit = Arc::clone(&PASSWORD_SLOTS)
        .acquire_owned()
        .await
        .map_err(|e| hashing_failed(&e))?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        // Dropped before the permit, so `running` never counts one more than the slots.
        let _running = Running::enter();
        work()
    })
    .await
    .map_err(|e| hashing_failed(&e))
}

/// Hashes `password` with argon2id on a blocking thread (it takes tens of milliseconds), under the
/// process-wide bound on concurrent password work. Callers on request paths pass a rate limit
/// first.
pub async fn hash_password(password: &str) -> ServiceResult<String> {
    let password = password.to_owned();
    password_work_blocking(move || hash_blocking(&password))
        .await?
        .map_err(|e| hashing_failed(&e))
}

/// How a stored hash matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordCheck {
    /// Wrong password (or an unusable hash).
    Mismatch,
    /// Correct, and the hash is current argon2id.
    Ok,
    /// Correct, but the hash is legacy (bcrypt): replace it.
    OkNeedsUpgrade,
}

/// A real argon2id hash checked when the email is unknown, so both failures cost the same time.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_blocking("patchbay-dummy-password").unwrap_or_default());

fn verify_blocking(stored: Option<&str>, password: &str) -> PasswordCheck {
    let Some(stored) = stored else {
        if let Ok(parsed) = PasswordHash::new(&DUMMY_HASH) {
            let _ = argon2().verify_password(password.as_bytes(), &parsed);
        }
        return PasswordCheck::Mismatch;
    };
    if stored.starts_with("$2a$") || stored.starts_with("$2b$") || stored.starts_with("$2y$") {
        return match bcrypt::verify(password, stored) {
            Ok(true) => PasswordCheck::OkNeedsUpgrade,
            _ => PasswordCheck::Mismatch,
        };
    }
    match PasswordHash::new(stored) {
        Ok(parsed) => match argon2().verify_password(password.as_bytes(), &parsed) {
            Ok(()) if parsed.algorithm.as_str() == "argon2id" => PasswordCheck::Ok,
            Ok(()) => PasswordCheck::OkNeedsUpgrade,
            Err(_) => PasswordCheck::Mismatch,
        },
        // An unusable hash (e.g. the seed's "!"): still spend the same work.
        Err(_) => verify_blocking(None, password),
    }
}

/// Checks `password` against `stored` (None: unknown account, checked against a dummy hash), under
/// the same bound as [`hash_password`]. Callers on request paths pass a rate limit first.
pub async fn verify_password(
    stored: Option<String>,
    password: &str,
) -> ServiceResult<PasswordCheck> {
    let password = password.to_owned();
    password_work_blocking(move || verify_blocking(stored.as_deref(), &password)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_failures_are_internal_hashing_errors() {
        let err = hashing_failed(&"worker thread panicked");
        assert!(matches!(
            err,
            ServiceError::Internal(InternalError::PasswordHashing(ref cause))
                if cause == "worker thread panicked"
        ));
        assert!(err.is_internal());
    }

    #[test]
    fn argon2id_round_trip_and_bcrypt_is_legacy() {
        let hash = hash_blocking("correct horse battery").expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(
            verify_blocking(Some(&hash), "correct horse battery"),
            PasswordCheck::Ok
        );
        assert_eq!(
            verify_blocking(Some(&hash), "wrong"),
            PasswordCheck::Mismatch
        );
        let legacy = bcrypt::hash("old password", 4).expect("bcrypt");
        assert_eq!(
            verify_blocking(Some(&legacy), "old password"),
            PasswordCheck::OkNeedsUpgrade
        );
        assert_eq!(verify_blocking(Some("!"), "x"), PasswordCheck::Mismatch);
    }
}

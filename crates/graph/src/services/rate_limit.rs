//! Fixed-window attempt counters in PostgreSQL, shared by every server replica.
//!
//! One upsert per counted attempt increments the counter of a key in the current window (or starts
//! a new window) and returns the count; above the limit the caller answers `RATE_LIMITED` with the
//! seconds left in the window. Every path that hashes or verifies a password passes one of these
//! first. `docs/decisions/0011-auth-rate-limits.md` explains the keys and the login rule (no
//! lockout by strangers).

use std::net::IpAddr;

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::services::error::{ServiceError, ServiceResult};

/// The client's IP address, attached to a request by the server (absent in in-process tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// At most `max` attempts per `window_secs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    /// Attempts allowed in one window.
    pub max: u32,
    /// Window length in seconds.
    pub window_secs: u32,
}

/// A key's count in its current window.
#[derive(Clone, Copy, Debug)]
struct Count {
    hits: i64,
    retry_after_secs: u64,
}

impl Count {
    fn over(self, max: u32) -> bool {
        self.hits > i64::from(max)
    }

    fn limited(self) -> ServiceError {
        ServiceError::RateLimited {
            retry_after_secs: self.retry_after_secs,
        }
    }
}

/// The start of the current window of `$2` seconds, as SQL over the parameter.
const WINDOW_START: &str = "to_timestamp(floor(extract(epoch FROM clock_timestamp()) / $2) * $2) \
     AT TIME ZONE 'utc'";
/// Seconds until the window starting at `window_start` ends (at least 1).
const RETRY_AFTER: &str = "GREATEST(1, ceil(extract(epoch FROM (window_start + make_interval(secs => $2)) \
     - (clock_timestamp() AT TIME ZONE 'utc'))))::bigint AS retry_after";

fn count_of(row: &sea_orm::QueryResult) -> ServiceResult<Count> {
    let hits: i32 = row.try_get("", "hits")?;
    let retry_after: i64 = row.try_get("", "retry_after")?;
    Ok(Count {
        hits: i64::from(hits),
        retry_after_secs: u64::try_from(retry_after).unwrap_or(1),
    })
}

/// Counts one attempt under `key` in windows of `window_secs`; returns the window's count.
async fn bump(db: &impl ConnectionTrait, key: &str, window_secs: u32) -> ServiceResult<Count> {
    let window = i64::from(window_secs.max(1));
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "WITH now AS (SELECT {WINDOW_START} AS start) \
                 INSERT INTO rate_limit_counters AS c (key, window_start, hits) \
                 SELECT $1, start, 1 FROM now \
                 ON CONFLICT (key) DO UPDATE SET \
                     hits = CASE WHEN c.window_start = EXCLUDED.window_start THEN c.hits + 1 ELSE 1 END, \
                     window_start = EXCLUDED.window_start \
                 RETURNING hits, {RETRY_AFTER}"
            ),
            [key.into(), window.into()],
        ))
        .await?
        .ok_or_else(|| ServiceError::invariant("the rate-limit upsert returned no row"))?;
    count_of(&row)
}

/// The count of `key` in the current window of `window_secs` without counting an attempt.
async fn peek(db: &impl ConnectionTrait, key: &str, window_secs: u32) -> ServiceResult<Count> {
    let window = i64::from(window_secs.max(1));
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT hits, {RETRY_AFTER} FROM rate_limit_counters \
                 WHERE key = $1 AND window_start = {WINDOW_START}"
            ),
            [key.into(), window.into()],
        ))
        .await?;
    match row {
        Some(row) => count_of(&row),
        None => Ok(Count {
            hits: 0,
            retry_after_secs: 1,
        }),
    }
}

/// Forgets `key`'s count.
async fn clear(db: &impl ConnectionTrait, key: &str) -> ServiceResult<()> {
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM rate_limit_counters WHERE key = $1",
        [key.into()],
    ))
    .await?;
    Ok(())
}

/// Counts one attempt under `key`; `RATE_LIMITED` when the window's count exceeds `limit.max`.
pub async fn hit(db: &impl ConnectionTrait, key: &str, limit: Limit) -> ServiceResult<()> {
    if rand::random_ratio(1, 100) {
        prune(db).await?;
    }
    let count = bump(db, key, limit.window_secs).await?;
    if count.over(limit.max) {
        return Err(count.limited());
    }
    Ok(())
}

/// A client address as the limits count it: IPv4 as is, IPv6 by its /64 network (what one
/// subscriber or host is usually given, so rotating through it does not buy fresh budgets),
/// `unknown` when the caller has no address (in-process tools and tests).
pub fn address(ip: Option<ClientIp>) -> String {
    match ip.map(|ClientIp(ip)| ip.to_canonical()) {
        None => "unknown".to_owned(),
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// Counts a registration attempt: per client address, or per email when the address is unknown.
/// With an address, a stranger's attempts with someone's email never stop that person registering.
pub async fn check_registration(
    db: &impl ConnectionTrait,
    ip: Option<ClientIp>,
    email: &str,
    limit: Limit,
) -> ServiceResult<()> {
    match ip {
        Some(_) => hit(db, &format!("register:ip:{}", address(ip)), limit).await,
        None => hit(db, &format!("register:email:{email}"), limit).await,
    }
}

/// A login attempt that passed the limits; tell it how the password check went.
#[derive(Debug)]
#[must_use = "report the outcome with `failed` or `succeeded`"]
pub struct LoginAttempt {
    /// Attempts of this (email, address) since its last success.
    pair_key: String,
    /// Failed logins of this email from every address.
    email_key: String,
    email_ceiling: Limit,
}

/// Counts a login attempt before its password is verified (see decision 0011):
/// - per client address, every attempt whatever the email (`login_limit`);
/// - per (email, address), attempts since that pair's last success (`login_limit`);
/// - past `email_ceiling` failures of this email from all addresses, each address gets only its
///   first attempt of the `login_limit` window: a distributed guesser is slowed to one guess per
///   address and window, while the owner signing in from an address that has not failed still
///   gets through with the right password.
pub async fn begin_login(
    db: &impl ConnectionTrait,
    ip: Option<ClientIp>,
    email: &str,
    login_limit: Limit,
    email_ceiling: Limit,
) -> ServiceResult<LoginAttempt> {
    let address = address(ip);
    if ip.is_some() {
        hit(db, &format!("login:ip:{address}"), login_limit).await?;
    }
    let attempt = LoginAttempt {
        pair_key: format!("login:pair:{email}:{address}"),
        email_key: format!("login:fail:{email}"),
        email_ceiling,
    };
    // Counted atomically before the check, so concurrent attempts of one pair each see their own
    // number: past the ceiling exactly one of them is verified.
    let pair = bump(db, &attempt.pair_key, login_limit.window_secs).await?;
    if pair.over(login_limit.max) {
        return Err(pair.limited());
    }
    if pair.hits > 1 {
        let failures = peek(db, &attempt.email_key, email_ceiling.window_secs).await?;
        if failures.hits >= i64::from(email_ceiling.max) {
            return Err(pair.limited());
        }
    }
    Ok(attempt)
}

impl LoginAttempt {
    /// The password was wrong (or the account unusable): one more failure for the email.
    pub async fn failed(self, db: &impl ConnectionTrait) -> ServiceResult<()> {
        bump(db, &self.email_key, self.email_ceiling.window_secs).await?;
        Ok(())
    }

    /// The password was right: the pair starts afresh (the owner's typos before do not count).
    pub async fn succeeded(self, db: &impl ConnectionTrait) -> ServiceResult<()> {
        clear(db, &self.pair_key).await
    }
}

/// Deletes counters of windows that ended long ago (called opportunistically).
pub async fn prune(db: &impl ConnectionTrait) -> ServiceResult<()> {
    db.execute_raw(Statement::from_string(
        DbBackend::Postgres,
        "DELETE FROM rate_limit_counters \
         WHERE window_start < (now() AT TIME ZONE 'utc') - interval '1 day'",
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_group_ipv6_by_its_64_network() {
        let of = |s: &str| address(Some(ClientIp(s.parse().expect("ip"))));
        assert_eq!(of("203.0.113.7"), "203.0.113.7");
        assert_eq!(of("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(of("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(of("2001:db8:1:2:ffff::9"), of("2001:db8:1:2::1"));
        assert_ne!(of("2001:db8:1:3::1"), of("2001:db8:1:2::1"));
        assert_eq!(address(None), "unknown");
    }
}

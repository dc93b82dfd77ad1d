//! Fixed-window attempt counters in PostgreSQL, shared by every server replica.
//!
//! One upsert per check increments the counter of `key` in the current window (or starts a new
//! window) and returns the count; above the limit the caller answers `RATE_LIMITED` with the
//! seconds left in the window. `docs/decisions/0011-auth-rate-limits.md` explains the choice.

use std::net::IpAddr;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};

use crate::error::{ServiceError, ServiceResult};

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

/// Counts one attempt under `key`; `RATE_LIMITED` when the window's count exceeds `limit.max`.
pub async fn hit(db: &DatabaseConnection, key: &str, limit: Limit) -> ServiceResult<()> {
    let window = i64::from(limit.window_secs.max(1));
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "WITH now AS (SELECT to_timestamp(floor(extract(epoch FROM clock_timestamp()) / $2) * $2) \
                 AT TIME ZONE 'utc' AS start) \
             INSERT INTO rate_limit_counters AS c (key, window_start, hits) \
             SELECT $1, start, 1 FROM now \
             ON CONFLICT (key) DO UPDATE SET \
                 hits = CASE WHEN c.window_start = EXCLUDED.window_start THEN c.hits + 1 ELSE 1 END, \
                 window_start = EXCLUDED.window_start \
             RETURNING hits, \
                 GREATEST(1, ceil(extract(epoch FROM (window_start + make_interval(secs => $2)) \
                     - (clock_timestamp() AT TIME ZONE 'utc'))))::bigint AS retry_after",
            [key.into(), window.into()],
        ))
        .await?
        .ok_or_else(|| ServiceError::Db(sea_orm::DbErr::RecordNotFound("rate limit".into())))?;
    let hits: i32 = row.try_get("", "hits")?;
    let retry_after: i64 = row.try_get("", "retry_after")?;
    if i64::from(hits) > i64::from(limit.max) {
        return Err(ServiceError::RateLimited {
            retry_after_secs: u64::try_from(retry_after).unwrap_or(1),
        });
    }
    Ok(())
}

/// Counts an attempt of `action` for the client IP (when known) and for `email`.
pub async fn check(
    db: &DatabaseConnection,
    action: &str,
    ip: Option<ClientIp>,
    email: &str,
    limit: Limit,
) -> ServiceResult<()> {
    if rand::random_ratio(1, 100) {
        prune(db).await?;
    }
    if let Some(ClientIp(ip)) = ip {
        hit(db, &format!("{action}:ip:{ip}"), limit).await?;
    }
    hit(db, &format!("{action}:email:{email}"), limit).await
}

/// Deletes counters of windows that ended long ago (called opportunistically).
pub async fn prune(db: &DatabaseConnection) -> ServiceResult<()> {
    db.execute_raw(Statement::from_string(
        DbBackend::Postgres,
        "DELETE FROM rate_limit_counters \
         WHERE window_start < (now() AT TIME ZONE 'utc') - interval '1 day'",
    ))
    .await?;
    Ok(())
}

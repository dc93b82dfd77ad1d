//! Transactions: [`transaction`] runs a closure in one database transaction, commits when it
//! returns `Ok` and rolls back when it returns `Err`. A serialization failure (SQLSTATE `40001`)
//! or a deadlock (`40P01`), raised by any statement or by the commit, or a lost race for the next
//! history number (see `is_retryable`), reruns the whole closure in a
//! fresh transaction after a short jittered pause, at most [`MAX_ATTEMPTS`] times in all; the last
//! failure is returned as it is (a database error, which the boundary masks as an internal error).
//! Every other error is returned at once.
//!
//! Services take `db: &impl ConnectionTrait`, so the same function runs on the pool or inside a
//! transaction; one that opens a transaction itself takes `db: &impl Transactional` (the pool, or
//! a transaction, in which it opens a savepoint). A mutation of several steps calls them from one
//! closure:
//!
//! ```ignore
//! tx::transaction(db, |txn| Box::pin(async move {
//!     let user = users::lock(txn, user_id).await?;
//!     // ... more steps on `txn` ...
//!     Ok(user)
//! }))
//! .await
//! ```
//!
//! Inside a transaction a nested `transaction` is a savepoint and is not retried on its own (the
//! conflict aborted the outer transaction too); its error reaches the outermost `transaction`,
//! which reruns everything. The closure may run more than once, so it must not have effects outside the database (send
//! mail, bump in-memory counters) before it returns; do those after `transaction` returns.

use std::{future::Future, pin::Pin, time::Duration};

use rand::Rng;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, IsolationLevel, RuntimeErr,
    TransactionTrait,
};

use crate::services::error::{ServiceError, ServiceResult, violated_constraint};

/// How often a transaction is tried before its serialization failure or deadlock is returned.
pub const MAX_ATTEMPTS: u32 = 3;

/// The pause before the first retry; it doubles for each further one, plus up to as much jitter.
const BASE_BACKOFF: Duration = Duration::from_millis(10);

/// The future a transaction closure returns: it borrows the transaction for `'c`.
pub type TxFuture<'c, T> = Pin<Box<dyn Future<Output = ServiceResult<T>> + Send + 'c>>;

/// What a service that opens a transaction runs on: the pool, or a transaction already open.
pub trait Transactional:
    ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction> + Sync
{
    /// Whether this is a transaction already (a nested one is then a savepoint).
    fn in_transaction(&self) -> bool;
}

impl Transactional for DatabaseConnection {
    fn in_transaction(&self) -> bool {
        false
    }
}

impl Transactional for DatabaseTransaction {
    fn in_transaction(&self) -> bool {
        true
    }
}

/// How a transaction runs: its isolation level and how many attempts it gets.
#[derive(Debug, Clone, Copy)]
pub struct TxOptions {
    /// The isolation level; the server's default (READ COMMITTED) when `None`.
    pub isolation: Option<IsolationLevel>,
    /// Attempts in all (at least one is always made).
    pub max_attempts: u32,
}

impl Default for TxOptions {
    fn default() -> Self {
        Self {
            isolation: None,
            max_attempts: MAX_ATTEMPTS,
        }
    }
}

/// Runs `f` in a transaction with the default [`TxOptions`]: committed on `Ok`, rolled back on
/// `Err`, rerun on a serialization failure or deadlock (bounded).
pub async fn transaction<T, F>(db: &impl Transactional, f: F) -> ServiceResult<T>
where
    F: for<'c> FnMut(&'c DatabaseTransaction) -> TxFuture<'c, T> + Send,
    T: Send,
{
    transaction_with(db, TxOptions::default(), f).await
}

/// [`transaction`] with explicit options (e.g. SERIALIZABLE for a read-check-write that no row
/// lock covers). Nested in a transaction, the options do not apply: the savepoint runs once at the
/// outer transaction's isolation level.
pub async fn transaction_with<T, F>(
    db: &impl Transactional,
    options: TxOptions,
    mut f: F,
) -> ServiceResult<T>
where
    F: for<'c> FnMut(&'c DatabaseTransaction) -> TxFuture<'c, T> + Send,
    T: Send,
{
    let (isolation, max_attempts) = if db.in_transaction() {
        (None, 1)
    } else {
        (options.isolation, options.max_attempts)
    };
    let mut attempt = 1;
    loop {
        let err = match run_once(db, isolation, &mut f).await {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        if attempt >= max_attempts || !is_retryable(&err) {
            return Err(err);
        }
        tracing::debug!(attempt, error = %err, "transaction conflict, retrying");
        tokio::time::sleep(backoff(attempt)).await;
        attempt += 1;
    }
}

async fn run_once<T, F>(
    db: &impl Transactional,
    isolation: Option<IsolationLevel>,
    f: &mut F,
) -> ServiceResult<T>
where
    F: for<'c> FnMut(&'c DatabaseTransaction) -> TxFuture<'c, T> + Send,
    T: Send,
{
    let txn = db.begin_with_config(isolation, None).await?;
    match f(&txn).await {
        Ok(value) => {
            txn.commit().await?;
            Ok(value)
        }
        Err(err) => {
            // A failed rollback leaves nothing to undo that dropping the connection would not;
            // the closure's error is the one worth returning.
            if let Err(rollback) = txn.rollback().await {
                tracing::warn!(error = %rollback, "rollback failed");
            }
            Err(err)
        }
    }
}

/// The pause before retry number `attempt` (1-based): `BASE_BACKOFF · 2^(attempt-1)` plus as much
/// random jitter, so two transactions that collided do not collide again in step.
fn backoff(attempt: u32) -> Duration {
    let base = BASE_BACKOFF * 2u32.saturating_pow(attempt.saturating_sub(1));
    let micros = u64::try_from(base.as_micros()).unwrap_or(u64::MAX);
    let jitter = rand::rng().random_range(0..=micros);
    base + Duration::from_micros(jitter)
}

/// The SQLSTATE of a database error, if the database sent one.
pub fn sqlstate(err: &DbErr) -> Option<String> {
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e))
        | DbErr::Conn(RuntimeErr::SqlxError(e)) => e
            .as_database_error()
            .and_then(|d| d.code())
            .map(|c| c.into_owned()),
        _ => None,
    }
}

/// Whether rerunning the whole transaction may succeed: a serialization failure, a deadlock, or
/// a history row that lost the race for its version number (`services::history`).
fn is_retryable(err: &ServiceError) -> bool {
    let ServiceError::Db(err) = err else {
        return false;
    };
    match sqlstate(err).as_deref() {
        Some("40001" | "40P01") => true,
        Some("23505") => violated_constraint(err).is_some_and(super::history::is_version_key),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_base() {
        for attempt in 1..=3 {
            let base = BASE_BACKOFF * 2u32.pow(attempt - 1);
            for _ in 0..50 {
                let pause = backoff(attempt);
                assert!(
                    pause >= base && pause <= base * 2,
                    "{pause:?} for {attempt}"
                );
            }
        }
    }

    #[test]
    fn only_database_conflicts_are_retried() {
        assert!(!is_retryable(&ServiceError::NotFound("user")));
        assert!(!is_retryable(&ServiceError::Db(DbErr::Custom(
            "no sqlstate".into()
        ))));
    }
}

//! The search log: every first-page search appends a `search_logs` row, written in the background
//! so the search response never waits for it, and `popularSearches` reads them back aggregated.
//!
//! [`SearchLogWriter::record`] puts the row on a bounded queue (it waits only when the queue is full,
//! which makes a database that cannot keep up slow searches down instead of dropping rows). One
//! writer task per schema takes every row queued so far and inserts them with one statement; a
//! failed insert is retried with backoff, so a database restart loses nothing, and a batch the
//! database refuses for its values is split until only the rows at fault are left out (a NUL in a
//! query, which PostgreSQL cannot store, is turned into a space before that). [`SearchLogWriter::flush`]
//! waits until everything queued before it is written (graceful shutdown, tests). Every replica
//! writes its own rows into the shared table, so `popularSearches` sees all of them.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{NaiveDateTime, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, FromQueryResult, RuntimeErr, Statement,
};
use serde_json::json;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::services::error::{ServiceError, ServiceResult};

/// Rows that may wait in the queue before `record` starts to wait.
const QUEUE: usize = 10_000;
/// The most rows one insert statement writes.
const BATCH: usize = 1_000;
/// Attempts to write a batch that fails for good, or while the schema is being dropped.
const FINAL_ATTEMPTS: u32 = 5;

/// One search to log.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The normalized query.
    pub query: String,
    /// How many results it finds for the public (anonymous visitors), whoever searched: this is
    /// what `popularSearches` judges "found something" by, so a search that finds only what its
    /// admin or curator may see is never published (`docs/decisions/0040-search.md`).
    pub result_count: u64,
    /// The signed-in user who searched, if any.
    pub user_id: Option<Uuid>,
    /// When the search ran (UTC).
    pub at: NaiveDateTime,
}

/// The queue's receiving end and the database, until the writer task takes them.
type Pending = Option<(mpsc::Receiver<Message>, DatabaseConnection)>;

enum Message {
    Row(Entry),
    Flush(oneshot::Sender<()>),
}

/// The handle every request uses to log searches; cheap to clone.
#[derive(Clone)]
pub struct SearchLogWriter {
    tx: mpsc::Sender<Message>,
    /// The writer task is started on first use, inside the runtime that serves requests.
    pending: Arc<Mutex<Pending>>,
}

impl SearchLogWriter {
    /// A log writing into `db`'s `search_logs`.
    pub fn new(db: DatabaseConnection) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        Self {
            tx,
            pending: Arc::new(Mutex::new(Some((rx, db)))),
        }
    }

    fn start(&self) {
        let pending = match self.pending.lock() {
            Ok(mut pending) => pending.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some((rx, db)) = pending {
            tokio::spawn(write_loop(rx, db));
        }
    }

    /// Queues `entry`; returns at once unless the queue is full.
    pub async fn record(&self, entry: Entry) {
        self.start();
        match self.tx.try_send(Message::Row(entry)) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(message)) => {
                tracing::warn!("search log queue is full; the search waits for the writer");
                if self.tx.send(message).await.is_err() {
                    tracing::error!("search log writer has stopped; a search log row is lost");
                }
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                tracing::error!("search log writer has stopped; a search log row is lost");
            }
        }
    }

    /// Waits until every row queued before this call is in the database (or given up on).
    pub async fn flush(&self) {
        self.start();
        let (done, wait) = oneshot::channel();
        if self.tx.send(Message::Flush(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}

impl std::fmt::Debug for SearchLogWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchLogWriter").finish_non_exhaustive()
    }
}

async fn write_loop(mut rx: mpsc::Receiver<Message>, db: DatabaseConnection) {
    let mut rows = Vec::new();
    let mut flushes = Vec::new();
    while let Some(first) = rx.recv().await {
        let mut next = Some(first);
        while let Some(message) = next.take() {
            match message {
                Message::Row(row) => rows.push(row),
                Message::Flush(done) => flushes.push(done),
            }
            if rows.len() < BATCH {
                next = rx.try_recv().ok();
            }
        }
        if !rows.is_empty() {
            write_batch(&db, &rows, rx.is_closed()).await;
            rows.clear();
        }
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}

/// Whether `err` may go away by itself (the database is restarting, unreachable, overloaded), as
/// opposed to a statement the database refuses for good.
fn is_transient(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.as_database_error().and_then(|d| d.code()) {
                // Connection exception, transaction rollback, insufficient resources, operator
                // intervention (e.g. the server shutting down).
                Some(code) => ["08", "40", "53", "57"].iter().any(|c| code.starts_with(c)),
                None => true,
            }
        }
        _ => false,
    }
}

/// The SQLSTATE of a database error, if `err` is one.
fn sqlstate(err: &DbErr) -> Option<String> {
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => e
            .as_database_error()
            .and_then(|d| d.code())
            .map(|c| c.into_owned()),
        _ => None,
    }
}

/// Whether the database refused the rows' values rather than the statement: a data exception
/// (class 22: a value out of range, an untranslatable character) or an integrity constraint
/// (class 23). Only then can leaving rows out make the rest insertable.
fn is_row_error(err: &DbErr) -> bool {
    sqlstate(err).is_some_and(|code| code.starts_with("22") || code.starts_with("23"))
}

/// `query` as PostgreSQL can store it: a NUL (which no `text` value may hold) becomes a space,
/// as any other separator between words would, spaces are collapsed again, and the result is cut
/// to the column's 500 characters.
fn storable_query(query: &str) -> String {
    let query: String = if query.contains('\0') {
        query
            .replace('\0', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        query.to_owned()
    };
    query.chars().take(500).collect()
}

/// One insert statement for `rows`.
fn insert(rows: &[Entry]) -> Statement {
    let payload = json!(
        rows.iter()
            .map(|r| json!({
                "q": storable_query(&r.query),
                "n": i64::try_from(r.result_count).unwrap_or(i64::MAX).min(i64::from(i32::MAX)),
                "u": r.user_id,
                "t": r.at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
            }))
            .collect::<Vec<_>>()
    );
    Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO search_logs (query, result_count, user_id, created_at) \
         SELECT x.q, x.n, (SELECT u.id FROM users u WHERE u.id = x.u), x.t \
         FROM jsonb_to_recordset($1::jsonb) \
         AS x(q varchar(500), n integer, u uuid, t timestamp)",
        [payload.into()],
    )
}

/// Inserts `rows`. A batch whose values the database refuses (a row it cannot store) is split in
/// halves, each written on its own, down to single rows, so only the rows at fault are left out:
/// one bad row costs about two statements per halving (some twenty for a full batch), never the
/// other rows.
async fn write_batch(db: &DatabaseConnection, rows: &[Entry], closing: bool) {
    let mut dropped = 0usize;
    // Parts still to write, the next one last.
    let mut parts = vec![rows];
    while let Some(part) = parts.pop() {
        match write_part(db, part, closing).await {
            Ok(()) => {}
            Err(err) if part.len() > 1 && is_row_error(&err) => {
                let (head, tail) = part.split_at(part.len() / 2);
                parts.push(tail);
                parts.push(head);
            }
            Err(err) => {
                tracing::warn!(error = %err, rows = part.len(),
                    "the database refused search log rows; they are dropped");
                dropped += part.len();
            }
        }
    }
    if dropped > 0 {
        tracing::error!(
            dropped,
            written = rows.len() - dropped,
            "search log rows lost"
        );
    }
}

/// Inserts `rows` with one statement, retrying with backoff: for as long as the failure is
/// transient (a restarting or unreachable database) while the server runs, a few times otherwise
/// (a refused statement does not become valid by waiting, and must not stall the rows queued
/// behind it). A refusal of the rows' values is returned at once, for [`write_batch`] to split.
async fn write_part(db: &DatabaseConnection, rows: &[Entry], closing: bool) -> Result<(), DbErr> {
    let statement = insert(rows);
    let mut delay = Duration::from_millis(100);
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        match db.execute_raw(statement.clone()).await {
            Ok(_) => return Ok(()),
            Err(err) if is_row_error(&err) => return Err(err),
            Err(err) if attempt >= FINAL_ATTEMPTS && (closing || !is_transient(&err)) => {
                return Err(err);
            }
            Err(err) => {
                tracing::warn!(error = %err, rows = rows.len(), attempt,
                    "writing search log rows failed; retrying");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// The default `since` of `popularSearches`: this long ago.
pub const DEFAULT_WINDOW_DAYS: i64 = 7;

/// A query with how often it was searched.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Popular {
    /// The normalized query.
    pub query: String,
    /// How many searches used it.
    pub count: i64,
    /// The latest of them (UTC).
    pub last_searched_at: NaiveDateTime,
}

/// The `limit` most frequent queries since `since` that found something (ties: most recent first,
/// then alphabetical).
pub async fn popular(
    db: &impl ConnectionTrait,
    since: Option<chrono::DateTime<Utc>>,
    limit: u64,
) -> ServiceResult<Vec<Popular>> {
    let since = since
        .unwrap_or_else(|| Utc::now() - chrono::Duration::days(DEFAULT_WINDOW_DAYS))
        .naive_utc();
    let limit = i64::try_from(limit)
        .map_err(|_| ServiceError::invalid("limit", "`limit` is out of range"))?;
    Ok(Popular::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT query, count(*) AS count, max(created_at) AS last_searched_at FROM search_logs \
         WHERE created_at >= $1 AND result_count > 0 \
         GROUP BY query ORDER BY count DESC, last_searched_at DESC, query LIMIT $2",
        [since.into(), limit.into()],
    ))
    .all(db)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_made_storable() {
        assert_eq!(storable_query("reese\0bass"), "reese bass");
        assert_eq!(storable_query("\0 reese \0\0 bass\0"), "reese bass");
        assert_eq!(storable_query("déjà vu"), "déjà vu");
        assert_eq!(storable_query(&"é".repeat(600)).chars().count(), 500);
    }
}

//! The search log: every first-page search appends a `search_logs` row, written in the background
//! so the search response never waits for it, and `popularSearches` reads them back aggregated.
//!
//! [`SearchLogWriter::record`] puts the row on a bounded queue (it waits only when the queue is full,
//! which makes a database that cannot keep up slow searches down instead of dropping rows). One
//! writer task per schema takes every row queued so far and inserts them with one statement; a
//! failed insert is retried with backoff, so a database restart loses nothing. [`SearchLogWriter::flush`]
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

use crate::error::{ServiceError, ServiceResult};

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
    /// How many results it found.
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

/// Inserts `rows`, retrying with backoff: for as long as the failure is transient (a restarting
/// or unreachable database) while the server runs, a few times otherwise (a refused statement
/// does not become valid by waiting, and must not stall the rows queued behind it).
async fn write_batch(db: &DatabaseConnection, rows: &[Entry], closing: bool) {
    let payload = json!(
        rows.iter()
            .map(|r| json!({
                "q": r.query.chars().take(500).collect::<String>(),
                "n": i64::try_from(r.result_count).unwrap_or(i64::MAX).min(i64::from(i32::MAX)),
                "u": r.user_id,
                "t": r.at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
            }))
            .collect::<Vec<_>>()
    );
    let statement = Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO search_logs (query, result_count, user_id, created_at) \
         SELECT x.q, x.n, (SELECT u.id FROM users u WHERE u.id = x.u), x.t \
         FROM jsonb_to_recordset($1::jsonb) \
         AS x(q varchar(500), n integer, u uuid, t timestamp)",
        [payload.into()],
    );
    let mut delay = Duration::from_millis(100);
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        match db.execute_raw(statement.clone()).await {
            Ok(_) => return,
            Err(err) if attempt >= FINAL_ATTEMPTS && (closing || !is_transient(&err)) => {
                tracing::error!(error = %err, rows = rows.len(), "search log rows lost");
                return;
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
    db: &DatabaseConnection,
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

//! Counts the SQL statements a connection runs: the statement-count tests, the benchmark's
//! "statements per request" and the logs read it.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use sea_orm::DatabaseConnection;

/// A shared counter of executed SQL statements.
#[derive(Clone, Debug, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    /// Installs a counter on `db`; every statement run through `db` (or its clones) increments it.
    pub fn install(db: &mut DatabaseConnection) -> Self {
        let counter = Self::default();
        let inner = counter.0.clone();
        db.set_metric_callback(move |_| {
            inner.fetch_add(1, Ordering::Relaxed);
        });
        counter
    }

    /// Statements executed so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

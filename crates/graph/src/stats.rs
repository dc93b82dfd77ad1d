//! Counts the SQL statements a connection runs: the statement-count tests, the benchmark's
//! "statements per request" and the logs read it. Tests can also record the statement texts as
//! the pool sends them ([`StatementCounter::record`]), placeholders and all, to check that a
//! statement's text does not depend on who asks.

use std::sync::{
    Arc, Mutex, PoisonError,
    atomic::{AtomicBool, AtomicU64, Ordering},
};

use sea_orm::DatabaseConnection;

/// A shared counter of executed SQL statements, optionally recording their texts.
#[derive(Clone, Debug, Default)]
pub struct StatementCounter(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    count: AtomicU64,
    /// Whether texts are being recorded; checked before taking the lock, so a counter that
    /// never records costs one atomic load per statement.
    recording: AtomicBool,
    texts: Mutex<Vec<String>>,
}

impl StatementCounter {
    /// Installs a counter on `db`; every statement run through `db` (or its clones) increments it.
    pub fn install(db: &mut DatabaseConnection) -> Self {
        let counter = Self::default();
        let inner = counter.0.clone();
        db.set_metric_callback(move |info| {
            inner.count.fetch_add(1, Ordering::Relaxed);
            if inner.recording.load(Ordering::Acquire) {
                inner
                    .texts
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(info.statement.sql.clone());
            }
        });
        counter
    }

    /// Statements executed so far.
    pub fn get(&self) -> u64 {
        self.0.count.load(Ordering::Relaxed)
    }

    /// Starts recording the text of every statement from now on (forgetting any recorded before).
    pub fn record(&self) {
        self.texts().clear();
        self.0.recording.store(true, Ordering::Release);
    }

    /// Stops recording and returns the texts recorded since [`Self::record`], in the order the
    /// statements finished.
    pub fn take_texts(&self) -> Vec<String> {
        self.0.recording.store(false, Ordering::Release);
        std::mem::take(&mut *self.texts())
    }

    fn texts(&self) -> std::sync::MutexGuard<'_, Vec<String>> {
        self.0.texts.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

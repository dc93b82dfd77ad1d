//! Chunked multi-row inserts: a per-table buffer that flushes `INSERT ... VALUES (...), (...)`
//! statements sized under PostgreSQL's 65,535 bind-parameter limit, with an optional progress bar.

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sea_orm::{
    ActiveModelTrait, DatabaseTransaction, EntityName, EntityTrait, IntoActiveModel, Iterable,
};

/// PostgreSQL's limit on bind parameters in one statement.
const MAX_BIND_PARAMETERS: usize = 65_535;

/// Rows per statement ceiling, so rows with large JSON do not build huge statements.
const MAX_ROWS_PER_STATEMENT: usize = 5_000;

/// Buffers rows of one table and inserts them in chunks inside `txn`.
pub(crate) struct Sink<'t, A: ActiveModelTrait> {
    txn: &'t DatabaseTransaction,
    table: String,
    buffer: Vec<A>,
    chunk: usize,
    written: u64,
    bar: ProgressBar,
}

impl<'t, A> Sink<'t, A>
where
    A: ActiveModelTrait + Send,
{
    /// A sink for `A`'s table expecting about `expected` rows (the progress bar's length).
    pub(crate) fn new(txn: &'t DatabaseTransaction, expected: usize, progress: bool) -> Self {
        let table = A::Entity::default().table_name().to_owned();
        let columns = <A::Entity as EntityTrait>::Column::iter().count().max(1);
        let chunk = (MAX_BIND_PARAMETERS / columns).min(MAX_ROWS_PER_STATEMENT);
        let bar = if progress {
            let style = ProgressStyle::with_template(
                "{prefix:>26} [{bar:30}] {pos:>7}/{len:7} {elapsed_precise}",
            )
            .map(|style| style.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            ProgressBar::with_draw_target(Some(expected as u64), ProgressDrawTarget::stderr())
                .with_style(style)
                .with_prefix(table.clone())
        } else {
            ProgressBar::hidden()
        };
        Self {
            txn,
            table,
            buffer: Vec::with_capacity(chunk),
            chunk,
            written: 0,
            bar,
        }
    }

    /// Queues one row, inserting a chunk when the buffer is full.
    pub(crate) async fn push<M: IntoActiveModel<A>>(&mut self, row: M) -> anyhow::Result<()> {
        self.buffer.push(row.into_active_model());
        if self.buffer.len() >= self.chunk {
            self.flush().await?;
        }
        Ok(())
    }

    /// Queues every row of `rows`.
    pub(crate) async fn extend<M, I>(&mut self, rows: I) -> anyhow::Result<()>
    where
        M: IntoActiveModel<A>,
        I: IntoIterator<Item = M>,
    {
        for row in rows {
            self.push(row).await?;
        }
        Ok(())
    }

    async fn flush(&mut self) -> anyhow::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let rows = std::mem::replace(&mut self.buffer, Vec::with_capacity(self.chunk));
        let count = rows.len() as u64;
        A::Entity::insert_many(rows)
            .exec_without_returning(self.txn)
            .await
            .with_context(|| format!("inserting {count} rows into {}", self.table))?;
        self.written += count;
        self.bar.inc(count);
        Ok(())
    }

    /// Inserts what is left and returns the number of rows written.
    pub(crate) async fn finish(mut self) -> anyhow::Result<u64> {
        self.flush().await?;
        self.bar.set_length(self.written);
        self.bar.finish();
        tracing::debug!(table = %self.table, rows = self.written, "seeded");
        Ok(self.written)
    }
}

/// Inserts all of `rows` into their table and returns how many were written.
pub(crate) async fn insert_all<A, M>(
    txn: &DatabaseTransaction,
    rows: Vec<M>,
    progress: bool,
) -> anyhow::Result<u64>
where
    A: ActiveModelTrait + Send,
    M: IntoActiveModel<A>,
{
    let mut sink = Sink::<A>::new(txn, rows.len(), progress);
    sink.extend(rows).await?;
    sink.finish().await
}

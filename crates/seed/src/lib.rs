//! # Layout
//! Deterministic seed data for Patchbay: a small demo catalogue the server loads on the embedded
//! default's first start in the development profile (never in production), and a benchmark-sized
//! one (200 creators, 20,000 technique pages, 400,000 transcript segments). Neither contains an
//! invite code or an account anyone can sign in to.
//!
//! - `lib.rs` (this file): the public API — [`seed`], [`is_empty`], [`Scale`], [`SeedReport`] — and
//!   the transaction that makes a seed all-or-nothing.
//! - `generate/`: the one generator behind both scales. `mod.rs` holds [`Scale`]'s `Sizes` and the
//!   stage order; `catalog.rs` writes creators, demo accounts, videos, transcripts and key moments;
//!   `pages.rs` tags, technique pages (v1 and v2 bodies), page tags, page sources, versions and
//!   related links; `media.rs` highlights, shorts, consents and their audit log, posts, pipeline
//!   runs and search logs.
//! - `content.rs`: text and JSON generation (transcript speech, page prose, body sections, signal
//!   chains, Tiptap documents, highlight score breakdowns).
//! - `names.rs`: word lists — invented producer names, genres, plugins, techniques, tags.
//! - `ids.rs`: determinism — UUIDs derived from (table, ordinal), timestamps as offsets from
//!   2026-01-01T00:00:00, per-stage seeded RNGs, share tokens, slugs.
//! - `sink.rs`: chunked multi-row `INSERT`s under PostgreSQL's bind-parameter limit, with optional
//!   progress bars.
//!
//! Every run of a scale writes identical rows: nothing reads the clock or an unseeded RNG.

mod content;
mod generate;
mod ids;
mod names;
mod sink;

use anyhow::Context as _;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait, Statement,
    TransactionTrait,
};

/// How much data to seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// A handful of creators with complete, browsable content; loads in well under a second.
    Demo,
    /// 200 creators, 2,000 videos, 20,000 technique pages, 400,000 transcript segments.
    Bench,
}

/// Rows written per table by [`seed`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub creators: u64,
    pub videos: u64,
    pub transcript_segments: u64,
    pub key_moments: u64,
    pub technique_pages: u64,
    pub tags: u64,
    pub page_tags: u64,
    pub related_links: u64,
    pub highlights: u64,
    pub users: u64,
    /// `technique_page_videos`: page ↔ source video links.
    pub page_videos: u64,
    /// `technique_page_versions`.
    pub page_versions: u64,
    pub generated_shorts: u64,
    pub video_consents: u64,
    pub consent_audit_logs: u64,
    pub posts: u64,
    pub post_attachments: u64,
    pub pipeline_runs: u64,
    pub pipeline_events: u64,
    pub creator_follows: u64,
    pub search_logs: u64,
}

/// The `hashed_password` of seeded accounts: not a valid hash, so no password ever matches it.
pub const UNUSABLE_PASSWORD_HASH: &str = "!";

/// Seeds `db` (already migrated). Errors if the database already has creators (never doubles data).
/// `progress`: show an indicatif progress bar on stderr (bench uses it; tests pass false).
///
/// Everything is written in one transaction: on error nothing is left behind. Concurrent calls are
/// serialized by a table lock, so exactly one of them seeds and the others fail.
pub async fn seed(
    db: &DatabaseConnection,
    scale: Scale,
    progress: bool,
) -> anyhow::Result<SeedReport> {
    let txn = db.begin().await.context("starting the seed transaction")?;
    // Blocks other seeders (and writers of creators) until commit; readers are unaffected.
    txn.execute_unprepared("LOCK TABLE creators IN SHARE ROW EXCLUSIVE MODE")
        .await
        .context("locking the creators table")?;
    let existing = entity::creators::Entity::find()
        .count(&txn)
        .await
        .context("counting creators")?;
    anyhow::ensure!(
        existing == 0,
        "refusing to seed: the database already has {existing} creators"
    );
    let report = generate::run(&txn, scale, progress)
        .await
        .with_context(|| format!("seeding {scale:?} data"))?;
    txn.commit()
        .await
        .context("committing the seed transaction")?;
    vacuum_analyze(db).await?;
    tracing::info!(?scale, ?report, "seeded database");
    Ok(report)
}

/// Vacuums and analyzes the project's tables after a bulk load: the planner gets statistics for
/// the new rows (instead of guessing until autovacuum runs, possibly in the middle of a benchmark),
/// hint bits are set once, and the visibility map allows index-only scans.
async fn vacuum_analyze(db: &DatabaseConnection) -> anyhow::Result<()> {
    let tables: Vec<String> = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT quote_ident(relname) AS name FROM pg_stat_user_tables \
             WHERE schemaname = current_schema() ORDER BY relname",
        ))
        .await
        .context("listing tables to vacuum")?
        .iter()
        .map(|row| row.try_get::<String>("", "name"))
        .collect::<Result<_, _>>()
        .context("listing tables to vacuum")?;
    if !tables.is_empty() {
        db.execute_unprepared(&format!("VACUUM (ANALYZE) {}", tables.join(", ")))
            .await
            .context("vacuuming the seeded tables")?;
    }
    Ok(())
}

/// True when the database has no creators yet (a development server seeds demo data once, on first
/// start).
pub async fn is_empty(db: &DatabaseConnection) -> anyhow::Result<bool> {
    let creators = entity::creators::Entity::find()
        .count(db)
        .await
        .context("counting creators")?;
    Ok(creators == 0)
}

#[cfg(test)]
mod tests {
    /// The server may run seeding on a spawned task.
    #[expect(
        dead_code,
        reason = "a compile-time check: it only has to type-check, never run"
    )]
    fn seed_future_is_send(db: &sea_orm::DatabaseConnection) {
        fn assert_send<T: Send>(_: &T) {}
        assert_send(&super::seed(db, super::Scale::Demo, false));
        assert_send(&super::is_empty(db));
    }
}

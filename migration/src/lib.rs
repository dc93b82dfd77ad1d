//! # Layout
//! Patchbay's PostgreSQL schema, one file per migration, applied in file-name order.
//!
//! - `m20261123_000001_types`: every enum type of the data model, the `updated_at` trigger.
//! - `m20261123_000002_content`: creators, videos, transcripts, key moments, technique pages and their
//!   versions, tags, related links, page ↔ video sources.
//! - `m20261123_000003_accounts`: users, invite codes, follows, per-video consent and its audit log.
//! - `m20261123_000004_highlights_posts`: highlight candidates, generated shorts, posts, attachments.
//! - `m20261123_000005_operations`: content reports, search logs, pipeline runs and events, digest and
//!   chat usage logs.
//! - `m20261124_000010_auth`: `users.tokens_valid_after` (token revocation), rate-limit counters.
//! - `m20261124_000020_search`: full-text search configuration, generated `search_vector` columns
//!   with GIN indexes on creators, technique pages, key moments and transcript segments.
//! - `m20261202_000030_editorial`: page and key-moment version columns, old slugs, counted page
//!   views, related links unique per relationship.
//! - `m20261203_000040_consent`: the consent audit log append-only in the database, consents deleted
//!   only with their video or creator, video revocations and their log, the visibility generation.
//! - `m20261203_000050_reports`: a report's target creator and reporter key (one open report per
//!   reporter and target).
//!
//! Migrations are written as PostgreSQL DDL (the only database Patchbay supports): native enum types,
//! `text[]`, `jsonb`, partial and expression indexes are stated exactly as the database stores them.
//! `docs/decisions/0002-schema.md` explains the choices the data model left open.

pub use sea_orm_migration::prelude::*;

mod m20261123_000001_types;
mod m20261123_000002_content;
mod m20261123_000003_accounts;
mod m20261123_000004_highlights_posts;
mod m20261123_000005_operations;
mod m20261124_000010_auth;
mod m20261124_000020_search;
mod m20261202_000030_editorial;
mod m20261203_000040_consent;
mod m20261203_000050_reports;

/// Every migration of Patchbay, in order.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_types::Migration),
            Box::new(m20261123_000002_content::Migration),
            Box::new(m20261123_000003_accounts::Migration),
            Box::new(m20261123_000004_highlights_posts::Migration),
            Box::new(m20261123_000005_operations::Migration),
            Box::new(m20261124_000010_auth::Migration),
            Box::new(m20261124_000020_search::Migration),
            Box::new(m20261202_000030_editorial::Migration),
            Box::new(m20261203_000040_consent::Migration),
            Box::new(m20261203_000050_reports::Migration),
        ]
    }
}

/// Runs a block of DDL (several statements) inside the migration's connection.
pub(crate) async fn run_sql(manager: &SchemaManager<'_>, sql: &str) -> Result<(), DbErr> {
    manager
        .get_connection()
        .execute_unprepared(sql)
        .await
        .map(|_| ())
}

/// Declares a migration whose `up` and `down` are plain SQL blocks.
macro_rules! sql_migration {
    ($up:expr, $down:expr) => {
        use sea_orm_migration::prelude::*;

        #[derive(DeriveMigrationName)]
        pub(crate) struct Migration;

        #[async_trait::async_trait]
        impl MigrationTrait for Migration {
            async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                crate::run_sql(manager, $up).await
            }

            async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
                crate::run_sql(manager, $down).await
            }
        }
    };
}
pub(crate) use sql_migration;

//! `cargo run -p patchbay-migration -- up|down|status|fresh` against `DATABASE_URL`.
//! The `patchbay migrate` subcommand is the everyday way; this CLI is for migration work.

use sea_orm_migration::prelude::*;

#[tokio::main]
async fn main() {
    cli::run_cli(migration::Migrator).await;
}

//! Seeds the database at `DATABASE_URL` and reports how long it took.
//!
//! `DATABASE_URL=postgres://... cargo run --release -p patchbay-seed --example seed -- bench --migrate`
//! (`demo` or `bench`; `--migrate` applies pending migrations first).

use std::time::Instant;

use anyhow::Context as _;
use migration::MigratorTrait as _;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let scale = match args.first().map(String::as_str) {
        Some("bench") => seed::Scale::Bench,
        Some("demo") | None => seed::Scale::Demo,
        Some(other) => anyhow::bail!("unknown scale {other:?}: use demo or bench"),
    };
    let url = std::env::var("DATABASE_URL").context("DATABASE_URL is not set")?;
    let db = sea_orm::Database::connect(&url)
        .await
        .context("connecting")?;
    if args.iter().any(|a| a == "--migrate") {
        migration::Migrator::up(&db, None)
            .await
            .context("migrating")?;
    }
    let started = Instant::now();
    let report = seed::seed(&db, scale, true).await?;
    eprintln!("seeded {scale:?} in {:.2?}", started.elapsed());
    println!("{report:#?}");
    Ok(())
}

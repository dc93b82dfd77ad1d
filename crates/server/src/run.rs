//! The subcommands of `patchbay`.

use std::{fs, path::Path, time::Instant};

use anyhow::Context;
use tokio::net::TcpListener;

use crate::{
    app::{AppState, app},
    config::{Cli, Command, SeedScale, ServeArgs},
    database::{self, Source},
};

/// Runs the command the command line names.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve(ServeArgs::default())) {
        Command::ExportSchema { output } => export_schema(output.as_deref()),
        Command::Serve(args) => {
            let source = Source::resolve(cli.database_url.as_deref(), &cli.data_dir).await?;
            let result = serve(&source, &args).await;
            source.shutdown().await;
            result
        }
        Command::Migrate => {
            let source = Source::resolve(cli.database_url.as_deref(), &cli.data_dir).await?;
            let result = migrate(&source).await;
            source.shutdown().await;
            result
        }
        Command::Seed { scale } => {
            let source = Source::resolve(cli.database_url.as_deref(), &cli.data_dir).await?;
            let result = seed_command(&source, scale).await;
            source.shutdown().await;
            result
        }
    }
}

fn export_schema(output: Option<&Path>) -> anyhow::Result<()> {
    let sdl = graph::sdl();
    match output {
        Some(path) => fs::write(path, sdl).with_context(|| format!("write {}", path.display())),
        None => {
            print!("{sdl}");
            Ok(())
        }
    }
}

async fn migrate(source: &Source) -> anyhow::Result<()> {
    let db = database::connect(&source.url()).await?;
    database::migrate(&db).await?;
    tracing::info!("migrations applied");
    Ok(())
}

async fn seed_command(source: &Source, scale: SeedScale) -> anyhow::Result<()> {
    let db = database::connect(&source.url()).await?;
    if source.is_embedded() {
        database::migrate(&db).await?;
    } else {
        database::require_migrated(&db).await?;
    }
    let scale = match scale {
        SeedScale::Demo => seed::Scale::Demo,
        SeedScale::Bench => seed::Scale::Bench,
    };
    let started = Instant::now();
    let report = seed::seed(&db, scale, true).await?;
    tracing::info!(
        ?report,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "seeded"
    );
    Ok(())
}

async fn serve(source: &Source, args: &ServeArgs) -> anyhow::Result<()> {
    let db = database::connect(&source.url()).await?;
    if source.is_embedded() {
        database::migrate(&db).await?;
        if seed::is_empty(&db).await? {
            tracing::info!("first start: loading demo data");
            seed::seed(&db, seed::Scale::Demo, false).await?;
        }
    } else {
        database::require_migrated(&db).await?;
    }
    let listener = TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    tracing::info!(
        "Patchbay is serving GraphQL at http://{0}/graphql and GraphiQL at http://{0}/graphiql",
        args.addr
    );
    axum::serve(listener, app(AppState::new(db)))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server failed")?;
    tracing::info!("shutting down");
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

//! The subcommands of `patchbay`.

use std::{
    fs,
    future::Future,
    path::Path,
    time::{Duration, Instant},
};

use anyhow::Context;
use tokio::net::TcpListener;

use crate::{
    app::{AppState, HttpConfig, app},
    config::{Cli, Command, Profile, SeedScale, ServeArgs},
    database::{self, Source},
    graphql::{GraphqlSettings, limits::Limits, persisted::PersistedQueries},
};

/// Runs the command the command line names.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let command = match cli.command {
        Some(command) => command,
        None => Command::Serve(ServeArgs::from_env()?),
    };
    match command {
        Command::ExportSchema { output } => export_schema(output.as_deref()),
        Command::Serve(args) => {
            let source = Source::resolve(cli.database_url.as_deref(), &cli.data_dir).await?;
            let result = serve(&source, &args, cli.profile).await;
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

/// The HTTP configuration `serve` flags and the profile describe.
pub fn http_config(args: &ServeArgs, profile: Profile) -> anyhow::Result<HttpConfig> {
    let persisted = match &args.trusted_documents {
        Some(path) => PersistedQueries::trusted_from_file(path)?,
        None => PersistedQueries::automatic(args.apq_cache_size),
    };
    Ok(HttpConfig {
        graphql: GraphqlSettings {
            limits: Limits {
                max_tokens: args.max_tokens,
                max_depth: args.max_depth,
                max_cost: args.max_cost,
                max_aliases: args.max_aliases,
                max_directives: args.max_directives,
            },
            max_body_bytes: args.max_body_bytes,
            max_batch: args.max_batch,
            timeout: Duration::from_secs(args.request_timeout_secs),
            introspection: profile.friendly(args.introspection),
        },
        field_suggestions: profile.friendly(args.field_suggestions),
        graphiql: profile.friendly(args.graphiql),
        cors_origins: args
            .cors_origins
            .iter()
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty())
            .collect(),
        persisted,
    })
}

async fn serve(source: &Source, args: &ServeArgs, profile: Profile) -> anyhow::Result<()> {
    let config = http_config(args, profile)?;
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
    let router = app(AppState::with_config(db, config));
    serve_until(
        listener,
        router,
        shutdown_signal(),
        Duration::from_secs(args.shutdown_timeout_secs),
    )
    .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Serves until `signal` resolves, then stops accepting and lets in-flight requests finish for
/// at most `deadline`; requests still running then are dropped.
pub async fn serve_until(
    listener: TcpListener,
    router: axum::Router,
    signal: impl Future<Output = ()> + Send + 'static,
    deadline: Duration,
) -> anyhow::Result<()> {
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(listener, router).with_graceful_shutdown(async move {
        signal.await;
        tracing::info!("shutting down: finishing in-flight requests");
        let _ = stopping_tx.send(());
    });
    let overdue = async move {
        if stopping_rx.await.is_ok() {
            tokio::time::sleep(deadline).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        result = server.into_future() => result.context("server failed"),
        () = overdue => {
            tracing::warn!(deadline_secs = deadline.as_secs(), "shutdown deadline passed; dropping requests still running");
            Ok(())
        }
    }
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

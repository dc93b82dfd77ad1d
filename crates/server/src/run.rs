//! The subcommands of `patchbay`.

use std::{
    fs,
    future::Future,
    net::SocketAddr,
    path::Path,
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::{
    app::{AppState, HttpConfig, app, metrics_app},
    client_ip::TrustedProxies,
    config::{Cli, Command, Profile, SeedScale, ServeArgs},
    connections::{self, ConnectionSettings},
    database::{self, Source},
    graphql::{GraphqlSettings, limits::Limits, persisted::PersistedQueries},
    secrets,
    telemetry::{MAX_OPERATION_LABELS, OperationLabels},
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
            // Checked before starting anything: an external database needs a configured secret.
            if cli.database_url.is_some() {
                secrets::jwt_secret(cli.jwt_secret.as_deref(), None)?;
            }
            let source = Source::resolve(cli.database_url.as_deref(), &cli.data_dir).await?;
            let auth = auth_config(cli.jwt_secret.as_deref(), cli.token_ttl, &source);
            let result = match auth {
                Ok(auth) => serve(&source, &args, cli.profile, auth).await,
                Err(err) => Err(err),
            };
            source.shutdown().await;
            result
        }
        Command::Migrate => {
            let source = Source::resolve(cli.database_url.as_deref(), &cli.data_dir).await?;
            let result = migrate(&source).await;
            source.shutdown().await;
            result
        }
        Command::CreateAdmin {
            email,
            display_name,
        } => {
            let password = admin_password()?;
            let source = Source::resolve(cli.database_url.as_deref(), &cli.data_dir).await?;
            let result = create_admin(&source, &email, &password, &display_name).await;
            source.shutdown().await;
            result
        }
        Command::Invite {
            uses,
            expires,
            code,
        } => {
            let expires_at = expires.as_deref().map(parse_expiry).transpose()?;
            let source = Source::resolve(cli.database_url.as_deref(), &cli.data_dir).await?;
            let result = invite(&source, uses, expires_at, code).await;
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
    let db = database::connect(&source.url(), database::COMMAND_POOL_SIZE).await?;
    database::migrate(&db).await?;
    tracing::info!("migrations applied");
    Ok(())
}

async fn seed_command(source: &Source, scale: SeedScale) -> anyhow::Result<()> {
    let db = database::connect(&source.url(), database::COMMAND_POOL_SIZE).await?;
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
        None => PersistedQueries::automatic_bounded(args.apq_cache_size, args.apq_cache_bytes),
    };
    let manifest = match &args.trusted_documents {
        Some(path) => manifest_documents(path)?,
        None => Vec::new(),
    };
    let known = OperationLabels::known(
        manifest.iter().map(String::as_str),
        args.metrics_operations.iter().cloned(),
    );
    // Without a list, production labels no names at all rather than the first ones a client
    // happens to send (decision 0031).
    let operation_labels = if !known.is_empty() || profile == Profile::Production {
        OperationLabels::Known(Arc::new(known))
    } else {
        OperationLabels::FirstCome(MAX_OPERATION_LABELS)
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
        schema: graph::SchemaOptions {
            field_suggestions: profile.friendly(args.field_suggestions),
            search_cache_ttl: Duration::from_secs(args.search_cache_ttl_secs),
            search_cache_size: args.search_cache_size,
        },
        graphiql: profile.friendly(args.graphiql),
        cors_origins: args
            .cors_origins
            .iter()
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty())
            .collect(),
        trusted_proxies: TrustedProxies::parse(&args.trusted_proxies)
            .map_err(|e| anyhow::anyhow!("PATCHBAY_TRUSTED_PROXIES: {e}"))?,
        persisted,
        readiness_timeout: Duration::from_millis(args.readyz_timeout_ms),
        public_metrics: args
            .public_metrics
            .unwrap_or(profile == Profile::Development && args.metrics_addr.is_none()),
        operation_labels,
    })
}

/// The documents of a trusted-documents manifest (`{ "<sha256>": "<document>" }`), for their
/// operation names.
fn manifest_documents(path: &Path) -> anyhow::Result<Vec<String>> {
    let text = fs::read_to_string(path)
        .with_context(|| format!("read trusted-documents manifest {}", path.display()))?;
    let manifest: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
    Ok(manifest
        .as_object()
        .map(|entries| {
            entries
                .values()
                .filter_map(|document| document.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default())
}

/// How `serve` reads connections: the timeouts, the cap and the shutdown deadline.
pub fn connection_settings(args: &ServeArgs) -> ConnectionSettings {
    ConnectionSettings {
        header_read_timeout: Duration::from_secs(args.header_read_timeout_secs),
        body_read_timeout: Duration::from_secs(args.body_read_timeout_secs),
        max_connections: args.max_connections as usize,
        shutdown_timeout: Duration::from_secs(args.shutdown_timeout_secs),
    }
}

/// What `serve` does to the database before it listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartUp {
    /// The embedded default in development: migrate, and load the demo data into an empty
    /// database so there is something to browse.
    MigrateAndSeedDemo,
    /// The embedded default in production: migrate; an empty database stays empty (the operator
    /// creates the admin and invite codes with `create-admin` and `invite`).
    Migrate,
    /// An operator's database (`DATABASE_URL`): refuse to start with pending migrations, never
    /// migrate or seed it behind the operator's back.
    RequireMigrated,
}

impl StartUp {
    /// The start-up for the embedded default or an operator's database, in `profile`.
    pub fn new(embedded: bool, profile: Profile) -> Self {
        match (embedded, profile) {
            (false, _) => Self::RequireMigrated,
            (true, Profile::Development) => Self::MigrateAndSeedDemo,
            (true, Profile::Production) => Self::Migrate,
        }
    }

    /// Brings `db` to where `serve` can start.
    pub async fn prepare(self, db: &DatabaseConnection) -> anyhow::Result<()> {
        match self {
            Self::RequireMigrated => database::require_migrated(db).await,
            Self::Migrate => {
                database::migrate(db).await?;
                if seed::is_empty(db).await? {
                    tracing::info!(
                        "the database is empty: create an admin with `patchbay create-admin` and \
                         invite codes with `patchbay invite`"
                    );
                }
                Ok(())
            }
            Self::MigrateAndSeedDemo => {
                database::migrate(db).await?;
                if seed::is_empty(db).await? {
                    tracing::info!("first start: loading demo data");
                    seed::seed(db, seed::Scale::Demo, false).await?;
                }
                Ok(())
            }
        }
    }
}

/// Token settings: the configured or generated secret and the configured lifetime.
fn auth_config(
    jwt_secret: Option<&str>,
    token_ttl: std::time::Duration,
    source: &Source,
) -> anyhow::Result<graph::AuthConfig> {
    let embedded_dir = match source {
        Source::Embedded(pg) => Some(pg.data_dir().to_owned()),
        Source::External(_) => None,
    };
    let secret = secrets::jwt_secret(jwt_secret, embedded_dir.as_deref())?;
    let mut auth = graph::AuthConfig::new(secret);
    auth.token_ttl = token_ttl;
    Ok(auth)
}

/// The new admin's password: `PATCHBAY_ADMIN_PASSWORD`, else asked twice on the terminal.
fn admin_password() -> anyhow::Result<String> {
    if let Some(password) = crate::config::admin_password_from_env() {
        return Ok(password);
    }
    let password = rpassword::prompt_password("New admin password: ")
        .context("cannot read the password (set PATCHBAY_ADMIN_PASSWORD when not on a terminal)")?;
    let again = rpassword::prompt_password("Repeat the password: ").context("read password")?;
    if password != again {
        anyhow::bail!("the passwords differ");
    }
    Ok(password)
}

/// An RFC 3339 time, or a duration from now (`7d`, `12h`).
fn parse_expiry(text: &str) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&chrono::Utc));
    }
    let duration = crate::config::parse_duration(text).map_err(|e| {
        anyhow::anyhow!("--expires: {e}, or an RFC 3339 time like 2026-12-31T00:00:00Z")
    })?;
    Ok(chrono::Utc::now() + chrono::Duration::from_std(duration)?)
}

async fn open_migrated(source: &Source) -> anyhow::Result<sea_orm::DatabaseConnection> {
    let db = database::connect(&source.url(), database::COMMAND_POOL_SIZE).await?;
    if source.is_embedded() {
        database::migrate(&db).await?;
    } else {
        database::require_migrated(&db).await?;
    }
    Ok(db)
}

async fn create_admin(
    source: &Source,
    email: &str,
    password: &str,
    display_name: &str,
) -> anyhow::Result<()> {
    let db = open_migrated(source).await?;
    let user = graph::services::users::create_admin(&db, email, password, display_name)
        .await
        .map_err(|e| anyhow::anyhow!("cannot create the admin: {e}"))?;
    println!("created admin {}", user.email);
    Ok(())
}

async fn invite(
    source: &Source,
    uses: i32,
    expires_at: Option<chrono::DateTime<chrono::Utc>>,
    code: Option<String>,
) -> anyhow::Result<()> {
    let db = open_migrated(source).await?;
    let invite = graph::services::invites::create_unchecked(
        &db,
        None,
        graph::services::invites::NewInvite {
            code,
            uses_remaining: uses,
            expires_at,
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("cannot create the invite code: {e}"))?;
    println!("{}", invite.code);
    Ok(())
}

async fn serve(
    source: &Source,
    args: &ServeArgs,
    profile: Profile,
    auth: graph::AuthConfig,
) -> anyhow::Result<()> {
    let config = http_config(args, profile)?;
    let db = database::connect(&source.url(), args.db_pool_size).await?;
    StartUp::new(source.is_embedded(), profile)
        .prepare(&db)
        .await?;
    let listener = TcpListener::bind(args.addr)
        .await
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let metrics_listener = match args.metrics_addr {
        Some(addr) => Some(
            TcpListener::bind(addr)
                .await
                .with_context(|| format!("cannot listen on {addr} for metrics"))?,
        ),
        None => None,
    };
    tracing::info!("{}", serving_message(args.addr, config.graphiql));
    if let Some(addr) = args.metrics_addr {
        tracing::info!("Prometheus metrics at http://{addr}/metrics");
    }
    let pool = db.clone();
    let state = AppState::with_config(db, config, auth);
    let search_log = state.search_log.clone();
    let settings = connection_settings(args);
    // One signal stops both listeners.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        let _ = stop_tx.send(true);
    });
    let stopped = |mut stop: tokio::sync::watch::Receiver<bool>| async move {
        let _ = stop.wait_for(|stop| *stop).await;
    };
    let main = connections::serve(
        listener,
        app(state.clone()),
        stopped(stop_rx.clone()),
        &settings,
    );
    match metrics_listener {
        Some(metrics) => {
            let metrics =
                connections::serve(metrics, metrics_app(state), stopped(stop_rx), &settings);
            let (main, metrics) = tokio::join!(main, metrics);
            main?;
            metrics?;
        }
        None => main.await?,
    }
    if tokio::time::timeout(Duration::from_secs(5), search_log.flush())
        .await
        .is_err()
    {
        tracing::warn!("search log rows still unwritten after 5 s; giving up on them");
    }
    // Close the pool before the embedded database stops, so no connection is cut under it.
    if let Err(err) = pool.close_by_ref().await {
        tracing::warn!(error = %err, "closing the database pool");
    }
    tracing::info!("stopped");
    Ok(())
}

/// The start-up line: where GraphQL is, and GraphiQL only when it is served.
pub fn serving_message(addr: SocketAddr, graphiql: bool) -> String {
    if graphiql {
        format!(
            "Patchbay is serving GraphQL at http://{addr}/graphql and GraphiQL at http://{addr}/graphiql"
        )
    } else {
        format!("Patchbay is serving GraphQL at http://{addr}/graphql")
    }
}

/// Serves until `signal` resolves, then stops accepting and lets in-flight requests finish for
/// at most `deadline`; requests still running then are dropped. The default connection settings
/// apply otherwise (`connections::serve` takes them all).
pub async fn serve_until(
    listener: TcpListener,
    router: axum::Router,
    signal: impl Future<Output = ()> + Send + 'static,
    deadline: Duration,
) -> anyhow::Result<()> {
    let settings = ConnectionSettings {
        shutdown_timeout: deadline,
        ..ConnectionSettings::default()
    };
    connections::serve(listener, router, signal, &settings).await
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

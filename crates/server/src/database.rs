//! Finding and opening the database: `DATABASE_URL`, or the embedded default.

use std::{path::Path, time::Duration};

use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbErr, RuntimeErr};

use crate::embedded::{Durability, EmbeddedPostgres};

/// Name of the database Patchbay uses inside the embedded cluster.
pub const EMBEDDED_DATABASE: &str = "patchbay";

/// Where the database is.
#[derive(Debug)]
pub enum Source {
    /// A server the operator runs (`DATABASE_URL`).
    External(String),
    /// The embedded default, running until dropped or stopped.
    Embedded(EmbeddedPostgres),
}

impl Source {
    /// `DATABASE_URL` when given, else starts the embedded default in `data_dir`.
    pub async fn resolve(database_url: Option<&str>, data_dir: &Path) -> anyhow::Result<Self> {
        if let Some(url) = database_url {
            return Ok(Self::External(url.to_owned()));
        }
        let data_dir = data_dir.to_owned();
        let pg = tokio::task::spawn_blocking(move || {
            EmbeddedPostgres::start(&data_dir, Durability::Safe)
        })
        .await??;
        tracing::info!(data_dir = %pg.data_dir().display(), "embedded PostgreSQL is running");
        let admin = connect(&pg.local_url("postgres"), COMMAND_POOL_SIZE).await?;
        create_database_if_missing(&admin, EMBEDDED_DATABASE).await?;
        admin.close().await?;
        Ok(Self::Embedded(pg))
    }

    /// The URL Patchbay's pool connects to.
    pub fn url(&self) -> String {
        match self {
            Self::External(url) => url.clone(),
            Self::Embedded(pg) => pg.local_url(EMBEDDED_DATABASE),
        }
    }

    /// Whether this is the embedded default (migrated and seeded automatically).
    pub fn is_embedded(&self) -> bool {
        matches!(self, Self::Embedded(_))
    }

    /// Stops the embedded cluster, if any.
    pub async fn shutdown(self) {
        if let Self::Embedded(pg) = self {
            let _ = tokio::task::spawn_blocking(move || pg.stop()).await;
            tracing::info!("embedded PostgreSQL stopped");
        }
    }
}

/// Creates `name` on the server behind `admin` unless it exists.
pub async fn create_database_if_missing(
    admin: &DatabaseConnection,
    name: &str,
) -> Result<(), DbErr> {
    let exists = admin
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Postgres,
            "SELECT 1 FROM pg_database WHERE datname = $1",
            [name.into()],
        ))
        .await?
        .is_some();
    if !exists {
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await?;
    }
    Ok(())
}

/// Connections of the pools of one-off commands (migrate, seed, create-admin, invite).
pub const COMMAND_POOL_SIZE: u32 = 2;

/// Opens a pool of `size` connections on `url`; the error names the host and what failed, never
/// the password.
///
/// The pool is fixed-size: all connections are opened up front and kept. A pool that grew under
/// load opened its connections in the middle of a burst, and some requests waited seconds for
/// them (sqlx retries connects with backoff) while the others were served.
pub async fn connect(url: &str, size: u32) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(size)
        .min_connections(size)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        // sqlx tests every connection when it goes back to the pool; testing it again on the way
        // out doubled the round trips of a one-statement request. Only connections idle for a
        // while (which PostgreSQL or the network may have dropped) are pinged before use.
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .sqlx_logging(false);
    Database::connect(options).await.map_err(|err| {
        anyhow::anyhow!(
            "cannot connect to PostgreSQL at {}: {}",
            describe(url),
            reason(&err)
        )
    })
}

/// `host:port/database` of a URL, without credentials.
pub fn describe(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(u) => format!(
            "{}:{}{}",
            u.host_str().unwrap_or("localhost"),
            u.port().unwrap_or(5432),
            u.path()
        ),
        Err(_) => "the configured DATABASE_URL (not a valid URL)".to_owned(),
    }
}

fn reason(err: &DbErr) -> String {
    match err {
        DbErr::Conn(RuntimeErr::SqlxError(e)) => e.to_string(),
        other => other.to_string(),
    }
}

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await?;
    Ok(())
}

/// Fails with a clear message when the database lacks migrations (an operator-run server is
/// migrated explicitly with `patchbay migrate`, never behind the operator's back).
pub async fn require_migrated(db: &DatabaseConnection) -> anyhow::Result<()> {
    let pending = Migrator::get_pending_migrations(db).await?.len();
    if pending > 0 {
        anyhow::bail!(
            "the database has {pending} pending migration(s); run `patchbay migrate` first"
        );
    }
    Ok(())
}

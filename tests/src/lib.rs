//! # Layout
//! Support for Patchbay's integration tests (the tests themselves are in `api/`).
//!
//! - [`test_db`]: a fresh database per test, cloned from a migrated template. The server is
//!   `TEST_DATABASE_URL` when set, else a private cluster started once per test process from the
//!   machine's PostgreSQL binaries (the same code as the embedded default).
//! - [`TestDb::execute`]: runs a GraphQL document through the real schema in-process.
//! - [`TestDb::seed_demo`]: the demo data set, through the seed crate.
//! - [`TestDb::execute_as`]: runs a document with an `Authorization` header value, as the server
//!   does; [`accounts`] makes users and tokens.
//! - [`fixtures`]: builders for every other row a test needs (creators, pages, videos and what
//!   hangs off them, logs), on the entities' ActiveModels; no test writes raw SQL for its fixtures.

#![expect(clippy::unwrap_used, reason = "test support fails loudly")]

pub mod accounts;
pub mod fixtures;

use std::{
    path::PathBuf,
    sync::{
        OnceLock,
        atomic::{AtomicU64, Ordering},
    },
};

use graph::stats::StatementCounter;
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::Value;
use server::embedded::{Durability, EmbeddedPostgres};

/// The server every test database lives on.
struct Cluster {
    /// URL of the server with the database part left for us to fill in: `…/{db}`.
    base: String,
    /// The migrated template database.
    template: String,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();
static NEXT: AtomicU64 = AtomicU64::new(0);

fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(|| {
        // Runs on its own thread and runtime: the cluster outlives every test's runtime.
        std::thread::spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(start_cluster())
        })
        .join()
        .unwrap()
    })
}

async fn start_cluster() -> Cluster {
    let pid = std::process::id();
    let base = match std::env::var("TEST_DATABASE_URL") {
        Ok(url) => {
            let (base, _) = url
                .rsplit_once('/')
                .expect("TEST_DATABASE_URL needs a /database part");
            base.to_owned()
        }
        Err(_) => {
            let dir = test_cluster_dir(pid);
            let pg = EmbeddedPostgres::start(&dir, Durability::Throwaway)
                .unwrap_or_else(|e| panic!("cannot start a test PostgreSQL: {e}"));
            let url = pg.url("postgres");
            // Lives until the process exits; the parent-death signal then stops it.
            std::mem::forget(pg);
            url.rsplit_once('/').unwrap().0.to_owned()
        }
    };
    let admin = Database::connect(format!("{base}/postgres")).await.unwrap();
    drop_stale_databases(&admin).await;
    let template = format!("patchbay_t_{pid}_template");
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {template}"))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!("CREATE DATABASE {template}"))
        .await
        .unwrap();
    let db = Database::connect(format!("{base}/{template}"))
        .await
        .unwrap();
    Migrator::up(&db, None).await.unwrap();
    db.close().await.unwrap();
    admin.close().await.unwrap();
    Cluster { base, template }
}

/// A folder for this process's throwaway cluster; folders of finished runs are removed.
fn test_cluster_dir(pid: u32) -> PathBuf {
    let root = std::env::temp_dir().join("patchbay-test-clusters");
    if let Ok(entries) = std::fs::read_dir(&root) {
        for entry in entries.flatten() {
            let stale = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<i32>().ok())
                .is_some_and(|p| {
                    nix::sys::signal::kill(nix::unistd::Pid::from_raw(p), None).is_err()
                });
            if stale {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    root.join(pid.to_string())
}

/// Drops test databases left by earlier runs whose process is gone (on a shared server).
async fn drop_stale_databases(admin: &DatabaseConnection) {
    let rows = admin
        .query_all_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT datname FROM pg_database WHERE datname LIKE 'patchbay\\_t\\_%'",
        ))
        .await
        .unwrap();
    for row in rows {
        let name: String = row.try_get("", "datname").unwrap();
        let pid = name.split('_').nth(2).and_then(|p| p.parse::<i32>().ok());
        if pid.is_some_and(|p| nix::sys::signal::kill(nix::unistd::Pid::from_raw(p), None).is_err())
        {
            let _ = admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await;
        }
    }
}

/// A database of one test's own.
pub struct TestDb {
    /// Connection pool on the test's database; its statements are counted.
    pub db: DatabaseConnection,
    /// Statements executed through `db`.
    pub statements: StatementCounter,
    /// The database's URL.
    pub url: String,
    /// Token settings of this test's schema (fixed secret, default limits).
    pub auth: graph::AuthConfig,
}

/// A fresh, migrated, empty database for one test.
pub async fn test_db() -> TestDb {
    let cluster = cluster();
    let name = format!(
        "patchbay_t_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let admin = Database::connect(format!("{}/postgres", cluster.base))
        .await
        .unwrap();
    admin
        .execute_unprepared(&format!(
            "CREATE DATABASE {name} TEMPLATE {} STRATEGY FILE_COPY",
            cluster.template
        ))
        .await
        .unwrap();
    admin.close().await.unwrap();
    let url = format!("{}/{name}", cluster.base);
    let mut db = Database::connect(url.clone()).await.unwrap();
    let statements = StatementCounter::install(&mut db);
    TestDb {
        db,
        statements,
        url,
        auth: test_auth(),
    }
}

impl TestDb {
    /// Loads the demo data set.
    pub async fn seed_demo(&self) -> seed::SeedReport {
        seed::seed(&self.db, seed::Scale::Demo, false)
            .await
            .unwrap()
    }

    /// Runs `query` through the schema in-process as an anonymous viewer; returns the JSON response.
    pub async fn execute(&self, query: &str) -> Value {
        self.execute_with(query, Value::Null).await
    }

    /// Runs `query` with `variables`.
    pub async fn execute_with(&self, query: &str, variables: Value) -> Value {
        self.execute_request(None, None, query, variables).await
    }

    /// Runs `query` with `variables` as `viewer` (built by the test, no token involved).
    pub async fn execute_as_viewer(
        &self,
        viewer: graph::Viewer,
        query: &str,
        variables: Value,
    ) -> Value {
        let schema = graph::build_schema(Some(self.db.clone()), self.auth.clone());
        self.execute_on(&schema, viewer, query, variables).await
    }

    /// [`TestDb::execute_as_viewer`] with DataLoaders that collect keys for `batch_window`.
    pub async fn execute_batched(
        &self,
        viewer: graph::Viewer,
        batch_window: std::time::Duration,
        query: &str,
        variables: Value,
    ) -> Value {
        let schema = graph::build_schema(Some(self.db.clone()), self.auth.clone());
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables));
        let request = graph::prepare_request_with(request, &self.db, viewer, batch_window);
        serde_json::to_value(schema.execute(request).await).unwrap()
    }

    /// A schema over this database whose search-log writer the test holds (to flush it).
    pub fn logging_schema(&self) -> (graph::AppSchema, graph::SearchLogWriter) {
        self.logging_schema_with(graph::SchemaOptions::default())
    }

    /// [`TestDb::logging_schema`] with explicit schema options.
    pub fn logging_schema_with(
        &self,
        options: graph::SchemaOptions,
    ) -> (graph::AppSchema, graph::SearchLogWriter) {
        let log = graph::SearchLogWriter::new(self.db.clone());
        let schema = graph::build_schema_with_log(
            Some(self.db.clone()),
            self.auth.clone(),
            options,
            Some(log.clone()),
        );
        (schema, log)
    }

    /// Runs `query` with `variables` on `schema` as `viewer`.
    pub async fn execute_on(
        &self,
        schema: &graph::AppSchema,
        viewer: graph::Viewer,
        query: &str,
        variables: Value,
    ) -> Value {
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables));
        let request = graph::prepare_request(request, &self.db, viewer);
        serde_json::to_value(schema.execute(request).await).unwrap()
    }

    /// Runs `query` with `variables` as the holder of `token` (`None`: anonymous), authenticating
    /// exactly as the server does: an invalid token answers `UNAUTHENTICATED` without executing.
    pub async fn execute_as(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let header = token.map(|t| format!("Bearer {t}"));
        self.execute_request(header.as_deref(), None, query, variables)
            .await
    }

    /// Runs `query` with a raw `Authorization` header value and a client IP, as the server does.
    pub async fn execute_request(
        &self,
        authorization: Option<&str>,
        ip: Option<std::net::IpAddr>,
        query: &str,
        variables: Value,
    ) -> Value {
        let viewer =
            match graph::services::auth::authenticate(&self.db, &self.auth, authorization).await {
                Ok(viewer) => viewer,
                Err(err) => {
                    return serde_json::to_value(graph::error::rejection(err)).unwrap();
                }
            };
        let schema = graph::build_schema(Some(self.db.clone()), self.auth.clone());
        let request = async_graphql::Request::new(query)
            .variables(async_graphql::Variables::from_json(variables));
        let mut request = graph::prepare_request(request, &self.db, viewer);
        if let Some(ip) = ip {
            request = request.data(graph::ClientIp(ip));
        }
        serde_json::to_value(schema.execute(request).await).unwrap()
    }
}

/// The token settings every test database uses: a fixed secret and the default limits.
pub fn test_auth() -> graph::AuthConfig {
    graph::AuthConfig::new("patchbay-test-secret-0123456789abcdef0123456789")
}

/// The `extensions.code` of the first error of a response, if any.
pub fn error_code(response: &Value) -> Option<&str> {
    response["errors"][0]["extensions"]["code"].as_str()
}

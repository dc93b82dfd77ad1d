//! The HTTP surface: `/graphql` (GET and POST), `/graphiql`, `/healthz`, `/readyz`, `/metrics`
//! (and `metrics_app`, `/metrics` alone for a separate listen address).

use std::{sync::Arc, time::Duration};

use axum::{
    Router,
    extract::State,
    http::{HeaderName, HeaderValue, Method, StatusCode, header},
    middleware,
    response::IntoResponse,
    routing::{any, get},
};
use graph::{AppSchema, AuthConfig, SchemaOptions, stats::StatementCounter};
use sea_orm::DatabaseConnection;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::{
    client_ip::TrustedProxies,
    exports, graphiql,
    graphql::{
        self, GraphqlSettings, documents::DocumentCache, persisted::PersistedQueries,
        schema_index::SchemaIndex,
    },
    telemetry::{self, Metrics, OperationLabels},
};

/// How many parsed documents are kept: more than the distinct operations of a typical client.
const DOCUMENT_CACHE_SIZE: usize = 256;

/// Everything about HTTP that configuration decides.
#[derive(Debug)]
pub struct HttpConfig {
    /// How `/graphql` treats requests.
    pub graphql: GraphqlSettings,
    /// Schema-wide switches: "Did you mean …" in validation errors, the search cache.
    pub schema: SchemaOptions,
    /// Serve GraphiQL at `/graphiql`.
    pub graphiql: bool,
    /// Origins allowed to call the API from a browser (CORS); empty: same origin only.
    pub cors_origins: Vec<String>,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// APQ cache or trusted documents.
    pub persisted: PersistedQueries,
    /// How long `/readyz` waits for the database before answering 503.
    pub readiness_timeout: Duration,
    /// Serve `/metrics` on this router (else only `metrics_app` serves it).
    pub public_metrics: bool,
    /// Which operation names get their own metric label.
    pub operation_labels: OperationLabels,
}

/// `/readyz`'s default wait: the pool's own acquire timeout (10 s) is far beyond what a load
/// balancer's probe waits, and a probe that hangs says nothing.
pub const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            graphql: GraphqlSettings::default(),
            schema: SchemaOptions::default(),
            graphiql: true,
            cors_origins: Vec::new(),
            trusted_proxies: TrustedProxies::default(),
            persisted: PersistedQueries::automatic(1000),
            readiness_timeout: READINESS_TIMEOUT,
            public_metrics: true,
            operation_labels: OperationLabels::default(),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The executable schema.
    pub schema: AppSchema,
    /// The connection pool.
    pub db: DatabaseConnection,
    /// SQL statements executed through `db`.
    pub statements: StatementCounter,
    /// How `/graphql` treats requests.
    pub settings: Arc<GraphqlSettings>,
    /// APQ cache or trusted documents.
    pub persisted: Arc<PersistedQueries>,
    /// Parsed documents by query text.
    pub documents: Arc<DocumentCache>,
    /// The schema's types and fields, for the checks around execution.
    pub schema_index: Arc<SchemaIndex>,
    /// Prometheus metrics.
    pub metrics: Metrics,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<TrustedProxies>,
    graphiql: bool,
    cors_origins: Arc<Vec<String>>,
    readiness_timeout: Duration,
    public_metrics: bool,
    /// Token settings, to authenticate requests.
    pub auth: AuthConfig,
    /// The background search-log writer, flushed on shutdown.
    pub search_log: graph::SearchLogWriter,
}

impl AppState {
    /// State over `db` with the default (development) configuration and a random token secret
    /// (tokens die with the process; for tests).
    pub fn new(db: DatabaseConnection) -> Self {
        Self::with_config(db, HttpConfig::default(), AuthConfig::random())
    }

    /// State over `db` with the default HTTP configuration, signing tokens with `auth`.
    pub fn with_auth(db: DatabaseConnection, auth: AuthConfig) -> Self {
        Self::with_config(db, HttpConfig::default(), auth)
    }

    /// State over `db`, counting its statements.
    pub fn with_config(mut db: DatabaseConnection, config: HttpConfig, auth: AuthConfig) -> Self {
        let statements = StatementCounter::install(&mut db);
        let search_log = graph::SearchLogWriter::new(db.clone());
        let schema = graph::build_schema_with_log(
            Some(db.clone()),
            auth.clone(),
            config.schema,
            Some(search_log.clone()),
        );
        let schema_index = Arc::new(SchemaIndex::from_sdl(&schema.sdl()));
        Self {
            schema,
            schema_index,
            db,
            statements,
            settings: Arc::new(config.graphql),
            persisted: Arc::new(config.persisted),
            documents: Arc::new(DocumentCache::new(DOCUMENT_CACHE_SIZE)),
            metrics: Metrics::with_labels(config.operation_labels),
            trusted_proxies: Arc::new(config.trusted_proxies),
            graphiql: config.graphiql,
            cors_origins: Arc::new(config.cors_origins),
            readiness_timeout: config.readiness_timeout,
            public_metrics: config.public_metrics,
            auth,
            search_log,
        }
    }
}

/// The router; tests drive it in-process.
pub fn app(state: AppState) -> Router {
    let mut router = Router::new()
        .route("/graphql", any(graphql::endpoint))
        .route("/exports/consent-audit.csv", get(exports::consent_audit))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz));
    if state.public_metrics {
        router = router.route("/metrics", get(telemetry::metrics_endpoint));
    }
    if state.graphiql {
        router = router.merge(graphiql::routes());
    }
    let origins: Vec<HeaderValue> = state
        .cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let router = router.layer(middleware::from_fn_with_state(
        state.clone(),
        telemetry::request_context,
    ));
    let router = if origins.is_empty() {
        router
    } else {
        let request_id = HeaderName::from_static(telemetry::REQUEST_ID_HEADER);
        router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([
                    header::CONTENT_TYPE,
                    header::AUTHORIZATION,
                    request_id.clone(),
                ])
                .expose_headers([request_id]),
        )
    };
    router.with_state(state)
}

/// `/metrics` alone, for a listen address of its own (`--metrics-addr`): Prometheus scrapes it
/// there while the public address does not expose it.
pub fn metrics_app(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(telemetry::metrics_endpoint))
        .with_state(state)
}

/// The process is up.
async fn healthz() -> &'static str {
    "ok"
}

/// The process can serve: the database answers within the readiness timeout.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match tokio::time::timeout(state.readiness_timeout, state.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
        Err(_) => {
            tracing::warn!(
                timeout_ms = state.readiness_timeout.as_millis() as u64,
                "readiness check: the database did not answer in time"
            );
            (StatusCode::SERVICE_UNAVAILABLE, "database not answering")
        }
    }
}

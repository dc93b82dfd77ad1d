//! The HTTP surface: `/graphql` (POST and GET), `/graphiql`, `/healthz`.

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use std::net::SocketAddr;

use axum::{
    Router,
    extract::{ConnectInfo, State},
    http::{Extensions, HeaderMap, StatusCode, header::AUTHORIZATION},
    response::{Html, IntoResponse},
    routing::get,
};
use graph::{AppSchema, AuthConfig, ClientIp, stats::StatementCounter};
use sea_orm::DatabaseConnection;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The executable schema.
    pub schema: AppSchema,
    /// The connection pool.
    pub db: DatabaseConnection,
    /// SQL statements executed through `db`.
    pub statements: StatementCounter,
    /// Token settings, to authenticate requests.
    pub auth: AuthConfig,
}

impl AppState {
    /// State over `db` with a random token secret (tokens die with the process; for tests).
    pub fn new(db: DatabaseConnection) -> Self {
        Self::with_auth(db, AuthConfig::random())
    }

    /// State over `db`, counting its statements, signing tokens with `auth`.
    pub fn with_auth(mut db: DatabaseConnection, auth: AuthConfig) -> Self {
        let statements = StatementCounter::install(&mut db);
        let schema = graph::build_schema(Some(db.clone()), auth.clone());
        Self {
            schema,
            db,
            statements,
            auth,
        }
    }
}

/// The router; tests drive it in-process.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/graphql", get(graphql).post(graphql))
        .route("/graphiql", get(graphiql))
        .route("/healthz", get(healthz))
        .with_state(state)
}

async fn graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let authorization = headers
        .get(AUTHORIZATION)
        .map(|value| value.to_str().unwrap_or("\u{fffd}"));
    let viewer =
        match graph::services::auth::authenticate(&state.db, &state.auth, authorization).await {
            Ok(viewer) => viewer,
            Err(err) => return graph::services::auth::rejection(err).into(),
        };
    let mut request = graph::prepare_request(request.into_inner(), &state.db, viewer);
    if let Some(ConnectInfo(addr)) = extensions.get::<ConnectInfo<SocketAddr>>() {
        request = request.data(ClientIp(addr.ip()));
    }
    state.schema.execute(request).await.into()
}

async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("Patchbay")
            .finish(),
    )
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(err) => {
            tracing::warn!(error = %err, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
        }
    }
}

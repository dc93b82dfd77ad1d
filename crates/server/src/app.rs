//! The HTTP surface: `/graphql` (POST and GET), `/graphiql`, `/healthz`.

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::{Html, IntoResponse},
    routing::get,
};
use graph::{AppSchema, Viewer, stats::StatementCounter};
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
}

impl AppState {
    /// State over `db`, counting its statements.
    pub fn new(mut db: DatabaseConnection) -> Self {
        let statements = StatementCounter::install(&mut db);
        let schema = graph::build_schema(Some(db.clone()));
        Self {
            schema,
            db,
            statements,
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

async fn graphql(State(state): State<AppState>, request: GraphQLRequest) -> GraphQLResponse {
    let request = graph::prepare_request(request.into_inner(), &state.db, Viewer::Anonymous);
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

//! Request ids, logging set-up and Prometheus metrics.

use std::{
    collections::HashSet,
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};

use axum::{
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::DatabaseConnection;
use tracing::Instrument;
use tracing_subscriber::EnvFilter;

use crate::app::AppState;

/// The header that carries a request's id in and out.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// This request's id: the client's `x-request-id` when it is sane, else a fresh UUID.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line (production).
    Json,
}

/// Sets up the global `tracing` subscriber: `RUST_LOG` filter (default `info,sqlx=warn`), stderr.
pub fn init_logging(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().with_current_span(true).init(),
    }
}

fn sane(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

/// Middleware: assigns the request id, echoes it, counts in-flight requests, wraps the request in
/// a span carrying the id.
pub async fn request_context(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|id| sane(id))
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned);
    request.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path());
    let _in_flight = state.metrics.in_flight();
    let mut response = next.run(request).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// Operation names become metric labels; without a list of known names, the first this many
/// distinct names are labelled and the rest count as `other`, so clients cannot blow up the
/// metric's cardinality.
pub const MAX_OPERATION_LABELS: usize = 200;

/// Which operation names get their own metric label (everything else is `other`).
#[derive(Debug, Clone)]
pub enum OperationLabels {
    /// Only these: the trusted-documents manifest's operations and the configured ones. Clients
    /// cannot add to them, so junk names never take a real operation's place.
    Known(Arc<HashSet<String>>),
    /// The first `n` distinct names seen (development without a list: convenient, but a client
    /// sending `n` junk names first leaves later real operations unlabelled).
    FirstCome(usize),
}

impl Default for OperationLabels {
    fn default() -> Self {
        Self::FirstCome(MAX_OPERATION_LABELS)
    }
}

impl OperationLabels {
    /// The names of the operations in `documents` (GraphQL documents; unparsable ones are
    /// skipped), plus `extra`.
    pub fn known<'a>(
        documents: impl IntoIterator<Item = &'a str>,
        extra: impl IntoIterator<Item = String>,
    ) -> HashSet<String> {
        use async_graphql::parser::types::DocumentOperations;
        let mut names: HashSet<String> = extra
            .into_iter()
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty())
            .collect();
        for document in documents {
            let Ok(doc) = async_graphql::parser::parse_query(document) else {
                continue;
            };
            if let DocumentOperations::Multiple(ops) = &doc.operations {
                names.extend(ops.keys().map(|name| name.to_string()));
            }
        }
        names
    }
}

/// The process-wide Prometheus recorder (installed once) and this app's label bookkeeping.
#[derive(Clone)]
pub struct Metrics {
    handle: Option<PrometheusHandle>,
    labels: OperationLabels,
    seen_operations: Arc<Mutex<HashSet<String>>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

/// Decrements the in-flight gauge when dropped.
pub struct InFlight;

impl Drop for InFlight {
    fn drop(&mut self) {
        metrics::gauge!("patchbay_http_requests_in_flight").decrement(1.0);
    }
}

impl Metrics {
    /// The global recorder, installed on first use (tests build many apps in one process), with
    /// the default (first-come) operation labels.
    pub fn global() -> Self {
        Self::with_labels(OperationLabels::default())
    }

    /// The global recorder, labelling operations by `labels`.
    pub fn with_labels(labels: OperationLabels) -> Self {
        static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
        let handle = HANDLE
            .get_or_init(|| {
                let recorder = PrometheusBuilder::new()
                    .set_buckets_for_metric(
                        Matcher::Full("patchbay_graphql_request_duration_seconds".into()),
                        &[
                            0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
                        ],
                    )
                    .ok()?
                    .build_recorder();
                let handle = recorder.handle();
                metrics::set_global_recorder(recorder).ok()?;
                Some(handle)
            })
            .clone();
        Self {
            handle,
            labels,
            seen_operations: Arc::default(),
        }
    }

    fn in_flight(&self) -> InFlight {
        metrics::gauge!("patchbay_http_requests_in_flight").increment(1.0);
        InFlight
    }

    /// Records one GraphQL request.
    pub fn record(&self, operation: Option<&str>, outcome: &'static str, elapsed: Duration) {
        let operation = self.operation_label(operation);
        metrics::counter!("patchbay_graphql_requests_total", "operation" => operation.clone(), "outcome" => outcome)
            .increment(1);
        metrics::histogram!("patchbay_graphql_request_duration_seconds", "operation" => operation)
            .record(elapsed.as_secs_f64());
    }

    fn operation_label(&self, operation: Option<&str>) -> String {
        let Some(name) = operation else {
            return "anonymous".into();
        };
        if name.len() > 64 || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return "other".into();
        }
        let limit = match &self.labels {
            OperationLabels::Known(known) if known.contains(name) => return name.to_owned(),
            OperationLabels::Known(_) => return "other".into(),
            OperationLabels::FirstCome(limit) => *limit,
        };
        let Ok(mut seen) = self.seen_operations.lock() else {
            return "other".into();
        };
        if seen.contains(name) || seen.len() < limit {
            seen.insert(name.to_owned());
            name.to_owned()
        } else {
            "other".into()
        }
    }

    /// The Prometheus text exposition, with the pool gauges and the SQL statement total refreshed.
    pub fn render(&self, db: &DatabaseConnection, sql_statements: u64) -> Option<String> {
        let handle = self.handle.as_ref()?;
        metrics::counter!("patchbay_sql_statements_total").absolute(sql_statements);
        let pool = db.get_postgres_connection_pool();
        let size = f64::from(pool.size());
        let idle = pool.num_idle() as f64;
        metrics::gauge!("patchbay_db_pool_connections", "state" => "idle").set(idle);
        metrics::gauge!("patchbay_db_pool_connections", "state" => "in_use").set(size - idle);
        metrics::gauge!("patchbay_db_pool_max_connections")
            .set(f64::from(pool.options().get_max_connections()));
        handle.run_upkeep();
        Some(handle.render())
    }
}

/// `GET /metrics`.
pub async fn metrics_endpoint(State(state): State<AppState>) -> Response {
    match state.metrics.render(&state.db, state.statements.get()) {
        Some(text) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        None => (
            StatusCode::SERVICE_UNAVAILABLE,
            "metrics recorder unavailable",
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_labels_come_from_documents_and_the_list() {
        let known = OperationLabels::known(
            [
                "query Home { creators { totalCount } }",
                "mutation Follow($id: ID!) { followCreator(creatorId: $id) { id } } query Two { me { id } }",
                "{ anonymous }",
                "not graphql {",
            ],
            [" Extra ".to_owned(), String::new()],
        );
        let mut names: Vec<_> = known.into_iter().collect();
        names.sort();
        assert_eq!(names, ["Extra", "Follow", "Home", "Two"]);
    }

    #[test]
    fn junk_names_do_not_take_known_operations_places() {
        let known = OperationLabels::known(["query Real { a }"], []);
        let metrics = Metrics::with_labels(OperationLabels::Known(Arc::new(known)));
        for i in 0..(2 * MAX_OPERATION_LABELS) {
            assert_eq!(metrics.operation_label(Some(&format!("Junk{i}"))), "other");
        }
        assert_eq!(metrics.operation_label(Some("Real")), "Real");
        assert_eq!(metrics.operation_label(None), "anonymous");

        // First come: bounded, and names seen before the flood keep their label.
        let metrics = Metrics::with_labels(OperationLabels::FirstCome(3));
        assert_eq!(metrics.operation_label(Some("Early")), "Early");
        for i in 0..10 {
            metrics.operation_label(Some(&format!("Junk{i}")));
        }
        assert_eq!(metrics.operation_label(Some("Early")), "Early");
        assert_eq!(metrics.operation_label(Some("Late")), "other");
    }
}

//! The `/graphql` endpoint: GraphQL over HTTP with abuse limits, persisted queries and masking.
//!
//! Order of checks, cheapest first, and nothing executes until all pass: method and media types,
//! body size (before reading it whole), JSON shape, persisted-query lookup, token count (before
//! parsing) and parse (both skipped for a document parsed before, see [`documents`]),
//! GET-only-queries, argument values ([`input`]), depth/cost/aliases/directives, then the schema's
//! own validation and execution under a timeout. A response with field errors gets the nulls the
//! executor leaves out ([`nulls`]).

pub(crate) mod bounded;
pub mod documents;
pub(crate) mod input;
pub mod limits;
pub mod normalize;
pub(crate) mod nulls;
pub mod persisted;
pub(crate) mod protocol;
pub mod schema_index;

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use async_graphql::{
    ServerError, Variables,
    parser::types::{DocumentOperations, ExecutableDocument, OperationType},
};
use axum::{
    body::to_bytes,
    extract::{ConnectInfo, Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    response::Response,
};
use graph::Viewer;
use serde_json::{Value, json};
use tracing::Instrument;

use crate::{app::AppState, telemetry::RequestId};
use limits::Limits;
use persisted::PersistedError;
use protocol::{HttpError, MediaType, Params, PostBody, json_bytes_response};

/// How `/graphql` treats requests; built from the command line.
#[derive(Debug, Clone)]
pub struct GraphqlSettings {
    /// Document limits.
    pub limits: Limits,
    /// Largest request body in bytes.
    pub max_body_bytes: usize,
    /// Most requests in a batch; 0 turns batching off.
    pub max_batch: usize,
    /// Longest a request may execute.
    pub timeout: Duration,
    /// Whether introspection (`__schema`, `__type`) is answered.
    pub introspection: bool,
}

impl Default for GraphqlSettings {
    fn default() -> Self {
        Self {
            limits: Limits::default(),
            max_body_bytes: 1024 * 1024,
            max_batch: 0,
            timeout: Duration::from_secs(10),
            introspection: true,
        }
    }
}

/// Who is asking: the bearer token's user (re-read from the database), or anonymous. An invalid,
/// expired or revoked token is refused (`UNAUTHENTICATED`, 401) before anything executes; a
/// failure of the server while checking it is a masked `INTERNAL_SERVER_ERROR` (500), see
/// [`refusal`].
async fn viewer_for(
    state: &AppState,
    headers: &HeaderMap,
    request_id: &str,
) -> Result<Viewer, Executed> {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .map(|value| value.to_str().unwrap_or("\u{fffd}"));
    graph::services::auth::authenticate(&state.db, &state.auth, authorization)
        .await
        .map_err(|err| refusal(err, request_id))
}

/// The answer to credentials that could not be checked, converted like every domain error
/// (`graph::error`, which logs a server fault once with its cause) and masked like every
/// response error ([`mask`]): `UNAUTHENTICATED` is 401; a server fault (the database failing
/// while the user is re-read) is 500 `INTERNAL_SERVER_ERROR` with `errorId` and `requestId` and
/// no database text, never a 401 that would sign the client's user out.
fn refusal(err: graph::error::ServiceError, request_id: &str) -> Executed {
    use graph::error::codes;
    let error: async_graphql::Error = err.into();
    let (status, code) = match graph::error::code_of(&error) {
        Some(codes::UNAUTHENTICATED) => (StatusCode::UNAUTHORIZED, codes::UNAUTHENTICATED),
        _ => (StatusCode::INTERNAL_SERVER_ERROR, codes::INTERNAL),
    };
    let mut server_error = ServerError::new(error.message, None);
    server_error.extensions = error.extensions;
    let mut value = mask(server_error, true, None, request_id);
    // Like every refusal before execution, it names the request.
    value["extensions"]["requestId"] = json!(request_id);
    Executed {
        status,
        body: to_json(&json!({ "errors": [value] })),
        outcome: Outcome::new(None, code),
    }
}

/// `GET /graphql` and `POST /graphql`.
pub async fn endpoint(State(state): State<AppState>, request: Request) -> Response {
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map_or_else(String::new, |id| id.0.clone());
    let Some(media) = MediaType::negotiate(request.headers()) else {
        let error = HttpError::new(
            StatusCode::NOT_ACCEPTABLE,
            "NOT_ACCEPTABLE",
            "accept application/graphql-response+json or application/json",
        );
        return error.into_response(MediaType::Json, &request_id);
    };
    let started = Instant::now();
    let statements_before = state.statements.get();
    let (response, outcome) = match handle(&state, request, media, &request_id).await {
        Ok(ok) => ok,
        Err(error) => {
            let outcome = Outcome::new(None, error.code);
            (error.into_response(media, &request_id), outcome)
        }
    };
    let elapsed = started.elapsed();
    let statements = state.statements.get().saturating_sub(statements_before);
    state
        .metrics
        .record(outcome.operation.as_deref(), outcome.result, elapsed);
    tracing::info!(
        request_id = %request_id,
        operation = outcome.operation.as_deref().unwrap_or("-"),
        status = response.status().as_u16(),
        outcome = outcome.result,
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        sql_statements = statements,
        "graphql request"
    );
    response
}

/// What the log and metrics say about a request.
struct Outcome {
    operation: Option<String>,
    result: &'static str,
}

impl Outcome {
    fn new(operation: Option<String>, result: &'static str) -> Self {
        Self { operation, result }
    }
}

async fn handle(
    state: &AppState,
    request: Request,
    media: MediaType,
    request_id: &str,
) -> Result<(Response, Outcome), HttpError> {
    let settings = &state.settings;
    let method = request.method().clone();
    let headers = request.headers().clone();
    let client_ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| graph::ClientIp(state.trusted_proxies.client_ip(info.0.ip(), &headers)));
    let body = if method == Method::GET {
        PostBody::Single(Params::from_query_string(
            request.uri().query().unwrap_or(""),
        )?)
    } else if method == Method::POST {
        protocol::check_content_type(request.headers())?;
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        if declared.is_some_and(|len| len > settings.max_body_bytes) {
            return Err(HttpError::too_large(settings.max_body_bytes));
        }
        let bytes = to_bytes(request.into_body(), settings.max_body_bytes)
            .await
            .map_err(|_| HttpError::too_large(settings.max_body_bytes))?;
        protocol::parse_body(&bytes, settings.max_batch)?
    } else {
        let mut error = HttpError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "use GET or POST",
        );
        error.allow = Some("GET, POST");
        return Err(error);
    };
    let viewer = match viewer_for(state, &headers, request_id).await {
        Ok(viewer) => viewer,
        Err(refused) => {
            let response = json_bytes_response(refused.status, media, refused.body);
            return Ok((response, refused.outcome));
        }
    };
    match body {
        PostBody::Single(params) => {
            let one = execute(state, params, &method, media, viewer, client_ip, request_id).await?;
            let response = json_bytes_response(one.status, media, one.body);
            Ok((response, one.outcome))
        }
        PostBody::Batch(items) => {
            let mut bodies = Vec::with_capacity(items.len());
            for params in items {
                let one = execute(
                    state,
                    params,
                    &method,
                    media,
                    viewer.clone(),
                    client_ip,
                    request_id,
                )
                .await
                .map(|one| one.body)
                .unwrap_or_else(|e| error_json(e.code, &e.message, request_id));
                bodies.push(one);
            }
            let response = json_bytes_response(StatusCode::OK, media, bodies.join_array());
            Ok((response, Outcome::new(Some("batch".into()), "ok")))
        }
    }
}

struct Executed {
    status: StatusCode,
    /// The serialized response body (a JSON object).
    body: Vec<u8>,
    outcome: Outcome,
}

/// Joins serialized JSON values into a serialized array.
trait JoinArray {
    fn join_array(self) -> Vec<u8>;
}

impl JoinArray for Vec<Vec<u8>> {
    fn join_array(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.iter().map(|b| b.len() + 1).sum::<usize>() + 2);
        out.push(b'[');
        out.extend_from_slice(&self.join(&b',')[..]);
        out.push(b']');
        out
    }
}

/// A response body, serialized straight from the executor's values (no intermediate JSON tree:
/// for large answers the copy cost as much as producing them).
#[derive(serde::Serialize)]
struct ResponseBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "<[Value]>::is_empty")]
    errors: &'a [Value],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, async_graphql::Value>,
}

fn error_json(code: &str, message: &str, request_id: &str) -> Vec<u8> {
    to_json(&error_body(code, message, request_id))
}

/// Serializes `value`; values built here always serialize.
fn to_json(value: &impl serde::Serialize) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec())
}

fn error_body(code: &str, message: &str, request_id: &str) -> Value {
    json!({ "errors": [{ "message": message, "extensions": { "code": code, "requestId": request_id } }] })
}

/// A request error (nothing executed): 400 without `data` under graphql-response+json; 200 under
/// the legacy application/json, as the spec recommends for well-formed HTTP requests.
fn request_error(
    media: MediaType,
    code: &'static str,
    message: &str,
    request_id: &str,
    operation: Option<String>,
) -> Executed {
    request_error_body(
        media,
        code,
        error_json(code, message, request_id),
        operation,
    )
}

/// [`request_error`] with a body of its own (errors carrying more than a code and a message).
fn request_error_body(
    media: MediaType,
    code: &'static str,
    body: Vec<u8>,
    operation: Option<String>,
) -> Executed {
    Executed {
        status: match media {
            MediaType::GraphqlResponse => StatusCode::BAD_REQUEST,
            MediaType::Json => StatusCode::OK,
        },
        body,
        outcome: Outcome::new(operation, code),
    }
}

async fn execute(
    state: &AppState,
    params: Params,
    method: &Method,
    media: MediaType,
    viewer: Viewer,
    client_ip: Option<graph::ClientIp>,
    request_id: &str,
) -> Result<Executed, HttpError> {
    let settings = &state.settings;
    let operation = params.operation_name.clone();
    // A request refused before it executes: answered as a GraphQL request error.
    let refused = |code: &'static str, message: String| {
        Ok(request_error(
            media,
            code,
            &message,
            request_id,
            operation.clone(),
        ))
    };
    // Finding the document stores nothing; what it registers (APQ) is kept only below, once
    // every check passed.
    let found = state.persisted.lookup(
        params.query,
        &params.extensions,
        params.document_id.as_deref(),
    );
    let (query, registration) = match found {
        Ok(found) => (found.query, found.registration),
        Err(PersistedError::Missing) => {
            return Err(HttpError::bad_request("the request has no `query`"));
        }
        Err(error) => return refused(error.code(), error.to_string()),
    };
    // A document seen before already passed every check once (they still run below, except the
    // token limit and parse).
    // The cache's tree is also kept (shared) for repairing a response with field errors.
    let shared = state.documents.get_shared(&query);
    let (doc, cached) = match shared.as_deref() {
        Some(doc) => (doc.clone(), true),
        None => {
            if let Err(error) = limits::check_tokens(&query, &settings.limits) {
                return refused(error.code(), error.to_string());
            }
            match async_graphql::parser::parse_query(&query).map(normalize::normalize) {
                Ok(doc) => (doc, false),
                Err(error) => return refused("GRAPHQL_PARSE_FAILED", error.to_string()),
            }
        }
    };
    let variables = Variables::from_json(Value::Object(params.variables));
    let mut request = async_graphql::Request::new(query).variables(variables.clone());
    if let Some(name) = &operation {
        request = request.operation_name(name.clone());
    }
    // Logs and metrics name the operation even when the client sent no operationName.
    let operation = operation.or_else(|| match &doc.operations {
        DocumentOperations::Single(_) => None,
        DocumentOperations::Multiple(ops) if ops.len() == 1 => {
            ops.keys().next().map(|n| n.to_string())
        }
        DocumentOperations::Multiple(_) => None,
    });
    if method == Method::GET
        && operation_type(&doc, operation.as_deref()) == Some(OperationType::Mutation)
    {
        let mut error = HttpError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "mutations must be sent with POST",
        );
        error.allow = Some("POST");
        return Err(error);
    }
    // Argument values the executor would refuse (or PostgreSQL fail on) are the client's error,
    // refused before the limits size anything by them.
    if let Err(refused) = input::check_nul(&doc, &variables).and_then(|()| {
        input::check_arguments(&doc, operation.as_deref(), &variables, &state.schema_index)
    }) {
        tracing::debug!(request_id = %request_id, argument = %refused.argument, "input refused");
        return Ok(request_error_body(
            media,
            graph::error::codes::BAD_USER_INPUT,
            to_json(&json!({ "errors": [refused.to_error(request_id)] })),
            operation,
        ));
    }
    if let Err(error) = limits::check_document(
        &doc,
        operation.as_deref(),
        &variables,
        &state.schema_index,
        &settings.limits,
    ) {
        return Ok(request_error(
            media,
            error.code(),
            &error.to_string(),
            request_id,
            operation,
        ));
    }
    // Every limit passed: the document and its APQ registration may be kept once the executor's
    // validation passes too (below).
    let keep = (!cached)
        .then(|| state.documents.prepare(&request.query, &doc))
        .flatten();
    let registration = registration.map(|r| (r, request.query.clone()));
    // The executed document for after execution: the cache's tree or the one about to be kept;
    // only a text too long to keep costs a copy.
    let shared = match (shared, &keep) {
        (Some(doc), _) => doc,
        (None, Some(keep)) => Arc::clone(keep.doc()),
        (None, None) => Arc::new(doc.clone()),
    };
    request.set_parsed_query(doc);
    if !settings.introspection {
        request = request.disable_introspection();
    }
    let mut request = graph::prepare_request(request, &state.db, viewer);
    if let Some(ip) = client_ip {
        request = request.data(ip);
    }
    let span = tracing::info_span!("graphql", request_id = %request_id);
    let executed = tokio::time::timeout(
        settings.timeout,
        state.schema.execute(request).instrument(span),
    )
    .await;
    let Ok(mut response) = executed else {
        return Ok(Executed {
            status: StatusCode::SERVICE_UNAVAILABLE,
            body: error_json(
                "REQUEST_TIMEOUT",
                "the request took longer than allowed",
                request_id,
            ),
            outcome: Outcome::new(operation, "REQUEST_TIMEOUT"),
        });
    };
    // Parse and execution share a response type; a response without data whose errors point at
    // no field is a request error (validation or variable coercion): nothing ran.
    let is_request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    if !is_request_error {
        if let Some(keep) = keep {
            state.documents.insert(keep);
        }
        if let Some((registration, text)) = registration {
            state.persisted.register(registration, text);
        }
    }
    // The executor leaves a failed field out instead of null and propagates nothing: repaired
    // here, only when some field failed (see `nulls`).
    if !is_request_error && response.errors.iter().any(|e| !e.path.is_empty()) {
        nulls::apply(
            &mut response.data,
            &response.errors,
            &shared,
            operation.as_deref(),
            &state.schema_index,
        );
    }
    let errors: Vec<Value> = response
        .errors
        .into_iter()
        .map(|error| mask(error, is_request_error, Some(&shared), request_id))
        .collect();
    let result = if errors.is_empty() {
        "ok"
    } else if is_request_error {
        "GRAPHQL_VALIDATION_FAILED"
    } else {
        "partial"
    };
    let body = to_json(&ResponseBody {
        data: (!is_request_error).then_some(&response.data),
        errors: &errors,
        extensions: &response.extensions,
    });
    let status = match (is_request_error, media) {
        (true, MediaType::GraphqlResponse) => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    };
    Ok(Executed {
        status,
        body,
        outcome: Outcome::new(operation, result),
    })
}

/// Gives every error an `extensions.code`. An execution error without one is either the
/// executor's refusal of an argument value (located at that value in `doc`: `BAD_USER_INPUT`
/// naming the argument, logged at debug, since the client caused it) or an unexpected internal
/// failure: logged with its cause, shown as `internal error`. Internal errors carry the request
/// id.
fn mask(
    error: ServerError,
    is_request_error: bool,
    doc: Option<&ExecutableDocument>,
    request_id: &str,
) -> Value {
    let code = error
        .extensions
        .as_ref()
        .and_then(|ext| ext.get("code"))
        .and_then(|code| match code {
            async_graphql::Value::String(s) => Some(s.clone()),
            _ => None,
        });
    let mut value = serde_json::to_value(&error).unwrap_or_else(|_| json!({}));
    let argument = match (&code, is_request_error) {
        (None, false) => error
            .locations
            .first()
            .zip(doc)
            .and_then(|(pos, doc)| input::argument_at(doc, *pos)),
        _ => None,
    };
    let code = match code {
        Some(code) => code,
        None if is_request_error => "GRAPHQL_VALIDATION_FAILED".to_owned(),
        None if argument.is_some() => {
            tracing::debug!(request_id = %request_id, error = %error.message, "argument refused");
            graph::error::codes::BAD_USER_INPUT.to_owned()
        }
        None => {
            tracing::error!(request_id = %request_id, error = %error.message, "unexpected error");
            value["message"] = json!("internal error");
            graph::error::codes::INTERNAL.to_owned()
        }
    };
    if let Some(object) = value.as_object_mut() {
        let ext = object
            .entry("extensions")
            .or_insert_with(|| json!({}))
            .as_object_mut();
        if let Some(ext) = ext {
            if code == graph::error::codes::INTERNAL {
                ext.insert("requestId".into(), json!(request_id));
            }
            if let Some(argument) = argument {
                ext.insert("argument".into(), json!(argument));
            }
            ext.insert("code".into(), json!(code));
        }
    }
    value
}

/// The type of the operation that would run, if the name selects one.
pub fn operation_type(doc: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op.node.ty),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| op.node.ty),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn mutations_are_detected_whatever_the_schema() {
        let doc = async_graphql::parser::parse_query("mutation { follow(id: 1) }").unwrap();
        assert_eq!(operation_type(&doc, None), Some(OperationType::Mutation));
        let doc = async_graphql::parser::parse_query("query A { a } mutation B { b }").unwrap();
        assert_eq!(operation_type(&doc, Some("A")), Some(OperationType::Query));
        assert_eq!(
            operation_type(&doc, Some("B")),
            Some(OperationType::Mutation)
        );
        assert_eq!(operation_type(&doc, None), None);
    }

    /// The levels of the events logged while `f` runs.
    fn logged_levels(f: impl FnOnce()) -> Vec<tracing::Level> {
        use std::sync::Mutex;
        use tracing_subscriber::layer::SubscriberExt;

        struct Levels(Arc<Mutex<Vec<tracing::Level>>>);
        impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Levels {
            fn on_event(
                &self,
                event: &tracing::Event<'_>,
                _: tracing_subscriber::layer::Context<'_, S>,
            ) {
                self.0.lock().unwrap().push(*event.metadata().level());
            }
        }
        let levels = Arc::new(Mutex::new(Vec::new()));
        let subscriber = tracing_subscriber::registry().with(Levels(levels.clone()));
        tracing::subscriber::with_default(subscriber, f);
        levels.lock().unwrap().clone()
    }

    #[test]
    fn credentials_the_server_failed_to_check_are_a_masked_500_logged_once() {
        let run = |err| {
            let mut refused = None;
            let levels = logged_levels(|| refused = Some(refusal(err, "req-9")));
            let refused = refused.unwrap();
            let body: Value = serde_json::from_slice(&refused.body).unwrap();
            (refused.status, body, levels)
        };
        let (status, body, levels) = run(graph::error::ServiceError::Db(sea_orm::DbErr::Custom(
            "canceling statement due to statement timeout".into(),
        )));
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        let error = &body["errors"][0];
        assert_eq!(error["message"], "internal error");
        assert_eq!(error["extensions"]["code"], "INTERNAL_SERVER_ERROR");
        assert_eq!(error["extensions"]["requestId"], "req-9");
        assert!(error["extensions"]["errorId"].is_string());
        assert!(!body.to_string().contains("statement"), "{body}");
        assert_eq!(levels, [tracing::Level::ERROR]);

        let (status, body, levels) = run(graph::error::ServiceError::Unauthenticated(
            "sign in again".into(),
        ));
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
        assert_eq!(body["errors"][0]["message"], "sign in again");
        assert_eq!(body["errors"][0]["extensions"]["requestId"], "req-9");
        assert!(levels.is_empty(), "{levels:?}");
    }

    #[test]
    fn a_refused_argument_value_is_bad_user_input_logged_at_debug_only() {
        let doc =
            async_graphql::parser::parse_query("{ tags(limit: 2147483648) { name } }").unwrap();
        let at = |column| async_graphql::Pos { line: 1, column };
        let error = |column| {
            let mut error = ServerError::new("Failed to parse \"Int\"", Some(at(column)));
            error.path = vec![async_graphql::PathSegment::Field("tags".into())];
            error
        };
        let mut masked = Value::Null;
        // Located at the argument's value: the client's error.
        let levels = logged_levels(|| masked = mask(error(15), false, Some(&doc), "req-1"));
        assert_eq!(masked["extensions"]["code"], "BAD_USER_INPUT");
        assert_eq!(masked["extensions"]["argument"], "limit");
        assert_eq!(masked["message"], "Failed to parse \"Int\"");
        assert!(
            levels.iter().all(|l| *l >= tracing::Level::DEBUG),
            "{levels:?}"
        );
        // Located at the field: an unexpected failure, logged as one.
        let levels = logged_levels(|| masked = mask(error(3), false, Some(&doc), "req-1"));
        assert_eq!(masked["extensions"]["code"], "INTERNAL_SERVER_ERROR");
        assert_eq!(masked["extensions"]["requestId"], "req-1");
        assert_eq!(levels, [tracing::Level::ERROR]);
    }
}

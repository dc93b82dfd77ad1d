//! GraphQL over HTTP: media types, status codes, CSRF, abuse limits, persisted queries.

use axum::{
    body::Body,
    http::{Request, header::HeaderMap},
};
use graph::stats::StatementCounter;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use server::{AppState, HttpConfig, app, graphql::persisted::sha256_hex};
use tower::ServiceExt;

pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Value,
}

pub(crate) async fn send(router: &axum::Router, request: Request<Body>) -> Reply {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Reply {
        status,
        headers,
        body,
    }
}

pub(crate) fn post(body: impl Into<String>, accept: &str) -> Request<Body> {
    Request::post("/graphql")
        .header("content-type", "application/json")
        .header("accept", accept)
        .body(Body::from(body.into()))
        .unwrap()
}

fn get(query: &str, accept: &str) -> Request<Body> {
    let encoded: String = url_encode(query);
    Request::get(format!("/graphql?query={encoded}"))
        .header("accept", accept)
        .body(Body::empty())
        .unwrap()
}

fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

const GQL: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

fn content_type(reply: &Reply) -> &str {
    reply.headers["content-type"].to_str().unwrap()
}

async fn router_with(config: HttpConfig) -> (StatementCounter, axum::Router) {
    let t = support::test_db().await;
    support::fixtures::creator(&t.db, "Alpha").await;
    let state = AppState::with_config(t.db.clone(), config, graph::AuthConfig::random());
    let statements = state.statements.clone();
    (statements, app(state))
}

#[tokio::test]
async fn negotiates_media_types_and_status_codes() {
    let (_t, router) = router_with(HttpConfig::default()).await;
    let ok = r#"{"query":"{ creators { nodes { slug } } }"}"#;

    let reply = send(&router, post(ok, GQL)).await;
    assert_eq!(reply.status, 200);
    assert!(content_type(&reply).starts_with(GQL));
    assert_eq!(
        reply.body,
        json!({"data": {"creators": {"nodes": [{"slug": "alpha"}]}}})
    );

    let reply = send(&router, post(ok, JSON)).await;
    assert_eq!(reply.status, 200);
    assert!(content_type(&reply).starts_with(JSON));

    let reply = send(&router, post(ok, "*/*")).await;
    assert!(content_type(&reply).starts_with(JSON));

    let reply = send(&router, post(ok, "text/html")).await;
    assert_eq!(reply.status, 406);

    // Request errors: 400 and no `data` under graphql-response+json ...
    for (body, code) in [
        (r#"{"query":"{"}"#, "GRAPHQL_PARSE_FAILED"),
        (r#"{"query":"{ nope }"}"#, "GRAPHQL_VALIDATION_FAILED"),
        (
            r#"{"query":"query($n: Int) { creators(first: $n) { nodes { slug } } }","variables":{"n":"x"}}"#,
            "GRAPHQL_VALIDATION_FAILED",
        ),
    ] {
        let reply = send(&router, post(body, GQL)).await;
        assert_eq!(reply.status, 400, "{body}");
        assert!(reply.body.get("data").is_none(), "{body}: {}", reply.body);
        assert_eq!(support::error_code(&reply.body), Some(code), "{body}");
        // ... and 200 (still without data) under the legacy application/json.
        let reply = send(&router, post(body, JSON)).await;
        assert_eq!(reply.status, 200, "{body}");
        assert_eq!(support::error_code(&reply.body), Some(code), "{body}");
    }

    // Malformed HTTP requests are 400 in both.
    for body in [
        "{ \"not json",
        "",
        r#"{"query": 1}"#,
        r#"{"variables": {}}"#,
    ] {
        assert_eq!(send(&router, post(body, GQL)).await.status, 400, "{body}");
        assert_eq!(send(&router, post(body, JSON)).await.status, 400, "{body}");
    }

    // A field error keeps data and 200.
    let reply = send(
        &router,
        post(
            r#"{"query":"{ creators(first: 500) { nodes { slug } } }"}"#,
            GQL,
        ),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert!(reply.body.get("data").is_some());
    assert_eq!(support::error_code(&reply.body), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn get_runs_queries_and_refuses_mutations() {
    let (_t, router) = router_with(HttpConfig::default()).await;
    let reply = send(&router, get("{ creator(slug: \"alpha\") { name } }", GQL)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, json!({"data": {"creator": {"name": "Alpha"}}}));

    // The schema has no Mutation root yet, but the method check comes before validation: a
    // mutation over GET is a 405 whatever the schema holds.
    let reply = send(&router, get("mutation { follow(id: \"x\") { id } }", GQL)).await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.headers["allow"], "POST");
    assert_eq!(support::error_code(&reply.body), Some("METHOD_NOT_ALLOWED"));

    let reply = send(
        &router,
        Request::put("/graphql").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(reply.status, 405);
}

#[tokio::test]
async fn csrf_non_json_posts_are_refused() {
    let (statements, router) = router_with(HttpConfig::default()).await;
    let before = statements.get();
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        None,
    ] {
        let mut request = Request::post("/graphql");
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        let request = request
            .body(Body::from(r#"{"query":"{ creators { nodes { slug } } }"}"#))
            .unwrap();
        let reply = send(&router, request).await;
        assert_eq!(reply.status, 415, "{content_type:?}");
        assert_eq!(
            support::error_code(&reply.body),
            Some("UNSUPPORTED_MEDIA_TYPE")
        );
    }
    assert_eq!(statements.get(), before, "nothing executed");
    let ok = post(r#"{"query":"{ creators { totalCount } }"}"#, JSON);
    assert_eq!(send(&router, ok).await.status, 200);
    assert!(
        statements.get() > before,
        "the counter sees executed requests"
    );
}

#[tokio::test]
async fn limits_refuse_before_anything_executes() {
    let (statements, router) = router_with(HttpConfig::default()).await;
    let before = statements.get();

    let aliases: String = (0..31)
        .map(|i| format!("a{i}: creators {{ totalCount }} "))
        .collect();
    let aliases = format!("{{ {aliases} }}");
    // first: 1 keeps the cost low, so depth is what fails.
    let deep = format!(
        "{{ creators(first: 1) {{ {}totalCount {}}} }}",
        "edges { node { techniquePages(first: 1) { ".repeat(6),
        "} } } ".repeat(6)
    );
    let costly = "{ creators(first: 100) { edges { node { techniquePages(first: 100) { edges { node { title } } } } } } }";
    let tokens = format!("{{ creators {{ {} }} }}", "totalCount ".repeat(6000));
    // Inline fragments: identical fields (with their directives) are merged before counting.
    let directives = format!(
        "{{ creators {{ {} }} }}",
        "... @include(if: true) { totalCount } ".repeat(60)
    );
    for (query, code) in [
        (aliases, "TOO_MANY_ALIASES"),
        (deep, "QUERY_TOO_DEEP"),
        (costly.to_owned(), "QUERY_TOO_COMPLEX"),
        (tokens, "TOO_MANY_TOKENS"),
        (directives, "TOO_MANY_DIRECTIVES"),
    ] {
        let body = json!({ "query": query }).to_string();
        let reply = send(&router, post(body, GQL)).await;
        assert_eq!(reply.status, 400, "{code}");
        assert!(reply.body.get("data").is_none(), "{code}");
        assert_eq!(support::error_code(&reply.body), Some(code));
    }

    let huge =
        json!({ "query": format!("{{ creators {{ totalCount }} }} #{}", "x".repeat(1024 * 1024)) });
    let reply = send(&router, post(huge.to_string(), GQL)).await;
    assert_eq!(reply.status, 413);
    assert_eq!(support::error_code(&reply.body), Some("PAYLOAD_TOO_LARGE"));

    // Without Content-Length (streamed), the limit still holds while reading.
    let stream =
        futures::stream::iter((0..1100).map(|_| Ok::<_, std::io::Error>(vec![b' '; 1024])));
    let request = Request::post("/graphql")
        .header("content-type", "application/json")
        .body(Body::from_stream(stream))
        .unwrap();
    assert_eq!(send(&router, request).await.status, 413);

    let batch = r#"[{"query":"{ creators { totalCount } }"}]"#;
    let reply = send(&router, post(batch, GQL)).await;
    assert_eq!(support::error_code(&reply.body), Some("BATCHING_DISABLED"));

    assert_eq!(statements.get(), before, "nothing executed");
}

#[tokio::test]
async fn limits_let_introspection_through_and_production_hides_it() {
    let (_t, router) = router_with(HttpConfig::default()).await;
    let introspection = include_str!("introspection.graphql");
    let reply = send(
        &router,
        post(json!({ "query": introspection }).to_string(), GQL),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        reply.body["data"]["__schema"]["types"]
            .as_array()
            .unwrap()
            .len()
            > 10
    );

    let reply = send(
        &router,
        post(r#"{"query":"{ creatorz { totalCount } }"}"#, GQL),
    )
    .await;
    let message = reply.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("Did you mean"), "{message}");

    let mut config = HttpConfig {
        schema: graph::SchemaOptions {
            field_suggestions: false,
            ..Default::default()
        },
        ..HttpConfig::default()
    };
    config.graphql.introspection = false;
    let (_t, router) = router_with(config).await;
    let reply = send(
        &router,
        post(r#"{"query":"{ creatorz { totalCount } }"}"#, GQL),
    )
    .await;
    let message = reply.body["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("Did you mean"), "{message}");
    let reply = send(
        &router,
        post(json!({ "query": introspection }).to_string(), GQL),
    )
    .await;
    // async-graphql answers a disabled introspection with null rather than an error.
    assert!(reply.body["data"]["__schema"].is_null(), "{}", reply.body);
    assert!(!reply.body.to_string().contains("CreatorConnection"));
}

#[tokio::test]
async fn batches_up_to_the_limit_run_and_larger_ones_are_refused() {
    let mut config = HttpConfig::default();
    config.graphql.max_batch = 2;
    let (_t, router) = router_with(config).await;
    let batch = r#"[{"query":"{ creators { totalCount } }"},{"query":"{ creator(slug: \"alpha\") { name } }"}]"#;
    let reply = send(&router, post(batch, GQL)).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.body,
        json!([{"data": {"creators": {"totalCount": 1}}}, {"data": {"creator": {"name": "Alpha"}}}])
    );
    let three = r#"[{"query":"{ a }"},{"query":"{ a }"},{"query":"{ a }"}]"#;
    let reply = send(&router, post(three, GQL)).await;
    assert_eq!(support::error_code(&reply.body), Some("BATCH_TOO_LARGE"));
}

#[tokio::test]
async fn automatic_persisted_queries_over_post_and_get() {
    let (_t, router) = router_with(HttpConfig::default()).await;
    let query = "{ creator(slug: \"alpha\") { name } }";
    let hash = sha256_hex(query);
    let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });

    let miss = json!({ "extensions": ext }).to_string();
    let reply = send(&router, post(miss.clone(), JSON)).await;
    assert_eq!(
        support::error_code(&reply.body),
        Some("PERSISTED_QUERY_NOT_FOUND")
    );

    let register = json!({ "query": query, "extensions": ext }).to_string();
    let reply = send(&router, post(register, JSON)).await;
    assert_eq!(reply.body, json!({"data": {"creator": {"name": "Alpha"}}}));

    let reply = send(&router, post(miss, JSON)).await;
    assert_eq!(reply.body, json!({"data": {"creator": {"name": "Alpha"}}}));

    let request = Request::get(format!(
        "/graphql?extensions={}",
        url_encode(&ext.to_string())
    ))
    .body(Body::empty())
    .unwrap();
    let reply = send(&router, request).await;
    assert_eq!(reply.body, json!({"data": {"creator": {"name": "Alpha"}}}));
}

#[tokio::test]
async fn trusted_documents_run_only_registered_operations() {
    let query = "query CreatorName { creator(slug: \"alpha\") { name } }";
    let config = HttpConfig {
        persisted: server::graphql::persisted::PersistedQueries::Trusted(
            [(sha256_hex(query), query.to_owned())].into(),
        ),
        ..HttpConfig::default()
    };
    let (_t, router) = router_with(config).await;
    let by_hash = json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha256_hex(query) } } });
    let reply = send(&router, post(by_hash.to_string(), GQL)).await;
    assert_eq!(reply.body, json!({"data": {"creator": {"name": "Alpha"}}}));
    let other = json!({ "query": "{ creators { totalCount } }" });
    let reply = send(&router, post(other.to_string(), GQL)).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        support::error_code(&reply.body),
        Some("PERSISTED_QUERY_NOT_ALLOWED")
    );
}

#[tokio::test]
async fn a_request_over_its_time_limit_is_cut_off() {
    let mut config = HttpConfig::default();
    // Nested relations wait for their DataLoader batch (1 ms at least per level), so this query
    // cannot finish within a millisecond; the flat one below is given a generous limit instead.
    config.graphql.timeout = std::time::Duration::from_millis(1);
    let (_s, router) = router_with(config).await;
    let slow = r#"{"query":"{ creators { nodes { techniquePages { nodes { tags { name } creator { name } } } } } }"}"#;
    let reply = send(&router, post(slow, GQL)).await;
    assert_eq!(reply.status, 503, "{}", reply.body);
    assert_eq!(support::error_code(&reply.body), Some("REQUEST_TIMEOUT"));
    assert!(
        reply
            .body
            .get("data")
            .is_none_or(serde_json::Value::is_null)
    );

    let mut config = HttpConfig::default();
    config.graphql.timeout = std::time::Duration::from_secs(10);
    let (_s, router) = router_with(config).await;
    let reply = send(&router, post(slow, GQL)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

//! Operations over HTTP: request ids, masking, metrics, health, graceful shutdown.

use std::time::Duration;

use axum::{body::Body, http::Request};
use sea_orm::ConnectionTrait;
use server::{AppState, app};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::http_protocol::{post, send};

#[tokio::test]
async fn request_id_is_taken_or_generated_and_echoed() {
    let t = support::test_db().await;
    let router = app(AppState::new(t.db.clone()));
    let mut request = post(
        r#"{"query":"{ creators { totalCount } }"}"#,
        "application/json",
    );
    request
        .headers_mut()
        .insert("x-request-id", "abc-123".parse().unwrap());
    let reply = send(&router, request).await;
    assert_eq!(reply.headers["x-request-id"], "abc-123");

    let reply = send(
        &router,
        post(r#"{"query":"{ creators { totalCount } }"}"#, "*/*"),
    )
    .await;
    let generated = reply.headers["x-request-id"].to_str().unwrap();
    assert_eq!(generated.len(), 36, "a UUID: {generated}");
}

#[tokio::test]
async fn internal_errors_are_masked_with_the_request_id() {
    let t = support::test_db().await;
    let router = app(AppState::new(t.db.clone()));
    // Not a fixture: the schema is broken on purpose so that the query fails inside the server.
    t.db.execute_unprepared("ALTER TABLE creators RENAME TO creators_gone")
        .await
        .unwrap();
    let mut request = post(
        r#"{"query":"{ creators { nodes { name } } }"}"#,
        "application/graphql-response+json",
    );
    request
        .headers_mut()
        .insert("x-request-id", "req-masked-1".parse().unwrap());
    let reply = send(&router, request).await;
    assert_eq!(reply.status, 200);
    let error = &reply.body["errors"][0];
    assert_eq!(error["message"], "internal error");
    assert_eq!(error["extensions"]["code"], "INTERNAL_SERVER_ERROR");
    assert_eq!(error["extensions"]["requestId"], "req-masked-1");
    let text = reply.body.to_string().to_lowercase();
    for leak in ["creators", "select", "relation", "sqlx", "src/"] {
        assert!(
            !text.replace("\"creators\"", "").contains(leak),
            "leaks {leak}: {text}"
        );
    }
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let t = support::test_db().await;
    let router = app(AppState::new(t.db.clone()));
    let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
    assert_eq!(send(&router, get("/healthz")).await.status, 200);
    assert_eq!(send(&router, get("/readyz")).await.status, 200);

    let request = post(
        r#"{"query":"query MetricsProbe { creators { totalCount } }","operationName":"MetricsProbe"}"#,
        "application/json",
    );
    assert_eq!(send(&router, request).await.status, 200);
    let response = tower::ServiceExt::oneshot(router.clone(), get("/metrics"))
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    let text = String::from_utf8_lossy(&bytes);
    for expected in [
        r#"patchbay_graphql_requests_total{operation="MetricsProbe",outcome="ok"}"#,
        r#"patchbay_graphql_request_duration_seconds_bucket{operation="MetricsProbe""#,
        "patchbay_http_requests_in_flight",
        r#"patchbay_db_pool_connections{state="idle"}"#,
    ] {
        assert!(text.contains(expected), "missing {expected} in\n{text}");
    }

    t.db.clone().close().await.unwrap();
    assert_eq!(send(&router, get("/readyz")).await.status, 503);
    assert_eq!(send(&router, get("/healthz")).await.status, 200);
}

#[tokio::test]
async fn graceful_shutdown_finishes_in_flight_requests() {
    let t = support::test_db().await;
    support::fixtures::creator(&t.db, "Alpha").await;
    let router = app(AppState::new(t.db.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::run::serve_until(
        listener,
        router,
        async {
            let _ = stop_rx.await;
        },
        Duration::from_secs(10),
    ));

    // Send the headers and half the body, then ask the server to stop.
    let body = r#"{"query":"{ creator(slug: \"alpha\") { name } }"}"#;
    let (first, rest) = body.split_at(10);
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop_tx.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!server.is_finished(), "waits for the in-flight request");
    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.ends_with(r#"{"data":{"creator":{"name":"Alpha"}}}"#),
        "{response}"
    );
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops once the request is done")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn cors_allows_only_configured_origins() {
    let t = support::test_db().await;
    let config = server::HttpConfig {
        cors_origins: vec!["https://app.example".into()],
        ..server::HttpConfig::default()
    };
    let router = app(AppState::with_config(
        t.db.clone(),
        config,
        graph::AuthConfig::random(),
    ));
    let preflight = |origin: &str| {
        Request::options("/graphql")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .body(Body::empty())
            .unwrap()
    };
    let reply = send(&router, preflight("https://app.example")).await;
    assert_eq!(
        reply.headers["access-control-allow-origin"],
        "https://app.example"
    );
    let reply = send(&router, preflight("https://evil.example")).await;
    assert!(reply.headers.get("access-control-allow-origin").is_none());
}

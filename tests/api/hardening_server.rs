//! Regression tests for issue 11 (hardening): hardening_server. Production start-up (no demo
//! data, no invite, no GraphiQL line), `/readyz` while the database does not answer, header and
//! body read timeouts and the connection cap over real loopback TCP, and metrics (a separate
//! address in production, labels only for known operations).

use std::{net::SocketAddr, time::Duration};

use axum::{body::Body, http::Request};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, Statement, TransactionTrait};
use server::{
    AppState, HttpConfig, app,
    app::metrics_app,
    config::{Cli, Command, Profile, ServeArgs},
    connections::{self, ConnectionSettings},
    run::{StartUp, http_config, serving_message},
};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use crate::http_protocol::{post, send};

/// Generous bound for anything that must not hang; never what a test asserts on.
const HANG_GUARD: Duration = Duration::from_secs(60);

async fn count(t: &support::TestDb, table: &str) -> i64 {
    let row =
        t.db.query_one_raw(Statement::from_string(
            t.db.get_database_backend(),
            format!("SELECT count(*) FROM {table}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

fn serve_args(args: &[&str]) -> (Profile, ServeArgs) {
    let cli = Cli::from_args(args).unwrap();
    match cli.command {
        Some(Command::Serve(serve)) => (cli.profile, serve),
        other => panic!("not serve: {other:?}"),
    }
}

// ---- finding 6: production never seeds demo data; the demo data has no invite ----

#[tokio::test]
async fn production_start_up_on_an_empty_database_seeds_nothing() {
    let t = support::test_db().await;
    let start_up = StartUp::new(true, Profile::Production);
    assert_eq!(start_up, StartUp::Migrate);
    start_up.prepare(&t.db).await.unwrap();
    for table in ["creators", "users", "invite_codes", "technique_pages"] {
        assert_eq!(count(&t, table).await, 0, "{table}");
    }
    // An operator's database is never seeded, in either profile.
    assert_eq!(
        StartUp::new(false, Profile::Development),
        StartUp::RequireMigrated
    );
    assert_eq!(
        StartUp::new(false, Profile::Production),
        StartUp::RequireMigrated
    );
}

#[tokio::test]
async fn development_start_up_seeds_demo_data_without_an_invite() {
    let t = support::test_db().await;
    StartUp::new(true, Profile::Development)
        .prepare(&t.db)
        .await
        .unwrap();
    assert_eq!(count(&t, "creators").await, 6);
    assert_eq!(count(&t, "invite_codes").await, 0);
    // The code the demo data used to carry registers nobody.
    let reply = t
        .execute(
            "mutation { register(input: { email: \"stranger@example.com\", password: \"a long enough password\", displayName: \"S\", inviteCode: \"WELCOME-PATCHBAY\" }) { token } }",
        )
        .await;
    assert!(reply["data"].is_null(), "{reply}");
    assert_eq!(
        support::error_code(&reply),
        Some("BAD_USER_INPUT"),
        "{reply}"
    );
    assert_eq!(count(&t, "users").await, 3, "only the seeded accounts");
}

// ---- finding 14 (part): the start-up line names GraphiQL only when it is served ----

#[tokio::test]
async fn production_start_up_line_does_not_advertise_graphiql() {
    let t = support::test_db().await;
    let addr: SocketAddr = "127.0.0.1:8000".parse().unwrap();
    let (profile, args) = serve_args(&["patchbay", "--profile", "production", "serve"]);
    let config = http_config(&args, profile).unwrap();
    assert!(!config.graphiql);
    let line = serving_message(addr, config.graphiql);
    assert!(!line.to_lowercase().contains("graphiql"), "{line}");
    assert!(line.contains("http://127.0.0.1:8000/graphql"), "{line}");
    let router = app(AppState::with_config(
        t.db.clone(),
        config,
        graph::AuthConfig::random(),
    ));
    let graphiql = Request::get("/graphiql").body(Body::empty()).unwrap();
    assert_eq!(send(&router, graphiql).await.status, 404);

    let (profile, args) = serve_args(&["patchbay", "serve"]);
    let config = http_config(&args, profile).unwrap();
    assert!(serving_message(addr, config.graphiql).contains("http://127.0.0.1:8000/graphiql"));
}

// ---- finding 11: /readyz answers 503 promptly while the database does not answer ----

fn readyz() -> Request<Body> {
    Request::get("/readyz").body(Body::empty()).unwrap()
}

fn short_readiness() -> HttpConfig {
    HttpConfig {
        readiness_timeout: Duration::from_millis(200),
        ..HttpConfig::default()
    }
}

#[tokio::test]
async fn readyz_answers_503_when_no_connection_is_free() {
    let t = support::test_db().await;
    // One connection, held below; a ping would wait the whole acquire timeout for it.
    let mut options = ConnectOptions::new(t.url.clone());
    options
        .max_connections(1)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(600));
    let pool = Database::connect(options).await.unwrap();
    let router = app(AppState::with_config(
        pool.clone(),
        short_readiness(),
        graph::AuthConfig::random(),
    ));
    assert_eq!(send(&router, readyz()).await.status, 200);
    let held = pool.begin().await.unwrap();
    let reply = tokio::time::timeout(HANG_GUARD, send(&router, readyz()))
        .await
        .expect("readyz waits for the database's acquire timeout");
    assert_eq!(reply.status, 503);
    held.rollback().await.unwrap();
    assert_eq!(send(&router, readyz()).await.status, 200);
}

#[tokio::test]
async fn readyz_answers_503_when_the_database_does_not_respond() {
    // A "database" that accepts connections and never says a word.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = silent.local_addr().unwrap();
    let accepting = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            open.push(stream);
        }
    });
    let mut options = ConnectOptions::new(format!("postgres://nobody:secret@{addr}/patchbay"));
    options
        .max_connections(1)
        .connect_lazy(true)
        .connect_timeout(Duration::from_secs(600))
        .acquire_timeout(Duration::from_secs(600));
    let pool = Database::connect(options).await.unwrap();
    let router = app(AppState::with_config(
        pool,
        short_readiness(),
        graph::AuthConfig::random(),
    ));
    let reply = tokio::time::timeout(HANG_GUARD, send(&router, readyz()))
        .await
        .expect("readyz waits for the database's connect timeout");
    assert_eq!(reply.status, 503);
    accepting.abort();
}

// ---- finding 12: header and body read timeouts, the connection cap ----

struct Running {
    addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl Running {
    async fn stop(self) {
        let _ = self.stop.send(());
        tokio::time::timeout(HANG_GUARD, self.server)
            .await
            .expect("the server stops")
            .unwrap()
            .unwrap();
    }
}

async fn start(t: &support::TestDb, settings: ConnectionSettings) -> Running {
    let router = app(AppState::new(t.db.clone()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        connections::serve(
            listener,
            router,
            async {
                let _ = stopped.await;
            },
            &settings,
        )
        .await
    });
    Running { addr, stop, server }
}

/// Short timeouts so the tests do not wait long; the shutdown deadline does not matter here.
fn short_timeouts() -> ConnectionSettings {
    ConnectionSettings {
        header_read_timeout: Duration::from_millis(300),
        body_read_timeout: Duration::from_millis(300),
        max_connections: 64,
        shutdown_timeout: Duration::from_secs(1),
    }
}

/// Everything the server sends until it closes the connection.
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut bytes = Vec::new();
    let read = tokio::time::timeout(HANG_GUARD, stream.read_to_end(&mut bytes))
        .await
        .expect("the server closes the connection");
    // A reset instead of an orderly close is a close too.
    let _ = read;
    String::from_utf8_lossy(&bytes).into_owned()
}

#[tokio::test]
async fn a_client_stalling_in_its_headers_is_disconnected() {
    let t = support::test_db().await;
    let running = start(&t, short_timeouts()).await;
    let mut stream = TcpStream::connect(running.addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHo")
        .await
        .unwrap();
    let response = read_until_closed(&mut stream).await;
    assert!(!response.contains("200"), "{response}");

    // Also a kept-alive connection that sends nothing after its first request.
    let mut stream = TcpStream::connect(running.addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .unwrap();
    let response = read_until_closed(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    running.stop().await;
}

const HEAD: &str = "POST /graphql HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\nx-request-id: slow-body-1\r\ncontent-length: 200\r\n\r\n";

#[tokio::test]
async fn a_client_stalling_in_its_body_gets_408_and_a_close() {
    let t = support::test_db().await;
    let running = start(&t, short_timeouts()).await;
    let mut stream = TcpStream::connect(running.addr).await.unwrap();
    stream.write_all(HEAD.as_bytes()).await.unwrap();
    stream.write_all(br#"{"query":"#).await.unwrap();
    let response = read_until_closed(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(response.contains("REQUEST_BODY_TIMEOUT"), "{response}");
    assert!(
        response
            .to_lowercase()
            .contains("x-request-id: slow-body-1"),
        "{response}"
    );
    running.stop().await;
}

#[tokio::test]
async fn a_client_trickling_its_body_gets_408_too() {
    // A byte every 50 ms never leaves the connection idle for the 300 ms timeout: the deadline
    // is for the whole body, not between reads.
    let t = support::test_db().await;
    let running = start(&t, short_timeouts()).await;
    let stream = TcpStream::connect(running.addr).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    write.write_all(HEAD.as_bytes()).await.unwrap();
    let trickle = tokio::spawn(async move {
        for _ in 0..200 {
            if write.write_all(b" ").await.is_err() {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        true
    });
    let mut bytes = Vec::new();
    let _ = tokio::time::timeout(HANG_GUARD, read.read_to_end(&mut bytes))
        .await
        .expect("the server closes the connection");
    let response = String::from_utf8_lossy(&bytes);
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    trickle.abort();
    running.stop().await;
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_for_a_free_place() {
    let t = support::test_db().await;
    let settings = ConnectionSettings {
        // Long enough that the first connection stays open until the test closes it.
        header_read_timeout: Duration::from_secs(600),
        max_connections: 1,
        ..short_timeouts()
    };
    let running = start(&t, settings).await;
    let request = b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n";

    let mut first = TcpStream::connect(running.addr).await.unwrap();
    first.write_all(request).await.unwrap();
    let mut answer = [0u8; 512];
    let n = tokio::time::timeout(HANG_GUARD, first.read(&mut answer))
        .await
        .unwrap()
        .unwrap();
    assert!(answer[..n].starts_with(b"HTTP/1.1 200"));

    // The kernel completes the handshake, but the server does not take the connection up.
    let mut second = TcpStream::connect(running.addr).await.unwrap();
    second.write_all(request).await.unwrap();
    let mut buf = [0u8; 512];
    assert!(
        tokio::time::timeout(Duration::from_millis(500), second.read(&mut buf))
            .await
            .is_err(),
        "served beyond the cap"
    );

    drop(first);
    let n = tokio::time::timeout(HANG_GUARD, second.read(&mut buf))
        .await
        .expect("served once the first connection closed")
        .unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "{:?}", &buf[..n]);
    drop(second);
    running.stop().await;
}

// ---- finding 13: metrics off the public address in production; labels only known names ----

async fn metrics_text(router: &axum::Router) -> (u16, String) {
    let response = tower::ServiceExt::oneshot(
        router.clone(),
        Request::get("/metrics").body(Body::empty()).unwrap(),
    )
    .await
    .unwrap();
    let status = response.status().as_u16();
    let bytes = http_body_util::BodyExt::collect(response.into_body())
        .await
        .unwrap()
        .to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn production_serves_metrics_only_on_the_metrics_address() {
    let t = support::test_db().await;
    let (profile, args) = serve_args(&[
        "patchbay",
        "--profile",
        "production",
        "serve",
        "--metrics-addr",
        "127.0.0.1:0",
    ]);
    let config = http_config(&args, profile).unwrap();
    let state = AppState::with_config(t.db.clone(), config, graph::AuthConfig::random());
    assert_eq!(metrics_text(&app(state.clone())).await.0, 404);
    let (status, text) = metrics_text(&metrics_app(state)).await;
    assert_eq!(status, 200);
    assert!(text.contains("patchbay_db_pool_connections"), "{text}");

    // Without a metrics address production serves none; an explicit flag brings it back.
    let (profile, args) = serve_args(&["patchbay", "--profile", "production", "serve"]);
    let config = http_config(&args, profile).unwrap();
    let state = AppState::with_config(t.db.clone(), config, graph::AuthConfig::random());
    assert_eq!(metrics_text(&app(state)).await.0, 404);
    let (profile, args) = serve_args(&[
        "patchbay",
        "--profile",
        "production",
        "serve",
        "--public-metrics",
        "true",
    ]);
    let config = http_config(&args, profile).unwrap();
    let state = AppState::with_config(t.db.clone(), config, graph::AuthConfig::random());
    assert_eq!(metrics_text(&app(state)).await.0, 200);

    // Development keeps it on the main address.
    let (profile, args) = serve_args(&["patchbay", "serve"]);
    let config = http_config(&args, profile).unwrap();
    let state = AppState::with_config(t.db.clone(), config, graph::AuthConfig::random());
    assert_eq!(metrics_text(&app(state)).await.0, 200);
}

async fn run_named(router: &axum::Router, name: &str) {
    let body = serde_json::json!({
        "query": format!("query {name} {{ creators {{ totalCount }} }}"),
    });
    assert_eq!(
        send(router, post(body.to_string(), "application/json"))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn junk_operation_names_do_not_push_known_operations_into_other() {
    let t = support::test_db().await;
    let dir = std::env::temp_dir().join(format!("patchbay-metrics-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let manifest = dir.join("manifest.json");
    let trusted = "query HardeningManifestOp { creators { totalCount } }";
    std::fs::write(
        &manifest,
        serde_json::json!({
            server::graphql::persisted::sha256_hex(trusted): trusted,
        })
        .to_string(),
    )
    .unwrap();

    // APQ mode with a configured list: junk first, then the listed operation.
    let (profile, args) = serve_args(&[
        "patchbay",
        "--profile",
        "production",
        "serve",
        "--public-metrics",
        "true",
        "--metrics-operations",
        "HardeningListedOp",
    ]);
    let router = app(AppState::with_config(
        t.db.clone(),
        http_config(&args, profile).unwrap(),
        graph::AuthConfig::random(),
    ));
    for i in 0..=server::telemetry::MAX_OPERATION_LABELS {
        run_named(&router, &format!("HardeningJunk{i}")).await;
    }
    run_named(&router, "HardeningListedOp").await;
    let (_, text) = metrics_text(&router).await;
    assert!(
        text.contains(
            r#"patchbay_graphql_requests_total{operation="HardeningListedOp",outcome="ok"}"#
        ),
        "{text}"
    );
    assert!(!text.contains("HardeningJunk"), "{text}");

    // Trusted documents: the manifest's operations are known without a list.
    let (profile, args) = serve_args(&[
        "patchbay",
        "--profile",
        "production",
        "serve",
        "--public-metrics",
        "true",
        "--trusted-documents",
        manifest.to_str().unwrap(),
    ]);
    let router = app(AppState::with_config(
        t.db.clone(),
        http_config(&args, profile).unwrap(),
        graph::AuthConfig::random(),
    ));
    // Refused documents still count under the operation name the client sent.
    for i in 0..=server::telemetry::MAX_OPERATION_LABELS {
        let name = format!("HardeningJunkViaManifest{i}");
        let body = serde_json::json!({
            "query": format!("query {name} {{ creators {{ totalCount }} }}"),
            "operationName": name,
        });
        send(&router, post(body.to_string(), "application/json")).await;
    }
    let body = serde_json::json!({ "query": trusted });
    assert_eq!(
        send(&router, post(body.to_string(), "application/json"))
            .await
            .status,
        200
    );
    let (_, text) = metrics_text(&router).await;
    assert!(
        text.contains(
            r#"patchbay_graphql_requests_total{operation="HardeningManifestOp",outcome="ok"}"#
        ),
        "{text}"
    );
    assert!(!text.contains("HardeningJunkViaManifest"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

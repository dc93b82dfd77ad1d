//! The one error boundary (issue 12, item 1): a server fault is a masked `INTERNAL_SERVER_ERROR`
//! with `errorId` and `requestId` on every path, authentication included (never a 401, never
//! database text), and a unique violation is `CONFLICT` naming the field of the constraint that
//! fired, by constraint name.

use std::collections::BTreeSet;

use axum::{body::Body, http::Request};
use entity::sea_orm_active_enums::UserRole;
use graph::error::{SERVER_UNIQUE_CONSTRAINTS, ServiceError, UNIQUE_CONSTRAINTS};
use http_body_util::BodyExt;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement, TransactionTrait};
use serde_json::{Value, json};
use server::{AppState, app};
use tower::ServiceExt;

/// `{ me { email } }` over HTTP with `authorization`; the status and the body, as JSON and text.
async fn me(router: &axum::Router, authorization: &str) -> (u16, Value, String) {
    let request = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .header("authorization", authorization)
        .body(Body::from(r#"{"query":"{ me { email } }"}"#))
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    (status, serde_json::from_str(&text).unwrap(), text)
}

/// The masked answer to a server fault before execution: 500, one error, no data, no cause.
fn assert_masked_internal(status: u16, body: &Value, text: &str) {
    assert_eq!(status, 500, "{body}");
    assert_eq!(
        support::error_code(body),
        Some("INTERNAL_SERVER_ERROR"),
        "{body}"
    );
    let error = &body["errors"][0];
    assert_eq!(error["message"], "internal error", "{body}");
    assert!(error["extensions"]["errorId"].is_string(), "{body}");
    assert!(error["extensions"]["requestId"].is_string(), "{body}");
    assert!(body.get("data").is_none(), "{body}");
    for leak in [
        "timeout", "cancel", "users", "pool", "closed", "sqlx", "SELECT",
    ] {
        assert!(!text.contains(leak), "`{leak}` leaked: {text}");
    }
}

#[tokio::test]
async fn the_users_table_locked_past_the_statement_timeout_is_an_internal_error_not_401() {
    let t = support::test_db().await;
    let fan = t.user("fan@example.com", UserRole::Creator, None).await;
    let bearer = format!("Bearer {}", t.token(&fan));
    let separator = if t.url.contains('?') { '&' } else { '?' };
    let impatient = Database::connect(format!(
        "{}{separator}options=-c%20statement_timeout%3D200",
        t.url
    ))
    .await
    .unwrap();
    let router = app(AppState::with_auth(impatient, t.auth.clone()));

    let lock = t.db.begin().await.unwrap();
    lock.execute_unprepared("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let (status, body, text) = me(&router, &bearer).await;
    assert_masked_internal(status, &body, &text);
    lock.rollback().await.unwrap();

    // The same token, once the database answers again: signed in, nobody was signed out.
    let (status, body, _) = me(&router, &bearer).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["me"]["email"], "fan@example.com");
}

#[tokio::test]
async fn a_closed_pool_during_authentication_is_an_internal_error_not_401() {
    let t = support::test_db().await;
    let fan = t.user("fan@example.com", UserRole::Creator, None).await;
    let bearer = format!("Bearer {}", t.token(&fan));
    let pool = Database::connect(t.url.clone()).await.unwrap();
    let router = app(AppState::with_auth(pool.clone(), t.auth.clone()));
    pool.close().await.unwrap();
    let (status, body, text) = me(&router, &bearer).await;
    assert_masked_internal(status, &body, &text);
    // A token that is invalid is still the client's error, answered as before.
    let (status, body, _) = me(&router, "Bearer not-a-token").await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(support::error_code(&body), Some("UNAUTHENTICATED"));
    assert!(body["errors"][0]["extensions"]["requestId"].is_string());
}

/// Runs `sql` on the test database and converts its failure as a service's `?` does.
async fn violation(t: &support::TestDb, sql: &str) -> ServiceError {
    let err =
        t.db.execute_raw(Statement::from_string(DbBackend::Postgres, sql))
            .await
            .unwrap_err();
    ServiceError::from(err)
}

fn conflict_field(err: &ServiceError) -> Option<&str> {
    match err {
        ServiceError::Conflict { field } => Some(field),
        _ => None,
    }
}

#[tokio::test]
async fn each_of_two_unique_constraints_of_a_table_names_its_own_field() {
    let t = support::test_db().await;
    support::fixtures::creator(&t.db, "Alpha").await;
    // Same name, new slug: creators_name_key fired.
    let name = violation(
        &t,
        "INSERT INTO creators (name, slug) VALUES ('Alpha', 'alpha-2')",
    )
    .await;
    assert_eq!(conflict_field(&name), Some("name"), "{name:?}");
    // New name, same slug: creators_slug_key fired.
    let slug = violation(
        &t,
        "INSERT INTO creators (name, slug) VALUES ('Alpha 2', 'alpha')",
    )
    .await;
    assert_eq!(conflict_field(&slug), Some("slug"), "{slug:?}");
    // A unique constraint outside the table (a primary key) is a server fault, not a conflict.
    let key = "INSERT INTO rate_limit_counters (key, hits, window_start) \
               VALUES ('k', 1, now()), ('k', 1, now())";
    let pkey = violation(&t, key).await;
    assert!(matches!(pkey, ServiceError::Db(_)), "{pkey:?}");
    let converted: async_graphql::Error = pkey.into();
    assert_eq!(
        graph::error::code_of(&converted),
        Some("INTERNAL_SERVER_ERROR")
    );
    assert_eq!(converted.message, "internal error");
}

#[tokio::test]
async fn the_conflict_table_lists_exactly_the_schemas_unique_constraints() {
    let t = support::test_db().await;
    let rows =
        t.db.query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT i.relname AS name FROM pg_index x \
             JOIN pg_class i ON i.oid = x.indexrelid \
             JOIN pg_namespace n ON n.oid = i.relnamespace \
             WHERE x.indisunique AND NOT x.indisprimary AND n.nspname = 'public'",
        ))
        .await
        .unwrap();
    let in_database: BTreeSet<String> = rows
        .iter()
        .map(|row| row.try_get::<String>("", "name").unwrap())
        .collect();
    let in_table: BTreeSet<String> = UNIQUE_CONSTRAINTS
        .iter()
        .map(|(name, _)| *name)
        .chain(SERVER_UNIQUE_CONSTRAINTS.iter().copied())
        .map(str::to_owned)
        .collect();
    assert_eq!(in_database, in_table);
}

const REGISTER: &str = "mutation($email: String!) { register(input: { email: $email, \
    password: \"a long enough password\", displayName: \"N\", inviteCode: \"BOUNDARY\" }) { token } }";

#[tokio::test]
async fn every_unique_constraint_a_mutation_can_hit_is_a_conflict_naming_its_field() {
    let t = support::test_db().await;
    t.invite("BOUNDARY", 10).await;
    let admin = t.user("admin@example.com", UserRole::Admin, None).await;
    let admin = t.token(&admin);

    // register: users_email_key (whatever the case and spaces of the address).
    let first = t
        .execute_with(REGISTER, json!({ "email": "taken@example.com" }))
        .await;
    assert!(first["errors"].is_null(), "{first}");
    let again = t
        .execute_with(REGISTER, json!({ "email": " Taken@Example.com " }))
        .await;
    assert_eq!(support::error_code(&again), Some("CONFLICT"), "{again}");
    assert_eq!(again["errors"][0]["extensions"]["field"], "email");

    // createInviteCode: invite_codes_code_key.
    let create =
        "mutation { createInviteCode(input: { code: \"BOUNDARY\", usesRemaining: 1 }) { id } }";
    let taken = t.execute_as(Some(&admin), create, Value::Null).await;
    assert_eq!(support::error_code(&taken), Some("CONFLICT"), "{taken}");
    assert_eq!(taken["errors"][0]["extensions"]["field"], "code");

    // The create-admin command: users_email_key, as a domain error (no GraphQL involved).
    let cli = graph::services::users::create_admin(
        &t.db,
        "taken@example.com",
        support::accounts::PASSWORD,
        "Root",
    )
    .await;
    assert!(
        matches!(&cli, Err(ServiceError::Conflict { field }) if field == "email"),
        "{cli:?}"
    );

    // followCreator: creator_follows_user_creator_key is never an error (following is idempotent).
    let alpha = support::fixtures::creator(&t.db, "Alpha").await;
    let alpha = graph::ids::encode(graph::ids::NodeKind::Creator, alpha.id).0;
    let follow =
        format!("mutation {{ followCreator(creatorId: \"{alpha}\") {{ viewerFollows }} }}");
    for _ in 0..2 {
        let r = t.execute_as(Some(&admin), &follow, Value::Null).await;
        assert!(r["errors"].is_null(), "{r}");
        assert_eq!(r["data"]["followCreator"]["viewerFollows"], true);
    }
}

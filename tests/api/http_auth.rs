//! The `Authorization` header over HTTP: a valid bearer token signs in, an invalid one is refused
//! before anything executes.

use axum::{body::Body, http::Request};
use entity::sea_orm_active_enums::UserRole;
use http_body_util::BodyExt;
use server::{AppState, app};
use tower::ServiceExt;

async fn me(router: axum::Router, authorization: Option<&str>) -> (u16, serde_json::Value) {
    let mut request = Request::post("/graphql").header("content-type", "application/json");
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let response = router
        .oneshot(
            request
                .body(Body::from(r#"{"query":"{ me { email } }"}"#))
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn bearer_tokens_over_http() {
    let t = support::test_db().await;
    let user = t.user("fan@example.com", UserRole::Creator, None).await;
    let router = app(AppState::with_auth(t.db.clone(), t.auth.clone()));
    let token = t.token(&user);

    let (status, signed_in) = me(router.clone(), Some(&format!("Bearer {token}"))).await;
    assert_eq!(status, 200);
    assert_eq!(signed_in["data"]["me"]["email"], "fan@example.com");
    let (status, anonymous) = me(router.clone(), None).await;
    assert_eq!(status, 200);
    assert_eq!(anonymous["data"]["me"], serde_json::Value::Null);
    // A refused token is a request error: 401, with the GraphQL error body and no data.
    let (status, refused) = me(router, Some("Bearer not-a-token")).await;
    assert_eq!(status, 401);
    assert_eq!(support::error_code(&refused), Some("UNAUTHENTICATED"));
    assert!(refused.get("data").is_none_or(serde_json::Value::is_null));
}

//! What only HTTP shows: routes, GET queries, health.

use axum::{body::Body, http::Request};
use http_body_util::BodyExt;
use server::{AppState, app};
use tower::ServiceExt;

async fn send(router: axum::Router, request: Request<Body>) -> (u16, String) {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn graphql_over_post_and_get_health_and_graphiql() {
    let t = support::test_db().await;
    support::fixtures::creator(&t.db, "Alpha").await;
    let router = app(AppState::new(t.db.clone()));

    let (status, body) = send(
        router.clone(),
        Request::post("/graphql")
            .header("content-type", "application/json")
            .body(Body::from(
                r#"{"query":"{ creators { edges { node { slug } } } }"}"#,
            ))
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        r#"{"data":{"creators":{"edges":[{"node":{"slug":"alpha"}}]}}}"#
    );

    let (status, body) = send(
        router.clone(),
        Request::get("/graphql?query=%7B%20creator(slug%3A%22alpha%22)%20%7B%20name%20%7D%20%7D")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body, r#"{"data":{"creator":{"name":"Alpha"}}}"#);

    let (status, body) = send(
        router.clone(),
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!((status, body.as_str()), (200, "ok"));

    let (status, body) = send(
        router.clone(),
        Request::get("/graphiql").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, 200);
    assert!(!body.contains("https://"), "nothing from a CDN");
    if server::graphiql::bundled() {
        assert!(body.contains("/graphiql/graphiql.js"));
        let (status, js) = send(
            router,
            Request::get("/graphiql/graphiql.js")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200);
        assert!(
            js.contains("/graphql"),
            "the bundle's fetcher targets /graphql"
        );
    } else {
        assert!(body.contains("npm ci"), "explains how to build GraphiQL");
    }
}

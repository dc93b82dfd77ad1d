//! Regression tests for issue 11 (hardening): hardening_auth.
//!
//! Every path that hashes or verifies a password passes a rate limit first and runs under the
//! process-wide bound on concurrent password work (findings 1 and 8); the `Bearer` scheme is
//! case-insensitive (finding 14).

use std::net::{IpAddr, Ipv4Addr};

use axum::{body::Body, http::Request};
use entity::sea_orm_active_enums::UserRole;
use graph::{
    error::ServiceError,
    services::{
        auth::{count_password_work, password_work},
        rate_limit::Limit,
        users::{self, CREATE_ADMIN_LIMIT},
    },
};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use server::{AppState, app};
use support::{accounts::PASSWORD, error_code};
use tower::ServiceExt;

const LOGIN: &str = "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }";

/// A day-long window: no window boundary falls inside a test run, so counts never restart midway.
const DAY: u32 = 86_400;

/// The `extensions.code` of every error of a response, in order.
fn codes(response: &Value) -> Vec<&str> {
    response["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["extensions"]["code"].as_str().unwrap_or("?"))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn sixty_four_concurrent_password_operations_never_exceed_the_bound() {
    let t = support::test_db().await;
    t.user_with_password("fan@example.com", UserRole::Creator)
        .await;
    // 64 logins at once, each from its own address (so every one passes the limits and verifies a
    // password), half of them with the right password.
    let logins = (0..64u8).map(|i| {
        let t = &t;
        let password = if i % 2 == 0 {
            PASSWORD
        } else {
            "wrong password!!"
        };
        let ip = IpAddr::V4(Ipv4Addr::new(10, 64, 0, i));
        let vars = json!({ "email": "fan@example.com", "password": password });
        async move { t.execute_request(None, Some(ip), LOGIN, vars).await }
    });
    let (results, started) = count_password_work(futures::future::join_all(logins)).await;
    assert_eq!(started, 64, "each login verified one password");
    let signed_in = results
        .iter()
        .filter(|r| r["data"]["login"]["token"].is_string())
        .count();
    let refused = results
        .iter()
        .filter(|r| error_code(r) == Some("UNAUTHENTICATED"))
        .count();
    assert_eq!((signed_in, refused), (32, 32));
    // The high-water mark covers every hash and verification this process ran so far, these 64
    // included: never more at once than the bound, which is far below 64 (19 MiB each).
    let work = password_work();
    assert!(work.bound < 64, "{work:?}");
    assert!(work.high_water >= 1, "{work:?}");
    assert!(work.high_water <= work.bound, "{work:?}");
}

#[tokio::test]
async fn change_password_is_limited_per_user_and_each_alias_counts() {
    let mut t = support::test_db().await;
    t.auth.change_password_limit = Limit {
        max: 4,
        window_secs: DAY,
    };
    let user = t
        .user_with_password("me@example.com", UserRole::Creator)
        .await;
    let token = t.token(&user);
    // A stolen token guessing the current password 30 times in one document.
    let guesses: String = (0..30)
        .map(|i| {
            format!(
                "g{i}: changePassword(currentPassword: \"guess number {i}\", newPassword: \"another good password\") {{ token }}\n"
            )
        })
        .collect();
    let document = format!("mutation {{ {guesses} }}");
    let (resp, started) =
        count_password_work(t.execute_as(Some(&token), &document, json!(null))).await;
    let got = codes(&resp);
    let mut expected = vec!["BAD_USER_INPUT"; 4];
    expected.extend(vec!["RATE_LIMITED"; 26]);
    assert_eq!(got, expected, "{resp}");
    assert_eq!(resp["errors"][4]["path"], json!(["g4"]));
    assert!(
        resp["errors"][4]["extensions"]["retryAfterSeconds"].as_u64() > Some(0),
        "{resp}"
    );
    assert_eq!(
        started, 4,
        "only the attempts within the limit verified a password"
    );
    // The limit holds for the rest of the window, even for the right password.
    let (right, started) = count_password_work(t.execute_as(
        Some(&token),
        &format!("mutation {{ changePassword(currentPassword: \"{PASSWORD}\", newPassword: \"another good password\") {{ token }} }}"),
        json!(null),
    ))
    .await;
    assert_eq!(error_code(&right), Some("RATE_LIMITED"), "{right}");
    assert_eq!(started, 0);
    // It is per user: someone else changes their password as usual.
    let other = t
        .user_with_password("other@example.com", UserRole::Creator)
        .await;
    let changed = t
        .execute_as(
            Some(&t.token(&other)),
            &format!("mutation {{ changePassword(currentPassword: \"{PASSWORD}\", newPassword: \"another good password\") {{ token }} }}"),
            json!(null),
        )
        .await;
    assert!(
        changed["data"]["changePassword"]["token"].is_string(),
        "{changed}"
    );
}

#[tokio::test]
async fn one_address_failing_cannot_lock_the_owner_out() {
    let mut t = support::test_db().await;
    t.auth.login_limit = Limit {
        max: 10,
        window_secs: DAY,
    };
    t.user_with_password("admin@example.com", UserRole::Admin)
        .await;
    let attacker: IpAddr = "203.0.113.66".parse().unwrap();
    let attempts = async {
        let mut codes = Vec::new();
        for i in 0..30 {
            let vars =
                json!({ "email": "admin@example.com", "password": format!("guess {i} guess") });
            let resp = t.execute_request(None, Some(attacker), LOGIN, vars).await;
            codes.push(error_code(&resp).unwrap_or("none").to_owned());
        }
        codes
    };
    let (codes, started) = count_password_work(attempts).await;
    let mut expected = vec!["UNAUTHENTICATED"; 10];
    expected.extend(vec!["RATE_LIMITED"; 20]);
    assert_eq!(codes, expected, "the attacker is limited");
    assert_eq!(started, 10, "refused attempts verify nothing");
    let owner = t
        .execute_request(
            None,
            Some("198.51.100.20".parse().unwrap()),
            LOGIN,
            json!({ "email": "admin@example.com", "password": PASSWORD }),
        )
        .await;
    assert!(owner["data"]["login"]["token"].is_string(), "{owner}");
}

#[tokio::test]
async fn create_admin_is_limited_per_email_before_hashing() {
    let t = support::test_db().await;
    let attempts = async {
        let mut results = Vec::new();
        for _ in 0..CREATE_ADMIN_LIMIT.max + 2 {
            results.push(users::create_admin(&t.db, "root@example.com", PASSWORD, "Root").await);
        }
        results
    };
    let (results, started) = count_password_work(attempts).await;
    let max = CREATE_ADMIN_LIMIT.max as usize;
    assert!(results[0].is_ok(), "{:?}", results[0]);
    for taken in &results[1..max] {
        assert!(
            matches!(taken, Err(ServiceError::Conflict { field }) if field == "email"),
            "{taken:?}"
        );
    }
    for limited in &results[max..] {
        assert!(
            matches!(limited, Err(ServiceError::RateLimited { .. })),
            "{limited:?}"
        );
    }
    assert_eq!(started, max, "attempts over the limit hash nothing");
    // Another email has its own budget.
    users::create_admin(&t.db, "second@example.com", PASSWORD, "Second")
        .await
        .unwrap();
}

async fn me_over_http(router: axum::Router, authorization: &str) -> (u16, Value) {
    let request = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("authorization", authorization)
        .body(Body::from(r#"{"query":"{ me { email } }"}"#))
        .unwrap();
    let response = router.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap())
}

#[tokio::test]
async fn the_bearer_scheme_is_case_insensitive() {
    let t = support::test_db().await;
    let user = t.user("fan@example.com", UserRole::Creator, None).await;
    let token = t.token(&user);
    let router = app(AppState::with_auth(t.db.clone(), t.auth.clone()));
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let (status, resp) = me_over_http(router.clone(), &format!("{scheme} {token}")).await;
        assert_eq!(status, 200, "{scheme}: {resp}");
        assert_eq!(resp["data"]["me"]["email"], "fan@example.com", "{scheme}");
    }
    // Other schemes and malformed values stay refused.
    for header in [
        format!("Basic {token}"),
        format!("Bearer{token}"),
        format!("Bearerx {token}"),
        "Bearer ".to_owned(),
        "BEARER".to_owned(),
    ] {
        let (status, resp) = me_over_http(router.clone(), &header).await;
        assert_eq!(status, 401, "{header}: {resp}");
        assert_eq!(error_code(&resp), Some("UNAUTHENTICATED"), "{header}");
    }
}

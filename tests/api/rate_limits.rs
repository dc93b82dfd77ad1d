//! Login and registration are rate-limited per client IP and per email, in PostgreSQL.

use std::net::IpAddr;

use entity::sea_orm_active_enums::UserRole;
use serde_json::json;
use support::{accounts::PASSWORD, error_code};

const LOGIN: &str = "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }";

#[tokio::test]
async fn login_is_limited_per_email_and_per_ip() {
    let mut t = support::test_db().await;
    t.auth.login_limit = graph::services::rate_limit::Limit {
        max: 3,
        window_secs: 600,
    };
    t.user_with_password("fan@example.com", UserRole::Creator)
        .await;
    let ip: IpAddr = "203.0.113.7".parse().unwrap();
    let other_ip: IpAddr = "198.51.100.1".parse().unwrap();
    let login = |email: &str, ip: IpAddr, password: &str| {
        let vars = json!({ "email": email, "password": password });
        let t = &t;
        async move { t.execute_request(None, Some(ip), LOGIN, vars).await }
    };
    for _ in 0..3 {
        let resp = login("fan@example.com", ip, "wrong password!!").await;
        assert_eq!(error_code(&resp), Some("UNAUTHENTICATED"));
    }
    // Fourth attempt on this email, even with the right password and from another IP: limited.
    let limited = login("FAN@example.com", other_ip, PASSWORD).await;
    assert_eq!(error_code(&limited), Some("RATE_LIMITED"), "{limited}");
    let retry = limited["errors"][0]["extensions"]["retryAfterSeconds"]
        .as_u64()
        .unwrap();
    assert!((1..=600).contains(&retry), "retry after {retry}");
    // The first IP is used up too (3 attempts), whatever the email.
    let by_ip = login("someone@example.com", ip, PASSWORD).await;
    assert_eq!(error_code(&by_ip), Some("RATE_LIMITED"));
    // A fresh IP and email still get through to the password check.
    let fresh = login("else@example.com", "192.0.2.9".parse().unwrap(), PASSWORD).await;
    assert_eq!(error_code(&fresh), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn registration_is_limited_and_a_new_window_starts_over() {
    let mut t = support::test_db().await;
    t.auth.register_limit = graph::services::rate_limit::Limit {
        max: 2,
        window_secs: 600,
    };
    let ip: IpAddr = "203.0.113.8".parse().unwrap();
    let register = "mutation($e: String!) { register(input: { email: $e, password: \"a long enough password\", displayName: \"X\", inviteCode: \"NOPE\" }) { token } }";
    let mut codes = Vec::new();
    for i in 0..3 {
        let resp = t
            .execute_request(
                None,
                Some(ip),
                register,
                json!({ "e": format!("u{i}@example.com") }),
            )
            .await;
        codes.push(error_code(&resp).unwrap().to_owned());
    }
    assert_eq!(codes, ["BAD_USER_INPUT", "BAD_USER_INPUT", "RATE_LIMITED"]);
    // Move the counters into the past: the next attempt opens a new window.
    sea_orm::ConnectionTrait::execute_unprepared(
        &t.db,
        "UPDATE rate_limit_counters SET window_start = window_start - interval '1 hour'",
    )
    .await
    .unwrap();
    let resp = t
        .execute_request(None, Some(ip), register, json!({ "e": "u9@example.com" }))
        .await;
    assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"), "new window");
}

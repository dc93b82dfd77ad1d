//! Login and registration are rate-limited in PostgreSQL: per client address, per (email,
//! address), with a per-email ceiling on failures that never locks out the owner signing in from an
//! address that has not failed (decision 0011).

use std::net::IpAddr;

use entity::sea_orm_active_enums::UserRole;
use graph::services::{auth::count_password_work, rate_limit::Limit};
use serde_json::{Value, json};
use support::{TestDb, accounts::PASSWORD, error_code};

const LOGIN: &str = "mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }";

/// A day-long window: no window boundary falls inside a test run, so counts never restart midway.
const DAY: u32 = 86_400;

async fn login(t: &TestDb, email: &str, ip: &str, password: &str) -> Value {
    let ip: IpAddr = ip.parse().unwrap();
    let vars = json!({ "email": email, "password": password });
    t.execute_request(None, Some(ip), LOGIN, vars).await
}

#[tokio::test]
async fn login_is_limited_per_address_and_per_email_and_address() {
    let mut t = support::test_db().await;
    t.auth.login_limit = Limit {
        max: 3,
        window_secs: DAY,
    };
    t.user_with_password("fan@example.com", UserRole::Creator)
        .await;
    let ip = "203.0.113.7";
    for _ in 0..3 {
        let resp = login(&t, "fan@example.com", ip, "wrong password!!").await;
        assert_eq!(error_code(&resp), Some("UNAUTHENTICATED"));
    }
    // The attacking address is limited on this email, even with the right password.
    let limited = login(&t, "fan@example.com", ip, PASSWORD).await;
    assert_eq!(error_code(&limited), Some("RATE_LIMITED"), "{limited}");
    let retry = limited["errors"][0]["extensions"]["retryAfterSeconds"]
        .as_u64()
        .unwrap();
    assert!((1..=u64::from(DAY)).contains(&retry), "retry after {retry}");
    // Decision 0011 (issue 11): the failures of one address no longer lock the account. The owner
    // at another address signs in with the right password (this used to be RATE_LIMITED).
    let owner = login(&t, "FAN@example.com", "198.51.100.1", PASSWORD).await;
    assert!(owner["data"]["login"]["token"].is_string(), "{owner}");
    // The first address is used up too (3 attempts), whatever the email.
    let by_ip = login(&t, "someone@example.com", ip, PASSWORD).await;
    assert_eq!(error_code(&by_ip), Some("RATE_LIMITED"));
    // A fresh address and email still get through to the password check.
    let fresh = login(&t, "else@example.com", "192.0.2.9", PASSWORD).await;
    assert_eq!(error_code(&fresh), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn a_distributed_attack_hits_the_email_ceiling_but_the_owner_still_signs_in() {
    let mut t = support::test_db().await;
    t.auth.login_limit = Limit {
        max: 3,
        window_secs: DAY,
    };
    t.auth.login_email_ceiling = Limit {
        max: 6,
        window_secs: DAY,
    };
    t.user_with_password("fan@example.com", UserRole::Creator)
        .await;
    // Two addresses fail three times each: six failures, the ceiling.
    for ip in ["203.0.113.1", "203.0.113.2"] {
        for _ in 0..3 {
            let resp = login(&t, "fan@example.com", ip, "wrong password!!").await;
            assert_eq!(error_code(&resp), Some("UNAUTHENTICATED"), "{resp}");
        }
    }
    // Past the ceiling a new address gets one guess, not its three.
    let first = login(&t, "fan@example.com", "203.0.113.3", "guess one!!!").await;
    assert_eq!(error_code(&first), Some("UNAUTHENTICATED"), "{first}");
    let (second, hashed) =
        count_password_work(login(&t, "fan@example.com", "203.0.113.3", "guess two!!!")).await;
    assert_eq!(error_code(&second), Some("RATE_LIMITED"), "{second}");
    assert_eq!(hashed, 0, "a refused attempt verifies nothing");
    // The owner at an address that has not failed gets through with the right password, again
    // after a success (it starts the pair afresh).
    for _ in 0..2 {
        let owner = login(&t, "fan@example.com", "198.51.100.1", PASSWORD).await;
        assert!(owner["data"]["login"]["token"].is_string(), "{owner}");
    }
    // One typo from an address past the ceiling spends its attempt of the window.
    let typo = login(&t, "fan@example.com", "198.51.100.2", "typo password").await;
    assert_eq!(error_code(&typo), Some("UNAUTHENTICATED"));
    let after_typo = login(&t, "fan@example.com", "198.51.100.2", PASSWORD).await;
    assert_eq!(
        error_code(&after_typo),
        Some("RATE_LIMITED"),
        "{after_typo}"
    );
    // The ceiling is per email: another account is not affected.
    for _ in 0..2 {
        let other = login(&t, "other@example.com", "192.0.2.1", "wrong password!!").await;
        assert_eq!(error_code(&other), Some("UNAUTHENTICATED"), "{other}");
    }
}

#[tokio::test]
async fn a_strangers_registrations_with_an_email_do_not_stop_its_owner() {
    let mut t = support::test_db().await;
    t.auth.register_limit = Limit {
        max: 2,
        window_secs: DAY,
    };
    t.invite("REAL-CODE", 1).await;
    let register = "mutation($code: String!) { register(input: { email: \"dee@example.com\", password: \"a long enough password\", displayName: \"Dee\", inviteCode: $code }) { user { email } } }";
    let stranger: IpAddr = "203.0.113.9".parse().unwrap();
    let mut codes = Vec::new();
    for _ in 0..3 {
        let resp = t
            .execute_request(None, Some(stranger), register, json!({ "code": "GUESS" }))
            .await;
        codes.push(error_code(&resp).unwrap().to_owned());
    }
    assert_eq!(codes, ["BAD_USER_INPUT", "BAD_USER_INPUT", "RATE_LIMITED"]);
    let owner = t
        .execute_request(
            None,
            Some("198.51.100.4".parse().unwrap()),
            register,
            json!({ "code": "REAL-CODE" }),
        )
        .await;
    assert_eq!(
        owner["data"]["register"]["user"]["email"], "dee@example.com",
        "{owner}"
    );
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

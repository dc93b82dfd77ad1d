//! Registration with invite codes, login (argon2id and legacy bcrypt), the viewer's own settings.

use entity::{invite_codes, sea_orm_active_enums::UserRole, users};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use support::{accounts::PASSWORD, error_code};

const REGISTER: &str = "mutation($input: RegisterInput!) { register(input: $input) {
    token user { email displayName role onboardingCompleted } } }";
const LOGIN: &str = "mutation($email: String!, $password: String!) {
    login(email: $email, password: $password) { token user { email } } }";

fn registration(email: &str, code: &str) -> serde_json::Value {
    json!({ "input": { "email": email, "password": PASSWORD, "displayName": " Dee ", "inviteCode": code } })
}

#[tokio::test]
async fn register_spends_a_use_and_signs_in() {
    let t = support::test_db().await;
    t.invite("WELCOME-1", 2).await;
    let resp = t
        .execute_with(REGISTER, registration("  Dee@Example.COM ", "WELCOME-1"))
        .await;
    assert_eq!(
        resp["data"]["register"]["user"],
        json!({ "email": "dee@example.com", "displayName": "Dee", "role": "CREATOR", "onboardingCompleted": false })
    );
    let token = resp["data"]["register"]["token"].as_str().unwrap();
    let me = t
        .execute_as(Some(token), "{ me { email } }", json!(null))
        .await;
    assert_eq!(me["data"]["me"]["email"], "dee@example.com");
    let code = invite_codes::Entity::find()
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(code.uses_remaining, 1);
    let stored = users::Entity::find().one(&t.db).await.unwrap().unwrap();
    assert!(stored.hashed_password.starts_with("$argon2id$"));

    // The same email again: CONFLICT on email, and the code's use is given back (rolled back).
    let again = t
        .execute_with(REGISTER, registration("dee@example.com", "WELCOME-1"))
        .await;
    assert_eq!(error_code(&again), Some("CONFLICT"));
    assert_eq!(again["errors"][0]["extensions"]["field"], "email");
    let code = invite_codes::Entity::find()
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(code.uses_remaining, 1);
}

#[tokio::test]
async fn register_rejects_bad_codes_and_bad_input() {
    let t = support::test_db().await;
    t.invite("USED-UP", 1).await;
    let first = t
        .execute_with(REGISTER, registration("a@example.com", "USED-UP"))
        .await;
    assert!(first["errors"].is_null(), "{first}");
    for (vars, argument) in [
        (registration("b@example.com", "USED-UP"), "inviteCode"),
        (registration("b@example.com", "NO-SUCH-CODE"), "inviteCode"),
        (registration("not-an-email", "USED-UP"), "email"),
        (
            json!({ "input": { "email": "c@example.com", "password": "short", "displayName": "C", "inviteCode": "USED-UP" } }),
            "password",
        ),
        (
            json!({ "input": { "email": "c@example.com", "password": PASSWORD, "displayName": "  ", "inviteCode": "USED-UP" } }),
            "displayName",
        ),
    ] {
        let resp = t.execute_with(REGISTER, vars).await;
        assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"), "{resp}");
        assert_eq!(resp["errors"][0]["extensions"]["argument"], argument);
    }
    assert_eq!(users::Entity::find().count(&t.db).await.unwrap(), 1);
}

#[tokio::test]
async fn expired_codes_admit_nobody() {
    let t = support::test_db().await;
    let admin = t.user("root@example.com", UserRole::Admin, None).await;
    let token = t.token(&admin);
    let resp = t
        .execute_as(
            Some(&token),
            "mutation { createInviteCode(input: { code: \"SOON-GONE\", usesRemaining: 3, expiresAt: \"2000-01-01T00:00:00Z\" }) { code } }",
            json!(null),
        )
        .await;
    assert_eq!(
        error_code(&resp),
        Some("BAD_USER_INPUT"),
        "past expiry refused"
    );
    t.expired_invite("OLD", 3).await;
    let resp = t
        .execute_with(REGISTER, registration("x@example.com", "OLD"))
        .await;
    assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn a_code_with_five_uses_admits_exactly_five_of_thirty_parallel_registrations() {
    let t = support::test_db().await;
    t.invite("FIVE", 5).await;
    let attempts = (0..30).map(|i| {
        let t = &t;
        async move {
            t.execute_with(
                REGISTER,
                registration(&format!("fan{i}@example.com"), "FIVE"),
            )
            .await
        }
    });
    let results = futures::future::join_all(attempts).await;
    let ok = results.iter().filter(|r| r["errors"].is_null()).count();
    let refused = results
        .iter()
        .filter(|r| error_code(r) == Some("BAD_USER_INPUT"))
        .count();
    assert_eq!((ok, refused), (5, 25));
    assert_eq!(users::Entity::find().count(&t.db).await.unwrap(), 5);
    let code = invite_codes::Entity::find()
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(code.uses_remaining, 0);
}

#[tokio::test]
async fn login_gives_one_error_for_unknown_email_wrong_password_and_inactive_accounts() {
    let t = support::test_db().await;
    let user = t
        .user_with_password("fan@example.com", UserRole::Creator)
        .await;
    let ok = t
        .execute_with(
            LOGIN,
            json!({ "email": " FAN@example.com", "password": PASSWORD }),
        )
        .await;
    assert_eq!(ok["data"]["login"]["user"]["email"], "fan@example.com");
    let token = ok["data"]["login"]["token"].as_str().unwrap();
    let me = t
        .execute_as(Some(token), "{ me { email } }", json!(null))
        .await;
    assert_eq!(me["data"]["me"]["email"], "fan@example.com");

    let unknown = t
        .execute_with(
            LOGIN,
            json!({ "email": "nobody@example.com", "password": PASSWORD }),
        )
        .await;
    let wrong = t
        .execute_with(
            LOGIN,
            json!({ "email": "fan@example.com", "password": "wrong password!" }),
        )
        .await;
    assert_eq!(error_code(&unknown), Some("UNAUTHENTICATED"));
    assert_eq!(
        unknown["errors"][0]["message"],
        wrong["errors"][0]["message"]
    );
    assert_eq!(
        unknown["errors"][0]["extensions"],
        wrong["errors"][0]["extensions"]
    );

    let mut inactive: users::ActiveModel = user.into();
    inactive.is_active = sea_orm::Set(false);
    sea_orm::ActiveModelTrait::update(inactive, &t.db)
        .await
        .unwrap();
    let blocked = t
        .execute_with(
            LOGIN,
            json!({ "email": "fan@example.com", "password": PASSWORD }),
        )
        .await;
    assert_eq!(
        blocked["errors"][0]["message"],
        wrong["errors"][0]["message"]
    );
}

#[tokio::test]
async fn legacy_bcrypt_login_upgrades_the_hash_to_argon2id() {
    let t = support::test_db().await;
    let legacy = bcrypt::hash("hunter2-legacy", 4).unwrap();
    t.insert_user("old@example.com", UserRole::Creator, None, legacy.clone())
        .await;
    let wrong = t
        .execute_with(
            LOGIN,
            json!({ "email": "old@example.com", "password": "nope-nope-nope" }),
        )
        .await;
    assert_eq!(error_code(&wrong), Some("UNAUTHENTICATED"));
    let stored = users::Entity::find().one(&t.db).await.unwrap().unwrap();
    assert_eq!(
        stored.hashed_password, legacy,
        "a failed login changes nothing"
    );

    let ok = t
        .execute_with(
            LOGIN,
            json!({ "email": "old@example.com", "password": "hunter2-legacy" }),
        )
        .await;
    assert!(ok["data"]["login"]["token"].is_string(), "{ok}");
    let stored = users::Entity::find().one(&t.db).await.unwrap().unwrap();
    assert!(stored.hashed_password.starts_with("$argon2id$"), "upgraded");
    let again = t
        .execute_with(
            LOGIN,
            json!({ "email": "old@example.com", "password": "hunter2-legacy" }),
        )
        .await;
    assert!(
        again["data"]["login"]["token"].is_string(),
        "the new hash works"
    );
}

#[tokio::test]
async fn viewer_settings_profile_onboarding_preferences_password() {
    let t = support::test_db().await;
    let user = t
        .user_with_password("me@example.com", UserRole::Creator)
        .await;
    let old_token = t.token_issued(&user, 5, 3600);
    let token = t.token(&user);
    let resp = t
        .execute_as(
            Some(&token),
            "mutation { updateProfile(displayName: \"  New Name \") { displayName }
                completeOnboarding { onboardingCompleted }
                updateNotificationPreferences(input: { digestFrequency: DAILY }) {
                    notificationPreferences { digestEnabled digestFrequency } } }",
            json!(null),
        )
        .await;
    assert_eq!(
        resp["data"],
        json!({
            "updateProfile": { "displayName": "New Name" },
            "completeOnboarding": { "onboardingCompleted": true },
            "updateNotificationPreferences": { "notificationPreferences": { "digestEnabled": true, "digestFrequency": "DAILY" } }
        })
    );
    let stored = users::Entity::find()
        .filter(users::Column::Id.eq(user.id))
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.notification_preferences,
        json!({ "digest_enabled": true, "digest_frequency": "daily" })
    );

    let bad = t
        .execute_as(
            Some(&token),
            "mutation { changePassword(currentPassword: \"wrong wrong wrong\", newPassword: \"another good password\") { token } }",
            json!(null),
        )
        .await;
    assert_eq!(error_code(&bad), Some("BAD_USER_INPUT"));
    assert_eq!(
        bad["errors"][0]["extensions"]["argument"],
        "currentPassword"
    );
    let changed = t
        .execute_as(
            Some(&token),
            &format!("mutation {{ changePassword(currentPassword: \"{PASSWORD}\", newPassword: \"another good password\") {{ token }} }}"),
            json!(null),
        )
        .await;
    let new_token = changed["data"]["changePassword"]["token"].as_str().unwrap();
    // Tokens issued before the change are revoked; the new one works.
    let revoked = t
        .execute_as(Some(&old_token), "{ me { email } }", json!(null))
        .await;
    assert_eq!(error_code(&revoked), Some("UNAUTHENTICATED"));
    let fresh = t
        .execute_as(Some(new_token), "{ me { email } }", json!(null))
        .await;
    assert_eq!(fresh["data"]["me"]["email"], "me@example.com");
    let login = t
        .execute_with(
            LOGIN,
            json!({ "email": "me@example.com", "password": "another good password" }),
        )
        .await;
    assert!(login["data"]["login"]["token"].is_string());
}

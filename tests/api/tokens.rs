//! Access tokens: every invalid token is `UNAUTHENTICATED` (never a silent anonymous viewer), and
//! the user is re-read per request so deactivation and role changes apply at once.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use entity::{sea_orm_active_enums::UserRole, users};
use sea_orm::EntityTrait;
use serde_json::json;
use support::error_code;

const ME: &str = "{ me { email role } }";

#[tokio::test]
async fn invalid_tokens_are_unauthenticated() {
    let t = support::test_db().await;
    let user = t.user("fan@example.com", UserRole::Creator, None).await;
    let good = t.token(&user);
    let ok = t.execute_as(Some(&good), ME, json!(null)).await;
    assert_eq!(
        ok["data"]["me"],
        json!({ "email": "fan@example.com", "role": "CREATOR" })
    );
    let anonymous = t.execute_as(None, ME, json!(null)).await;
    assert_eq!(anonymous["data"]["me"], json!(null));

    let expired = t.token_issued(&user, 7200, 3600);
    let (head, rest) = good.split_once('.').unwrap();
    let (payload, signature) = rest.split_once('.').unwrap();
    let mut sig = signature.to_owned();
    let last = if sig.ends_with('A') { 'B' } else { 'A' };
    sig.pop();
    sig.push(last);
    let tampered_signature = format!("{head}.{payload}.{sig}");
    // Claims changed to another role, old signature kept.
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    let mut admin_claims = claims.clone();
    admin_claims["role"] = json!("admin");
    let tampered_claims = format!(
        "{head}.{}.{signature}",
        URL_SAFE_NO_PAD.encode(admin_claims.to_string())
    );
    let none_header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let alg_none = format!("{none_header}.{payload}.");
    let other = graph::AuthConfig::new("another-secret-another-secret-another-secret");
    let wrong_secret = graph::services::auth::issue_token(&other, &user).unwrap();

    for (name, token) in [
        ("expired", expired.as_str()),
        ("tampered signature", tampered_signature.as_str()),
        ("tampered claims", tampered_claims.as_str()),
        ("alg none", alg_none.as_str()),
        ("wrong secret", wrong_secret.as_str()),
        ("garbage", "not.a.token"),
    ] {
        let resp = t.execute_as(Some(token), ME, json!(null)).await;
        assert_eq!(error_code(&resp), Some("UNAUTHENTICATED"), "{name}: {resp}");
        assert!(resp["data"].is_null(), "{name}: nothing executes");
    }
    for header in ["Basic abc", "Bearer", "Bearer   "] {
        let resp = t.execute_request(Some(header), None, ME, json!(null)).await;
        assert_eq!(error_code(&resp), Some("UNAUTHENTICATED"), "{header}");
    }

    users::Entity::delete_by_id(user.id)
        .exec(&t.db)
        .await
        .unwrap();
    let deleted = t.execute_as(Some(&good), ME, json!(null)).await;
    assert_eq!(
        error_code(&deleted),
        Some("UNAUTHENTICATED"),
        "deleted user"
    );
}

#[tokio::test]
async fn deactivation_and_role_changes_apply_to_existing_tokens_at_once() {
    let t = support::test_db().await;
    let admin = t.user("root@example.com", UserRole::Admin, None).await;
    let fan = t.user("fan@example.com", UserRole::Creator, None).await;
    let admin_token = t.token(&admin);
    let fan_token = t.token_issued(&fan, 2, 3600);
    let fan_id = graph::ids::encode(graph::ids::NodeKind::User, fan.id);

    let promote = t
        .execute_as(
            Some(&admin_token),
            "mutation($id: ID!) { setUserRole(userId: $id, role: ADMIN) { role } }",
            json!({ "id": fan_id }),
        )
        .await;
    assert_eq!(promote["data"]["setUserRole"]["role"], "ADMIN");
    // The token still says "creator"; the database decides.
    let as_admin = t
        .execute_as(Some(&fan_token), "{ users { totalCount } }", json!(null))
        .await;
    assert_eq!(as_admin["data"]["users"]["totalCount"], 2);

    let off = t
        .execute_as(
            Some(&admin_token),
            "mutation($id: ID!) { setUserActive(userId: $id, active: false) { isActive } }",
            json!({ "id": fan_id }),
        )
        .await;
    assert_eq!(off["data"]["setUserActive"]["isActive"], false);
    let resp = t.execute_as(Some(&fan_token), ME, json!(null)).await;
    assert_eq!(error_code(&resp), Some("UNAUTHENTICATED"));

    // Reactivated: tokens issued before the deactivation stay revoked.
    t.execute_as(
        Some(&admin_token),
        "mutation($id: ID!) { setUserActive(userId: $id, active: true) { isActive } }",
        json!({ "id": fan_id }),
    )
    .await;
    let resp = t.execute_as(Some(&fan_token), ME, json!(null)).await;
    assert_eq!(error_code(&resp), Some("UNAUTHENTICATED"));
}

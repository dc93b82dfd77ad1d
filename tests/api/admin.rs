//! The admin's user management and invite codes.

use entity::{invite_codes, sea_orm_active_enums::UserRole};
use sea_orm::EntityTrait;
use serde_json::json;
use support::{error_code, fixtures};

#[tokio::test]
async fn users_filter_and_pagination() {
    let t = support::test_db().await;
    let admin = t.user("admin@example.com", UserRole::Admin, None).await;
    t.user("bob@example.com", UserRole::Creator, None).await;
    let carol = t.user("carol@music.test", UserRole::Creator, None).await;
    let mut off: entity::users::ActiveModel = carol.into();
    off.is_active = sea_orm::Set(false);
    sea_orm::ActiveModelTrait::update(off, &t.db).await.unwrap();
    let token = t.token(&admin);
    let q = "query($f: UserFilterInput, $first: Int, $after: String) {
        users(filter: $f, first: $first, after: $after) {
            totalCount pageInfo { hasNextPage endCursor } nodes { email role isActive } } }";
    let all = t.execute_as(Some(&token), q, json!({ "first": 2 })).await;
    assert_eq!(all["data"]["users"]["totalCount"], 3);
    assert_eq!(
        all["data"]["users"]["nodes"],
        json!([
            { "email": "admin@example.com", "role": "ADMIN", "isActive": true },
            { "email": "bob@example.com", "role": "CREATOR", "isActive": true }
        ])
    );
    let cursor = all["data"]["users"]["pageInfo"]["endCursor"].clone();
    let next = t
        .execute_as(Some(&token), q, json!({ "first": 2, "after": cursor }))
        .await;
    assert_eq!(
        next["data"]["users"]["nodes"][0]["email"],
        "carol@music.test"
    );
    assert_eq!(next["data"]["users"]["pageInfo"]["hasNextPage"], false);

    for (filter, emails) in [
        (json!({ "role": "ADMIN" }), vec!["admin@example.com"]),
        (json!({ "active": false }), vec!["carol@music.test"]),
        (
            json!({ "search": "EXAMPLE" }),
            vec!["admin@example.com", "bob@example.com"],
        ),
        (json!({ "search": "%" }), vec![]),
        (
            json!({ "role": "CREATOR", "active": true }),
            vec!["bob@example.com"],
        ),
    ] {
        let resp = t.execute_as(Some(&token), q, json!({ "f": filter })).await;
        let got: Vec<&str> = resp["data"]["users"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["email"].as_str().unwrap())
            .collect();
        assert_eq!(got, emails, "{filter}");
    }
}

#[tokio::test]
async fn invite_codes_create_list_revoke() {
    let t = support::test_db().await;
    let admin = t.user("admin@example.com", UserRole::Admin, None).await;
    let token = t.token(&admin);
    let created = t
        .execute_as(
            Some(&token),
            "mutation { createInviteCode(input: { usesRemaining: 3, expiresAt: \"2999-01-01T00:00:00Z\" }) {
                id code usesRemaining expiresAt createdBy { email } } }",
            json!(null),
        )
        .await;
    let code = &created["data"]["createInviteCode"];
    assert_eq!(code["usesRemaining"], 3);
    assert_eq!(code["expiresAt"], "2999-01-01T00:00:00+00:00");
    assert_eq!(code["createdBy"]["email"], "admin@example.com");
    let generated = code["code"].as_str().unwrap();
    assert_eq!(
        generated.len(),
        23,
        "20 random characters in 4 groups: {generated}"
    );

    let dup = t
        .execute_as(
            Some(&token),
            &format!("mutation {{ createInviteCode(input: {{ code: \"{generated}\", usesRemaining: 1 }}) {{ id }} }}"),
            json!(null),
        )
        .await;
    assert_eq!(error_code(&dup), Some("CONFLICT"));
    assert_eq!(dup["errors"][0]["extensions"]["field"], "code");
    let zero = t
        .execute_as(
            Some(&token),
            "mutation { createInviteCode(input: { usesRemaining: 0 }) { id } }",
            json!(null),
        )
        .await;
    assert_eq!(zero["errors"][0]["extensions"]["argument"], "usesRemaining");

    let list = t
        .execute_as(
            Some(&token),
            "{ inviteCodes { totalCount nodes { code } } }",
            json!(null),
        )
        .await;
    assert_eq!(list["data"]["inviteCodes"]["totalCount"], 1);

    let revoked = t
        .execute_as(
            Some(&token),
            "mutation($id: ID!) { revokeInviteCode(id: $id) { usesRemaining } }",
            json!({ "id": code["id"] }),
        )
        .await;
    assert_eq!(revoked["data"]["revokeInviteCode"]["usesRemaining"], 0);
    let reg = t
        .execute_with(
            "mutation($code: String!) { register(input: { email: \"x@example.com\", password: \"a long enough password\", displayName: \"X\", inviteCode: $code }) { token } }",
            json!({ "code": generated }),
        )
        .await;
    assert_eq!(
        error_code(&reg),
        Some("BAD_USER_INPUT"),
        "a revoked code admits nobody"
    );
    assert_eq!(
        invite_codes::Entity::find().all(&t.db).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn link_user_to_creator_and_self_protection() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let admin = t.user("admin@example.com", UserRole::Admin, None).await;
    let fan = t.user("fan@example.com", UserRole::Creator, None).await;
    let token = t.token(&admin);
    let fan_id = graph::ids::encode(graph::ids::NodeKind::User, fan.id);
    let admin_id = graph::ids::encode(graph::ids::NodeKind::User, admin.id);
    let alpha_id = graph::ids::encode(graph::ids::NodeKind::Creator, alpha.id);
    let link = "mutation($u: ID!, $c: ID) { linkUserToCreator(userId: $u, creatorId: $c) { creator { name } } }";
    let linked = t
        .execute_as(Some(&token), link, json!({ "u": fan_id, "c": alpha_id }))
        .await;
    assert_eq!(
        linked["data"]["linkUserToCreator"]["creator"]["name"],
        "Alpha"
    );
    // The fan's next request curates Alpha.
    let me = t
        .execute_as(
            Some(&t.token(&fan)),
            "{ me { creator { slug } } }",
            json!(null),
        )
        .await;
    assert_eq!(me["data"]["me"]["creator"]["slug"], "alpha");
    let unlinked = t
        .execute_as(Some(&token), link, json!({ "u": fan_id, "c": null }))
        .await;
    assert_eq!(
        unlinked["data"]["linkUserToCreator"]["creator"],
        json!(null)
    );
    let missing = graph::ids::encode(graph::ids::NodeKind::Creator, uuid::Uuid::new_v4());
    let resp = t
        .execute_as(Some(&token), link, json!({ "u": fan_id, "c": missing }))
        .await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"));

    let demote = t
        .execute_as(
            Some(&token),
            "mutation($u: ID!) { setUserRole(userId: $u, role: CREATOR) { role } }",
            json!({ "u": admin_id }),
        )
        .await;
    assert_eq!(error_code(&demote), Some("BAD_USER_INPUT"));
    let off = t
        .execute_as(
            Some(&token),
            "mutation($u: ID!) { setUserActive(userId: $u, active: false) { isActive } }",
            json!({ "u": admin_id }),
        )
        .await;
    assert_eq!(error_code(&off), Some("BAD_USER_INPUT"));
}

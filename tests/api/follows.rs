//! Following creators: idempotent, counted, visible to the follower.

use entity::{creator_follows, sea_orm_active_enums::UserRole};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;
use support::{error_code, fixtures};

const FOLLOW: &str =
    "mutation($id: ID!) { followCreator(creatorId: $id) { followerCount viewerFollows } }";
const UNFOLLOW: &str =
    "mutation($id: ID!) { unfollowCreator(creatorId: $id) { followerCount viewerFollows } }";

#[tokio::test]
async fn follow_unfollow_counts_and_viewer_follows() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    fixtures::creator(&t.db, "Beta").await;
    let fan = t.user("fan@example.com", UserRole::Creator, None).await;
    let other = t.user("other@example.com", UserRole::Creator, None).await;
    let token = t.token(&fan);
    let id = graph::ids::encode(graph::ids::NodeKind::Creator, alpha.id);

    let resp = t
        .execute_as(Some(&token), FOLLOW, json!({ "id": id }))
        .await;
    assert_eq!(
        resp["data"]["followCreator"],
        json!({ "followerCount": 1, "viewerFollows": true })
    );
    let resp = t
        .execute_as(Some(&token), FOLLOW, json!({ "id": id }))
        .await;
    assert_eq!(
        resp["data"]["followCreator"],
        json!({ "followerCount": 1, "viewerFollows": true }),
        "idempotent"
    );
    t.execute_as(Some(&t.token(&other)), FOLLOW, json!({ "id": id }))
        .await;

    let list = "{ creators { nodes { name followerCount viewerFollows } } }";
    let anon = t.execute(list).await;
    assert_eq!(
        anon["data"]["creators"]["nodes"],
        json!([
            { "name": "Alpha", "followerCount": 2, "viewerFollows": false },
            { "name": "Beta", "followerCount": 0, "viewerFollows": false }
        ])
    );
    let mine = t.execute_as(Some(&token), list, json!(null)).await;
    assert_eq!(mine["data"]["creators"]["nodes"][0]["viewerFollows"], true);
    assert_eq!(mine["data"]["creators"]["nodes"][1]["viewerFollows"], false);
    let following = t
        .execute_as(
            Some(&token),
            "{ me { following { totalCount nodes { name } } } }",
            json!(null),
        )
        .await;
    assert_eq!(
        following["data"]["me"]["following"],
        json!({ "totalCount": 1, "nodes": [{ "name": "Alpha" }] })
    );

    let resp = t
        .execute_as(Some(&token), UNFOLLOW, json!({ "id": id }))
        .await;
    assert_eq!(
        resp["data"]["unfollowCreator"],
        json!({ "followerCount": 1, "viewerFollows": false })
    );

    let missing = graph::ids::encode(graph::ids::NodeKind::Creator, uuid::Uuid::new_v4());
    let resp = t
        .execute_as(Some(&token), FOLLOW, json!({ "id": missing }))
        .await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"));
    let tag_id = graph::ids::encode(graph::ids::NodeKind::Tag, alpha.id);
    let resp = t
        .execute_as(Some(&token), FOLLOW, json!({ "id": tag_id }))
        .await;
    assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"));
}

#[tokio::test]
async fn fifty_concurrent_follows_leave_one_row() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let fan = t.user("fan@example.com", UserRole::Creator, None).await;
    let token = t.token(&fan);
    let id = graph::ids::encode(graph::ids::NodeKind::Creator, alpha.id);
    let attempts = (0..50).map(|_| t.execute_as(Some(&token), FOLLOW, json!({ "id": id })));
    let results = futures::future::join_all(attempts).await;
    assert!(results.iter().all(|r| r["errors"].is_null()), "all succeed");
    assert_eq!(
        creator_follows::Entity::find().count(&t.db).await.unwrap(),
        1
    );
}

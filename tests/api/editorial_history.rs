//! A technique page's history, views and deletion (issue 13, items 2, 6 and 9): `versions`,
//! typed snapshots, `diff`, `restoreTechniquePageVersion`, `recordTechniquePageView` and
//! `deleteTechniquePage` with its cascade.

use entity::{
    related_technique_links, source_videos, tags, technique_page_old_slugs, technique_page_tags,
    technique_page_versions, technique_page_videos, technique_page_views, technique_pages,
};
use graph::ids::{NodeKind, encode};
use sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use support::{TestDb, error_code, fixtures};

use crate::editorial_pages::{admin, curator, page_id, reread, versions};

const UPDATE: &str = "mutation($id: ID!, $v: Int!, $input: UpdateTechniquePageInput!) { \
    updateTechniquePage(id: $id, expectedVersion: $v, input: $input) { techniquePage { version } } }";

const RESTORE: &str = "mutation($id: ID!, $v: Int!) { restoreTechniquePageVersion(versionId: $id, \
    expectedVersion: $v) { techniquePage { title slug summary version plugins \
    bodySections { heading content } } } }";

const VIEW: &str = "mutation($id: ID!) { recordTechniquePageView(id: $id) { counted \
    techniquePage { viewCount } } }";

async fn edit(t: &TestDb, token: &str, page: &technique_pages::Model, v: i32, input: Value) {
    let resp = t
        .execute_as(
            Some(token),
            UPDATE,
            json!({ "id": page_id(page), "v": v, "input": input }),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
}

/// A page with three versions: the baseline (title "Page", body Intro + Steps), a new title,
/// and a rewritten body (Intro changed, Steps removed, Tips added).
async fn edited_page(t: &TestDb, token: &str) -> technique_pages::Model {
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let page = fixtures::page(&t.db, &alpha, "Page")
        .slug("history")
        .body("v1", json!({ "Intro": "Hello", "Steps": "One, two" }))
        .await;
    edit(t, token, &page, 0, json!({ "title": "Page, renamed" })).await;
    edit(
        t,
        token,
        &page,
        2,
        json!({ "bodySections": [
            { "heading": "Intro", "content": "Hello again" },
            { "heading": "Tips", "content": "Listen" }
        ], "plugins": ["Serum", "OTT"] }),
    )
    .await;
    page
}

#[tokio::test]
async fn versions_are_newest_first_with_typed_snapshots_and_a_field_by_field_diff() {
    let t = support::test_db().await;
    let token = admin(&t).await;
    let page = edited_page(&t, &token).await;
    let resp = t
        .execute_as(
            Some(&token),
            "{ techniquePage(slug: \"history\") { version versions(first: 10) { totalCount nodes { \
             versionNumber pipelineMetadata snapshot { title slug summary bodySectionsFormat plugins \
             bodySections { heading content } } } } \
             diff(from: 1, to: 3) { from to fields { field oldValue newValue } \
             sections { path change oldContent newContent } } } }",
            Value::Null,
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let p = &resp["data"]["techniquePage"];
    assert_eq!(p["version"], 3);
    let nodes = p["versions"]["nodes"].as_array().unwrap();
    let numbers: Vec<i64> = nodes
        .iter()
        .map(|n| n["versionNumber"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [3, 2, 1]);
    assert_eq!(nodes[2]["pipelineMetadata"]["source"], "baseline");
    assert_eq!(nodes[0]["pipelineMetadata"]["source"], "curator");
    let baseline = &nodes[2]["snapshot"];
    assert_eq!(baseline["title"], "Page");
    assert_eq!(baseline["bodySectionsFormat"], "v1");
    assert_eq!(
        baseline["bodySections"],
        json!([{ "heading": "Intro", "content": "Hello" }, { "heading": "Steps", "content": "One, two" }])
    );
    assert_eq!(nodes[0]["snapshot"]["plugins"], json!(["Serum", "OTT"]));

    let diff = &p["diff"];
    assert_eq!(
        (diff["from"].clone(), diff["to"].clone()),
        (json!(1), json!(3))
    );
    let fields: Vec<&str> = diff["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["title", "bodySections", "plugins"]);
    assert_eq!(diff["fields"][0]["oldValue"], "Page");
    assert_eq!(diff["fields"][0]["newValue"], "Page, renamed");
    assert_eq!(diff["fields"][2]["oldValue"], json!(["Serum"]));
    assert_eq!(
        diff["sections"],
        json!([
            { "path": ["Intro"], "change": "CHANGED", "oldContent": "Hello", "newContent": "Hello again" },
            { "path": ["Tips"], "change": "ADDED", "oldContent": null, "newContent": "Listen" },
            { "path": ["Steps"], "change": "REMOVED", "oldContent": "One, two", "newContent": null },
        ])
    );

    // The baseline and the first edit differ in the title only: the v1 body stored as v2 is the
    // same body.
    let resp = t
        .execute_as(
            Some(&token),
            "{ techniquePage(slug: \"history\") { diff(from: 1, to: 2) { fields { field } sections { path } } } }",
            Value::Null,
        )
        .await;
    assert_eq!(
        resp["data"]["techniquePage"]["diff"],
        json!({ "fields": [{ "field": "title" }], "sections": [] }),
        "{resp}"
    );

    // A version the page does not have is NOT_FOUND.
    let resp = t
        .execute_as(
            Some(&token),
            "{ techniquePage(slug: \"history\") { diff(from: 1, to: 9) { from } } }",
            Value::Null,
        )
        .await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
    assert_eq!(reread(&t, &page).await.version, 3);
}

#[tokio::test]
async fn restoring_a_version_writes_a_new_version_with_its_content() {
    let t = support::test_db().await;
    let token = admin(&t).await;
    let page = edited_page(&t, &token).await;
    let history = versions(&t, &page).await;
    let first = encode(NodeKind::TechniquePageVersion, history[0].id).0;

    // A stale expected version writes nothing.
    let resp = t
        .execute_as(Some(&token), RESTORE, json!({ "id": first, "v": 2 }))
        .await;
    assert_eq!(error_code(&resp), Some("CONFLICT"), "{resp}");
    assert_eq!(resp["errors"][0]["extensions"]["currentVersion"], 3);
    assert_eq!(versions(&t, &page).await.len(), 3);

    let resp = t
        .execute_as(Some(&token), RESTORE, json!({ "id": first, "v": 3 }))
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let p = &resp["data"]["restoreTechniquePageVersion"]["techniquePage"];
    assert_eq!(p["version"], 4);
    assert_eq!(p["title"], "Page");
    assert_eq!(p["slug"], "history");
    assert_eq!(p["plugins"], json!(["Serum"]));
    assert_eq!(
        p["bodySections"],
        json!([{ "heading": "Intro", "content": "Hello" }, { "heading": "Steps", "content": "One, two" }])
    );
    let history = versions(&t, &page).await;
    assert_eq!(history.len(), 4, "history is never rewritten");
    let restored = &history[3];
    assert_eq!(
        restored.pipeline_metadata.as_ref().unwrap()["source"],
        "restore"
    );
    assert_eq!(
        restored.pipeline_metadata.as_ref().unwrap()["restoredFrom"],
        1
    );
    assert_eq!(restored.content_snapshot["title"], "Page");

    // Restoring what the page already shows writes nothing.
    let resp = t
        .execute_as(Some(&token), RESTORE, json!({ "id": first, "v": 4 }))
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    assert_eq!(versions(&t, &page).await.len(), 4);

    // An unknown version is NOT_FOUND; another creator's curator is FORBIDDEN.
    let unknown = encode(NodeKind::TechniquePageVersion, uuid::Uuid::new_v4()).0;
    let resp = t
        .execute_as(Some(&token), RESTORE, json!({ "id": unknown, "v": 4 }))
        .await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
    let beta = fixtures::creator(&t.db, "Beta").await;
    let stranger = curator(&t, "beta@h.test", &beta).await;
    let resp = t
        .execute_as(Some(&stranger), RESTORE, json!({ "id": first, "v": 4 }))
        .await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
}

#[tokio::test]
async fn a_view_counts_once_per_viewer_per_half_hour() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let page = fixtures::page(&t.db, &alpha, "Viewed").view_count(5).await;
    let other = fixtures::page(&t.db, &alpha, "Other").view_count(6).await;
    let vars = json!({ "id": page_id(&page) });
    let view_as = |token: Option<String>| {
        let (t, vars) = (&t, vars.clone());
        async move {
            let resp = t.execute_as(token.as_deref(), VIEW, vars).await;
            assert!(resp["errors"].is_null(), "{resp}");
            resp["data"]["recordTechniquePageView"].clone()
        }
    };

    assert_eq!(
        view_as(None).await,
        json!({ "counted": true, "techniquePage": { "viewCount": 6 } })
    );
    assert_eq!(
        view_as(None).await,
        json!({ "counted": false, "techniquePage": { "viewCount": 6 } })
    );
    let fan = t
        .user(
            "fan@v.test",
            entity::sea_orm_active_enums::UserRole::Creator,
            None,
        )
        .await;
    let fan_token = t.token(&fan);
    // Ten views of one user at once: exactly one counts.
    let views = futures::future::join_all((0..10).map(|_| view_as(Some(fan_token.clone())))).await;
    assert_eq!(views.iter().filter(|v| v["counted"] == true).count(), 1);
    assert_eq!(reread(&t, &page).await.view_count, 7);

    // The trending list reflects the views.
    let trending = t
        .execute("{ trendingTechniquePages(limit: 2) { title viewCount } }")
        .await;
    assert_eq!(
        trending["data"]["trendingTechniquePages"],
        json!([{ "title": "Viewed", "viewCount": 7 }, { "title": "Other", "viewCount": 6 }])
    );

    // Half an hour later the user's view counts again, and the stale rows of other pages are
    // pruned on the way.
    let other_views = json!({ "id": page_id(&other) });
    let resp = t.execute_as(Some(&fan_token), VIEW, other_views).await;
    assert_eq!(resp["data"]["recordTechniquePageView"]["counted"], true);
    t.db.execute_unprepared(
        "UPDATE technique_page_views SET counted_at = counted_at - interval '31 minutes'",
    )
    .await
    .unwrap();
    assert_eq!(view_as(Some(fan_token.clone())).await["counted"], true);
    assert_eq!(reread(&t, &page).await.view_count, 8);
    let left = technique_page_views::Entity::find()
        .all(&t.db)
        .await
        .unwrap();
    assert_eq!(
        left.iter()
            .map(|v| (v.technique_page_id, v.viewer_key.clone()))
            .collect::<Vec<_>>(),
        [(page.id, format!("user:{}", fan.id))],
        "the other rows were older than the window"
    );

    // An unknown page is NOT_FOUND.
    let resp = t
        .execute_as(
            None,
            VIEW,
            json!({ "id": encode(NodeKind::TechniquePage, uuid::Uuid::new_v4()).0 }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
}

#[tokio::test]
async fn deleting_a_page_takes_its_history_links_tags_sources_and_old_slugs() {
    let t = support::test_db().await;
    let token = admin(&t).await;
    let page = edited_page(&t, &token).await;
    let alpha = entity::creators::Entity::find_by_id(page.creator_id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    let neighbour = fixtures::page(&t.db, &alpha, "Neighbour").await;
    fixtures::related_link(&t.db, &page, &neighbour).await;
    fixtures::related_link(&t.db, &neighbour, &page).await;
    let tag = fixtures::tag(&t.db, "shared").await;
    fixtures::tag_page(&t.db, &page, &tag).await;
    fixtures::tag_page(&t.db, &neighbour, &tag).await;
    let video = fixtures::video(&t.db, &alpha).await;
    fixtures::page_source(&t.db, &page, &video).await;
    edit(&t, &token, &page, 3, json!({ "slug": "history-moved" })).await;

    let resp = t
        .execute_as(
            Some(&token),
            "mutation($id: ID!) { deleteTechniquePage(id: $id) { deletedId removedVersions \
             removedLinks removedTags removedSources removedOldSlugs } }",
            json!({ "id": page_id(&page) }),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    assert_eq!(
        resp["data"]["deleteTechniquePage"],
        json!({ "deletedId": page_id(&page), "removedVersions": 4, "removedLinks": 2,
                "removedTags": 1, "removedSources": 1, "removedOldSlugs": 1 })
    );
    assert!(
        technique_pages::Entity::find_by_id(page.id)
            .one(&t.db)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        technique_page_versions::Entity::find()
            .count(&t.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        related_technique_links::Entity::find()
            .count(&t.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        technique_page_videos::Entity::find()
            .count(&t.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        technique_page_old_slugs::Entity::find()
            .count(&t.db)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        technique_page_tags::Entity::find()
            .count(&t.db)
            .await
            .unwrap(),
        1
    );
    // The tag and the video stay; the tag counts one page.
    assert!(
        tags::Entity::find_by_id(tag.id)
            .one(&t.db)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        source_videos::Entity::find_by_id(video.id)
            .one(&t.db)
            .await
            .unwrap()
            .is_some()
    );
    let counted = t
        .execute("{ tag(name: \"shared\") { techniquePages { totalCount } } }")
        .await;
    assert_eq!(
        counted["data"]["tag"]["techniquePages"]["totalCount"], 1,
        "{counted}"
    );
    // Neither slug resolves any more.
    for slug in ["history", "history-moved"] {
        let found = t
            .execute(&format!("{{ techniquePage(slug: \"{slug}\") {{ id }} }}"))
            .await;
        assert_eq!(found["data"]["techniquePage"], Value::Null);
    }
    // Deleting it again is NOT_FOUND.
    let resp = t
        .execute_as(
            Some(&token),
            "mutation($id: ID!) { deleteTechniquePage(id: $id) { deletedId } }",
            json!({ "id": page_id(&page) }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
}

//! Technique page editing (issue 13, item 1): `updateTechniquePage` under optimistic concurrency,
//! the v2 body it writes, the version rows it records, validation, and slug changes whose old
//! slug keeps resolving.

use entity::{
    creators, sea_orm_active_enums::UserRole, technique_page_old_slugs, technique_page_versions,
    technique_pages,
};
use graph::ids::{NodeKind, encode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use support::{TestDb, error_code, fixtures};

const UPDATE: &str = "mutation($id: ID!, $v: Int!, $input: UpdateTechniquePageInput!) { \
    updateTechniquePage(id: $id, expectedVersion: $v, input: $input) { techniquePage { \
    id title slug summary version bodySectionsFormat plugins topicTags topicCategory sourceQuality \
    bodySections { heading content children { heading content children { heading } } } \
    signalChains { name steps } } } }";

pub(crate) fn page_id(page: &technique_pages::Model) -> String {
    encode(NodeKind::TechniquePage, page.id).0
}

pub(crate) async fn curator(t: &TestDb, email: &str, creator: &creators::Model) -> String {
    let user = t.user(email, UserRole::Creator, Some(creator.id)).await;
    t.token(&user)
}

pub(crate) async fn admin(t: &TestDb) -> String {
    let admin = t.user("admin@p.test", UserRole::Admin, None).await;
    t.token(&admin)
}

pub(crate) fn argument(resp: &Value) -> &str {
    resp["errors"][0]["extensions"]["argument"]
        .as_str()
        .unwrap_or_default()
}

pub(crate) async fn reread(t: &TestDb, page: &technique_pages::Model) -> technique_pages::Model {
    technique_pages::Entity::find_by_id(page.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap()
}

pub(crate) async fn versions(
    t: &TestDb,
    page: &technique_pages::Model,
) -> Vec<technique_page_versions::Model> {
    technique_page_versions::Entity::find()
        .filter(technique_page_versions::Column::TechniquePageId.eq(page.id))
        .order_by_asc(technique_page_versions::Column::VersionNumber)
        .all(&t.db)
        .await
        .unwrap()
}

async fn update(
    t: &TestDb,
    token: &str,
    page: &technique_pages::Model,
    version: i32,
    input: Value,
) -> Value {
    t.execute_as(
        Some(token),
        UPDATE,
        json!({ "id": page_id(page), "v": version, "input": input }),
    )
    .await
}

#[tokio::test]
async fn a_curator_edits_every_field_and_each_edit_is_the_next_version() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let page = fixtures::page(&t.db, &alpha, "Reese").slug("reese").await;
    let editor = t.user("c@p.test", UserRole::Creator, Some(alpha.id)).await;
    let token = t.token(&editor);

    let resp = update(
        &t,
        &token,
        &page,
        0,
        json!({
            "title": "  Reese bass from scratch ",
            "summary": "Detuned saws, then movement.",
            "bodySections": [
                { "heading": "Oscillators", "content": "Two saws.", "children": [
                    { "heading": "Detune", "content": "A few cents." }
                ]},
                { "heading": "Movement" }
            ],
            "signalChains": [{ "name": "Bass bus", "steps": [" OTT ", "Saturn 2"] }],
            "plugins": ["Serum", " Vital "],
            "topicCategory": "Sound Design",
            "topicTags": ["reese", "bass"],
            "sourceQuality": "HIGH"
        }),
    )
    .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let p = &resp["data"]["updateTechniquePage"]["techniquePage"];
    assert_eq!(p["title"], "Reese bass from scratch");
    assert_eq!(p["slug"], "reese", "the slug stays when the title changes");
    assert_eq!(p["summary"], "Detuned saws, then movement.");
    assert_eq!(p["bodySectionsFormat"], "v2");
    assert_eq!(
        p["bodySections"],
        json!([
            { "heading": "Oscillators", "content": "Two saws.", "children": [
                { "heading": "Detune", "content": "A few cents.", "children": [] }
            ]},
            { "heading": "Movement", "content": "", "children": [] }
        ])
    );
    assert_eq!(
        p["signalChains"],
        json!([{ "name": "Bass bus", "steps": ["OTT", "Saturn 2"] }])
    );
    assert_eq!(p["plugins"], json!(["Serum", "Vital"]));
    assert_eq!(p["topicCategory"], "Sound Design");
    assert_eq!(p["topicTags"], json!(["reese", "bass"]));
    assert_eq!(p["sourceQuality"], "HIGH");
    // The page had no version: its unedited state became version 1, the edit version 2.
    assert_eq!(p["version"], 2);

    let history = versions(&t, &page).await;
    assert_eq!(
        history.iter().map(|v| v.version_number).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(history[0].content_snapshot["title"], "Reese");
    assert_eq!(
        history[0].pipeline_metadata.as_ref().unwrap()["source"],
        "baseline"
    );
    let edit = &history[1];
    assert_eq!(edit.content_snapshot["title"], "Reese bass from scratch");
    assert_eq!(edit.content_snapshot["body_sections_format"], "v2");
    assert_eq!(
        edit.content_snapshot["body_sections"][0]["children"][0]["heading"],
        "Detune"
    );
    assert_eq!(edit.content_snapshot["source_quality"], "high");
    let meta = edit.pipeline_metadata.as_ref().unwrap();
    assert_eq!(meta["source"], "curator");
    assert_eq!(meta["editedBy"], editor.id.to_string());

    // The stored row is what the payload said.
    let row = reread(&t, &page).await;
    assert_eq!(row.version, 2);
    assert_eq!(row.plugins, ["Serum", "Vital"]);

    // The next edit is version 3; clearing the category and chains is an edit.
    let resp = update(
        &t,
        &token,
        &page,
        2,
        json!({ "topicCategory": "", "signalChains": [] }),
    )
    .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let p = &resp["data"]["updateTechniquePage"]["techniquePage"];
    assert_eq!(p["version"], 3);
    assert_eq!(p["topicCategory"], Value::Null);
    assert_eq!(p["signalChains"], Value::Null);
    assert_eq!(versions(&t, &page).await.len(), 3);
}

#[tokio::test]
async fn a_v1_page_edited_becomes_v2_without_losing_content() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let page = fixtures::page(&t.db, &alpha, "Old")
        .slug("old-page")
        .body(
            "v1",
            json!({ "Overview": "What it is.", "Steps": { "content": "Do this." } }),
        )
        .await;
    let read = "{ techniquePage(slug: \"old-page\") { bodySections { heading content children { heading } } } }";
    let before = t.execute(read).await["data"]["techniquePage"]["bodySections"].clone();
    assert_eq!(before.as_array().map(Vec::len), Some(2), "{before}");

    let token = admin(&t).await;
    let resp = update(&t, &token, &page, 0, json!({ "title": "Old, renamed" })).await;
    assert!(resp["errors"].is_null(), "{resp}");
    let row = reread(&t, &page).await;
    assert_eq!(row.body_sections_format, "v2");
    assert!(row.body_sections.is_array(), "{}", row.body_sections);
    let after = t.execute(read).await["data"]["techniquePage"]["bodySections"].clone();
    assert_eq!(after, before, "the same sections, now stored as v2");
    // The baseline version keeps the v1 body as it was.
    let history = versions(&t, &page).await;
    assert_eq!(history[0].content_snapshot["body_sections_format"], "v1");
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_with_the_current_version_and_writes_nothing() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let page = fixtures::page(&t.db, &alpha, "Page").await;
    let token = curator(&t, "c@p.test", &alpha).await;
    let resp = update(&t, &token, &page, 0, json!({ "summary": "first" })).await;
    assert!(resp["errors"].is_null(), "{resp}");

    let resp = update(&t, &token, &page, 0, json!({ "summary": "second" })).await;
    assert_eq!(error_code(&resp), Some("CONFLICT"), "{resp}");
    assert_eq!(resp["errors"][0]["extensions"]["currentVersion"], 2);
    assert_eq!(resp["errors"][0]["extensions"]["field"], "expectedVersion");
    assert!(resp["data"].is_null() || resp["data"]["updateTechniquePage"].is_null());
    assert_eq!(reread(&t, &page).await.summary, "first");
    assert_eq!(versions(&t, &page).await.len(), 2);

    // A version from the future is as stale as one from the past.
    let resp = update(&t, &token, &page, 9, json!({ "summary": "third" })).await;
    assert_eq!(error_code(&resp), Some("CONFLICT"), "{resp}");
}

#[tokio::test]
async fn an_edit_that_changes_nothing_writes_no_version() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let page = fixtures::page(&t.db, &alpha, "Page").await;
    let token = curator(&t, "c@p.test", &alpha).await;
    let resp = update(
        &t,
        &token,
        &page,
        0,
        json!({ "title": " Page ", "plugins": ["Serum"] }),
    )
    .await;
    assert!(resp["errors"].is_null(), "{resp}");
    assert_eq!(
        resp["data"]["updateTechniquePage"]["techniquePage"]["version"],
        0
    );
    assert!(versions(&t, &page).await.is_empty());
}

#[tokio::test]
async fn twenty_concurrent_editors_get_consecutive_versions() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let page = fixtures::page(&t.db, &alpha, "Busy").await;
    let token = curator(&t, "c@p.test", &alpha).await;

    // Twenty editors all start from version 0: exactly one wins, the others are told the
    // current version.
    let first_round = futures::future::join_all((0..20).map(|i| {
        update(
            &t,
            &token,
            &page,
            0,
            json!({ "summary": format!("editor {i}") }),
        )
    }))
    .await;
    let won = first_round.iter().filter(|r| r["errors"].is_null()).count();
    assert_eq!(won, 1, "{first_round:?}");
    for resp in first_round.iter().filter(|r| !r["errors"].is_null()) {
        assert_eq!(error_code(resp), Some("CONFLICT"), "{resp}");
        assert_eq!(resp["errors"][0]["extensions"]["currentVersion"], 2);
    }

    // Twenty editors that retry with the version they are told until their edit lands.
    let editors = (0..20).map(|i| {
        let (t, token, page) = (&t, &token, &page);
        async move {
            let mut version = 2;
            loop {
                let resp = update(
                    t,
                    token,
                    page,
                    version,
                    json!({ "summary": format!("retrying editor {i}") }),
                )
                .await;
                if resp["errors"].is_null() {
                    return;
                }
                assert_eq!(error_code(&resp), Some("CONFLICT"), "{resp}");
                version = resp["errors"][0]["extensions"]["currentVersion"]
                    .as_i64()
                    .unwrap() as i32;
            }
        }
    });
    futures::future::join_all(editors).await;

    let numbers: Vec<i32> = versions(&t, &page)
        .await
        .iter()
        .map(|v| v.version_number)
        .collect();
    assert_eq!(numbers, (1..=22).collect::<Vec<_>>());
    assert_eq!(reread(&t, &page).await.version, 22);
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field_and_writes_nothing() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let page = fixtures::page(&t.db, &alpha, "Page").await;
    let token = curator(&t, "c@p.test", &alpha).await;
    let deep = json!([{ "heading": "1", "children": [{ "heading": "2", "children": [
        { "heading": "3", "children": [{ "heading": "4", "children": [{ "heading": "5" }] }] }
    ] }] }]);
    let many: Vec<Value> = (0..201)
        .map(|i| json!({ "heading": format!("s{i}") }))
        .collect();
    let cases = [
        (json!({ "title": "   " }), "input.title"),
        (json!({ "title": "x".repeat(501) }), "input.title"),
        (json!({ "slug": "Not A Slug" }), "input.slug"),
        (json!({ "slug": "trailing-" }), "input.slug"),
        (json!({ "bodySections": deep }), "input.bodySections"),
        (json!({ "bodySections": many }), "input.bodySections"),
        (
            json!({ "bodySections": [{ "heading": "ok", "children": [{ "heading": " " }] }] }),
            "input.bodySections",
        ),
        (json!({ "plugins": ["Serum", ""] }), "input.plugins"),
        (
            json!({ "plugins": (0..101).map(|i| format!("p{i}")).collect::<Vec<_>>() }),
            "input.plugins",
        ),
        (json!({ "topicTags": ["t".repeat(256)] }), "input.topicTags"),
        (
            json!({ "signalChains": [{ "name": "bus", "steps": [" "] }] }),
            "input.signalChains",
        ),
        (json!({ "summary": "s".repeat(10_001) }), "input.summary"),
    ];
    for (input, field) in cases {
        let resp = update(&t, &token, &page, 0, input.clone()).await;
        assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"), "{input}: {resp}");
        assert_eq!(argument(&resp), field, "{input}: {resp}");
    }
    assert!(versions(&t, &page).await.is_empty());
    assert_eq!(reread(&t, &page).await, page);

    // An unknown page is NOT_FOUND, a page of another creator FORBIDDEN for this curator.
    let beta = fixtures::creator(&t.db, "Beta").await;
    let beta_page = fixtures::page(&t.db, &beta, "Page").await;
    let resp = update(&t, &token, &beta_page, 0, json!({ "summary": "mine" })).await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
    let resp = t
        .execute_as(
            Some(&token),
            UPDATE,
            json!({ "id": encode(NodeKind::TechniquePage, uuid::Uuid::new_v4()).0, "v": 0,
                    "input": { "summary": "x" } }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
}

#[tokio::test]
async fn a_changed_slug_is_unique_and_the_old_one_keeps_resolving() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let page = fixtures::page(&t.db, &alpha, "Page")
        .slug("first-slug")
        .await;
    let other = fixtures::page(&t.db, &alpha, "Other").slug("taken").await;
    let token = curator(&t, "c@p.test", &alpha).await;

    let resp = update(&t, &token, &page, 0, json!({ "slug": "taken" })).await;
    assert_eq!(error_code(&resp), Some("CONFLICT"), "{resp}");
    assert_eq!(resp["errors"][0]["extensions"]["field"], "slug", "{resp}");

    let resp = update(&t, &token, &page, 0, json!({ "slug": "second-slug" })).await;
    assert!(resp["errors"].is_null(), "{resp}");
    let by = |slug: &str| {
        let t = &t;
        let q = format!("{{ techniquePage(slug: \"{slug}\") {{ slug title }} }}");
        async move { t.execute(&q).await["data"]["techniquePage"].clone() }
    };
    assert_eq!(by("second-slug").await["slug"], "second-slug");
    assert_eq!(
        by("first-slug").await,
        json!({ "slug": "second-slug", "title": "Page" }),
        "the old slug resolves to the page under its new slug"
    );

    // Another page may not take the old slug: it still points at the first page.
    let resp = update(&t, &token, &other, 0, json!({ "slug": "first-slug" })).await;
    assert_eq!(error_code(&resp), Some("CONFLICT"), "{resp}");

    // The page itself may take its old slug back; then the slug it leaves resolves to it.
    let resp = update(&t, &token, &page, 2, json!({ "slug": "first-slug" })).await;
    assert!(resp["errors"].is_null(), "{resp}");
    assert_eq!(by("first-slug").await["slug"], "first-slug");
    assert_eq!(by("second-slug").await["slug"], "first-slug");
    let old: Vec<String> = technique_page_old_slugs::Entity::find()
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.slug)
        .collect();
    assert_eq!(old, ["second-slug"]);
    assert_eq!(by("nowhere").await, Value::Null);
}

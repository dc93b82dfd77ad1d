//! A page's tags, links and sources (issue 13, items 3, 4 and 5): `setTechniquePageTags`,
//! `addTechniquePageTags`, `removeTechniquePageTags`, `renameTag`, `mergeTags`,
//! `linkTechniquePages`, `unlinkTechniquePages`, `attachSourceVideo`, `detachSourceVideo`.

use entity::{creators, related_technique_links, tags, technique_page_tags, technique_pages};
use graph::ids::{NodeKind, encode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use support::{TestDb, error_code, fixtures};

use crate::editorial_pages::{admin, argument, curator, page_id};

const SET: &str = "mutation($id: ID!, $names: [String!]!) { setTechniquePageTags(pageId: $id, \
    names: $names) { techniquePage { tags { name } } } }";
const ADD: &str = "mutation($id: ID!, $names: [String!]!) { addTechniquePageTags(pageId: $id, \
    names: $names) { techniquePage { tags { name } } } }";
const REMOVE: &str = "mutation($id: ID!, $names: [String!]!) { removeTechniquePageTags(pageId: $id, \
    names: $names) { techniquePage { tags { name } } } }";
const LINK: &str = "mutation($input: LinkTechniquePagesInput!) { linkTechniquePages(input: $input) { \
    link { relationship label target { slug } } sourcePage { related { target { slug } } } } }";

fn tag_id(tag: &tags::Model) -> String {
    encode(NodeKind::Tag, tag.id).0
}

fn names(resp: &Value, root: &str) -> Vec<String> {
    resp["data"][root]["techniquePage"]["tags"]
        .as_array()
        .unwrap_or_else(|| panic!("{resp}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn tag_count(t: &TestDb) -> u64 {
    tags::Entity::find().count(&t.db).await.unwrap()
}

async fn pages_of(t: &TestDb, name: &str) -> Value {
    t.execute(&format!(
        "{{ tag(name: \"{name}\") {{ techniquePages {{ totalCount }} }} }}"
    ))
    .await["data"]["tag"]["techniquePages"]["totalCount"]
        .clone()
}

struct Two {
    t: TestDb,
    alpha: creators::Model,
    page: technique_pages::Model,
    second: technique_pages::Model,
    token: String,
}

async fn two_pages() -> Two {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let page = fixtures::page(&t.db, &alpha, "One").slug("one").await;
    let second = fixtures::page(&t.db, &alpha, "Two").slug("two").await;
    let token = curator(&t, "c@r.test", &alpha).await;
    Two {
        t,
        alpha,
        page,
        second,
        token,
    }
}

#[tokio::test]
async fn tag_names_are_normalized_and_created_on_first_use() {
    let Two {
        t,
        page,
        second,
        token,
        ..
    } = two_pages().await;
    let run = |query: &'static str, page: &technique_pages::Model, list: Value| {
        let (t, token, id) = (&t, &token, page_id(page));
        async move {
            t.execute_as(Some(token), query, json!({ "id": id, "names": list }))
                .await
        }
    };
    let resp = run(
        SET,
        &page,
        json!(["Reese Bass", " reese  bass", "\tSIDECHAIN\n"]),
    )
    .await;
    assert!(resp["errors"].is_null(), "{resp}");
    assert_eq!(
        names(&resp, "setTechniquePageTags"),
        ["reese bass", "sidechain"]
    );
    assert_eq!(tag_count(&t).await, 2);

    // The second page reuses the tag; the counts follow.
    let resp = run(ADD, &second, json!(["REESE   BASS", "Neuro"])).await;
    assert_eq!(
        names(&resp, "addTechniquePageTags"),
        ["neuro", "reese bass"]
    );
    assert_eq!(tag_count(&t).await, 3);
    assert_eq!(pages_of(&t, "reese bass").await, 2);

    // Adding what the page has changes nothing; removing ignores unknown names.
    let resp = run(ADD, &page, json!(["reese bass"])).await;
    assert_eq!(
        names(&resp, "addTechniquePageTags"),
        ["reese bass", "sidechain"]
    );
    let resp = run(REMOVE, &page, json!([" Reese Bass ", "never used"])).await;
    assert_eq!(names(&resp, "removeTechniquePageTags"), ["sidechain"]);
    assert_eq!(pages_of(&t, "reese bass").await, 1);
    assert_eq!(tag_count(&t).await, 3, "a tag left without pages stays");

    // Setting replaces; an empty list removes every tag.
    let resp = run(SET, &page, json!(["neuro"])).await;
    assert_eq!(names(&resp, "setTechniquePageTags"), ["neuro"]);
    let resp = run(SET, &page, json!([])).await;
    assert_eq!(names(&resp, "setTechniquePageTags"), Vec::<String>::new());

    // Bad names are refused naming `names`, and nothing changes.
    for bad in [json!(["ok", "   "]), json!(["x".repeat(101)])] {
        let resp = run(SET, &second, bad.clone()).await;
        assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"), "{bad}: {resp}");
        assert_eq!(argument(&resp), "names");
    }
    let kept = t
        .execute("{ techniquePage(slug: \"two\") { tags { name } } }")
        .await;
    assert_eq!(
        kept["data"]["techniquePage"]["tags"],
        json!([{ "name": "neuro" }, { "name": "reese bass" }])
    );
}

#[tokio::test]
async fn curators_adding_the_same_new_tag_at_once_make_one_tag() {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let token = curator(&t, "c@r.test", &alpha).await;
    let mut pages = Vec::new();
    for i in 0..10 {
        pages.push(fixtures::page(&t.db, &alpha, &format!("Page {i}")).await);
    }
    let adds = pages.iter().map(|page| {
        t.execute_as(
            Some(&token),
            ADD,
            json!({ "id": page_id(page), "names": ["Brand New", "brand new"] }),
        )
    });
    for resp in futures::future::join_all(adds).await {
        assert!(resp["errors"].is_null(), "{resp}");
    }
    assert_eq!(tag_count(&t).await, 1);
    assert_eq!(pages_of(&t, "brand new").await, 10);
}

#[tokio::test]
async fn admins_rename_and_merge_tags() {
    let Two {
        t, page, second, ..
    } = two_pages().await;
    let token = admin(&t).await;
    let bass = fixtures::tag(&t.db, "bass").await;
    let basses = fixtures::tag(&t.db, "basses").await;
    let low = fixtures::tag(&t.db, "low end").await;
    fixtures::tag_page(&t.db, &page, &bass).await;
    fixtures::tag_page(&t.db, &page, &basses).await;
    fixtures::tag_page(&t.db, &second, &basses).await;
    fixtures::tag_page(&t.db, &second, &low).await;

    let rename =
        "mutation($id: ID!, $name: String!) { renameTag(id: $id, name: $name) { tag { name } } }";
    let resp = t
        .execute_as(
            Some(&token),
            rename,
            json!({ "id": tag_id(&low), "name": "  Low   END Theory " }),
        )
        .await;
    assert_eq!(
        resp["data"]["renameTag"]["tag"]["name"], "low end theory",
        "{resp}"
    );
    let resp = t
        .execute_as(
            Some(&token),
            rename,
            json!({ "id": tag_id(&low), "name": "BASS" }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("CONFLICT"), "{resp}");
    assert_eq!(resp["errors"][0]["extensions"]["field"], "name");

    let merge = "mutation($from: [ID!]!, $into: ID!) { mergeTags(from: $from, into: $into) { \
        tag { name techniquePages { totalCount } } } }";
    let resp = t
        .execute_as(
            Some(&token),
            merge,
            json!({ "from": [tag_id(&basses), tag_id(&low)], "into": tag_id(&bass) }),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    assert_eq!(
        resp["data"]["mergeTags"]["tag"],
        json!({ "name": "bass", "techniquePages": { "totalCount": 2 } })
    );
    assert_eq!(tag_count(&t).await, 1);
    // The page that had both keeps one link.
    assert_eq!(
        technique_page_tags::Entity::find()
            .filter(technique_page_tags::Column::TechniquePageId.eq(page.id))
            .count(&t.db)
            .await
            .unwrap(),
        1
    );

    // Merging into itself or from nothing is refused; an unknown tag is NOT_FOUND.
    let resp = t
        .execute_as(
            Some(&token),
            merge,
            json!({ "from": [tag_id(&bass)], "into": tag_id(&bass) }),
        )
        .await;
    assert_eq!(argument(&resp), "from", "{resp}");
    let resp = t
        .execute_as(
            Some(&token),
            merge,
            json!({ "from": [], "into": tag_id(&bass) }),
        )
        .await;
    assert_eq!(argument(&resp), "from", "{resp}");
    let resp = t
        .execute_as(
            Some(&token),
            merge,
            json!({ "from": [tag_id(&low)], "into": tag_id(&bass) }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
}

async fn link(
    t: &TestDb,
    token: &str,
    source: &technique_pages::Model,
    target: &technique_pages::Model,
    kind: &str,
) -> Value {
    t.execute_as(
        Some(token),
        LINK,
        json!({ "input": { "sourceId": page_id(source), "targetId": page_id(target),
                           "relationshipType": kind, "label": " See also " } }),
    )
    .await
}

#[tokio::test]
async fn links_refuse_self_links_duplicates_and_prerequisite_cycles() {
    let Two {
        t,
        alpha,
        page,
        second,
        token,
    } = two_pages().await;
    let third = fixtures::page(&t.db, &alpha, "Three").slug("three").await;

    let resp = link(&t, &token, &page, &second, "PREREQUISITE").await;
    assert!(resp["errors"].is_null(), "{resp}");
    assert_eq!(
        resp["data"]["linkTechniquePages"],
        json!({ "link": { "relationship": "PREREQUISITE", "label": "See also", "target": { "slug": "two" } },
                "sourcePage": { "related": [{ "target": { "slug": "two" } }] } })
    );
    // The same pages may also be related otherwise, never twice the same way.
    let resp = link(&t, &token, &page, &second, "RELATED").await;
    assert!(resp["errors"].is_null(), "{resp}");
    let resp = link(&t, &token, &page, &second, "PREREQUISITE").await;
    assert_eq!(error_code(&resp), Some("CONFLICT"), "{resp}");
    assert_eq!(resp["errors"][0]["extensions"]["field"], "targetId");

    let resp = link(&t, &token, &page, &page, "RELATED").await;
    assert_eq!(argument(&resp), "input.targetId", "{resp}");

    // one → two → three, and three → one would close the cycle.
    let resp = link(&t, &token, &second, &third, "PREREQUISITE").await;
    assert!(resp["errors"].is_null(), "{resp}");
    let resp = link(&t, &token, &third, &page, "PREREQUISITE").await;
    assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"), "{resp}");
    assert_eq!(argument(&resp), "input.targetId");
    let message = resp["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("three → one → two → three"), "{message}");
    // Other kinds of link may go back.
    let resp = link(&t, &token, &third, &page, "BUILDS_ON").await;
    assert!(resp["errors"].is_null(), "{resp}");

    // Another creator's curator may not link from Alpha's page, but may link to it.
    let beta = fixtures::creator(&t.db, "Beta").await;
    let beta_page = fixtures::page(&t.db, &beta, "Theirs").await;
    let stranger = curator(&t, "beta@r.test", &beta).await;
    let resp = link(&t, &stranger, &page, &beta_page, "RELATED").await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
    let resp = link(&t, &stranger, &beta_page, &page, "RELATED").await;
    assert!(resp["errors"].is_null(), "{resp}");

    // Unlinking removes one type or all.
    let unlink = "mutation($input: UnlinkTechniquePagesInput!) { unlinkTechniquePages(input: $input) { \
        removedCount sourcePage { related { relationship } } } }";
    let resp = t
        .execute_as(
            Some(&token),
            unlink,
            json!({ "input": { "sourceId": page_id(&page), "targetId": page_id(&second),
                               "relationshipType": "RELATED" } }),
        )
        .await;
    assert_eq!(
        resp["data"]["unlinkTechniquePages"],
        json!({ "removedCount": 1, "sourcePage": { "related": [{ "relationship": "PREREQUISITE" }] } }),
        "{resp}"
    );
    let resp = t
        .execute_as(
            Some(&token),
            unlink,
            json!({ "input": { "sourceId": page_id(&page), "targetId": page_id(&second) } }),
        )
        .await;
    assert_eq!(
        resp["data"]["unlinkTechniquePages"]["removedCount"], 1,
        "{resp}"
    );
    // With the prerequisite gone, three → one is allowed.
    let resp = link(&t, &token, &third, &page, "PREREQUISITE").await;
    assert!(resp["errors"].is_null(), "{resp}");
    assert_eq!(
        related_technique_links::Entity::find()
            .count(&t.db)
            .await
            .unwrap(),
        4
    );
}

#[tokio::test]
async fn sources_must_be_the_creators_videos_unless_an_admin_attaches_them() {
    let Two {
        t,
        alpha,
        page,
        token,
        ..
    } = two_pages().await;
    let own = fixtures::video(&t.db, &alpha).await;
    fixtures::consent(&t.db, &own)
        .kb_inclusion(true)
        .public_display(true)
        .await;
    let beta = fixtures::creator(&t.db, "Beta").await;
    let theirs = fixtures::video(&t.db, &beta).await;
    let attach = "mutation($page: ID!, $video: ID!) { attachSourceVideo(pageId: $page, videoId: $video) { \
        techniquePage { sourceVideos { id } } } }";
    let detach = "mutation($page: ID!, $video: ID!) { detachSourceVideo(pageId: $page, videoId: $video) { \
        techniquePage { sourceVideos { id } } } }";
    let vars = |video: &entity::source_videos::Model| json!({ "page": page_id(&page), "video": encode(NodeKind::SourceVideo, video.id).0 });
    let ids = |resp: &Value, root: &str| -> Vec<String> {
        resp["data"][root]["techniquePage"]["sourceVideos"]
            .as_array()
            .unwrap_or_else(|| panic!("{resp}"))
            .iter()
            .map(|v| v["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let own_id = encode(NodeKind::SourceVideo, own.id).0;
    let theirs_id = encode(NodeKind::SourceVideo, theirs.id).0;

    let resp = t.execute_as(Some(&token), attach, vars(&own)).await;
    assert_eq!(
        ids(&resp, "attachSourceVideo"),
        std::slice::from_ref(&own_id)
    );
    // Again: nothing changes.
    let resp = t.execute_as(Some(&token), attach, vars(&own)).await;
    assert_eq!(
        ids(&resp, "attachSourceVideo"),
        std::slice::from_ref(&own_id)
    );

    let resp = t.execute_as(Some(&token), attach, vars(&theirs)).await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
    let admin = admin(&t).await;
    let resp = t.execute_as(Some(&admin), attach, vars(&theirs)).await;
    let mut got = ids(&resp, "attachSourceVideo");
    got.sort();
    let mut want = vec![own_id.clone(), theirs_id.clone()];
    want.sort();
    assert_eq!(got, want);

    // Visibility still decides who sees a source: Beta's video has no knowledge-base consent.
    let public = t
        .execute("{ techniquePage(slug: \"one\") { sourceVideos { id } } }")
        .await;
    assert_eq!(
        public["data"]["techniquePage"]["sourceVideos"],
        json!([{ "id": own_id }])
    );

    let resp = t.execute_as(Some(&token), detach, vars(&own)).await;
    assert!(resp["errors"].is_null(), "{resp}");
    let resp = t.execute_as(Some(&admin), detach, vars(&theirs)).await;
    assert_eq!(ids(&resp, "detachSourceVideo"), Vec::<String>::new());
    let unknown = json!({ "page": page_id(&page),
                          "video": encode(NodeKind::SourceVideo, uuid::Uuid::new_v4()).0 });
    let resp = t.execute_as(Some(&token), attach, unknown).await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
}

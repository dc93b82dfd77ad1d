//! Key moment review and chapters (issue 13, item 7): `reviewKeyMoments`, `updateKeyMoment`,
//! `setChapterStatus`, `reorderKeyMoments`, and the visibility rule that hides rejected moments
//! and hidden chapters from every public path (lists, lookups, `node(id:)`, search, a cached
//! search) while curators see everything.

use entity::{
    creators, key_moments,
    sea_orm_active_enums::{ChapterStatus, UserRole},
    source_videos,
};
use graph::{
    Viewer, ViewerUser,
    ids::{NodeKind, encode},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use support::{TestDb, error_code, fixtures};
use uuid::Uuid;

use crate::editorial_pages::{admin, argument, curator};

const REVIEW: &str = "mutation($ids: [ID!]!, $status: ReviewStatus!) { reviewKeyMoments(ids: $ids, \
    status: $status) { keyMoments { title reviewStatus version } } }";
const CHAPTERS: &str = "mutation($ids: [ID!]!, $status: ChapterStatus!) { setChapterStatus(ids: $ids, \
    status: $status) { keyMoments { title chapterStatus } } }";
const UPDATE: &str = "mutation($id: ID!, $v: Int, $input: UpdateKeyMomentInput!) { updateKeyMoment(id: $id, \
    expectedVersion: $v, input: $input) { keyMoment { title summary startTime endTime topicCategory \
    topicTags contentType version } } }";
const REORDER: &str = "mutation($video: ID!, $ids: [ID!]!) { reorderKeyMoments(videoId: $video, \
    orderedIds: $ids) { sourceVideo { keyMoments(first: 50) { nodes { title sortOrder } } } } }";

fn mid(moment: &key_moments::Model) -> String {
    encode(NodeKind::KeyMoment, moment.id).0
}

fn vid(video: &source_videos::Model) -> String {
    encode(NodeKind::SourceVideo, video.id).0
}

struct Set {
    t: TestDb,
    alpha: creators::Model,
    video: source_videos::Model,
    moments: Vec<key_moments::Model>,
    token: String,
}

/// Alpha's public, searchable video with moments "Zanzibar one", "Zanzibar two", "Zanzibar three".
async fn set() -> Set {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let video = fixtures::video(&t.db, &alpha).await;
    fixtures::consent(&t.db, &video)
        .kb_inclusion(true)
        .public_display(true)
        .await;
    let mut moments = Vec::new();
    for (i, name) in ["one", "two", "three"].iter().enumerate() {
        let start = i as f64 * 10.0;
        moments.push(
            fixtures::key_moment(&t.db, &video, &format!("Zanzibar {name}"))
                .span(start, start + 10.0)
                .await,
        );
    }
    let token = curator(&t, "c@k.test", &alpha).await;
    Set {
        t,
        alpha,
        video,
        moments,
        token,
    }
}

/// What a viewer sees of the moments: the video's list and count, the root list, each moment by
/// `node(id:)`, and a search for "zanzibar".
async fn seen(
    t: &TestDb,
    token: Option<&str>,
    video: &source_videos::Model,
    moments: &[key_moments::Model],
) -> Value {
    let nodes: Vec<String> = moments.iter().map(mid).collect();
    let resp = t
        .execute_as(
            token,
            "query($video: ID!, $ids: [ID!]!) { sourceVideo(id: $video) { keyMoments(first: 50) { \
             totalCount nodes { title } } } keyMoments(first: 50) { totalCount nodes { title } } \
             nodes(ids: $ids) { ... on KeyMoment { title } } \
             search(query: \"zanzibar\", types: [KEY_MOMENT]) { totalCount } }",
            json!({ "video": vid(video), "ids": nodes }),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let titles = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|n| n["title"].as_str().unwrap_or("<hidden>").to_owned())
            .collect()
    };
    let d = &resp["data"];
    json!({
        "video": titles(&d["sourceVideo"]["keyMoments"]["nodes"]),
        "videoCount": d["sourceVideo"]["keyMoments"]["totalCount"],
        "root": titles(&d["keyMoments"]["nodes"]),
        "rootCount": d["keyMoments"]["totalCount"],
        "nodes": d["nodes"].as_array().unwrap().iter().map(|n| if n.is_null() { "<hidden>".to_owned() } else { n["title"].as_str().unwrap().to_owned() }).collect::<Vec<_>>(),
        "search": d["search"]["totalCount"],
    })
}

fn everything(titles: &[&str]) -> Value {
    json!({
        "video": titles, "videoCount": titles.len(), "root": titles, "rootCount": titles.len(),
        "nodes": titles, "search": titles.len(),
    })
}

#[tokio::test]
async fn rejected_moments_and_hidden_chapters_leave_every_public_path() {
    let Set {
        t,
        video,
        moments,
        token,
        ..
    } = set().await;
    let all = ["Zanzibar one", "Zanzibar two", "Zanzibar three"];
    assert_eq!(seen(&t, None, &video, &moments).await, everything(&all));

    // A search answered before the change, on one schema with its cache.
    let schema = t.logging_schema();
    let search = "{ search(query: \"zanzibar\", types: [KEY_MOMENT]) { totalCount nodes { ... on KeyMoment { title } } } }";
    let before = t
        .execute_on(&schema.0, Viewer::Anonymous, search, json!({}))
        .await;
    assert_eq!(before["data"]["search"]["totalCount"], 3, "{before}");

    let resp = t
        .execute_as(
            Some(&token),
            REVIEW,
            json!({ "ids": [mid(&moments[1]), mid(&moments[0])], "status": "REJECTED" }),
        )
        .await;
    assert_eq!(
        resp["data"]["reviewKeyMoments"]["keyMoments"],
        json!([
            { "title": "Zanzibar two", "reviewStatus": "REJECTED", "version": 2 },
            { "title": "Zanzibar one", "reviewStatus": "REJECTED", "version": 2 },
        ]),
        "{resp}"
    );
    let resp = t
        .execute_as(
            Some(&token),
            REVIEW,
            json!({ "ids": [mid(&moments[0])], "status": "APPROVED" }),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let resp = t
        .execute_as(
            Some(&token),
            CHAPTERS,
            json!({ "ids": [mid(&moments[2])], "status": "HIDDEN" }),
        )
        .await;
    assert_eq!(
        resp["data"]["setChapterStatus"]["keyMoments"],
        json!([{ "title": "Zanzibar three", "chapterStatus": "HIDDEN" }]),
        "{resp}"
    );

    // Only "one" (approved) is public now; curators of Alpha and admins see all three.
    assert_eq!(
        seen(&t, None, &video, &moments).await,
        json!({ "video": ["Zanzibar one"], "videoCount": 1, "root": ["Zanzibar one"], "rootCount": 1,
                "nodes": ["Zanzibar one", "<hidden>", "<hidden>"], "search": 1 })
    );
    assert_eq!(
        seen(&t, Some(&token), &video, &moments).await,
        everything(&all)
    );
    let admin = admin(&t).await;
    assert_eq!(
        seen(&t, Some(&admin), &video, &moments).await,
        everything(&all)
    );
    let beta = fixtures::creator(&t.db, "Beta").await;
    let stranger = curator(&t, "beta@k.test", &beta).await;
    assert_eq!(
        seen(&t, Some(&stranger), &video, &moments).await["nodes"],
        json!(["Zanzibar one", "<hidden>", "<hidden>"])
    );
    // The cached search drops them too.
    let after = t
        .execute_on(&schema.0, Viewer::Anonymous, search, json!({}))
        .await;
    assert_eq!(
        after["data"]["search"],
        json!({ "totalCount": 1, "nodes": [{ "title": "Zanzibar one" }] }),
        "{after}"
    );
    let curator_view = Viewer::User(ViewerUser {
        id: Uuid::new_v4(),
        role: UserRole::Creator,
        creator_id: Some(moments_creator(&t, &video).await),
    });
    let theirs = t
        .execute_on(&schema.0, curator_view, search, json!({}))
        .await;
    assert_eq!(theirs["data"]["search"]["totalCount"], 3, "{theirs}");
}

async fn moments_creator(t: &TestDb, video: &source_videos::Model) -> Uuid {
    source_videos::Entity::find_by_id(video.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap()
        .creator_id
}

#[tokio::test]
async fn a_review_is_all_or_nothing_and_hidden_moments_are_not_found_by_strangers() {
    let Set {
        t,
        alpha,
        moments,
        token,
        ..
    } = set().await;
    let unknown = encode(NodeKind::KeyMoment, Uuid::new_v4()).0;
    let resp = t
        .execute_as(
            Some(&token),
            REVIEW,
            json!({ "ids": [mid(&moments[0]), unknown], "status": "REJECTED" }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
    let stored = key_moments::Entity::find_by_id(moments[0].id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.review_status, "pending");
    assert_eq!(stored.version, 1);

    let resp = t
        .execute_as(
            Some(&token),
            REVIEW,
            json!({ "ids": [], "status": "APPROVED" }),
        )
        .await;
    assert_eq!(argument(&resp), "ids", "{resp}");

    // A stranger is FORBIDDEN on a moment it can see, and told NOT_FOUND on one it cannot.
    let beta = fixtures::creator(&t.db, "Beta").await;
    let stranger = curator(&t, "beta@k.test", &beta).await;
    let resp = t
        .execute_as(
            Some(&stranger),
            REVIEW,
            json!({ "ids": [mid(&moments[0])], "status": "APPROVED" }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
    let resp = t
        .execute_as(
            Some(&token),
            CHAPTERS,
            json!({ "ids": [mid(&moments[1])], "status": "HIDDEN" }),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let resp = t
        .execute_as(
            Some(&stranger),
            REVIEW,
            json!({ "ids": [mid(&moments[1])], "status": "APPROVED" }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
    let _ = alpha;

    // Setting what is already set changes no version.
    let resp = t
        .execute_as(
            Some(&token),
            CHAPTERS,
            json!({ "ids": [mid(&moments[1])], "status": "HIDDEN" }),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let stored = key_moments::Entity::find_by_id(moments[1].id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.chapter_status, ChapterStatus::Hidden);
    assert_eq!(stored.version, 2);
}

#[tokio::test]
async fn a_moment_edit_checks_times_and_its_version() {
    let Set {
        t, moments, token, ..
    } = set().await;
    let id = mid(&moments[0]);
    let resp = t
        .execute_as(
            Some(&token),
            UPDATE,
            json!({ "id": id, "v": 1, "input": { "title": " Better title ", "summary": "Why",
                    "startTime": 2.5, "endTime": 8.0, "topicCategory": "Mixing",
                    "topicTags": [" eq "], "contentType": "TUTORIAL" } }),
        )
        .await;
    assert_eq!(
        resp["data"]["updateKeyMoment"]["keyMoment"],
        json!({ "title": "Better title", "summary": "Why", "startTime": 2.5, "endTime": 8.0,
                "topicCategory": "Mixing", "topicTags": ["eq"], "contentType": "TUTORIAL", "version": 2 }),
        "{resp}"
    );

    // A stale version is a CONFLICT with the current one; without a version the edit applies.
    let resp = t
        .execute_as(
            Some(&token),
            UPDATE,
            json!({ "id": id, "v": 1, "input": { "title": "Stale" } }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("CONFLICT"), "{resp}");
    assert_eq!(resp["errors"][0]["extensions"]["currentVersion"], 2);
    let resp = t
        .execute_as(
            Some(&token),
            UPDATE,
            json!({ "id": id, "input": { "topicCategory": "" } }),
        )
        .await;
    assert_eq!(
        resp["data"]["updateKeyMoment"]["keyMoment"]["topicCategory"],
        Value::Null,
        "{resp}"
    );
    assert_eq!(resp["data"]["updateKeyMoment"]["keyMoment"]["version"], 3);

    // Times: 0 ≤ start < end, whichever of the two the edit names.
    for (input, field) in [
        (json!({ "startTime": -1.0 }), "input.startTime"),
        (json!({ "startTime": 8.0 }), "input.startTime"),
        (json!({ "endTime": 1.0 }), "input.endTime"),
        (json!({ "startTime": 5.0, "endTime": 5.0 }), "input.endTime"),
        (json!({ "title": "  " }), "input.title"),
        (json!({ "topicTags": ["ok", ""] }), "input.topicTags"),
    ] {
        let resp = t
            .execute_as(
                Some(&token),
                UPDATE,
                json!({ "id": id, "input": input.clone() }),
            )
            .await;
        assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"), "{input}: {resp}");
        assert_eq!(argument(&resp), field, "{input}: {resp}");
    }
    let stored = key_moments::Entity::find_by_id(moments[0].id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.start_time, stored.end_time, stored.version),
        (2.5, 8.0, 3)
    );
}

#[tokio::test]
async fn reordering_takes_exactly_the_videos_moments() {
    let Set {
        t,
        alpha,
        video,
        moments,
        token,
    } = set().await;
    let other_video = fixtures::video(&t.db, &alpha).await;
    let elsewhere = fixtures::key_moment(&t.db, &other_video, "Elsewhere").await;
    let order = |ids: Vec<String>| json!({ "video": vid(&video), "ids": ids });

    let resp = t
        .execute_as(
            Some(&token),
            REORDER,
            order(vec![mid(&moments[2]), mid(&moments[0]), mid(&moments[1])]),
        )
        .await;
    assert_eq!(
        resp["data"]["reorderKeyMoments"]["sourceVideo"]["keyMoments"]["nodes"],
        json!([
            { "title": "Zanzibar three", "sortOrder": 0 },
            { "title": "Zanzibar one", "sortOrder": 1 },
            { "title": "Zanzibar two", "sortOrder": 2 },
        ]),
        "{resp}"
    );
    for ids in [
        vec![mid(&moments[0]), mid(&moments[1])],
        vec![mid(&moments[0]), mid(&moments[1]), mid(&moments[1])],
        vec![
            mid(&moments[0]),
            mid(&moments[1]),
            mid(&moments[2]),
            mid(&elsewhere),
        ],
        vec![mid(&moments[0]), mid(&moments[1]), mid(&elsewhere)],
    ] {
        let resp = t
            .execute_as(Some(&token), REORDER, order(ids.clone()))
            .await;
        assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"), "{ids:?}: {resp}");
        assert_eq!(argument(&resp), "orderedIds");
    }
    let stored: Vec<(String, i32)> = key_moments::Entity::find()
        .filter(key_moments::Column::SourceVideoId.eq(video.id))
        .order_by_asc(key_moments::Column::SortOrder)
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.title, m.sort_order))
        .collect();
    assert_eq!(
        stored,
        [
            ("Zanzibar three".to_owned(), 0),
            ("Zanzibar one".to_owned(), 1),
            ("Zanzibar two".to_owned(), 2)
        ]
    );

    let beta = fixtures::creator(&t.db, "Beta").await;
    let stranger = curator(&t, "beta@k.test", &beta).await;
    let resp = t
        .execute_as(
            Some(&stranger),
            REORDER,
            order(vec![mid(&moments[0]), mid(&moments[1]), mid(&moments[2])]),
        )
        .await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
}

//! Content reports and moderation (issue 14, items 5–7): `reportContent` (visibility, kinds,
//! de-duplication, rate limits, bad input), the workflow's every allowed and refused move, the
//! fixes a resolution applies, the admin list and counts, and creators reading reports about
//! their content without the reporter.

use entity::{
    content_reports, key_moments,
    sea_orm_active_enums::{ChapterStatus, UserRole},
};
use graph::ids::{NodeKind, encode};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};
use support::{TestDb, error_code, fixtures};

use crate::editorial_pages::{admin, argument, curator};

const REPORT: &str = "mutation($input: ReportContentInput!) { reportContent(input: $input) { \
    report { id status reportType targetType } } }";

fn input(target: &str, description: &str) -> Value {
    json!({ "input": { "targetId": target, "reportType": "INACCURACY", "description": description } })
}

async fn report_count(t: &TestDb) -> u64 {
    content_reports::Entity::find().count(&t.db).await.unwrap()
}

struct World {
    t: TestDb,
    alpha: entity::creators::Model,
    page: String,
    moment: key_moments::Model,
    post: String,
    hidden_video: String,
    user_id: String,
}

async fn world() -> World {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let page = fixtures::page(&t.db, &alpha, "Page").await;
    let video = fixtures::video(&t.db, &alpha).await;
    let moment = fixtures::key_moment(&t.db, &video, "Moment").await;
    let post = fixtures::post(&t.db, &alpha, "News").await;
    let hidden = fixtures::video(&t.db, &alpha).await;
    fixtures::consent(&t.db, &hidden)
        .public_display(false)
        .await;
    let fan = t.user("fan@r.test", UserRole::Creator, None).await;
    World {
        page: encode(NodeKind::TechniquePage, page.id).0,
        post: encode(NodeKind::Post, post.id).0,
        hidden_video: encode(NodeKind::SourceVideo, hidden.id).0,
        user_id: encode(NodeKind::User, fan.id).0,
        t,
        alpha,
        moment,
    }
}

#[tokio::test]
async fn anyone_reports_what_they_can_see_and_only_that() {
    let w = world().await;
    let t = &w.t;
    let moment = encode(NodeKind::KeyMoment, w.moment.id).0;
    let creator = encode(NodeKind::Creator, w.alpha.id).0;
    for (target, kind) in [
        (&w.page, "technique_page"),
        (&moment, "key_moment"),
        (&w.post, "post"),
        (&creator, "creator"),
    ] {
        let resp = t.execute_with(REPORT, input(target, " Wrong. ")).await;
        assert_eq!(
            resp["data"]["reportContent"]["report"]["targetType"], kind,
            "{resp}"
        );
        assert_eq!(resp["data"]["reportContent"]["report"]["status"], "OPEN");
    }
    let stored = content_reports::Entity::find().all(&t.db).await.unwrap();
    assert!(stored.iter().all(|r| r.description == "Wrong."));
    assert!(stored.iter().all(|r| r.creator_id == Some(w.alpha.id)));

    // Hidden or missing: NOT_FOUND, exactly like a missing row. Wrong kinds and bad ids, bad
    // descriptions: BAD_USER_INPUT naming the field. Nothing is written.
    let before = report_count(t).await;
    let resp = t.execute_with(REPORT, input(&w.hidden_video, "x")).await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
    let missing = encode(NodeKind::TechniquePage, uuid::Uuid::new_v4()).0;
    let resp = t.execute_with(REPORT, input(&missing, "x")).await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "{resp}");
    for (vars, field) in [
        (input(&w.user_id, "x"), "input.targetId"),
        (input("not-an-id", "x"), "input.targetId"),
        (input(&w.page, "   "), "input.description"),
        (input(&w.page, &"x".repeat(2001)), "input.description"),
    ] {
        let resp = t.execute_with(REPORT, vars).await;
        assert_eq!(error_code(&resp), Some("BAD_USER_INPUT"), "{resp}");
        assert_eq!(argument(&resp), field, "{resp}");
    }
    assert_eq!(report_count(t).await, before);
}

#[tokio::test]
async fn filing_again_returns_the_open_report_and_reporters_are_rate_limited() {
    let w = world().await;
    let t = &w.t;
    let fan = t.user("reader@r.test", UserRole::Creator, None).await;
    let token = t.token(&fan);
    let first = t
        .execute_as(Some(&token), REPORT, input(&w.page, "one"))
        .await;
    let again = t
        .execute_as(Some(&token), REPORT, input(&w.page, "two"))
        .await;
    assert_eq!(
        first["data"]["reportContent"]["report"]["id"],
        again["data"]["reportContent"]["report"]["id"],
        "{again}"
    );
    let ip: std::net::IpAddr = "198.51.100.20".parse().unwrap();
    let anon = |target: &str| t.execute_request(None, Some(ip), REPORT, input(target, "anon"));
    let a = anon(&w.page).await;
    let b = anon(&w.page).await;
    assert_eq!(
        a["data"]["reportContent"]["report"]["id"],
        b["data"]["reportContent"]["report"]["id"]
    );
    assert_ne!(
        a["data"]["reportContent"]["report"]["id"],
        first["data"]["reportContent"]["report"]["id"]
    );
    assert_eq!(report_count(t).await, 2);

    // Ten filings per address per hour (two made above), then RATE_LIMITED; another address is
    // not affected.
    for _ in 0..8 {
        let resp = anon(&w.post).await;
        assert!(resp["errors"].is_null(), "{resp}");
    }
    let resp = anon(&w.post).await;
    assert_eq!(error_code(&resp), Some("RATE_LIMITED"), "{resp}");
    let other: std::net::IpAddr = "198.51.100.21".parse().unwrap();
    let resp = t
        .execute_request(None, Some(other), REPORT, input(&w.post, "other"))
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
}

const MOVES: [&str; 4] = [
    "mutation($id: ID!) { acknowledgeReport(id: $id) { report { status } } }",
    "mutation($id: ID!) { resolveReport(id: $id, notes: \"done\") { report { status } } }",
    "mutation($id: ID!) { dismissReport(id: $id, notes: \"no\") { report { status } } }",
    "mutation($id: ID!) { reopenReport(id: $id) { report { status } } }",
];

#[tokio::test]
async fn the_workflow_allows_its_moves_and_refuses_every_other() {
    let w = world().await;
    let t = &w.t;
    let admin = admin(t).await;
    let filed = t.execute_with(REPORT, input(&w.page, "wrong")).await;
    let id = filed["data"]["reportContent"]["report"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let status = |s: &str| {
        let t = &w.t;
        let id = id.clone();
        let s = s.to_owned();
        async move {
            use sea_orm::ConnectionTrait;
            let key = graph::ids::decode(&id, NodeKind::ContentReport, "id").unwrap();
            t.db.execute_unprepared(&format!(
                "UPDATE content_reports SET status = '{s}', resolved_by = NULL, resolved_at = NULL WHERE id = '{key}'"
            ))
            .await
            .unwrap();
        }
    };
    // (from, move) → to, or refused.
    let table = [
        ("open", 0, Some("ACKNOWLEDGED")),
        ("open", 1, Some("RESOLVED")),
        ("open", 2, Some("DISMISSED")),
        ("open", 3, None),
        ("acknowledged", 0, None),
        ("acknowledged", 1, Some("RESOLVED")),
        ("acknowledged", 2, Some("DISMISSED")),
        ("acknowledged", 3, None),
        ("resolved", 0, None),
        ("resolved", 1, None),
        ("resolved", 2, None),
        ("resolved", 3, Some("OPEN")),
        ("dismissed", 0, None),
        ("dismissed", 1, None),
        ("dismissed", 2, None),
        ("dismissed", 3, Some("OPEN")),
    ];
    for (from, step, to) in table {
        status(from).await;
        let resp = t
            .execute_as(Some(&admin), MOVES[step], json!({ "id": id }))
            .await;
        let row = content_reports::Entity::find()
            .one(&t.db)
            .await
            .unwrap()
            .unwrap();
        match to {
            Some(to) => {
                let root = resp["data"]
                    .as_object()
                    .and_then(|d| d.values().next())
                    .cloned();
                assert_eq!(
                    root.map(|r| r["report"]["status"].clone()),
                    Some(json!(to)),
                    "{from} --{step}--> {resp}"
                );
                let closed = matches!(to, "RESOLVED" | "DISMISSED");
                assert_eq!(row.resolved_at.is_some(), closed, "{from} --{step}");
                assert_eq!(row.resolved_by.is_some(), closed, "{from} --{step}");
            }
            None => {
                assert_eq!(
                    error_code(&resp),
                    Some("BAD_USER_INPUT"),
                    "{from} --{step}--> {resp}"
                );
                assert_eq!(
                    resp["errors"][0]["extensions"]["detail"],
                    "INVALID_TRANSITION"
                );
                assert_eq!(
                    format!("{:?}", row.status).to_lowercase(),
                    from,
                    "nothing changed"
                );
            }
        }
    }
    // Only admins moderate.
    let owner = curator(t, "owner@r.test", &w.alpha).await;
    let resp = t
        .execute_as(Some(&owner), MOVES[0], json!({ "id": id }))
        .await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
}

#[tokio::test]
async fn a_resolution_applies_its_fix_in_the_same_transaction() {
    let w = world().await;
    let t = &w.t;
    let admin = admin(t).await;
    let moment = encode(NodeKind::KeyMoment, w.moment.id).0;
    let filed = t.execute_with(REPORT, input(&moment, "offensive")).await;
    let id = filed["data"]["reportContent"]["report"]["id"].clone();
    let resolve = "mutation($id: ID!, $action: ModerationAction) { resolveReport(id: $id, action: $action) { report { status } } }";
    // A fix for another kind of content is refused, and nothing changes.
    let resp = t
        .execute_as(
            Some(&admin),
            resolve,
            json!({ "id": id, "action": "UNPUBLISH_POST" }),
        )
        .await;
    assert_eq!(argument(&resp), "action", "{resp}");
    let row = content_reports::Entity::find()
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(format!("{:?}", row.status), "Open");
    let resp = t
        .execute_as(
            Some(&admin),
            resolve,
            json!({ "id": id, "action": "HIDE_CHAPTER" }),
        )
        .await;
    assert_eq!(
        resp["data"]["resolveReport"]["report"]["status"], "RESOLVED",
        "{resp}"
    );
    let stored = key_moments::Entity::find_by_id(w.moment.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.chapter_status, ChapterStatus::Hidden);
    // The public no longer sees the moment; the report's target resolves through visibility.
    let seen = t
        .execute_with(
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": moment }),
        )
        .await;
    assert_eq!(seen["data"]["node"], Value::Null);

    let post_report = t.execute_with(REPORT, input(&w.post, "spam")).await;
    let resp = t
        .execute_as(
            Some(&admin),
            resolve,
            json!({ "id": post_report["data"]["reportContent"]["report"]["id"], "action": "UNPUBLISH_POST" }),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let post = entity::posts::Entity::find()
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert!(!post.is_published);

    // Rejecting a reported moment, revoking a reported short's share link.
    let other = fixtures::key_moment(&t.db, &video_of(t, &w.moment).await, "Other").await;
    let other_id = encode(NodeKind::KeyMoment, other.id).0;
    let filed = t.execute_with(REPORT, input(&other_id, "wrong")).await;
    let resp = t
        .execute_as(
            Some(&admin),
            resolve,
            json!({ "id": filed["data"]["reportContent"]["report"]["id"], "action": "REJECT_KEY_MOMENT" }),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let stored = key_moments::Entity::find_by_id(other.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.review_status, "rejected");

    let highlight = fixtures::highlight(&t.db, &w.moment).await;
    let short = fixtures::short(&t.db, &highlight, "k9")
        .share_token("report-share")
        .await;
    // A short is its creator's material: the owner reports it (the public cannot see it by id).
    let owner = curator(t, "owner@r.test", &w.alpha).await;
    let short_id = encode(NodeKind::GeneratedShort, short.id).0;
    let filed = t
        .execute_as(Some(&owner), REPORT, input(&short_id, "leaked"))
        .await;
    assert!(filed["errors"].is_null(), "{filed}");
    let resp = t
        .execute_as(
            Some(&admin),
            resolve,
            json!({ "id": filed["data"]["reportContent"]["report"]["id"], "action": "REVOKE_SHARE_LINK" }),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let stored = entity::generated_shorts::Entity::find_by_id(short.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.share_token, None);
}

async fn video_of(t: &TestDb, moment: &key_moments::Model) -> entity::source_videos::Model {
    entity::source_videos::Entity::find_by_id(moment.source_video_id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn admins_list_and_count_reports_and_creators_read_theirs_without_the_reporter() {
    let w = world().await;
    let t = &w.t;
    let admin = admin(t).await;
    let fan = t.user("reader@r.test", UserRole::Creator, None).await;
    let fan_token = t.token(&fan);
    let moment = encode(NodeKind::KeyMoment, w.moment.id).0;
    t.execute_as(Some(&fan_token), REPORT, input(&w.page, "one"))
        .await;
    t.execute_as(Some(&fan_token), REPORT, input(&moment, "two"))
        .await;
    let third = t.execute_with(REPORT, input(&w.post, "three")).await;
    t.execute_as(
        Some(&admin),
        MOVES[2],
        json!({ "id": third["data"]["reportContent"]["report"]["id"] }),
    )
    .await;

    let list = "query($f: ContentReportFilter, $o: ContentReportOrder) { contentReports(first: 10, filter: $f, orderBy: $o) { \
        totalCount nodes { description reporter { email } } } contentReportCounts(filter: $f) { open acknowledged resolved dismissed } }";
    let resp = t
        .execute_as(
            Some(&admin),
            list,
            json!({ "f": null, "o": "CREATED_AT_ASC" }),
        )
        .await;
    assert_eq!(resp["data"]["contentReports"]["totalCount"], 3, "{resp}");
    assert_eq!(
        resp["data"]["contentReports"]["nodes"][0]["description"],
        "one"
    );
    assert_eq!(
        resp["data"]["contentReports"]["nodes"][0]["reporter"]["email"],
        "reader@r.test"
    );
    assert_eq!(
        resp["data"]["contentReportCounts"],
        json!({ "open": 2, "acknowledged": 0, "resolved": 0, "dismissed": 1 })
    );
    let resp = t
        .execute_as(
            Some(&admin),
            list,
            json!({ "f": { "status": "OPEN", "targetType": "KEY_MOMENT" } }),
        )
        .await;
    assert_eq!(resp["data"]["contentReports"]["totalCount"], 1, "{resp}");
    assert_eq!(
        resp["data"]["contentReports"]["nodes"][0]["description"],
        "two"
    );

    // The creator's users read the reports about their content, without the reporter.
    let owner = curator(t, "owner@r.test", &w.alpha).await;
    let theirs = "query($slug: String!) { creator(slug: $slug) { contentReports(first: 10) { totalCount \
        nodes { description status reporter { email } } } } }";
    let resp = t
        .execute_as(Some(&owner), theirs, json!({ "slug": w.alpha.slug }))
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    let nodes = resp["data"]["creator"]["contentReports"]["nodes"]
        .as_array()
        .unwrap();
    assert_eq!(nodes.len(), 3);
    assert!(nodes.iter().all(|n| n["reporter"].is_null()), "{resp}");
    // Nobody else does.
    let resp = t
        .execute_as(Some(&fan_token), theirs, json!({ "slug": w.alpha.slug }))
        .await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
    let resp = t.execute_as(Some(&owner), list, json!({ "f": null })).await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
}

//! Visibility rules through every path: lists, lookups, `node(id:)`, nested relations. A hidden
//! row looks exactly like a missing one.

use chrono::Utc;
use graph::{
    Viewer, ViewerUser,
    ids::{NodeKind, encode},
};
use serde_json::{Value, json};
use support::{TestDb, fixtures};
use uuid::Uuid;

use entity::sea_orm_active_enums::{
    ConsentField, FormatPreset, ProcessingStatus, ReportType, ShortStatus, UserRole,
};

fn user(role: UserRole, creator_id: Option<Uuid>) -> Viewer {
    Viewer::User(ViewerUser {
        id: Uuid::new_v4(),
        role,
        creator_id,
    })
}

/// The viewers every rule is checked against.
struct Viewers {
    anonymous: Viewer,
    fan: Viewer,
    other_creator: Viewer,
    owner: Viewer,
    admin: Viewer,
}

impl Viewers {
    fn new(owner: Uuid, other: Uuid) -> Self {
        Self {
            anonymous: Viewer::Anonymous,
            fan: user(UserRole::Creator, None),
            other_creator: user(UserRole::Creator, Some(other)),
            owner: user(UserRole::Creator, Some(owner)),
            admin: user(UserRole::Admin, None),
        }
    }

    /// (viewer, may it see the owner's private material?)
    fn all(&self) -> [(&Viewer, bool); 5] {
        [
            (&self.anonymous, false),
            (&self.fan, false),
            (&self.other_creator, false),
            (&self.owner, true),
            (&self.admin, true),
        ]
    }
}

/// One creator's world: videos public / hidden by consent / revoked / public without KB consent,
/// each with a segment, a key moment and a highlight; a page sourced from all four; posts; etc.
struct World {
    creator: Uuid,
    other: Uuid,
    page_slug: String,
    public: Uuid,
    withheld: Uuid,
    revoked: Uuid,
    no_kb: Uuid,
    moment_of: Vec<(Uuid, Uuid)>,
    segment_of: Vec<(Uuid, Uuid)>,
    highlight: Uuid,
    short: Uuid,
    draft: Uuid,
    published: Uuid,
    version: Uuid,
    consent: Uuid,
    audit: Uuid,
    run: Uuid,
    event: Uuid,
    report: Uuid,
    search_log: Uuid,
}

async fn world(t: &TestDb) -> World {
    let c = fixtures::creator(&t.db, "Owner Person").await;
    let other = fixtures::creator(&t.db, "Other Person").await;
    let page = fixtures::page(&t.db, &c, "Reese Bass").await;
    // (status, public_display, kb_inclusion): public / withheld / revoked / no KB consent.
    let kinds = [
        (ProcessingStatus::Complete, true, true),
        (ProcessingStatus::Complete, false, true),
        (ProcessingStatus::Revoked, true, true),
        (ProcessingStatus::Complete, true, false),
    ];
    let (mut videos, mut consents, mut moments) = (Vec::new(), Vec::new(), Vec::new());
    let (mut moment_of, mut segment_of) = (Vec::new(), Vec::new());
    let now = Utc::now().naive_utc();
    for (i, (status, display, kb)) in kinds.into_iter().enumerate() {
        let v = fixtures::video(&t.db, &c)
            .filename(&format!("video{i}.mp4"))
            .status(status)
            .created_at(now - chrono::Duration::minutes(i as i64))
            .await;
        let consent = fixtures::consent(&t.db, &v)
            .kb_inclusion(kb)
            .public_display(display)
            .await;
        let m = fixtures::key_moment(&t.db, &v, &format!("moment {i}")).await;
        let s = fixtures::segment(&t.db, &v, &format!("words {i}")).await;
        fixtures::page_source(&t.db, &page, &v).await;
        moment_of.push((v.id, m.id));
        segment_of.push((v.id, s.id));
        videos.push(v);
        consents.push(consent);
        moments.push(m);
    }
    let highlight = fixtures::highlight(&t.db, &moments[0]).await;
    let short = fixtures::short(&t.db, &highlight, "k1")
        .share_token("sharetoken1")
        .await;
    fixtures::short(&t.db, &highlight, "k2")
        .preset(FormatPreset::Square)
        .status(ShortStatus::Processing)
        .share_token("sharetoken2")
        .await;
    let draft = fixtures::post(&t.db, &c, "Draft").published(false).await;
    let published = fixtures::post(&t.db, &c, "Out now").await;
    let version = fixtures::page_version(&t.db, &page, 1).await;
    let audit =
        fixtures::consent_audit(&t.db, &consents[0], 1, ConsentField::KbInclusion, true).await;
    let run = fixtures::pipeline_run(&t.db, &videos[0]).await;
    let event = fixtures::pipeline_event(&t.db, &run, 1, "started").await;
    let report = fixtures::page_report(&t.db, &page, ReportType::Other).await;
    let search_log = fixtures::search_log(&t.db, "reese", 1).await;
    World {
        creator: c.id,
        other: other.id,
        page_slug: page.slug,
        public: videos[0].id,
        withheld: videos[1].id,
        revoked: videos[2].id,
        no_kb: videos[3].id,
        moment_of,
        segment_of,
        highlight: highlight.id,
        short: short.id,
        draft: draft.id,
        published: published.id,
        version: version.id,
        consent: consents[0].id,
        audit: audit.id,
        run: run.id,
        event: event.id,
        report: report.id,
        search_log: search_log.id,
    }
}

async fn node(t: &TestDb, viewer: &Viewer, kind: NodeKind, key: Uuid) -> Value {
    let r = t
        .execute_as_viewer(
            viewer.clone(),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": encode(kind, key).0 }),
        )
        .await;
    assert_eq!(r["errors"], Value::Null, "{r}");
    r["data"]["node"].clone()
}

#[tokio::test]
async fn hidden_videos_and_what_hangs_off_them_exist_only_for_the_owner_and_admins() {
    let t = support::test_db().await;
    let w = world(&t).await;
    let viewers = Viewers::new(w.creator, w.other);
    for (viewer, privileged) in viewers.all() {
        // Lists: the creator's videos.
        let r = t
            .execute_as_viewer(
                viewer.clone(),
                "query($slug: String!) { creator(slug: $slug) { sourceVideos { totalCount
                   nodes { filename keyMoments { totalCount } transcript { totalCount } } } } }",
                json!({ "slug": "owner-person" }),
            )
            .await;
        assert_eq!(r["errors"], Value::Null, "{r}");
        let videos = &r["data"]["creator"]["sourceVideos"];
        let expected = if privileged { 4 } else { 2 };
        assert_eq!(videos["totalCount"], expected, "{viewer:?}: {r}");
        assert_eq!(videos["nodes"].as_array().unwrap().len(), expected);
        for hidden in [w.withheld, w.revoked] {
            // Lookups and node(id:).
            let r = t
                .execute_as_viewer(
                    viewer.clone(),
                    "query($id: ID!) { sourceVideo(id: $id) { id } }",
                    json!({ "id": encode(NodeKind::SourceVideo, hidden).0 }),
                )
                .await;
            assert_eq!(
                r["data"]["sourceVideo"].is_null(),
                !privileged,
                "{viewer:?}"
            );
            let n = node(&t, viewer, NodeKind::SourceVideo, hidden).await;
            assert_eq!(n.is_null(), !privileged, "{viewer:?}");
            // Its key moments and transcript through node(id:).
            let moment = w.moment_of.iter().find(|(v, _)| *v == hidden).unwrap().1;
            let n = node(&t, viewer, NodeKind::KeyMoment, moment).await;
            assert_eq!(n.is_null(), !privileged, "{viewer:?}");
            let segment = w.segment_of.iter().find(|(v, _)| *v == hidden).unwrap().1;
            let n = node(&t, viewer, NodeKind::TranscriptSegment, segment).await;
            assert_eq!(n.is_null(), !privileged, "{viewer:?}");
        }
        // Public videos are visible to everyone (knowledge-base consent or not), with their
        // moments.
        for public in [w.public, w.no_kb] {
            let n = node(&t, viewer, NodeKind::SourceVideo, public).await;
            assert!(!n.is_null(), "{viewer:?}");
        }
        let n = node(&t, viewer, NodeKind::KeyMoment, w.moment_of[0].1).await;
        assert!(!n.is_null());
    }
}

#[tokio::test]
async fn only_kb_included_public_videos_are_public_sources_of_a_page() {
    let t = support::test_db().await;
    let w = world(&t).await;
    let viewers = Viewers::new(w.creator, w.other);
    for (viewer, privileged) in viewers.all() {
        // The page by slug reads its sources in its own statement; by global ID (as in lists)
        // through the batched loader. Both apply the rule.
        let r = t
            .execute_as_viewer(
                viewer.clone(),
                "query($slug: String!) { techniquePage(slug: $slug) { id sourceVideos { id } } }",
                json!({ "slug": w.page_slug }),
            )
            .await;
        let page = &r["data"]["techniquePage"];
        let by_id = t
            .execute_as_viewer(
                viewer.clone(),
                "query($id: ID!) { node(id: $id) { ... on TechniquePage { sourceVideos { id } } } }",
                json!({ "id": page["id"] }),
            )
            .await;
        for sources in [
            &page["sourceVideos"],
            &by_id["data"]["node"]["sourceVideos"],
        ] {
            let sources: Vec<String> = sources
                .as_array()
                .unwrap_or_else(|| panic!("{r} {by_id}"))
                .iter()
                .map(|v| v["id"].as_str().unwrap().to_owned())
                .collect();
            if privileged {
                assert_eq!(sources.len(), 4, "{viewer:?}");
            } else {
                assert_eq!(
                    sources,
                    vec![encode(NodeKind::SourceVideo, w.public).0],
                    "{viewer:?}"
                );
            }
        }
    }
}

#[tokio::test]
async fn search_finds_moments_and_transcripts_of_visible_kb_included_videos_only() {
    let t = support::test_db().await;
    let w = world(&t).await;
    let viewers = Viewers::new(w.creator, w.other);
    let moment = |i: usize| encode(NodeKind::KeyMoment, w.moment_of[i].1).0;
    let segment = |i: usize| encode(NodeKind::TranscriptSegment, w.segment_of[i].1).0;
    for (viewer, privileged) in viewers.all() {
        // Curators see the withheld and revoked videos' material; nobody finds the video
        // without knowledge-base consent (index 3), admins included.
        let visible: Vec<usize> = if privileged { vec![0, 1, 2] } else { vec![0] };
        for (query, id) in [
            ("moment", &moment as &dyn Fn(usize) -> String),
            ("words", &segment),
        ] {
            let r = t
                .execute_as_viewer(
                    viewer.clone(),
                    "query($q: String!) { search(query: $q) { totalCount
                       nodes { ... on KeyMoment { id } ... on TranscriptSegment { id } } } }",
                    json!({ "q": query }),
                )
                .await;
            assert_eq!(r["errors"], Value::Null, "{r}");
            let mut found: Vec<String> = r["data"]["search"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_str().unwrap().to_owned())
                .collect();
            found.sort();
            let mut expected: Vec<String> = visible.iter().map(|&i| id(i)).collect();
            expected.sort();
            assert_eq!(found, expected, "{viewer:?} searching {query}: {r}");
            assert_eq!(
                r["data"]["search"]["totalCount"],
                visible.len(),
                "{viewer:?}"
            );
        }
    }
}

#[tokio::test]
async fn drafts_highlights_shorts_versions_consent_and_runs_are_for_curators() {
    let t = support::test_db().await;
    let w = world(&t).await;
    let viewers = Viewers::new(w.creator, w.other);
    let private = [
        (NodeKind::Post, w.draft),
        (NodeKind::HighlightCandidate, w.highlight),
        (NodeKind::GeneratedShort, w.short),
        (NodeKind::TechniquePageVersion, w.version),
        (NodeKind::VideoConsent, w.consent),
        (NodeKind::ConsentAuditLog, w.audit),
        (NodeKind::PipelineRun, w.run),
        (NodeKind::PipelineEvent, w.event),
    ];
    for (viewer, privileged) in viewers.all() {
        for (kind, key) in private {
            let n = node(&t, viewer, kind, key).await;
            assert_eq!(n.is_null(), !privileged, "{kind:?} for {viewer:?}");
        }
        assert!(
            !node(&t, viewer, NodeKind::Post, w.published)
                .await
                .is_null()
        );
        // Nested relations.
        let r = t
            .execute_as_viewer(
                viewer.clone(),
                "query($slug: String!, $video: ID!) {
                   creator(slug: $slug) { posts { totalCount nodes { title } } }
                   sourceVideo(id: $video) { consent { id } highlights { totalCount }
                     pipelineRuns { totalCount } keyMoments { nodes { highlight { id } } } } }",
                json!({ "slug": "owner-person", "video": encode(NodeKind::SourceVideo, w.public).0 }),
            )
            .await;
        assert_eq!(r["errors"], Value::Null, "{r}");
        let d = &r["data"];
        let n = if privileged { 1 } else { 0 };
        assert_eq!(d["creator"]["posts"]["totalCount"], 1 + n, "{viewer:?}");
        assert_eq!(d["sourceVideo"]["consent"].is_null(), !privileged);
        assert_eq!(d["sourceVideo"]["highlights"]["totalCount"], n);
        assert_eq!(d["sourceVideo"]["pipelineRuns"]["totalCount"], n);
        assert_eq!(
            d["sourceVideo"]["keyMoments"]["nodes"][0]["highlight"].is_null(),
            !privileged
        );
        let r = t
            .execute_as_viewer(
                viewer.clone(),
                "query($slug: String!) { techniquePage(slug: $slug) { versions { totalCount } } }",
                json!({ "slug": w.page_slug }),
            )
            .await;
        assert_eq!(r["data"]["techniquePage"]["versions"]["totalCount"], n);
    }
}

#[tokio::test]
async fn rejected_moments_and_hidden_chapters_are_for_curators_and_pending_ones_public() {
    let t = support::test_db().await;
    let w = world(&t).await;
    let viewers = Viewers::new(w.creator, w.other);
    let (video, pending) = w.moment_of[0];
    let rejected = fixtures::key_moment(&t.db, &video_row(&t, video).await, "rejected one")
        .review_status("rejected")
        .await;
    let hidden = fixtures::key_moment(&t.db, &video_row(&t, video).await, "hidden one")
        .chapter_status(entity::sea_orm_active_enums::ChapterStatus::Hidden)
        .await;
    for (viewer, privileged) in viewers.all() {
        assert!(
            !node(&t, viewer, NodeKind::KeyMoment, pending)
                .await
                .is_null()
        );
        for key in [rejected.id, hidden.id] {
            let n = node(&t, viewer, NodeKind::KeyMoment, key).await;
            assert_eq!(n.is_null(), !privileged, "{key} for {viewer:?}");
        }
        let r = t
            .execute_as_viewer(
                viewer.clone(),
                "query($video: ID!) { sourceVideo(id: $video) { keyMoments { totalCount } }
                   keyMoments(filter: { video: $video }) { totalCount } }",
                json!({ "video": encode(NodeKind::SourceVideo, video).0 }),
            )
            .await;
        assert_eq!(r["errors"], Value::Null, "{r}");
        let n = if privileged { 3 } else { 1 };
        assert_eq!(
            r["data"]["sourceVideo"]["keyMoments"]["totalCount"], n,
            "{viewer:?}"
        );
        assert_eq!(r["data"]["keyMoments"]["totalCount"], n, "{viewer:?}");
    }
}

async fn video_row(t: &TestDb, id: Uuid) -> entity::source_videos::Model {
    use sea_orm::EntityTrait;
    entity::source_videos::Entity::find_by_id(id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn reports_and_logs_are_for_admins_only() {
    let t = support::test_db().await;
    let w = world(&t).await;
    let viewers = Viewers::new(w.creator, w.other);
    for (viewer, is_admin) in [
        (&viewers.anonymous, false),
        (&viewers.owner, false),
        (&viewers.admin, true),
    ] {
        for (kind, key) in [
            (NodeKind::ContentReport, w.report),
            (NodeKind::SearchLog, w.search_log),
        ] {
            let n = node(&t, viewer, kind, key).await;
            assert_eq!(n.is_null(), !is_admin, "{kind:?} for {viewer:?}");
        }
        let r = t
            .execute_as_viewer(
                viewer.clone(),
                "{ contentReports { totalCount nodes { id target { id } } } }",
                Value::Null,
            )
            .await;
        if is_admin {
            assert_eq!(r["data"]["contentReports"]["totalCount"], 1, "{r}");
            assert!(!r["data"]["contentReports"]["nodes"][0]["target"].is_null());
        } else {
            // Signed out: the permission gate's UNAUTHENTICATED (was FORBIDDEN, issue 12).
            let refusal = if viewer.user().is_none() {
                "UNAUTHENTICATED"
            } else {
                "FORBIDDEN"
            };
            assert_eq!(support::error_code(&r), Some(refusal), "{r}");
        }
    }
}

#[tokio::test]
async fn a_share_token_reveals_a_complete_short_and_nothing_else() {
    let t = support::test_db().await;
    let w = world(&t).await;
    let q = "query($t: String!) { generatedShort(shareToken: $t) { id status highlight { id } } }";
    let r = t.execute_with(q, json!({ "t": "sharetoken1" })).await;
    assert_eq!(r["errors"], Value::Null, "{r}");
    assert_eq!(
        r["data"]["generatedShort"]["id"],
        encode(NodeKind::GeneratedShort, w.short).0
    );
    assert_eq!(r["data"]["generatedShort"]["status"], "COMPLETE");
    assert!(r["data"]["generatedShort"]["highlight"].is_null());
    // Not yet complete, or unknown: null, the same.
    for token in ["sharetoken2", "nosuchtoken"] {
        let r = t.execute_with(q, json!({ "t": token })).await;
        assert_eq!(r, json!({ "data": { "generatedShort": null } }), "{token}");
    }
}

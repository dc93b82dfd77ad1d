//! Visibility rules through every path: lists, lookups, `node(id:)`, nested relations. A hidden
//! row looks exactly like a missing one.

use graph::{
    Viewer, ViewerUser,
    ids::{NodeKind, encode},
};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use support::{TestDb, fixtures};
use uuid::Uuid;

use entity::sea_orm_active_enums::UserRole;

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

async fn sql(t: &TestDb, statement: &str) {
    t.db.execute_unprepared(statement)
        .await
        .unwrap_or_else(|e| panic!("{e}: {statement}"));
}

async fn world(t: &TestDb) -> World {
    let c = fixtures::creator(&t.db, "Owner Person").await;
    let other = fixtures::creator(&t.db, "Other Person").await;
    let page = fixtures::page(&t.db, &c, "Reese Bass").await;
    let mut w = World {
        creator: c.id,
        other: other.id,
        page_slug: page.slug.clone(),
        public: Uuid::new_v4(),
        withheld: Uuid::new_v4(),
        revoked: Uuid::new_v4(),
        no_kb: Uuid::new_v4(),
        moment_of: Vec::new(),
        segment_of: Vec::new(),
        highlight: Uuid::new_v4(),
        short: Uuid::new_v4(),
        draft: Uuid::new_v4(),
        published: Uuid::new_v4(),
        version: Uuid::new_v4(),
        consent: Uuid::new_v4(),
        audit: Uuid::new_v4(),
        run: Uuid::new_v4(),
        event: Uuid::new_v4(),
        report: Uuid::new_v4(),
        search_log: Uuid::new_v4(),
    };
    // (video, status, public_display, kb_inclusion)
    let videos = [
        (w.public, "complete", true, true),
        (w.withheld, "complete", false, true),
        (w.revoked, "revoked", true, true),
        (w.no_kb, "complete", true, false),
    ];
    for (i, (v, status, display, kb)) in videos.into_iter().enumerate() {
        let consent = if i == 0 { w.consent } else { Uuid::new_v4() };
        let (m, s) = (Uuid::new_v4(), Uuid::new_v4());
        sql(t, &format!(
            "INSERT INTO source_videos (id, creator_id, filename, folder_name, processing_status, created_at)
               VALUES ('{v}', '{cid}', 'video{i}.mp4', 'f', '{status}', now() - interval '{i} minutes');
             INSERT INTO video_consents (id, source_video_id, creator_id, kb_inclusion, public_display)
               VALUES ('{consent}', '{v}', '{cid}', {kb}, {display});
             INSERT INTO key_moments (id, source_video_id, title, start_time, end_time, content_type)
               VALUES ('{m}', '{v}', 'moment {i}', 0, 10, 'tip');
             INSERT INTO transcript_segments (id, source_video_id, start_time, end_time, text)
               VALUES ('{s}', '{v}', 0, 5, 'words {i}');
             INSERT INTO technique_page_videos (technique_page_id, source_video_id)
               VALUES ('{pid}', '{v}');",
            cid = c.id, pid = page.id,
        )).await;
        w.moment_of.push((v, m));
        w.segment_of.push((v, s));
    }
    let (public, moment) = (w.public, w.moment_of[0].1);
    sql(t, &format!(
        "INSERT INTO highlight_candidates (id, key_moment_id, source_video_id, score, duration_secs)
           VALUES ('{h}', '{moment}', '{public}', 0.9, 10);
         INSERT INTO generated_shorts (id, highlight_candidate_id, preset, status, object_key, share_token)
           VALUES ('{s}', '{h}', 'vertical', 'complete', 'k1', 'sharetoken1'),
                  (gen_random_uuid(), '{h}', 'square', 'processing', 'k2', 'sharetoken2');
         INSERT INTO posts (id, title, is_published, creator_id)
           VALUES ('{draft}', 'Draft', false, '{cid}'), ('{published}', 'Out now', true, '{cid}');
         INSERT INTO technique_page_versions (id, technique_page_id, version_number, content_snapshot)
           VALUES ('{version}', '{pid}', 1, '{{}}');
         INSERT INTO consent_audit_logs (id, video_consent_id, version, field_name, new_value)
           VALUES ('{audit}', '{consent}', 1, 'kb_inclusion', true);
         INSERT INTO pipeline_runs (id, source_video_id) VALUES ('{run}', '{public}');
         INSERT INTO pipeline_events (id, pipeline_run_id, stage, event_type)
           VALUES ('{event}', '{run}', 1, 'started');
         INSERT INTO content_reports (id, report_type, target_type, target_id)
           VALUES ('{report}', 'other', 'technique_page', '{pid}');
         INSERT INTO search_logs (id, query, result_count) VALUES ('{log}', 'reese', 1);",
        h = w.highlight, s = w.short, draft = w.draft, published = w.published, cid = c.id,
        version = w.version, pid = page.id, audit = w.audit, consent = w.consent, run = w.run,
        event = w.event, report = w.report, log = w.search_log,
    )).await;
    w
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
        // Public videos are visible to everyone, with their moments.
        let n = node(&t, viewer, NodeKind::SourceVideo, w.public).await;
        assert!(!n.is_null());
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
            assert_eq!(support::error_code(&r), Some("FORBIDDEN"), "{r}");
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

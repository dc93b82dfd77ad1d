//! Consent (issue 14, items 1–4): `setVideoConsent` and its audit rows, gapless versions under
//! concurrency, the append-only log in the database, visibility following consent on every path,
//! `revokeVideo` / `restoreVideo`, `consentAt`, `consentChanges` and the training filter.

use entity::{
    consent_audit_logs, pipeline_runs,
    sea_orm_active_enums::{ConsentField, PipelineRunStatus, ProcessingStatus, UserRole},
    source_videos, video_consents, video_revocations,
};
use graph::ids::{NodeKind, encode};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, QueryOrder, Set};
use serde_json::{Value, json};
use support::{TestDb, error_code, fixtures};

use crate::editorial_pages::{admin, argument, curator};

const SET: &str = "mutation($video: ID!, $input: SetVideoConsentInput!) { setVideoConsent(videoId: $video, \
    input: $input) { consent { kbInclusion trainingUsage publicDisplay updatedBy { displayName } \
    history(first: 20) { totalCount nodes { version fieldName oldValue newValue ipAddress changedBy { displayName } } } } } }";

fn vid(video: &source_videos::Model) -> String {
    encode(NodeKind::SourceVideo, video.id).0
}

async fn audit(t: &TestDb) -> Vec<consent_audit_logs::Model> {
    consent_audit_logs::Entity::find()
        .order_by_asc(consent_audit_logs::Column::Version)
        .all(&t.db)
        .await
        .unwrap()
}

struct One {
    t: TestDb,
    alpha: entity::creators::Model,
    video: source_videos::Model,
    token: String,
}

async fn one() -> One {
    let t = support::test_db().await;
    let alpha = fixtures::creator(&t.db, "Alpha").await;
    let video = fixtures::video(&t.db, &alpha).await;
    let token = curator(&t, "c@consent.test", &alpha).await;
    One {
        t,
        alpha,
        video,
        token,
    }
}

#[tokio::test]
async fn the_first_change_creates_the_consent_and_every_change_is_audited() {
    let One {
        t, video, token, ..
    } = one().await;
    let ip: std::net::IpAddr = "203.0.113.7".parse().unwrap();
    let header = format!("Bearer {token}");
    let set = |input: Value| {
        let (t, header, vars) = (
            &t,
            header.clone(),
            json!({ "video": vid(&video), "input": input }),
        );
        async move {
            let resp = t.execute_request(Some(&header), Some(ip), SET, vars).await;
            assert!(resp["errors"].is_null(), "{resp}");
            resp["data"]["setVideoConsent"]["consent"].clone()
        }
    };

    // The first call: the given flag is audited (old value null); the others take the defaults.
    let c = set(json!({ "kbInclusion": true })).await;
    assert_eq!(
        (
            c["kbInclusion"].clone(),
            c["trainingUsage"].clone(),
            c["publicDisplay"].clone()
        ),
        (json!(true), json!(false), json!(true))
    );
    assert_eq!(c["history"]["totalCount"], 1);
    assert_eq!(
        c["history"]["nodes"][0],
        json!({ "version": 1, "fieldName": "KB_INCLUSION", "oldValue": null, "newValue": true,
                "ipAddress": "203.0.113.7", "changedBy": { "displayName": "c" } })
    );
    assert_eq!(c["updatedBy"]["displayName"], "c");

    // Only what changes is audited; a call that changes nothing writes nothing.
    let c =
        set(json!({ "kbInclusion": true, "publicDisplay": false, "trainingUsage": false })).await;
    assert_eq!(c["history"]["totalCount"], 2);
    assert_eq!(
        c["history"]["nodes"][0],
        json!({ "version": 2, "fieldName": "PUBLIC_DISPLAY", "oldValue": true, "newValue": false,
                "ipAddress": "203.0.113.7", "changedBy": { "displayName": "c" } })
    );
    let before = video_consents::Entity::find()
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    let c = set(json!({ "publicDisplay": false })).await;
    assert_eq!(c["history"]["totalCount"], 2);
    let after = video_consents::Entity::find()
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(after.updated_at, before.updated_at, "nothing written");
    assert_eq!(audit(&t).await.len(), 2);

    // Another creator's curator cannot; a video it cannot see is NOT_FOUND to it.
    let beta = fixtures::creator(&t.db, "Beta").await;
    let stranger = curator(&t, "beta@consent.test", &beta).await;
    let resp = t
        .execute_as(
            Some(&stranger),
            SET,
            json!({ "video": vid(&video), "input": { "kbInclusion": false } }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("NOT_FOUND"), "hidden now: {resp}");
    let shown = fixtures::video(&t.db, &video_owner(&t, &video).await).await;
    let resp = t
        .execute_as(
            Some(&stranger),
            SET,
            json!({ "video": vid(&shown), "input": { "kbInclusion": false } }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
}

async fn video_owner(t: &TestDb, video: &source_videos::Model) -> entity::creators::Model {
    entity::creators::Entity::find_by_id(video.creator_id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn thirty_concurrent_changes_number_their_audit_rows_without_gaps() {
    let One {
        t, video, token, ..
    } = one().await;
    let changes = (0..30).map(|i| {
        let input = match i % 3 {
            0 => json!({ "kbInclusion": i % 2 == 0 }),
            1 => json!({ "trainingUsage": i % 2 == 0 }),
            _ => json!({ "publicDisplay": i % 2 == 0, "kbInclusion": i % 4 == 0 }),
        };
        t.execute_as(
            Some(&token),
            SET,
            json!({ "video": vid(&video), "input": input }),
        )
    });
    for resp in futures::future::join_all(changes).await {
        assert!(resp["errors"].is_null(), "{resp}");
    }
    let log = audit(&t).await;
    let versions: Vec<i32> = log.iter().map(|a| a.version).collect();
    assert!(!versions.is_empty());
    assert_eq!(versions, (1..=versions.len() as i32).collect::<Vec<_>>());
    // Each entry's old value is what the one before it on that flag left; the row is the last.
    let consent = video_consents::Entity::find()
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    for field in [
        ConsentField::KbInclusion,
        ConsentField::TrainingUsage,
        ConsentField::PublicDisplay,
    ] {
        let entries: Vec<_> = log.iter().filter(|a| a.field_name == field).collect();
        for pair in entries.windows(2) {
            assert_eq!(pair[1].old_value, Some(pair[0].new_value), "{field:?}");
            assert_ne!(
                pair[1].old_value,
                Some(pair[1].new_value),
                "{field:?}: only changes"
            );
        }
        let current = match field {
            ConsentField::KbInclusion => consent.kb_inclusion,
            ConsentField::TrainingUsage => consent.training_usage,
            ConsentField::PublicDisplay => consent.public_display,
        };
        if let Some(last) = entries.last() {
            assert_eq!(last.new_value, current, "{field:?}");
        }
    }
}

#[tokio::test]
async fn the_audit_log_is_append_only_in_the_database() {
    let One {
        t, video, token, ..
    } = one().await;
    let resp = t
        .execute_as(
            Some(&token),
            SET,
            json!({ "video": vid(&video), "input": { "kbInclusion": true } }),
        )
        .await;
    assert!(resp["errors"].is_null(), "{resp}");
    // The test connects as the cluster's superuser: the trigger holds even so.
    for statement in [
        "UPDATE consent_audit_logs SET new_value = false",
        "DELETE FROM consent_audit_logs",
        "TRUNCATE consent_audit_logs",
        "DELETE FROM video_consents",
    ] {
        let err =
            t.db.execute_unprepared(statement)
                .await
                .unwrap_err()
                .to_string();
        assert!(
            err.contains("append-only") || err.contains("goes only with its video"),
            "{statement}: {err}"
        );
    }
    assert_eq!(audit(&t).await.len(), 1);
    // Deleting the video is the way its consent and log go.
    source_videos::Entity::delete_by_id(video.id)
        .exec(&t.db)
        .await
        .unwrap();
    assert!(audit(&t).await.is_empty());
    assert!(
        video_consents::Entity::find()
            .one(&t.db)
            .await
            .unwrap()
            .is_none()
    );
}

/// What the public sees of `video`: it by id and as a node, its key moments and transcript
/// segments as nodes (`hanging`), its page's sources, a search hit.
async fn public_view(
    t: &TestDb,
    schema: &graph::AppSchema,
    video: &source_videos::Model,
    hanging: &[String],
) -> Value {
    let r = t
        .execute_on(
            schema,
            graph::Viewer::Anonymous,
            "query($id: ID!, $hanging: [ID!]!) { sourceVideo(id: $id) { id } \
             techniquePage(slug: \"alpha-page\") { sourceVideos { id } } \
             search(query: \"zanzibar\", types: [KEY_MOMENT, TRANSCRIPT]) { totalCount } \
             node(id: $id) { id } nodes(ids: $hanging) { id } }",
            json!({ "id": vid(video), "hanging": hanging }),
        )
        .await;
    assert!(r["errors"].is_null(), "{r}");
    let d = &r["data"];
    let node = !d["node"].is_null();
    let hanging_shown = d["nodes"].as_array().unwrap().iter().all(|n| !n.is_null());
    let hanging_hidden = d["nodes"].as_array().unwrap().iter().all(Value::is_null);
    assert!(hanging_shown || hanging_hidden, "{r}");
    json!({
        "video": !d["sourceVideo"].is_null() && hanging_shown == node,
        "node": node,
        "source": d["techniquePage"]["sourceVideos"].as_array().map_or(0, Vec::len),
        "search": d["search"]["totalCount"],
    })
}

#[tokio::test]
async fn visibility_follows_consent_at_once_on_every_path() {
    let One {
        t,
        alpha,
        video,
        token,
    } = one().await;
    let page = fixtures::page(&t.db, &alpha, "Page")
        .slug("alpha-page")
        .await;
    fixtures::page_source(&t.db, &page, &video).await;
    let moment = fixtures::key_moment(&t.db, &video, "Zanzibar chords").await;
    let segment = fixtures::segment(&t.db, &video, "zanzibar words").await;
    let highlight = fixtures::highlight(&t.db, &moment).await;
    let short = fixtures::short(&t.db, &highlight, "k1")
        .share_token("consent-share")
        .await;
    // The video's moment and transcript go and come with it (highlights and shorts are its
    // curators' anyway; a short's share link is checked below).
    let hanging = [
        encode(NodeKind::KeyMoment, moment.id).0,
        encode(NodeKind::TranscriptSegment, segment.id).0,
    ];
    let schema = t.logging_schema();
    let set = |input: Value| {
        let (t, token, vars) = (&t, &token, json!({ "video": vid(&video), "input": input }));
        async move {
            let resp = t.execute_as(Some(token), SET, vars).await;
            assert!(resp["errors"].is_null(), "{resp}");
        }
    };
    let all = json!({ "video": true, "node": true, "source": 1, "search": 2 });
    let shown_not_kb = json!({ "video": true, "node": true, "source": 0, "search": 0 });
    let hidden = json!({ "video": false, "node": false, "source": 0, "search": 0 });

    // No consent row: shown, not in the knowledge base.
    assert_eq!(
        public_view(&t, &schema.0, &video, &hanging).await,
        shown_not_kb
    );
    set(json!({ "kbInclusion": true })).await;
    assert_eq!(public_view(&t, &schema.0, &video, &hanging).await, all);
    // Hidden on the next request, the search cache included; a share link shows nothing.
    let shared = "{ generatedShort(shareToken: \"consent-share\") { id } }";
    let by_link = t.execute(shared).await;
    assert!(!by_link["data"]["generatedShort"].is_null(), "{by_link}");
    set(json!({ "publicDisplay": false })).await;
    assert_eq!(public_view(&t, &schema.0, &video, &hanging).await, hidden);
    assert_eq!(
        t.execute(shared).await["data"]["generatedShort"],
        Value::Null
    );
    let _ = short;
    set(json!({ "publicDisplay": true })).await;
    assert_eq!(public_view(&t, &schema.0, &video, &hanging).await, all);
    set(json!({ "kbInclusion": false })).await;
    assert_eq!(
        public_view(&t, &schema.0, &video, &hanging).await,
        shown_not_kb
    );
    set(json!({ "kbInclusion": true })).await;
    assert_eq!(public_view(&t, &schema.0, &video, &hanging).await, all);

    // Revoked: hidden from the public, still there for its curators; only an admin restores it.
    let run = fixtures::pipeline_run(&t.db, &video).await;
    let mut running: pipeline_runs::ActiveModel = run.clone().into();
    running.status = Set(PipelineRunStatus::Running);
    running.update(&t.db).await.unwrap();
    let revoke = "mutation($id: ID!, $why: String!) { revokeVideo(videoId: $id, reason: $why) { sourceVideo { processingStatus } } }";
    let restore = "mutation($id: ID!, $why: String!) { restoreVideo(videoId: $id, reason: $why) { sourceVideo { processingStatus } } }";
    let resp = t
        .execute_as(
            Some(&token),
            revoke,
            json!({ "id": vid(&video), "why": " " }),
        )
        .await;
    assert_eq!(argument(&resp), "reason", "{resp}");
    let resp = t
        .execute_as(
            Some(&token),
            revoke,
            json!({ "id": vid(&video), "why": "Takedown request" }),
        )
        .await;
    assert_eq!(
        resp["data"]["revokeVideo"]["sourceVideo"]["processingStatus"], "REVOKED",
        "{resp}"
    );
    assert_eq!(public_view(&t, &schema.0, &video, &hanging).await, hidden);
    let run = pipeline_runs::Entity::find_by_id(run.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(run.status, PipelineRunStatus::Revoked);
    let resp = t
        .execute_as(
            Some(&token),
            restore,
            json!({ "id": vid(&video), "why": "mistake" }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
    let admin = admin(&t).await;
    let resp = t
        .execute_as(
            Some(&admin),
            restore,
            json!({ "id": vid(&video), "why": "Cleared" }),
        )
        .await;
    assert_eq!(
        resp["data"]["restoreVideo"]["sourceVideo"]["processingStatus"], "COMPLETE",
        "{resp}"
    );
    assert_eq!(public_view(&t, &schema.0, &video, &hanging).await, all);
    // The log reads back newest first, for curators only.
    let read = "query($id: ID!) { sourceVideo(id: $id) { revocations { revoked reason previousStatus changedBy { displayName } } } }";
    let resp = t
        .execute_as(Some(&token), read, json!({ "id": vid(&video) }))
        .await;
    assert_eq!(
        resp["data"]["sourceVideo"]["revocations"],
        json!([
            { "revoked": false, "reason": "Cleared", "previousStatus": "REVOKED", "changedBy": { "displayName": "admin" } },
            { "revoked": true, "reason": "Takedown request", "previousStatus": "COMPLETE", "changedBy": { "displayName": "c" } },
        ]),
        "{resp}"
    );
    let resp = t.execute_as(None, read, json!({ "id": vid(&video) })).await;
    assert_eq!(
        resp["data"]["sourceVideo"]["revocations"],
        json!([]),
        "{resp}"
    );
    let log: Vec<(bool, String)> = video_revocations::Entity::find()
        .order_by_asc(video_revocations::Column::CreatedAt)
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.revoked, r.reason))
        .collect();
    assert_eq!(
        log,
        [
            (true, "Takedown request".to_owned()),
            (false, "Cleared".to_owned())
        ]
    );
    let resp = t
        .execute_as(
            Some(&admin),
            restore,
            json!({ "id": vid(&video), "why": "again" }),
        )
        .await;
    assert_eq!(argument(&resp), "videoId", "{resp}");
    let stored = source_videos::Entity::find_by_id(video.id)
        .one(&t.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.processing_status, ProcessingStatus::Complete);
}

#[tokio::test]
async fn consent_is_reconstructed_as_of_a_moment_and_listed_for_admins() {
    let One {
        t,
        alpha,
        video,
        token,
    } = one().await;
    let set = |input: Value| {
        let (t, token, vars) = (&t, &token, json!({ "video": vid(&video), "input": input }));
        async move {
            let resp = t.execute_as(Some(token), SET, vars).await;
            assert!(resp["errors"].is_null(), "{resp}");
        }
    };
    let at = "query($id: ID!, $at: DateTime!) { consentAt(videoId: $id, at: $at) { kbInclusion trainingUsage publicDisplay } }";
    let before_any = chrono::Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    set(json!({ "trainingUsage": true })).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let while_training = chrono::Utc::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    set(json!({ "trainingUsage": false, "kbInclusion": true })).await;
    let flags = |when: chrono::DateTime<chrono::Utc>| {
        let (t, token, vars) = (
            &t,
            &token,
            json!({ "id": vid(&video), "at": when.to_rfc3339() }),
        );
        async move {
            let resp = t.execute_as(Some(token), at, vars).await;
            assert!(resp["errors"].is_null(), "{resp}");
            resp["data"]["consentAt"].clone()
        }
    };
    assert_eq!(flags(before_any).await, Value::Null);
    assert_eq!(
        flags(while_training).await,
        json!({ "kbInclusion": false, "trainingUsage": true, "publicDisplay": true })
    );
    assert_eq!(
        flags(chrono::Utc::now()).await,
        json!({ "kbInclusion": true, "trainingUsage": false, "publicDisplay": true })
    );

    // The admin's list, newest first, narrowed by field and creator; and the training filter.
    let admin = admin(&t).await;
    let list = "query($f: ConsentChangeFilter) { consentChanges(first: 10, filter: $f) { totalCount \
        nodes { version fieldName newValue } } }";
    let resp = t.execute_as(Some(&admin), list, json!({ "f": null })).await;
    assert_eq!(resp["data"]["consentChanges"]["totalCount"], 3, "{resp}");
    assert_eq!(resp["data"]["consentChanges"]["nodes"][0]["version"], 3);
    let resp = t
        .execute_as(
            Some(&admin),
            list,
            json!({ "f": { "field": "TRAINING_USAGE", "creator": encode(NodeKind::Creator, alpha.id).0 } }),
        )
        .await;
    assert_eq!(
        resp["data"]["consentChanges"]["nodes"],
        json!([{ "version": 3, "fieldName": "TRAINING_USAGE", "newValue": false },
               { "version": 1, "fieldName": "TRAINING_USAGE", "newValue": true }]),
        "{resp}"
    );
    let resp = t.execute_as(Some(&token), list, json!({ "f": null })).await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");

    // A second video without a consent row: not consented to training.
    fixtures::video(&t.db, &alpha).await;
    let training = "query($t: Boolean) { sourceVideos(first: 10, filter: { trainingUsage: $t }) { totalCount } }";
    set(json!({ "trainingUsage": true })).await;
    let resp = t
        .execute_as(Some(&admin), training, json!({ "t": true }))
        .await;
    assert_eq!(resp["data"]["sourceVideos"]["totalCount"], 1, "{resp}");
    let resp = t
        .execute_as(Some(&admin), training, json!({ "t": false }))
        .await;
    assert_eq!(
        resp["data"]["sourceVideos"]["totalCount"], 1,
        "the video without consent: {resp}"
    );
    let resp = t
        .execute_as(Some(&token), training, json!({ "t": true }))
        .await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
    let fan = t.user("fan@consent.test", UserRole::Creator, None).await;
    let resp = t
        .execute_as(
            Some(&t.token(&fan)),
            at,
            json!({ "id": vid(&video), "at": chrono::Utc::now().to_rfc3339() }),
        )
        .await;
    assert_eq!(error_code(&resp), Some("FORBIDDEN"), "{resp}");
}

/// Sends `setVideoConsent` over HTTP from `peer` with an `X-Forwarded-For` header; returns the
/// address the audit row recorded.
async fn audited_address(
    t: &TestDb,
    proxies: &[&str],
    peer: &str,
    forwarded: &str,
    token: &str,
    video: &source_videos::Model,
    value: bool,
) -> Option<String> {
    use axum::{body::Body, extract::ConnectInfo, http::Request};
    use tower::ServiceExt;
    let config = server::HttpConfig {
        trusted_proxies: server::client_ip::TrustedProxies::parse(proxies).unwrap(),
        ..server::HttpConfig::default()
    };
    let router = server::app(server::AppState::with_config(
        t.db.clone(),
        config,
        t.auth.clone(),
    ));
    let body = json!({ "query": SET, "variables": { "video": vid(video), "input": { "trainingUsage": value } } });
    let mut request = Request::post("/graphql")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {token}"))
        .header("x-forwarded-for", forwarded)
        .body(Body::from(body.to_string()))
        .unwrap();
    let peer: std::net::SocketAddr = format!("{peer}:40000").parse().unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    audit(t).await.last().and_then(|a| a.ip_address.clone())
}

#[tokio::test]
async fn the_audited_address_is_the_peer_unless_a_trusted_proxy_forwards_it() {
    let One {
        t, video, token, ..
    } = one().await;
    // No trusted proxies (the default): the header is ignored.
    let got = audited_address(&t, &[], "198.51.100.4", "203.0.113.9", &token, &video, true).await;
    assert_eq!(got.as_deref(), Some("198.51.100.4"));
    // Behind a trusted proxy: the nearest untrusted hop, whatever the client prepended.
    let got = audited_address(
        &t,
        &["10.0.0.0/8"],
        "10.1.1.1",
        "6.6.6.6, 203.0.113.9",
        &token,
        &video,
        false,
    )
    .await;
    assert_eq!(got.as_deref(), Some("203.0.113.9"));
    // A header that is not addresses is ignored, never stored.
    let got = audited_address(
        &t,
        &["10.0.0.0/8"],
        "10.1.1.1",
        "<script>",
        &token,
        &video,
        true,
    )
    .await;
    assert_eq!(got.as_deref(), Some("10.1.1.1"));
}

async fn export(t: &TestDb, token: Option<&str>, query: &str) -> (u16, Option<String>, String) {
    use axum::{body::Body, http::Request};
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let router = server::app(server::AppState::with_config(
        t.db.clone(),
        server::HttpConfig::default(),
        t.auth.clone(),
    ));
    let mut request = Request::get(format!("/exports/consent-audit.csv{query}"));
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = router
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status().as_u16();
    let kind = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, kind, String::from_utf8(body.to_vec()).unwrap())
}

#[tokio::test]
async fn admins_export_the_consent_log_as_csv() {
    let One {
        t, alpha, token, ..
    } = one().await;
    let quoted = fixtures::video(&t.db, &alpha)
        .filename("Live, \"raw\" take.mp4")
        .await;
    let beta = fixtures::creator(&t.db, "Beta").await;
    let theirs = fixtures::video(&t.db, &beta).await;
    let admin = admin(&t).await;
    for (who, video, input) in [
        (
            &token,
            &quoted,
            json!({ "kbInclusion": true, "trainingUsage": true }),
        ),
        (&token, &quoted, json!({ "trainingUsage": false })),
        (&admin, &theirs, json!({ "publicDisplay": false })),
    ] {
        let resp = t
            .execute_as(
                Some(who),
                SET,
                json!({ "video": vid(video), "input": input }),
            )
            .await;
        assert!(resp["errors"].is_null(), "{resp}");
    }

    let (status, kind, body) = export(&t, Some(&admin), "").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        kind.as_deref(),
        Some("text/csv; charset=utf-8; header=present")
    );
    let lines: Vec<&str> = body.split_terminator("\r\n").collect();
    assert_eq!(
        lines[0],
        "changed_at,creator,video_id,video_filename,field,old_value,new_value,version,changed_by,ip_address"
    );
    // Alpha's video: two flags set on the first call, one changed on the second; Beta's: one.
    assert_eq!(lines.len(), 5, "{body}");
    assert!(body.ends_with("\r\n"));
    assert!(
        lines[1].contains(&format!(
            ",alpha,{},\"Live, \"\"raw\"\" take.mp4\",kb_inclusion,,true,1,c@consent.test,",
            vid(&quoted)
        )),
        "{}",
        lines[1]
    );
    assert!(
        lines[3].contains(",training_usage,true,false,3,"),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].contains(",beta,") && lines[4].contains(",public_display,,false,1,admin@p.test,"),
        "{}",
        lines[4]
    );

    // One creator, by slug or by global ID.
    let (_, _, by_slug) = export(&t, Some(&admin), "?creator=alpha").await;
    assert_eq!(by_slug.split_terminator("\r\n").count(), 4, "{by_slug}");
    let id = encode(NodeKind::Creator, alpha.id).0;
    let (_, _, by_id) = export(&t, Some(&admin), &format!("?creator={id}")).await;
    assert_eq!(by_id, by_slug);

    // More rows than one statement reads (1,000): the pages join without a gap or a repeat.
    t.db.execute_unprepared(
        "INSERT INTO consent_audit_logs (video_consent_id, version, field_name, old_value, new_value, created_at) \
         SELECT c.id, 100 + n, 'kb_inclusion', n % 2 = 0, n % 2 = 1, \
                timestamp '2026-01-01' + (n / 3) * interval '1 second' \
         FROM video_consents c, generate_series(1, 2100) n WHERE c.public_display",
    )
    .await
    .unwrap();
    let (_, _, all) = export(&t, Some(&admin), "?creator=alpha").await;
    let lines: Vec<&str> = all.split_terminator("\r\n").collect();
    assert_eq!(lines.len(), 1 + 2100 + 3);
    let mut versions: Vec<i64> = lines[1..]
        .iter()
        .map(|l| l.split(',').rev().nth(2).unwrap().parse().unwrap())
        .collect();
    versions.sort_unstable();
    versions.dedup();
    assert_eq!(versions.len(), 2103, "every row once");

    let (status, _, body) = export(&t, Some(&admin), "?creator=nobody").await;
    assert_eq!(status, 404, "{body}");
    let (status, _, body) = export(&t, Some(&token), "").await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("FORBIDDEN"), "{body}");
    let (status, _, body) = export(&t, None, "").await;
    assert_eq!(status, 401, "{body}");
}

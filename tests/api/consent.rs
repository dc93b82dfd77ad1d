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

/// What the public sees of `video`: it by id, its moments, its page as a source, a search hit.
async fn public_view(t: &TestDb, schema: &graph::AppSchema, video: &source_videos::Model) -> Value {
    let r = t
        .execute_on(
            schema,
            graph::Viewer::Anonymous,
            "query($id: ID!) { sourceVideo(id: $id) { id keyMoments { totalCount } transcript { totalCount } } \
             techniquePage(slug: \"alpha-page\") { sourceVideos { id } } \
             search(query: \"zanzibar\", types: [KEY_MOMENT, TRANSCRIPT]) { totalCount } \
             node(id: $id) { id } }",
            json!({ "id": vid(video) }),
        )
        .await;
    assert!(r["errors"].is_null(), "{r}");
    let d = &r["data"];
    json!({
        "video": !d["sourceVideo"].is_null(),
        "node": !d["node"].is_null(),
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
    fixtures::key_moment(&t.db, &video, "Zanzibar chords").await;
    fixtures::segment(&t.db, &video, "zanzibar words").await;
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
    assert_eq!(public_view(&t, &schema.0, &video).await, shown_not_kb);
    set(json!({ "kbInclusion": true })).await;
    assert_eq!(public_view(&t, &schema.0, &video).await, all);
    // Hidden on the next request, the search cache included.
    set(json!({ "publicDisplay": false })).await;
    assert_eq!(public_view(&t, &schema.0, &video).await, hidden);
    set(json!({ "publicDisplay": true })).await;
    assert_eq!(public_view(&t, &schema.0, &video).await, all);
    set(json!({ "kbInclusion": false })).await;
    assert_eq!(public_view(&t, &schema.0, &video).await, shown_not_kb);
    set(json!({ "kbInclusion": true })).await;
    assert_eq!(public_view(&t, &schema.0, &video).await, all);

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
    assert_eq!(public_view(&t, &schema.0, &video).await, hidden);
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
    assert_eq!(public_view(&t, &schema.0, &video).await, all);
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

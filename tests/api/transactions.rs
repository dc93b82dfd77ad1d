//! Transactions and history rows (`services::tx`, `services::history`) against real PostgreSQL:
//! a multi-step mutation is all-or-nothing, a real deadlock is retried, a persistent
//! serialization failure is given up after the bound as an internal error, and history rows are
//! numbered 1, 2, 3… under concurrency with nothing left by a rolled-back transaction.

use std::sync::{
    Arc,
    atomic::{AtomicU32, Ordering},
};

use entity::{
    consent_audit_logs, invite_codes, sea_orm_active_enums::ConsentField, technique_page_versions,
    users,
};
use graph::services::{
    history::{self, ConsentChange, PageSnapshot},
    tx,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde_json::json;
use support::{accounts::PASSWORD, error_code, fixtures};
use tokio::sync::Barrier;

const REGISTER: &str =
    "mutation($input: RegisterInput!) { register(input: $input) { user { email } } }";

fn registration(email: &str, code: &str) -> serde_json::Value {
    json!({ "input": { "email": email, "password": PASSWORD, "displayName": "Dee", "inviteCode": code } })
}

async fn uses_left(db: &DatabaseConnection, code: &str) -> i32 {
    invite_codes::Entity::find()
        .filter(invite_codes::Column::Code.eq(code))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .uses_remaining
}

#[tokio::test]
async fn register_that_fails_after_spending_the_invite_leaves_the_invite_and_no_user() {
    let t = support::test_db().await;
    t.invite("ONE-USE", 1).await;
    t.user(
        "taken@example.com",
        entity::sea_orm_active_enums::UserRole::Creator,
        None,
    )
    .await;

    // The invite's use is step one; the user row (refused: the email is taken) step two.
    let resp = t
        .execute_with(REGISTER, registration("taken@example.com", "ONE-USE"))
        .await;
    assert_eq!(error_code(&resp), Some("CONFLICT"), "{resp}");
    assert_eq!(uses_left(&t.db, "ONE-USE").await, 1);
    assert_eq!(users::Entity::find().count(&t.db).await.unwrap(), 1);

    // The use given back is still usable.
    let ok = t
        .execute_with(REGISTER, registration("new@example.com", "ONE-USE"))
        .await;
    assert_eq!(
        ok["data"]["register"]["user"]["email"], "new@example.com",
        "{ok}"
    );
    assert_eq!(uses_left(&t.db, "ONE-USE").await, 0);
    assert_eq!(users::Entity::find().count(&t.db).await.unwrap(), 2);
}

#[tokio::test]
async fn a_failing_later_step_rolls_back_the_earlier_ones() {
    let t = support::test_db().await;
    t.invite("KEPT", 3).await;
    let result: Result<(), _> = tx::transaction(&t.db, |txn| {
        Box::pin(async move {
            txn.execute_unprepared("UPDATE invite_codes SET uses_remaining = 0")
                .await?;
            Err(graph::error::ServiceError::NotFound("creator"))
        })
    })
    .await;
    assert!(matches!(
        result,
        Err(graph::error::ServiceError::NotFound("creator"))
    ));
    assert_eq!(uses_left(&t.db, "KEPT").await, 3);
}

/// Takes advisory lock `first`, waits until the other transaction holds its first lock too (on
/// the first attempt only), then takes `second`: run crosswise, the two deadlock.
async fn lock_crosswise(
    db: &DatabaseConnection,
    first: i64,
    second: i64,
    barrier: Arc<Barrier>,
    attempts: Arc<AtomicU32>,
) -> graph::error::ServiceResult<()> {
    tx::transaction(db, |txn| {
        let barrier = barrier.clone();
        let attempt = attempts.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move {
            txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({first})"))
                .await?;
            if attempt == 1 {
                barrier.wait().await;
            }
            txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({second})"))
                .await?;
            Ok(())
        })
    })
    .await
}

#[tokio::test]
async fn a_real_deadlock_is_retried_and_both_transactions_finish() {
    let t = support::test_db().await;
    let barrier = Arc::new(Barrier::new(2));
    let (a, b) = (Arc::new(AtomicU32::new(0)), Arc::new(AtomicU32::new(0)));
    let (left, right) = tokio::join!(
        lock_crosswise(&t.db, 1, 2, barrier.clone(), a.clone()),
        lock_crosswise(&t.db, 2, 1, barrier, b.clone()),
    );
    left.unwrap();
    right.unwrap();
    // PostgreSQL aborted exactly one of them (40P01); the helper ran that one again.
    let mut tries = [a.load(Ordering::SeqCst), b.load(Ordering::SeqCst)];
    tries.sort_unstable();
    assert_eq!(tries, [1, 2]);
}

#[tokio::test]
async fn a_persistent_serialization_failure_is_given_up_after_the_bound_as_internal() {
    let t = support::test_db().await;
    let attempts = AtomicU32::new(0);
    let result: Result<(), _> = tx::transaction(&t.db, |txn| {
        attempts.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            txn.execute_unprepared(
                "DO $$ BEGIN RAISE EXCEPTION 'forced conflict' \
                 USING ERRCODE = 'serialization_failure'; END $$",
            )
            .await?;
            Ok(())
        })
    })
    .await;
    assert_eq!(attempts.load(Ordering::SeqCst), tx::MAX_ATTEMPTS);
    let err = result.unwrap_err();
    assert!(
        matches!(err, graph::error::ServiceError::Db(_)),
        "the database error is returned as it is: {err:?}"
    );
    let err: async_graphql::Error = err.into();
    assert_eq!(err.message, "internal error");
    let code = err.extensions.as_ref().and_then(|e| e.get("code")).cloned();
    assert_eq!(
        code,
        Some(async_graphql::Value::from(graph::error::codes::INTERNAL))
    );
}

#[tokio::test]
async fn other_errors_are_not_retried() {
    let t = support::test_db().await;
    let attempts = AtomicU32::new(0);
    let result: Result<(), _> = tx::transaction(&t.db, |txn| {
        attempts.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            // A unique violation that is no history race: not worth a rerun.
            txn.execute_unprepared(
                "DO $$ BEGIN RAISE EXCEPTION 'taken' USING ERRCODE = 'unique_violation'; END $$",
            )
            .await?;
            Ok(())
        })
    })
    .await;
    assert!(result.is_err());
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn concurrent_page_versions_are_numbered_one_to_ten() {
    let t = support::test_db().await;
    let creator = fixtures::creator(&t.db, "Versioned").insert().await;
    let page = fixtures::page(&t.db, &creator, "Bass").insert().await;
    let page_id = page.id;
    let attempts = Arc::new(AtomicU32::new(0));
    let appends = (0..10).map(|i| {
        let db = t.db.clone();
        let attempts = attempts.clone();
        tokio::spawn(async move {
            tx::transaction(&db, |txn| {
                attempts.fetch_add(1, Ordering::SeqCst);
                let snapshot = PageSnapshot {
                    technique_page_id: page_id,
                    content_snapshot: json!({ "edit": i }),
                    pipeline_metadata: None,
                };
                Box::pin(async move {
                    let row = history::append_page_version(txn, snapshot).await?;
                    // Hold the parent's lock a moment, so that the others queue behind it.
                    txn.execute_unprepared("SELECT pg_sleep(0.02)").await?;
                    Ok(row.version_number)
                })
            })
            .await
            .unwrap()
        })
    });
    let mut numbers: Vec<i32> = futures::future::join_all(appends)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (1..=10).collect::<Vec<_>>());
    // Each append waited for the lock instead of losing a race and being rerun.
    assert_eq!(attempts.load(Ordering::SeqCst), 10);
    let stored = technique_page_versions::Entity::find()
        .filter(technique_page_versions::Column::TechniquePageId.eq(page.id))
        .count(&t.db)
        .await
        .unwrap();
    assert_eq!(stored, 10);
}

#[tokio::test]
async fn consent_audit_rows_are_numbered_and_a_rollback_leaves_none() {
    let t = support::test_db().await;
    let creator = fixtures::creator(&t.db, "Consenting").insert().await;
    let video = fixtures::video(&t.db, &creator).insert().await;
    let consent = fixtures::consent(&t.db, &video).insert().await;
    let change = |new_value: bool| ConsentChange {
        video_consent_id: consent.id,
        field: ConsentField::KbInclusion,
        old_value: Some(!new_value),
        new_value,
        changed_by: None,
        ip_address: Some("203.0.113.9".into()),
    };

    // Rolled back: the audit row goes with the change.
    let rolled_back: Result<(), _> = tx::transaction(&t.db, |txn| {
        let change = change(false);
        Box::pin(async move {
            history::append_consent_audit(txn, change).await?;
            Err(graph::error::ServiceError::invalid(
                "kbInclusion",
                "refused",
            ))
        })
    })
    .await;
    assert!(rolled_back.is_err());
    assert_eq!(
        consent_audit_logs::Entity::find()
            .count(&t.db)
            .await
            .unwrap(),
        0
    );

    for (expected, value) in [(1, false), (2, true), (3, false)] {
        let row = tx::transaction(&t.db, |txn| {
            let change = change(value);
            Box::pin(async move { history::append_consent_audit(txn, change).await })
        })
        .await
        .unwrap();
        assert_eq!((row.version, row.new_value), (expected, value));
    }

    // A missing parent is NOT_FOUND, not a foreign-key error.
    let missing = tx::transaction(&t.db, |txn| {
        let change = ConsentChange {
            video_consent_id: uuid::Uuid::new_v4(),
            ..change(true)
        };
        Box::pin(async move { history::append_consent_audit(txn, change).await })
    })
    .await;
    assert!(matches!(
        missing,
        Err(graph::error::ServiceError::NotFound(_))
    ));
}

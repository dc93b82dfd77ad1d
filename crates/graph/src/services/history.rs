//! Versioned history rows written inside the transaction of the change they record: a consent
//! change's audit row (`consent_audit_logs`, `version` = 1, 2, 3… per consent) and a technique
//! page's version (`technique_page_versions`, `version_number` = 1, 2, 3… per page).
//!
//! Each append first locks the parent row (`FOR NO KEY UPDATE`, which does not block readers or
//! foreign-key checks, only other writers of the parent), then reads the highest number and
//! inserts the next one. Appends for one parent therefore queue behind each other and, at READ
//! COMMITTED (the default of [`super::tx::transaction`]), each sees the rows committed before it:
//! no gaps and no duplicates. At a stricter isolation level a queued append may read a stale
//! maximum; the unique constraint on (parent, number) refuses the duplicate and
//! [`super::tx::transaction`] reruns the whole transaction ([`is_version_key`]).
//!
//! The functions take a [`DatabaseTransaction`], not any connection: the lock means nothing
//! outside a transaction, and a history row must commit or roll back with its change.

use entity::{consent_audit_logs, sea_orm_active_enums::ConsentField, technique_page_versions};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, FromQueryResult, Set,
    Statement,
};
use uuid::Uuid;

use crate::services::{
    error::{ServiceError, ServiceResult, violated_constraint},
    ids::UserId,
};

/// A versioned series: its parent table and the child table numbering rows per parent.
struct Series {
    /// The parent table (primary key `id`).
    parent: &'static str,
    /// What a missing parent is called in `NotFound`.
    parent_name: &'static str,
    /// The child table.
    child: &'static str,
    /// The child's column referencing the parent.
    parent_key: &'static str,
    /// The child's version column.
    version: &'static str,
    /// The unique constraint on (parent key, version).
    constraint: &'static str,
}

const CONSENT_AUDIT: Series = Series {
    parent: "video_consents",
    parent_name: "video consent",
    child: "consent_audit_logs",
    parent_key: "video_consent_id",
    version: "version",
    constraint: "consent_audit_logs_version_key",
};

const PAGE_VERSIONS: Series = Series {
    parent: "technique_pages",
    parent_name: "technique page",
    child: "technique_page_versions",
    parent_key: "technique_page_id",
    version: "version_number",
    constraint: "technique_page_versions_number_key",
};

/// Whether `constraint` is the (parent, version) key of a history series: a violation means a
/// concurrent append won the number, and the transaction may be rerun.
pub fn is_version_key(constraint: &str) -> bool {
    [CONSENT_AUDIT.constraint, PAGE_VERSIONS.constraint].contains(&constraint)
}

/// A failed insert of a history row: losing the race for a version number stays a database error
/// (the transaction helper reruns it; it is never the client's conflict), anything else converts
/// as usual.
fn insert_error(err: DbErr) -> ServiceError {
    if violated_constraint(&err).is_some_and(is_version_key) {
        ServiceError::Db(err)
    } else {
        err.into()
    }
}

#[derive(FromQueryResult)]
struct Next {
    next: i32,
}

/// Locks the parent row of `series` and returns the next version number for it.
async fn next_version(
    txn: &DatabaseTransaction,
    series: &Series,
    parent_id: Uuid,
) -> ServiceResult<i32> {
    let locked = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT 1 FROM {} WHERE id = $1 FOR NO KEY UPDATE",
                series.parent
            ),
            [parent_id.into()],
        ))
        .await?;
    if locked.is_none() {
        return Err(ServiceError::NotFound(series.parent_name));
    }
    // A separate statement, so that its snapshot is taken after the lock was granted.
    let next = Next::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "SELECT (coalesce(max({}), 0) + 1)::int4 AS next FROM {} WHERE {} = $1",
            series.version, series.child, series.parent_key
        ),
        [parent_id.into()],
    ))
    .one(txn)
    .await?
    .map_or(1, |n| n.next);
    Ok(next)
}

/// One change of one consent flag, as its audit row records it.
#[derive(Debug, Clone)]
pub struct ConsentChange {
    /// The consent row that changed (`video_consents.id`).
    pub video_consent_id: Uuid,
    /// The flag that changed.
    pub field: ConsentField,
    /// Its value before (`None` when the consent row is new).
    pub old_value: Option<bool>,
    /// Its value after.
    pub new_value: bool,
    /// Who changed it (`None` for the system).
    pub changed_by: Option<UserId>,
    /// The client address it came from, if known.
    pub ip_address: Option<String>,
}

/// Appends the audit row of `change` with the consent's next version number, inside `txn`.
pub async fn append_consent_audit(
    txn: &DatabaseTransaction,
    change: ConsentChange,
) -> ServiceResult<consent_audit_logs::Model> {
    let version = next_version(txn, &CONSENT_AUDIT, change.video_consent_id).await?;
    consent_audit_logs::ActiveModel {
        id: Set(Uuid::new_v4()),
        video_consent_id: Set(change.video_consent_id),
        version: Set(version),
        field_name: Set(change.field),
        old_value: Set(change.old_value),
        new_value: Set(change.new_value),
        changed_by: Set(change.changed_by.map(UserId::into_uuid)),
        ip_address: Set(change.ip_address),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(insert_error)
}

/// A technique page's content as one version of it records it.
#[derive(Debug, Clone)]
pub struct PageSnapshot {
    /// The page (`technique_pages.id`).
    pub technique_page_id: Uuid,
    /// The page's content at this version.
    pub content_snapshot: serde_json::Value,
    /// How the pipeline produced it, if it did.
    pub pipeline_metadata: Option<serde_json::Value>,
}

/// Appends `snapshot` as the page's next version, inside `txn`.
pub async fn append_page_version(
    txn: &DatabaseTransaction,
    snapshot: PageSnapshot,
) -> ServiceResult<technique_page_versions::Model> {
    let version = next_version(txn, &PAGE_VERSIONS, snapshot.technique_page_id).await?;
    technique_page_versions::ActiveModel {
        id: Set(Uuid::new_v4()),
        technique_page_id: Set(snapshot.technique_page_id),
        version_number: Set(version),
        content_snapshot: Set(snapshot.content_snapshot),
        pipeline_metadata: Set(snapshot.pipeline_metadata),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(insert_error)
}

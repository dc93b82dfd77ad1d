//! Curating a video's key moments (`docs/decisions/0050-editorial.md`): review them
//! (`review`), edit one (`update`, optimistic concurrency on `key_moments.version`), set their
//! chapter status (`set_chapter_status`) and order them (`reorder`).
//!
//! Every function locks the rows it changes first, reading each moment with its video's creator
//! and whether the viewer may see it at all. A moment the viewer may not see is `NotFound`; one
//! it sees but does not curate `FORBIDDEN`. A review, chapter change or edit bumps the moment's
//! `version`; reordering does not (a position is the video's, not the moment's content).

use entity::{
    key_moments,
    sea_orm_active_enums::{ChapterStatus, ContentType},
    source_videos,
};
use sea_orm::{
    ActiveEnum, ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend,
    EntityTrait, FromQueryResult, QueryFilter, Set, Statement, Value,
};
use uuid::Uuid;

use crate::services::{
    error::{ServiceError, ServiceResult},
    permissions::{Permission, Viewer, authorize_on},
    text::{labels, limit},
    tx,
    visibility::{Alias, Rule, Scope},
};

/// The most moments one call may change.
pub(crate) const MAX_MOMENTS_PER_CALL: usize = 500;
/// The longest a moment title may be (`key_moments.title varchar(500)`).
pub(crate) const MAX_TITLE_CHARS: usize = 500;
/// The longest a moment summary may be, in characters.
pub(crate) const MAX_SUMMARY_CHARS: usize = 10_000;
/// The longest a topic category or topic tag may be, in characters.
pub(crate) const MAX_LABEL_CHARS: usize = 255;
/// The most topic tags a moment may carry.
pub(crate) const MAX_TAGS: usize = 100;

/// A locked moment with what the gate needs.
struct Locked {
    moment: key_moments::Model,
    creator_id: Uuid,
    visible: bool,
}

#[derive(FromQueryResult)]
struct Access {
    creator_id: Uuid,
    visible: bool,
}

/// Locks the moments `ids` (`FOR NO KEY UPDATE`), in id order, with their video's creator and
/// whether `viewer` may see them. An unknown id is `NotFound`.
async fn lock(
    txn: &DatabaseTransaction,
    viewer: &Viewer,
    ids: &[Uuid],
) -> ServiceResult<Vec<Locked>> {
    let scope = Scope::of(viewer);
    let mut values: Vec<Value> = vec![ids.to_vec().into()];
    let mut bind = |value: Value| {
        values.push(value);
        format!("${}", values.len())
    };
    let video = scope.sql(Rule::Video, Alias::new("v"), &mut bind);
    let moment = scope.sql(Rule::Moment, Alias::new("k"), &mut bind);
    let rows = txn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            format!(
                "SELECT k.*, v.creator_id, ({video} AND {moment}) AS visible \
                 FROM key_moments k JOIN source_videos v ON v.id = k.source_video_id \
                 WHERE k.id = ANY($1) ORDER BY k.id FOR NO KEY UPDATE OF k"
            ),
            values,
        ))
        .await?;
    let locked = rows
        .iter()
        .map(|row| {
            let access = Access::from_query_result(row, "")?;
            Ok(Locked {
                moment: key_moments::Model::from_query_result(row, "")?,
                creator_id: access.creator_id,
                visible: access.visible,
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    if locked.len() != ids.len() {
        return Err(ServiceError::NotFound("key moment"));
    }
    Ok(locked)
}

/// The gate for changing `locked`: `NotFound` for a moment the viewer may not see, `FORBIDDEN`
/// for one it sees but does not curate.
fn curate(viewer: &Viewer, locked: &[Locked]) -> ServiceResult<()> {
    for row in locked {
        authorize_on(
            viewer,
            Permission::Curate(row.creator_id),
            row.visible,
            "key moment",
        )?;
    }
    Ok(())
}

/// The ids, without duplicates and sorted, or `BAD_USER_INPUT` on `argument`.
fn checked_ids(argument: &str, ids: &[Uuid]) -> ServiceResult<Vec<Uuid>> {
    if ids.is_empty() {
        return Err(ServiceError::invalid(
            argument,
            "name at least one key moment",
        ));
    }
    if ids.len() > MAX_MOMENTS_PER_CALL {
        return Err(ServiceError::invalid(
            argument,
            format!("at most {MAX_MOMENTS_PER_CALL} key moments"),
        ));
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Sets `column` to `value` (SQL `value_sql`, reading `$2`) on those of the moments `ids` where
/// it differs, bumping their versions, and returns every moment of `ids` in the order of `order`.
async fn set_column(
    txn: &DatabaseTransaction,
    ids: &[Uuid],
    column: &str,
    value_sql: &str,
    value: Value,
    order: &[Uuid],
) -> ServiceResult<Vec<key_moments::Model>> {
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        format!(
            "UPDATE key_moments SET {column} = {value_sql}, version = version + 1 \
             WHERE id = ANY($1) AND {column} IS DISTINCT FROM {value_sql}"
        ),
        [ids.to_vec().into(), value],
    ))
    .await?;
    let mut moments = key_moments::Entity::find()
        .filter(key_moments::Column::Id.is_in(ids.iter().copied()))
        .all(txn)
        .await?;
    moments.sort_by_key(|m| order.iter().position(|id| *id == m.id));
    Ok(moments)
}

/// The curators of every moment's creator: sets the moments' review status (`pending`,
/// `approved` or `rejected`), all or none. Returns them in the order asked.
pub(crate) async fn review(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    ids: &[Uuid],
    status: &'static str,
) -> ServiceResult<Vec<key_moments::Model>> {
    let order = ids.to_vec();
    let ids = checked_ids("ids", ids)?;
    tx::transaction(db, |txn| {
        let (viewer, ids, order) = (viewer.clone(), ids.clone(), order.clone());
        Box::pin(async move {
            curate(&viewer, &lock(txn, &viewer, &ids).await?)?;
            set_column(txn, &ids, "review_status", "$2", status.into(), &order).await
        })
    })
    .await
}

/// The curators of every moment's creator: sets the moments' chapter status, all or none.
/// Returns them in the order asked.
pub(crate) async fn set_chapter_status(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    ids: &[Uuid],
    status: ChapterStatus,
) -> ServiceResult<Vec<key_moments::Model>> {
    let order = ids.to_vec();
    let ids = checked_ids("ids", ids)?;
    tx::transaction(db, |txn| {
        let (viewer, ids, order) = (viewer.clone(), ids.clone(), order.clone());
        Box::pin(async move {
            curate(&viewer, &lock(txn, &viewer, &ids).await?)?;
            set_column(
                txn,
                &ids,
                "chapter_status",
                "$2::chapter_status",
                Value::from(status.to_value().value.into_owned()),
                &order,
            )
            .await
        })
    })
    .await
}

/// The changes of `update`; `None` leaves a field as it is (`topic_category: Some(None)` clears
/// it).
#[derive(Debug, Clone, Default)]
pub(crate) struct MomentEdit {
    /// A new title.
    pub title: Option<String>,
    /// A new summary.
    pub summary: Option<String>,
    /// A new start, in seconds.
    pub start_time: Option<f64>,
    /// A new end, in seconds.
    pub end_time: Option<f64>,
    /// A new topic category.
    pub topic_category: Option<Option<String>>,
    /// New topic tags.
    pub topic_tags: Option<Vec<String>>,
    /// A new content type.
    pub content_type: Option<ContentType>,
}

impl MomentEdit {
    /// Checks and trims every field given; fails naming the input field.
    fn validate(mut self) -> ServiceResult<Self> {
        if let Some(title) = &self.title {
            let title = title.trim().to_owned();
            if title.is_empty() {
                return Err(ServiceError::invalid("input.title", "may not be empty"));
            }
            limit("input.title", &title, MAX_TITLE_CHARS)?;
            self.title = Some(title);
        }
        if let Some(summary) = &self.summary {
            limit("input.summary", summary, MAX_SUMMARY_CHARS)?;
        }
        for (argument, time) in [
            ("input.startTime", self.start_time),
            ("input.endTime", self.end_time),
        ] {
            if time.is_some_and(|t| !t.is_finite() || t < 0.0) {
                return Err(ServiceError::invalid(
                    argument,
                    "must be a number of seconds, 0 or more",
                ));
            }
        }
        if let Some(Some(category)) = &self.topic_category {
            let category = category.trim().to_owned();
            limit("input.topicCategory", &category, MAX_LABEL_CHARS)?;
            self.topic_category = Some((!category.is_empty()).then_some(category));
        }
        if let Some(tags) = &self.topic_tags {
            self.topic_tags = Some(labels("input.topicTags", tags, MAX_TAGS, MAX_LABEL_CHARS)?);
        }
        Ok(self)
    }
}

/// The curators of the moment's creator: applies `edit` if the moment is still at
/// `expected_version` (when given; else `StaleVersion`, nothing written). The resulting times
/// must satisfy 0 ≤ start < end (`BAD_USER_INPUT` on the time given). An edit that changes
/// nothing writes nothing.
pub(crate) async fn update(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    id: Uuid,
    expected_version: Option<i32>,
    edit: MomentEdit,
) -> ServiceResult<key_moments::Model> {
    let edit = edit.validate()?;
    tx::transaction(db, |txn| {
        let (viewer, edit) = (viewer.clone(), edit.clone());
        Box::pin(async move {
            let locked = lock(txn, &viewer, &[id]).await?;
            curate(&viewer, &locked)?;
            let current = locked
                .into_iter()
                .next()
                .map(|l| l.moment)
                .ok_or(ServiceError::NotFound("key moment"))?;
            if let Some(expected) = expected_version
                && expected != current.version
            {
                return Err(ServiceError::StaleVersion {
                    field: "expectedVersion",
                    expected,
                    current: current.version,
                });
            }
            let mut next = current.clone();
            if let Some(title) = &edit.title {
                next.title.clone_from(title);
            }
            if let Some(summary) = &edit.summary {
                next.summary.clone_from(summary);
            }
            if let Some(start) = edit.start_time {
                next.start_time = start;
            }
            if let Some(end) = edit.end_time {
                next.end_time = end;
            }
            if let Some(category) = &edit.topic_category {
                next.topic_category.clone_from(category);
            }
            if let Some(tags) = &edit.topic_tags {
                next.topic_tags.clone_from(tags);
            }
            if let Some(kind) = edit.content_type {
                next.content_type = kind;
            }
            if next.start_time >= next.end_time {
                let argument = if edit.end_time.is_some() {
                    "input.endTime"
                } else {
                    "input.startTime"
                };
                return Err(ServiceError::invalid(
                    argument,
                    format!(
                        "the start ({}s) must be before the end ({}s)",
                        next.start_time, next.end_time
                    ),
                ));
            }
            if next == current {
                return Ok(current);
            }
            let mut active: key_moments::ActiveModel = current.clone().into();
            active.title = Set(next.title);
            active.summary = Set(next.summary);
            active.start_time = Set(next.start_time);
            active.end_time = Set(next.end_time);
            active.topic_category = Set(next.topic_category);
            active.topic_tags = Set(next.topic_tags);
            active.content_type = Set(next.content_type);
            active.version = Set(current.version + 1);
            Ok(active.update(txn).await?)
        })
    })
    .await
}

#[derive(FromQueryResult)]
struct MomentId {
    id: Uuid,
}

/// The curators of the video's creator: gives the video's moments the order of `ordered_ids`,
/// which must name each of the video's moments exactly once (`BAD_USER_INPUT` on `orderedIds`
/// saying what is missing, extra or repeated); `sort_order` becomes 0..n−1 in one statement.
/// Returns the video.
pub(crate) async fn reorder(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    video_id: Uuid,
    ordered_ids: &[Uuid],
) -> ServiceResult<source_videos::Model> {
    tx::transaction(db, |txn| {
        let (viewer, ordered_ids) = (viewer.clone(), ordered_ids.to_vec());
        Box::pin(async move {
            let scope = Scope::of(&viewer);
            let mut values: Vec<Value> = vec![video_id.into()];
            let visible = scope.sql(Rule::Video, Alias::new("v"), &mut |value| {
                values.push(value);
                format!("${}", values.len())
            });
            let row = txn
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    format!(
                        "SELECT v.*, {visible} AS visible FROM source_videos v \
                         WHERE v.id = $1 FOR NO KEY UPDATE"
                    ),
                    values,
                ))
                .await?
                .ok_or(ServiceError::NotFound("source video"))?;
            let video = source_videos::Model::from_query_result(&row, "")?;
            let visible: bool = row.try_get("", "visible")?;
            authorize_on(
                &viewer,
                Permission::Curate(video.creator_id),
                visible,
                "source video",
            )?;
            let mut current: Vec<Uuid> =
                MomentId::find_by_statement(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT id FROM key_moments WHERE source_video_id = $1",
                    [video.id.into()],
                ))
                .all(txn)
                .await?
                .into_iter()
                .map(|m| m.id)
                .collect();
            current.sort_unstable();
            let mut asked = ordered_ids.clone();
            asked.sort_unstable();
            if asked != current {
                let mut deduped = asked.clone();
                deduped.dedup();
                let problem = if deduped.len() != asked.len() {
                    "names a key moment more than once".to_owned()
                } else {
                    let missing = current.iter().filter(|id| !asked.contains(id)).count();
                    let extra = asked.iter().filter(|id| !current.contains(id)).count();
                    format!(
                        "must name each of the video's {} key moments exactly once \
                         ({missing} missing, {extra} not of this video)",
                        current.len()
                    )
                };
                return Err(ServiceError::invalid("orderedIds", problem));
            }
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "UPDATE key_moments k SET sort_order = o.n - 1 \
                 FROM unnest($1::uuid[]) WITH ORDINALITY AS o(id, n) \
                 WHERE k.id = o.id AND k.source_video_id = $2 AND k.sort_order <> o.n - 1",
                [ordered_ids.into(), video.id.into()],
            ))
            .await?;
            source_videos::Entity::find_by_id(video.id)
                .one(txn)
                .await?
                .ok_or(ServiceError::NotFound("source video"))
        })
    })
    .await
}

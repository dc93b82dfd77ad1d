//! A technique page's relations that curators edit (`docs/decisions/0050-editorial.md`): links to
//! other pages (`link` / `unlink`) and source videos (`attach_source` / `detach_source`).
//!
//! A link belongs to its source page: the source page's curators make and remove it; the target
//! only has to exist (every page is public). `PREREQUISITE` links may not form a cycle. Inserting
//! one takes a transaction-scoped advisory lock first, so two curators closing a cycle from both
//! ends at once cannot both pass the check.
//!
//! A source video must be one the curator curates too: a creator's users attach their creator's
//! videos to their creator's pages; admins attach any video to any page.

use entity::{
    related_technique_links, sea_orm_active_enums::RelationshipType, source_videos, technique_pages,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait,
    FromQueryResult, QueryFilter, Set, Statement,
};
use uuid::Uuid;

use crate::services::{
    error::{ServiceError, ServiceResult},
    page_edit::lock_curated_page,
    permissions::{Permission, Viewer, authorize},
    tx,
    visibility::{Alias, Rule, Scope},
};

/// The longest a link label may be (`related_technique_links.label varchar(255)`).
pub(crate) const MAX_LABEL_CHARS: usize = 255;

/// The advisory lock key every `PREREQUISITE` link insert takes (`hashtext` of this text).
const PREREQUISITE_LOCK: &str = "patchbay.prerequisite_links";

/// A link to make.
#[derive(Debug, Clone)]
pub(crate) struct NewLink {
    /// The page the link goes from (its curators make it).
    pub source_id: Uuid,
    /// The page the link points to.
    pub target_id: Uuid,
    /// How the source relates to the target.
    pub relationship: RelationshipType,
    /// A label for the link (trimmed; empty is none).
    pub label: Option<String>,
}

#[derive(FromQueryResult)]
struct Cycle {
    slugs: Vec<String>,
}

/// The slugs of a `PREREQUISITE` path from `from` back to `to`, if there is one.
async fn prerequisite_path(
    txn: &DatabaseTransaction,
    from: Uuid,
    to: Uuid,
) -> ServiceResult<Option<Vec<String>>> {
    let cycle = Cycle::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "WITH RECURSIVE walk (page_id, path) AS ( \
             SELECT $1::uuid, ARRAY[$1::uuid] \
             UNION ALL \
             SELECT l.target_page_id, w.path || l.target_page_id \
             FROM walk w JOIN related_technique_links l \
               ON l.source_page_id = w.page_id AND l.relationship = 'prerequisite' \
             WHERE NOT l.target_page_id = ANY(w.path)) \
         SELECT ARRAY(SELECT p.slug FROM unnest(w.path) WITH ORDINALITY AS s(id, n) \
                      JOIN technique_pages p ON p.id = s.id ORDER BY s.n)::text[] AS slugs \
         FROM walk w WHERE w.page_id = $2 LIMIT 1",
        [from.into(), to.into()],
    ))
    .one(txn)
    .await?;
    Ok(cycle.map(|c| c.slugs))
}

/// The source page's curators: links `link.source_id` to `link.target_id`. A self link is
/// `BAD_USER_INPUT` on `targetId`, a second link of the same type between the same pages
/// `CONFLICT` on `targetId`, a `PREREQUISITE` link that would close a cycle `BAD_USER_INPUT`
/// naming the cycle. Returns the link and its source page.
pub(crate) async fn link(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    link: NewLink,
) -> ServiceResult<(related_technique_links::Model, technique_pages::Model)> {
    if link.source_id == link.target_id {
        return Err(ServiceError::invalid(
            "input.targetId",
            "a page cannot link to itself",
        ));
    }
    let label = link
        .label
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned);
    if label
        .as_ref()
        .is_some_and(|l| l.chars().count() > MAX_LABEL_CHARS)
    {
        return Err(ServiceError::invalid(
            "input.label",
            format!("must be at most {MAX_LABEL_CHARS} characters"),
        ));
    }
    tx::transaction(db, |txn| {
        let (viewer, link, label) = (viewer.clone(), link.clone(), label.clone());
        Box::pin(async move {
            let (source, _) = lock_curated_page(txn, &viewer, link.source_id).await?;
            technique_pages::Entity::find_by_id(link.target_id)
                .one(txn)
                .await?
                .ok_or(ServiceError::NotFound("technique page"))?;
            if link.relationship == RelationshipType::Prerequisite {
                txn.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_advisory_xact_lock(hashtext($1))",
                    [PREREQUISITE_LOCK.into()],
                ))
                .await?;
                if let Some(path) = prerequisite_path(txn, link.target_id, link.source_id).await? {
                    let cycle: Vec<&str> = std::iter::once(source.slug.as_str())
                        .chain(path.iter().map(String::as_str))
                        .collect();
                    return Err(ServiceError::invalid(
                        "input.targetId",
                        format!(
                            "a PREREQUISITE link from `{}` would close the cycle {}",
                            source.slug,
                            cycle.join(" → ")
                        ),
                    ));
                }
            }
            let made = related_technique_links::ActiveModel {
                id: Set(Uuid::new_v4()),
                source_page_id: Set(link.source_id),
                target_page_id: Set(link.target_id),
                relationship: Set(link.relationship),
                label: Set(label),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            Ok((made, source))
        })
    })
    .await
}

/// The source page's curators: removes the links from `source_id` to `target_id` (of
/// `relationship` only, when given). Returns the source page and how many links went.
pub(crate) async fn unlink(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    source_id: Uuid,
    target_id: Uuid,
    relationship: Option<RelationshipType>,
) -> ServiceResult<(technique_pages::Model, u64)> {
    tx::transaction(db, |txn| {
        let viewer = viewer.clone();
        Box::pin(async move {
            let (source, _) = lock_curated_page(txn, &viewer, source_id).await?;
            let mut delete = related_technique_links::Entity::delete_many()
                .filter(related_technique_links::Column::SourcePageId.eq(source_id))
                .filter(related_technique_links::Column::TargetPageId.eq(target_id));
            if let Some(relationship) = relationship {
                delete =
                    delete.filter(related_technique_links::Column::Relationship.eq(relationship));
            }
            let removed = delete.exec(txn).await?.rows_affected;
            Ok((source, removed))
        })
    })
    .await
}

/// The video, if the viewer may see it (else `NotFound`), and the right to curate its creator
/// (else `FORBIDDEN`).
async fn curated_video(
    txn: &DatabaseTransaction,
    viewer: &Viewer,
    video_id: Uuid,
) -> ServiceResult<source_videos::Model> {
    let video = source_videos::Entity::find_by_id(video_id)
        .filter(Scope::of(viewer).expr(Rule::Video, Alias::new("source_videos")))
        .one(txn)
        .await?
        .ok_or(ServiceError::NotFound("source video"))?;
    authorize(viewer, Permission::Curate(video.creator_id)).map_err(|err| match err {
        ServiceError::Forbidden(_) => ServiceError::Forbidden(
            "only admins attach another creator's video to a page".to_owned(),
        ),
        other => other,
    })?;
    Ok(video)
}

/// The page's curators, who also curate the video's creator (admins: any video): makes the
/// video a source of the page (again: nothing changes). Returns the page.
pub(crate) async fn attach_source(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    page_id: Uuid,
    video_id: Uuid,
) -> ServiceResult<technique_pages::Model> {
    tx::transaction(db, |txn| {
        let viewer = viewer.clone();
        Box::pin(async move {
            let (page, _) = lock_curated_page(txn, &viewer, page_id).await?;
            let video = curated_video(txn, &viewer, video_id).await?;
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO technique_page_videos (technique_page_id, source_video_id) \
                 VALUES ($1, $2) ON CONFLICT DO NOTHING",
                [page.id.into(), video.id.into()],
            ))
            .await?;
            Ok(page)
        })
    })
    .await
}

/// The page's curators: the video is no longer a source of the page (if it was not, nothing
/// changes). Returns the page.
pub(crate) async fn detach_source(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    page_id: Uuid,
    video_id: Uuid,
) -> ServiceResult<technique_pages::Model> {
    tx::transaction(db, |txn| {
        let viewer = viewer.clone();
        Box::pin(async move {
            let (page, _) = lock_curated_page(txn, &viewer, page_id).await?;
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "DELETE FROM technique_page_videos \
                 WHERE technique_page_id = $1 AND source_video_id = $2",
                [page.id.into(), video_id.into()],
            ))
            .await?;
            Ok(page)
        })
    })
    .await
}

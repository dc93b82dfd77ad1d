//! Tags: lookups by normalized name, a page's tags (set, add, remove) and the admins' rename and
//! merge (`docs/decisions/0050-editorial.md`).
//!
//! A tag name is normalized once, here ([`normalize`]): trimmed, inner whitespace collapsed to
//! one space, lower-cased, so " Reese  Bass" and "reese bass" are one tag. Tags are created on
//! first use with `INSERT … ON CONFLICT DO NOTHING` and then read in a statement of their own, so
//! two curators adding the same new tag at once end up with one row. A tag's page count is
//! counted from `technique_page_tags`, never stored, so it cannot drift; a tag left without pages
//! stays (an admin may rename or merge it).

use entity::{tags, technique_pages};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, FromQueryResult,
    QueryFilter, Statement,
};
use uuid::Uuid;

use crate::services::{
    error::{ServiceError, ServiceResult},
    page_edit,
    permissions::{Permission, Viewer, authorize},
    tx,
};

/// The longest a tag name may be (`tags.name varchar(100)`), in characters.
pub(crate) const MAX_TAG_CHARS: usize = 100;
/// The most tag names one call may carry.
pub(crate) const MAX_TAGS_PER_CALL: usize = 100;

/// A tag name as stored: trimmed, inner whitespace collapsed to one space, lower-cased.
pub(crate) fn normalize(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The tag with this name (normalized first), if any.
pub(crate) async fn by_name(
    db: &impl ConnectionTrait,
    name: &str,
) -> ServiceResult<Option<tags::Model>> {
    Ok(tags::Entity::find()
        .filter(tags::Column::Name.eq(normalize(name)))
        .one(db)
        .await?)
}

/// One name, normalized and checked, or `BAD_USER_INPUT` on `argument`.
fn checked_name(argument: &str, name: &str) -> ServiceResult<String> {
    let name = normalize(name);
    if name.is_empty() {
        return Err(ServiceError::invalid(
            argument,
            "a tag name may not be empty",
        ));
    }
    if name.chars().count() > MAX_TAG_CHARS {
        return Err(ServiceError::invalid(
            argument,
            format!("a tag name may be at most {MAX_TAG_CHARS} characters"),
        ));
    }
    Ok(name)
}

/// The names, normalized, checked and without duplicates (first occurrence kept).
pub(crate) fn checked_names(argument: &str, names: &[String]) -> ServiceResult<Vec<String>> {
    if names.len() > MAX_TAGS_PER_CALL {
        return Err(ServiceError::invalid(
            argument,
            format!("at most {MAX_TAGS_PER_CALL} names"),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        let name = checked_name(argument, name)?;
        if !out.contains(&name) {
            out.push(name);
        }
    }
    Ok(out)
}

/// How a call changes a page's tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageTagChange {
    /// The page gets exactly these tags.
    Set,
    /// These tags are added to the page's.
    Add,
    /// These tags are removed from the page's (unknown ones are ignored).
    Remove,
}

#[derive(FromQueryResult)]
struct TagId {
    id: Uuid,
}

/// The ids of the tags named `names` (already normalized), creating the missing ones.
async fn ensure_tags(txn: &DatabaseTransaction, names: &[String]) -> ServiceResult<Vec<Uuid>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO tags (id, name) SELECT gen_random_uuid(), n FROM unnest($1::text[]) n \
         ON CONFLICT (name) DO NOTHING",
        [names.to_vec().into()],
    ))
    .await?;
    // A statement of its own: it sees a tag another transaction committed meanwhile.
    let ids = TagId::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT id FROM tags WHERE name = ANY($1::text[])",
        [names.to_vec().into()],
    ))
    .all(txn)
    .await?;
    if ids.len() != names.len() {
        return Err(ServiceError::invariant(format!(
            "tags {names:?} resolved to {} rows",
            ids.len()
        )));
    }
    Ok(ids.into_iter().map(|t| t.id).collect())
}

/// The page's creator's curators and admins: sets, adds or removes the page's tags (names
/// normalized; new tags created). Returns the page.
pub(crate) async fn change_page_tags(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    page_id: Uuid,
    change: PageTagChange,
    names: &[String],
) -> ServiceResult<technique_pages::Model> {
    let names = checked_names("names", names)?;
    tx::transaction(db, |txn| {
        let (viewer, names) = (viewer.clone(), names.clone());
        Box::pin(async move {
            // Locked so that concurrent changes of one page's tags apply one after the other.
            let (page, _) = page_edit::lock_curated_page(txn, &viewer, page_id).await?;
            match change {
                PageTagChange::Remove => {
                    txn.execute_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "DELETE FROM technique_page_tags pt USING tags t \
                         WHERE pt.technique_page_id = $1 AND pt.tag_id = t.id \
                           AND t.name = ANY($2::text[])",
                        [page.id.into(), names.clone().into()],
                    ))
                    .await?;
                }
                PageTagChange::Set | PageTagChange::Add => {
                    let ids = ensure_tags(txn, &names).await?;
                    if change == PageTagChange::Set {
                        txn.execute_raw(Statement::from_sql_and_values(
                            DbBackend::Postgres,
                            "DELETE FROM technique_page_tags \
                             WHERE technique_page_id = $1 AND NOT tag_id = ANY($2::uuid[])",
                            [page.id.into(), ids.clone().into()],
                        ))
                        .await?;
                    }
                    txn.execute_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "INSERT INTO technique_page_tags (technique_page_id, tag_id) \
                         SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING",
                        [page.id.into(), ids.into()],
                    ))
                    .await?;
                }
            }
            Ok(page)
        })
    })
    .await
}

/// Reads and locks the tag `FOR UPDATE`, or `NotFound`.
async fn lock_tag(txn: &DatabaseTransaction, id: Uuid) -> ServiceResult<tags::Model> {
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT * FROM tags WHERE id = $1 FOR UPDATE",
            [id.into()],
        ))
        .await?
        .ok_or(ServiceError::NotFound("tag"))?;
    Ok(tags::Model::from_query_result(&row, "")?)
}

/// Admins only: renames a tag (normalized). A name another tag has is `CONFLICT` on `name`
/// (merge the two instead).
pub(crate) async fn rename(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    tag_id: Uuid,
    name: &str,
) -> ServiceResult<tags::Model> {
    authorize(viewer, Permission::ManageCatalog)?;
    let name = checked_name("name", name)?;
    tx::transaction(db, |txn| {
        let name = name.clone();
        Box::pin(async move {
            let tag = lock_tag(txn, tag_id).await?;
            if tag.name == name {
                return Ok(tag);
            }
            let row = txn
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "UPDATE tags SET name = $2 WHERE id = $1 RETURNING *",
                    [tag.id.into(), name.into()],
                ))
                .await?
                .ok_or(ServiceError::NotFound("tag"))?;
            Ok(tags::Model::from_query_result(&row, "")?)
        })
    })
    .await
}

/// Admins only: moves every page of the tags `from` onto the tag `into` (a page that had both
/// keeps one link) and deletes the `from` tags. Returns `into`.
pub(crate) async fn merge(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    from: Vec<Uuid>,
    into: Uuid,
) -> ServiceResult<tags::Model> {
    authorize(viewer, Permission::ManageCatalog)?;
    let mut from = from;
    from.sort_unstable();
    from.dedup();
    if from.is_empty() {
        return Err(ServiceError::invalid(
            "from",
            "name at least one tag to merge",
        ));
    }
    if from.contains(&into) {
        return Err(ServiceError::invalid(
            "from",
            "a tag cannot be merged into itself",
        ));
    }
    tx::transaction(db, |txn| {
        let from = from.clone();
        Box::pin(async move {
            // Locked in id order, so that two merges over the same tags cannot deadlock.
            let mut all: Vec<Uuid> = from.iter().copied().chain([into]).collect();
            all.sort_unstable();
            let mut target = None;
            for id in all {
                let tag = lock_tag(txn, id).await?;
                if id == into {
                    target = Some(tag);
                }
            }
            let target = target.ok_or(ServiceError::NotFound("tag"))?;
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "INSERT INTO technique_page_tags (technique_page_id, tag_id) \
                 SELECT DISTINCT technique_page_id, $1::uuid FROM technique_page_tags \
                 WHERE tag_id = ANY($2::uuid[]) ON CONFLICT DO NOTHING",
                [into.into(), from.clone().into()],
            ))
            .await?;
            txn.execute_raw(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "DELETE FROM tags WHERE id = ANY($1::uuid[])",
                [from.into()],
            ))
            .await?;
            Ok(target)
        })
    })
    .await
}

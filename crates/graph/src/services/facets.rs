//! Facets and home-page lists: topic categories (casings merged), tags by page count, genres,
//! featured creators, trending and recent technique pages.

use entity::{creators, tags, technique_pages};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, Statement,
};

use crate::services::error::{ServiceError, ServiceResult};

/// The largest `limit` a facet or home list accepts.
pub(crate) const MAX_LIMIT: i32 = 100;

/// Validates a facet's `limit` argument.
pub(crate) fn limit(n: i32) -> ServiceResult<u64> {
    match u64::try_from(n) {
        Ok(n) if n <= MAX_LIMIT as u64 => Ok(n),
        _ => Err(ServiceError::invalid(
            "limit",
            format!("`limit` must be between 0 and {MAX_LIMIT}, got {n}"),
        )),
    }
}

/// A facet value with how many rows carry it.
#[derive(Debug, Clone, FromQueryResult)]
pub(crate) struct Bucket {
    /// The display form.
    pub name: String,
    /// How many rows carry it.
    pub count: i64,
}

/// Topic categories of technique pages, casings merged case-insensitively; each shows its most
/// common stored spelling (ties: the alphabetically first). Most used first.
pub(crate) async fn topic_categories(db: &impl ConnectionTrait) -> ServiceResult<Vec<Bucket>> {
    buckets(
        db,
        "SELECT mode() WITHIN GROUP (ORDER BY btrim(topic_category)) AS name, count(*) AS count \
         FROM technique_pages WHERE btrim(coalesce(topic_category, '')) <> '' \
         GROUP BY lower(btrim(topic_category)) ORDER BY count DESC, name",
    )
    .await
}

/// Creator genres, casings merged the same way, with how many creators work in each.
pub(crate) async fn genres(db: &impl ConnectionTrait) -> ServiceResult<Vec<Bucket>> {
    buckets(
        db,
        "SELECT mode() WITHIN GROUP (ORDER BY btrim(g)) AS name, count(DISTINCT c.id) AS count \
         FROM creators c, unnest(c.genres) g WHERE btrim(g) <> '' \
         GROUP BY lower(btrim(g)) ORDER BY count DESC, name",
    )
    .await
}

async fn buckets(db: &impl ConnectionTrait, sql: &str) -> ServiceResult<Vec<Bucket>> {
    Ok(
        Bucket::find_by_statement(Statement::from_string(DbBackend::Postgres, sql))
            .all(db)
            .await?,
    )
}

/// How tag facets are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TagOrder {
    /// Most used first.
    PageCountDesc,
    /// Alphabetical.
    NameAsc,
}

/// A tag with its page count.
#[derive(Debug, Clone, FromQueryResult)]
pub(crate) struct TagWithCount {
    /// The tag's id.
    pub id: uuid::Uuid,
    /// The tag's name.
    pub name: String,
    /// When the tag was created.
    pub created_at: chrono::NaiveDateTime,
    /// How many pages carry it.
    pub page_count: i64,
}

impl TagWithCount {
    /// The tag row.
    pub(crate) fn tag(&self) -> tags::Model {
        tags::Model {
            id: self.id,
            name: self.name.clone(),
            created_at: self.created_at,
        }
    }
}

/// Tags with their page counts in `order`, at most `limit`.
pub(crate) async fn tags(
    db: &impl ConnectionTrait,
    order: TagOrder,
    limit: u64,
) -> ServiceResult<Vec<TagWithCount>> {
    let order = match order {
        TagOrder::PageCountDesc => "page_count DESC, t.name",
        TagOrder::NameAsc => "t.name",
    };
    let sql = format!(
        "SELECT t.id, t.name, t.created_at, count(pt.technique_page_id) AS page_count \
         FROM tags t LEFT JOIN technique_page_tags pt ON pt.tag_id = t.id \
         GROUP BY t.id ORDER BY {order} LIMIT $1"
    );
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    Ok(
        TagWithCount::find_by_statement(Statement::from_sql_and_values(
            DbBackend::Postgres,
            sql,
            [limit.into()],
        ))
        .all(db)
        .await?,
    )
}

/// Spotlighted creators by name.
pub(crate) async fn featured_creators(
    db: &impl ConnectionTrait,
    limit: u64,
) -> ServiceResult<Vec<creators::Model>> {
    Ok(creators::Entity::find()
        .filter(creators::Column::Featured.eq(true))
        .order_by_asc(creators::Column::Name)
        .order_by_asc(creators::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// The most viewed technique pages (body deferred).
pub(crate) async fn trending_pages(
    db: &impl ConnectionTrait,
    limit: u64,
) -> ServiceResult<Vec<technique_pages::Model>> {
    Ok(super::technique_pages::summaries()
        .order_by_desc(technique_pages::Column::ViewCount)
        .order_by_asc(technique_pages::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

/// The newest technique pages (body deferred).
pub(crate) async fn recent_pages(
    db: &impl ConnectionTrait,
    limit: u64,
) -> ServiceResult<Vec<technique_pages::Model>> {
    Ok(super::technique_pages::summaries()
        .order_by_desc(technique_pages::Column::CreatedAt)
        .order_by_asc(technique_pages::Column::Id)
        .limit(limit)
        .all(db)
        .await?)
}

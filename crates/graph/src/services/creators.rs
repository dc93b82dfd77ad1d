//! Creators: the directory ordered by name, lookups by slug.

use entity::creators;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::{error::ServiceResult, pagination::Window};

/// A window of all creators, ordered by name.
pub async fn list(db: &DatabaseConnection, window: Window) -> ServiceResult<Vec<creators::Model>> {
    Ok(creators::Entity::find()
        .order_by_asc(creators::Column::Name)
        .order_by_asc(creators::Column::Id)
        .offset(window.offset)
        .limit(window.fetch())
        .all(db)
        .await?)
}

/// How many creators there are.
pub async fn count(db: &DatabaseConnection) -> ServiceResult<u64> {
    Ok(creators::Entity::find().count(db).await?)
}

/// The creator with this slug, if any.
pub async fn by_slug(
    db: &DatabaseConnection,
    slug: &str,
) -> ServiceResult<Option<creators::Model>> {
    Ok(creators::Entity::find()
        .filter(creators::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

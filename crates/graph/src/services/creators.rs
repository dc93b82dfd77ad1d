//! Creators: lookups by slug (the directory itself is `services::browse::creators`).

use entity::creators;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::services::error::ServiceResult;

/// The creator with this slug, if any.
pub(crate) async fn by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> ServiceResult<Option<creators::Model>> {
    Ok(creators::Entity::find()
        .filter(creators::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

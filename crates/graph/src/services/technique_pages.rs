//! Technique pages: lookups by slug.

use entity::technique_pages;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::error::ServiceResult;

/// The technique page with this slug, if any.
pub async fn by_slug(
    db: &DatabaseConnection,
    slug: &str,
) -> ServiceResult<Option<technique_pages::Model>> {
    Ok(technique_pages::Entity::find()
        .filter(technique_pages::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

//! Tags: lookups by (normalized) name.

use entity::tags;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::services::error::ServiceResult;

/// Tags are stored trimmed and lower-cased; lookups normalize the same way.
pub(crate) fn normalize(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The tag with this name, if any.
pub(crate) async fn by_name(
    db: &impl ConnectionTrait,
    name: &str,
) -> ServiceResult<Option<tags::Model>> {
    Ok(tags::Entity::find()
        .filter(tags::Column::Name.eq(normalize(name)))
        .one(db)
        .await?)
}

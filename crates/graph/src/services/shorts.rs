//! Generated shorts: the public share link.

use entity::{generated_shorts, sea_orm_active_enums::ShortStatus};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::services::error::ServiceResult;

/// The complete short shared under `token`, if any. Incomplete shorts look missing.
pub(crate) async fn by_share_token(
    db: &impl ConnectionTrait,
    token: &str,
) -> ServiceResult<Option<generated_shorts::Model>> {
    Ok(generated_shorts::Entity::find()
        .filter(generated_shorts::Column::ShareToken.eq(token))
        .filter(generated_shorts::Column::Status.eq(ShortStatus::Complete))
        .one(db)
        .await?)
}

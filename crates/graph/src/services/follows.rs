//! Fans following creators: idempotent follow (`INSERT … ON CONFLICT DO NOTHING`) and unfollow.

use entity::creators;
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement};

use crate::{
    services::error::{ServiceError, ServiceResult},
    services::ids::CreatorId,
    services::permissions::Viewer,
    services::permissions::{Permission, authorize},
};

async fn creator(
    db: &impl ConnectionTrait,
    creator_id: CreatorId,
) -> ServiceResult<creators::Model> {
    creators::Entity::find_by_id(creator_id.into_uuid())
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("creator"))
}

/// The viewer follows `creator_id`; following twice leaves one row.
pub(crate) async fn follow(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    creator_id: CreatorId,
) -> ServiceResult<creators::Model> {
    let me = authorize(viewer, Permission::FollowCreators)?;
    let creator = creator(db, creator_id).await?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "INSERT INTO creator_follows (user_id, creator_id) VALUES ($1, $2) \
         ON CONFLICT (user_id, creator_id) DO NOTHING",
        [me.id.into(), creator_id.into()],
    ))
    .await
    .map_err(|err| match err.sql_err() {
        // The creator was deleted between the check and the insert.
        Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => {
            ServiceError::NotFound("creator")
        }
        _ => err.into(),
    })?;
    Ok(creator)
}

/// The viewer stops following `creator_id` (a no-op when not following).
pub(crate) async fn unfollow(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    creator_id: CreatorId,
) -> ServiceResult<creators::Model> {
    let me = authorize(viewer, Permission::FollowCreators)?;
    let creator = creator(db, creator_id).await?;
    db.execute_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "DELETE FROM creator_follows WHERE user_id = $1 AND creator_id = $2",
        [me.id.into(), creator_id.into()],
    ))
    .await?;
    Ok(creator)
}

//! Creators by id (for `TechniquePage.creator` and friends).

use std::collections::HashMap;

use async_graphql::dataloader::Loader;
use entity::creators;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::error::LoadError;

/// Loads creators by primary key.
pub struct CreatorById(pub(crate) DatabaseConnection);

impl Loader<Uuid> for CreatorById {
    type Value = creators::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let rows = creators::Entity::find()
            .filter(creators::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?;
        Ok(rows.into_iter().map(|c| (c.id, c)).collect())
    }
}

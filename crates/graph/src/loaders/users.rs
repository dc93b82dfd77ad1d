//! Users by id, follower counts per creator, whether a user follows a creator, and the creators a
//! user follows (windowed per user).

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use entity::{creators, users};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{columns, counts, grouped, window_sql, windowed};
use crate::{error::LoadError, pagination::Window};

/// Users by id.
pub struct UserById(pub(crate) DatabaseConnection);

impl Loader<Uuid> for UserById {
    type Value = users::Model;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        Ok(users::Entity::find()
            .filter(users::Column::Id.is_in(keys.iter().copied()))
            .all(&self.0)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect())
    }
}

/// How many users follow each creator.
pub struct FollowerCounts(pub(crate) DatabaseConnection);

impl Loader<Uuid> for FollowerCounts {
    type Value = u64;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, u64>, Self::Error> {
        counts(
            &self.0,
            "SELECT creator_id AS pb_parent, count(*) AS n FROM creator_follows \
             WHERE creator_id = ANY($1) GROUP BY creator_id",
            keys,
        )
        .await
    }
}

/// Whether a user follows a creator, keyed by `(user, creator)`.
pub struct Follows(pub(crate) DatabaseConnection);

impl Loader<(Uuid, Uuid)> for Follows {
    type Value = bool;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[(Uuid, Uuid)],
    ) -> Result<HashMap<(Uuid, Uuid), bool>, Self::Error> {
        #[derive(sea_orm::FromQueryResult)]
        struct Followed {
            creator_id: Uuid,
        }
        let mut by_user: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (user, creator) in keys {
            by_user.entry(*user).or_default().push(*creator);
        }
        let mut out = HashMap::with_capacity(keys.len());
        // One statement per distinct viewer (in practice one per request).
        for (user, creators) in by_user {
            let rows = grouped::<Followed>(
                &self.0,
                "SELECT user_id AS pb_parent, creator_id FROM creator_follows \
                 WHERE user_id = ANY($1) AND creator_id = ANY($2)",
                &[user],
                vec![creators.clone().into()],
            )
            .await?;
            let followed: Vec<Uuid> = rows
                .get(&user)
                .map(|r| r.iter().map(|f| f.creator_id).collect())
                .unwrap_or_default();
            for creator in creators {
                out.insert((user, creator), followed.contains(&creator));
            }
        }
        Ok(out)
    }
}

/// A window of the creators each user follows, ordered by creator name.
pub struct UserFollowing(pub(crate) DatabaseConnection);

impl Loader<(Uuid, Window)> for UserFollowing {
    type Value = Arc<Vec<creators::Model>>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[(Uuid, Window)],
    ) -> Result<HashMap<(Uuid, Window), Self::Value>, Self::Error> {
        let sql = window_sql(
            &columns::<creators::Entity>("c"),
            "creator_follows f JOIN creators c ON c.id = f.creator_id",
            "f.user_id",
            "TRUE",
            "c.name, c.id",
        );
        windowed(&self.0, &sql, keys).await
    }
}

/// How many creators each user follows.
pub struct UserFollowingCounts(pub(crate) DatabaseConnection);

impl Loader<Uuid> for UserFollowingCounts {
    type Value = u64;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, u64>, Self::Error> {
        counts(
            &self.0,
            "SELECT user_id AS pb_parent, count(*) AS n FROM creator_follows \
             WHERE user_id = ANY($1) GROUP BY user_id",
            keys,
        )
        .await
    }
}

//! Whether a user follows a creator: the one relation keyed by a pair, `(user, creator)`.

use std::{collections::HashMap, sync::Arc, time::Duration};

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::{
    grouped,
    sql::{Relation, Sql},
};
use crate::error::LoadError;

/// Whether a user follows a creator, keyed by `(user, creator)`: its statement selects
/// `pb_parent` (the user) and `creator_id` for users `ANY($1)` and creators `ANY($2)`.
pub(crate) struct Follows {
    db: DatabaseConnection,
    sql: Arc<str>,
}

impl Relation for Follows {
    /// Answers are cached per request.
    type DataLoader = DataLoader<Self, HashMapCache>;
    /// Unused: the statement has no visibility rule.
    const VIEWER_SLOT: usize = 3;

    fn data_loader(
        db: DatabaseConnection,
        sql: &Sql<Self>,
        _viewer: Option<Uuid>,
        window: Duration,
    ) -> Self::DataLoader {
        let loader = Self {
            db,
            sql: sql.text(),
        };
        DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default()).delay(window)
    }
}

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
            let rows =
                grouped::<Followed>(&self.db, &self.sql, &[user], vec![creators.clone().into()])
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

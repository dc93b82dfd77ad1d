//! Generic batched loaders over one SQL statement each: rows grouped by a parent key, windows of
//! a parent's children (cut per parent in SQL), and child counts. The read graph's relations are
//! instances of these with their SQL (visibility predicates included) fixed per request, see
//! [`crate::loaders::ReadLoaders`].

use std::{collections::HashMap, marker::PhantomData};

use async_graphql::dataloader::Loader;
use sea_orm::{DatabaseConnection, FromQueryResult, ModelTrait};
use uuid::Uuid;

use super::{counts, expand_star, grouped, windowed};
use crate::{error::LoadError, pagination::Window};

/// Rows grouped by `pb_parent`: `sql` selects the model's columns and `pb_parent` for `ANY($1)`.
/// By-id lookups use it with `pb_parent` = the row's own id.
pub struct Rows<M> {
    db: DatabaseConnection,
    sql: String,
    _model: PhantomData<fn() -> M>,
}

impl<M: ModelTrait> Rows<M> {
    /// A loader running `sql` on `db` (a leading `SELECT alias.*` selects the model's columns).
    pub(crate) fn new(db: DatabaseConnection, sql: String) -> Self {
        Self {
            db,
            sql: expand_star::<M::Entity>(&sql),
            _model: PhantomData,
        }
    }
}

impl<M> Loader<Uuid> for Rows<M>
where
    M: FromQueryResult + Clone + Send + Sync + 'static,
{
    type Value = Vec<M>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let mut rows = grouped(&self.db, &self.sql, keys, Vec::new()).await?;
        Ok(keys
            .iter()
            .map(|k| (*k, rows.remove(k).unwrap_or_default()))
            .collect())
    }
}

/// Windows of each parent's children: `sql` selects the model's columns, `pb_parent` and a 0-based
/// `pb_pos` (`row_number() OVER (PARTITION BY ..) - 1`) for `ANY($1)`.
pub struct Windowed<M> {
    db: DatabaseConnection,
    sql: String,
    _model: PhantomData<fn() -> M>,
}

impl<M: ModelTrait> Windowed<M> {
    /// A loader running `sql` on `db` (a leading `SELECT alias.*` selects the model's columns).
    pub(crate) fn new(db: DatabaseConnection, sql: String) -> Self {
        Self {
            db,
            sql: expand_star::<M::Entity>(&sql),
            _model: PhantomData,
        }
    }
}

impl<M> Loader<(Uuid, Window)> for Windowed<M>
where
    M: FromQueryResult + Clone + Send + Sync + 'static,
{
    type Value = Vec<M>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[(Uuid, Window)],
    ) -> Result<HashMap<(Uuid, Window), Self::Value>, Self::Error> {
        windowed(&self.db, &self.sql, keys).await
    }
}

/// Child counts per parent: `sql` selects `pb_parent` and `n` (bigint) for `ANY($1)`.
pub struct Counts {
    db: DatabaseConnection,
    sql: String,
}

impl Counts {
    /// A loader running `sql` on `db`.
    pub(crate) fn new(db: DatabaseConnection, sql: String) -> Self {
        Self { db, sql }
    }
}

impl Loader<Uuid> for Counts {
    type Value = u64;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, u64>, Self::Error> {
        counts(&self.db, &self.sql, keys).await
    }
}

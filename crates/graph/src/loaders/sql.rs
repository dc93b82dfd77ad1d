//! Generic batched loaders over one SQL statement each: rows grouped by a parent key, windows of
//! a parent's children (cut per parent in SQL), and child counts. The read graph's relations are
//! instances of these whose statements (visibility predicates included) are built once per
//! visibility scope, see [`crate::loaders::ReadLoaders`].

use std::{collections::HashMap, marker::PhantomData, sync::Arc};

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use sea_orm::{DatabaseConnection, FromQueryResult, ModelTrait};
use uuid::Uuid;

use super::{counts, expand_star, grouped, windowed};
use crate::{error::LoadError, pagination::Window};

/// A loader type whose loaders are made from one statement.
pub trait Relation: Sized {
    /// The per-request DataLoader over this loader.
    type DataLoader;
    /// The statement as run, from the statement as written.
    fn prepare(text: String) -> String {
        text
    }
    /// A fresh DataLoader running `sql` on `db`.
    fn data_loader(db: DatabaseConnection, sql: &Sql<Self>) -> Self::DataLoader;
}

/// A prepared statement text for loaders of type `L`, shared by every request of a scope.
pub struct Sql<L>(Arc<str>, PhantomData<fn() -> L>);

/// Prepares `text` for loaders of type `L` (a leading `SELECT alias.*` of a row loader selects the
/// model's columns).
pub(crate) fn sql<L: Relation>(text: String) -> Sql<L> {
    Sql(L::prepare(text).into(), PhantomData)
}

/// Rows grouped by `pb_parent`: `sql` selects the model's columns and `pb_parent` for `ANY($1)`.
/// By-id lookups use it with `pb_parent` = the row's own id.
pub struct Rows<M> {
    db: DatabaseConnection,
    sql: Arc<str>,
    _model: PhantomData<fn() -> M>,
}

impl<M> Relation for Rows<M>
where
    M: ModelTrait + FromQueryResult + Clone + Send + Sync + 'static,
{
    /// Rows are cached per request: a row asked for twice is fetched once.
    type DataLoader = DataLoader<Self, HashMapCache>;

    fn prepare(text: String) -> String {
        expand_star::<M::Entity>(&text)
    }

    fn data_loader(db: DatabaseConnection, sql: &Sql<Self>) -> Self::DataLoader {
        let loader = Self {
            db,
            sql: sql.0.clone(),
            _model: PhantomData,
        };
        DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default())
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
    sql: Arc<str>,
    _model: PhantomData<fn() -> M>,
}

impl<M> Relation for Windowed<M>
where
    M: ModelTrait + FromQueryResult + Clone + Send + Sync + 'static,
{
    /// Windows are asked for once per parent and window: caching them would only add a deep copy
    /// of every row.
    type DataLoader = DataLoader<Self>;

    fn prepare(text: String) -> String {
        expand_star::<M::Entity>(&text)
    }

    fn data_loader(db: DatabaseConnection, sql: &Sql<Self>) -> Self::DataLoader {
        let loader = Self {
            db,
            sql: sql.0.clone(),
            _model: PhantomData,
        };
        DataLoader::new(loader, tokio::spawn)
    }
}

impl<M> Loader<(Uuid, Window)> for Windowed<M>
where
    M: FromQueryResult + Clone + Send + Sync + 'static,
{
    type Value = Arc<Vec<M>>;
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
    sql: Arc<str>,
}

impl Relation for Counts {
    /// Counts are cached per request.
    type DataLoader = DataLoader<Self, HashMapCache>;

    fn data_loader(db: DatabaseConnection, sql: &Sql<Self>) -> Self::DataLoader {
        let loader = Self {
            db,
            sql: sql.0.clone(),
        };
        DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default())
    }
}

impl Loader<Uuid> for Counts {
    type Value = u64;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, u64>, Self::Error> {
        counts(&self.db, &self.sql, keys).await
    }
}

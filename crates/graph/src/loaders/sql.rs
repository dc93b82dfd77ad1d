//! Generic batched loaders over one SQL statement each: rows grouped by a parent key, windows of
//! a parent's children (cut per parent in SQL), and child counts. Every relation of the graph is
//! an instance of these whose statement (visibility predicates included) is built once per
//! visibility [`Shape`], see [`crate::loaders::Loaders`]. A statement of a curator's shape reads
//! the viewer's creator id from its loader type's [`Relation::VIEWER_SLOT`]; the loader binds it
//! there only when the statement reads it (PostgreSQL refuses a bind with more values than the
//! statement uses).

use std::{collections::HashMap, marker::PhantomData, sync::Arc, time::Duration};

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use sea_orm::{DatabaseConnection, FromQueryResult, ModelTrait, Value};
use uuid::Uuid;

use super::{counts, expand_star, grouped, windowed};
use crate::{
    error::LoadError,
    pagination::Window,
    services::visibility::{Alias, Rule, Shape},
};

/// A loader type whose loaders are made from one statement.
pub(crate) trait Relation: Sized {
    /// The per-request DataLoader over this loader.
    type DataLoader;
    /// The `$n` at which this loader binds the viewer's creator id (after its own parameters).
    const VIEWER_SLOT: usize;
    /// The statement as run, from the statement as written.
    fn prepare(text: String) -> String {
        text
    }
    /// A fresh DataLoader running `sql` on `db`, binding `viewer` (the scope's
    /// [`viewer_param`](crate::services::visibility::Scope::viewer_param)) when `sql` reads it,
    /// and batching the keys asked within `window` of the first.
    fn data_loader(
        db: DatabaseConnection,
        sql: &Sql<Self>,
        viewer: Option<Uuid>,
        window: Duration,
    ) -> Self::DataLoader;
}

/// A prepared statement text for loaders of type `L`, shared by every request of a [`Shape`], and
/// whether it reads the viewer's creator id.
pub(crate) struct Sql<L> {
    text: Arc<str>,
    reads_viewer: bool,
    _loader: PhantomData<fn() -> L>,
}

impl<L> Sql<L> {
    /// The statement's text.
    pub(crate) fn text(&self) -> Arc<str> {
        self.text.clone()
    }

    /// The value the loader binds at its viewer slot: `viewer` if the statement reads it.
    fn viewer(&self, viewer: Option<Uuid>) -> Option<Uuid> {
        viewer.filter(|_| self.reads_viewer)
    }
}

/// Renders visibility rules into one statement of a [`Shape`], reading the viewer's creator id
/// from `$n` (the statement's viewer slot).
pub(crate) struct Slot {
    shape: Shape,
    n: usize,
    used: bool,
}

impl Slot {
    /// A slot at `$n` for statements of `shape`.
    pub(crate) fn new(shape: Shape, n: usize) -> Self {
        Self {
            shape,
            n,
            used: false,
        }
    }

    /// `rule` over `t`, or `TRUE` for `None` (a relation with no rule of its own).
    pub(crate) fn pred(&mut self, rule: Option<(Rule, Alias)>) -> String {
        let Some((rule, t)) = rule else {
            return "TRUE".to_owned();
        };
        let n = self.n;
        rule.sql(self.shape, t, &mut || {
            self.used = true;
            format!("${n}")
        })
    }

    /// Whether a rendered rule reads the viewer's creator id.
    pub(crate) fn used(&self) -> bool {
        self.used
    }
}

/// The statement `build` writes for loaders of type `L` in `shape` (a leading `SELECT alias.*` of
/// a row loader selects the model's columns); its rules read the viewer at `L`'s slot.
pub(crate) fn sql<L: Relation>(shape: Shape, build: impl FnOnce(&mut Slot) -> String) -> Sql<L> {
    let mut slot = Slot::new(shape, L::VIEWER_SLOT);
    let text = build(&mut slot);
    Sql {
        text: L::prepare(text).into(),
        reads_viewer: slot.used(),
        _loader: PhantomData,
    }
}

/// Rows grouped by `pb_parent`: `sql` selects the model's columns and `pb_parent` for `ANY($1)`.
/// By-id lookups use it with `pb_parent` = the row's own id.
pub(crate) struct Rows<M> {
    db: DatabaseConnection,
    sql: Arc<str>,
    viewer: Option<Uuid>,
    _model: PhantomData<fn() -> M>,
}

impl<M> Relation for Rows<M>
where
    M: ModelTrait + FromQueryResult + Clone + Send + Sync + 'static,
{
    /// Rows are cached per request: a row asked for twice is fetched once.
    type DataLoader = DataLoader<Self, HashMapCache>;
    /// After the parents (`$1`).
    const VIEWER_SLOT: usize = 2;

    fn prepare(text: String) -> String {
        expand_star::<M::Entity>(&text)
    }

    fn data_loader(
        db: DatabaseConnection,
        sql: &Sql<Self>,
        viewer: Option<Uuid>,
        window: Duration,
    ) -> Self::DataLoader {
        let loader = Self {
            db,
            sql: sql.text.clone(),
            viewer: sql.viewer(viewer),
            _model: PhantomData,
        };
        DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default()).delay(window)
    }
}

impl<M> Loader<Uuid> for Rows<M>
where
    M: FromQueryResult + Clone + Send + Sync + 'static,
{
    type Value = Vec<M>;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let params = self.viewer.into_iter().map(Value::from).collect();
        let mut rows = grouped(&self.db, &self.sql, keys, params).await?;
        Ok(keys
            .iter()
            .map(|k| (*k, rows.remove(k).unwrap_or_default()))
            .collect())
    }
}

/// Windows of each parent's children: `sql` selects the model's columns, `pb_parent` and a 0-based
/// `pb_pos` (`row_number() OVER (ORDER BY ..) - 1` within one parent's window, see
/// [`super::window_sql`]) for `ANY($1)`.
pub(crate) struct Windowed<M> {
    db: DatabaseConnection,
    sql: Arc<str>,
    viewer: Option<Uuid>,
    _model: PhantomData<fn() -> M>,
}

impl<M> Relation for Windowed<M>
where
    M: ModelTrait + FromQueryResult + Clone + Send + Sync + 'static,
{
    /// Windows are asked for once per parent and window: caching them would only add a deep copy
    /// of every row.
    type DataLoader = DataLoader<Self>;
    /// After the parents, the offset and the limit (`$1`..`$3`).
    const VIEWER_SLOT: usize = 4;

    fn prepare(text: String) -> String {
        expand_star::<M::Entity>(&text)
    }

    fn data_loader(
        db: DatabaseConnection,
        sql: &Sql<Self>,
        viewer: Option<Uuid>,
        window: Duration,
    ) -> Self::DataLoader {
        let loader = Self {
            db,
            sql: sql.text.clone(),
            viewer: sql.viewer(viewer),
            _model: PhantomData,
        };
        DataLoader::new(loader, tokio::spawn).delay(window)
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
        windowed(&self.db, &self.sql, keys, self.viewer).await
    }
}

/// Child counts per parent: `sql` selects `pb_parent` and `n` (bigint) for `ANY($1)`.
pub(crate) struct Counts {
    db: DatabaseConnection,
    sql: Arc<str>,
    viewer: Option<Uuid>,
}

impl Relation for Counts {
    /// Counts are cached per request.
    type DataLoader = DataLoader<Self, HashMapCache>;
    /// After the parents (`$1`).
    const VIEWER_SLOT: usize = 2;

    fn data_loader(
        db: DatabaseConnection,
        sql: &Sql<Self>,
        viewer: Option<Uuid>,
        window: Duration,
    ) -> Self::DataLoader {
        let loader = Self {
            db,
            sql: sql.text.clone(),
            viewer: sql.viewer(viewer),
        };
        DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default()).delay(window)
    }
}

impl Loader<Uuid> for Counts {
    type Value = u64;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, u64>, Self::Error> {
        counts(&self.db, &self.sql, keys, self.viewer).await
    }
}

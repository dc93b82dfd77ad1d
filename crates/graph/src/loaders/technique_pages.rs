//! Technique pages by creator and by tag (windowed per parent) and their counts.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::Loader;
use entity::technique_pages;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use super::{counts, page_lean_columns, page_summary_columns, window_sql, windowed};
use crate::{error::LoadError, pagination::Window};

/// Which columns a list of technique pages reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageColumns {
    /// All but the body (`services::technique_pages::DEFERRED`).
    Summary,
    /// Ids, titles, slugs, counts and times (`services::technique_pages::LEAN`).
    Lean,
}

impl PageColumns {
    /// The select list for the pages table aliased `alias`.
    fn select(self, alias: &str) -> String {
        match self {
            Self::Summary => page_summary_columns(alias),
            Self::Lean => page_lean_columns(alias),
        }
    }
}

/// A window of each creator's technique pages (body deferred, lean or not), ordered by title.
pub struct CreatorPages(pub(crate) DatabaseConnection, pub(crate) PageColumns);

impl Loader<(Uuid, Window)> for CreatorPages {
    type Value = Arc<Vec<technique_pages::Model>>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[(Uuid, Window)],
    ) -> Result<HashMap<(Uuid, Window), Self::Value>, Self::Error> {
        let sql = window_sql(
            &self.1.select("tp"),
            "technique_pages tp",
            "tp.creator_id",
            "TRUE",
            "tp.title, tp.id",
        );
        windowed(&self.0, &sql, keys).await
    }
}

/// How many technique pages each creator has.
pub struct CreatorPageCounts(pub(crate) DatabaseConnection);

impl Loader<Uuid> for CreatorPageCounts {
    type Value = u64;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, u64>, Self::Error> {
        counts(
            &self.0,
            "SELECT creator_id AS pb_parent, count(*) AS n FROM technique_pages \
             WHERE creator_id = ANY($1) GROUP BY creator_id",
            keys,
        )
        .await
    }
}

/// A window of each tag's technique pages (body deferred, lean or not), ordered by title.
pub struct TagPages(pub(crate) DatabaseConnection, pub(crate) PageColumns);

impl Loader<(Uuid, Window)> for TagPages {
    type Value = Arc<Vec<technique_pages::Model>>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[(Uuid, Window)],
    ) -> Result<HashMap<(Uuid, Window), Self::Value>, Self::Error> {
        let sql = window_sql(
            &self.1.select("tp"),
            "technique_page_tags tpt JOIN technique_pages tp ON tp.id = tpt.technique_page_id",
            "tpt.tag_id",
            "TRUE",
            "tp.title, tp.id",
        );
        windowed(&self.0, &sql, keys).await
    }
}

/// How many technique pages carry each tag.
pub struct TagPageCounts(pub(crate) DatabaseConnection);

impl Loader<Uuid> for TagPageCounts {
    type Value = u64;
    type Error = LoadError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, u64>, Self::Error> {
        counts(
            &self.0,
            "SELECT tag_id AS pb_parent, count(*) AS n FROM technique_page_tags \
             WHERE tag_id = ANY($1) GROUP BY tag_id",
            keys,
        )
        .await
    }
}

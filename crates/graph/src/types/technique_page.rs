//! `TechniquePage`: one production technique, written up from a creator's videos.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::technique_pages;

use super::{Creator, SourceQuality, Tag, utc};
use crate::{
    context::Loaders,
    error::ServiceError,
    ids::{self, NodeKind},
};

/// One production technique, written up from a creator's videos.
pub struct TechniquePage(pub technique_pages::Model);

crate::connection_type!(
    TechniquePageConnection,
    TechniquePageEdge,
    TechniquePage,
    "A page of technique pages (Relay connection).",
    "A technique page in a page of results, with its cursor."
);

/// One production technique, written up from a creator's videos.
#[Object]
impl TechniquePage {
    /// Opaque global ID.
    async fn id(&self) -> ID {
        ids::encode(NodeKind::TechniquePage, self.0.id)
    }

    /// The page's title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// URL-safe unique handle.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// A short summary of the technique.
    async fn summary(&self) -> &str {
        &self.0.summary
    }

    /// Broad topic, e.g. `Sound Design` (stored casing varies; see `topicCategories`).
    async fn topic_category(&self) -> Option<&str> {
        self.0.topic_category.as_deref()
    }

    /// Free-form topic tags from the pipeline.
    async fn topic_tags(&self) -> &[String] {
        &self.0.topic_tags
    }

    /// Plugins and instruments the technique uses.
    async fn plugins(&self) -> &[String] {
        &self.0.plugins
    }

    /// How trustworthy the page's sources are.
    async fn source_quality(&self) -> Option<SourceQuality> {
        self.0.source_quality.map(Into::into)
    }

    /// How often the page was viewed.
    async fn view_count(&self) -> i32 {
        self.0.view_count
    }

    /// Storage format of the body sections: `v1` (a heading → text object) or `v2` (nested list).
    async fn body_sections_format(&self) -> &str {
        &self.0.body_sections_format
    }

    /// When the page was created.
    async fn created_at(&self) -> DateTime<Utc> {
        utc(self.0.created_at)
    }

    /// When the page last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        utc(self.0.updated_at)
    }

    /// The creator whose videos the page is written from.
    async fn creator(&self, ctx: &Context<'_>) -> async_graphql::Result<Creator> {
        let loaders = ctx.data::<Loaders>()?;
        let creator = loaders.creator_by_id.load_one(self.0.creator_id).await?;
        // The foreign key guarantees the row; its absence is a server fault.
        Ok(Creator(creator.ok_or(ServiceError::NotFound("creator"))?))
    }

    /// The page's tags, ordered by name.
    async fn tags(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Tag>> {
        let loaders = ctx.data::<Loaders>()?;
        let tags = loaders.page_tags.load_one(self.0.id).await?;
        Ok(tags.unwrap_or_default().into_iter().map(Tag).collect())
    }
}

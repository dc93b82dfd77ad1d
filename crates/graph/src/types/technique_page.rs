//! `TechniquePage`: one production technique, written up from a creator's videos.

use std::borrow::Cow;

use async_graphql::{Context, ID};
use chrono::{DateTime, Utc};
use entity::technique_pages;

use super::{
    BodySection, Creator, RelatedTechniqueLink, SignalChain, SourceQuality, SourceVideo, Tag,
    TechniquePageDiff, TechniquePageVersionConnection, body, nested_connection, read, utc,
};
use crate::{
    error::ServiceError,
    ids::{self, NodeKind},
    loaders::{PageColumns, list, one},
};

/// One production technique, written up from a creator's videos. Rows from lists carry their
/// body deferred, lean rows more (see [`Row`]); what a row left out loads by id when selected.
pub(crate) struct TechniquePage(pub(crate) technique_pages::Model, Row);

/// Which columns of a page came with its row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Row {
    /// All of them.
    Full,
    /// All but the body (`services::technique_pages::DEFERRED`, read as JSON `null`).
    Summary,
    /// Neither the body nor the other `services::technique_pages::LEAN` columns.
    Lean,
}

/// The fields that read a column a lean row leaves out (besides the body's).
const LEAN_FIELDS: [&str; 5] = [
    "summary",
    "plugins",
    "topicCategory",
    "topicTags",
    "sourceQuality",
];

impl From<technique_pages::Model> for TechniquePage {
    /// A page read with all its columns.
    fn from(row: technique_pages::Model) -> Self {
        Self(row, Row::Full)
    }
}

impl TechniquePage {
    /// A page read without its body: by a list, or as the end of a related link.
    pub(crate) fn from_list(row: technique_pages::Model) -> Self {
        Self(row, Row::Summary)
    }

    /// Pages read by a list with `columns`.
    pub(crate) fn listed(columns: PageColumns) -> impl Fn(technique_pages::Model) -> Self {
        let row = match columns {
            PageColumns::Summary => Row::Summary,
            PageColumns::Lean => Row::Lean,
        };
        move |page| Self(page, row)
    }

    /// The columns a connection of pages at `ctx` reads: lean rows when its selection (through
    /// `nodes` or `edges.node`, fragments included) asks for none of [`LEAN_FIELDS`].
    pub(crate) fn list_columns(ctx: &Context<'_>) -> PageColumns {
        let look = ctx.look_ahead();
        let nodes = [look.field("nodes"), look.field("edges").field("node")];
        let wants = |field: &&str| nodes.iter().any(|n| n.field(field).exists());
        if LEAN_FIELDS.iter().any(wants) {
            PageColumns::Summary
        } else {
            PageColumns::Lean
        }
    }

    /// The row with its body: this one, or (for a list row) the page loaded by id; all deferred
    /// bodies of a request's pages come in one statement.
    async fn with_body(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Cow<'_, technique_pages::Model>> {
        if self.1 == Row::Full {
            return Ok(Cow::Borrowed(&self.0));
        }
        let row = one(read(ctx)?.page_by_id(), self.0.id).await?;
        // A page deleted since its list was read is gone for this request too.
        Ok(Cow::Owned(
            row.ok_or(ServiceError::NotFound("technique page"))?,
        ))
    }

    /// `get` of the row with the columns a lean row leaves out: this one, or (for a lean row, whose
    /// list's selection did not show the field) the page's summary loaded by id.
    async fn summary_field<'a, T: Clone + 'a>(
        &'a self,
        ctx: &Context<'_>,
        get: impl Fn(&technique_pages::Model) -> &T,
    ) -> async_graphql::Result<Cow<'a, T>> {
        if self.1 != Row::Lean {
            return Ok(Cow::Borrowed(get(&self.0)));
        }
        let row = one(read(ctx)?.page_summary_by_id(), self.0.id).await?;
        let row = row.ok_or(ServiceError::NotFound("technique page"))?;
        Ok(Cow::Owned(get(&row).clone()))
    }
}

crate::connection_type!(
    TechniquePageConnection,
    TechniquePageEdge,
    TechniquePage,
    "A page of technique pages (Relay connection).",
    "A technique page in a page of results, with its cursor."
);

crate::pagination::object_with_connections! {
/// One production technique, written up from a creator's videos.
impl TechniquePage {
    fields {
        /// Opaque global ID.
        pub(crate) async fn id(&self) -> ID {
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
        async fn summary(&self, ctx: &Context<'_>) -> async_graphql::Result<Cow<'_, String>> {
            self.summary_field(ctx, |p| &p.summary).await
        }

        /// Broad topic, e.g. `Sound Design` (stored casing varies; see `topicCategories`).
        async fn topic_category(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Cow<'_, Option<String>>> {
            self.summary_field(ctx, |p| &p.topic_category).await
        }

        /// Free-form topic tags from the pipeline.
        async fn topic_tags(&self, ctx: &Context<'_>) -> async_graphql::Result<Cow<'_, Vec<String>>> {
            self.summary_field(ctx, |p| &p.topic_tags).await
        }

        /// Plugins and instruments the technique uses.
        async fn plugins(&self, ctx: &Context<'_>) -> async_graphql::Result<Cow<'_, Vec<String>>> {
            self.summary_field(ctx, |p| &p.plugins).await
        }

        /// How trustworthy the page's sources are.
        async fn source_quality(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Option<SourceQuality>> {
            let quality = self.summary_field(ctx, |p| &p.source_quality).await?;
            Ok(quality.map(Into::into))
        }

        /// The page's current version number: that of its newest version, 0 when it has none.
        /// `updateTechniquePage` takes it back as `expectedVersion`.
        async fn version(&self) -> i32 {
            self.0.version
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
            Creator::owner(ctx, self.0.creator_id).await
        }

        /// The page's tags, ordered by name.
        async fn tags(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Tag>> {
            Ok(list(read(ctx)?.page_tags(), self.0.id)
                .await?
                .into_iter()
                .map(Tag)
                .collect())
        }

        /// The body as one typed tree, whichever format it is stored in (see `bodySectionsFormat`).
        async fn body_sections(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<BodySection>> {
            let page = self.with_body(ctx).await?;
            Ok(body::body_sections(
                &page.body_sections_format,
                &page.body_sections,
            ))
        }

        /// The body exactly as stored (shape depends on `bodySectionsFormat`).
        async fn body_sections_raw(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<serde_json::Value> {
            Ok(self.with_body(ctx).await?.body_sections.clone())
        }

        /// Signal chains as typed lists of steps (null when the page has none).
        async fn signal_chains(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Option<Vec<SignalChain>>> {
            Ok(body::signal_chains(
                self.with_body(ctx).await?.signal_chains.as_ref(),
            ))
        }

        /// Signal chains exactly as stored.
        async fn signal_chains_raw(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Option<serde_json::Value>> {
            Ok(self.with_body(ctx).await?.signal_chains.clone())
        }

        /// The page's curators: the differences from version `from` to version `to`, field by
        /// field and body section by section. `NOT_FOUND` when either version does not exist.
        async fn diff(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "The version number to compare from (usually the older).")] from: i32,
            #[graphql(desc = "The version number to compare to.")] to: i32,
        ) -> async_graphql::Result<TechniquePageDiff> {
            let db = ctx.data::<sea_orm::DatabaseConnection>()?;
            let viewer = ctx.data::<crate::context::Viewer>()?;
            Ok(crate::services::page_versions::diff(db, viewer, &self.0, from, to)
                .await?
                .into())
        }

        /// Links from this page to related pages, oldest first.
        async fn related(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<RelatedTechniqueLink>> {
            Ok(list(read(ctx)?.page_related(), self.0.id)
                .await?
                .into_iter()
                .map(RelatedTechniqueLink)
                .collect())
        }

        /// Links from other pages to this one, oldest first.
        async fn referenced_by(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Vec<RelatedTechniqueLink>> {
            Ok(list(read(ctx)?.page_referenced_by(), self.0.id)
                .await?
                .into_iter()
                .map(RelatedTechniqueLink)
                .collect())
        }

        /// The videos the page is written from. Others see only public videos whose creator allowed
        /// knowledge-base inclusion; the creator's users and admins see every source.
        async fn source_videos(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SourceVideo>> {
            Ok(list(read(ctx)?.page_sources(), self.0.id)
                .await?
                .into_iter()
                .map(SourceVideo)
                .collect())
        }
    }
    connections {
        /// Versions the pipeline wrote, newest first (empty unless the viewer curates the creator).
        async fn versions(&self, ctx: &Context<'_>, args: PageArgs) -> async_graphql::Result<TechniquePageVersionConnection> {
            let l = read(ctx)?;
            nested_connection(
                ctx,
                args,
                self.0.id,
                l.page_version_counts(),
                l.page_versions(),
                super::TechniquePageVersion,
            )
            .await
            .map(TechniquePageVersionConnection)
        }
    }
}
}

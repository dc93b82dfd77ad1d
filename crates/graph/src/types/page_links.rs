//! `TechniquePageVersion` (curators only) and `RelatedTechniqueLink`.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{related_technique_links, technique_page_versions};

use super::{RelationshipType, TechniquePage, TechniquePageSnapshot, read, utc};
use crate::{
    ids::{self, NodeKind},
    loaders::one,
};

crate::connection_type!(
    TechniquePageVersionConnection,
    TechniquePageVersionEdge,
    TechniquePageVersion,
    "A page of technique page versions (Relay connection).",
    "A technique page version in a page of results, with its cursor."
);

/// A version of a technique page: its full state as the pipeline or a curator left it.
pub(crate) struct TechniquePageVersion(pub(crate) technique_page_versions::Model);

/// A version of a technique page: its full state as the pipeline or a curator left it.
#[Object]
impl TechniquePageVersion {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::TechniquePageVersion, self.0.id)
    }

    /// Sequential version number, from 1.
    async fn version_number(&self) -> i32 {
        self.0.version_number
    }

    /// The full page state at the time, as stored.
    async fn content_snapshot(&self) -> &serde_json::Value {
        &self.0.content_snapshot
    }

    /// The page state at the time as typed fields (`contentSnapshot` read the way
    /// `TechniquePage` reads its own columns).
    async fn snapshot(&self) -> TechniquePageSnapshot {
        TechniquePageSnapshot(self.0.content_snapshot.clone())
    }

    /// Prompt hashes and model configuration used, as stored.
    async fn pipeline_metadata(&self) -> Option<&serde_json::Value> {
        self.0.pipeline_metadata.as_ref()
    }

    /// When the version was written.
    async fn created_at(&self) -> DateTime<Utc> {
        utc(self.0.created_at)
    }

    /// The page this is a version of.
    async fn technique_page(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<TechniquePage>> {
        Ok(one(read(ctx)?.page_by_id(), self.0.technique_page_id)
            .await?
            .map(TechniquePage::from))
    }
}

/// A directed link from one technique page to another.
pub(crate) struct RelatedTechniqueLink(pub(crate) related_technique_links::Model);

/// A directed link from one technique page to another.
#[Object]
impl RelatedTechniqueLink {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::RelatedTechniqueLink, self.0.id)
    }

    /// How the source relates to the target.
    async fn relationship(&self) -> RelationshipType {
        self.0.relationship.into()
    }

    /// A label for the link, if any.
    async fn label(&self) -> Option<&str> {
        self.0.label.as_deref()
    }

    /// When the link was made.
    async fn created_at(&self) -> DateTime<Utc> {
        utc(self.0.created_at)
    }

    /// The page the link starts from.
    async fn source(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<TechniquePage>> {
        Ok(one(read(ctx)?.page_summary_by_id(), self.0.source_page_id)
            .await?
            .map(TechniquePage::from_list))
    }

    /// The page the link points to.
    async fn target(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<TechniquePage>> {
        Ok(one(read(ctx)?.page_summary_by_id(), self.0.target_page_id)
            .await?
            .map(TechniquePage::from_list))
    }
}

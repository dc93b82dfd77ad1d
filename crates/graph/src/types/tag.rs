//! `Tag`: a normalized label shared by technique pages.

use async_graphql::{Context, ID, Object};
use entity::tags;

use super::{TechniquePage, TechniquePageConnection, nested_connection, read};
use crate::{
    ids::{self, NodeKind},
    loaders::PageColumns,
    pagination::PageArgs,
};

/// A normalized (trimmed, lower-case) label shared by technique pages.
pub struct Tag(pub(crate) tags::Model);

/// A normalized (trimmed, lower-case) label shared by technique pages.
#[Object]
impl Tag {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::Tag, self.0.id)
    }

    /// The tag, trimmed and lower-cased, e.g. `sidechain compression`.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Technique pages carrying this tag, ordered by title.
    async fn technique_pages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Cursor: return items after this one.")] after: Option<String>,
        #[graphql(desc = "Cursor: return items before this one.")] before: Option<String>,
        #[graphql(desc = "Page size from the start (0–100).")] first: Option<i32>,
        #[graphql(desc = "Page size from the end (0–100).")] last: Option<i32>,
    ) -> async_graphql::Result<TechniquePageConnection> {
        let args = PageArgs::new(after, before, first, last)?;
        let l = read(ctx)?;
        let columns = TechniquePage::list_columns(ctx);
        let pages = match columns {
            PageColumns::Summary => l.tag_pages(),
            PageColumns::Lean => l.tag_pages_lean(),
        };
        nested_connection(
            ctx,
            args,
            self.0.id,
            l.tag_page_counts(),
            pages,
            TechniquePage::listed(columns),
        )
        .await
        .map(TechniquePageConnection)
    }
}

//! `Tag`: a normalized label shared by technique pages.

use async_graphql::ID;
use entity::tags;

use super::{TechniquePage, TechniquePageConnection, nested_connection, read};
use crate::{
    ids::{self, NodeKind},
    loaders::PageColumns,
};

/// A normalized (trimmed, lower-case) label shared by technique pages.
pub(crate) struct Tag(pub(crate) tags::Model);

crate::pagination::object_with_connections! {
/// A normalized (trimmed, lower-case) label shared by technique pages.
impl Tag {
    fields {
        /// Opaque global ID.
        pub(crate) async fn id(&self) -> ID {
            ids::encode(NodeKind::Tag, self.0.id)
        }

        /// The tag, trimmed and lower-cased, e.g. `sidechain compression`.
        async fn name(&self) -> &str {
            &self.0.name
        }
    }
    connections {
        /// Technique pages carrying this tag, ordered by title.
        async fn technique_pages(&self, ctx: &Context<'_>, args: PageArgs) -> async_graphql::Result<TechniquePageConnection> {
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
}
}

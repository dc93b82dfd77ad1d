//! Admin-only root lists.

use async_graphql::{Context, Object};
use entity::content_reports;
use sea_orm::{EntityTrait, QueryOrder};

use super::browse::listing_connection;
use crate::{
    error::ServiceError,
    pagination::PageArgs,
    services::browse::Listing,
    types::{ContentReport, ContentReportConnection, read},
};

/// Admin-only root lists.
#[derive(Default)]
pub struct AdminQuery;

#[Object]
impl AdminQuery {
    /// Content reports, newest first. Admins only: anyone else gets `FORBIDDEN`.
    async fn content_reports(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Cursor: return items after this one.")] after: Option<String>,
        #[graphql(desc = "Cursor: return items before this one.")] before: Option<String>,
        #[graphql(desc = "Page size from the start (0–100).")] first: Option<i32>,
        #[graphql(desc = "Page size from the end (0–100).")] last: Option<i32>,
    ) -> async_graphql::Result<ContentReportConnection> {
        if !read(ctx)?.scope.is_admin() {
            return Err(ServiceError::Forbidden("content reports are for admins".into()).into());
        }
        let args = PageArgs::new(after, before, first, last)?;
        let listing = Listing::new(
            content_reports::Entity::find()
                .order_by_desc(content_reports::Column::CreatedAt)
                .order_by_asc(content_reports::Column::Id),
        );
        listing_connection(ctx, args, listing, ContentReport)
            .await
            .map(ContentReportConnection)
    }
}

//! Admin-only root lists: the search, email digest and chat usage logs (content reports are in
//! `roots::reports`).
//! Each states its right to the permission gate (`services::permissions`) before anything else.

use async_graphql::Context;
use entity::{chat_usage_logs, email_digest_logs, search_logs};
use sea_orm::{EntityTrait, QueryOrder, Select};

use super::browse::listing_connection;
use crate::{
    context::Viewer,
    pagination::{Page, RawPageArgs},
    services::{
        browse::Listing,
        permissions::{Permission, authorize},
    },
    types::{
        ChatUsageLog, ChatUsageLogConnection, EmailDigestLog, EmailDigestLogConnection, SearchLog,
        SearchLogConnection,
    },
};

/// A root list that needs `permission`: `UNAUTHENTICATED` when signed out, `FORBIDDEN` without
/// the right, both before the arguments are looked at.
async fn admin_list<E, N>(
    ctx: &Context<'_>,
    permission: Permission,
    args: RawPageArgs,
    select: Select<E>,
    node: impl Fn(E::Model) -> N,
) -> async_graphql::Result<Page<N>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    authorize(ctx.data::<Viewer>()?, permission)?;
    let args = args.validate()?;
    listing_connection(ctx, args, Listing::new(select), node).await
}

/// Admin-only root lists.
#[derive(Default)]
pub(crate) struct AdminQuery;

crate::pagination::object_with_connections! {
impl AdminQuery {
    connections {
        /// Logged searches, newest first. Admins only: signed out gets `UNAUTHENTICATED`, anyone
        /// else `FORBIDDEN`.
        async fn search_logs(
            &self,
            ctx: &Context<'_>,
            args: RawPageArgs,
        ) -> async_graphql::Result<SearchLogConnection> {
            let select = search_logs::Entity::find()
                .order_by_desc(search_logs::Column::CreatedAt)
                .order_by_asc(search_logs::Column::Id);
            admin_list(
                ctx,
                Permission::ReadAdminLogs,
                args,
                select,
                SearchLog,
            )
            .await
            .map(SearchLogConnection)
        }

        /// Sent email digests, newest first. Admins only: signed out gets `UNAUTHENTICATED`, anyone
        /// else `FORBIDDEN`.
        async fn email_digest_logs(
            &self,
            ctx: &Context<'_>,
            args: RawPageArgs,
        ) -> async_graphql::Result<EmailDigestLogConnection> {
            let select = email_digest_logs::Entity::find()
                .order_by_desc(email_digest_logs::Column::SentAt)
                .order_by_asc(email_digest_logs::Column::Id);
            admin_list(
                ctx,
                Permission::ReadAdminLogs,
                args,
                select,
                EmailDigestLog,
            )
            .await
            .map(EmailDigestLogConnection)
        }

        /// Chat requests with their token use, newest first. Admins only: signed out gets
        /// `UNAUTHENTICATED`, anyone else `FORBIDDEN`.
        async fn chat_usage_logs(
            &self,
            ctx: &Context<'_>,
            args: RawPageArgs,
        ) -> async_graphql::Result<ChatUsageLogConnection> {
            let select = chat_usage_logs::Entity::find()
                .order_by_desc(chat_usage_logs::Column::CreatedAt)
                .order_by_asc(chat_usage_logs::Column::Id);
            admin_list(
                ctx,
                Permission::ReadAdminLogs,
                args,
                select,
                ChatUsageLog,
            )
            .await
            .map(ChatUsageLogConnection)
        }
    }
}
}

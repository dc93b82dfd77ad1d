//! Filtered, ordered root lists: `techniquePages`, `keyMoments`, `sourceVideos`
//! (`creators` keeps its place in `query.rs` and takes the same kind of arguments).

use async_graphql::Context;
use sea_orm::{DatabaseConnection, EntityTrait};

use crate::{
    inputs::{
        KeyMomentFilter, KeyMomentOrder, SourceVideoFilter, SourceVideoOrder, TechniquePageFilter,
        TechniquePageOrder,
    },
    pagination::{Page, PageArgs, connection, wants_total},
    services::browse::{self, Listing},
    types::{
        KeyMoment, KeyMomentConnection, SourceVideo, SourceVideoConnection, TechniquePage,
        TechniquePageConnection, read,
    },
};

/// Resolves a root connection over a filtered listing.
pub(crate) async fn listing_connection<E, N>(
    ctx: &Context<'_>,
    args: PageArgs,
    listing: Listing<E>,
    node: impl Fn(E::Model) -> N,
) -> async_graphql::Result<Page<N>>
where
    E: EntityTrait,
    E::Model: Send + Sync,
{
    let db = ctx.data::<DatabaseConnection>()?;
    let total = if args.needs_total() || wants_total(ctx) {
        Some(listing.count(db).await?)
    } else {
        None
    };
    let window = args.window(total);
    let rows = if window.limit == 0 {
        Vec::new()
    } else {
        listing.page(db, window).await?
    };
    Ok(connection(window, rows, total, node))
}

/// Filtered, ordered root lists.
#[derive(Default)]
pub(crate) struct BrowseQuery;

crate::pagination::object_with_connections! {
impl BrowseQuery {
    connections {
        /// Technique pages matching `filter`, in `orderBy` order (default: by title).
        #[expect(
            clippy::too_many_arguments,
            reason = "one parameter per GraphQL argument"
        )]
        async fn technique_pages(
            &self,
            ctx: &Context<'_>,
            args: PageArgs,
            #[graphql(desc = "Conditions every page must meet.")] filter: Option<TechniquePageFilter>,
            #[graphql(desc = "The order of the list (default: see the field).")] order_by: Option<
                TechniquePageOrder,
            >,
        ) -> async_graphql::Result<TechniquePageConnection> {
            let listing = browse::technique_pages(
                &filter.unwrap_or_default().try_into()?,
                order_by.unwrap_or_default().into(),
            )?;
            listing_connection(ctx, args, listing, TechniquePage::from_list)
                .await
                .map(TechniquePageConnection)
        }

        /// Key moments of videos the viewer may see, matching `filter`, in `orderBy` order.
        #[expect(
            clippy::too_many_arguments,
            reason = "one parameter per GraphQL argument"
        )]
        async fn key_moments(
            &self,
            ctx: &Context<'_>,
            args: PageArgs,
            #[graphql(desc = "Conditions every moment must meet.")] filter: Option<KeyMomentFilter>,
            #[graphql(desc = "The order of the list (default: see the field).")] order_by: Option<
                KeyMomentOrder,
            >,
        ) -> async_graphql::Result<KeyMomentConnection> {
            let scope = &read(ctx)?.scope;
            let listing = browse::key_moments(
                scope,
                &filter.unwrap_or_default().try_into()?,
                order_by.unwrap_or_default().into(),
            )?;
            listing_connection(ctx, args, listing, KeyMoment)
                .await
                .map(KeyMomentConnection)
        }

        /// Videos the viewer may see, matching `filter`, in `orderBy` order (default: newest first).
        #[expect(
            clippy::too_many_arguments,
            reason = "one parameter per GraphQL argument"
        )]
        async fn source_videos(
            &self,
            ctx: &Context<'_>,
            args: PageArgs,
            #[graphql(desc = "Conditions every video must meet.")] filter: Option<SourceVideoFilter>,
            #[graphql(desc = "The order of the list (default: see the field).")] order_by: Option<
                SourceVideoOrder,
            >,
        ) -> async_graphql::Result<SourceVideoConnection> {
            let scope = &read(ctx)?.scope;
            let listing = browse::source_videos(
                ctx.data::<crate::context::Viewer>()?,
                scope,
                &filter.unwrap_or_default().try_into()?,
                order_by.unwrap_or_default().into(),
            )?;
            listing_connection(ctx, args, listing, SourceVideo)
                .await
                .map(SourceVideoConnection)
        }
    }
}
}

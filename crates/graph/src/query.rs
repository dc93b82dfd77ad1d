//! The query root: one object per domain, merged. Each domain's root lives in `query/<domain>.rs`
//! (the first three predate the split and stay here).

mod admin;
mod browse;
mod home;
mod media;
mod node;
mod search;

pub(crate) use admin::AdminQuery;
pub(crate) use browse::{BrowseQuery, listing_connection};
pub(crate) use home::HomeQuery;
pub(crate) use media::MediaQuery;
pub(crate) use node::NodeQuery;
pub(crate) use search::SearchQuery;

use async_graphql::{Context, MergedObject, Object};
use sea_orm::DatabaseConnection;

use crate::{
    inputs::{CreatorFilter, CreatorOrder},
    loaders::PageDetail,
    services,
    types::{Creator, CreatorConnection, Tag, TechniquePage, read},
};

/// Every entry point of the read graph.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    CreatorQuery,
    TechniquePageQuery,
    TagQuery,
    NodeQuery,
    MediaQuery,
    BrowseQuery,
    HomeQuery,
    AdminQuery,
    SearchQuery,
    crate::roots::accounts::AccountsQuery,
    crate::roots::consent::ConsentQuery,
    crate::roots::reports::ReportsQuery,
);

/// Entry points for creators.
#[derive(Default)]
pub(crate) struct CreatorQuery;

crate::pagination::object_with_connections! {
impl CreatorQuery {
    connections {
        /// Creators matching `filter`, in `orderBy` order (default: by name).
        #[expect(
            clippy::too_many_arguments,
            reason = "one parameter per GraphQL argument"
        )]
        async fn creators(
            &self,
            ctx: &Context<'_>,
            args: PageArgs,
            #[graphql(desc = "Conditions every creator must meet.")] filter: Option<CreatorFilter>,
            #[graphql(desc = "The order of the list (default: see the field).")] order_by: Option<
                CreatorOrder,
            >,
        ) -> async_graphql::Result<CreatorConnection> {
            let listing = services::browse::creators(
                &filter.unwrap_or_default().into(),
                order_by.unwrap_or_default().into(),
            )?;
            browse::listing_connection(ctx, args, listing, Creator)
                .await
                .map(CreatorConnection)
        }
    }
    fields {

        /// The creator with this slug, or null.
        async fn creator(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "The creator's slug, e.g. `mr-bill`.")] slug: String,
        ) -> async_graphql::Result<Option<Creator>> {
            let db = ctx.data::<DatabaseConnection>()?;
            Ok(services::creators::by_slug(db, &slug).await?.map(Creator))
        }
    }
}
}

/// Entry points for technique pages.
#[derive(Default)]
pub(crate) struct TechniquePageQuery;

#[Object]
impl TechniquePageQuery {
    /// The technique page with this slug, or null.
    async fn technique_page(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page's slug.")] slug: String,
    ) -> async_graphql::Result<Option<TechniquePage>> {
        // The relations the query selects come in the page's own statement.
        let look = ctx.look_ahead();
        let related = look.field("related");
        let detail = PageDetail {
            tags: look.field("tags").exists(),
            related: related.exists(),
            targets: related.field("target").exists(),
            sources: look.field("sourceVideos").exists(),
        };
        Ok(read(ctx)?
            .page_by_slug(&slug, detail)
            .await?
            .map(TechniquePage::from))
    }
}

/// Entry points for tags.
#[derive(Default)]
pub(crate) struct TagQuery;

#[Object]
impl TagQuery {
    /// The tag with this name (matched trimmed and case-insensitively), or null.
    async fn tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag's name.")] name: String,
    ) -> async_graphql::Result<Option<Tag>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(services::tags::by_name(db, &name).await?.map(Tag))
    }
}

//! The query root: one object per domain, merged.

use async_graphql::{Context, MergedObject, Object};
use sea_orm::DatabaseConnection;

use crate::{
    pagination::{PageArgs, connection, wants_total},
    services,
    types::{Creator, CreatorConnection, Tag, TechniquePage},
};

/// Every entry point of the read graph.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    CreatorQuery,
    TechniquePageQuery,
    TagQuery,
    crate::roots::accounts::AccountsQuery,
);

/// Entry points for creators.
#[derive(Default)]
pub struct CreatorQuery;

#[Object]
impl CreatorQuery {
    /// All creators, ordered by name.
    async fn creators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Cursor: return items after this one.")] after: Option<String>,
        #[graphql(desc = "Cursor: return items before this one.")] before: Option<String>,
        #[graphql(desc = "Page size from the start (0–100).")] first: Option<i32>,
        #[graphql(desc = "Page size from the end (0–100).")] last: Option<i32>,
    ) -> async_graphql::Result<CreatorConnection> {
        let args = PageArgs::new(after, before, first, last)?;
        let db = ctx.data::<DatabaseConnection>()?;
        let total = if args.needs_total() || wants_total(ctx) {
            Some(services::creators::count(db).await?)
        } else {
            None
        };
        let window = args.window(total);
        let rows = services::creators::list(db, window).await?;
        Ok(CreatorConnection(connection(window, rows, total, Creator)))
    }

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

/// Entry points for technique pages.
#[derive(Default)]
pub struct TechniquePageQuery;

#[Object]
impl TechniquePageQuery {
    /// The technique page with this slug, or null.
    async fn technique_page(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page's slug.")] slug: String,
    ) -> async_graphql::Result<Option<TechniquePage>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(services::technique_pages::by_slug(db, &slug)
            .await?
            .map(TechniquePage))
    }
}

/// Entry points for tags.
#[derive(Default)]
pub struct TagQuery;

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

//! Facets and home-page lists.

use async_graphql::{Context, Enum, Object, SimpleObject};
use sea_orm::DatabaseConnection;

use crate::{
    services::facets::{self, Bucket},
    types::{Creator, Tag, TechniquePage},
};

/// A topic category with the number of technique pages in it (casings merged).
#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct TopicCategoryCount {
    /// The category's display form: its most common stored spelling.
    pub name: String,
    /// How many technique pages are in it, across all spellings.
    pub count: i64,
}

/// A genre with the number of creators working in it (casings merged).
#[derive(SimpleObject, Debug, Clone)]
pub(crate) struct GenreCount {
    /// The genre's display form: its most common stored spelling.
    pub name: String,
    /// How many creators list it.
    pub creator_count: i64,
}

/// A tag with the number of technique pages carrying it.
#[derive(SimpleObject)]
pub(crate) struct TagCount {
    /// The tag, trimmed and lower-cased.
    pub name: String,
    /// How many technique pages carry it.
    pub page_count: i64,
    /// The tag itself.
    pub tag: Tag,
}

/// Orders of the tag facet.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TagFacetOrder {
    /// Most used first.
    #[default]
    PageCountDesc,
    /// Alphabetical.
    NameAsc,
}

/// Facets and home-page lists.
#[derive(Default)]
pub(crate) struct HomeQuery;

#[Object]
impl HomeQuery {
    /// Topic categories of technique pages with their page counts, most used first. Spellings that
    /// differ only in case (`Sound design`, `Sound Design`) are one category.
    async fn topic_categories(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<TopicCategoryCount>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(facets::topic_categories(db)
            .await?
            .into_iter()
            .map(|Bucket { name, count }| TopicCategoryCount { name, count })
            .collect())
    }

    /// Tags with their page counts.
    async fn tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The order of the list (default: most used first).")] order_by: Option<
            TagFacetOrder,
        >,
        #[graphql(desc = "How many tags (0–100).", default = 50)] limit: i32,
    ) -> async_graphql::Result<Vec<TagCount>> {
        let db = ctx.data::<DatabaseConnection>()?;
        let order = match order_by.unwrap_or_default() {
            TagFacetOrder::PageCountDesc => facets::TagOrder::PageCountDesc,
            TagFacetOrder::NameAsc => facets::TagOrder::NameAsc,
        };
        Ok(facets::tags(db, order, facets::limit(limit)?)
            .await?
            .into_iter()
            .map(|t| TagCount {
                name: t.name.clone(),
                page_count: t.page_count,
                tag: Tag(t.tag()),
            })
            .collect())
    }

    /// Creator genres with how many creators work in each, most common first (casings merged).
    async fn genres(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<GenreCount>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(facets::genres(db)
            .await?
            .into_iter()
            .map(|Bucket { name, count }| GenreCount {
                name,
                creator_count: count,
            })
            .collect())
    }

    /// Creators spotlighted on the home page, by name.
    async fn featured_creators(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many creators (0–100).", default = 12)] limit: i32,
    ) -> async_graphql::Result<Vec<Creator>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(facets::featured_creators(db, facets::limit(limit)?)
            .await?
            .into_iter()
            .map(Creator)
            .collect())
    }

    /// The most viewed technique pages.
    async fn trending_technique_pages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many pages (0–100).", default = 10)] limit: i32,
    ) -> async_graphql::Result<Vec<TechniquePage>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(facets::trending_pages(db, facets::limit(limit)?)
            .await?
            .into_iter()
            .map(TechniquePage::from_list)
            .collect())
    }

    /// The newest technique pages.
    async fn recent_technique_pages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many pages (0–100).", default = 10)] limit: i32,
    ) -> async_graphql::Result<Vec<TechniquePage>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(facets::recent_pages(db, facets::limit(limit)?)
            .await?
            .into_iter()
            .map(TechniquePage::from_list)
            .collect())
    }
}

//! Tag mutations: a page's tags (`setTechniquePageTags`, `addTechniquePageTags`,
//! `removeTechniquePageTags`) and the admins' `renameTag` and `mergeTags`. Resolvers only parse
//! arguments, call `services::tags` and wrap the result.

use async_graphql::{Context, ID, Object, SimpleObject};
use sea_orm::DatabaseConnection;

use crate::{
    context::Viewer,
    ids::{self, NodeKind},
    services::{self, tags::PageTagChange},
    types::{Tag, TechniquePage},
};

/// The result of a change of a page's tags.
#[derive(SimpleObject)]
pub(crate) struct TechniquePageTagsPayload {
    /// The page, whose `tags` are now the changed set.
    technique_page: TechniquePage,
}

/// The result of `renameTag` and `mergeTags`.
#[derive(SimpleObject)]
pub(crate) struct TagPayload {
    /// The renamed tag, or the tag the others were merged into.
    tag: Tag,
}

async fn change(
    ctx: &Context<'_>,
    page_id: &ID,
    change: PageTagChange,
    names: &[String],
) -> async_graphql::Result<TechniquePageTagsPayload> {
    let db = ctx.data::<DatabaseConnection>()?;
    let viewer = ctx.data::<Viewer>()?;
    let page_id = ids::decode(page_id, NodeKind::TechniquePage, "pageId")?;
    let page = services::tags::change_page_tags(db, viewer, page_id, change, names).await?;
    Ok(TechniquePageTagsPayload {
        technique_page: TechniquePage::from(page),
    })
}

/// Tag mutations.
#[derive(Default)]
pub(crate) struct TagsMutation;

#[Object]
impl TagsMutation {
    /// The page's creator's curators and admins: gives the page exactly these tags. Names are
    /// normalized (trimmed, inner whitespace collapsed, lower-cased, at most 100 characters), so
    /// ` Reese  Bass` is the tag `reese bass`; a tag is created on first use.
    async fn set_technique_page_tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page's global ID.")] page_id: ID,
        #[graphql(desc = "The tag names (at most 100); an empty list removes every tag.")]
        names: Vec<String>,
    ) -> async_graphql::Result<TechniquePageTagsPayload> {
        change(ctx, &page_id, PageTagChange::Set, &names).await
    }

    /// The page's creator's curators and admins: adds these tags to the page's (normalized as
    /// `setTechniquePageTags` does; tags it already has stay once).
    async fn add_technique_page_tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page's global ID.")] page_id: ID,
        #[graphql(desc = "The tag names to add (at most 100).")] names: Vec<String>,
    ) -> async_graphql::Result<TechniquePageTagsPayload> {
        change(ctx, &page_id, PageTagChange::Add, &names).await
    }

    /// The page's creator's curators and admins: removes these tags from the page (names
    /// normalized; a name the page does not carry is ignored). The tags themselves stay.
    async fn remove_technique_page_tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page's global ID.")] page_id: ID,
        #[graphql(desc = "The tag names to remove (at most 100).")] names: Vec<String>,
    ) -> async_graphql::Result<TechniquePageTagsPayload> {
        change(ctx, &page_id, PageTagChange::Remove, &names).await
    }

    /// Admins only: renames a tag (normalized like every tag name). A name another tag has is
    /// `CONFLICT` on `name`: merge the two with `mergeTags` instead.
    async fn rename_tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag's global ID.")] id: ID,
        #[graphql(desc = "The new name.")] name: String,
    ) -> async_graphql::Result<TagPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let id = ids::decode(&id, NodeKind::Tag, "id")?;
        let tag = services::tags::rename(db, viewer, id, &name).await?;
        Ok(TagPayload { tag: Tag(tag) })
    }

    /// Admins only: moves the pages of the tags `from` onto the tag `into` (a page that had
    /// both keeps one) and deletes the `from` tags.
    async fn merge_tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The global IDs of the tags to merge away (at least one).")] from: Vec<ID>,
        #[graphql(desc = "The global ID of the tag that stays.")] into: ID,
    ) -> async_graphql::Result<TagPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let from = from
            .iter()
            .map(|id| ids::decode(id, NodeKind::Tag, "from"))
            .collect::<Result<Vec<_>, _>>()?;
        let into = ids::decode(&into, NodeKind::Tag, "into")?;
        let tag = services::tags::merge(db, viewer, from, into).await?;
        Ok(TagPayload { tag: Tag(tag) })
    }
}

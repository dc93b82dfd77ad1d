//! Technique page mutations: `updateTechniquePage`, `restoreTechniquePageVersion`. Resolvers
//! only parse arguments, call `services::page_edit` / `services::page_versions` and wrap the page.

use async_graphql::{Context, ID, Object, SimpleObject};
use sea_orm::DatabaseConnection;

use crate::{
    context::Viewer,
    ids::{self, NodeKind},
    inputs::pages::{LinkTechniquePagesInput, UnlinkTechniquePagesInput, UpdateTechniquePageInput},
    services::{self, page_relations::NewLink, rate_limit::ClientIp},
    types::{RelatedTechniqueLink, TechniquePage},
};

/// The result of `updateTechniquePage`.
#[derive(SimpleObject)]
pub(crate) struct UpdateTechniquePagePayload {
    /// The page as the edit left it.
    technique_page: TechniquePage,
}

/// The result of `restoreTechniquePageVersion`.
#[derive(SimpleObject)]
pub(crate) struct RestoreTechniquePageVersionPayload {
    /// The page with the restored content, at its new version.
    technique_page: TechniquePage,
}

/// The result of `recordTechniquePageView`.
#[derive(SimpleObject)]
pub(crate) struct RecordTechniquePageViewPayload {
    /// The page, with its view count after this view.
    technique_page: TechniquePage,
    /// Whether this view counted (false when the viewer's last counted view of the page is less
    /// than 30 minutes old).
    counted: bool,
}

/// The result of `deleteTechniquePage`: what went with the page.
#[derive(SimpleObject)]
pub(crate) struct DeleteTechniquePagePayload {
    /// The deleted page's global ID (for removing it from a client cache).
    deleted_id: ID,
    /// Its versions, deleted.
    removed_versions: i64,
    /// Links from it and to it, deleted.
    removed_links: i64,
    /// Its tag assignments, removed (the tags stay).
    removed_tags: i64,
    /// Its source video assignments, removed (the videos stay).
    removed_sources: i64,
    /// Its old slugs, which stop resolving.
    removed_old_slugs: i64,
}

/// The result of `linkTechniquePages`.
#[derive(SimpleObject)]
pub(crate) struct LinkTechniquePagesPayload {
    /// The new link.
    link: RelatedTechniqueLink,
    /// The page the link goes from, whose `related` now includes it.
    source_page: TechniquePage,
}

/// The result of `unlinkTechniquePages`.
#[derive(SimpleObject)]
pub(crate) struct UnlinkTechniquePagesPayload {
    /// The page the links went from.
    source_page: TechniquePage,
    /// How many links were removed (0 when there were none).
    removed_count: u64,
}

/// The result of `attachSourceVideo` and `detachSourceVideo`.
#[derive(SimpleObject)]
pub(crate) struct SourceVideoPayload {
    /// The page, whose `sourceVideos` reflect the change.
    technique_page: TechniquePage,
}

/// Technique page mutations.
#[derive(Default)]
pub(crate) struct PagesMutation;

#[Object]
impl PagesMutation {
    /// The page's creator's curators and admins: changes the page if it is still at
    /// `expectedVersion` (else `CONFLICT` with `extensions.currentVersion`, nothing written) and
    /// records the result as its next version.
    async fn update_technique_page(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page's global ID.")] id: ID,
        #[graphql(desc = "The `version` the client read; the edit applies only to it.")]
        expected_version: i32,
        #[graphql(desc = "The changes; omitted fields stay.")] input: UpdateTechniquePageInput,
    ) -> async_graphql::Result<UpdateTechniquePagePayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let page_id = ids::decode(&id, NodeKind::TechniquePage, "id")?;
        let page =
            services::page_edit::update_page(db, viewer, page_id, expected_version, input.into())
                .await?;
        Ok(UpdateTechniquePagePayload {
            technique_page: TechniquePage::from(page),
        })
    }

    /// The page's creator's curators and admins: writes a new version of the page equal to the
    /// content of version `versionId` (title, summary, body, signal chains, plugins, topic
    /// category and tags, source quality; the slug stays) if the page is still at
    /// `expectedVersion`. History is never rewritten; restoring the content the page already has
    /// writes nothing.
    async fn restore_technique_page_version(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The global ID of the version to restore.")] version_id: ID,
        #[graphql(desc = "The page's `version` the client read.")] expected_version: i32,
    ) -> async_graphql::Result<RestoreTechniquePageVersionPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let version_id = ids::decode(&version_id, NodeKind::TechniquePageVersion, "versionId")?;
        let page =
            services::page_versions::restore_version(db, viewer, version_id, expected_version)
                .await?;
        Ok(RestoreTechniquePageVersionPayload {
            technique_page: TechniquePage::from(page),
        })
    }

    /// Anyone, signed in or not: counts a view of the page, at most one per viewer (the user, or
    /// the client address when signed out) per page per 30 minutes. The app calls it when a page
    /// opens; `viewCount` and the trending list reflect it.
    async fn record_technique_page_view(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page's global ID.")] id: ID,
    ) -> async_graphql::Result<RecordTechniquePageViewPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let ip = ctx.data_opt::<ClientIp>().copied();
        let page_id = ids::decode(&id, NodeKind::TechniquePage, "id")?;
        let (page, counted) = services::page_views::record_view(db, viewer, ip, page_id).await?;
        Ok(RecordTechniquePageViewPayload {
            technique_page: TechniquePage::from(page),
            counted,
        })
    }

    /// Admins only: deletes the page with its versions, its links both ways, its tag and source
    /// assignments and its old slugs. Tags and videos stay (each tag counts one page fewer).
    async fn delete_technique_page(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page's global ID.")] id: ID,
    ) -> async_graphql::Result<DeleteTechniquePagePayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let page_id = ids::decode(&id, NodeKind::TechniquePage, "id")?;
        let removed = services::page_edit::delete_page(db, viewer, page_id).await?;
        Ok(DeleteTechniquePagePayload {
            deleted_id: id,
            removed_versions: removed.versions,
            removed_links: removed.links,
            removed_tags: removed.tags,
            removed_sources: removed.sources,
            removed_old_slugs: removed.old_slugs,
        })
    }

    /// The source page's creator's curators and admins: links the source page to the target.
    /// A self link is `BAD_USER_INPUT`, a second link of the same type between the same pages
    /// `CONFLICT` on `targetId`, and a `PREREQUISITE` link that would make a page its own
    /// prerequisite through others `BAD_USER_INPUT` naming the cycle.
    async fn link_technique_pages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The link to make.")] input: LinkTechniquePagesInput,
    ) -> async_graphql::Result<LinkTechniquePagesPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let link = NewLink {
            source_id: ids::decode(&input.source_id, NodeKind::TechniquePage, "input.sourceId")?,
            target_id: ids::decode(&input.target_id, NodeKind::TechniquePage, "input.targetId")?,
            relationship: input.relationship_type.into(),
            label: input.label,
        };
        let (link, source) = services::page_relations::link(db, viewer, link).await?;
        Ok(LinkTechniquePagesPayload {
            link: RelatedTechniqueLink(link),
            source_page: TechniquePage::from(source),
        })
    }

    /// The source page's creator's curators and admins: removes the links from the source page
    /// to the target (of one type, or all).
    async fn unlink_technique_pages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The links to remove.")] input: UnlinkTechniquePagesInput,
    ) -> async_graphql::Result<UnlinkTechniquePagesPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let source_id = ids::decode(&input.source_id, NodeKind::TechniquePage, "input.sourceId")?;
        let target_id = ids::decode(&input.target_id, NodeKind::TechniquePage, "input.targetId")?;
        let (source, removed_count) = services::page_relations::unlink(
            db,
            viewer,
            source_id,
            target_id,
            input.relationship_type.map(Into::into),
        )
        .await?;
        Ok(UnlinkTechniquePagesPayload {
            source_page: TechniquePage::from(source),
            removed_count,
        })
    }

    /// The page's creator's curators and admins: makes the video a source of the page. The
    /// video must belong to the page's creator (admins may attach any video; another creator's
    /// is `FORBIDDEN`). Who sees it as a source stays with the visibility rules.
    async fn attach_source_video(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page's global ID.")] page_id: ID,
        #[graphql(desc = "The video's global ID.")] video_id: ID,
    ) -> async_graphql::Result<SourceVideoPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let page_id = ids::decode(&page_id, NodeKind::TechniquePage, "pageId")?;
        let video_id = ids::decode(&video_id, NodeKind::SourceVideo, "videoId")?;
        let page = services::page_relations::attach_source(db, viewer, page_id, video_id).await?;
        Ok(SourceVideoPayload {
            technique_page: TechniquePage::from(page),
        })
    }

    /// The page's creator's curators and admins: the video is no longer a source of the page.
    async fn detach_source_video(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The page's global ID.")] page_id: ID,
        #[graphql(desc = "The video's global ID.")] video_id: ID,
    ) -> async_graphql::Result<SourceVideoPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let page_id = ids::decode(&page_id, NodeKind::TechniquePage, "pageId")?;
        let video_id = ids::decode(&video_id, NodeKind::SourceVideo, "videoId")?;
        let page = services::page_relations::detach_source(db, viewer, page_id, video_id).await?;
        Ok(SourceVideoPayload {
            technique_page: TechniquePage::from(page),
        })
    }
}

//! Key moment mutations: `reviewKeyMoments`, `updateKeyMoment`, `setChapterStatus`,
//! `reorderKeyMoments`. Resolvers only parse arguments, call `services::moments` and wrap the
//! result.

use async_graphql::{Context, ID, Object, SimpleObject};
use sea_orm::DatabaseConnection;

use crate::{
    context::Viewer,
    error::ServiceError,
    ids::{self, NodeKind},
    inputs::moments::UpdateKeyMomentInput,
    services,
    types::{ChapterStatus, KeyMoment, ReviewStatus, SourceVideo},
};

/// The result of `reviewKeyMoments` and `setChapterStatus`.
#[derive(SimpleObject)]
pub(crate) struct KeyMomentsPayload {
    /// The moments as the change left them, in the order asked.
    key_moments: Vec<KeyMoment>,
}

/// The result of `updateKeyMoment`.
#[derive(SimpleObject)]
pub(crate) struct UpdateKeyMomentPayload {
    /// The moment as the edit left it.
    key_moment: KeyMoment,
}

/// The result of `reorderKeyMoments`.
#[derive(SimpleObject)]
pub(crate) struct ReorderKeyMomentsPayload {
    /// The video, whose `keyMoments` come in the new order.
    source_video: SourceVideo,
}

fn moment_ids(ids: &[ID], argument: &str) -> Result<Vec<uuid::Uuid>, ServiceError> {
    ids.iter()
        .map(|id| ids::decode(id, NodeKind::KeyMoment, argument))
        .collect()
}

/// Key moment mutations.
#[derive(Default)]
pub(crate) struct MomentsMutation;

#[Object]
impl MomentsMutation {
    /// The curators of every moment's creator: sets the review status of many moments at once
    /// (all or none). Rejected moments disappear from every public path; curators still see
    /// them. Pending moments stay public until reviewed.
    async fn review_key_moments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The moments' global IDs (at most 500).")] ids: Vec<ID>,
        #[graphql(desc = "The new review status.")] status: ReviewStatus,
    ) -> async_graphql::Result<KeyMomentsPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let ids = moment_ids(&ids, "ids")?;
        let moments = services::moments::review(db, viewer, &ids, status.as_str()).await?;
        Ok(KeyMomentsPayload {
            key_moments: moments.into_iter().map(KeyMoment).collect(),
        })
    }

    /// The curators of the moment's creator: changes the moment if it is still at
    /// `expectedVersion` (when given; else `CONFLICT` with `extensions.currentVersion`). Times
    /// must satisfy 0 ≤ start < end.
    async fn update_key_moment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The moment's global ID.")] id: ID,
        #[graphql(desc = "The `version` the client read; omitted: apply whatever it is.")]
        expected_version: Option<i32>,
        #[graphql(desc = "The changes; omitted fields stay.")] input: UpdateKeyMomentInput,
    ) -> async_graphql::Result<UpdateKeyMomentPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let id = ids::decode(&id, NodeKind::KeyMoment, "id")?;
        let moment =
            services::moments::update(db, viewer, id, expected_version, input.into()).await?;
        Ok(UpdateKeyMomentPayload {
            key_moment: KeyMoment(moment),
        })
    }

    /// The curators of every moment's creator: sets the chapter status of many moments at once
    /// (all or none). Hidden chapters disappear from every public path; curators still see them.
    async fn set_chapter_status(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The moments' global IDs (at most 500).")] ids: Vec<ID>,
        #[graphql(desc = "The new chapter status.")] status: ChapterStatus,
    ) -> async_graphql::Result<KeyMomentsPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let ids = moment_ids(&ids, "ids")?;
        let moments =
            services::moments::set_chapter_status(db, viewer, &ids, status.into()).await?;
        Ok(KeyMomentsPayload {
            key_moments: moments.into_iter().map(KeyMoment).collect(),
        })
    }

    /// The curators of the video's creator: orders the video's moments. `orderedIds` must name
    /// each of the video's moments exactly once; their `sortOrder` becomes 0, 1, 2… in that order,
    /// all at once.
    async fn reorder_key_moments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The video's global ID.")] video_id: ID,
        #[graphql(desc = "Every one of the video's moments, in the new order.")] ordered_ids: Vec<
            ID,
        >,
    ) -> async_graphql::Result<ReorderKeyMomentsPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let video_id = ids::decode(&video_id, NodeKind::SourceVideo, "videoId")?;
        let ordered = moment_ids(&ordered_ids, "orderedIds")?;
        let video = services::moments::reorder(db, viewer, video_id, &ordered).await?;
        Ok(ReorderKeyMomentsPayload {
            source_video: SourceVideo(video),
        })
    }
}

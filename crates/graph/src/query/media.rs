//! Entry points for videos and shorts: `sourceVideo(id:)`, `generatedShort(shareToken:)`.

use async_graphql::{Context, ID, Object};
use sea_orm::DatabaseConnection;

use crate::{
    ids::{self, NodeKind},
    loaders::one,
    services,
    types::{GeneratedShort, SourceVideo, read},
};

/// Entry points for videos and shorts.
#[derive(Default)]
pub(crate) struct MediaQuery;

#[Object]
impl MediaQuery {
    /// The video with this global ID, or null when it does not exist or is hidden from the viewer.
    async fn source_video(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The video's global ID.")] id: ID,
    ) -> async_graphql::Result<Option<SourceVideo>> {
        let key = ids::decode(&id, NodeKind::SourceVideo, "id")?;
        Ok(one(read(ctx)?.video_by_id(), key).await?.map(SourceVideo))
    }

    /// The short behind a share link: public once rendering is complete, null otherwise. Its
    /// highlight stays hidden from anyone who does not curate the creator.
    async fn generated_short(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The token from the share link.")] share_token: String,
    ) -> async_graphql::Result<Option<GeneratedShort>> {
        let db = ctx.data::<DatabaseConnection>()?;
        Ok(services::shorts::by_share_token(db, &share_token)
            .await?
            .map(GeneratedShort))
    }
}

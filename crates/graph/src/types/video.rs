//! `SourceVideo`, its `TranscriptSegment`s and `KeyMoment`s.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{key_moments, source_videos, transcript_segments};

use super::{
    ChapterStatus, ContentType, Creator, HighlightCandidate, HighlightCandidateConnection,
    PipelineRunConnection, ProcessingStatus, ReviewStatus, TechniquePage, VideoConsent,
    nested_connection, read, utc,
};
use crate::{
    ids::{self, NodeKind},
    loaders::{list, one},
};

crate::connection_type!(
    SourceVideoConnection,
    SourceVideoEdge,
    SourceVideo,
    "A page of source videos (Relay connection).",
    "A source video in a page of results, with its cursor."
);
crate::connection_type!(
    TranscriptSegmentConnection,
    TranscriptSegmentEdge,
    TranscriptSegment,
    "A page of a video's transcript (Relay connection).",
    "A transcript segment in a page of results, with its cursor."
);
crate::connection_type!(
    KeyMomentConnection,
    KeyMomentEdge,
    KeyMoment,
    "A page of key moments (Relay connection).",
    "A key moment in a page of results, with its cursor."
);

/// One of a creator's videos, the raw material of the knowledge base. Hidden (revoked, or display
/// withheld by consent) videos exist only for admins and the creator's users.
pub(crate) struct SourceVideo(pub(crate) source_videos::Model);

crate::pagination::object_with_connections! {
/// One of a creator's videos, the raw material of the knowledge base. Hidden (revoked, or display
/// withheld by consent) videos exist only for admins and the creator's users.
impl SourceVideo {
    fields {
        /// Opaque global ID.
        pub(crate) async fn id(&self) -> ID {
            ids::encode(NodeKind::SourceVideo, self.0.id)
        }

        /// Original video filename.
        async fn filename(&self) -> &str {
            &self.0.filename
        }

        /// YouTube URL, if the video is published there.
        async fn youtube_url(&self) -> Option<&str> {
            self.0.youtube_url.as_deref()
        }

        /// Folder the video was ingested from.
        async fn folder_name(&self) -> &str {
            &self.0.folder_name
        }

        /// Where the video is in the processing pipeline.
        async fn processing_status(&self) -> ProcessingStatus {
            self.0.processing_status.into()
        }

        /// The current or last completed pipeline stage (1–6).
        async fn pipeline_stage(&self) -> Option<i32> {
            self.0.pipeline_stage
        }

        /// When the video was added.
        async fn created_at(&self) -> DateTime<Utc> {
            utc(self.0.created_at)
        }

        /// When the video's row last changed.
        async fn updated_at(&self) -> DateTime<Utc> {
            utc(self.0.updated_at)
        }

        /// The creator of the video.
        async fn creator(&self, ctx: &Context<'_>) -> async_graphql::Result<Creator> {
            Creator::owner(ctx, self.0.creator_id).await
        }
    }
    connections {
        /// The video's transcript, in time order.
        async fn transcript(&self, ctx: &Context<'_>, args: PageArgs) -> async_graphql::Result<TranscriptSegmentConnection> {
            let l = read(ctx)?;
            nested_connection(
                ctx,
                args,
                self.0.id,
                l.video_segment_counts(),
                l.video_segments(),
                TranscriptSegment,
            )
            .await
            .map(TranscriptSegmentConnection)
        }
    }
    connections {
        /// The video's key moments in display order.
        async fn key_moments(&self, ctx: &Context<'_>, args: PageArgs) -> async_graphql::Result<KeyMomentConnection> {
            let l = read(ctx)?;
            nested_connection(
                ctx,
                args,
                self.0.id,
                l.video_moment_counts(),
                l.video_moments(),
                KeyMoment,
            )
            .await
            .map(KeyMomentConnection)
        }
    }
    connections {
        /// Highlight candidates found in the video, best first (empty unless the viewer curates the
        /// creator).
        async fn highlights(&self, ctx: &Context<'_>, args: PageArgs) -> async_graphql::Result<HighlightCandidateConnection> {
            let l = read(ctx)?;
            nested_connection(
                ctx,
                args,
                self.0.id,
                l.video_highlight_counts(),
                l.video_highlights(),
                HighlightCandidate,
            )
            .await
            .map(HighlightCandidateConnection)
        }
    }
    fields {
        /// The video's consent settings (null unless the viewer curates the creator, or none recorded).
        async fn consent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<VideoConsent>> {
            Ok(one(read(ctx)?.video_consent(), self.0.id)
                .await?
                .map(VideoConsent))
        }

        /// Every revocation and restoration of the video, newest first: who, why, from where
        /// (empty unless the viewer curates the creator).
        async fn revocations(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<VideoRevocation>> {
            Ok(crate::loaders::list(read(ctx)?.video_revocations(), self.0.id)
                .await?
                .into_iter()
                .map(VideoRevocation)
                .collect())
        }
    }
    connections {
        /// Pipeline runs over the video, newest first (empty unless the viewer curates the creator).
        async fn pipeline_runs(&self, ctx: &Context<'_>, args: PageArgs) -> async_graphql::Result<PipelineRunConnection> {
            let l = read(ctx)?;
            nested_connection(
                ctx,
                args,
                self.0.id,
                l.video_run_counts(),
                l.video_runs(),
                super::PipelineRun,
            )
            .await
            .map(PipelineRunConnection)
        }
    }
    fields {
        /// The technique pages written from this video, ordered by title.
        async fn technique_pages(
            &self,
            ctx: &Context<'_>,
        ) -> async_graphql::Result<Vec<TechniquePage>> {
            Ok(list(read(ctx)?.video_pages(), self.0.id)
                .await?
                .into_iter()
                .map(TechniquePage::from_list)
                .collect())
        }
    }
}
}

/// A timed piece of a video's transcript.
pub(crate) struct TranscriptSegment(pub(crate) transcript_segments::Model);

/// A timed piece of a video's transcript.
#[Object]
impl TranscriptSegment {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::TranscriptSegment, self.0.id)
    }

    /// Start, in seconds from the video's start.
    async fn start_time(&self) -> f64 {
        self.0.start_time
    }

    /// End, in seconds from the video's start.
    async fn end_time(&self) -> f64 {
        self.0.end_time
    }

    /// What is said.
    async fn text(&self) -> &str {
        &self.0.text
    }

    /// The video the segment belongs to.
    async fn source_video(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SourceVideo>> {
        Ok(one(read(ctx)?.video_by_id(), self.0.source_video_id)
            .await?
            .map(SourceVideo))
    }
}

/// A passage of a video that teaches one thing, with its time range.
pub(crate) struct KeyMoment(pub(crate) key_moments::Model);

/// A passage of a video that teaches one thing, with its time range.
#[Object]
impl KeyMoment {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::KeyMoment, self.0.id)
    }

    /// The moment's title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What the moment teaches.
    async fn summary(&self) -> &str {
        &self.0.summary
    }

    /// Start, in seconds from the video's start.
    async fn start_time(&self) -> f64 {
        self.0.start_time
    }

    /// End, in seconds from the video's start.
    async fn end_time(&self) -> f64 {
        self.0.end_time
    }

    /// Broad topic as stored, e.g. `Sound Design` (casing varies; filters ignore case).
    async fn topic_category(&self) -> Option<&str> {
        self.0.topic_category.as_deref()
    }

    /// Free-form topic tags.
    async fn topic_tags(&self) -> &[String] {
        &self.0.topic_tags
    }

    /// The kind of teaching.
    async fn content_type(&self) -> ContentType {
        self.0.content_type.into()
    }

    /// Review state (null if the stored value is unknown).
    async fn review_status(&self) -> Option<ReviewStatus> {
        ReviewStatus::parse(&self.0.review_status)
    }

    /// Position within the video's moments.
    async fn sort_order(&self) -> i32 {
        self.0.sort_order
    }

    /// The moment's current version, bumped by every curator change of it;
    /// `updateKeyMoment` takes it back as `expectedVersion`.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// Review state as a video chapter.
    async fn chapter_status(&self) -> ChapterStatus {
        self.0.chapter_status.into()
    }

    /// When the moment was found.
    async fn created_at(&self) -> DateTime<Utc> {
        utc(self.0.created_at)
    }

    /// When the moment last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        utc(self.0.updated_at)
    }

    /// The video the moment is in.
    async fn source_video(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SourceVideo>> {
        Ok(one(read(ctx)?.video_by_id(), self.0.source_video_id)
            .await?
            .map(SourceVideo))
    }

    /// The moment's highlight candidate (null unless the viewer curates the creator).
    async fn highlight(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<HighlightCandidate>> {
        Ok(one(read(ctx)?.moment_highlight(), self.0.id)
            .await?
            .map(HighlightCandidate))
    }
}

/// One revocation (or restoration) of a video, as `revokeVideo` / `restoreVideo` logged it.
pub(crate) struct VideoRevocation(pub(crate) entity::video_revocations::Model);

/// One revocation (or restoration) of a video, as `revokeVideo` / `restoreVideo` logged it.
#[Object]
impl VideoRevocation {
    /// True for a revocation, false for a restoration.
    async fn revoked(&self) -> bool {
        self.0.revoked
    }

    /// Why, as given.
    async fn reason(&self) -> &str {
        &self.0.reason
    }

    /// The video's processing status before the change.
    async fn previous_status(&self) -> ProcessingStatus {
        self.0.previous_status.into()
    }

    /// Who made the change (null for a deleted user).
    async fn changed_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<super::User>> {
        let Some(id) = self.0.changed_by else {
            return Ok(None);
        };
        Ok(one(read(ctx)?.user_by_id(), id).await?.map(super::User::of))
    }

    /// The client address the change came from.
    async fn ip_address(&self) -> Option<&str> {
        self.0.ip_address.as_deref()
    }

    /// When it happened.
    async fn created_at(&self) -> DateTime<Utc> {
        utc(self.0.created_at)
    }
}

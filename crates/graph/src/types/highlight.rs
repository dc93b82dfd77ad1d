//! `HighlightCandidate` and the `GeneratedShort`s rendered from it (creator's users and admins).

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{generated_shorts, highlight_candidates};

use super::{FormatPreset, HighlightStatus, KeyMoment, ShortStatus, SourceVideo, read, utc};
use crate::{
    ids::{self, NodeKind},
    loaders::{list, one},
};

crate::connection_type!(
    HighlightCandidateConnection,
    HighlightCandidateEdge,
    HighlightCandidate,
    "A page of highlight candidates (Relay connection).",
    "A highlight candidate in a page of results, with its cursor."
);

/// A key moment scored as material for a short clip.
pub(crate) struct HighlightCandidate(pub(crate) highlight_candidates::Model);

/// A key moment scored as material for a short clip.
#[Object]
impl HighlightCandidate {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::HighlightCandidate, self.0.id)
    }

    /// Composite score, 0.0–1.0.
    async fn score(&self) -> f64 {
        self.0.score
    }

    /// Per-dimension scores, as stored.
    async fn score_breakdown(&self) -> &serde_json::Value {
        &self.0.score_breakdown
    }

    /// Length of the moment in seconds.
    async fn duration_secs(&self) -> f64 {
        self.0.duration_secs
    }

    /// Review state.
    async fn status(&self) -> HighlightStatus {
        self.0.status.into()
    }

    /// Trim offset at the start, in seconds.
    async fn trim_start(&self) -> Option<f64> {
        self.0.trim_start
    }

    /// Trim offset at the end, in seconds.
    async fn trim_end(&self) -> Option<f64> {
        self.0.trim_end
    }

    /// When the candidate was found.
    async fn created_at(&self) -> DateTime<Utc> {
        utc(self.0.created_at)
    }

    /// When the candidate last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        utc(self.0.updated_at)
    }

    /// The key moment scored.
    async fn key_moment(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<KeyMoment>> {
        Ok(one(read(ctx)?.moment_by_id(), self.0.key_moment_id)
            .await?
            .map(KeyMoment))
    }

    /// The video the moment is in.
    async fn source_video(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SourceVideo>> {
        Ok(one(read(ctx)?.video_by_id(), self.0.source_video_id)
            .await?
            .map(SourceVideo))
    }

    /// Shorts rendered from this highlight (at most one per format preset).
    async fn shorts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<GeneratedShort>> {
        Ok(list(read(ctx)?.highlight_shorts(), self.0.id)
            .await?
            .into_iter()
            .map(GeneratedShort)
            .collect())
    }
}

/// A short video clip rendered from a highlight in one format.
pub(crate) struct GeneratedShort(pub(crate) generated_shorts::Model);

/// A short video clip rendered from a highlight in one format.
#[Object]
impl GeneratedShort {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::GeneratedShort, self.0.id)
    }

    /// The aspect ratio.
    async fn preset(&self) -> FormatPreset {
        self.0.preset.into()
    }

    /// Rendering state.
    async fn status(&self) -> ShortStatus {
        self.0.status.into()
    }

    /// Object-store key of the rendered file.
    async fn object_key(&self) -> &str {
        &self.0.object_key
    }

    /// File size in bytes.
    async fn file_size(&self) -> Option<i32> {
        self.0.file_size
    }

    /// Length in seconds.
    async fn duration_secs(&self) -> Option<f64> {
        self.0.duration_secs
    }

    /// Why rendering failed.
    async fn error_message(&self) -> Option<&str> {
        self.0.error_message.as_deref()
    }

    /// The token of the public share link (set when rendering completes).
    async fn share_token(&self) -> Option<&str> {
        self.0.share_token.as_deref()
    }

    /// Whether subtitles were burnt in.
    async fn captions_enabled(&self) -> bool {
        self.0.captions_enabled
    }

    /// When the short was requested.
    async fn created_at(&self) -> DateTime<Utc> {
        utc(self.0.created_at)
    }

    /// When the short last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        utc(self.0.updated_at)
    }

    /// The highlight the short was cut from (null unless the viewer curates the creator, so a
    /// share link reveals nothing else).
    async fn highlight(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<HighlightCandidate>> {
        Ok(
            one(read(ctx)?.highlight_by_id(), self.0.highlight_candidate_id)
                .await?
                .map(HighlightCandidate),
        )
    }
}

//! The `Node` interface (global object identification) and loading any node by kind and key,
//! through the same visibility-checked loaders as every other path.

use async_graphql::{Context, ID, Interface};
use uuid::Uuid;

use super::{
    ChatUsageLog, ConsentAuditLog, ContentReport, Creator, EmailDigestLog, GeneratedShort,
    HighlightCandidate, InviteCode, KeyMoment, PipelineEvent, PipelineRun, Post, PostAttachment,
    RelatedTechniqueLink, SearchLog, SourceVideo, Tag, TechniquePage, TechniquePageVersion,
    TranscriptSegment, User, VideoConsent, read,
};
use crate::{
    context::{Loaders, Viewer},
    ids::NodeKind,
    loaders::one,
    services,
};
use sea_orm::DatabaseConnection;

/// An object with an opaque global ID, refetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global ID."))]
pub enum Node {
    /// A creator.
    Creator(Creator),
    /// A technique page.
    TechniquePage(TechniquePage),
    /// A tag.
    Tag(Tag),
    /// A source video.
    SourceVideo(SourceVideo),
    /// A transcript segment.
    TranscriptSegment(TranscriptSegment),
    /// A key moment.
    KeyMoment(KeyMoment),
    /// A video's consent.
    VideoConsent(VideoConsent),
    /// A consent audit entry.
    ConsentAuditLog(ConsentAuditLog),
    /// A technique page version.
    TechniquePageVersion(TechniquePageVersion),
    /// A link between technique pages.
    RelatedTechniqueLink(RelatedTechniqueLink),
    /// A highlight candidate.
    HighlightCandidate(HighlightCandidate),
    /// A generated short.
    GeneratedShort(GeneratedShort),
    /// A post.
    Post(Post),
    /// A post attachment.
    PostAttachment(PostAttachment),
    /// A pipeline run.
    PipelineRun(PipelineRun),
    /// A pipeline event.
    PipelineEvent(PipelineEvent),
    /// A content report.
    ContentReport(ContentReport),
    /// A search log row.
    SearchLog(SearchLog),
    /// An email digest log row.
    EmailDigestLog(EmailDigestLog),
    /// A chat usage log row.
    ChatUsageLog(ChatUsageLog),
    /// A user account (visible to the user and admins).
    User(User),
    /// An invite code (visible to admins).
    InviteCode(InviteCode),
}

/// The node of `kind` keyed `key`, or `None` when it does not exist or the viewer may not see it.
pub(crate) async fn load_node(
    ctx: &Context<'_>,
    kind: NodeKind,
    key: Uuid,
) -> async_graphql::Result<Option<Node>> {
    let l = read(ctx)?;
    Ok(match kind {
        NodeKind::Creator => ctx
            .data::<Loaders>()?
            .creator_by_id
            .load_one(key)
            .await?
            .map(|c| Node::Creator(Creator(c))),
        NodeKind::TechniquePage => one(l.page_by_id(), key)
            .await?
            .map(|m| Node::TechniquePage(TechniquePage::from(m))),
        NodeKind::Tag => one(l.tag_by_id(), key).await?.map(|m| Node::Tag(Tag(m))),
        NodeKind::SourceVideo => one(l.video_by_id(), key)
            .await?
            .map(|m| Node::SourceVideo(SourceVideo(m))),
        NodeKind::TranscriptSegment => one(l.segment_by_id(), key)
            .await?
            .map(|m| Node::TranscriptSegment(TranscriptSegment(m))),
        NodeKind::KeyMoment => one(l.moment_by_id(), key)
            .await?
            .map(|m| Node::KeyMoment(KeyMoment(m))),
        NodeKind::VideoConsent => one(l.consent_by_id(), key)
            .await?
            .map(|m| Node::VideoConsent(VideoConsent(m))),
        NodeKind::ConsentAuditLog => one(l.audit_by_id(), key)
            .await?
            .map(|m| Node::ConsentAuditLog(ConsentAuditLog(m))),
        NodeKind::TechniquePageVersion => one(l.version_by_id(), key)
            .await?
            .map(|m| Node::TechniquePageVersion(TechniquePageVersion(m))),
        NodeKind::RelatedTechniqueLink => one(l.link_by_id(), key)
            .await?
            .map(|m| Node::RelatedTechniqueLink(RelatedTechniqueLink(m))),
        NodeKind::HighlightCandidate => one(l.highlight_by_id(), key)
            .await?
            .map(|m| Node::HighlightCandidate(HighlightCandidate(m))),
        NodeKind::GeneratedShort => one(l.short_by_id(), key)
            .await?
            .map(|m| Node::GeneratedShort(GeneratedShort(m))),
        NodeKind::Post => one(l.post_by_id(), key).await?.map(|m| Node::Post(Post(m))),
        NodeKind::PostAttachment => one(l.attachment_by_id(), key)
            .await?
            .map(|m| Node::PostAttachment(PostAttachment(m))),
        NodeKind::PipelineRun => one(l.run_by_id(), key)
            .await?
            .map(|m| Node::PipelineRun(PipelineRun(m))),
        NodeKind::PipelineEvent => one(l.event_by_id(), key)
            .await?
            .map(|m| Node::PipelineEvent(PipelineEvent(m))),
        NodeKind::ContentReport => one(l.report_by_id(), key)
            .await?
            .map(|m| Node::ContentReport(ContentReport(m))),
        NodeKind::SearchLog => one(l.search_log_by_id(), key)
            .await?
            .map(|m| Node::SearchLog(SearchLog(m))),
        NodeKind::EmailDigestLog => one(l.digest_by_id(), key)
            .await?
            .map(|m| Node::EmailDigestLog(EmailDigestLog(m))),
        NodeKind::ChatUsageLog => one(l.chat_by_id(), key)
            .await?
            .map(|m| Node::ChatUsageLog(ChatUsageLog(m))),
        NodeKind::User => {
            let viewer = ctx.data::<Viewer>()?;
            let read = services::permissions::Permission::ReadAccount(key);
            if services::permissions::authorize(viewer, read).is_err() {
                return Ok(None);
            }
            ctx.data::<Loaders>()?
                .user_by_id
                .load_one(key)
                .await?
                .map(|m| Node::User(User::of(m)))
        }
        NodeKind::InviteCode => {
            let manage = services::permissions::Permission::ManageInvites;
            if services::permissions::authorize(ctx.data::<Viewer>()?, manage).is_err() {
                return Ok(None);
            }
            let db = ctx.data::<DatabaseConnection>()?;
            services::invites::by_id(db, key)
                .await?
                .map(|m| Node::InviteCode(InviteCode(m)))
        }
    })
}

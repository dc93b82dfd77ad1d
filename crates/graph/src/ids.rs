//! Opaque global IDs: `base64url("Type:uuid")`. Clients treat them as strings; the server decodes
//! them to the right table and rejects an ID of another type as `BAD_USER_INPUT`.

use async_graphql::ID;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

use crate::error::ServiceError;

/// Every kind of node that has a global ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A creator.
    Creator,
    /// A technique page.
    TechniquePage,
    /// A tag.
    Tag,
    /// A source video.
    SourceVideo,
    /// A transcript segment.
    TranscriptSegment,
    /// A key moment.
    KeyMoment,
    /// A video's consent.
    VideoConsent,
    /// A consent audit entry.
    ConsentAuditLog,
    /// A technique page version.
    TechniquePageVersion,
    /// A link between technique pages.
    RelatedTechniqueLink,
    /// A highlight candidate.
    HighlightCandidate,
    /// A generated short.
    GeneratedShort,
    /// A creator's post.
    Post,
    /// A post attachment.
    PostAttachment,
    /// A pipeline run.
    PipelineRun,
    /// A pipeline event.
    PipelineEvent,
    /// A content report.
    ContentReport,
    /// A search log row.
    SearchLog,
    /// An email digest log row.
    EmailDigestLog,
    /// A chat usage log row.
    ChatUsageLog,
    /// A user account.
    User,
    /// An invite code.
    InviteCode,
}

impl NodeKind {
    /// Every kind, in declaration order.
    pub const ALL: [Self; 22] = [
        Self::Creator,
        Self::TechniquePage,
        Self::Tag,
        Self::SourceVideo,
        Self::TranscriptSegment,
        Self::KeyMoment,
        Self::VideoConsent,
        Self::ConsentAuditLog,
        Self::TechniquePageVersion,
        Self::RelatedTechniqueLink,
        Self::HighlightCandidate,
        Self::GeneratedShort,
        Self::Post,
        Self::PostAttachment,
        Self::PipelineRun,
        Self::PipelineEvent,
        Self::ContentReport,
        Self::SearchLog,
        Self::EmailDigestLog,
        Self::ChatUsageLog,
        Self::User,
        Self::InviteCode,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::Creator => "Creator",
            Self::TechniquePage => "TechniquePage",
            Self::Tag => "Tag",
            Self::SourceVideo => "SourceVideo",
            Self::TranscriptSegment => "TranscriptSegment",
            Self::KeyMoment => "KeyMoment",
            Self::VideoConsent => "VideoConsent",
            Self::ConsentAuditLog => "ConsentAuditLog",
            Self::TechniquePageVersion => "TechniquePageVersion",
            Self::RelatedTechniqueLink => "RelatedTechniqueLink",
            Self::HighlightCandidate => "HighlightCandidate",
            Self::GeneratedShort => "GeneratedShort",
            Self::Post => "Post",
            Self::PostAttachment => "PostAttachment",
            Self::PipelineRun => "PipelineRun",
            Self::PipelineEvent => "PipelineEvent",
            Self::ContentReport => "ContentReport",
            Self::SearchLog => "SearchLog",
            Self::EmailDigestLog => "EmailDigestLog",
            Self::ChatUsageLog => "ChatUsageLog",
            Self::User => "User",
            Self::InviteCode => "InviteCode",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

/// The global ID of a node.
pub fn encode(kind: NodeKind, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name())))
}

/// Decodes any global ID into its kind and key; `argument` names the argument in the error.
pub fn decode_any(id: &str, argument: &str) -> Result<(NodeKind, Uuid), ServiceError> {
    let invalid = || ServiceError::invalid(argument, format!("`{id}` is not a valid Patchbay ID"));
    let raw = URL_SAFE_NO_PAD.decode(id).map_err(|_| invalid())?;
    let text = String::from_utf8(raw).map_err(|_| invalid())?;
    let (kind, key) = text.split_once(':').ok_or_else(invalid)?;
    let kind = NodeKind::from_name(kind).ok_or_else(invalid)?;
    let key = Uuid::parse_str(key).map_err(|_| invalid())?;
    Ok((kind, key))
}

/// Decodes a global ID that must be of `kind`.
pub fn decode(id: &str, kind: NodeKind, argument: &str) -> Result<Uuid, ServiceError> {
    match decode_any(id, argument)? {
        (found, key) if found == kind => Ok(key),
        _ => Err(ServiceError::invalid(
            argument,
            format!("`{id}` is not the ID of a {}", kind.name()),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_other_kinds() {
        let key = Uuid::new_v4();
        let id = encode(NodeKind::Creator, key);
        assert_eq!(decode(&id, NodeKind::Creator, "id").ok(), Some(key));
        assert!(decode(&id, NodeKind::Tag, "id").is_err());
        assert!(decode_any("not-an-id", "id").is_err());
    }
}

//! Opaque global IDs: `base64url("Type:uuid")`. Clients treat them as strings; the server decodes
//! them to the right table and rejects an ID of another type as `BAD_USER_INPUT`.

use async_graphql::ID;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

use crate::error::ServiceError;

/// The one list of node kinds: each kind's name (also its GraphQL type and `types` wrapper), its
/// description, the relation of [`crate::Loaders`] that loads it by id (visibility included), and
/// how its wrapper is built from a row. Invokes `$declare!` with the list: [`NodeKind`] here, the
/// `Node` interface and `load_node` in `types/node.rs`. A new kind of node is one line here.
macro_rules! node_kinds {
    ($declare:ident) => {
        $declare! {
            /// A creator.
            Creator => creator_by_id, Creator;
            /// A technique page.
            TechniquePage => page_by_id, TechniquePage::from;
            /// A tag.
            Tag => tag_by_id, Tag;
            /// A source video.
            SourceVideo => video_by_id, SourceVideo;
            /// A transcript segment.
            TranscriptSegment => segment_by_id, TranscriptSegment;
            /// A key moment.
            KeyMoment => moment_by_id, KeyMoment;
            /// A video's consent.
            VideoConsent => consent_by_id, VideoConsent;
            /// A consent audit entry.
            ConsentAuditLog => audit_by_id, ConsentAuditLog;
            /// A technique page version.
            TechniquePageVersion => version_by_id, TechniquePageVersion;
            /// A link between technique pages.
            RelatedTechniqueLink => link_by_id, RelatedTechniqueLink;
            /// A highlight candidate.
            HighlightCandidate => highlight_by_id, HighlightCandidate;
            /// A generated short.
            GeneratedShort => short_by_id, GeneratedShort;
            /// A creator's post.
            Post => post_by_id, Post;
            /// A post attachment.
            PostAttachment => attachment_by_id, PostAttachment;
            /// A pipeline run.
            PipelineRun => run_by_id, PipelineRun;
            /// A pipeline event.
            PipelineEvent => event_by_id, PipelineEvent;
            /// A content report.
            ContentReport => report_by_id, ContentReport;
            /// A search log row.
            SearchLog => search_log_by_id, SearchLog;
            /// An email digest log row.
            EmailDigestLog => digest_by_id, EmailDigestLog;
            /// A chat usage log row.
            ChatUsageLog => chat_by_id, ChatUsageLog;
            /// A user account (visible to the user and admins).
            User => user_by_id, User::of;
            /// An invite code (visible to admins).
            InviteCode => invite_by_id, InviteCode;
        }
    };
}
pub(crate) use node_kinds;

/// Declares [`NodeKind`] from [`node_kinds!`].
macro_rules! declare_node_kind {
    ($($(#[doc = $doc:literal])* $kind:ident => $loader:ident, $make:path;)*) => {
        /// Every kind of node that has a global ID.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum NodeKind {
            $($(#[doc = $doc])* $kind,)*
        }

        impl NodeKind {
            /// Every kind, in declaration order.
            pub const ALL: [Self; [$(stringify!($kind)),*].len()] = [$(Self::$kind),*];

            /// The kind's name: its GraphQL type, and the prefix of its global IDs.
            fn name(self) -> &'static str {
                match self {
                    $(Self::$kind => stringify!($kind),)*
                }
            }
        }
    };
}
node_kinds!(declare_node_kind);

impl NodeKind {
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
        for kind in NodeKind::ALL {
            assert_eq!(NodeKind::from_name(kind.name()), Some(kind));
        }
        assert_eq!(NodeKind::ALL.len(), 22);
    }
}

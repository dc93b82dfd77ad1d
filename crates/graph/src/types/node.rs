//! The `Node` interface (global object identification) and loading any node by kind and key,
//! through the same visibility-checked loaders as every other path. Both are generated from the
//! one list of node kinds, [`crate::ids::node_kinds!`].

use async_graphql::{Context, ID, Interface};
use uuid::Uuid;

use super::{
    ChatUsageLog, ConsentAuditLog, ContentReport, Creator, EmailDigestLog, GeneratedShort,
    HighlightCandidate, InviteCode, KeyMoment, PipelineEvent, PipelineRun, Post, PostAttachment,
    RelatedTechniqueLink, SearchLog, SourceVideo, Tag, TechniquePage, TechniquePageVersion,
    TranscriptSegment, User, VideoConsent, read,
};
use crate::{
    context::Viewer,
    ids::{NodeKind, node_kinds},
    loaders::one,
    services,
};

/// Declares `Node` and `load_node` from [`node_kinds!`].
macro_rules! declare_node {
    ($($(#[doc = $doc:literal])* $kind:ident => $loader:ident, $make:path;)*) => {
        /// An object with an opaque global ID, refetchable with `node(id:)`.
        #[derive(Interface)]
        #[graphql(field(name = "id", ty = "ID", desc = "Opaque global ID."))]
        pub(crate) enum Node {
            $($(#[doc = $doc])* $kind($kind),)*
        }

        /// The node of `kind` keyed `key`, or `None` when it does not exist or the viewer may not
        /// see it.
        pub(crate) async fn load_node(
            ctx: &Context<'_>,
            kind: NodeKind,
            key: Uuid,
        ) -> async_graphql::Result<Option<Node>> {
            if !permitted(ctx, kind, key)? {
                return Ok(None);
            }
            let l = read(ctx)?;
            Ok(match kind {
                $(NodeKind::$kind => one(l.$loader(), key).await?.map(|m| Node::$kind($make(m))),)*
            })
        }
    };
}
node_kinds!(declare_node);

/// Whether the viewer holds the right a kind of node needs beyond its loader's visibility rule
/// (accounts: the user and admins; invite codes: admins).
fn permitted(ctx: &Context<'_>, kind: NodeKind, key: Uuid) -> async_graphql::Result<bool> {
    use services::permissions::{Permission, authorize};
    let permission = match kind {
        NodeKind::User => Permission::ReadAccount(key),
        NodeKind::InviteCode => Permission::ManageInvites,
        _ => return Ok(true),
    };
    Ok(authorize(ctx.data::<Viewer>()?, permission).is_ok())
}

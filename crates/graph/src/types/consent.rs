//! `VideoConsent` and its append-only `ConsentAuditLog` (creator's users and admins only).

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::{consent_audit_logs, video_consents};

use super::{ConsentField, SourceVideo, User, nested_connection, read, utc};
use crate::{
    ids::{self, NodeKind},
    loaders::one,
};

crate::connection_type!(
    ConsentAuditLogConnection,
    ConsentAuditLogEdge,
    ConsentAuditLog,
    "A page of consent audit entries (Relay connection).",
    "A consent audit entry in a page of results, with its cursor."
);

/// What a creator allows to be done with one video.
pub(crate) struct VideoConsent(pub(crate) video_consents::Model);

impl VideoConsent {
    /// The consent's audit entries, newest version first (`history`, `auditLog`).
    async fn changes(
        &self,
        ctx: &Context<'_>,
        args: crate::pagination::PageArgs,
    ) -> async_graphql::Result<ConsentAuditLogConnection> {
        let l = read(ctx)?;
        nested_connection(
            ctx,
            args,
            self.0.id,
            l.consent_audit_counts(),
            l.consent_audit(),
            ConsentAuditLog,
        )
        .await
        .map(ConsentAuditLogConnection)
    }
}

crate::pagination::object_with_connections! {
/// What a creator allows to be done with one video.
impl VideoConsent {
    fields {
        /// Opaque global ID.
        pub(crate) async fn id(&self) -> ID {
            ids::encode(NodeKind::VideoConsent, self.0.id)
        }

        /// Whether the video may feed the knowledge base (and appear in search).
        async fn kb_inclusion(&self) -> bool {
            self.0.kb_inclusion
        }

        /// Whether the video may be used for training.
        async fn training_usage(&self) -> bool {
            self.0.training_usage
        }

        /// Whether the video may be shown publicly.
        async fn public_display(&self) -> bool {
            self.0.public_display
        }

        /// When consent was first recorded.
        async fn created_at(&self) -> DateTime<Utc> {
            utc(self.0.created_at)
        }

        /// When consent last changed.
        async fn updated_at(&self) -> DateTime<Utc> {
            utc(self.0.updated_at)
        }

        /// Who changed the consent last (null for the system, or a deleted user).
        async fn updated_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
            let Some(id) = self.0.updated_by else {
                return Ok(None);
            };
            Ok(one(read(ctx)?.user_by_id(), id).await?.map(User::of))
        }

        /// The video this consent governs.
        async fn source_video(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SourceVideo>> {
            Ok(one(read(ctx)?.video_by_id(), self.0.source_video_id)
                .await?
                .map(SourceVideo))
        }
    }
    connections {
        /// Every change to this consent, newest version first: which flag, old and new value,
        /// who, from which address, when.
        async fn history(&self, ctx: &Context<'_>, args: PageArgs) -> async_graphql::Result<ConsentAuditLogConnection> {
            self.changes(ctx, args).await
        }

        /// Every change to this consent, newest version first (the same list as `history`).
        #[graphql(deprecation = "Use `history`.")]
        async fn audit_log(&self, ctx: &Context<'_>, args: PageArgs) -> async_graphql::Result<ConsentAuditLogConnection> {
            self.changes(ctx, args).await
        }
    }
}
}

/// One change of one consent field.
pub(crate) struct ConsentAuditLog(pub(crate) consent_audit_logs::Model);

/// One change of one consent field.
#[Object]
impl ConsentAuditLog {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::ConsentAuditLog, self.0.id)
    }

    /// Sequential version within the consent.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The field that changed.
    async fn field_name(&self) -> ConsentField {
        self.0.field_name.into()
    }

    /// The value before (null on first set).
    async fn old_value(&self) -> Option<bool> {
        self.0.old_value
    }

    /// The value after.
    async fn new_value(&self) -> bool {
        self.0.new_value
    }

    /// Who made the change (null for the system, or a deleted user).
    async fn changed_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.changed_by else {
            return Ok(None);
        };
        Ok(one(read(ctx)?.user_by_id(), id).await?.map(User::of))
    }

    /// The client IP the change came from.
    async fn ip_address(&self) -> Option<&str> {
        self.0.ip_address.as_deref()
    }

    /// When the change happened.
    async fn created_at(&self) -> DateTime<Utc> {
        utc(self.0.created_at)
    }

    /// The consent that changed.
    async fn consent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<VideoConsent>> {
        Ok(one(read(ctx)?.consent_by_id(), self.0.video_consent_id)
            .await?
            .map(VideoConsent))
    }
}

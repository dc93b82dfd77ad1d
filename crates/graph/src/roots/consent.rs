//! Consent: `setVideoConsent`, `revokeVideo`, `restoreVideo`, and the reads a compliance request
//! needs: `consentAt` (the flags as of a moment) and the admins' `consentChanges`. Resolvers only
//! parse arguments, call `services::consents` and wrap the result.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use crate::{
    context::Viewer,
    ids::{self, NodeKind},
    inputs::consent::{ConsentChangeFilter, SetVideoConsentInput},
    query::listing_connection,
    services::{self, consents::Flags, rate_limit::ClientIp},
    types::{ConsentAuditLog, ConsentAuditLogConnection, SourceVideo, VideoConsent},
};

/// The result of `setVideoConsent`.
#[derive(SimpleObject)]
pub(crate) struct SetVideoConsentPayload {
    /// The video, whose visibility follows the new consent at once.
    source_video: SourceVideo,
    /// The consent as the change left it.
    consent: VideoConsent,
}

/// The result of `revokeVideo` and `restoreVideo`.
#[derive(SimpleObject)]
pub(crate) struct VideoRevocationPayload {
    /// The video with its new processing status.
    source_video: SourceVideo,
}

/// A video's three consent flags at one moment.
#[derive(SimpleObject)]
pub(crate) struct ConsentFlags {
    /// Whether the video could feed the knowledge base and search.
    kb_inclusion: bool,
    /// Whether the video could be used for training.
    training_usage: bool,
    /// Whether the video could be shown in public.
    public_display: bool,
}

impl From<Flags> for ConsentFlags {
    fn from(flags: Flags) -> Self {
        Self {
            kb_inclusion: flags.kb_inclusion,
            training_usage: flags.training_usage,
            public_display: flags.public_display,
        }
    }
}

fn video_id(id: &ID) -> async_graphql::Result<uuid::Uuid> {
    Ok(ids::decode(id, NodeKind::SourceVideo, "videoId")?)
}

/// Consent mutations.
#[derive(Default)]
pub(crate) struct ConsentMutation;

#[Object]
impl ConsentMutation {
    /// The video's creator's users and admins: sets any of the video's three consent flags. The
    /// first call creates the consent with the defaults (knowledge base no, training no, public
    /// yes) for the flags it does not give. Every flag that changes is audited (who, from which
    /// address, old and new value, the consent's next version); a call that changes nothing writes
    /// nothing. Visibility follows at once, on every path.
    async fn set_video_consent(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The video's global ID.")] video_id: ID,
        #[graphql(desc = "The flags to change.")] input: SetVideoConsentInput,
    ) -> async_graphql::Result<SetVideoConsentPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let ip = ctx.data_opt::<ClientIp>().copied();
        let id = self::video_id(&video_id)?;
        let (video, consent) =
            services::consents::set_consent(db, viewer, ip, id, input.into()).await?;
        Ok(SetVideoConsentPayload {
            source_video: SourceVideo(video),
            consent: VideoConsent(consent),
        })
    }

    /// The video's creator's users and admins: revokes the video. It disappears with its
    /// transcript, key moments, highlights and shorts from everyone but its curators; its pending
    /// and running pipeline runs are revoked; the revocation is logged with the reason. Only an
    /// admin can undo it (`restoreVideo`).
    async fn revoke_video(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The video's global ID.")] video_id: ID,
        #[graphql(desc = "Why (1–2,000 characters), kept in the video's revocation log.")]
        reason: String,
    ) -> async_graphql::Result<VideoRevocationPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let ip = ctx.data_opt::<ClientIp>().copied();
        let id = self::video_id(&video_id)?;
        let video = services::consents::revoke(db, viewer, ip, id, &reason).await?;
        Ok(VideoRevocationPayload {
            source_video: SourceVideo(video),
        })
    }

    /// Admins only: undoes a video's revocation (it gets back the processing status it had);
    /// logged with the reason.
    async fn restore_video(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The video's global ID.")] video_id: ID,
        #[graphql(desc = "Why (1–2,000 characters), kept in the video's revocation log.")]
        reason: String,
    ) -> async_graphql::Result<VideoRevocationPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let ip = ctx.data_opt::<ClientIp>().copied();
        let id = self::video_id(&video_id)?;
        let video = services::consents::restore(db, viewer, ip, id, &reason).await?;
        Ok(VideoRevocationPayload {
            source_video: SourceVideo(video),
        })
    }
}

/// Consent reads for curators and compliance.
#[derive(Default)]
pub(crate) struct ConsentQuery;

crate::pagination::object_with_connections! {
impl ConsentQuery {
    fields {
        /// The video's creator's users and admins: the video's consent flags as of `at`,
        /// reconstructed from its audit log (null when the video had no consent then). A training
        /// export can prove with it that each video was consented when it was used.
        async fn consent_at(
            &self,
            ctx: &Context<'_>,
            #[graphql(desc = "The video's global ID.")] video_id: ID,
            #[graphql(desc = "The moment to reconstruct.")] at: DateTime<Utc>,
        ) -> async_graphql::Result<Option<ConsentFlags>> {
            let db = ctx.data::<DatabaseConnection>()?;
            let viewer = ctx.data::<Viewer>()?;
            let id = self::video_id(&video_id)?;
            Ok(services::consents::at(db, viewer, id, at.naive_utc())
                .await?
                .map(Into::into))
        }
    }
    connections {
        /// Admins only: every consent change of every video, newest first, narrowed by `filter`.
        async fn consent_changes(
            &self,
            ctx: &Context<'_>,
            args: RawPageArgs,
            #[graphql(desc = "Narrows the changes listed.")] filter: Option<ConsentChangeFilter>,
        ) -> async_graphql::Result<ConsentAuditLogConnection> {
            let viewer = ctx.data::<Viewer>()?;
            let filter = filter.unwrap_or_default().try_into()?;
            let listing = services::consents::changes(viewer, &filter)?;
            let args = args.validate()?;
            listing_connection(ctx, args, listing, ConsentAuditLog)
                .await
                .map(ConsentAuditLogConnection)
        }
    }
}
}

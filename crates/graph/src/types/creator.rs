//! `Creator`: a music producer whose videos feed the knowledge base.

use async_graphql::{Context, ID, SimpleObject};
use chrono::{DateTime, Utc};
use entity::creators;

use super::{
    PostConnection, SourceVideoConnection, TechniquePageConnection, nested_connection, read, utc,
};
use crate::{
    error::ServiceError,
    ids::{self, NodeKind},
    loaders::{PageColumns, one},
    services::creator_profile as profile,
};

crate::connection_type!(
    CreatorConnection,
    CreatorEdge,
    Creator,
    "A page of creators (Relay connection).",
    "A creator in a page of creators, with its cursor."
);

/// A music producer whose videos are mined into technique pages.
pub(crate) struct Creator(pub(crate) creators::Model);

impl Creator {
    /// The creator a row's `creator_id` names. The foreign key guarantees the row, so its absence
    /// is a broken invariant (a server fault, logged and masked), not a `NOT_FOUND`.
    pub(crate) async fn owner(ctx: &Context<'_>, id: uuid::Uuid) -> async_graphql::Result<Self> {
        let creator = one(read(ctx)?.creator_by_id(), id).await?;
        Ok(Self(creator.ok_or_else(|| {
            ServiceError::invariant(format!("creator {id} of an existing row is missing"))
        })?))
    }
}

/// A link to one of a creator's profiles elsewhere.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct SocialLink {
    /// The platform, as stored (e.g. `youtube`, `instagram`).
    pub platform: String,
    /// The profile's URL.
    pub url: String,
}

/// One card of a shorts template: shown before (intro) or after (outro) the clip.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct ShortsCard {
    /// Whether the card is rendered.
    pub enabled: bool,
    /// The card's text (may be empty; at most 100 characters).
    pub text: String,
    /// How long the card is shown, in seconds (0.5–10).
    pub duration_secs: f64,
    /// Background colour, `#rrggbb`.
    pub background_color: String,
    /// Text colour, `#rrggbb`.
    pub text_color: String,
}

impl From<profile::ShortsCard> for ShortsCard {
    fn from(card: profile::ShortsCard) -> Self {
        Self {
            enabled: card.enabled,
            text: card.text,
            duration_secs: card.duration_secs,
            background_color: card.background_color,
            text_color: card.text_color,
        }
    }
}

/// A creator's intro/outro card configuration for generated shorts, normalized.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct ShortsTemplate {
    /// The card shown before the clip.
    pub intro: ShortsCard,
    /// The card shown after the clip.
    pub outro: ShortsCard,
    /// Accent colour (`#rrggbb`) for captions and progress bars, if any.
    pub accent_color: Option<String>,
}

impl From<profile::ShortsTemplate> for ShortsTemplate {
    fn from(template: profile::ShortsTemplate) -> Self {
        Self {
            intro: template.intro.into(),
            outro: template.outro.into(),
            accent_color: template.accent_color,
        }
    }
}

/// What `createCreator` returns.
#[derive(SimpleObject)]
pub(crate) struct CreateCreatorPayload {
    /// The new creator.
    pub creator: Creator,
}

/// What `updateCreator` returns.
#[derive(SimpleObject)]
pub(crate) struct UpdateCreatorPayload {
    /// The creator as changed.
    pub creator: Creator,
}

/// What `deleteCreator` returns: the deleted creator's ID and what went with it.
#[derive(SimpleObject)]
pub(crate) struct DeleteCreatorPayload {
    /// The deleted creator's ID.
    pub deleted_id: ID,
    /// Source videos deleted with it (with their transcripts, key moments, consents, highlights,
    /// shorts and pipeline runs).
    pub removed_source_videos: i64,
    /// Technique pages deleted with it (with their versions, tag links, related links both ways
    /// and sources).
    pub removed_technique_pages: i64,
    /// Posts deleted with it (with their attachments).
    pub removed_posts: i64,
    /// Users who were linked to it: unlinked, their accounts kept.
    pub unlinked_users: i64,
    /// Follows of it that were removed.
    pub removed_follows: i64,
}

crate::pagination::object_with_connections! {
/// A music producer whose videos are mined into technique pages.
impl Creator {
    fields {
        /// Opaque global ID.
        pub(crate) async fn id(&self) -> ID {
            ids::encode(NodeKind::Creator, self.0.id)
        }

        /// Display name (unique; taken from the creator's folder name).
        async fn name(&self) -> &str {
            &self.0.name
        }

        /// URL-safe unique handle, e.g. `mr-bill`.
        async fn slug(&self) -> &str {
            &self.0.slug
        }

        /// Genres the creator works in, e.g. `["dubstep", "sound design"]`.
        async fn genres(&self) -> &[String] {
            &self.0.genres
        }

        /// Avatar image URL, if any.
        async fn avatar_url(&self) -> Option<&str> {
            self.0.avatar_url.as_deref()
        }

        /// Biography (admin-edited).
        async fn bio(&self) -> Option<&str> {
            self.0.bio.as_deref()
        }

        /// Profiles on other platforms, ordered by platform name.
        async fn social_links(&self) -> Vec<SocialLink> {
            let mut links: Vec<SocialLink> = self
                .0
                .social_links
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(platform, url)| {
                    Some(SocialLink {
                        platform: platform.clone(),
                        url: url.as_str()?.to_owned(),
                    })
                })
                .collect();
            links.sort_by(|a, b| a.platform.cmp(&b.platform));
            links
        }

        /// Whether the home page spotlights this creator.
        async fn featured(&self) -> bool {
            self.0.featured
        }

        /// When the creator was added.
        async fn created_at(&self) -> DateTime<Utc> {
            utc(self.0.created_at)
        }

        /// When the creator's profile last changed.
        async fn updated_at(&self) -> DateTime<Utc> {
            utc(self.0.updated_at)
        }
    }
    connections {
        /// The creator's technique pages, ordered by title.
        async fn technique_pages(&self, ctx: &Context<'_>, args: PageArgs) -> async_graphql::Result<TechniquePageConnection> {
            let l = read(ctx)?;
            let columns = super::TechniquePage::list_columns(ctx);
            let pages = match columns {
                PageColumns::Summary => l.creator_pages(),
                PageColumns::Lean => l.creator_pages_lean(),
            };
            nested_connection(
                ctx,
                args,
                self.0.id,
                l.creator_page_counts(),
                pages,
                super::TechniquePage::listed(columns),
            )
            .await
            .map(TechniquePageConnection)
        }
    }
    fields {
        /// LLM-extracted personality data, as stored (admins set it; the creator's users only
        /// read it).
        async fn personality_profile(&self) -> Option<&serde_json::Value> {
            self.0.personality_profile.as_ref()
        }

        /// Intro/outro card configuration for shorts, or null when the creator has none. Read
        /// through the same normalizer as writes, so rows stored before its rules show their
        /// normalized values (unknown keys dropped, durations clamped, invalid colours replaced).
        async fn shorts_template(&self) -> Option<ShortsTemplate> {
            self.0
                .shorts_template
                .as_ref()
                .map(|stored| profile::ShortsTemplate::from_stored(stored).into())
        }
    }
    connections {
        /// The creator's videos the viewer may see, newest first.
        async fn source_videos(&self, ctx: &Context<'_>, args: PageArgs) -> async_graphql::Result<SourceVideoConnection> {
            let l = read(ctx)?;
            nested_connection(
                ctx,
                args,
                self.0.id,
                l.creator_video_counts(),
                l.creator_videos(),
                super::SourceVideo,
            )
            .await
            .map(SourceVideoConnection)
        }
    }
    connections {
        /// The creator's users and admins: reports about the creator's content, newest first,
        /// read-only and without who filed them. Others get `FORBIDDEN`.
        async fn content_reports(&self, ctx: &Context<'_>, args: RawPageArgs) -> async_graphql::Result<super::ContentReportConnection> {
            let viewer = ctx.data::<crate::context::Viewer>()?;
            let listing = crate::services::reports::of_creator(viewer, self.0.id)?;
            crate::query::listing_connection(ctx, args.validate()?, listing, super::ContentReport)
                .await
                .map(super::ContentReportConnection)
        }
    }
    connections {
        /// The creator's posts the viewer may see (drafts only for its users and admins), newest first.
        async fn posts(&self, ctx: &Context<'_>, args: PageArgs) -> async_graphql::Result<PostConnection> {
            let l = read(ctx)?;
            nested_connection(
                ctx,
                args,
                self.0.id,
                l.creator_post_counts(),
                l.creator_posts(),
                super::Post,
            )
            .await
            .map(PostConnection)
        }
    }
    fields {
        /// How many users follow this creator.
        async fn follower_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
            let n = read(ctx)?.follower_counts().load_one(self.0.id).await?;
            Ok(i64::try_from(n.unwrap_or(0)).unwrap_or(i64::MAX))
        }

        /// Whether the viewer follows this creator (false when signed out).
        async fn viewer_follows(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
            let Some(user) = ctx.data::<crate::Viewer>()?.user() else {
                return Ok(false);
            };
            Ok(read(ctx)?
                .follows()
                .load_one((user.id, self.0.id))
                .await?
                .unwrap_or(false))
        }
    }
}
}

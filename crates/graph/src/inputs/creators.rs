//! Creator profile inputs: `createCreator`'s and `updateCreator`'s, converted into the
//! unchecked domain values `services::creators` checks after the permission gate.

use async_graphql::{InputObject, MaybeUndefined};

use crate::services::{
    creator_profile::{CardChange, Patch, RawSocialLink, TemplateChange},
    creators::{NewCreator, ProfileChanges},
};

fn patch<T, U>(value: MaybeUndefined<T>, f: impl FnOnce(T) -> U) -> Patch<U> {
    match value {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(v) => Patch::Set(f(v)),
    }
}

/// A creator's profile on another platform.
#[derive(InputObject, Clone, Debug)]
pub(crate) struct SocialLinkInput {
    /// The platform: youtube (or yt), x (or twitter), instagram, soundcloud, spotify, bandcamp,
    /// twitch, tiktok, patreon, facebook, discord, beatport, mixcloud, applemusic, or website for
    /// any other site. Case, spaces and hyphens are ignored.
    pub platform: String,
    /// The profile's absolute http(s) URL (at most 1000 characters), on the platform's own
    /// domain (any domain for `website`).
    pub url: String,
}

impl From<SocialLinkInput> for RawSocialLink {
    fn from(input: SocialLinkInput) -> Self {
        Self {
            platform: input.platform,
            url: input.url,
        }
    }
}

/// Changes to one card of a shorts template; fields left out stay as they are.
#[derive(InputObject, Clone, Debug, Default)]
pub(crate) struct ShortsCardInput {
    /// Whether the card is rendered.
    pub enabled: Option<bool>,
    /// The card's text (trimmed, at most 100 characters, newlines allowed).
    pub text: Option<String>,
    /// How long the card is shown, in seconds; clamped to 0.5–10 and rounded to tenths.
    pub duration_secs: Option<f64>,
    /// Background colour, `#RGB` or `#RRGGBB`.
    pub background_color: Option<String>,
    /// Text colour, `#RGB` or `#RRGGBB`.
    pub text_color: Option<String>,
}

impl From<ShortsCardInput> for CardChange {
    fn from(input: ShortsCardInput) -> Self {
        Self {
            enabled: input.enabled,
            text: input.text,
            duration_secs: input.duration_secs,
            background_color: input.background_color,
            text_color: input.text_color,
        }
    }
}

/// Changes to a creator's shorts template (intro and outro cards); what is left out stays as it
/// is (a creator without a template starts from the default one).
#[derive(InputObject, Clone, Debug, Default)]
pub(crate) struct ShortsTemplateInput {
    /// Changes to the card shown before the clip.
    pub intro: Option<ShortsCardInput>,
    /// Changes to the card shown after the clip.
    pub outro: Option<ShortsCardInput>,
    /// Accent colour (`#RGB` or `#RRGGBB`) for captions and progress bars; null removes it.
    pub accent_color: MaybeUndefined<String>,
}

impl From<ShortsTemplateInput> for TemplateChange {
    fn from(input: ShortsTemplateInput) -> Self {
        Self {
            intro: input.intro.map(Into::into),
            outro: input.outro.map(Into::into),
            accent_color: patch(input.accent_color, |c| c),
        }
    }
}

/// A new creator (admins).
#[derive(InputObject, Clone, Debug)]
pub(crate) struct CreateCreatorInput {
    /// Display name, unique (trimmed, inner spaces collapsed, 1–255 characters).
    pub name: String,
    /// URL handle, unique (`mr-bill`); derived from the name when left out (lower-cased, Latin
    /// diacritics transliterated, apostrophes dropped, other runs of non-alphanumerics `-`).
    pub slug: Option<String>,
    /// Genres (trimmed, lower-cased, duplicates dropped; at most 20 of at most 50 characters).
    #[graphql(default)]
    pub genres: Vec<String>,
    /// Biography (at most 10 000 characters; empty means none).
    pub bio: Option<String>,
    /// Avatar image: an absolute http(s) URL of at most 1000 characters (empty means none).
    pub avatar_url: Option<String>,
    /// Profiles elsewhere, at most one per platform (at most 20).
    #[graphql(default)]
    pub social_links: Vec<SocialLinkInput>,
    /// Whether the home page spotlights the creator.
    #[graphql(default)]
    pub featured: bool,
    /// LLM-extracted personality data: a JSON object of at most 32 KiB.
    pub personality_profile: Option<serde_json::Value>,
    /// Intro/outro card configuration for shorts, over the default template.
    pub shorts_template: Option<ShortsTemplateInput>,
}

impl From<CreateCreatorInput> for NewCreator {
    fn from(input: CreateCreatorInput) -> Self {
        Self {
            name: input.name,
            slug: input.slug,
            genres: input.genres,
            bio: input.bio,
            avatar_url: input.avatar_url,
            social_links: input.social_links.into_iter().map(Into::into).collect(),
            featured: input.featured,
            personality_profile: input.personality_profile,
            shorts_template: input.shorts_template.map(Into::into),
        }
    }
}

/// Changes to a creator's profile. Fields left out (or null, for the non-nullable ones) stay as
/// they are. Admins may change every field; the creator's own users only `bio`, `avatarUrl`,
/// `socialLinks` and `shortsTemplate` (any other field is `FORBIDDEN` for them).
#[derive(InputObject, Clone, Debug, Default)]
pub(crate) struct UpdateCreatorInput {
    /// Admins: display name (as in `CreateCreatorInput.name`); the slug does not follow it.
    pub name: Option<String>,
    /// Admins: a new slug; the old one stops resolving.
    pub slug: Option<String>,
    /// Admins: every genre, replacing the current ones (normalized as on create).
    pub genres: Option<Vec<String>>,
    /// Admins: whether the home page spotlights the creator.
    pub featured: Option<bool>,
    /// Admins: personality data (a JSON object of at most 32 KiB); null removes it.
    pub personality_profile: MaybeUndefined<serde_json::Value>,
    /// Biography (at most 10 000 characters); null or empty removes it.
    pub bio: MaybeUndefined<String>,
    /// Avatar image URL (absolute http(s), at most 1000 characters); null or empty removes it.
    pub avatar_url: MaybeUndefined<String>,
    /// Every social link, replacing the current ones (`[]` removes them all).
    pub social_links: Option<Vec<SocialLinkInput>>,
    /// Changes to the shorts template; null removes the template.
    pub shorts_template: MaybeUndefined<ShortsTemplateInput>,
}

impl From<UpdateCreatorInput> for ProfileChanges {
    fn from(input: UpdateCreatorInput) -> Self {
        Self {
            name: input.name,
            slug: input.slug,
            genres: input.genres,
            featured: input.featured,
            personality_profile: patch(input.personality_profile, |p| p),
            bio: patch(input.bio, |b| b),
            avatar_url: patch(input.avatar_url, |u| u),
            social_links: input
                .social_links
                .map(|links| links.into_iter().map(Into::into).collect()),
            shorts_template: patch(input.shorts_template, Into::into),
        }
    }
}

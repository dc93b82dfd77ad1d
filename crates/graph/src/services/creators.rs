//! Creators: lookups by slug (the directory itself is `services::browse::creators`) and the
//! profile's writes: admins create and delete creators and set every field; a creator's own
//! users set its bio, avatar, social links and shorts template
//! (`docs/decisions/0053-creator-profiles.md`). The checks and normalizations are
//! `services::creator_profile`'s.

use entity::creators;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult,
    QueryFilter, QuerySelect, Set, Statement, sea_query::LockType,
};
use serde_json::Value;
use uuid::Uuid;

use crate::services::{
    creator_profile::{
        self, Patch, RawSocialLink, ShortsTemplate, TemplateChange, check_personality_profile,
        normalize_avatar_url, normalize_bio, normalize_genres, normalize_name,
        normalize_social_links, parse_slug,
    },
    error::{ServiceError, ServiceResult},
    ids::CreatorId,
    permissions::{Permission, Viewer, authorize},
    tx,
};

/// The creator with this slug, if any.
pub(crate) async fn by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> ServiceResult<Option<creators::Model>> {
    Ok(creators::Entity::find()
        .filter(creators::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// A new creator as an admin describes it (unchecked: [`create`] checks and normalizes).
#[derive(Clone, Debug, Default)]
pub(crate) struct NewCreator {
    /// Display name.
    pub(crate) name: String,
    /// The slug; derived from the name when `None`.
    pub(crate) slug: Option<String>,
    /// Genres.
    pub(crate) genres: Vec<String>,
    /// Biography.
    pub(crate) bio: Option<String>,
    /// Avatar image URL.
    pub(crate) avatar_url: Option<String>,
    /// Profiles elsewhere.
    pub(crate) social_links: Vec<RawSocialLink>,
    /// Spotlighted on the home page.
    pub(crate) featured: bool,
    /// LLM-extracted personality data (a JSON object).
    pub(crate) personality_profile: Option<Value>,
    /// Intro/outro card configuration, applied over the default template.
    pub(crate) shorts_template: Option<TemplateChange>,
}

/// Changes to a creator's profile (unchecked: [`update`] checks and normalizes). `None` and
/// [`Patch::Keep`] leave a field as it is.
#[derive(Clone, Debug, Default)]
pub(crate) struct ProfileChanges {
    /// Display name (admins).
    pub(crate) name: Option<String>,
    /// Slug (admins); the old one stops resolving.
    pub(crate) slug: Option<String>,
    /// Genres (admins).
    pub(crate) genres: Option<Vec<String>>,
    /// Home-page spotlight (admins).
    pub(crate) featured: Option<bool>,
    /// Personality data (admins).
    pub(crate) personality_profile: Patch<Value>,
    /// Biography (the creator's users and admins).
    pub(crate) bio: Patch<String>,
    /// Avatar URL (the creator's users and admins).
    pub(crate) avatar_url: Patch<String>,
    /// Every social link, replacing the stored ones (the creator's users and admins).
    pub(crate) social_links: Option<Vec<RawSocialLink>>,
    /// Changes to the shorts template (the creator's users and admins).
    pub(crate) shorts_template: Patch<TemplateChange>,
}

impl ProfileChanges {
    /// The first field the changes mention that only admins may set, as the input names it.
    pub(crate) fn admin_only_field(&self) -> Option<&'static str> {
        [
            (self.name.is_some(), "input.name"),
            (self.slug.is_some(), "input.slug"),
            (self.genres.is_some(), "input.genres"),
            (self.featured.is_some(), "input.featured"),
            (
                self.personality_profile.is_given(),
                "input.personalityProfile",
            ),
        ]
        .into_iter()
        .find_map(|(given, field)| given.then_some(field))
    }
}

/// The stored form of a shorts template change applied over `current` (the default template
/// when there is none).
fn template_json(
    current: Option<&Value>,
    change: &TemplateChange,
    argument: &str,
) -> ServiceResult<Value> {
    let base = current.map(ShortsTemplate::from_stored).unwrap_or_default();
    Ok(base.apply(change, argument)?.to_json())
}

/// Admins only: creates a creator. The name is trimmed (1–255 characters); the slug is the
/// client's or the name's; genres, texts, URLs, social links and the shorts template are checked
/// and normalized by `creator_profile`. A taken name or slug is `CONFLICT` naming `name` or
/// `slug`.
pub(crate) async fn create(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    new: NewCreator,
) -> ServiceResult<creators::Model> {
    authorize(viewer, Permission::ManageCatalog)?;
    let name = normalize_name(&new.name, "input.name")?;
    let slug = creator_profile::slug_for(&name, new.slug.as_deref(), "input.slug")?;
    let genres = normalize_genres(&new.genres, "input.genres")?;
    let bio = match new.bio.as_deref() {
        Some(bio) => normalize_bio(bio, "input.bio")?,
        None => None,
    };
    let avatar_url = match new.avatar_url.as_deref() {
        Some(url) => normalize_avatar_url(url, "input.avatarUrl")?,
        None => None,
    };
    let social_links = normalize_social_links(&new.social_links, "input.socialLinks")?;
    let personality_profile = new
        .personality_profile
        .map(|p| check_personality_profile(p, "input.personalityProfile"))
        .transpose()?;
    let shorts_template = new
        .shorts_template
        .map(|change| template_json(None, &change, "input.shortsTemplate"))
        .transpose()?;
    // One statement: atomic on its own, and a unique violation is the conflict it reports.
    Ok(creators::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(name),
        slug: Set(slug),
        genres: Set(genres),
        bio: Set(bio),
        avatar_url: Set(avatar_url),
        social_links: Set(social_links),
        featured: Set(new.featured),
        personality_profile: Set(personality_profile),
        shorts_template: Set(shorts_template),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

async fn lock(
    db: &impl ConnectionTrait,
    id: CreatorId,
    lock: LockType,
) -> ServiceResult<creators::Model> {
    creators::Entity::find_by_id(id.into_uuid())
        .lock(lock)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("creator"))
}

/// The creator's own users and admins: changes its profile. The row is locked, then the gate
/// asks `Curate(creator)`; a change to a field only admins may set (name, slug, genres,
/// featured, personality profile) by anyone else is `FORBIDDEN` naming that field, before
/// anything is checked or written. Fields left out stay as they are; a field set to its current
/// value is not written.
pub(crate) async fn update(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    id: CreatorId,
    changes: ProfileChanges,
) -> ServiceResult<creators::Model> {
    tx::transaction(db, |txn| {
        let (viewer, changes) = (viewer.clone(), changes.clone());
        Box::pin(async move {
            let creator = lock(txn, id, LockType::NoKeyUpdate).await?;
            authorize(&viewer, Permission::Curate(creator.id))?;
            if let Some(field) = changes.admin_only_field()
                && authorize(&viewer, Permission::ManageCatalog).is_err()
            {
                return Err(ServiceError::Forbidden(format!(
                    "only admins may change {field}; a creator's users may change bio, \
                     avatarUrl, socialLinks and shortsTemplate"
                )));
            }
            let mut row: creators::ActiveModel = creator.clone().into();
            if let Some(name) = &changes.name {
                let name = normalize_name(name, "input.name")?;
                if name != creator.name {
                    row.name = Set(name);
                }
            }
            if let Some(slug) = &changes.slug {
                let slug = parse_slug(slug, "input.slug")?;
                if slug != creator.slug {
                    row.slug = Set(slug);
                }
            }
            if let Some(genres) = &changes.genres {
                let genres = normalize_genres(genres, "input.genres")?;
                if genres != creator.genres {
                    row.genres = Set(genres);
                }
            }
            if let Some(featured) = changes.featured
                && featured != creator.featured
            {
                row.featured = Set(featured);
            }
            let profile = match &changes.personality_profile {
                Patch::Keep => None,
                Patch::Clear => Some(None),
                Patch::Set(value) => Some(Some(check_personality_profile(
                    value.clone(),
                    "input.personalityProfile",
                )?)),
            };
            if let Some(profile) = profile
                && profile != creator.personality_profile
            {
                row.personality_profile = Set(profile);
            }
            let bio = match &changes.bio {
                Patch::Keep => None,
                Patch::Clear => Some(None),
                Patch::Set(bio) => Some(normalize_bio(bio, "input.bio")?),
            };
            if let Some(bio) = bio
                && bio != creator.bio
            {
                row.bio = Set(bio);
            }
            let avatar = match &changes.avatar_url {
                Patch::Keep => None,
                Patch::Clear => Some(None),
                Patch::Set(url) => Some(normalize_avatar_url(url, "input.avatarUrl")?),
            };
            if let Some(avatar) = avatar
                && avatar != creator.avatar_url
            {
                row.avatar_url = Set(avatar);
            }
            if let Some(links) = &changes.social_links {
                let links = normalize_social_links(links, "input.socialLinks")?;
                if links != creator.social_links {
                    row.social_links = Set(links);
                }
            }
            let template = match &changes.shorts_template {
                Patch::Keep => None,
                Patch::Clear => Some(None),
                Patch::Set(change) => Some(Some(template_json(
                    creator.shorts_template.as_ref(),
                    change,
                    "input.shortsTemplate",
                )?)),
            };
            if let Some(template) = template
                && template != creator.shorts_template
            {
                row.shorts_template = Set(template);
            }
            if !row.is_changed() {
                return Ok(creator);
            }
            Ok(row.update(txn).await?)
        })
    })
    .await
}

/// What a creator owned when it was deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, FromQueryResult)]
pub(crate) struct Holdings {
    /// Source videos (with their transcripts, key moments, consents, highlights, shorts and
    /// pipeline runs).
    pub(crate) videos: i64,
    /// Technique pages (with their versions, tag links, related links both ways, sources, old
    /// slugs and counted views).
    pub(crate) pages: i64,
    /// Posts (with their attachments).
    pub(crate) posts: i64,
    /// Users linked to the creator (unlinked, not deleted).
    pub(crate) linked_users: i64,
    /// Users following the creator (their follows go).
    pub(crate) followers: i64,
}

impl Holdings {
    /// Whether the creator owns anything that makes deleting it need `cascade` (followers do
    /// not).
    fn blocks_plain_delete(&self) -> bool {
        self.videos + self.pages + self.posts + self.linked_users > 0
    }

    /// "3 source videos, 2 technique pages and 1 linked user".
    fn describe(&self) -> String {
        let plural = |n: i64, one: &str, many: &str| {
            (n > 0).then(|| format!("{n} {}", if n == 1 { one } else { many }))
        };
        let parts: Vec<String> = [
            plural(self.videos, "source video", "source videos"),
            plural(self.pages, "technique page", "technique pages"),
            plural(self.posts, "post", "posts"),
            plural(self.linked_users, "linked user", "linked users"),
        ]
        .into_iter()
        .flatten()
        .collect();
        match parts.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            Some((last, _)) => last.clone(),
            None => "nothing".to_owned(),
        }
    }
}

/// Counts what the creator owns (its row is locked by the caller).
async fn holdings(db: &impl ConnectionTrait, id: Uuid) -> ServiceResult<Holdings> {
    Holdings::find_by_statement(Statement::from_sql_and_values(
        DbBackend::Postgres,
        "SELECT (SELECT count(*) FROM source_videos WHERE creator_id = $1) AS videos, \
                (SELECT count(*) FROM technique_pages WHERE creator_id = $1) AS pages, \
                (SELECT count(*) FROM posts WHERE creator_id = $1) AS posts, \
                (SELECT count(*) FROM users WHERE creator_id = $1) AS linked_users, \
                (SELECT count(*) FROM creator_follows WHERE creator_id = $1) AS followers",
        [id.into()],
    ))
    .one(db)
    .await?
    .ok_or_else(|| ServiceError::invariant("counting a creator's holdings returned no row"))
}

/// Admins only: deletes a creator. When it owns source videos, technique pages, posts or linked
/// users, only with `cascade` (else `BAD_USER_INPUT` on `cascade` saying what it owns); then the
/// foreign keys remove its content with it and unlink its users. The row is locked `FOR UPDATE`
/// first, so nothing can be added to it between the count and the delete. Returns what it owned.
pub(crate) async fn delete(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    id: CreatorId,
    cascade: bool,
) -> ServiceResult<Holdings> {
    authorize(viewer, Permission::ManageCatalog)?;
    tx::transaction(db, |txn| {
        Box::pin(async move {
            let creator = lock(txn, id, LockType::Update).await?;
            let owned = holdings(txn, creator.id).await?;
            if owned.blocks_plain_delete() && !cascade {
                return Err(ServiceError::invalid(
                    "cascade",
                    format!(
                        "{} owns {}: pass cascade: true to delete its content with it \
                         (linked users are unlinked, not deleted)",
                        creator.name,
                        owned.describe()
                    ),
                ));
            }
            let deleted = creators::Entity::delete_by_id(creator.id).exec(txn).await?;
            if deleted.rows_affected != 1 {
                return Err(ServiceError::invariant(format!(
                    "deleting locked creator {} affected {} rows",
                    creator.id, deleted.rows_affected
                )));
            }
            Ok(owned)
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_only_fields_are_named_in_input_order() {
        assert_eq!(ProfileChanges::default().admin_only_field(), None);
        let owner_fields = ProfileChanges {
            bio: Patch::Set("b".into()),
            avatar_url: Patch::Clear,
            social_links: Some(vec![]),
            shorts_template: Patch::Set(TemplateChange::default()),
            ..ProfileChanges::default()
        };
        assert_eq!(owner_fields.admin_only_field(), None);
        let mixed = ProfileChanges {
            genres: Some(vec![]),
            personality_profile: Patch::Clear,
            ..owner_fields
        };
        assert_eq!(mixed.admin_only_field(), Some("input.genres"));
        let profile = ProfileChanges {
            personality_profile: Patch::Clear,
            ..ProfileChanges::default()
        };
        assert_eq!(profile.admin_only_field(), Some("input.personalityProfile"));
    }

    #[test]
    fn holdings_say_what_blocks_a_delete() {
        let none = Holdings {
            followers: 4,
            ..Holdings::default()
        };
        assert!(!none.blocks_plain_delete());
        let some = Holdings {
            videos: 3,
            pages: 2,
            posts: 0,
            linked_users: 1,
            followers: 0,
        };
        assert!(some.blocks_plain_delete());
        assert_eq!(
            some.describe(),
            "3 source videos, 2 technique pages and 1 linked user"
        );
        let one = Holdings {
            posts: 1,
            ..Holdings::default()
        };
        assert_eq!(one.describe(), "1 post");
    }
}

//! What each request carries: who asks ([`Viewer`]) and fresh DataLoaders ([`Loaders`]).
//! Both are attached per request by [`crate::prepare_request`], so no loader cache is shared
//! between requests or users.

use async_graphql::dataloader::{DataLoader, HashMapCache};
use entity::sea_orm_active_enums::UserRole;
use sea_orm::DatabaseConnection;
use uuid::Uuid;

use crate::loaders::{
    CreatorById, CreatorPageCounts, CreatorPages, FollowerCounts, Follows, PageColumns,
    TagPageCounts, TagPages, UserById, UserFollowing, UserFollowingCounts,
};

/// Who is asking.
#[derive(Clone, Debug, Default)]
pub enum Viewer {
    /// No credentials were presented.
    #[default]
    Anonymous,
    /// A signed-in, active user (re-read from the database on every request).
    User(ViewerUser),
}

/// The signed-in user behind a request.
#[derive(Clone, Debug)]
pub struct ViewerUser {
    /// The user's id.
    pub id: Uuid,
    /// The user's role.
    pub role: UserRole,
    /// The creator profile this user curates, if any.
    pub creator_id: Option<Uuid>,
}

impl Viewer {
    /// The signed-in user, if any.
    pub fn user(&self) -> Option<&ViewerUser> {
        match self {
            Self::Anonymous => None,
            Self::User(user) => Some(user),
        }
    }

    /// Whether the viewer is an admin.
    pub fn is_admin(&self) -> bool {
        self.user().is_some_and(|u| u.role == UserRole::Admin)
    }

    /// Whether the viewer may curate `creator_id`'s content: an admin, or a user linked to it.
    pub fn can_curate(&self, creator_id: Uuid) -> bool {
        self.is_admin()
            || self
                .user()
                .is_some_and(|u| u.creator_id == Some(creator_id))
    }
}

/// One DataLoader per relation, created for each request.
pub struct Loaders {
    /// Creators by id.
    pub creator_by_id: DataLoader<CreatorById, HashMapCache>,
    /// A window of a creator's technique pages.
    pub creator_pages: DataLoader<CreatorPages>,
    /// A window of a creator's technique pages, as lean rows.
    pub creator_pages_lean: DataLoader<CreatorPages>,
    /// How many technique pages a creator has.
    pub creator_page_counts: DataLoader<CreatorPageCounts, HashMapCache>,
    /// A window of a tag's technique pages.
    pub tag_pages: DataLoader<TagPages>,
    /// A window of a tag's technique pages, as lean rows.
    pub tag_pages_lean: DataLoader<TagPages>,
    /// How many technique pages carry a tag.
    pub tag_page_counts: DataLoader<TagPageCounts, HashMapCache>,
    /// Users by id.
    pub user_by_id: DataLoader<UserById, HashMapCache>,
    /// How many users follow a creator.
    pub follower_counts: DataLoader<FollowerCounts, HashMapCache>,
    /// Whether a user follows a creator.
    pub follows: DataLoader<Follows, HashMapCache>,
    /// A window of the creators a user follows.
    pub user_following: DataLoader<UserFollowing, HashMapCache>,
    /// How many creators a user follows.
    pub user_following_counts: DataLoader<UserFollowingCounts, HashMapCache>,
}

impl Loaders {
    /// Fresh loaders over `db`.
    pub fn new(db: DatabaseConnection) -> Self {
        fn loader<T>(inner: T) -> DataLoader<T, HashMapCache>
        where
            T: Send + Sync + 'static,
        {
            DataLoader::with_cache(inner, tokio::spawn, HashMapCache::default())
        }
        Self {
            creator_by_id: loader(CreatorById(db.clone())),
            creator_pages: DataLoader::new(
                CreatorPages(db.clone(), PageColumns::Summary),
                tokio::spawn,
            ),
            creator_pages_lean: DataLoader::new(
                CreatorPages(db.clone(), PageColumns::Lean),
                tokio::spawn,
            ),
            creator_page_counts: loader(CreatorPageCounts(db.clone())),
            tag_pages: DataLoader::new(TagPages(db.clone(), PageColumns::Summary), tokio::spawn),
            tag_pages_lean: DataLoader::new(TagPages(db.clone(), PageColumns::Lean), tokio::spawn),
            tag_page_counts: loader(TagPageCounts(db.clone())),
            user_by_id: loader(UserById(db.clone())),
            follower_counts: loader(FollowerCounts(db.clone())),
            follows: loader(Follows(db.clone())),
            user_following: loader(UserFollowing(db.clone())),
            user_following_counts: loader(UserFollowingCounts(db)),
        }
    }
}

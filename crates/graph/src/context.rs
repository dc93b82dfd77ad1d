//! What each request carries: who asks ([`Viewer`]) and fresh DataLoaders ([`Loaders`]).
//! Both are attached per request by [`crate::prepare_request`], so no loader cache is shared
//! between requests or users.

use async_graphql::dataloader::{DataLoader, HashMapCache};
use sea_orm::DatabaseConnection;

use crate::loaders::{
    CreatorById, CreatorPageCounts, CreatorPages, FollowerCounts, Follows, PageColumns,
    TagPageCounts, TagPages, UserById, UserFollowing, UserFollowingCounts,
};

pub use crate::services::permissions::{Viewer, ViewerUser};

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

//! Search arguments: which kinds of results, and conditions on them.

use async_graphql::{Enum, ID, InputObject};

/// A kind of search result.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SearchType {
    /// Technique pages (title, categories, tags, plugins, summary, body text).
    TechniquePage,
    /// Key moments of videos (title, category, tags, summary).
    KeyMoment,
    /// Creators (name, genres, bio).
    Creator,
    /// Transcript segments (what was said in a video).
    Transcript,
}

impl SearchType {
    /// Every kind, in the order results of equal rank are listed.
    pub const ALL: [Self; 4] = [
        Self::TechniquePage,
        Self::KeyMoment,
        Self::Creator,
        Self::Transcript,
    ];
}

/// Narrows search results; all given conditions must hold.
#[derive(InputObject, Default, Debug, Clone)]
pub struct SearchFilter {
    /// Results belonging to this creator (global ID): the creator, their pages, and the moments and
    /// transcripts of their videos.
    pub creator: Option<ID>,
    /// Results in this topic category, matched case-insensitively. Only technique pages and key
    /// moments have a category, so creators and transcripts drop out when this is given.
    pub topic_category: Option<String>,
}

/// Orders of search results.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SearchOrder {
    /// Best match first: title and name matches outrank category and tag matches, which outrank
    /// summary, bio, body and transcript matches.
    #[default]
    Relevance,
}

//! Search arguments: which kinds of results, and conditions on them, mapped to the domain's
//! (`services::search`).

use async_graphql::{Enum, ID, InputObject};

use crate::{
    error::ServiceError,
    ids::NodeKind,
    inputs::decode_opt,
    services::{ids::CreatorId, search},
};

/// A kind of search result.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[graphql(remote = "search::SearchType")]
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

/// Narrows search results; all given conditions must hold.
#[derive(InputObject, Default, Debug, Clone)]
pub(crate) struct SearchFilter {
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

impl TryFrom<SearchFilter> for search::SearchFilter {
    type Error = ServiceError;

    fn try_from(filter: SearchFilter) -> Result<Self, ServiceError> {
        Ok(Self {
            creator: decode_opt(filter.creator.as_ref(), NodeKind::Creator, "creator")?
                .map(CreatorId::from_uuid),
            topic_category: filter.topic_category,
        })
    }
}

//! Filters and orderings for creators, technique pages, key moments and videos, and their
//! mapping to the domain's (`services::browse`): global ids decoded, enums converted.

use async_graphql::{Enum, ID, InputObject};
use uuid::Uuid;

use crate::{
    error::ServiceError,
    ids::{self, NodeKind},
    services::{browse, ids::CreatorId},
    types::{ContentType, ProcessingStatus, ReviewStatus, SourceQuality},
};

/// Narrows the creator directory; all given conditions must hold.
#[derive(InputObject, Default, Debug, Clone)]
pub(crate) struct CreatorFilter {
    /// Creators working in this genre (case-insensitive), e.g. `dubstep`.
    pub genre: Option<String>,
    /// Only spotlighted (`true`) or only other (`false`) creators.
    pub featured: Option<bool>,
    /// Words that must appear in the name or bio (case-insensitive).
    pub text: Option<String>,
}

/// Orders of the creator directory.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[graphql(remote = "browse::CreatorOrder")]
pub enum CreatorOrder {
    /// By name, A to Z.
    #[default]
    NameAsc,
    /// By name, Z to A.
    NameDesc,
    /// Newest first.
    CreatedAtDesc,
}

/// Tag conditions of a technique page filter.
#[derive(InputObject, Default, Debug, Clone)]
pub(crate) struct TagMatch {
    /// Pages carrying at least one of these tags.
    pub any: Option<Vec<String>>,
    /// Pages carrying every one of these tags.
    pub all: Option<Vec<String>>,
}

/// Narrows technique pages; all given conditions must hold.
#[derive(InputObject, Default, Debug, Clone)]
pub(crate) struct TechniquePageFilter {
    /// Pages of this creator (global ID).
    pub creator: Option<ID>,
    /// Pages in this topic category, matched case-insensitively (`Sound design` = `Sound Design`).
    pub topic_category: Option<String>,
    /// Pages with any / all of these tags (names are normalized like tags).
    pub tags: Option<TagMatch>,
    /// Pages using this plugin (case-insensitive), e.g. `Serum`.
    pub plugin: Option<String>,
    /// Pages of this source quality.
    pub source_quality: Option<SourceQuality>,
    /// Words that must appear in the title or summary (case-insensitive).
    pub text: Option<String>,
}

/// Orders of technique page lists.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[graphql(remote = "browse::TechniquePageOrder")]
pub enum TechniquePageOrder {
    /// By title, A to Z.
    #[default]
    TitleAsc,
    /// Most viewed first.
    ViewCountDesc,
    /// Newest first.
    CreatedAtDesc,
    /// Most recently changed first.
    UpdatedAtDesc,
}

/// Narrows key moments; all given conditions must hold.
#[derive(InputObject, Default, Debug, Clone)]
pub(crate) struct KeyMomentFilter {
    /// Moments of this video (global ID).
    pub video: Option<ID>,
    /// Moments of this kind.
    pub content_type: Option<ContentType>,
    /// Moments in this review state.
    pub review_status: Option<ReviewStatus>,
    /// Moments in this topic category (case-insensitive).
    pub topic_category: Option<String>,
    /// Moments ending at or after this time (seconds into the video).
    pub from_seconds: Option<f64>,
    /// Moments starting at or before this time (seconds into the video).
    pub to_seconds: Option<f64>,
}

/// Orders of key moment lists.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[graphql(remote = "browse::KeyMomentOrder")]
pub enum KeyMomentOrder {
    /// By video, then position within it.
    #[default]
    VideoPosition,
    /// Newest first.
    CreatedAtDesc,
}

/// Narrows videos; all given conditions must hold.
#[derive(InputObject, Default, Debug, Clone)]
pub(crate) struct SourceVideoFilter {
    /// Videos of this creator (global ID).
    pub creator: Option<ID>,
    /// Videos in this processing state.
    pub processing_status: Option<ProcessingStatus>,
    /// Admins only: videos whose creator did (true) or did not (false) consent to training use.
    pub training_usage: Option<bool>,
}

/// Orders of video lists.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[graphql(remote = "browse::SourceVideoOrder")]
pub enum SourceVideoOrder {
    /// Newest first.
    #[default]
    CreatedAtDesc,
    /// Oldest first.
    CreatedAtAsc,
    /// By filename, A to Z.
    FilenameAsc,
}

/// Decodes an optional global ID of `kind` given in the input field `field`.
pub(crate) fn decode_opt(
    id: Option<&ID>,
    kind: NodeKind,
    field: &str,
) -> Result<Option<Uuid>, ServiceError> {
    id.map(|id| ids::decode(id, kind, field)).transpose()
}

/// The creator a filter's `field` names by global ID, if any.
fn creator_opt(id: Option<&ID>, field: &str) -> Result<Option<CreatorId>, ServiceError> {
    Ok(decode_opt(id, NodeKind::Creator, field)?.map(CreatorId::from_uuid))
}

impl From<CreatorFilter> for browse::CreatorFilter {
    fn from(filter: CreatorFilter) -> Self {
        Self {
            genre: filter.genre,
            featured: filter.featured,
            text: filter.text,
        }
    }
}

impl From<TagMatch> for browse::TagMatch {
    fn from(tags: TagMatch) -> Self {
        Self {
            any: tags.any,
            all: tags.all,
        }
    }
}

impl TryFrom<TechniquePageFilter> for browse::TechniquePageFilter {
    type Error = ServiceError;

    fn try_from(filter: TechniquePageFilter) -> Result<Self, ServiceError> {
        Ok(Self {
            creator: creator_opt(filter.creator.as_ref(), "creator")?,
            topic_category: filter.topic_category,
            tags: filter.tags.map(Into::into),
            plugin: filter.plugin,
            source_quality: filter.source_quality.map(Into::into),
            text: filter.text,
        })
    }
}

impl TryFrom<KeyMomentFilter> for browse::KeyMomentFilter {
    type Error = ServiceError;

    fn try_from(filter: KeyMomentFilter) -> Result<Self, ServiceError> {
        Ok(Self {
            video: decode_opt(filter.video.as_ref(), NodeKind::SourceVideo, "video")?,
            content_type: filter.content_type.map(Into::into),
            review_status: filter.review_status.map(ReviewStatus::as_str),
            topic_category: filter.topic_category,
            from_seconds: filter.from_seconds,
            to_seconds: filter.to_seconds,
        })
    }
}

impl TryFrom<SourceVideoFilter> for browse::SourceVideoFilter {
    type Error = ServiceError;

    fn try_from(filter: SourceVideoFilter) -> Result<Self, ServiceError> {
        Ok(Self {
            creator: creator_opt(filter.creator.as_ref(), "creator")?,
            processing_status: filter.processing_status.map(Into::into),
            training_usage: filter.training_usage,
        })
    }
}

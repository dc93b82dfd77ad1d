//! Inputs of the key moment mutations, converted into `services::moments` values.

use async_graphql::InputObject;

use crate::{services::moments::MomentEdit, types::ContentType};

/// Changes to a key moment; an omitted field stays as it is.
#[derive(InputObject, Clone, Debug, Default)]
pub(crate) struct UpdateKeyMomentInput {
    /// A new title (non-empty, at most 500 characters).
    pub title: Option<String>,
    /// A new summary (at most 10,000 characters).
    pub summary: Option<String>,
    /// A new start, in seconds from the video's start (0 or more, before the end).
    pub start_time: Option<f64>,
    /// A new end, in seconds (after the start).
    pub end_time: Option<f64>,
    /// A new topic category (empty clears it).
    pub topic_category: Option<String>,
    /// New topic tags (each non-empty, at most 100).
    pub topic_tags: Option<Vec<String>>,
    /// A new content type.
    pub content_type: Option<ContentType>,
}

impl From<UpdateKeyMomentInput> for MomentEdit {
    fn from(input: UpdateKeyMomentInput) -> Self {
        Self {
            title: input.title,
            summary: input.summary,
            start_time: input.start_time,
            end_time: input.end_time,
            topic_category: input.topic_category.map(Some),
            topic_tags: input.topic_tags,
            content_type: input.content_type.map(Into::into),
        }
    }
}

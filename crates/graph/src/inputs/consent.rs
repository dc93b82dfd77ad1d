//! Inputs of the consent mutations and the admin's consent log, converted into
//! `services::consents` values.

use async_graphql::{ID, InputObject};
use chrono::{DateTime, Utc};

use crate::{
    error::ServiceError,
    ids::NodeKind,
    inputs::decode_opt,
    services::consents::{ChangeFilter, FlagChange},
    types::ConsentField,
};

/// The consent flags to change; an omitted flag stays as it is.
#[derive(InputObject, Clone, Copy, Debug, Default)]
pub(crate) struct SetVideoConsentInput {
    /// Whether the video may feed the knowledge base and search.
    pub kb_inclusion: Option<bool>,
    /// Whether the video may be used for training.
    pub training_usage: Option<bool>,
    /// Whether the video may be shown in public.
    pub public_display: Option<bool>,
}

impl From<SetVideoConsentInput> for FlagChange {
    fn from(input: SetVideoConsentInput) -> Self {
        Self {
            kb_inclusion: input.kb_inclusion,
            training_usage: input.training_usage,
            public_display: input.public_display,
        }
    }
}

/// Narrows the consent log; all given conditions must hold.
#[derive(InputObject, Clone, Debug, Default)]
pub(crate) struct ConsentChangeFilter {
    /// Changes of this creator's videos (global ID).
    pub creator: Option<ID>,
    /// Changes of this video (global ID).
    pub video: Option<ID>,
    /// Changes of this flag.
    pub field: Option<ConsentField>,
    /// Changes by this user (global ID).
    pub changed_by: Option<ID>,
    /// Changes at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Changes before this time.
    pub to: Option<DateTime<Utc>>,
}

impl TryFrom<ConsentChangeFilter> for ChangeFilter {
    type Error = ServiceError;

    fn try_from(filter: ConsentChangeFilter) -> Result<Self, Self::Error> {
        Ok(Self {
            creator: decode_opt(filter.creator.as_ref(), NodeKind::Creator, "filter.creator")?,
            video: decode_opt(filter.video.as_ref(), NodeKind::SourceVideo, "filter.video")?,
            field: filter.field.map(Into::into),
            changed_by: decode_opt(
                filter.changed_by.as_ref(),
                NodeKind::User,
                "filter.changedBy",
            )?,
            from: filter.from.map(|t| t.naive_utc()),
            to: filter.to.map(|t| t.naive_utc()),
        })
    }
}

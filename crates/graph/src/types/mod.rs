//! `#[Object]` wrappers over entity models: field names, nullability, descriptions.
//! Resolvers take what they need from the context, call a loader or service, and convert.
//!
//! A wrapper's row is `pub(crate)`: only this crate builds one, from a row that a
//! visibility-checked loader ([`crate::Loaders`]) or service returned, so an unchecked row cannot
//! reach a resolver from outside.

pub(crate) mod body;
mod consent;
mod creator;
mod enums;
mod highlight;
mod invite_code;
mod logs;
pub(crate) mod node;
mod page_history;
mod page_links;
mod pipeline;
mod post;
mod search;
mod tag;
mod technique_page;
mod user;
mod video;

use async_graphql::{
    Context,
    dataloader::{CacheFactory, DataLoader, HashMapCache, Loader},
};
use chrono::{DateTime, NaiveDateTime, Utc};
use uuid::Uuid;

pub(crate) use body::{BodySection, SignalChain, body_v2_json};
pub(crate) use consent::{ConsentAuditLog, ConsentAuditLogConnection, VideoConsent};
pub(crate) use creator::{
    CreateCreatorPayload, Creator, CreatorConnection, DeleteCreatorPayload, UpdateCreatorPayload,
};
pub(crate) use enums::*;
pub(crate) use highlight::{GeneratedShort, HighlightCandidate, HighlightCandidateConnection};
pub(crate) use invite_code::{InviteCode, InviteCodeConnection};
pub(crate) use logs::{
    ChatUsageLog, ChatUsageLogConnection, ContentReport, ContentReportConnection, EmailDigestLog,
    EmailDigestLogConnection, SearchLog, SearchLogConnection,
};
pub(crate) use node::Node;
pub(crate) use page_history::{TechniquePageDiff, TechniquePageSnapshot};
pub(crate) use page_links::{
    RelatedTechniqueLink, TechniquePageVersion, TechniquePageVersionConnection,
};
pub(crate) use pipeline::{PipelineEvent, PipelineRun, PipelineRunConnection};
pub(crate) use post::{Post, PostAttachment, PostConnection};
pub(crate) use search::{PopularSearch, SearchConnection, SearchEdge, SearchResult};
pub(crate) use tag::Tag;
pub(crate) use technique_page::{TechniquePage, TechniquePageConnection};
pub(crate) use user::{AuthPayload, DigestFrequency, Role, User, UserConnection};
pub(crate) use video::{
    KeyMoment, KeyMomentConnection, SourceVideo, SourceVideoConnection, TranscriptSegment,
};

use crate::{
    error::LoadError,
    loaders::Loaders,
    pagination::{Page, PageArgs, Window, connection, wants_total},
};

/// Stored timestamps are UTC without a zone (data model D002); the API states the zone.
pub(crate) fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// The loader registry of this request (every relation: `read(ctx)?.creator_by_id()`).
pub(crate) fn read<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Loaders> {
    ctx.data::<Loaders>()
}

/// Resolves a nested connection of `parent`'s children through a count loader and a windowed
/// page loader, so every parent of the same query shares one statement per relation.
pub(crate) async fn nested_connection<C, P, PC, T, N>(
    ctx: &Context<'_>,
    args: PageArgs,
    parent: Uuid,
    counts: &DataLoader<C, HashMapCache>,
    pages: &DataLoader<P, PC>,
    node: impl Fn(T) -> N,
) -> async_graphql::Result<Page<N>>
where
    C: Loader<Uuid, Value = u64, Error = LoadError>,
    P: Loader<(Uuid, Window), Value = std::sync::Arc<Vec<T>>, Error = LoadError>,
    T: Clone,
    PC: CacheFactory,
{
    let total = if args.needs_total() || wants_total(ctx) {
        Some(counts.load_one(parent).await?.unwrap_or(0))
    } else {
        None
    };
    // The window must not depend on this parent's total unless the arguments need it (`last`
    // without `before`): parents with different totals would otherwise get different windows,
    // and every distinct window is a statement of its own.
    let window = if args.needs_total() {
        args.window(total)
    } else {
        args.window(None)
    };
    let rows = if window.limit == 0 {
        Vec::new()
    } else {
        pages
            .load_one((parent, window))
            .await?
            .map(crate::loaders::unshare)
            .unwrap_or_default()
    };
    Ok(connection(window, rows, total, node))
}

//! `#[Object]` wrappers over entity models: field names, nullability, descriptions.
//! Resolvers take what they need from the context, call a loader or service, and convert.

mod creator;
mod enums;
mod invite_code;
mod tag;
mod technique_page;
mod user;

use async_graphql::{
    Context,
    dataloader::{DataLoader, HashMapCache, Loader},
};
use chrono::{DateTime, NaiveDateTime, Utc};
use uuid::Uuid;

pub use creator::{Creator, CreatorConnection, SocialLink};
pub use enums::SourceQuality;
pub use invite_code::{InviteCode, InviteCodeConnection};
pub use tag::Tag;
pub use technique_page::{TechniquePage, TechniquePageConnection};
pub use user::{AuthPayload, DigestFrequency, NotificationPreferences, Role, User, UserConnection};

use crate::{
    error::LoadError,
    pagination::{Page, PageArgs, Window, connection, wants_total},
};

/// Stored timestamps are UTC without a zone (data model D002); the API states the zone.
pub(crate) fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// Resolves a nested connection of `parent`'s children through a count loader and a windowed
/// page loader, so every parent of the same query shares one statement per relation.
pub(crate) async fn nested_connection<C, P, T, N>(
    ctx: &Context<'_>,
    args: PageArgs,
    parent: Uuid,
    counts: &DataLoader<C, HashMapCache>,
    pages: &DataLoader<P, HashMapCache>,
    node: impl Fn(T) -> N,
) -> async_graphql::Result<Page<N>>
where
    C: Loader<Uuid, Value = u64, Error = LoadError>,
    P: Loader<(Uuid, Window), Value = Vec<T>, Error = LoadError>,
{
    let total = if args.needs_total() || wants_total(ctx) {
        Some(counts.load_one(parent).await?.unwrap_or(0))
    } else {
        None
    };
    let window = args.window(total);
    let rows = if window.limit == 0 {
        Vec::new()
    } else {
        pages.load_one((parent, window)).await?.unwrap_or_default()
    };
    Ok(connection(window, rows, total, node))
}

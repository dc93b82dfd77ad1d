//! `InviteCode`: what a newcomer needs to register (admins only).

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::invite_codes;

use super::{User, read, utc};
use crate::{
    ids::{self, NodeKind},
    loaders::one,
};

crate::connection_type!(
    InviteCodeConnection,
    InviteCodeEdge,
    InviteCode,
    "A page of invite codes (Relay connection).",
    "An invite code in a page of invite codes, with its cursor."
);

/// A code that admits a limited number of registrations, until it expires.
pub(crate) struct InviteCode(pub(crate) invite_codes::Model);

/// A code that admits a limited number of registrations, until it expires.
#[Object]
impl InviteCode {
    /// Opaque global ID.
    pub(crate) async fn id(&self) -> ID {
        ids::encode(NodeKind::InviteCode, self.0.id)
    }

    /// The code a newcomer types.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Registrations it still admits (0 once used up or revoked).
    async fn uses_remaining(&self) -> i32 {
        self.0.uses_remaining
    }

    /// When it stops working, if ever.
    async fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at.map(utc)
    }

    /// The admin who created it (null when created from the command line or the admin is gone).
    async fn created_by(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(id) = self.0.created_by else {
            return Ok(None);
        };
        Ok(one(read(ctx)?.user_by_id(), id).await?.map(User::of))
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        utc(self.0.created_at)
    }
}

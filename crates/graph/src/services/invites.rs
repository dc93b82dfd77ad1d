//! Invite codes: created and revoked by admins (or the `patchbay invite` command), spent by
//! registration (see `services::users::register`).

use chrono::{DateTime, Utc};
use entity::invite_codes;
use rand::Rng;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect, Set,
    sea_query::LockType,
};

use crate::{
    services::error::{ServiceError, ServiceResult},
    services::permissions::Viewer,
    services::permissions::{Permission, authorize},
    services::window::Window,
    services::{
        ids::{InviteCodeId, UserId},
        tx::{self, Transactional},
    },
};

/// Most uses one code may grant.
pub const MAX_USES: i32 = 10_000;

/// A new invite code's settings.
#[derive(Debug, Clone)]
pub struct NewInvite {
    /// The code; an unguessable one is generated when `None`.
    pub code: Option<String>,
    /// How many registrations it admits.
    pub uses_remaining: i32,
    /// When it stops working, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

/// An unguessable code: 20 characters from a 32-letter alphabet (100 bits).
pub fn generate_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rng();
    let chars: String = (0..20)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!(
        "{}-{}-{}-{}",
        &chars[0..5],
        &chars[5..10],
        &chars[10..15],
        &chars[15..20]
    )
}

/// Creates a code without a viewer check (used by the admin mutation and the CLI).
pub async fn create_unchecked(
    db: &impl ConnectionTrait,
    created_by: Option<UserId>,
    invite: NewInvite,
) -> ServiceResult<invite_codes::Model> {
    if !(1..=MAX_USES).contains(&invite.uses_remaining) {
        return Err(ServiceError::invalid(
            "usesRemaining",
            format!("uses must be between 1 and {MAX_USES}"),
        ));
    }
    if invite.expires_at.is_some_and(|at| at <= Utc::now()) {
        return Err(ServiceError::invalid(
            "expiresAt",
            "the expiry must be in the future",
        ));
    }
    let code = match invite.code.as_deref().map(str::trim) {
        Some(code)
            if code.len() < 6 || code.len() > 100 || code.chars().any(char::is_whitespace) =>
        {
            return Err(ServiceError::invalid(
                "code",
                "a code needs 6 to 100 characters without spaces",
            ));
        }
        Some(code) => code.to_owned(),
        None => generate_code(),
    };
    invite_codes::ActiveModel {
        code: Set(code),
        uses_remaining: Set(invite.uses_remaining),
        created_by: Set(created_by.map(UserId::into_uuid)),
        expires_at: Set(invite.expires_at.map(|at| at.naive_utc())),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(ServiceError::from)
}

/// Admins only: creates an invite code attributed to the admin.
pub async fn create(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    invite: NewInvite,
) -> ServiceResult<invite_codes::Model> {
    let admin = authorize(viewer, Permission::ManageInvites)?;
    create_unchecked(db, Some(UserId::from_uuid(admin.id)), invite).await
}

/// Admins only: a window of invite codes, newest first.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    window: Window,
) -> ServiceResult<Vec<invite_codes::Model>> {
    authorize(viewer, Permission::ManageInvites)?;
    Ok(invite_codes::Entity::find()
        .order_by_desc(invite_codes::Column::CreatedAt)
        .order_by_asc(invite_codes::Column::Id)
        .offset(window.offset)
        .limit(window.fetch())
        .all(db)
        .await?)
}

/// Admins only: how many invite codes exist.
pub async fn count(db: &impl ConnectionTrait, viewer: &Viewer) -> ServiceResult<u64> {
    authorize(viewer, Permission::ManageInvites)?;
    Ok(invite_codes::Entity::find().count(db).await?)
}

/// Admins only: revokes a code (no uses left); the row stays for the record. The code is read
/// locked and written in one transaction.
pub async fn revoke(
    db: &impl Transactional,
    viewer: &Viewer,
    id: InviteCodeId,
) -> ServiceResult<invite_codes::Model> {
    authorize(viewer, Permission::ManageInvites)?;
    tx::transaction(db, |txn| {
        Box::pin(async move {
            let code = invite_codes::Entity::find_by_id(id.into_uuid())
                .lock(LockType::NoKeyUpdate)
                .one(txn)
                .await?
                .ok_or(ServiceError::NotFound("invite code"))?;
            let mut active: invite_codes::ActiveModel = code.into();
            active.uses_remaining = Set(0);
            Ok(active.update(txn).await?)
        })
    })
    .await
}

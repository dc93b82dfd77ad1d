//! Inputs of the account mutations.

use async_graphql::InputObject;
use chrono::{DateTime, Utc};

use crate::types::{DigestFrequency, Role};

/// A new account.
#[derive(InputObject, Debug)]
pub(crate) struct RegisterInput {
    /// Email address (trimmed and lower-cased; must be unused).
    pub email: String,
    /// Password: 10 to 256 characters.
    pub password: String,
    /// Name shown to others (1–100 characters).
    pub display_name: String,
    /// The invite code an admin gave you.
    pub invite_code: String,
}

/// Notification settings to change; omitted fields keep their value.
#[derive(InputObject, Debug)]
pub(crate) struct NotificationPreferencesInput {
    /// Whether the digest email is sent at all.
    pub digest_enabled: Option<bool>,
    /// How often the digest is sent.
    pub digest_frequency: Option<DigestFrequency>,
}

/// Which users to list.
#[derive(InputObject, Debug, Default)]
pub(crate) struct UserFilterInput {
    /// Only users with this role.
    pub role: Option<Role>,
    /// Only active (true) or deactivated (false) users.
    pub active: Option<bool>,
    /// Case-insensitive part of the email or display name.
    pub search: Option<String>,
}

/// A new invite code.
#[derive(InputObject, Debug)]
pub(crate) struct CreateInviteCodeInput {
    /// The code (6–100 characters without spaces); an unguessable one is generated when omitted.
    pub code: Option<String>,
    /// How many registrations it admits (1–10000).
    pub uses_remaining: i32,
    /// When it stops working; never when omitted.
    pub expires_at: Option<DateTime<Utc>>,
}

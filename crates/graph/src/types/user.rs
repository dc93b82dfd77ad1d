//! `User`, `Role`, notification preferences, and the `AuthPayload` of sign-in mutations.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{sea_orm_active_enums as db, users};

use super::{Creator, CreatorConnection, nested_connection, read, utc};
use crate::{
    context::Viewer,
    ids::{self, NodeKind},
    loaders::one,
};

crate::connection_type!(
    UserConnection,
    UserEdge,
    User,
    "A page of users (Relay connection).",
    "A user in a page of users, with its cursor."
);

/// What a user may do.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// May do everything.
    Admin,
    /// Curates the creator linked to the account (if any); follows creators.
    Creator,
}

impl From<db::UserRole> for Role {
    fn from(value: db::UserRole) -> Self {
        match value {
            db::UserRole::Admin => Self::Admin,
            db::UserRole::Creator => Self::Creator,
        }
    }
}

impl From<Role> for db::UserRole {
    fn from(value: Role) -> Self {
        match value {
            Role::Admin => Self::Admin,
            Role::Creator => Self::Creator,
        }
    }
}

/// How often the digest email is sent.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigestFrequency {
    /// Every day.
    Daily,
    /// Every week.
    Weekly,
}

impl From<DigestFrequency> for crate::services::users::DigestFrequency {
    fn from(value: DigestFrequency) -> Self {
        match value {
            DigestFrequency::Daily => Self::Daily,
            DigestFrequency::Weekly => Self::Weekly,
        }
    }
}

/// A user's email notification settings.
#[derive(SimpleObject, Clone, Debug)]
pub(crate) struct NotificationPreferences {
    /// Whether the digest email is sent at all.
    pub digest_enabled: bool,
    /// How often the digest is sent.
    pub digest_frequency: DigestFrequency,
}

/// A person with an account: a fan, a creator curating their profile, or an admin.
/// The second field is true when the viewer is known to be this user without a token (the user
/// of a `login` or `register` payload).
pub(crate) struct User(pub(crate) users::Model, pub(crate) bool);

impl User {
    /// A user as seen by the request's viewer.
    pub(crate) fn of(model: users::Model) -> Self {
        Self(model, false)
    }

    fn visible_to(&self, ctx: &Context<'_>) -> bool {
        self.1
            || ctx.data::<Viewer>().is_ok_and(|viewer| {
                let read = crate::services::permissions::Permission::ReadAccount(self.0.id);
                crate::services::permissions::authorize(viewer, read).is_ok()
            })
    }
}

crate::pagination::object_with_connections! {
/// A person with an account: a fan, a creator curating their profile, or an admin.
impl User {
    fields {
        /// Opaque global ID.
        pub(crate) async fn id(&self) -> ID {
            ids::encode(NodeKind::User, self.0.id)
        }

        /// Email address (lower-case). Null unless the viewer is this user or an admin.
        async fn email(&self, ctx: &Context<'_>) -> Option<&str> {
            self.visible_to(ctx).then_some(self.0.email.as_str())
        }

        /// Name shown to others.
        async fn display_name(&self) -> &str {
            &self.0.display_name
        }

        /// What the user may do.
        async fn role(&self) -> Role {
            self.0.role.into()
        }

        /// Whether the account may sign in. Null unless the viewer is this user or an admin.
        async fn is_active(&self, ctx: &Context<'_>) -> Option<bool> {
            self.visible_to(ctx).then_some(self.0.is_active)
        }

        /// The creator this user curates, if linked.
        async fn creator(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Creator>> {
            let Some(id) = self.0.creator_id else {
                return Ok(None);
            };
            Ok(one(read(ctx)?.creator_by_id(), id).await?.map(Creator))
        }

        /// Whether the user finished onboarding. Null unless the viewer is this user or an admin.
        async fn onboarding_completed(&self, ctx: &Context<'_>) -> Option<bool> {
            self.visible_to(ctx).then_some(self.0.onboarding_completed)
        }

        /// Email notification settings. Null unless the viewer is this user or an admin.
        async fn notification_preferences(&self, ctx: &Context<'_>) -> Option<NotificationPreferences> {
            if !self.visible_to(ctx) {
                return None;
            }
            let prefs = &self.0.notification_preferences;
            Some(NotificationPreferences {
                digest_enabled: prefs["digest_enabled"].as_bool().unwrap_or(true),
                digest_frequency: match prefs["digest_frequency"].as_str() {
                    Some("daily") => DigestFrequency::Daily,
                    _ => DigestFrequency::Weekly,
                },
            })
        }
    }
    connections {
        /// Creators this user follows, ordered by name. Empty unless the viewer is this user or an admin.
        async fn following(&self, ctx: &Context<'_>, args: PageArgs) -> async_graphql::Result<CreatorConnection> {
            if !self.visible_to(ctx) {
                return Ok(CreatorConnection(crate::pagination::connection(
                    args.window(Some(0)),
                    Vec::new(),
                    Some(0),
                    Creator,
                )));
            }
            let l = read(ctx)?;
            nested_connection(
                ctx,
                args,
                self.0.id,
                l.user_following_counts(),
                l.user_following(),
                Creator,
            )
            .await
            .map(CreatorConnection)
        }
    }
    fields {
        /// When the account was created.
        async fn created_at(&self) -> DateTime<Utc> {
            utc(self.0.created_at)
        }
    }
}
}

/// The result of signing in or registering: an access token and the user.
pub(crate) struct AuthPayload {
    /// The access token.
    pub token: String,
    /// The user.
    pub user: users::Model,
}

/// The result of signing in or registering: an access token and the user.
#[Object]
impl AuthPayload {
    /// Access token: send it as `Authorization: Bearer <token>`.
    async fn token(&self) -> &str {
        &self.token
    }

    /// The signed-in user.
    async fn user(&self) -> User {
        User(self.user.clone(), true)
    }
}

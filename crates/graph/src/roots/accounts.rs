//! Account root fields: `me`, the admin's `users` and `inviteCodes`, and every account mutation.
//! Resolvers only parse arguments, call `services::{users, follows, invites}` and convert.

use async_graphql::{Context, ID, Object};
use sea_orm::DatabaseConnection;

use crate::{
    context::Viewer,
    ids::{self, NodeKind},
    inputs::accounts::{
        CreateInviteCodeInput, NotificationPreferencesInput, RegisterInput, UserFilterInput,
    },
    pagination::{connection, wants_total},
    services::{
        self,
        auth::AuthConfig,
        ids::{CreatorId, InviteCodeId, UserId},
        invites::NewInvite,
        permissions::{Permission, authorize},
        rate_limit::ClientIp,
        users::{Email, Registration, Session, UserFilter},
    },
    types::{AuthPayload, Creator, InviteCode, InviteCodeConnection, Role, User, UserConnection},
};

fn payload(session: Session) -> AuthPayload {
    AuthPayload {
        token: session.token,
        user: session.user,
    }
}

/// Account entry points of the query root.
#[derive(Default)]
pub(crate) struct AccountsQuery;

crate::pagination::object_with_connections! {
impl AccountsQuery {
    fields {
        /// The signed-in user, or null when signed out.
        async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
            let db = ctx.data::<DatabaseConnection>()?;
            let viewer = ctx.data::<Viewer>()?;
            Ok(services::users::me(db, viewer).await?.map(User::of))
        }
    }
    connections {

        /// Admins only: users matching `filter`, ordered by email.
        async fn users(
            &self,
            ctx: &Context<'_>,
            args: PageArgs,
            #[graphql(desc = "Which users to list; all when omitted.")] filter: Option<UserFilterInput>,
        ) -> async_graphql::Result<UserConnection> {
            let db = ctx.data::<DatabaseConnection>()?;
            let viewer = ctx.data::<Viewer>()?;
            let filter = filter.unwrap_or_default();
            let filter = UserFilter {
                role: filter.role.map(Into::into),
                active: filter.active,
                search: filter.search,
            };
            authorize(viewer, Permission::ManageUsers)?;
            let total = if args.needs_total() || wants_total(ctx) {
                Some(services::users::count(db, viewer, &filter).await?)
            } else {
                None
            };
            let window = args.window(total);
            let rows = services::users::list(db, viewer, &filter, window).await?;
            Ok(UserConnection(connection(window, rows, total, User::of)))
        }

        /// Admins only: invite codes, newest first.
        async fn invite_codes(
            &self,
            ctx: &Context<'_>,
            args: PageArgs,
        ) -> async_graphql::Result<InviteCodeConnection> {
            let db = ctx.data::<DatabaseConnection>()?;
            let viewer = ctx.data::<Viewer>()?;
            authorize(viewer, Permission::ManageInvites)?;
            let total = if args.needs_total() || wants_total(ctx) {
                Some(services::invites::count(db, viewer).await?)
            } else {
                None
            };
            let window = args.window(total);
            let rows = services::invites::list(db, viewer, window).await?;
            Ok(InviteCodeConnection(connection(
                window, rows, total, InviteCode,
            )))
        }
    }
}
}

/// Account mutations.
#[derive(Default)]
pub(crate) struct AccountsMutation;

#[Object]
impl AccountsMutation {
    /// Creates an account with an invite code and signs it in.
    async fn register(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new account.")] input: RegisterInput,
    ) -> async_graphql::Result<AuthPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let config = ctx.data::<AuthConfig>()?;
        let ip = ctx.data_opt::<ClientIp>().copied();
        let registration = Registration {
            email: Email::parse(&input.email, "email")?,
            password: input.password,
            display_name: input.display_name,
            invite_code: input.invite_code,
        };
        Ok(payload(
            services::users::register(db, config, ip, registration).await?,
        ))
    }

    /// Signs in with email and password; wrong email and wrong password give the same error.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's email.")] email: String,
        #[graphql(desc = "The account's password.")] password: String,
    ) -> async_graphql::Result<AuthPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let config = ctx.data::<AuthConfig>()?;
        let ip = ctx.data_opt::<ClientIp>().copied();
        Ok(payload(
            services::users::login(db, config, ip, &email, &password).await?,
        ))
    }

    /// Changes the viewer's password; every token issued before stops working. Returns a new token.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The current password.")] current_password: String,
        #[graphql(desc = "The new password (10–256 characters).")] new_password: String,
    ) -> async_graphql::Result<AuthPayload> {
        let db = ctx.data::<DatabaseConnection>()?;
        let config = ctx.data::<AuthConfig>()?;
        let viewer = ctx.data::<Viewer>()?;
        Ok(payload(
            services::users::change_password(db, config, viewer, &current_password, &new_password)
                .await?,
        ))
    }

    /// Changes the viewer's display name.
    async fn update_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Name shown to others (1–100 characters).")] display_name: String,
    ) -> async_graphql::Result<User> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        Ok(User::of(
            services::users::update_profile(db, viewer, &display_name).await?,
        ))
    }

    /// Marks the viewer's onboarding as done.
    async fn complete_onboarding(&self, ctx: &Context<'_>) -> async_graphql::Result<User> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        Ok(User::of(
            services::users::complete_onboarding(db, viewer).await?,
        ))
    }

    /// Changes the viewer's email notification settings.
    async fn update_notification_preferences(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The settings to change.")] input: NotificationPreferencesInput,
    ) -> async_graphql::Result<User> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        Ok(User::of(
            services::users::update_notification_preferences(
                db,
                viewer,
                input.digest_enabled,
                input.digest_frequency.map(Into::into),
            )
            .await?,
        ))
    }

    /// The viewer follows a creator (following twice is harmless).
    async fn follow_creator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The creator's ID.")] creator_id: ID,
    ) -> async_graphql::Result<Creator> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let creator_id =
            CreatorId::from_uuid(ids::decode(&creator_id, NodeKind::Creator, "creatorId")?);
        Ok(Creator(
            services::follows::follow(db, viewer, creator_id).await?,
        ))
    }

    /// The viewer stops following a creator.
    async fn unfollow_creator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The creator's ID.")] creator_id: ID,
    ) -> async_graphql::Result<Creator> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let creator_id =
            CreatorId::from_uuid(ids::decode(&creator_id, NodeKind::Creator, "creatorId")?);
        Ok(Creator(
            services::follows::unfollow(db, viewer, creator_id).await?,
        ))
    }

    /// Admins only: creates an invite code.
    async fn create_invite_code(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new code's settings.")] input: CreateInviteCodeInput,
    ) -> async_graphql::Result<InviteCode> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let invite = NewInvite {
            code: input.code,
            uses_remaining: input.uses_remaining,
            expires_at: input.expires_at,
        };
        Ok(InviteCode(
            services::invites::create(db, viewer, invite).await?,
        ))
    }

    /// Admins only: revokes an invite code (it admits no more registrations).
    async fn revoke_invite_code(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The invite code's ID.")] id: ID,
    ) -> async_graphql::Result<InviteCode> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let id = InviteCodeId::from_uuid(ids::decode(&id, NodeKind::InviteCode, "id")?);
        Ok(InviteCode(services::invites::revoke(db, viewer, id).await?))
    }

    /// Admins only: changes a user's role.
    async fn set_user_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user's ID.")] user_id: ID,
        #[graphql(desc = "The new role.")] role: Role,
    ) -> async_graphql::Result<User> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let user_id = UserId::from_uuid(ids::decode(&user_id, NodeKind::User, "userId")?);
        Ok(User::of(
            services::users::set_role(db, viewer, user_id, role.into()).await?,
        ))
    }

    /// Admins only: activates or deactivates a user; deactivation signs them out everywhere.
    async fn set_user_active(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user's ID.")] user_id: ID,
        #[graphql(desc = "Whether the account may sign in.")] active: bool,
    ) -> async_graphql::Result<User> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let user_id = UserId::from_uuid(ids::decode(&user_id, NodeKind::User, "userId")?);
        Ok(User::of(
            services::users::set_active(db, viewer, user_id, active).await?,
        ))
    }

    /// Admins only: links a user to the creator they curate; a null `creatorId` unlinks.
    async fn link_user_to_creator(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user's ID.")] user_id: ID,
        #[graphql(desc = "The creator's ID, or null to unlink.")] creator_id: Option<ID>,
    ) -> async_graphql::Result<User> {
        let db = ctx.data::<DatabaseConnection>()?;
        let viewer = ctx.data::<Viewer>()?;
        let user_id = UserId::from_uuid(ids::decode(&user_id, NodeKind::User, "userId")?);
        let creator_id = creator_id
            .map(|id| ids::decode(&id, NodeKind::Creator, "creatorId").map(CreatorId::from_uuid))
            .transpose()?;
        Ok(User::of(
            services::users::link_creator(db, viewer, user_id, creator_id).await?,
        ))
    }
}

//! Users, invite codes and tokens for tests.

use chrono::Utc;
use entity::{invite_codes, sea_orm_active_enums::UserRole, users};
use sea_orm::{ActiveModelTrait, Set};
use uuid::Uuid;

use crate::TestDb;

/// The password of users made with [`TestDb::user_with_password`].
pub const PASSWORD: &str = "correct horse battery staple";

impl TestDb {
    /// An active user with an unusable password (sign in with [`TestDb::token`]).
    pub async fn user(
        &self,
        email: &str,
        role: UserRole,
        creator_id: Option<Uuid>,
    ) -> users::Model {
        self.insert_user(email, role, creator_id, "!".to_owned())
            .await
    }

    /// An active user whose password is [`PASSWORD`] (argon2id).
    pub async fn user_with_password(&self, email: &str, role: UserRole) -> users::Model {
        let hash = graph::services::auth::hash_password(PASSWORD)
            .await
            .unwrap();
        self.insert_user(email, role, None, hash).await
    }

    /// Inserts a user with a given stored hash.
    pub async fn insert_user(
        &self,
        email: &str,
        role: UserRole,
        creator_id: Option<Uuid>,
        hashed_password: String,
    ) -> users::Model {
        users::ActiveModel {
            email: Set(email.to_owned()),
            hashed_password: Set(hashed_password),
            display_name: Set(email.split('@').next().unwrap_or(email).to_owned()),
            role: Set(role),
            creator_id: Set(creator_id),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap()
    }

    /// A valid access token for `user`, signed with the test secret.
    pub fn token(&self, user: &users::Model) -> String {
        graph::services::auth::issue_token(&self.auth, user).unwrap()
    }

    /// A token for `user` issued `ago_secs` seconds ago, living `ttl_secs`.
    pub fn token_issued(&self, user: &users::Model, ago_secs: i64, ttl_secs: i64) -> String {
        graph::services::auth::issue_token_at(
            &self.auth,
            user.id,
            user.role,
            Utc::now() - chrono::Duration::seconds(ago_secs),
            ttl_secs,
        )
        .unwrap()
    }

    /// An invite code admitting `uses` registrations.
    pub async fn invite(&self, code: &str, uses: i32) -> invite_codes::Model {
        invite_codes::ActiveModel {
            code: Set(code.to_owned()),
            uses_remaining: Set(uses),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap()
    }

    /// An invite code admitting `uses` registrations that expired a minute ago (the API refuses
    /// to make one: only a fixture can).
    pub async fn expired_invite(&self, code: &str, uses: i32) -> invite_codes::Model {
        invite_codes::ActiveModel {
            code: Set(code.to_owned()),
            uses_remaining: Set(uses),
            expires_at: Set(Some(Utc::now().naive_utc() - chrono::Duration::minutes(1))),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .unwrap()
    }
}

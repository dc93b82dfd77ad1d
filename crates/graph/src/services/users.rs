//! Accounts: registration with an invite code, login, the viewer's own settings, and the admin's
//! user management. Who may do what is decided here.

use chrono::Utc;
use entity::{creators, sea_orm_active_enums::UserRole, users};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement,
    sea_query::{Expr, ExprTrait, LockType, extension::postgres::PgExpr},
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    services::error::{ServiceError, ServiceResult},
    services::permissions::Viewer,
    services::window::Window,
    services::{
        auth::{
            self, AuthConfig, PasswordCheck, hash_password, validate_password, verify_password,
        },
        ids::{CreatorId, UserId},
        permissions::{Permission, authorize},
        rate_limit::{self, ClientIp, Limit},
        tx,
    },
};

/// Longest display name accepted.
pub const MAX_DISPLAY_NAME_CHARS: usize = 100;
/// Longest email accepted, in bytes.
pub const MAX_EMAIL_BYTES: usize = 255;
/// `create-admin` attempts allowed per email (the bootstrap hashes a password like any login).
pub const CREATE_ADMIN_LIMIT: Limit = Limit {
    max: 5,
    window_secs: 600,
};

/// An email address as accounts store it: trimmed, lower-cased, of a valid shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Normalizes and checks `email`; an invalid one is `BAD_USER_INPUT` on `argument`.
    pub fn parse(email: &str, argument: &str) -> ServiceResult<Self> {
        normalize_email(email, argument).map(Self)
    }

    /// The normalized address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Trims and lower-cases an email and checks its shape.
pub fn normalize_email(email: &str, argument: &str) -> ServiceResult<String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= MAX_EMAIL_BYTES
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.chars().any(char::is_whitespace);
    if valid {
        Ok(email)
    } else {
        Err(ServiceError::invalid(
            argument,
            "this is not a valid email address",
        ))
    }
}

/// Trims a display name and checks its length.
pub fn normalize_display_name(name: &str, argument: &str) -> ServiceResult<String> {
    let name = name.trim();
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_DISPLAY_NAME_CHARS {
        return Err(ServiceError::invalid(
            argument,
            format!("the display name needs 1 to {MAX_DISPLAY_NAME_CHARS} characters"),
        ));
    }
    Ok(name.to_owned())
}

/// What `register` needs. The email is parsed first (the rate limit counts per address or per
/// email); the password, display name and code are checked by `register` after the limit.
#[derive(Debug, Clone)]
pub struct Registration {
    /// Email, normalized.
    pub email: Email,
    /// Plain password (hashed here, never stored or logged).
    pub password: String,
    /// Display name.
    pub display_name: String,
    /// The invite code.
    pub invite_code: String,
}

/// A signed-in user and their fresh access token.
#[derive(Debug, Clone)]
pub struct Session {
    /// The access token.
    pub token: String,
    /// The user.
    pub user: users::Model,
}

/// Registers a user with an invite code: the code's use and the new user commit together (one
/// [`tx::transaction`]), so a code with N uses admits exactly N registrations however many arrive
/// at once, and a refused user row (a taken email) gives the use back.
pub async fn register(
    db: &impl tx::Transactional,
    config: &AuthConfig,
    ip: Option<ClientIp>,
    input: Registration,
) -> ServiceResult<Session> {
    let email = input.email.as_str();
    rate_limit::check_registration(db, ip, email, config.register_limit).await?;
    validate_password(&input.password, "password")?;
    let display_name = normalize_display_name(&input.display_name, "displayName")?;
    let code = input.invite_code.trim();
    if code.is_empty() {
        return Err(ServiceError::invalid(
            "inviteCode",
            "an invite code is required",
        ));
    }
    let hashed = hash_password(&input.password).await?;
    let user = tx::transaction(db, |txn| {
        let code = code.to_owned();
        let new_user = users::ActiveModel {
            email: Set(email.to_owned()),
            hashed_password: Set(hashed.clone()),
            display_name: Set(display_name.clone()),
            role: Set(UserRole::Creator),
            ..Default::default()
        };
        Box::pin(async move {
            spend_invite(txn, &code).await?;
            Ok(new_user.insert(txn).await?)
        })
    })
    .await?;
    let token = auth::issue_token(config, &user)?;
    Ok(Session { token, user })
}

/// Takes one use of the invite `code`, or refuses the code (`BAD_USER_INPUT` on `inviteCode`).
async fn spend_invite(db: &impl ConnectionTrait, code: &str) -> ServiceResult<()> {
    // The row lock of this UPDATE serialises concurrent uses; the predicate is re-checked after
    // waiting, so the count never goes below zero.
    let used = db
        .execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE invite_codes SET uses_remaining = uses_remaining - 1 \
             WHERE code = $1 AND uses_remaining > 0 \
               AND (expires_at IS NULL OR expires_at > (now() AT TIME ZONE 'utc'))",
            [code.into()],
        ))
        .await?;
    if used.rows_affected() != 1 {
        return Err(ServiceError::invalid(
            "inviteCode",
            "this invite code does not exist, has expired or has been used up",
        ));
    }
    Ok(())
}

fn bad_credentials() -> ServiceError {
    ServiceError::Unauthenticated("wrong email or password".to_owned())
}

/// Signs in: the same error, after the same work, for an unknown email, a wrong password and an
/// inactive account. A legacy bcrypt hash is replaced with argon2id on success. The attempt passes
/// the login limits before any password work (`rate_limit::begin_login`, decision 0011).
pub async fn login(
    db: &impl ConnectionTrait,
    config: &AuthConfig,
    ip: Option<ClientIp>,
    email: &str,
    password: &str,
) -> ServiceResult<Session> {
    let email = email.trim().to_lowercase();
    // No account has a longer email (registration refuses it), so nothing is hashed for it and
    // it never becomes a rate-limit key.
    if email.len() > MAX_EMAIL_BYTES {
        return Err(bad_credentials());
    }
    let attempt = rate_limit::begin_login(
        db,
        ip,
        &email,
        config.login_limit,
        config.login_email_ceiling,
    )
    .await?;
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email.as_str()))
        .one(db)
        .await?;
    let check = verify_password(user.as_ref().map(|u| u.hashed_password.clone()), password).await?;
    let user = match user {
        Some(user) if check != PasswordCheck::Mismatch && user.is_active => user,
        _ => {
            attempt.failed(db).await?;
            return Err(bad_credentials());
        }
    };
    attempt.succeeded(db).await?;
    let user = if check == PasswordCheck::OkNeedsUpgrade {
        let hashed = hash_password(password).await?;
        let mut active: users::ActiveModel = user.into();
        active.hashed_password = Set(hashed);
        active.update(db).await?
    } else {
        user
    };
    let token = auth::issue_token(config, &user)?;
    Ok(Session { token, user })
}

/// The user with this id, if any.
pub async fn by_id(db: &impl ConnectionTrait, id: Uuid) -> ServiceResult<Option<users::Model>> {
    Ok(users::Entity::find_by_id(id).one(db).await?)
}

async fn must_find(db: &impl ConnectionTrait, id: Uuid) -> ServiceResult<users::Model> {
    users::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("user"))
}

/// The user `id`, its row locked against other writers until the transaction ends.
async fn lock(db: &impl ConnectionTrait, id: UserId) -> ServiceResult<users::Model> {
    users::Entity::find_by_id(id.into_uuid())
        .lock(LockType::NoKeyUpdate)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("user"))
}

/// The signed-in viewer's own row.
pub async fn me(db: &impl ConnectionTrait, viewer: &Viewer) -> ServiceResult<Option<users::Model>> {
    match viewer.user() {
        Some(user) => by_id(db, user.id).await,
        None => Ok(None),
    }
}

fn now() -> chrono::NaiveDateTime {
    Utc::now().naive_utc()
}

/// Changes the viewer's password after checking the current one; tokens issued before are revoked
/// and a fresh token is returned. Each call (each alias in a document) counts against the user's
/// `change_password_limit` before the current password is verified, so a stolen token cannot
/// guess it without limit.
pub async fn change_password(
    db: &impl ConnectionTrait,
    config: &AuthConfig,
    viewer: &Viewer,
    current: &str,
    new: &str,
) -> ServiceResult<Session> {
    let me = authorize(viewer, Permission::OwnAccount)?;
    validate_password(new, "newPassword")?;
    rate_limit::hit(
        db,
        &format!("change_password:user:{}", me.id),
        config.change_password_limit,
    )
    .await?;
    let user = must_find(db, me.id).await?;
    if verify_password(Some(user.hashed_password.clone()), current).await?
        == PasswordCheck::Mismatch
    {
        return Err(ServiceError::invalid(
            "currentPassword",
            "the current password is wrong",
        ));
    }
    let hashed = hash_password(new).await?;
    let mut active: users::ActiveModel = user.into();
    active.hashed_password = Set(hashed);
    active.tokens_valid_after = Set(Some(now()));
    let user = active.update(db).await?;
    let token = auth::issue_token(config, &user)?;
    Ok(Session { token, user })
}

/// Changes the viewer's display name.
pub async fn update_profile(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    display_name: &str,
) -> ServiceResult<users::Model> {
    let me = authorize(viewer, Permission::OwnAccount)?;
    let display_name = normalize_display_name(display_name, "displayName")?;
    let mut active: users::ActiveModel = must_find(db, me.id).await?.into();
    active.display_name = Set(display_name);
    Ok(active.update(db).await?)
}

/// Marks the viewer's onboarding as done (idempotent).
pub async fn complete_onboarding(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
) -> ServiceResult<users::Model> {
    let me = authorize(viewer, Permission::OwnAccount)?;
    let mut active: users::ActiveModel = must_find(db, me.id).await?.into();
    active.onboarding_completed = Set(true);
    Ok(active.update(db).await?)
}

/// How often digests are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestFrequency {
    /// Every day.
    Daily,
    /// Every week.
    Weekly,
}

impl DigestFrequency {
    /// The value stored in `notification_preferences.digest_frequency`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Daily => "daily",
            Self::Weekly => "weekly",
        }
    }
}

/// Stores the viewer's notification preferences in the JSONB column; unset fields keep their value.
/// The read and the write share a transaction with the row locked, so two concurrent changes of
/// different fields both survive.
pub async fn update_notification_preferences(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    digest_enabled: Option<bool>,
    digest_frequency: Option<DigestFrequency>,
) -> ServiceResult<users::Model> {
    let me = UserId::from_uuid(authorize(viewer, Permission::OwnAccount)?.id);
    tx::transaction(db, |txn| {
        Box::pin(async move {
            let user = lock(txn, me).await?;
            merge_preferences(txn, user, digest_enabled, digest_frequency).await
        })
    })
    .await
}

async fn merge_preferences(
    db: &impl ConnectionTrait,
    user: users::Model,
    digest_enabled: Option<bool>,
    digest_frequency: Option<DigestFrequency>,
) -> ServiceResult<users::Model> {
    let mut prefs = user.notification_preferences.clone();
    if !prefs.is_object() {
        prefs = json!({});
    }
    if let Some(map) = prefs.as_object_mut() {
        if let Some(enabled) = digest_enabled {
            map.insert("digest_enabled".into(), json!(enabled));
        }
        if let Some(freq) = digest_frequency {
            map.insert("digest_frequency".into(), json!(freq.as_str()));
        }
    }
    let mut active: users::ActiveModel = user.into();
    active.notification_preferences = Set(prefs);
    Ok(active.update(db).await?)
}

/// The admin's filter over users.
#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Only this role.
    pub role: Option<UserRole>,
    /// Only active (true) or deactivated (false) users.
    pub active: Option<bool>,
    /// Case-insensitive substring of email or display name.
    pub search: Option<String>,
}

fn filtered(filter: &UserFilter) -> sea_orm::Select<users::Entity> {
    let mut query = users::Entity::find();
    if let Some(role) = filter.role {
        query = query.filter(users::Column::Role.eq(role));
    }
    if let Some(active) = filter.active {
        query = query.filter(users::Column::IsActive.eq(active));
    }
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let pattern = format!(
            "%{}%",
            search
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        query = query.filter(
            Expr::col(users::Column::Email)
                .ilike(pattern.clone())
                .or(Expr::col(users::Column::DisplayName).ilike(pattern)),
        );
    }
    query
}

/// Admins only: a window of users matching `filter`, ordered by email.
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &UserFilter,
    window: Window,
) -> ServiceResult<Vec<users::Model>> {
    authorize(viewer, Permission::ManageUsers)?;
    Ok(filtered(filter)
        .order_by_asc(users::Column::Email)
        .order_by_asc(users::Column::Id)
        .offset(window.offset)
        .limit(window.fetch())
        .all(db)
        .await?)
}

/// Admins only: how many users match `filter`.
pub async fn count(
    db: &impl ConnectionTrait,
    viewer: &Viewer,
    filter: &UserFilter,
) -> ServiceResult<u64> {
    authorize(viewer, Permission::ManageUsers)?;
    Ok(filtered(filter).count(db).await?)
}

/// Admins only: changes a user's role. An admin cannot demote themselves (no lock-out).
pub async fn set_role(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    user_id: UserId,
    role: UserRole,
) -> ServiceResult<users::Model> {
    let admin = authorize(viewer, Permission::ManageUsers)?;
    if admin.id == user_id.into_uuid() && role != UserRole::Admin {
        return Err(ServiceError::invalid(
            "userId",
            "admins cannot demote themselves",
        ));
    }
    tx::transaction(db, |txn| {
        Box::pin(async move {
            let mut active: users::ActiveModel = lock(txn, user_id).await?.into();
            active.role = Set(role);
            Ok(active.update(txn).await?)
        })
    })
    .await
}

/// Admins only: (de)activates a user; deactivation revokes their tokens at once.
pub async fn set_active(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    user_id: UserId,
    is_active: bool,
) -> ServiceResult<users::Model> {
    let admin = authorize(viewer, Permission::ManageUsers)?;
    if admin.id == user_id.into_uuid() && !is_active {
        return Err(ServiceError::invalid(
            "userId",
            "admins cannot deactivate themselves",
        ));
    }
    tx::transaction(db, |txn| {
        Box::pin(async move {
            let mut active: users::ActiveModel = lock(txn, user_id).await?.into();
            active.is_active = Set(is_active);
            if !is_active {
                active.tokens_valid_after = Set(Some(now()));
            }
            Ok(active.update(txn).await?)
        })
    })
    .await
}

/// Admins only: links a user to the creator they curate (or unlinks with `None`).
/// The creator and the user are read and the link written in one transaction; the creator's row
/// is share-locked so it cannot be deleted between the check and the write.
pub async fn link_creator(
    db: &impl tx::Transactional,
    viewer: &Viewer,
    user_id: UserId,
    creator_id: Option<CreatorId>,
) -> ServiceResult<users::Model> {
    authorize(viewer, Permission::ManageUsers)?;
    tx::transaction(db, |txn| {
        Box::pin(async move {
            if let Some(creator_id) = creator_id {
                creators::Entity::find_by_id(creator_id.into_uuid())
                    .lock(LockType::KeyShare)
                    .one(txn)
                    .await?
                    .ok_or(ServiceError::NotFound("creator"))?;
            }
            let mut active: users::ActiveModel = lock(txn, user_id).await?.into();
            active.creator_id = Set(creator_id.map(CreatorId::into_uuid));
            Ok(active.update(txn).await?)
        })
    })
    .await
}

/// Creates an admin account (the `patchbay create-admin` bootstrap; no viewer involved). Attempts
/// count per email ([`CREATE_ADMIN_LIMIT`]) before the password is hashed, like every other path
/// that hashes.
pub async fn create_admin(
    db: &impl ConnectionTrait,
    email: &str,
    password: &str,
    display_name: &str,
) -> ServiceResult<users::Model> {
    let email = Email::parse(email, "email")?.0;
    validate_password(password, "password")?;
    let display_name = normalize_display_name(display_name, "displayName")?;
    rate_limit::hit(
        db,
        &format!("create_admin:email:{email}"),
        CREATE_ADMIN_LIMIT,
    )
    .await?;
    let hashed = hash_password(password).await?;
    users::ActiveModel {
        email: Set(email),
        hashed_password: Set(hashed),
        display_name: Set(display_name),
        role: Set(UserRole::Admin),
        onboarding_completed: Set(true),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(ServiceError::from)
}

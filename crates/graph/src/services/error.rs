//! The domain's errors: what a service, the permission gate or authentication can fail with.
//!
//! Nothing here knows GraphQL: `crate::error` is the one boundary that turns a [`ServiceError`]
//! into a client-facing error (a stable `extensions.code`, internal causes logged once and
//! masked). Server faults are [`ServiceError::Db`], [`ServiceError::Load`] and
//! [`ServiceError::Internal`] with an [`InternalError`] kind; everything else is the client's
//! (or the viewer's) doing.
//!
//! A database error becomes a [`ServiceError`] through `From<DbErr>` (so `?` works), which maps a
//! unique violation to [`ServiceError::Conflict`] by the name of the constraint that fired
//! ([`UNIQUE_CONSTRAINTS`]); a violated constraint not in that table stays a database error,
//! answered and logged as internal.

use std::{ops::Deref, sync::Arc};

use sea_orm::{DbErr, RuntimeErr, SqlErr, sqlx};

/// What can go wrong in a service.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// An argument is invalid.
    #[error("{message}")]
    Invalid {
        /// The argument or input field at fault.
        argument: String,
        /// What is wrong with it, for a person.
        message: String,
    },
    /// No such thing (or not visible to the viewer).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The viewer is signed in but may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// No valid identity where one is needed.
    #[error("{0}")]
    Unauthenticated(String),
    /// A unique value is already taken.
    #[error("{field} is already taken")]
    Conflict {
        /// The field whose value is taken (from [`UNIQUE_CONSTRAINTS`]).
        field: String,
    },
    /// An optimistic-concurrency check failed: the object changed since the client read it.
    #[error("{field} {expected} is stale: the current version is {current}")]
    StaleVersion {
        /// The argument that carried the version (`expectedVersion`).
        field: &'static str,
        /// The version the client expected.
        expected: i32,
        /// The object's current version.
        current: i32,
    },
    /// A workflow step that the object's current state does not allow (a report resolved twice).
    #[error("a {kind} that is {from} cannot be {to}")]
    InvalidTransition {
        /// What moves, e.g. `report`.
        kind: &'static str,
        /// Its current state, as stored (`open`).
        from: String,
        /// The state the step would give it, as stored (`acknowledged`).
        to: String,
    },
    /// Too many attempts.
    #[error("too many attempts, try again in {retry_after_secs} s")]
    RateLimited {
        /// Seconds until a new attempt may succeed.
        retry_after_secs: u64,
    },
    /// The database failed (a server fault: logged, then masked). A unique violation of a
    /// constraint in [`UNIQUE_CONSTRAINTS`] is [`ServiceError::Conflict`] instead.
    #[error("database error: {0}")]
    Db(DbErr),
    /// A batched load failed (the database error is shared by every key of the batch).
    #[error(transparent)]
    Load(#[from] LoadError),
    /// Something other than the database failed on the server's side; logged, then masked.
    #[error(transparent)]
    Internal(#[from] InternalError),
}

/// The kinds of server fault that are not a database error.
#[derive(Debug, thiserror::Error)]
pub enum InternalError {
    /// An access token could not be signed (never the client's fault, so never
    /// `UNAUTHENTICATED`).
    #[error("cannot sign an access token: {0}")]
    TokenSigning(#[source] jsonwebtoken::errors::Error),
    /// Password hashing or verification failed (the hasher, its worker thread or its slot).
    #[error("password hashing failed: {0}")]
    PasswordHashing(String),
    /// Something the code relies on did not hold (a row that must exist, a count that must
    /// match).
    #[error("broken invariant: {0}")]
    Invariant(String),
}

impl ServiceError {
    /// An invalid-argument error.
    pub fn invalid(argument: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            argument: argument.to_owned(),
            message: message.into(),
        }
    }

    /// A broken invariant: a server fault, logged and masked.
    pub fn invariant(what: impl Into<String>) -> Self {
        Self::Internal(InternalError::Invariant(what.into()))
    }

    /// Whether this is a server fault (answered `INTERNAL_SERVER_ERROR`, its cause logged).
    pub fn is_internal(&self) -> bool {
        matches!(self, Self::Db(_) | Self::Load(_) | Self::Internal(_))
    }
}

/// The unique constraints (and unique indexes) a client's value can violate, with the field a
/// client sees as taken when one fires. Together with [`SERVER_UNIQUE_CONSTRAINTS`] it lists every
/// unique constraint of the schema except primary keys (a test compares both with the migrated
/// database, so a new constraint cannot be forgotten here).
pub const UNIQUE_CONSTRAINTS: &[(&str, &str)] = &[
    ("users_email_key", "email"),
    ("invite_codes_code_key", "code"),
    ("creators_name_key", "name"),
    ("creators_slug_key", "slug"),
    ("technique_pages_slug_key", "slug"),
    ("tags_name_key", "name"),
    ("related_technique_links_pair_key", "targetId"),
    ("creator_follows_user_creator_key", "creatorId"),
    ("video_consents_source_video_id_key", "sourceVideoId"),
    ("highlight_candidates_key_moment_id_key", "keyMomentId"),
    ("generated_shorts_highlight_preset_key", "preset"),
    ("generated_shorts_share_token_key", "shareToken"),
    ("post_attachments_object_key_key", "objectKey"),
];

/// Unique constraints whose values the server assigns (history version numbers, see
/// `services::history`): a violation is a lost race the transaction helper reruns, and a server
/// fault if it persists, never the client's conflict.
pub const SERVER_UNIQUE_CONSTRAINTS: &[&str] = &[
    "technique_page_versions_number_key",
    "consent_audit_logs_version_key",
    // Inserted with ON CONFLICT DO NOTHING: a second open report of a reporter on a target
    // returns the first (`services::reports`).
    "content_reports_open_per_reporter",
];

/// The field a unique constraint guards, if the constraint is in [`UNIQUE_CONSTRAINTS`].
pub fn conflict_field(constraint: &str) -> Option<&'static str> {
    UNIQUE_CONSTRAINTS
        .iter()
        .find(|(name, _)| *name == constraint)
        .map(|(_, field)| *field)
}

/// The name of the constraint a database error reports, if any.
pub fn violated_constraint(err: &DbErr) -> Option<&str> {
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            match e.deref() {
                sqlx::Error::Database(db) => db.constraint(),
                _ => None,
            }
        }
        _ => None,
    }
}

impl From<DbErr> for ServiceError {
    /// A unique violation of a known constraint is [`ServiceError::Conflict`] naming its field;
    /// anything else (an unknown constraint included) is [`ServiceError::Db`].
    fn from(err: DbErr) -> Self {
        if let Some(SqlErr::UniqueConstraintViolation(_)) = err.sql_err()
            && let Some(field) = violated_constraint(&err).and_then(conflict_field)
        {
            return Self::Conflict {
                field: field.to_owned(),
            };
        }
        Self::Db(err)
    }
}

/// A database error shared by all keys of one DataLoader batch (loaders need `Clone` errors).
#[derive(Clone, Debug, thiserror::Error)]
#[error(transparent)]
pub struct LoadError(#[from] Arc<DbErr>);

impl From<DbErr> for LoadError {
    fn from(err: DbErr) -> Self {
        Self(Arc::new(err))
    }
}

/// Result of a service call.
pub type ServiceResult<T> = Result<T, ServiceError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_constraint_is_listed_once_with_a_field() {
        for (i, (name, field)) in UNIQUE_CONSTRAINTS.iter().enumerate() {
            assert!(!field.is_empty(), "{name}");
            assert!(
                UNIQUE_CONSTRAINTS[i + 1..].iter().all(|(n, _)| n != name),
                "{name} is listed twice"
            );
        }
        assert_eq!(conflict_field("creators_slug_key"), Some("slug"));
        assert_eq!(conflict_field("creators_name_key"), Some("name"));
        assert_eq!(conflict_field("users_pkey"), None);
        for name in SERVER_UNIQUE_CONSTRAINTS {
            assert_eq!(conflict_field(name), None, "{name}");
        }
    }

    #[test]
    fn server_faults_are_internal_and_client_faults_are_not() {
        let signing =
            jsonwebtoken::errors::Error::from(jsonwebtoken::errors::ErrorKind::InvalidKeyFormat);
        assert!(ServiceError::from(InternalError::TokenSigning(signing)).is_internal());
        assert!(ServiceError::from(InternalError::PasswordHashing("salt".into())).is_internal());
        assert!(ServiceError::invariant("a row must exist").is_internal());
        assert!(ServiceError::from(DbErr::Custom("down".into())).is_internal());
        assert!(!ServiceError::Unauthenticated("x".into()).is_internal());
        assert!(!ServiceError::invalid("a", "b").is_internal());
    }
}

//! The one boundary between domain errors and GraphQL errors.
//!
//! Services return [`ServiceError`]; resolvers use `?`, which converts through
//! `From<ServiceError> for async_graphql::Error`. That conversion sets a stable `extensions.code`
//! and, for internal failures, logs the cause once with an error id and shows the client only
//! `internal error` and that id.

use std::sync::Arc;

use async_graphql::ErrorExtensions;
use sea_orm::{DbErr, SqlErr};
use uuid::Uuid;

/// Stable values of `extensions.code`.
pub mod codes {
    /// The request needs a signed-in viewer, or its token is invalid.
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    /// The viewer may not do this.
    pub const FORBIDDEN: &str = "FORBIDDEN";
    /// The named thing does not exist (or is not visible to the viewer).
    pub const NOT_FOUND: &str = "NOT_FOUND";
    /// An argument is invalid; `extensions.argument` names it.
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    /// A unique value is already taken; `extensions.field` names it.
    pub const CONFLICT: &str = "CONFLICT";
    /// Too many attempts; `extensions.retryAfterSeconds` says when to try again.
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    /// A failure on the server's side; `extensions.errorId` finds it in the log.
    pub const INTERNAL: &str = "INTERNAL_SERVER_ERROR";
}

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
    /// The viewer may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// No valid identity where one is needed.
    #[error("{0}")]
    Unauthenticated(String),
    /// A unique value is already taken.
    #[error("{field} is already taken")]
    Conflict {
        /// The field whose value is taken.
        field: String,
    },
    /// Too many attempts.
    #[error("too many attempts, try again in {retry_after_secs} s")]
    RateLimited {
        /// Seconds until a new attempt may succeed.
        retry_after_secs: u64,
    },
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
    /// Something else failed on the server's side (e.g. password hashing); logged, then masked.
    #[error("{0}")]
    Internal(String),
    /// A batched load failed (the database error is shared by every key of the batch).
    #[error(transparent)]
    Load(#[from] LoadError),
}

impl ServiceError {
    /// An invalid-argument error.
    pub fn invalid(argument: &str, message: impl Into<String>) -> Self {
        Self::Invalid {
            argument: argument.to_owned(),
            message: message.into(),
        }
    }

    /// Maps a unique-constraint violation to [`ServiceError::Conflict`] on `field`; other errors pass.
    pub fn conflict_on(field: &str) -> impl Fn(DbErr) -> Self + '_ {
        move |err| match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => Self::Conflict {
                field: field.to_owned(),
            },
            _ => Self::Db(err),
        }
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

impl From<ServiceError> for async_graphql::Error {
    fn from(err: ServiceError) -> Self {
        let plain = |code: &'static str, message: String| {
            async_graphql::Error::new(message).extend_with(move |_, ext| ext.set("code", code))
        };
        match err {
            ServiceError::Invalid { argument, message } => async_graphql::Error::new(message)
                .extend_with(|_, ext| {
                    ext.set("code", codes::BAD_USER_INPUT);
                    ext.set("argument", argument.as_str());
                }),
            ServiceError::NotFound(_) => plain(codes::NOT_FOUND, err.to_string()),
            ServiceError::Forbidden(_) => plain(codes::FORBIDDEN, err.to_string()),
            ServiceError::Unauthenticated(_) => plain(codes::UNAUTHENTICATED, err.to_string()),
            ServiceError::Conflict { ref field } => {
                let field = field.clone();
                async_graphql::Error::new(err.to_string()).extend_with(move |_, ext| {
                    ext.set("code", codes::CONFLICT);
                    ext.set("field", field.as_str());
                })
            }
            ServiceError::RateLimited { retry_after_secs } => {
                async_graphql::Error::new(err.to_string()).extend_with(move |_, ext| {
                    ext.set("code", codes::RATE_LIMITED);
                    ext.set("retryAfterSeconds", retry_after_secs);
                })
            }
            ServiceError::Db(_) | ServiceError::Load(_) | ServiceError::Internal(_) => {
                internal(&err)
            }
        }
    }
}

/// Logs an internal failure once and returns the masked error the client sees.
pub fn internal(cause: &dyn std::error::Error) -> async_graphql::Error {
    let error_id = Uuid::new_v4().to_string();
    tracing::error!(error_id = %error_id, error = %cause, "internal error");
    async_graphql::Error::new("internal error").extend_with(move |_, ext| {
        ext.set("code", codes::INTERNAL);
        ext.set("errorId", error_id.as_str());
    })
}

/// Result of a service call.
pub type ServiceResult<T> = Result<T, ServiceError>;

impl From<LoadError> for async_graphql::Error {
    fn from(err: LoadError) -> Self {
        ServiceError::Load(err).into()
    }
}

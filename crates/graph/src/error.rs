//! The one boundary between domain errors and GraphQL errors.
//!
//! Services return [`ServiceError`] (defined GraphQL-free in `services::error`, re-exported
//! here); resolvers use `?`, which converts through `From<ServiceError> for
//! async_graphql::Error`. That conversion sets a stable `extensions.code` and, for server faults
//! (database, batched load, token signing, password hashing, broken invariant), logs the cause
//! once with an error id and shows the client only `internal error` and that id. The HTTP
//! handler converts authentication failures through the same conversion ([`rejection`]).

use async_graphql::ErrorExtensions;
use uuid::Uuid;

pub use crate::services::error::{
    InternalError, LoadError, SERVER_UNIQUE_CONSTRAINTS, ServiceError, ServiceResult,
    UNIQUE_CONSTRAINTS, conflict_field, violated_constraint,
};

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
    /// A unique value is already taken (`extensions.field` names it), or a version is stale
    /// (`extensions.field` names the version argument, `extensions.currentVersion` holds the
    /// current one).
    pub const CONFLICT: &str = "CONFLICT";
    /// Too many attempts; `extensions.retryAfterSeconds` says when to try again.
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    /// A failure on the server's side; `extensions.errorId` finds it in the log.
    pub const INTERNAL: &str = "INTERNAL_SERVER_ERROR";
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
            ServiceError::StaleVersion { field, current, .. } => {
                async_graphql::Error::new(err.to_string()).extend_with(move |_, ext| {
                    ext.set("code", codes::CONFLICT);
                    ext.set("field", field);
                    ext.set("currentVersion", current);
                })
            }
            ServiceError::InvalidTransition {
                ref from, ref to, ..
            } => {
                let (from, to) = (from.clone(), to.clone());
                async_graphql::Error::new(err.to_string()).extend_with(move |_, ext| {
                    ext.set("code", codes::BAD_USER_INPUT);
                    ext.set("detail", "INVALID_TRANSITION");
                    ext.set("argument", "id");
                    ext.set("from", from.as_str());
                    ext.set("to", to.as_str());
                })
            }
            ServiceError::RateLimited { retry_after_secs } => {
                async_graphql::Error::new(err.to_string()).extend_with(move |_, ext| {
                    ext.set("code", codes::RATE_LIMITED);
                    ext.set("retryAfterSeconds", retry_after_secs);
                })
            }
            // A unique violation the client caused was already made a conflict by
            // `From<DbErr>`; what is left here is the server's fault.
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

/// The GraphQL response sent instead of executing a request whose credentials could not be
/// checked: `UNAUTHENTICATED` for invalid ones, a masked `INTERNAL_SERVER_ERROR` when the server
/// failed while checking them.
pub fn rejection(err: ServiceError) -> async_graphql::Response {
    let err: async_graphql::Error = err.into();
    async_graphql::Response::from_errors(vec![err.into_server_error(async_graphql::Pos::default())])
}

/// The `extensions.code` a converted error carries.
pub fn code_of(err: &async_graphql::Error) -> Option<&str> {
    match err.extensions.as_ref()?.get("code")? {
        async_graphql::Value::String(code) => Some(code),
        _ => None,
    }
}

impl From<LoadError> for async_graphql::Error {
    fn from(err: LoadError) -> Self {
        ServiceError::Load(err).into()
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn converted(err: ServiceError) -> serde_json::Value {
        let err: async_graphql::Error = err.into();
        serde_json::to_value(err.into_server_error(async_graphql::Pos::default())).unwrap()
    }

    fn assert_masked(value: &serde_json::Value) {
        assert_eq!(value["message"], "internal error", "{value}");
        assert_eq!(value["extensions"]["code"], codes::INTERNAL, "{value}");
        assert!(value["extensions"]["errorId"].is_string(), "{value}");
    }

    #[test]
    fn a_token_signing_failure_is_internal_not_unauthenticated() {
        let cause =
            jsonwebtoken::errors::Error::from(jsonwebtoken::errors::ErrorKind::InvalidKeyFormat);
        let value = converted(InternalError::TokenSigning(cause).into());
        assert_masked(&value);
    }

    #[test]
    fn a_hashing_failure_is_internal_and_not_a_database_error() {
        let err = ServiceError::from(InternalError::PasswordHashing("salt too short".into()));
        assert!(matches!(
            err,
            ServiceError::Internal(InternalError::PasswordHashing(_))
        ));
        let value = converted(err);
        assert_masked(&value);
        assert!(!value.to_string().contains("salt"), "{value}");
    }

    #[test]
    fn database_text_never_reaches_the_client() {
        let value = converted(ServiceError::from(sea_orm::DbErr::Custom(
            "relation \"users\" is locked".into(),
        )));
        assert_masked(&value);
        assert!(!value.to_string().contains("users"), "{value}");
        assert_masked(&converted(ServiceError::invariant("a rate-limit row")));
    }

    #[test]
    fn codes_of_client_errors() {
        let err: async_graphql::Error = ServiceError::Unauthenticated("sign in".into()).into();
        assert_eq!(code_of(&err), Some(codes::UNAUTHENTICATED));
        let value = converted(ServiceError::Conflict {
            field: "email".into(),
        });
        assert_eq!(value["extensions"]["code"], codes::CONFLICT);
        assert_eq!(value["extensions"]["field"], "email");
    }
}

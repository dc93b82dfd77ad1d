//! Compliance exports over HTTP: `GET /exports/consent-audit.csv[?creator=<id or slug>]`, the
//! consent audit log as streamed RFC 4180 CSV (`graph::services::consent_export`), for an admin's
//! bearer token. A refusal is JSON `{"error": {"code", "message"}}` with its HTTP status (401
//! signed out, 403 not an admin, 404 unknown creator, 500 masked like every server fault).

use std::collections::HashMap;

use axum::{
    body::Body,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use graph::error::{ServiceError, codes};
use serde_json::json;

use crate::app::AppState;

/// An error as this route answers it.
fn refusal(err: ServiceError) -> Response {
    let err: async_graphql::Error = err.into();
    let code = graph::error::code_of(&err)
        .unwrap_or(codes::INTERNAL)
        .to_owned();
    let status = match code.as_str() {
        codes::UNAUTHENTICATED => StatusCode::UNAUTHORIZED,
        codes::FORBIDDEN => StatusCode::FORBIDDEN,
        codes::NOT_FOUND => StatusCode::NOT_FOUND,
        codes::BAD_USER_INPUT => StatusCode::BAD_REQUEST,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let body = json!({ "error": { "code": code, "message": err.message } });
    (status, axum::Json(body)).into_response()
}

/// `GET /exports/consent-audit.csv`.
pub(crate) async fn consent_audit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .map(|value| value.to_str().unwrap_or("\u{fffd}"));
    let viewer =
        match graph::services::auth::authenticate(&state.db, &state.auth, authorization).await {
            Ok(viewer) => viewer,
            Err(err) => return refusal(err),
        };
    let creator = params
        .get("creator")
        .map(String::as_str)
        .filter(|c| !c.is_empty());
    match graph::services::consent_export::csv(state.db.clone(), &viewer, creator).await {
        Ok(rows) => {
            let mut response = Body::from_stream(rows).into_response();
            let headers = response.headers_mut();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8; header=present"),
            );
            headers.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"consent-audit.csv\""),
            );
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(err) => refusal(err),
    }
}

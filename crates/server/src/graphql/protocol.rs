//! GraphQL over HTTP (the GraphQL-over-HTTP spec): media types, reading GET and POST requests,
//! and HTTP-level failures. Nothing here knows the schema.

use axum::{
    body::Body,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::{Map, Value, json};

/// The response media type a client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MediaType {
    /// `application/graphql-response+json`: request errors get 4xx and no `data`.
    GraphqlResponse,
    /// `application/json`: the legacy type; well-formed requests get 200.
    Json,
}

impl MediaType {
    fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        })
    }

    /// Chooses from the `Accept` header: the supported type with the highest `q`, preferring
    /// `application/graphql-response+json` on a tie; `*/*`, `application/*` and a missing header
    /// mean `application/json` (what older clients expect). `None`: nothing acceptable (406).
    pub(crate) fn negotiate(headers: &HeaderMap) -> Option<Self> {
        let Some(accept) = headers.get(header::ACCEPT) else {
            return Some(Self::Json);
        };
        let accept = accept.to_str().ok()?;
        let mut best: Option<(f32, u8, Self)> = None;
        for item in accept.split(',') {
            let mut parts = item.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let mut q = 1.0_f32;
            for param in parts {
                if let Some((key, value)) = param.split_once('=')
                    && key.trim().eq_ignore_ascii_case("q")
                {
                    q = value.trim().parse().unwrap_or(0.0);
                }
            }
            let (rank, kind) = match media.as_str() {
                "application/graphql-response+json" => (2, Self::GraphqlResponse),
                "application/json" => (1, Self::Json),
                "application/*" | "*/*" => (0, Self::Json),
                _ => continue,
            };
            if q <= 0.0 {
                continue;
            }
            if best.is_none_or(|(bq, brank, _)| q > bq || (q == bq && rank > brank)) {
                best = Some((q, rank, kind));
            }
        }
        best.map(|(_, _, kind)| kind)
    }
}

/// One GraphQL request's parameters, as the spec names them.
#[derive(Debug, Default, Clone)]
pub(crate) struct Params {
    /// The document text (absent with a persisted-query hash).
    pub query: Option<String>,
    /// A persisted document's identifier: the GraphQL-over-HTTP `documentId` (or Relay's
    /// `doc_id`), resolved in `persisted.rs`.
    pub document_id: Option<String>,
    /// Which operation of the document to run.
    pub operation_name: Option<String>,
    /// Variable values.
    pub variables: Map<String, Value>,
    /// Protocol extensions (`persistedQuery`).
    pub extensions: Map<String, Value>,
}

impl Params {
    /// Reads the parameters of a JSON object; wrong types are a 400.
    pub(crate) fn from_json(value: Value) -> Result<Self, HttpError> {
        let Value::Object(mut object) = value else {
            return Err(HttpError::bad_request(
                "the request body must be a JSON object",
            ));
        };
        let query = match object.remove("query") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(_) => return Err(HttpError::bad_request("`query` must be a string")),
        };
        let operation_name = match object.remove("operationName") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(_) => return Err(HttpError::bad_request("`operationName` must be a string")),
        };
        let mut document_id = None;
        for key in DOCUMENT_ID_KEYS {
            match object.remove(key) {
                None | Some(Value::Null) => {}
                Some(Value::String(id)) => set_document_id(&mut document_id, id)?,
                Some(_) => {
                    return Err(HttpError::bad_request(format!("`{key}` must be a string")));
                }
            }
        }
        Ok(Self {
            query,
            document_id,
            operation_name,
            variables: object_param(object.remove("variables"), "variables")?,
            extensions: object_param(object.remove("extensions"), "extensions")?,
        })
    }

    /// Reads the parameters of a GET query string (`variables` and `extensions` as JSON text).
    pub(crate) fn from_query_string(raw: &str) -> Result<Self, HttpError> {
        let mut params = Self::default();
        for (key, value) in url::form_urlencoded::parse(raw.as_bytes()) {
            match key.as_ref() {
                "query" => params.query = Some(value.into_owned()),
                "operationName" => params.operation_name = Some(value.into_owned()),
                key if DOCUMENT_ID_KEYS.contains(&key) => {
                    set_document_id(&mut params.document_id, value.into_owned())?;
                }
                "variables" | "extensions" => {
                    let parsed: Value = serde_json::from_str(&value).map_err(|_| {
                        HttpError::bad_request(format!("`{key}` must be JSON text"))
                    })?;
                    let map = object_param(Some(parsed), &key)?;
                    if key == "variables" {
                        params.variables = map;
                    } else {
                        params.extensions = map;
                    }
                }
                _ => {}
            }
        }
        Ok(params)
    }
}

/// The names a persisted document's identifier goes by: the GraphQL-over-HTTP spec's and Relay's.
const DOCUMENT_ID_KEYS: [&str; 2] = ["documentId", "doc_id"];

/// Records a document identifier; two that differ are a malformed request.
fn set_document_id(slot: &mut Option<String>, id: String) -> Result<(), HttpError> {
    match slot {
        Some(existing) if *existing != id => Err(HttpError::bad_request(
            "`documentId` and `doc_id` name different documents",
        )),
        _ => {
            *slot = Some(id);
            Ok(())
        }
    }
}

fn object_param(value: Option<Value>, name: &str) -> Result<Map<String, Value>, HttpError> {
    match value {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(map)) => Ok(map),
        Some(_) => Err(HttpError::bad_request(format!(
            "`{name}` must be an object"
        ))),
    }
}

/// The body of a POST: one request, or a batch when batching is on.
#[derive(Debug)]
pub(crate) enum PostBody {
    /// A single request.
    Single(Params),
    /// A JSON array of requests.
    Batch(Vec<Params>),
}

/// Checks a POST's `Content-Type`: only `application/json` (UTF-8) is accepted, so a browser form
/// or `text/plain` POST from another site (no CORS preflight) never executes.
pub(crate) fn check_content_type(headers: &HeaderMap) -> Result<(), HttpError> {
    let unsupported = || {
        HttpError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "POST bodies must be application/json",
        )
    };
    let value = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(unsupported)?;
    let mut parts = value.split(';');
    let media = parts.next().unwrap_or("").trim();
    if !media.eq_ignore_ascii_case("application/json") {
        return Err(unsupported());
    }
    for param in parts {
        if let Some((key, charset)) = param.split_once('=')
            && key.trim().eq_ignore_ascii_case("charset")
            && !charset
                .trim()
                .trim_matches('"')
                .eq_ignore_ascii_case("utf-8")
        {
            return Err(unsupported());
        }
    }
    Ok(())
}

/// Parses a POST body already read within the size limit.
pub(crate) fn parse_body(bytes: &[u8], max_batch: usize) -> Result<PostBody, HttpError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(HttpError::bad_request("the request body is empty"));
    }
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|_| HttpError::bad_request("the request body is not valid JSON"))?;
    match value {
        Value::Array(items) => {
            if max_batch == 0 {
                return Err(HttpError::new(
                    StatusCode::BAD_REQUEST,
                    "BATCHING_DISABLED",
                    "batched requests are not accepted",
                ));
            }
            if items.is_empty() || items.len() > max_batch {
                return Err(HttpError::new(
                    StatusCode::BAD_REQUEST,
                    "BATCH_TOO_LARGE",
                    format!("a batch holds 1 to {max_batch} requests"),
                ));
            }
            items
                .into_iter()
                .map(Params::from_json)
                .collect::<Result<_, _>>()
                .map(PostBody::Batch)
        }
        other => Params::from_json(other).map(PostBody::Single),
    }
}

/// A failure before GraphQL is involved: bad HTTP, wrong media type, too large, bad JSON.
#[derive(Debug, Clone)]
pub(crate) struct HttpError {
    /// The HTTP status.
    pub status: StatusCode,
    /// `extensions.code`.
    pub code: &'static str,
    /// What went wrong, for a person.
    pub message: String,
    /// Extra headers (`Allow` on 405).
    pub allow: Option<&'static str>,
}

impl HttpError {
    /// A failure with this status and code.
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            allow: None,
        }
    }

    /// A malformed request (400, `BAD_REQUEST`).
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BAD_REQUEST", message)
    }

    /// The body exceeds the configured limit (413).
    pub(crate) fn too_large(limit: usize) -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            format!("the request body exceeds {limit} bytes"),
        )
    }

    /// The response in `media`, with the request id in the error's extensions.
    pub(crate) fn into_response(self, media: MediaType, request_id: &str) -> Response {
        let body = json!({ "errors": [{
            "message": self.message,
            "extensions": { "code": self.code, "requestId": request_id },
        }]});
        let mut response = json_response(self.status, media, &body);
        if let Some(allow) = self.allow {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
        }
        response
    }
}

/// A JSON response of `media` with `status`.
pub(crate) fn json_response(status: StatusCode, media: MediaType, body: &Value) -> Response {
    json_bytes_response(
        status,
        media,
        serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec()),
    )
}

/// A response with an already serialized JSON body.
pub(crate) fn json_bytes_response(
    status: StatusCode,
    media: MediaType,
    bytes: Vec<u8>,
) -> Response {
    let mut response = (status, Body::from(bytes)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media.header());
    response
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    fn accept(value: &str) -> Option<MediaType> {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_str(value).unwrap());
        MediaType::negotiate(&headers)
    }

    #[test]
    fn negotiates_the_response_type() {
        assert_eq!(
            MediaType::negotiate(&HeaderMap::new()),
            Some(MediaType::Json)
        );
        assert_eq!(accept("*/*"), Some(MediaType::Json));
        assert_eq!(accept("application/json"), Some(MediaType::Json));
        assert_eq!(
            accept("application/graphql-response+json, application/json;q=0.9"),
            Some(MediaType::GraphqlResponse)
        );
        assert_eq!(
            accept("application/json, application/graphql-response+json"),
            Some(MediaType::GraphqlResponse)
        );
        assert_eq!(
            accept("application/graphql-response+json;q=0.5, application/json"),
            Some(MediaType::Json)
        );
        assert_eq!(accept("text/html"), None);
        assert_eq!(accept("application/json;q=0"), None);
    }

    #[test]
    fn content_types() {
        let with = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(value).unwrap());
            check_content_type(&headers).is_ok()
        };
        assert!(with("application/json"));
        assert!(with("application/json; charset=utf-8"));
        assert!(!with("application/json; charset=latin1"));
        assert!(!with("text/plain"));
        assert!(!with("application/x-www-form-urlencoded"));
        assert!(!with("multipart/form-data; boundary=x"));
        assert!(check_content_type(&HeaderMap::new()).is_err());
    }

    #[test]
    fn params_are_typed() {
        assert!(Params::from_json(json!({"query": 1})).is_err());
        assert!(Params::from_json(json!({"query": "{a}", "variables": "x"})).is_err());
        assert!(Params::from_json(json!({"query": "{a}", "extensions": []})).is_err());
        let p = Params::from_json(json!({"query": "{a}", "variables": null})).unwrap();
        assert_eq!(p.query.as_deref(), Some("{a}"));
        let p = Params::from_query_string("query=%7Ba%7D&variables=%7B%22x%22%3A1%7D").unwrap();
        assert_eq!(p.variables["x"], json!(1));
        assert!(matches!(parse_body(b"[{}]", 0), Err(e) if e.code == "BATCHING_DISABLED"));
        assert!(matches!(parse_body(b"{ \"not", 0), Err(e) if e.status == 400));
    }

    #[test]
    fn document_ids_in_both_spellings() {
        let p = Params::from_json(json!({"documentId": "sha256:ab"})).unwrap();
        assert_eq!(p.document_id.as_deref(), Some("sha256:ab"));
        let p = Params::from_json(json!({"doc_id": "ab", "variables": {"x": 1}})).unwrap();
        assert_eq!(p.document_id.as_deref(), Some("ab"));
        let p = Params::from_json(json!({"documentId": "ab", "doc_id": "ab"})).unwrap();
        assert_eq!(p.document_id.as_deref(), Some("ab"));
        assert!(Params::from_json(json!({"documentId": "ab", "doc_id": "cd"})).is_err());
        assert!(Params::from_json(json!({"documentId": 1})).is_err());
        let p = Params::from_query_string("documentId=sha256%3Aab&operationName=Q").unwrap();
        assert_eq!(p.document_id.as_deref(), Some("sha256:ab"));
        assert_eq!(p.operation_name.as_deref(), Some("Q"));
        let p = Params::from_query_string("doc_id=ab").unwrap();
        assert_eq!(p.document_id.as_deref(), Some("ab"));
        assert!(Params::from_query_string("doc_id=ab&documentId=cd").is_err());
    }
}

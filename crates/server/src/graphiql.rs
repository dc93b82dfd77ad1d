//! GraphiQL at `/graphiql`, served entirely by Patchbay: the bundle is built from npm packages by
//! `build.rs` (web/graphiql) and embedded in the binary, so nothing loads from a CDN.

use axum::{
    Router,
    http::header,
    response::{Html, IntoResponse, Response},
    routing::get,
};

use crate::app::AppState;

#[cfg(graphiql_bundle)]
const BUNDLE: Option<(&[u8], &[u8])> = Some((
    include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../web/graphiql/dist/graphiql.js"
    )),
    include_bytes!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../web/graphiql/dist/graphiql.css"
    )),
));
#[cfg(not(graphiql_bundle))]
const BUNDLE: Option<(&[u8], &[u8])> = None;

/// Only our own origin; inline styles are GraphiQL's.
const CSP: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
                   font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'";

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Patchbay · GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/graphiql.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/graphiql.js"></script>
</body>
</html>
"#;

const MISSING: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Patchbay · GraphiQL not built</title></head>
<body><h1>GraphiQL is not built</h1>
<p>This binary was built without GraphiQL's bundle (npm was not available at build time).
Run <code>npm ci &amp;&amp; npm run build</code> in <code>web/graphiql</code>, then rebuild
(<code>cargo run</code>). The API at <a href="/graphql">/graphql</a> works regardless.</p>
</body></html>
"#;

/// The GraphiQL routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/graphiql", get(page))
        .route("/graphiql/graphiql.js", get(script))
        .route("/graphiql/graphiql.css", get(style))
}

/// Whether this binary carries the GraphiQL bundle.
pub fn bundled() -> bool {
    BUNDLE.is_some()
}

async fn page() -> Response {
    let html = if bundled() { PAGE } else { MISSING };
    ([(header::CONTENT_SECURITY_POLICY, CSP)], Html(html)).into_response()
}

async fn script() -> Response {
    asset(BUNDLE.map(|(js, _)| js), "text/javascript; charset=utf-8")
}

async fn style() -> Response {
    asset(BUNDLE.map(|(_, css)| css), "text/css; charset=utf-8")
}

fn asset(bytes: Option<&'static [u8]>, content_type: &'static str) -> Response {
    match bytes {
        Some(bytes) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            bytes,
        )
            .into_response(),
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

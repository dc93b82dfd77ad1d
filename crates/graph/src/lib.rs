//! # Layout
//! Patchbay's GraphQL schema. No HTTP, no environment reading, no database I/O while building.
//!
//! - `error`: the one boundary where domain errors become GraphQL errors with `extensions.code`;
//!   internal causes are logged there and masked for the client.
//! - `context`: what each request carries: the [`Viewer`] and fresh per-request [`Loaders`](crate::loaders::Loaders).
//! - `pagination`: Relay connection arguments, opaque cursors, page windows, size limits.
//! - `ids`: opaque global IDs (`Type:uuid`, base64url) for every node.
//! - `query`, `mutation`: the merged roots, one object per domain (`query/<domain>.rs`,
//!   `roots/<domain>.rs`).
//! - `inputs/<domain>`: GraphQL input objects (filters, orderings, account inputs).
//! - `types/<thing>`: `#[Object]` wrappers over entity models: the API shape and descriptions.
//! - `loaders`: the one registry of batched relations (`read_relations!` over the generic
//!   `Rows` / `Windowed` / `Counts` loaders), one SQL statement per relation, keyed by parent id,
//!   built once per visibility shape.
//! - `services/<domain>`: the GraphQL-free domain core: business rules and sea-orm queries that
//!   are not keyed batches, the permission gate, visibility rules, the domain error, transactions
//!   and history rows (docs/decisions/0042-domain-core.md).
//! - `stats`: the SQL statement counter the server, tests and benchmarks read.
//!
//! A new field goes: SQL into `services/` (or `loaders/` when batched by key), its GraphQL shape into
//! `types/`, and a root field into `query.rs` when it is an entry point.

pub(crate) mod context;
pub mod error;
pub mod ids;
pub(crate) mod inputs;
pub(crate) mod loaders;
pub(crate) mod mutation;
pub mod pagination;
pub(crate) mod query;
pub(crate) mod roots;
pub mod services;
pub mod stats;
pub(crate) mod types;

use async_graphql::{EmptySubscription, Schema};
use sea_orm::DatabaseConnection;

pub use context::{Viewer, ViewerUser};
pub use mutation::MutationRoot;
pub use query::QueryRoot;
pub use services::{auth::AuthConfig, rate_limit::ClientIp, search_log::SearchLogWriter};

/// The executable schema type served by Patchbay.
pub type AppSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Builds the schema. With `db` it can execute; without, it can only print its SDL
/// (`patchbay export-schema`), which needs no database. `auth` holds the token and rate-limit
/// settings.
pub fn build_schema(db: Option<DatabaseConnection>, auth: AuthConfig) -> AppSchema {
    build_schema_with(db, auth, SchemaOptions::default())
}

/// Schema-wide switches the server sets from its configuration (the abuse limits themselves are
/// checked by the server before a request reaches the schema).
#[derive(Debug, Clone, Copy)]
pub struct SchemaOptions {
    /// Whether validation errors suggest similar names ("Did you mean …"); off in production.
    pub field_suggestions: bool,
    /// How long identical searches are answered from memory (zero: never).
    pub search_cache_ttl: std::time::Duration,
    /// How many search result pages the cache holds.
    pub search_cache_size: usize,
}

impl Default for SchemaOptions {
    fn default() -> Self {
        Self {
            field_suggestions: true,
            search_cache_ttl: std::time::Duration::from_secs(30),
            search_cache_size: 1_000,
        }
    }
}

/// [`build_schema`] with explicit [`SchemaOptions`].
pub fn build_schema_with(
    db: Option<DatabaseConnection>,
    auth: AuthConfig,
    options: SchemaOptions,
) -> AppSchema {
    let search_log = db.clone().map(SearchLogWriter::new);
    build_schema_with_log(db, auth, options, search_log)
}

/// [`build_schema_with`] writing the search log through `search_log`, which the caller keeps to
/// flush it on shutdown. A new writer starts its task on the first search it logs.
pub fn build_schema_with_log(
    db: Option<DatabaseConnection>,
    auth: AuthConfig,
    options: SchemaOptions,
    search_log: Option<SearchLogWriter>,
) -> AppSchema {
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
    .data(auth)
    .data(services::search::SearchCache::new(
        options.search_cache_size,
        options.search_cache_ttl,
    ));
    if !options.field_suggestions {
        builder = builder.disable_suggestions();
    }
    if let Some(search_log) = search_log {
        builder = builder.data(search_log);
    }
    match db {
        Some(db) => builder.data(db).finish(),
        None => builder.finish(),
    }
}

/// The schema's SDL, exactly as `schema.graphql` holds it.
pub fn sdl() -> String {
    build_schema(None, AuthConfig::random()).sdl()
}

/// Attaches what one request needs: the viewer and fresh DataLoaders, so no cache crosses requests.
pub fn prepare_request(
    request: async_graphql::Request,
    db: &DatabaseConnection,
    viewer: Viewer,
) -> async_graphql::Request {
    prepare_request_with(request, db, viewer, loaders::BATCH_WINDOW)
}

/// [`prepare_request`] with DataLoaders that collect keys for `batch_window` after the first
/// (a wider window trades latency for fewer statements on a loaded machine).
pub fn prepare_request_with(
    request: async_graphql::Request,
    db: &DatabaseConnection,
    viewer: Viewer,
    batch_window: std::time::Duration,
) -> async_graphql::Request {
    let scope = services::visibility::Scope::of(&viewer);
    request
        .data(viewer)
        .data(context::Loaders::new(db.clone(), scope, batch_window))
}

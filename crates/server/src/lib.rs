//! # Layout
//! Patchbay's thin server: everything HTTP and process-level, nothing about the domain.
//!
//! - `config`: the command line and environment (clap); the only place that reads them.
//! - `client_ip`: the client's address: the peer, or `X-Forwarded-For` behind trusted proxies.
//! - `database`: `DATABASE_URL` or the embedded default; connecting with readable errors; migrating.
//! - `embedded`: the private PostgreSQL cluster run from the machine's own server binaries.
//! - `app`: the router (`/graphql`, `/graphiql`, `/exports/…`, `/healthz`, `/readyz`, `/metrics`),
//!   CORS and its shared state; `app(state)` is what tests drive in-process.
//! - `exports`: compliance exports over HTTP (the consent audit log as CSV).
//! - `graphql`: the GraphQL-over-HTTP endpoint: `protocol` (media types, GET/POST parsing, HTTP
//!   errors), `limits` (tokens, depth, cost, aliases, directives), `persisted` (APQ, trusted
//!   documents), masking, `viewer_for` (who asks).
//! - `telemetry`: request ids, logging set-up (text or JSON), Prometheus metrics.
//! - `graphiql`: the offline GraphiQL page and its embedded bundle (built by `build.rs`).
//! - `connections`: the HTTP/1.1 accept loop over hyper: header- and body-read timeouts, the cap on
//!   open connections, graceful shutdown, the peer address for `ConnectInfo`.
//! - `run`: the subcommands (`serve`, `migrate`, `seed`, `create-admin`, `invite`, `export-schema`)
//!   and graceful shutdown.
//! - `secrets`: the token-signing secret (configured, or generated once for the embedded default).
//!
//! `main.rs` only parses the command line, sets up logging and turns errors into one line and an
//! exit code.

pub mod app;
pub mod client_ip;
pub mod config;
pub mod connections;
pub mod database;
pub mod embedded;
pub(crate) mod exports;
pub mod graphiql;
pub mod graphql;
pub mod run;
pub(crate) mod secrets;
pub mod telemetry;

pub use app::{AppState, HttpConfig, app};

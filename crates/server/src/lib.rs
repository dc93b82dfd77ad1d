//! # Layout
//! Patchbay's thin server: everything HTTP and process-level, nothing about the domain.
//!
//! - `config`: the command line and environment (clap); the only place that reads them.
//! - `database`: `DATABASE_URL` or the embedded default; connecting with readable errors; migrating.
//! - `embedded`: the private PostgreSQL cluster run from the machine's own server binaries.
//! - `app`: the router (`/graphql`, `/graphiql`, `/healthz`) and its shared state; `app(state)` is
//!   what tests drive in-process.
//! - `run`: the subcommands (`serve`, `migrate`, `seed`, `create-admin`, `invite`, `export-schema`)
//!   and graceful shutdown.
//! - `secrets`: the token-signing secret (configured, or generated once for the embedded default).
//!
//! `main.rs` only parses the command line, sets up logging and turns errors into one line and an
//! exit code.

pub mod app;
pub mod config;
pub mod database;
pub mod embedded;
pub mod run;
pub mod secrets;

pub use app::{AppState, app};

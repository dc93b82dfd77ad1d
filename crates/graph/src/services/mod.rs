//! Business rules and the sea-orm queries behind root fields. Batched relation loads live in
//! `loaders/`; everything else that touches the database lives here.

pub mod auth;
pub mod browse;
pub mod creators;
pub mod facets;
pub mod follows;
pub mod invites;
pub mod rate_limit;
pub mod search;
pub mod search_log;
pub mod shorts;
pub mod tags;
pub mod technique_pages;
pub mod users;
pub mod visibility;

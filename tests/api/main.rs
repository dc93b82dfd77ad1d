//! Integration tests against real PostgreSQL: one binary, one cluster per run, one database per test.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod browse;
mod creators;
mod embedded;
mod entities;
mod http;
mod http_ops;
mod http_protocol;
mod read_graph;
mod schema;
mod seed_data;
mod statements;
mod visibility;

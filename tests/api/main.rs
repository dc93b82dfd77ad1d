//! Integration tests against real PostgreSQL: one binary, one cluster per run, one database per test.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod accounts;
mod admin;
mod authz_matrix;
mod browse;
mod consent;
mod creators;
mod editorial_creators;
mod editorial_history;
mod editorial_moments;
mod editorial_pages;
mod editorial_relations;
mod embedded;
mod entities;
mod error_boundary;
mod follows;
mod hardening_auth;
mod hardening_errors;
mod hardening_limits;
mod hardening_persisted;
mod hardening_search;
mod hardening_server;
mod http;
mod http_auth;
mod http_ops;
mod http_protocol;
mod rate_limits;
mod read_graph;
mod reports;
mod schema;
mod search;
mod seed_data;
mod statements;
mod tokens;
mod transactions;
mod visibility;
mod visibility_sql;

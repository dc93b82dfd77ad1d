//! Regression tests for issue 11 (hardening): hardening_limits.
//!
//! - identical fields are merged before execution: 550 copies of a search run the statements of
//!   one and log one row; copies the merge cannot reach (other fragments) are refused by cost,
//!   where a root field weighs more than a scalar (finding 3);
//! - the cost counts the page sizes the executor will use: variable defaults, schema argument
//!   defaults (`tags(limit:)`), explicit `limit:` and the length of `nodes(ids:)`; the token
//!   count follows the GraphQL lexer (finding 4);
//! - unknown, misplaced and repeated directives are validation errors before execution
//!   (finding 14);
//! - the shipped operations (bench, TypeScript client) stay within the default limits.

use serde_json::{Value, json};
use server::{
    AppState, HttpConfig, app,
    graphql::{limits, schema_index::SchemaIndex},
};
use support::TestDb;

use crate::http_protocol::{post, send};

const GQL: &str = "application/graphql-response+json";

/// A test database with a creator and a page about "Reese Bass", and a router over it with the
/// default limits.
struct Server {
    t: TestDb,
    state: AppState,
    router: axum::Router,
}

impl Server {
    async fn new() -> Self {
        let t = support::test_db().await;
        let creator = support::fixtures::creator(&t.db, "Kilo Watt").await;
        support::fixtures::page(&t.db, &creator, "Reese Bass Design").await;
        let state = AppState::with_config(t.db.clone(), HttpConfig::default(), t.auth.clone());
        let router = app(state.clone());
        Self { t, state, router }
    }

    /// Posts `query` with `variables`; returns the status, the body and the SQL statements it
    /// ran, the search log's included (flushed before counting).
    async fn post(&self, query: &str, variables: Value) -> (u16, Value, u64) {
        let before = self.state.statements.get();
        let body = json!({ "query": query, "variables": variables }).to_string();
        let reply = send(&self.router, post(body, GQL)).await;
        self.state.search_log.flush().await;
        let statements = self.state.statements.get() - before;
        (reply.status, reply.body, statements)
    }

    async fn search_log_rows(&self) -> i64 {
        use sea_orm::{ConnectionTrait, DbBackend, Statement};
        let row = self
            .t
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                "SELECT count(*) AS n FROM search_logs",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get("", "n").unwrap()
    }

    /// Asserts that `query` is refused with `code` (400, no data) and runs no SQL.
    async fn refused(&self, query: &str, variables: Value, code: &str) {
        let (status, body, statements) = self.post(query, variables).await;
        let query: String = query.chars().take(200).collect();
        assert_eq!(status, 400, "{query}: {body}");
        assert!(body.get("data").is_none(), "{body}");
        assert_eq!(support::error_code(&body), Some(code), "{query}: {body}");
        assert_eq!(statements, 0, "{query}: nothing executes");
    }
}

const SEARCH: &str = "search(query: \"bass\") { totalCount } ";

#[tokio::test]
async fn identical_fields_execute_once() {
    let one = Server::new().await;
    let (status, body, single) = one.post(&format!("{{ {SEARCH} }}"), json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({ "data": { "search": { "totalCount": 1 } } }));
    assert_eq!(one.search_log_rows().await, 1);

    // 550 copies without aliases: within the token limit (9 tokens each), one search after the
    // merge. Before it, every copy ran its own search and wrote its own log row.
    let many = Server::new().await;
    let query = format!("{{ {} }}", SEARCH.repeat(550));
    let (status, body, statements) = many.post(&query, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({ "data": { "search": { "totalCount": 1 } } }));
    assert_eq!(statements, single, "550 copies run the statements of one");
    assert_eq!(many.search_log_rows().await, 1, "and log one search");

    // Merged selections answer every copy's fields, in the order they first appear.
    let (status, body, _) = many
        .post(
            "{ creators(first: 1) { nodes { name } } \
               creators(first: 1) { totalCount nodes { slug } } }",
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["creators"],
        json!({ "nodes": [{ "name": "Kilo Watt", "slug": "kilo-watt" }], "totalCount": 1 })
    );
    let keys: Vec<&String> = body["data"]["creators"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(keys, ["nodes", "totalCount"]);
}

#[tokio::test]
async fn copies_the_merge_cannot_reach_are_refused_by_cost() {
    let server = Server::new().await;
    // The same search through 300 different fragments (10 tokens each): each runs, since the
    // executor does not merge across fragments, so each costs a root field's full weight.
    let copies = |n: usize| {
        let spreads: String = (0..n).map(|i| format!("...F{i} ")).collect();
        let fragments: String = (0..n)
            .map(|i| format!("fragment F{i} on Query {{ ...S }} "))
            .collect();
        format!("{{ {spreads} }} {fragments} fragment S on Query {{ {SEARCH} }}")
    };
    server
        .refused(&copies(300), json!({}), "QUERY_TOO_COMPLEX")
        .await;
    assert_eq!(server.search_log_rows().await, 0);
    let (status, body, _) = server.post(&copies(3), json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["search"]["totalCount"], 1);

    // A root field weighs ROOT_FIELD_COST, its scalar 1: as many `me { id }` as fit the default
    // cost pass, one more does not (each in its own fragment, so none is merged).
    let roots = |n: u64| {
        let spreads: String = (0..n).map(|i| format!("...M{i} ")).collect();
        let fragments: String = (0..n)
            .map(|i| format!("fragment M{i} on Query {{ me {{ id }} }} "))
            .collect();
        format!("{{ {spreads} }} {fragments}")
    };
    let fit = limits::Limits::default().max_cost / (limits::ROOT_FIELD_COST + 1);
    let (status, body, _) = server.post(&roots(fit), json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({ "data": { "me": null } }));
    server
        .refused(&roots(fit + 1), json!({}), "QUERY_TOO_COMPLEX")
        .await;
}

#[tokio::test]
async fn page_sizes_count_as_the_executor_will_use_them() {
    let server = Server::new().await;
    // (a) A variable's default is the page size when the request leaves the variable out.
    let nested = "query($n: Int = 100) { creators(first: $n) { edges { node { \
                  techniquePages(first: $n) { edges { node { title } } } } } } }";
    server.refused(nested, json!({}), "QUERY_TOO_COMPLEX").await;
    server
        .refused(nested, json!({ "n": 100 }), "QUERY_TOO_COMPLEX")
        .await;
    let (status, body, _) = server.post(nested, json!({ "n": 5 })).await;
    assert_eq!(status, 200, "{body}");

    // (b) `limit:` sizes a list: given, or the schema's default (`tags(limit: Int! = 50)`).
    server
        .refused(
            "{ tags(limit: 100) { tag { techniquePages(first: 100) { nodes { title } } } } }",
            json!({}),
            "QUERY_TOO_COMPLEX",
        )
        .await;
    server
        .refused(
            "{ tags { tag { techniquePages(first: 100) { nodes { title slug summary } } } } }",
            json!({}),
            "QUERY_TOO_COMPLEX",
        )
        .await;
    let (status, body, _) = server
        .post("{ tags { name tag { name } } }", json!({}))
        .await;
    assert_eq!(status, 200, "{body}");

    // (b) `nodes(ids:)` repeats its selection once per id, literal or variable.
    let ids: Vec<String> = (0..100).map(|i| format!("Q3JlYXRvcjp{i}")).collect();
    let by_id = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Creator { \
                 techniquePages(first: 100) { nodes { title } } } } }";
    server
        .refused(by_id, json!({ "ids": ids }), "QUERY_TOO_COMPLEX")
        .await;
    let literal = format!(
        "{{ nodes(ids: {}) {{ ... on Creator {{ techniquePages(first: 100) {{ nodes {{ title }} }} }} }} }}",
        serde_json::to_string(&ids).unwrap()
    );
    server
        .refused(&literal, json!({}), "QUERY_TOO_COMPLEX")
        .await;
}

#[tokio::test]
async fn spreads_count_as_tokens() {
    let server = Server::new().await;
    // 4,000 spreads written without spaces: 8,000 tokens, not one long name.
    let query = format!(
        "{{ __typename{} }} fragment F on Query {{ __typename }}",
        "...F".repeat(4000)
    );
    server.refused(&query, json!({}), "TOO_MANY_TOKENS").await;
    // The same with few spreads is an ordinary query.
    let (status, body, _) = server
        .post(
            "{ __typename...F...F } fragment F on Query { __typename }",
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({ "data": { "__typename": "Query" } }));
}

#[tokio::test]
async fn unknown_misplaced_and_repeated_directives_are_validation_errors() {
    let server = Server::new().await;
    for query in [
        "{ creators @aa { totalCount } }",
        "{ creators @skip(if: false) @skip(if: false) { totalCount } }",
        "query($n: Int @aa) { creators(first: $n) { totalCount } }",
        "query($n: Int @skip(if: true)) { creators(first: $n) { totalCount } }",
        "query @include(if: true) { creators { totalCount } }",
        "{ ...F @aa } fragment F on Query { creators { totalCount } }",
        "{ ...F } fragment F on Query @skip(if: false) { creators { totalCount } }",
        "{ ... @include(if: true) @include(if: true) { creators { totalCount } } }",
    ] {
        server
            .refused(query, json!({}), "GRAPHQL_VALIDATION_FAILED")
            .await;
    }
    let (status, body, _) = server
        .post(
            "query($v: Boolean!) { creators @include(if: $v) @skip(if: false) { totalCount } }",
            json!({ "v": true }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["creators"]["totalCount"], 1);
    // The directive limit counts what executes: 60 identical copies are one field after merging.
    let copies = "totalCount @include(if: true) ".repeat(60);
    let (status, body, _) = server
        .post(&format!("{{ creators {{ {copies} }} }}"), json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({ "data": { "creators": { "totalCount": 1 } } }));
}

/// The names of the operations in `text` (one file of operations).
fn operations(text: &str) -> Vec<String> {
    let doc = async_graphql::parser::parse_query(text).unwrap();
    doc.operations
        .iter()
        .map(|(name, _)| name.unwrap().to_string())
        .collect()
}

#[test]
fn shipped_operations_pass_the_default_limits() {
    let index = SchemaIndex::from_sdl(&graph::sdl());
    let limits = limits::Limits::default();
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut files: Vec<_> = ["bench/queries", "clients/typescript/operations"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(format!("{root}/{dir}")).unwrap())
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "graphql"))
        .collect();
    files.sort();
    assert!(files.len() >= 9, "{files:?}");
    // The largest page sizes the clients ask for (the smoke test searches with first: 100).
    let variables = async_graphql::Variables::from_json(json!({ "first": 100, "limit": 100 }));
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        limits::check_tokens(&text, &limits).unwrap();
        let doc = server::graphql::normalize::normalize(
            async_graphql::parser::parse_query(&text).unwrap(),
        );
        for name in operations(&text) {
            limits::check_document(&doc, Some(&name), &variables, &index, &limits)
                .unwrap_or_else(|e| panic!("{}: {name}: {e}", file.display()));
        }
    }
}

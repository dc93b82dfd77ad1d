//! Regression tests for issue 11 (hardening): hardening_errors.
//!
//! Field errors over HTTP follow the spec's "Handling Field Errors" (finding 15a): the errored
//! field is `null` and a `null` in a non-null position nulls the nearest nullable parent. Client
//! input the executor or PostgreSQL cannot take (a NUL character, an `Int` outside 32 bits, a
//! `DateTime` that is not one) is `BAD_USER_INPUT` naming the argument, not an internal error
//! (finding 7).

use axum::http::Request;
use serde_json::{Value, json};
use server::{AppState, app};

use crate::http_protocol::{post, send};

const GQL: &str = "application/graphql-response+json";

/// A router over a database with creator Alpha (two technique pages, both tagged bass) and the
/// statement counter of that database.
async fn router() -> (axum::Router, graph::stats::StatementCounter) {
    let t = support::test_db().await;
    let alpha = support::fixtures::creator(&t.db, "Alpha").await;
    let bass = support::fixtures::tag(&t.db, "bass").await;
    for title in ["Reese", "Wobble"] {
        let page = support::fixtures::page(&t.db, &alpha, title).await;
        support::fixtures::tag_page(&t.db, &page, &bass).await;
    }
    let statements = t.statements.clone();
    (app(AppState::new(t.db.clone())), statements)
}

fn body(query: &str, variables: Value) -> String {
    json!({ "query": query, "variables": variables }).to_string()
}

async fn ask(router: &axum::Router, query: &str) -> (u16, Value) {
    ask_with(router, query, json!({})).await
}

async fn ask_with(router: &axum::Router, query: &str, variables: Value) -> (u16, Value) {
    let request: Request<_> = post(body(query, variables), GQL);
    let reply = send(router, request).await;
    (reply.status, reply.body)
}

/// Each error's `path` and `extensions.code`, in response order.
fn paths_and_codes(body: &Value) -> Vec<(Value, Value)> {
    body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["path"].clone(), e["extensions"]["code"].clone()))
        .collect()
}

#[tokio::test]
async fn an_errored_nullable_field_is_null_and_its_siblings_stay() {
    let (router, _) = router().await;
    let (status, body) = ask(
        &router,
        r#"{ node(id: "bad") { id } creators(first: 1) { totalCount } }"#,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"],
        json!({ "node": null, "creators": { "totalCount": 1 } })
    );
    assert_eq!(
        paths_and_codes(&body),
        [(json!(["node"]), json!("BAD_USER_INPUT"))]
    );

    // The only root field failed: data is an object holding its null, not null itself.
    let (status, body) = ask(&router, r#"{ node(id: "bad") { id } }"#).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"], json!({ "node": null }));
    assert_eq!(body["errors"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_non_null_field_nulls_its_nearest_nullable_parent() {
    let (router, _) = router().await;
    // Creator.techniquePages is non-null, so creator (nullable) becomes null; tag is untouched.
    let (status, body) = ask(
        &router,
        r#"{ creator(slug: "alpha") { name techniquePages(first: 500) { totalCount } }
             tag(name: "bass") { name } }"#,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"],
        json!({ "creator": null, "tag": { "name": "bass" } })
    );
    assert_eq!(
        paths_and_codes(&body),
        [(
            json!(["creator", "techniquePages"]),
            json!("BAD_USER_INPUT")
        )]
    );

    // The same through aliases, a fragment and an inline fragment.
    let (_, body) = ask(
        &router,
        r#"{ c: creator(slug: "alpha") { ...F } t: tag(name: "bass") { n: name } }
           fragment F on Creator { n: name ... on Creator { p: techniquePages(first: 500) { totalCount } } }"#,
    )
    .await;
    assert_eq!(body["data"], json!({ "c": null, "t": { "n": "bass" } }));
    assert_eq!(body["errors"][0]["path"], json!(["c", "p"]));
}

#[tokio::test]
async fn a_failed_non_null_root_field_nulls_data() {
    let (router, _) = router().await;
    // contentReports is a non-null root field an anonymous viewer may not read (signed out:
    // UNAUTHENTICATED, issue 12's one permission gate; it was FORBIDDEN).
    let (status, body) = ask(
        &router,
        "{ contentReports { totalCount } creators(first: 1) { totalCount } }",
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body.as_object().unwrap().contains_key("data"),
        "data is present (null), so the response is not a request error: {body}"
    );
    assert_eq!(body["data"], Value::Null);
    assert_eq!(
        paths_and_codes(&body),
        [(json!(["contentReports"]), json!("UNAUTHENTICATED"))]
    );

    let (status, body) = ask(
        &router,
        r#"{ tag(name: "bass") { name } creators(first: 500) { totalCount } }"#,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({ "data": null, "errors": body["errors"].clone() })
    );
    assert_eq!(body["errors"][0]["path"], json!(["creators"]));
}

#[tokio::test]
async fn list_items_null_themselves_or_take_their_list_along() {
    let (router, _) = router().await;
    let (_, ids) = ask(
        &router,
        r#"{ creator(slug: "alpha") { id } tag(name: "bass") { id } }"#,
    )
    .await;
    let creator = ids["data"]["creator"]["id"].clone();
    let tag = ids["data"]["tag"]["id"].clone();

    // nodes is [Node]!: the failed item is null, the other item stays.
    let (status, body) = ask_with(
        &router,
        "query($ids: [ID!]!) { nodes(ids: $ids) {
             id ... on Creator { techniquePages(first: 500) { totalCount } } } }",
        json!({ "ids": [creator, tag] }),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["data"], json!({ "nodes": [null, { "id": tag }] }));
    assert_eq!(
        paths_and_codes(&body),
        [(
            json!(["nodes", 0, "techniquePages"]),
            json!("BAD_USER_INPUT")
        )]
    );

    // nodes of a connection are [TechniquePage!]!: one failed page nulls the list, and from
    // there the non-null connection, up to the nullable tag; creators is untouched.
    let (status, body) = ask(
        &router,
        r#"{ tag(name: "bass") { name techniquePages(first: 5) {
                 nodes { title versions(first: 500) { totalCount } } } }
             creators(first: 1) { totalCount } }"#,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        body["data"],
        json!({ "tag": null, "creators": { "totalCount": 1 } })
    );
    let mut paths: Vec<Value> = paths_and_codes(&body).into_iter().map(|(p, _)| p).collect();
    paths.sort_by_key(Value::to_string);
    assert_eq!(
        paths,
        [
            json!(["tag", "techniquePages", "nodes", 0, "versions"]),
            json!(["tag", "techniquePages", "nodes", 1, "versions"]),
        ]
    );
}

/// Asserts a refused input: `BAD_USER_INPUT` naming `argument`, and no statement executed.
fn assert_bad_input(body: &Value, argument: &str, executed: u64) {
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{body}");
    assert_eq!(error["extensions"]["argument"], argument, "{body}");
    assert_eq!(body["errors"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(executed, 0, "nothing executed: {body}");
}

#[tokio::test]
async fn a_nul_character_is_refused_before_execution_in_literals_and_variables() {
    let (router, statements) = router().await;
    let cases = [
        // A GraphQL escape in a literal, in an input object, a raw NUL in the text.
        (
            r#"{ search(query: "bass\u0000") { totalCount } }"#,
            json!({}),
            "query",
        ),
        (
            r#"{ creators(filter: { text: "a\u0000" }) { totalCount } }"#,
            json!({}),
            "filter",
        ),
        ("{ tag(name: \"bass\u{0}\") { name } }", json!({}), "name"),
        (
            "query($q: String!) { search(query: $q) { totalCount } }",
            json!({ "q": "bass\u{0}" }),
            "query",
        ),
        (
            "query($f: CreatorFilter) { creators(filter: $f) { totalCount } }",
            json!({ "f": { "genre": "\u{0}dubstep" } }),
            "filter",
        ),
    ];
    for (query, variables, argument) in cases {
        let before = statements.get();
        let (status, body) = ask_with(&router, query, variables).await;
        assert_eq!(status, 400, "a request error: {body}");
        assert!(body.get("data").is_none(), "{body}");
        assert_bad_input(&body, argument, statements.get() - before);
    }
    let (_, body) = ask_with(
        &router,
        "query($q: String!) { search(query: $q) { totalCount } }",
        json!({ "q": "bass\u{0}" }),
    )
    .await;
    assert_eq!(body["errors"][0]["extensions"]["variable"], "q");
}

#[tokio::test]
async fn out_of_range_ints_and_invalid_datetimes_are_refused_before_execution() {
    let (router, statements) = router().await;
    let cases = [
        ("{ tags(limit: 2147483648) { name } }", json!({}), "limit"),
        ("{ tags(limit: -2147483649) { name } }", json!({}), "limit"),
        (
            "query($n: Int!) { tags(limit: $n) { name } }",
            json!({ "n": 2_147_483_648_u64 }),
            "limit",
        ),
        (
            r#"{ tag(name: "bass") { techniquePages(first: 2147483648) { totalCount } } }"#,
            json!({}),
            "first",
        ),
        (
            r#"{ popularSearches(since: "yesterday") { query } }"#,
            json!({}),
            "since",
        ),
        (
            "query($s: DateTime) { popularSearches(since: $s) { query } }",
            json!({ "s": "yesterday" }),
            "since",
        ),
    ];
    for (query, variables, argument) in cases {
        let before = statements.get();
        let (status, body) = ask_with(&router, query, variables).await;
        assert_eq!(status, 400, "a request error: {body}");
        assert!(body.get("data").is_none(), "{body}");
        assert_bad_input(&body, argument, statements.get() - before);
    }
    // A valid date and time still runs.
    let (status, body) = ask(
        &router,
        r#"{ popularSearches(since: "2024-05-01T12:00:00Z") { query } }"#,
    )
    .await;
    assert_eq!(
        (status, &body),
        (200, &json!({ "data": { "popularSearches": [] } }))
    );
}

#[tokio::test]
async fn any_other_value_the_executor_refuses_is_bad_user_input_naming_its_argument() {
    let (router, statements) = router().await;
    // Inside an input object: the executor refuses it while resolving the field, before the
    // resolver runs (so before authorization), at the argument's location.
    for (input, variables) in [
        (r#"{ usesRemaining: 1, expiresAt: "yesterday" }"#, json!({})),
        ("{ usesRemaining: 2147483648 }", json!({})),
        (
            "$input",
            json!({ "input": { "usesRemaining": 1, "expiresAt": "soon" } }),
        ),
    ] {
        let declared = if input == "$input" {
            "($input: CreateInviteCodeInput!)"
        } else {
            ""
        };
        let query =
            format!("mutation {declared} {{ createInviteCode(input: {input}) {{ code }} }}");
        let before = statements.get();
        let (status, body) = ask_with(&router, &query, variables).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["data"], Value::Null, "a non-null root field: {body}");
        assert_eq!(body["errors"][0]["path"], json!(["createInviteCode"]));
        assert!(
            body["errors"][0]["extensions"].get("requestId").is_none(),
            "not an internal error: {body}"
        );
        assert_bad_input(&body, "input", statements.get() - before);
    }
}

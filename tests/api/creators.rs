//! `Query.creators`, `creator(slug:)`, nested technique pages and tags, and their bad input.

use serde_json::json;
use support::{error_code, fixtures};

#[tokio::test]
async fn creators_are_a_relay_connection_ordered_by_name() {
    let t = support::test_db().await;
    for name in ["Charlie", "Alpha", "Echo", "Bravo", "Delta"] {
        fixtures::creator(&t.db, name).await;
    }
    let first = t
        .execute("{ creators(first: 2) { totalCount edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage endCursor } } }")
        .await;
    let conn = &first["data"]["creators"];
    assert_eq!(conn["totalCount"], 5);
    let names: Vec<&str> = conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Alpha", "Bravo"]);
    assert_eq!(conn["pageInfo"]["hasNextPage"], true);
    assert_eq!(conn["pageInfo"]["hasPreviousPage"], false);

    let after = conn["pageInfo"]["endCursor"].as_str().unwrap();
    let next = t
        .execute_with(
            "query($after: String) { creators(first: 10, after: $after) { edges { node { name } } pageInfo { hasNextPage hasPreviousPage } } }",
            json!({ "after": after }),
        )
        .await;
    let names: Vec<&str> = next["data"]["creators"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Charlie", "Delta", "Echo"]);
    assert_eq!(next["data"]["creators"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(
        next["data"]["creators"]["pageInfo"]["hasPreviousPage"],
        true
    );

    let last = t.execute("{ creators(last: 2) { edges { node { name } } pageInfo { hasPreviousPage hasNextPage } } }").await;
    let names: Vec<&str> = last["data"]["creators"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Delta", "Echo"]);
    assert_eq!(
        last["data"]["creators"]["pageInfo"]["hasPreviousPage"],
        true
    );
    assert_eq!(last["data"]["creators"]["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn creator_by_slug_with_pages_and_tags() {
    let t = support::test_db().await;
    let c = fixtures::creator(&t.db, "Mr Wobble").await;
    let other = fixtures::creator(&t.db, "Someone Else").await;
    let reese = fixtures::page(&t.db, &c, "Reese Bass").await;
    let _ = fixtures::page(&t.db, &c, "Air Pads").await;
    let _ = fixtures::page(&t.db, &other, "Not Mine").await;
    let bass = fixtures::tag(&t.db, "bass").await;
    let fm = fixtures::tag(&t.db, "fm synthesis").await;
    fixtures::tag_page(&t.db, &reese, &fm).await;
    fixtures::tag_page(&t.db, &reese, &bass).await;

    let r = t
        .execute(r#"{ creator(slug: "mr-wobble") { name slug genres socialLinks { platform url }
              techniquePages(first: 5) { totalCount edges { node { title creator { name } tags { name } } } } } }"#)
        .await;
    assert_eq!(r["errors"], serde_json::Value::Null, "{r}");
    let creator = &r["data"]["creator"];
    assert_eq!(creator["slug"], "mr-wobble");
    assert_eq!(
        creator["socialLinks"],
        json!([{"platform": "youtube", "url": "https://youtube.example/mr-wobble"}])
    );
    assert_eq!(creator["techniquePages"]["totalCount"], 2);
    let pages = creator["techniquePages"]["edges"].as_array().unwrap();
    assert_eq!(pages[0]["node"]["title"], "Air Pads");
    assert_eq!(pages[1]["node"]["title"], "Reese Bass");
    assert_eq!(pages[1]["node"]["creator"]["name"], "Mr Wobble");
    assert_eq!(
        pages[1]["node"]["tags"],
        json!([{"name": "bass"}, {"name": "fm synthesis"}])
    );

    let tag = t.execute(r#"{ tag(name: " FM Synthesis ") { name techniquePages { totalCount edges { node { slug } } } } }"#).await;
    assert_eq!(tag["data"]["tag"]["techniquePages"]["totalCount"], 1);
    assert_eq!(
        tag["data"]["tag"]["techniquePages"]["edges"][0]["node"]["slug"],
        "mr-wobble-reese-bass"
    );
}

#[tokio::test]
async fn nested_connections_page_per_parent() {
    let t = support::test_db().await;
    let a = fixtures::creator(&t.db, "Alpha").await;
    let b = fixtures::creator(&t.db, "Bravo").await;
    for i in 0..5 {
        fixtures::page(&t.db, &a, &format!("A page {i}")).await;
        fixtures::page(&t.db, &b, &format!("B page {i}")).await;
    }
    let r = t
        .execute("{ creators { edges { node { techniquePages(first: 2) { pageInfo { hasNextPage endCursor } edges { node { title } } } } } } }")
        .await;
    let edges = r["data"]["creators"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 2, "{r}");
    for (edge, prefix) in edges.iter().zip(["A", "B"]) {
        let pages = &edge["node"]["techniquePages"];
        let titles: Vec<&str> = pages["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["title"].as_str().unwrap())
            .collect();
        assert_eq!(
            titles,
            [format!("{prefix} page 0"), format!("{prefix} page 1")]
        );
        assert_eq!(pages["pageInfo"]["hasNextPage"], true);
    }
    let cursor = edges[0]["node"]["techniquePages"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap();
    let r = t
        .execute_with(
            "query($c: String) { creator(slug: \"alpha\") { techniquePages(first: 10, after: $c) { pageInfo { hasNextPage hasPreviousPage } edges { node { title } } } } }",
            json!({ "c": cursor }),
        )
        .await;
    let pages = &r["data"]["creator"]["techniquePages"];
    assert_eq!(pages["edges"].as_array().unwrap().len(), 3);
    assert_eq!(pages["pageInfo"]["hasNextPage"], false);
    assert_eq!(pages["pageInfo"]["hasPreviousPage"], true);
}

#[tokio::test]
async fn missing_slug_is_null_not_an_error() {
    let t = support::test_db().await;
    let r = t.execute(r#"{ creator(slug: "nobody") { name } techniquePage(slug: "nothing") { title } tag(name: "none") { name } }"#).await;
    assert_eq!(r["errors"], serde_json::Value::Null);
    assert_eq!(
        r["data"],
        json!({"creator": null, "techniquePage": null, "tag": null})
    );
}

#[tokio::test]
async fn invalid_page_arguments_are_bad_user_input() {
    let t = support::test_db().await;
    fixtures::creator(&t.db, "Alpha").await;
    for (query, argument) in [
        ("{ creators(first: -1) { totalCount } }", "first"),
        ("{ creators(first: 100000) { totalCount } }", "first"),
        ("{ creators(last: 101) { totalCount } }", "last"),
        (
            r#"{ creators(after: "not-a-cursor") { totalCount } }"#,
            "after",
        ),
        (
            r#"{ creator(slug: "alpha") { techniquePages(before: "%%%") { totalCount } } }"#,
            "before",
        ),
    ] {
        let r = t.execute(query).await;
        assert_eq!(error_code(&r), Some("BAD_USER_INPUT"), "{query}: {r}");
        assert_eq!(
            r["errors"][0]["extensions"]["argument"], argument,
            "{query}: {r}"
        );
    }
}

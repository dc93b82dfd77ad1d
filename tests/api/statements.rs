//! Nested queries are batched: the statement count does not grow with page sizes or row counts.

use support::fixtures;

const NESTED: &str = "query($c: Int!, $p: Int!) { creators(first: $c) { totalCount edges { node { name
    techniquePages(first: $p) { totalCount edges { node { title creator { slug } tags { name } } } } } } } }";

#[tokio::test]
async fn nested_creators_pages_tags_take_a_fixed_number_of_statements() {
    let t = support::test_db().await;
    let tags = [
        fixtures::tag(&t.db, "bass").await,
        fixtures::tag(&t.db, "mixing").await,
        fixtures::tag(&t.db, "drums").await,
    ];
    for c in 0..25 {
        let creator = fixtures::creator(&t.db, &format!("Creator {c:02}")).await;
        for p in 0..12 {
            let page = fixtures::page(&t.db, &creator, &format!("Page {p:02}")).await;
            for tag in tags.iter().take(p % 4) {
                fixtures::tag_page(&t.db, &page, tag).await;
            }
        }
    }
    let mut counts = Vec::new();
    for (creators, pages) in [(2, 1), (20, 10), (25, 12)] {
        let before = t.statements.get();
        let r = t
            .execute_with(NESTED, serde_json::json!({ "c": creators, "p": pages }))
            .await;
        let used = t.statements.get() - before;
        assert_eq!(r["errors"], serde_json::Value::Null, "{r}");
        let edges = r["data"]["creators"]["edges"].as_array().unwrap();
        assert_eq!(edges.len(), creators);
        assert_eq!(
            edges[0]["node"]["techniquePages"]["edges"]
                .as_array()
                .unwrap()
                .len(),
            pages
        );
        counts.push(used);
    }
    // creators count + creators page + pages count + pages window + creators by id + tags = 6.
    assert!(
        counts.iter().all(|&c| c <= 6),
        "statements per query: {counts:?}"
    );
    assert!(
        counts.windows(2).all(|w| w[0] == w[1]),
        "statement count grew with page size: {counts:?}"
    );
}

#[tokio::test]
async fn the_issue_query_takes_three_statements() {
    let t = support::test_db().await;
    t.seed_demo().await;
    let before = t.statements.get();
    let r = t
        .execute("{ creators(first: 20) { edges { node { techniquePages(first: 10) { edges { node { tags { name } } } } } } } }")
        .await;
    assert_eq!(r["errors"], serde_json::Value::Null, "{r}");
    let used = t.statements.get() - before;
    assert!(used <= 6, "{used} statements");
    assert_eq!(used, 3, "creators page + pages window + tags");
}

//! Demo data: deterministic, complete enough to browse, and never loaded twice.

#[tokio::test]
async fn demo_seed_is_deterministic_and_refuses_to_double() {
    let a = support::test_db().await;
    let b = support::test_db().await;
    assert!(seed::is_empty(&a.db).await.unwrap());
    let report_a = a.seed_demo().await;
    let report_b = b.seed_demo().await;
    assert_eq!(report_a, report_b);
    assert!(
        report_a.creators >= 5 && report_a.technique_pages >= 20,
        "{report_a:?}"
    );
    assert!(!seed::is_empty(&a.db).await.unwrap());
    assert!(
        seed::seed(&a.db, seed::Scale::Demo, false).await.is_err(),
        "a second seed is refused"
    );

    let query = "{ creators(first: 3) { edges { node { slug techniquePages(first: 2) { edges { node { slug tags { name } } } } } } } }";
    assert_eq!(
        a.execute(query).await,
        b.execute(query).await,
        "same data, same answers"
    );
    // Both body formats are present, as the data model says.
    let formats = a
        .execute("{ creators(first: 100) { edges { node { techniquePages(first: 100) { edges { node { bodySectionsFormat } } } } } } }")
        .await
        .to_string();
    assert!(formats.contains("\"v1\"") && formats.contains("\"v2\""));
}

//! Filters, orderings, typed bodies and facets.

use entity::sea_orm_active_enums::{ContentType, ProcessingStatus, SourceQuality};
use serde_json::{Value, json};
use support::fixtures;
use uuid::Uuid;

fn titles(r: &Value, root: &str) -> Vec<String> {
    r["data"][root]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn technique_pages_filter_by_category_tags_plugin_quality_text_and_order() {
    let t = support::test_db().await;
    let a = fixtures::creator(&t.db, "Alpha Beta").await;
    let b = fixtures::creator(&t.db, "Gamma Delta").await;
    let p1 = fixtures::page(&t.db, &a, "Reese Bass")
        .topic_category("Sound design")
        .view_count(5)
        .source_quality(SourceQuality::High)
        .plugins(&["Serum", "OTT"])
        .await;
    let p2 = fixtures::page(&t.db, &a, "Snare Layering")
        .topic_category("Sound Design")
        .view_count(9)
        .await;
    fixtures::page(&t.db, &b, "Vocal Chops")
        .topic_category("Mixing")
        .view_count(1)
        .await;
    let (bass, drums) = (
        fixtures::tag(&t.db, "bass").await,
        fixtures::tag(&t.db, "drums").await,
    );
    fixtures::tag_page(&t.db, &p1, &bass).await;
    fixtures::tag_page(&t.db, &p1, &drums).await;
    fixtures::tag_page(&t.db, &p2, &drums).await;
    let q = "query($f: TechniquePageFilter, $o: TechniquePageOrder) {
        techniquePages(filter: $f, orderBy: $o) { totalCount nodes { title } } }";
    let cases = [
        (
            json!({ "topicCategory": "sound DESIGN" }),
            vec!["Reese Bass", "Snare Layering"],
        ),
        (
            json!({ "tags": { "any": ["Bass", "drums"] } }),
            vec!["Reese Bass", "Snare Layering"],
        ),
        (
            json!({ "tags": { "all": ["bass", "drums"] } }),
            vec!["Reese Bass"],
        ),
        (json!({ "plugin": "ott" }), vec!["Reese Bass"]),
        (json!({ "sourceQuality": "HIGH" }), vec!["Reese Bass"]),
        (json!({ "text": "chop" }), vec!["Vocal Chops"]),
        (
            json!({ "creator": graph::ids::encode(graph::ids::NodeKind::Creator, b.id).0 }),
            vec!["Vocal Chops"],
        ),
    ];
    for (filter, expected) in cases {
        let r = t
            .execute_with(q, json!({ "f": filter, "o": "TITLE_ASC" }))
            .await;
        assert_eq!(r["errors"], Value::Null, "{r}");
        assert_eq!(titles(&r, "techniquePages"), expected, "{filter}");
        assert_eq!(r["data"]["techniquePages"]["totalCount"], expected.len());
    }
    let r = t.execute_with(q, json!({ "o": "VIEW_COUNT_DESC" })).await;
    assert_eq!(
        titles(&r, "techniquePages"),
        vec!["Snare Layering", "Reese Bass", "Vocal Chops"]
    );
    // Unknown values are validation errors, not silent no-ops.
    let r = t.execute_with(q, json!({ "o": "POPULARITY" })).await;
    assert!(r["errors"].is_array(), "{r}");
    let r = t
        .execute_with(q, json!({ "f": { "sourceQuality": "GREAT" } }))
        .await;
    assert!(r["errors"].is_array(), "{r}");
    let r = t.execute_with(q, json!({ "f": { "text": "  " } })).await;
    assert_eq!(support::error_code(&r), Some("BAD_USER_INPUT"), "{r}");
    assert_eq!(r["errors"][0]["extensions"]["argument"], "text");
}

#[tokio::test]
async fn creators_filter_by_genre_featured_and_text() {
    let t = support::test_db().await;
    fixtures::creator(&t.db, "Alpha Beta").await;
    fixtures::creator(&t.db, "Gamma Delta")
        .featured(true)
        .genres(&["House"])
        .await;
    let q = "query($f: CreatorFilter, $o: CreatorOrder) { creators(filter: $f, orderBy: $o) {
        totalCount nodes { name } } }";
    for (filter, expected) in [
        (json!({ "genre": "house" }), vec!["Gamma Delta"]),
        (json!({ "genre": "DUBSTEP" }), vec!["Alpha Beta"]),
        (json!({ "featured": true }), vec!["Gamma Delta"]),
        (json!({ "text": "alp" }), vec!["Alpha Beta"]),
        (json!({}), vec!["Alpha Beta", "Gamma Delta"]),
    ] {
        let r = t.execute_with(q, json!({ "f": filter })).await;
        assert_eq!(r["errors"], Value::Null, "{r}");
        let names: Vec<&str> = r["data"]["creators"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, expected, "{filter}");
    }
    let r = t.execute_with(q, json!({ "o": "NAME_DESC" })).await;
    assert_eq!(r["data"]["creators"]["nodes"][0]["name"], "Gamma Delta");
}

#[tokio::test]
async fn key_moments_and_videos_filter_and_respect_visibility() {
    let t = support::test_db().await;
    let c = fixtures::creator(&t.db, "Alpha Beta").await;
    let a = fixtures::video(&t.db, &c)
        .id(Uuid::from_u128(1))
        .filename("a.mp4")
        .await;
    let b = fixtures::video(&t.db, &c)
        .id(Uuid::from_u128(2))
        .filename("b.mp4")
        .status(ProcessingStatus::Revoked)
        .await;
    fixtures::video(&t.db, &c)
        .id(Uuid::from_u128(3))
        .filename("c.mp4")
        .status(ProcessingStatus::Queued)
        .await;
    for (video, title, (start, end), kind, category, review) in [
        (
            &a,
            "Early tip",
            (0.0, 30.0),
            ContentType::Tip,
            "Mixing",
            "approved",
        ),
        (
            &a,
            "Late tutorial",
            (100.0, 200.0),
            ContentType::Tutorial,
            "mixing",
            "pending",
        ),
        (
            &b,
            "Hidden tip",
            (0.0, 30.0),
            ContentType::Tip,
            "Mixing",
            "approved",
        ),
    ] {
        fixtures::key_moment(&t.db, video, title)
            .span(start, end)
            .content_type(kind)
            .topic_category(category)
            .review_status(review)
            .await;
    }
    let q = "query($f: KeyMomentFilter) { keyMoments(filter: $f) { totalCount nodes { title } } }";
    for (filter, expected) in [
        (json!({}), vec!["Early tip", "Late tutorial"]),
        (json!({ "contentType": "TIP" }), vec!["Early tip"]),
        (json!({ "reviewStatus": "PENDING" }), vec!["Late tutorial"]),
        (
            json!({ "topicCategory": "MIXING" }),
            vec!["Early tip", "Late tutorial"],
        ),
        (json!({ "fromSeconds": 50.0 }), vec!["Late tutorial"]),
        (json!({ "toSeconds": 50.0 }), vec!["Early tip"]),
    ] {
        let r = t.execute_with(q, json!({ "f": filter })).await;
        assert_eq!(r["errors"], Value::Null, "{r}");
        assert_eq!(titles(&r, "keyMoments"), expected, "{filter}");
    }
    let q = "query($s: ProcessingStatus) { sourceVideos(filter: { processingStatus: $s }) {
        totalCount nodes { filename } } }";
    let r = t.execute_with(q, json!({ "s": "QUEUED" })).await;
    assert_eq!(
        r["data"]["sourceVideos"]["nodes"],
        json!([{ "filename": "c.mp4" }])
    );
    let r = t.execute_with(q, json!({ "s": "REVOKED" })).await;
    assert_eq!(r["data"]["sourceVideos"]["totalCount"], 0, "{r}");
    let r = t.execute_with(q, json!({ "s": null })).await;
    assert_eq!(r["data"]["sourceVideos"]["totalCount"], 2, "{r}");
}

#[tokio::test]
async fn body_sections_are_one_tree_for_v1_and_v2() {
    let t = support::test_db().await;
    let c = fixtures::creator(&t.db, "Alpha Beta").await;
    let p1 = fixtures::page(&t.db, &c, "One")
        .body("v1", json!({ "Overview": "First" }))
        .await;
    let p2 = fixtures::page(&t.db, &c, "Two")
        .body(
            "v2",
            json!([{ "heading": "Overview", "content": "First",
                     "children": [{ "heading": "Detail", "content": "Deep", "children": [] }] }]),
        )
        .signal_chains(json!([{ "name": "Main", "steps": ["Serum", "OTT"] }]))
        .await;
    let q = "query($s: String!) { techniquePage(slug: $s) { bodySectionsFormat
        bodySections { heading content children { heading content } } bodySectionsRaw
        signalChains { name steps } } }";
    let r = t.execute_with(q, json!({ "s": p1.slug })).await;
    assert_eq!(
        r["data"]["techniquePage"]["bodySections"],
        json!([{ "heading": "Overview", "content": "First", "children": [] }]),
        "{r}"
    );
    assert_eq!(r["data"]["techniquePage"]["bodySectionsFormat"], "v1");
    assert_eq!(r["data"]["techniquePage"]["signalChains"], Value::Null);
    let r = t.execute_with(q, json!({ "s": p2.slug })).await;
    assert_eq!(
        r["data"]["techniquePage"]["bodySections"][0]["children"],
        json!([{ "heading": "Detail", "content": "Deep" }]),
        "{r}"
    );
    assert_eq!(
        r["data"]["techniquePage"]["signalChains"],
        json!([{ "name": "Main", "steps": ["Serum", "OTT"] }])
    );
}

#[tokio::test]
async fn facets_merge_casings_and_home_lists_order() {
    let t = support::test_db().await;
    let c = fixtures::creator(&t.db, "Alpha Beta").featured(true).await;
    let p1 = fixtures::page(&t.db, &c, "One")
        .topic_category("Sound Design")
        .view_count(3)
        .await;
    let p2 = fixtures::page(&t.db, &c, "Two")
        .topic_category("Sound Design")
        .view_count(7)
        .await;
    fixtures::page(&t.db, &c, "Three")
        .topic_category("sound design")
        .await;
    let bass = fixtures::tag(&t.db, "bass").await;
    fixtures::tag(&t.db, "unused").await;
    fixtures::tag_page(&t.db, &p1, &bass).await;
    fixtures::tag_page(&t.db, &p2, &bass).await;
    let r = t
        .execute(
            "{ topicCategories { name count } tags(orderBy: PAGE_COUNT_DESC) { name pageCount }
               genres { name creatorCount } featuredCreators { name }
               trendingTechniquePages(limit: 2) { title } recentTechniquePages { title } }",
        )
        .await;
    assert_eq!(r["errors"], Value::Null, "{r}");
    let d = &r["data"];
    assert_eq!(
        d["topicCategories"],
        json!([{ "name": "Sound Design", "count": 3 }])
    );
    assert_eq!(
        d["tags"],
        json!([{ "name": "bass", "pageCount": 2 }, { "name": "unused", "pageCount": 0 }])
    );
    assert_eq!(d["genres"][0]["creatorCount"], 1);
    assert_eq!(d["featuredCreators"], json!([{ "name": "Alpha Beta" }]));
    assert_eq!(
        d["trendingTechniquePages"],
        json!([{ "title": "Two" }, { "title": "One" }])
    );
    assert_eq!(d["recentTechniquePages"].as_array().unwrap().len(), 3);
    let r = t
        .execute("{ featuredCreators(limit: 1000) { name } }")
        .await;
    assert_eq!(support::error_code(&r), Some("BAD_USER_INPUT"));
}

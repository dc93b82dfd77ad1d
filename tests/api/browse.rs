//! Filters, orderings, typed bodies and facets.

use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use support::fixtures;

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
    let p1 = fixtures::page(&t.db, &a, "Reese Bass").await;
    let p2 = fixtures::page(&t.db, &a, "Snare Layering").await;
    let p3 = fixtures::page(&t.db, &b, "Vocal Chops").await;
    let (bass, drums) = (
        fixtures::tag(&t.db, "bass").await,
        fixtures::tag(&t.db, "drums").await,
    );
    fixtures::tag_page(&t.db, &p1, &bass).await;
    fixtures::tag_page(&t.db, &p1, &drums).await;
    fixtures::tag_page(&t.db, &p2, &drums).await;
    t.db.execute_unprepared(&format!(
        "UPDATE technique_pages SET topic_category = 'Sound design', view_count = 5,
           source_quality = 'high', plugins = '{{Serum,OTT}}' WHERE id = '{}';
         UPDATE technique_pages SET topic_category = 'Sound Design', view_count = 9 WHERE id = '{}';
         UPDATE technique_pages SET topic_category = 'Mixing', view_count = 1 WHERE id = '{}';",
        p1.id, p2.id, p3.id
    ))
    .await
    .unwrap();
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
    let b = fixtures::creator(&t.db, "Gamma Delta").await;
    t.db.execute_unprepared(&format!(
        "UPDATE creators SET featured = true, genres = '{{House}}' WHERE id = '{}'",
        b.id
    ))
    .await
    .unwrap();
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
    t.db.execute_unprepared(&format!(
        "INSERT INTO source_videos (id, creator_id, filename, folder_name, processing_status)
           VALUES ('00000000-0000-0000-0000-000000000001', '{c}', 'a.mp4', 'f', 'complete'),
                  ('00000000-0000-0000-0000-000000000002', '{c}', 'b.mp4', 'f', 'revoked'),
                  ('00000000-0000-0000-0000-000000000003', '{c}', 'c.mp4', 'f', 'queued');
         INSERT INTO key_moments (source_video_id, title, start_time, end_time, content_type,
                                  topic_category, review_status)
           VALUES ('00000000-0000-0000-0000-000000000001', 'Early tip', 0, 30, 'tip', 'Mixing', 'approved'),
                  ('00000000-0000-0000-0000-000000000001', 'Late tutorial', 100, 200, 'tutorial', 'mixing', 'pending'),
                  ('00000000-0000-0000-0000-000000000002', 'Hidden tip', 0, 30, 'tip', 'Mixing', 'approved');",
        c = c.id
    ))
    .await
    .unwrap();
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
    let p1 = fixtures::page(&t.db, &c, "One").await;
    let p2 = fixtures::page(&t.db, &c, "Two").await;
    t.db.execute_unprepared(&format!(
        r#"UPDATE technique_pages SET body_sections_format = 'v1',
             body_sections = '{{"Overview": "First"}}' WHERE id = '{}';
           UPDATE technique_pages SET body_sections = '[{{"heading": "Overview", "content": "First",
             "children": [{{"heading": "Detail", "content": "Deep", "children": []}}]}}]',
             signal_chains = '[{{"name": "Main", "steps": ["Serum", "OTT"]}}]' WHERE id = '{}';"#,
        p1.id, p2.id
    ))
    .await
    .unwrap();
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
    let c = fixtures::creator(&t.db, "Alpha Beta").await;
    let p1 = fixtures::page(&t.db, &c, "One").await;
    let p2 = fixtures::page(&t.db, &c, "Two").await;
    let p3 = fixtures::page(&t.db, &c, "Three").await;
    let bass = fixtures::tag(&t.db, "bass").await;
    fixtures::tag(&t.db, "unused").await;
    fixtures::tag_page(&t.db, &p1, &bass).await;
    fixtures::tag_page(&t.db, &p2, &bass).await;
    t.db.execute_unprepared(&format!(
        "UPDATE technique_pages SET topic_category = 'Sound Design', view_count = 3 WHERE id = '{}';
         UPDATE technique_pages SET topic_category = 'Sound Design', view_count = 7 WHERE id = '{}';
         UPDATE technique_pages SET topic_category = 'sound design' WHERE id = '{}';
         UPDATE creators SET featured = true WHERE id = '{}';",
        p1.id, p2.id, p3.id, c.id
    ))
    .await
    .unwrap();
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

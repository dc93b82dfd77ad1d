//! The read graph: every relation resolves, global IDs refetch, and deep shapes are batched.

use graph::{Viewer, ViewerUser};
use serde_json::{Value, json};
use uuid::Uuid;

fn admin() -> Viewer {
    Viewer::User(ViewerUser {
        id: Uuid::new_v4(),
        role: entity::sea_orm_active_enums::UserRole::Admin,
        creator_id: None,
    })
}

const DEEP: &str = "query($n: Int!) { creators(first: $n) { edges { node { id name
  sourceVideos(first: $n) { totalCount nodes { id filename processingStatus creator { slug }
    transcript(first: $n) { totalCount nodes { id text sourceVideo { id } } }
    keyMoments(first: $n) { totalCount nodes { id title contentType reviewStatus
      highlight { id score shorts { id status preset } } } }
    highlights(first: $n) { nodes { id keyMoment { id } } }
    consent { id kbInclusion publicDisplay auditLog(first: $n) { totalCount nodes { id fieldName newValue } } }
    pipelineRuns(first: $n) { nodes { id status events(first: $n) { totalCount nodes { id eventType } } } }
    techniquePages { id slug } } }
  posts(first: $n) { totalCount nodes { id title isPublished attachments { id filename } } }
  techniquePages(first: $n) { nodes { id slug bodySectionsFormat
    bodySections { heading content children { heading children { heading } } }
    signalChains { name steps }
    versions(first: $n) { totalCount nodes { id versionNumber } }
    related { id relationship label target { slug } }
    referencedBy { id source { slug } }
    sourceVideos { id filename keyMoments(first: $n) { nodes { title } } }
    tags { id name } } } } } } }";

/// Every `"id"` value in a response, with the `__typename`-free path's last object.
fn ids(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                if k == "id" {
                    if let Some(id) = v.as_str() {
                        out.push(id.to_owned());
                    }
                } else {
                    ids(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| ids(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_deep_shape_resolves_every_relation_in_a_fixed_number_of_statements() {
    let t = support::test_db().await;
    t.seed_demo().await;
    // The shape has 33 relation loads (two where `totalCount` is asked) plus one for the bodies
    // of the listed technique pages (lists defer them); with batching that is the statement
    // count whatever the page size. N+1 would cost hundreds here (12 creators x 12 videos x 12
    // moments ...), on every run.
    //
    // A level with more than 32 parents is polled in several rounds (FuturesUnordered yields), and
    // the server's batch window is 1 ms of wall time: with the whole suite running on two cores a
    // round could outlast it and split a batch, a statement more that is timing, not N+1. The
    // test therefore batches within 100 ms (`execute_batched`): every level's keys are asked well
    // within it, so no batch splits and no run exceeds the bound. (A window that wide may also
    // join two levels' loads of one relation into one statement, so a run may take fewer.) N+1
    // still costs hundreds.
    let window = std::time::Duration::from_millis(100);
    let mut counts = Vec::new();
    let mut last = Value::Null;
    for n in [4, 8, 12] {
        let before = t.statements.get();
        let r = t
            .execute_batched(admin(), window, DEEP, json!({ "n": n }))
            .await;
        counts.push(t.statements.get() - before);
        assert_eq!(r["errors"], Value::Null, "{r}");
        last = r;
    }
    assert!(
        counts.iter().all(|&c| c <= 34),
        "statements grew with page size: {counts:?} for sizes 4, 8, 12"
    );
    let text = last.to_string();
    for needle in [
        "\"transcript\"",
        "\"auditLog\"",
        "\"events\"",
        "\"shorts\"",
        "\"attachments\"",
        "\"versionNumber\"",
        "\"relationship\"",
        "\"bodySections\"",
    ] {
        assert!(text.contains(needle), "{needle} missing");
    }
    let mut all = Vec::new();
    ids(&last["data"], &mut all);
    // Demo data populates every relation, so non-empty nested lists show up.
    assert!(all.len() > 100, "only {} ids", all.len());
}

#[tokio::test]
async fn every_global_id_refetches_its_object_through_node() {
    let t = support::test_db().await;
    t.seed_demo().await;
    let r = t.execute_as_viewer(admin(), DEEP, json!({ "n": 3 })).await;
    let mut all = Vec::new();
    ids(&r["data"], &mut all);
    all.sort();
    all.dedup();
    let r = t
        .execute_as_viewer(
            admin(),
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
            json!({ "ids": &all[..all.len().min(100)] }),
        )
        .await;
    assert_eq!(r["errors"], Value::Null, "{r}");
    let nodes = r["data"]["nodes"].as_array().unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    for (node, id) in nodes.iter().zip(&all) {
        assert_eq!(node["id"].as_str(), Some(id.as_str()), "{node}");
        kinds.insert(node["__typename"].as_str().unwrap().to_owned());
    }
    assert!(kinds.len() >= 10, "kinds seen: {kinds:?}");
}

#[tokio::test]
async fn bad_ids_are_bad_user_input_naming_the_argument() {
    let t = support::test_db().await;
    let r = t.execute("{ node(id: \"nope\") { id } }").await;
    assert_eq!(support::error_code(&r), Some("BAD_USER_INPUT"));
    assert_eq!(r["errors"][0]["extensions"]["argument"], "id");
    let creator = support::fixtures::creator(&t.db, "Some One").await;
    let r = t
        .execute_with(
            "query($id: ID!) { sourceVideo(id: $id) { id } }",
            json!({ "id": graph::ids::encode(graph::ids::NodeKind::Creator, creator.id).0 }),
        )
        .await;
    assert_eq!(support::error_code(&r), Some("BAD_USER_INPUT"), "{r}");
    let missing = graph::ids::encode(graph::ids::NodeKind::SourceVideo, Uuid::new_v4());
    let r = t
        .execute_with(
            "query($id: ID!) { sourceVideo(id: $id) { id } node(id: $id) { id } }",
            json!({ "id": missing.0 }),
        )
        .await;
    assert_eq!(r, json!({ "data": { "sourceVideo": null, "node": null } }));
}

const BODY: &str = "slug bodySectionsFormat
    bodySections { heading content children { heading content children { heading content } } }
    bodySectionsRaw signalChains { name steps } signalChainsRaw";

/// Lists read technique pages without their body; selecting it loads the bodies of all listed
/// pages in one more statement, and they are the stored ones.
#[tokio::test]
async fn listed_pages_load_their_real_body_in_one_statement() {
    let t = support::test_db().await;
    t.seed_demo().await;
    let lists = [
        "{ techniquePages(first: 6) { nodes { FIELDS } } }",
        "{ creators(first: 3) { nodes { techniquePages(first: 3) { nodes { FIELDS } } } } }",
        "{ trendingTechniquePages(limit: 4) { FIELDS } }",
    ];
    for list in lists {
        let light = list.replace("FIELDS", "slug title");
        let before = t.statements.get();
        let r = t.execute(&light).await;
        assert_eq!(r["errors"], Value::Null, "{r}");
        let without_body = t.statements.get() - before;

        let before = t.statements.get();
        let r = t.execute(&list.replace("FIELDS", BODY)).await;
        assert_eq!(r["errors"], Value::Null, "{r}");
        let with_body = t.statements.get() - before;
        assert_eq!(with_body, without_body + 1, "{list}");

        let pages = listed_pages_equal_their_detail(&t, &r, BODY, list).await;
        let mut formats = std::collections::BTreeSet::new();
        for page in pages {
            assert_ne!(page["bodySectionsRaw"], Value::Null, "{page}");
            formats.insert(page["bodySectionsFormat"].as_str().unwrap().to_owned());
        }
        assert!(!formats.is_empty());
    }
}

const DETAIL: &str = "id title bodySectionsFormat bodySections { heading content }
    tags { id name }
    related { id relationship label createdAt target { id slug title summary } }
    sourceVideos { id filename processingStatus createdAt keyMoments(first: 10) { nodes { id title } } }";

/// A page by slug reads the relations its query selects (tags, related links and their targets,
/// sources) in its own statement, through fragments too; only the sources' key moments take a
/// second. What it reads equals what the batched loaders give for the same page by global ID, for
/// the public and for an admin (who also sees hidden sources).
#[tokio::test]
async fn a_page_by_slug_reads_its_detail_in_its_own_statement() {
    let t = support::test_db().await;
    t.seed_demo().await;
    let r = t
        .execute_as_viewer(
            admin(),
            "{ techniquePages(first: 100) { nodes { slug } } }",
            json!({}),
        )
        .await;
    let slugs: Vec<Value> = r["data"]["techniquePages"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].clone())
        .collect();
    let by_slug = format!("query($s: String!) {{ techniquePage(slug: $s) {{ {DETAIL} }} }}");
    let by_fragment = format!(
        "query($s: String!) {{ techniquePage(slug: $s) {{ ...D }} }} fragment D on TechniquePage {{ {DETAIL} }}"
    );
    let by_id =
        format!("query($id: ID!) {{ node(id: $id) {{ ... on TechniquePage {{ {DETAIL} }} }} }}");
    let (mut tags, mut links, mut sources, mut hidden) = (0, 0, 0, 0);
    let mut linked = None;
    for slug in slugs {
        let mut public_sources = 0;
        for (viewer, is_admin) in [(Viewer::Anonymous, false), (admin(), true)] {
            let vars = json!({ "s": slug });
            let before = t.statements.get();
            let page = t
                .execute_as_viewer(viewer.clone(), &by_slug, vars.clone())
                .await;
            let used = t.statements.get() - before;
            assert_eq!(page["errors"], Value::Null, "{page}");
            let page = &page["data"]["techniquePage"];
            let n_sources = page["sourceVideos"].as_array().unwrap().len();
            let with_moments = u64::from(n_sources > 0);
            assert_eq!(used, 1 + with_moments, "{slug}: {page}");

            let before = t.statements.get();
            let fragment = t
                .execute_as_viewer(viewer.clone(), &by_fragment, vars)
                .await;
            assert_eq!(t.statements.get() - before, 1 + with_moments, "{slug}");
            assert_eq!(&fragment["data"]["techniquePage"], page, "{slug}");

            let node = t
                .execute_as_viewer(viewer, &by_id, json!({ "id": page["id"] }))
                .await;
            assert_eq!(&node["data"]["node"], page, "{slug} by slug and by ID");

            tags += page["tags"].as_array().unwrap().len();
            let n_links = page["related"].as_array().unwrap().len();
            if n_links > 0 {
                linked = Some(slug.clone());
            }
            links += n_links;
            if is_admin {
                sources += n_sources;
                hidden += n_sources - public_sources;
            } else {
                public_sources = n_sources;
            }
        }
    }
    // Link ends are read without their body; selecting it loads the stored one.
    let r = t
        .execute_with(
            "query($s: String!) { techniquePage(slug: $s) { related { target { slug bodySectionsRaw } } } }",
            json!({ "s": linked.expect("a page with links") }),
        )
        .await;
    for link in r["data"]["techniquePage"]["related"].as_array().unwrap() {
        let target = &link["target"];
        let stored = t
            .execute_with(
                "query($s: String!) { techniquePage(slug: $s) { slug bodySectionsRaw } }",
                json!({ "s": target["slug"] }),
            )
            .await;
        assert_eq!(&stored["data"]["techniquePage"], target);
        assert_ne!(target["bodySectionsRaw"], Value::Null);
    }
    // The demo data exercises every part, hidden sources included.
    assert!(
        tags > 0 && links > 0 && sources > 0 && hidden > 0,
        "{tags} {links} {sources} {hidden}"
    );
}

/// Creator and tag page lists read lean rows when their selection needs no more (ids, titles,
/// counts); a list that selects the other fields, directly or through fragments, reads them with
/// its rows in the same number of statements, and every value equals the page's detail view.
#[tokio::test]
async fn page_lists_read_lean_rows_unless_their_fields_need_more() {
    const LEAN: &str = "id slug title viewCount";
    const MORE: &str =
        "id slug title viewCount summary topicCategory topicTags plugins sourceQuality";
    let t = support::test_db().await;
    t.seed_demo().await;
    let top = t.execute("{ tags(limit: 1) { name pageCount } }").await;
    let tag = top["data"]["tags"][0]["name"].clone();
    assert!(
        top["data"]["tags"][0]["pageCount"].as_i64() >= Some(3),
        "{top}"
    );
    let lists = [
        "{ creators(first: 3) { nodes { techniquePages(first: 4) { nodes { FIELDS } } } } }"
            .to_owned(),
        "{ creators(first: 2) { nodes { techniquePages(first: 5) { edges { node { ...F } } } } } }
         fragment F on TechniquePage { FIELDS }"
            .to_owned(),
        format!("{{ tag(name: {tag}) {{ techniquePages(first: 6) {{ nodes {{ FIELDS }} }} }} }}"),
    ];
    for list in lists {
        let mut used = Vec::new();
        for fields in [LEAN, MORE] {
            let before = t.statements.get();
            let r = t.execute(&list.replace("FIELDS", fields)).await;
            used.push(t.statements.get() - before);
            assert_eq!(r["errors"], Value::Null, "{r}");
            listed_pages_equal_their_detail(&t, &r, fields, &list).await;
        }
        assert_eq!(used[0], used[1], "{list}: statements lean vs. more");
    }
}

/// The technique pages (objects with a `slug`) of list response `r`, at least three, after
/// checking that each equals its detail view of `fields`, which the list selected.
async fn listed_pages_equal_their_detail(
    t: &support::TestDb,
    r: &Value,
    fields: &str,
    list: &str,
) -> Vec<Value> {
    let mut pages = Vec::new();
    collect_objects_with(&r["data"], "slug", &mut pages);
    assert!(pages.len() >= 3, "{list}: {r}");
    for page in &pages {
        let detail = t
            .execute_with(
                &format!("query($s: String!) {{ techniquePage(slug: $s) {{ {fields} }} }}"),
                json!({ "s": page["slug"] }),
            )
            .await;
        assert_eq!(&detail["data"]["techniquePage"], page, "{list}");
    }
    pages
}

/// The objects with a `key` key anywhere in `value`.
fn collect_objects_with(value: &Value, key: &str, out: &mut Vec<Value>) {
    match value {
        Value::Object(map) if map.contains_key(key) => out.push(value.clone()),
        Value::Object(map) => map.values().for_each(|v| collect_objects_with(v, key, out)),
        Value::Array(items) => items.iter().for_each(|v| collect_objects_with(v, key, out)),
        _ => {}
    }
}

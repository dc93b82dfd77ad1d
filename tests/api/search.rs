//! Full-text search: matching (prefix, stems, accents), ranking, snippets, filters, pagination,
//! bad input, statement counts, and the search log behind `popularSearches`.

use std::time::Duration;

use graph::{
    Viewer, ViewerUser,
    ids::{NodeKind, encode},
};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};
use support::{TestDb, error_code, fixtures};
use uuid::Uuid;

use entity::sea_orm_active_enums::{ContentType, UserRole};

const SEARCH: &str = "query($q: String!, $types: [SearchType!], $filter: SearchFilter,
    $first: Int, $after: String) {
  search(query: $q, types: $types, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges {
      cursor rank
      snippets { field text html highlights { start length } }
      node {
        __typename
        ... on TechniquePage { slug title }
        ... on KeyMoment { title }
        ... on Creator { slug name }
        ... on TranscriptSegment { text }
      }
    }
  }
}";

async fn sql(t: &TestDb, statement: &str) {
    t.db.execute_unprepared(statement)
        .await
        .unwrap_or_else(|e| panic!("{e}: {statement}"));
}

/// Two creators with pages, a video (public, KB-included) with a moment and transcript lines.
struct Library {
    deja: Uuid,
    other: Uuid,
}

async fn library(t: &TestDb) -> Library {
    let deja = fixtures::creator(&t.db, "Déjà Vu")
        .bio("Makes <b>heavy</b> bass music and teaches compression.")
        .await;
    let other = fixtures::creator(&t.db, "Kilo Watt").await;
    fixtures::page(&t.db, &deja, "Reese Bass Design")
        .slug("reese-bass-design")
        .summary("Detuned saws, phase and movement.")
        .topic_category("Sound Design")
        .plugins(&["Serum"])
        .await;
    fixtures::page(&t.db, &other, "Mixing Drums")
        .slug("mixing-drums")
        .summary("Glue the kit; a reese bass needs space below 100 Hz.")
        .topic_category("Mixing")
        .plugins(&["OTT"])
        .await;
    fixtures::page(&t.db, &other, "Parallel Compression")
        .slug("parallel-compression")
        .summary("Compressing a copy & blending it \"under\" the dry signal.")
        .topic_category("sound design")
        .plugins(&["Pro-C 2"])
        .body(
            "v1",
            json!({ "Body": "Talks about sidechaining the reese." }),
        )
        .await;
    fixtures::page(&t.db, &other, "Vocal Chops")
        .slug("vocal-chops")
        .summary("Slicing vocals.")
        .topic_category("Sound Design")
        .plugins(&[])
        .await;
    let video = fixtures::video(&t.db, &deja).filename("reese.mp4").await;
    fixtures::consent(&t.db, &video).await;
    fixtures::key_moment(&t.db, &video, "Reese bass layering")
        .summary("Stacking detuned saws.")
        .span(10.0, 40.0)
        .content_type(ContentType::Tutorial)
        .topic_category("Sound design")
        .await;
    fixtures::segment(&t.db, &video, "So this reese bass is three saws detuned.").await;
    fixtures::segment(&t.db, &video, "Now the drums.")
        .span(5.0, 9.0)
        .await;
    Library {
        deja: deja.id,
        other: other.id,
    }
}

async fn search(t: &TestDb, vars: Value) -> Value {
    let r = t.execute_with(SEARCH, vars).await;
    assert_eq!(r["errors"], Value::Null, "{r}");
    r["data"]["search"].clone()
}

fn kinds_and_names(result: &Value) -> Vec<(String, String)> {
    result["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let n = &e["node"];
            let name = ["slug", "title", "text"]
                .iter()
                .find_map(|k| n[*k].as_str())
                .unwrap_or_default();
            (
                n["__typename"].as_str().unwrap().to_owned(),
                name.to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_word_must_match_and_the_last_is_a_prefix() {
    let t = support::test_db().await;
    library(&t).await;
    let r = search(&t, json!({ "q": "reese bas" })).await;
    let found = kinds_and_names(&r);
    assert_eq!(r["totalCount"], 4, "{r}");
    // Title matches rank above summary and transcript matches.
    let mut titles = found[..2].to_vec();
    titles.sort();
    assert_eq!(
        titles,
        vec![
            ("KeyMoment".into(), "Reese bass layering".into()),
            ("TechniquePage".into(), "reese-bass-design".into())
        ]
    );
    assert!(found.contains(&("TechniquePage".into(), "mixing-drums".into())));
    assert!(found.contains(&(
        "TranscriptSegment".into(),
        "So this reese bass is three saws detuned.".into()
    )));
    // The creator matches through the bio ("bass"), but "reese" is not in it: every word counts.
    assert!(!found.iter().any(|(k, _)| k == "Creator"), "{found:?}");
    let ranks: Vec<f64> = r["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["rank"].as_f64().unwrap())
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] >= w[1]), "{ranks:?}");
}

#[tokio::test]
async fn accents_stems_and_body_text_match() {
    let t = support::test_db().await;
    library(&t).await;
    // "deja" finds "Déjà Vu" (unaccent).
    let r = search(&t, json!({ "q": "deja", "types": ["CREATOR"] })).await;
    assert_eq!(
        kinds_and_names(&r),
        vec![("Creator".into(), "d-j-vu".into())]
    );
    // "compressing" and "compression" share a stem; the creator bio says "compression".
    let r = search(&t, json!({ "q": "compressing" })).await;
    let found = kinds_and_names(&r);
    assert_eq!(
        found[0],
        ("TechniquePage".into(), "parallel-compression".into())
    );
    assert!(
        found.contains(&("Creator".into(), "d-j-vu".into())),
        "{found:?}"
    );
    // Body text is indexed too: "sidechaining" appears only in a v1 body.
    let r = search(&t, json!({ "q": "sidechaining" })).await;
    assert_eq!(
        kinds_and_names(&r),
        vec![("TechniquePage".into(), "parallel-compression".into())]
    );
}

#[tokio::test]
async fn snippets_mark_the_matches_as_ranges_and_escaped_html() {
    let t = support::test_db().await;
    library(&t).await;
    let r = search(
        &t,
        json!({ "q": "reese bass", "types": ["TECHNIQUE_PAGE"] }),
    )
    .await;
    let first = &r["edges"][0];
    assert_eq!(first["node"]["slug"], "reese-bass-design");
    let title = &first["snippets"][0];
    assert_eq!(title["field"], "title");
    assert_eq!(title["text"], "Reese Bass Design");
    assert_eq!(
        title["highlights"],
        json!([{ "start": 0, "length": 5 }, { "start": 6, "length": 4 }])
    );
    assert_eq!(title["html"], "<mark>Reese</mark> <mark>Bass</mark> Design");
    assert_eq!(first["snippets"][1]["field"], "summary");

    // Stored text is escaped in `html`; plain `text` stays as stored.
    let r = search(&t, json!({ "q": "blending", "types": ["TECHNIQUE_PAGE"] })).await;
    let summary = &r["edges"][0]["snippets"][1];
    assert_eq!(summary["field"], "summary");
    let text = summary["text"].as_str().unwrap();
    assert!(
        text.contains("a copy & blending it \"under\" the"),
        "{summary}"
    );
    let html = summary["html"].as_str().unwrap();
    assert!(
        html.contains("&amp; <mark>blending</mark> it &quot;under&quot;"),
        "{html}"
    );

    // A transcript has one snippet, its text.
    let r = search(&t, json!({ "q": "saws", "types": ["TRANSCRIPT"] })).await;
    let snippets = r["edges"][0]["snippets"].as_array().unwrap();
    assert_eq!(snippets.len(), 1);
    assert_eq!(snippets[0]["field"], "text");
    assert_eq!(snippets[0]["highlights"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn types_and_filters_narrow_the_results() {
    let t = support::test_db().await;
    let lib = library(&t).await;
    let r = search(
        &t,
        json!({ "q": "reese", "types": ["KEY_MOMENT", "TRANSCRIPT"] }),
    )
    .await;
    let kinds: Vec<String> = kinds_and_names(&r).into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds.len(), 2, "{r}");
    assert!(
        kinds.contains(&"KeyMoment".to_owned()) && kinds.contains(&"TranscriptSegment".to_owned())
    );

    // Creator filter: the creator's pages, moments and transcripts only.
    let creator = encode(NodeKind::Creator, lib.other).0;
    let r = search(
        &t,
        json!({ "q": "reese", "filter": { "creator": creator } }),
    )
    .await;
    let mut found = kinds_and_names(&r);
    found.sort();
    assert_eq!(
        found,
        vec![
            ("TechniquePage".into(), "mixing-drums".into()),
            ("TechniquePage".into(), "parallel-compression".into())
        ]
    );
    assert_eq!(r["totalCount"], 2, "{r}");
    let creator = encode(NodeKind::Creator, lib.deja).0;
    let r = search(
        &t,
        json!({ "q": "reese", "filter": { "creator": creator } }),
    )
    .await;
    assert_eq!(r["totalCount"], 3, "{r}");

    // Topic category, case-insensitively; creators and transcripts have none and drop out.
    let r = search(
        &t,
        json!({ "q": "saws", "filter": { "topicCategory": "SOUND DESIGN" } }),
    )
    .await;
    let mut found = kinds_and_names(&r);
    found.sort();
    assert_eq!(
        found,
        vec![
            ("KeyMoment".into(), "Reese bass layering".into()),
            ("TechniquePage".into(), "reese-bass-design".into())
        ]
    );
}

#[tokio::test]
async fn results_page_with_cursors_and_a_stable_total() {
    let t = support::test_db().await;
    let c = fixtures::creator(&t.db, "Pager").await;
    for i in 0..7 {
        fixtures::page(&t.db, &c, &format!("Wobble {i}")).await;
    }
    let first = search(&t, json!({ "q": "wobble", "first": 3 })).await;
    assert_eq!(first["totalCount"], 7);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    assert_eq!(first["pageInfo"]["hasPreviousPage"], false);
    let mut seen: Vec<(String, String)> = kinds_and_names(&first);
    let mut after = first["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    loop {
        let page = search(&t, json!({ "q": "wobble", "first": 3, "after": after })).await;
        assert_eq!(page["totalCount"], 7, "{page}");
        assert_eq!(page["pageInfo"]["hasPreviousPage"], true);
        seen.extend(kinds_and_names(&page));
        if page["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().unwrap().to_owned();
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 7, "{seen:?}");
    assert_eq!(seen.len(), 7);
    // Past the end: no rows, the total is still right.
    let cursor = graph::pagination::encode_cursor(50);
    let past = search(&t, json!({ "q": "wobble", "after": cursor })).await;
    assert_eq!(past["edges"], json!([]));
    assert_eq!(past["totalCount"], 7);
    // Nothing found.
    let none = search(&t, json!({ "q": "zzzzzz" })).await;
    assert_eq!(none["totalCount"], 0);
    assert_eq!(none["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn bad_arguments_are_rejected_with_the_argument_named() {
    let t = support::test_db().await;
    library(&t).await;
    let cases = [
        (json!({ "q": "" }), "query"),
        (json!({ "q": "   " }), "query"),
        (json!({ "q": "&& !! :*" }), "query"),
        (json!({ "q": "x".repeat(201) }), "query"),
        (json!({ "q": "a ".repeat(17) }), "query"),
        (json!({ "q": "bass", "types": [] }), "types"),
        (json!({ "q": "bass", "first": 101 }), "first"),
        (json!({ "q": "bass", "first": -1 }), "first"),
        (json!({ "q": "bass", "after": "garbage" }), "after"),
        (
            json!({ "q": "bass", "filter": { "creator": "nope" } }),
            "creator",
        ),
        (
            json!({ "q": "bass", "filter": { "topicCategory": " " } }),
            "topicCategory",
        ),
    ];
    for (vars, argument) in cases {
        let before = t.statements.get();
        let r = t.execute_with(SEARCH, vars.clone()).await;
        assert_eq!(error_code(&r), Some("BAD_USER_INPUT"), "{vars}: {r}");
        assert_eq!(
            r["errors"][0]["extensions"]["argument"], argument,
            "{vars}: {r}"
        );
        assert_eq!(r["data"], Value::Null, "{r}");
        assert_eq!(t.statements.get(), before, "{vars}: nothing runs");
    }
    // Unknown result kinds are validation errors.
    let r = t
        .execute_with(SEARCH, json!({ "q": "bass", "types": ["VIDEO"] }))
        .await;
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("VIDEO"),
        "{r}"
    );
    // Query syntax characters are just text.
    for q in [
        "'; DROP TABLE creators; --",
        "bass:* | !reese",
        "(reese) <-> bass",
        "\\'x'",
    ] {
        let r = t.execute_with(SEARCH, json!({ "q": q })).await;
        assert_eq!(r["errors"], Value::Null, "{q}: {r}");
    }
    let r = search(&t, json!({ "q": "bass:* | !reese" })).await;
    assert_eq!(r["totalCount"], 4, "`bass reese` (all words): {r}");
}

#[tokio::test]
async fn a_search_takes_a_fixed_number_of_statements() {
    let t = support::test_db().await;
    t.seed_demo().await;
    let (schema, log) = t.logging_schema();
    let mut counts = Vec::new();
    for first in [1, 20, 100] {
        let before = t.statements.get();
        let r = t
            .execute_on(
                &schema,
                Viewer::Anonymous,
                SEARCH,
                json!({ "q": "bass", "first": first }),
            )
            .await;
        log.flush().await;
        assert_eq!(r["errors"], Value::Null, "{r}");
        let edges = r["data"]["search"]["edges"].as_array().unwrap();
        let total = r["data"]["search"]["totalCount"].as_u64().unwrap();
        assert_eq!(edges.len() as u64, total.min(first));
        let mut kinds: Vec<&str> = edges
            .iter()
            .map(|e| e["node"]["__typename"].as_str().unwrap())
            .collect();
        kinds.sort_unstable();
        kinds.dedup();
        // The visibility generation the cache compares, the search, one batch per kind of
        // result on the page, the search log insert.
        assert_eq!(
            t.statements.get() - before,
            3 + kinds.len() as u64,
            "first {first}: {kinds:?}"
        );
        counts.push(t.statements.get() - before);
    }
    assert!(counts.iter().all(|&c| c <= 7), "{counts:?}");
}

fn user(role: UserRole) -> (Uuid, Viewer) {
    let id = Uuid::new_v4();
    (
        id,
        Viewer::User(ViewerUser {
            id,
            role,
            creator_id: None,
        }),
    )
}

#[derive(Debug, PartialEq, sea_orm::FromQueryResult)]
struct LogRow {
    query: String,
    result_count: i32,
    user_id: Option<Uuid>,
}

async fn log_rows(t: &TestDb) -> Vec<LogRow> {
    use sea_orm::{DbBackend, FromQueryResult, Statement};
    LogRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT query, result_count, user_id FROM search_logs ORDER BY created_at, query",
    ))
    .all(&t.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn first_page_searches_are_logged_normalized_with_count_and_viewer() {
    let t = support::test_db().await;
    library(&t).await;
    let fan = t.user("fan@example.com", UserRole::Creator, None).await;
    let (schema, log) = t.logging_schema();
    let fan_viewer = Viewer::User(ViewerUser {
        id: fan.id,
        role: UserRole::Creator,
        creator_id: None,
    });
    let r = t
        .execute_on(
            &schema,
            fan_viewer,
            SEARCH,
            json!({ "q": "  Reese   BASS " }),
        )
        .await;
    assert_eq!(r["errors"], Value::Null, "{r}");
    let cursor = r["data"]["search"]["edges"][0]["cursor"].clone();
    // Paging through results is not a new search.
    let r = t
        .execute_on(
            &schema,
            Viewer::Anonymous,
            SEARCH,
            json!({ "q": "reese bass", "after": cursor }),
        )
        .await;
    assert_eq!(r["errors"], Value::Null, "{r}");
    // A refused search is not logged either.
    t.execute_on(&schema, Viewer::Anonymous, SEARCH, json!({ "q": "" }))
        .await;
    t.execute_on(&schema, Viewer::Anonymous, SEARCH, json!({ "q": "qwxyz" }))
        .await;
    log.flush().await;
    let rows = log_rows(&t).await;
    assert_eq!(
        rows,
        vec![
            LogRow {
                query: "reese bass".into(),
                result_count: 4,
                user_id: Some(fan.id),
            },
            LogRow {
                query: "qwxyz".into(),
                result_count: 0,
                user_id: None,
            },
        ]
    );
}

#[tokio::test]
async fn logging_never_delays_the_search_and_loses_nothing_under_load() {
    let t = support::test_db().await;
    library(&t).await;
    let (schema, log) = t.logging_schema();
    // Another session locks the log table: any insert now waits until it lets go.
    let blocker = t.db.begin().await.unwrap();
    blocker
        .execute_unprepared("LOCK TABLE search_logs IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let searches = (0..200).map(|i| {
        let schema = &schema;
        let t = &t;
        async move {
            let q = format!("reese {}", ["bass", "saws", "drums", "detuned"][i % 4]);
            t.execute_on(schema, Viewer::Anonymous, SEARCH, json!({ "q": q }))
                .await
        }
    });
    // The searches answer while their log rows cannot be written.
    let answers =
        tokio::time::timeout(Duration::from_secs(60), futures::future::join_all(searches))
            .await
            .expect("searches waited for the blocked search log");
    assert!(answers.iter().all(|r| r["errors"] == Value::Null));
    blocker.commit().await.unwrap();
    log.flush().await;
    let rows = log_rows(&t).await;
    assert_eq!(rows.len(), 200, "every search is logged");
    assert_eq!(rows.iter().filter(|r| r.query == "reese bass").count(), 50);
}

#[tokio::test]
async fn popular_searches_count_recent_queries_that_found_something() {
    let t = support::test_db().await;
    let now = chrono::Utc::now().naive_utc();
    let ago = |d: chrono::Duration| now - d;
    for (query, count, at) in [
        ("reese bass", 4, ago(chrono::Duration::hours(1))),
        ("reese bass", 4, ago(chrono::Duration::hours(2))),
        ("reese bass", 3, ago(chrono::Duration::days(3))),
        ("sidechain", 2, ago(chrono::Duration::hours(1))),
        ("sidechain", 2, ago(chrono::Duration::minutes(30))),
        ("ott", 1, ago(chrono::Duration::minutes(5))),
        ("nothing here", 0, now),
        ("nothing here", 0, now),
        ("old news", 9, ago(chrono::Duration::days(30))),
        ("old news", 9, ago(chrono::Duration::days(30))),
        ("old news", 9, ago(chrono::Duration::days(30))),
        ("old news", 9, ago(chrono::Duration::days(30))),
    ] {
        fixtures::search_log(&t.db, query, count)
            .created_at(at)
            .await;
    }
    let q = "query($since: DateTime, $limit: Int) {
        popularSearches(since: $since, limit: $limit) { query count lastSearchedAt } }";
    let r = t.execute_with(q, json!({})).await;
    assert_eq!(r["errors"], Value::Null, "{r}");
    let names: Vec<(&str, i64)> = r["data"]["popularSearches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["query"].as_str().unwrap(), p["count"].as_i64().unwrap()))
        .collect();
    assert_eq!(names, vec![("reese bass", 3), ("sidechain", 2), ("ott", 1)]);

    let since = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339();
    let r = t
        .execute_with(q, json!({ "since": since, "limit": 2 }))
        .await;
    let names: Vec<(&str, i64)> = r["data"]["popularSearches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["query"].as_str().unwrap(), p["count"].as_i64().unwrap()))
        .collect();
    // Equal counts: the more recently searched first.
    assert_eq!(names, vec![("sidechain", 2), ("reese bass", 2)]);

    let since = (chrono::Utc::now() - chrono::Duration::days(60)).to_rfc3339();
    let r = t
        .execute_with(q, json!({ "since": since, "limit": 1 }))
        .await;
    assert_eq!(r["data"]["popularSearches"][0]["query"], "old news");

    for (vars, argument) in [
        (json!({ "limit": 101 }), "limit"),
        (json!({ "limit": -1 }), "limit"),
        (
            json!({ "since": (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339() }),
            "since",
        ),
    ] {
        let r = t.execute_with(q, vars.clone()).await;
        assert_eq!(error_code(&r), Some("BAD_USER_INPUT"), "{vars}: {r}");
        assert_eq!(r["errors"][0]["extensions"]["argument"], argument);
    }
}

#[tokio::test]
async fn search_logs_are_listed_for_admins_only() {
    let t = support::test_db().await;
    fixtures::search_log(&t.db, "reese", 1).await;
    fixtures::search_log(&t.db, "ott", 0).await;
    let q = "{ searchLogs(first: 10) { totalCount nodes { query resultCount user { id } } }
               emailDigestLogs { totalCount } chatUsageLogs { totalCount } }";
    let (_, admin) = user(UserRole::Admin);
    let r = t.execute_as_viewer(admin, q, json!({})).await;
    assert_eq!(r["errors"], Value::Null, "{r}");
    assert_eq!(r["data"]["searchLogs"]["totalCount"], 2);
    assert_eq!(r["data"]["emailDigestLogs"]["totalCount"], 0);
    for viewer in [Viewer::Anonymous, user(UserRole::Creator).1] {
        for field in ["searchLogs", "emailDigestLogs", "chatUsageLogs"] {
            let r = t
                .execute_as_viewer(
                    viewer.clone(),
                    &format!("{{ {field} {{ totalCount }} }}"),
                    json!({}),
                )
                .await;
            // Signed out: the permission gate's UNAUTHENTICATED (was FORBIDDEN, issue 12).
            let refusal = if viewer.user().is_none() {
                "UNAUTHENTICATED"
            } else {
                "FORBIDDEN"
            };
            assert_eq!(error_code(&r), Some(refusal), "{field}: {r}");
            assert_eq!(r["data"], Value::Null);
        }
    }
}

#[tokio::test]
async fn identical_searches_are_answered_from_the_cache_per_visibility_scope() {
    let t = support::test_db().await;
    let lib = library(&t).await;
    let (schema, log) = t.logging_schema();
    let q = json!({ "q": "reese bass" });
    let run = |viewer: Viewer| {
        let (t, schema, q, log) = (&t, &schema, q.clone(), &log);
        async move {
            let before = t.statements.get();
            let r = t.execute_on(schema, viewer, SEARCH, q).await;
            log.flush().await;
            assert_eq!(r["errors"], Value::Null, "{r}");
            (r["data"]["search"].clone(), t.statements.get() - before)
        }
    };
    let (first, cold) = run(Viewer::Anonymous).await;
    let (second, warm) = run(Viewer::Anonymous).await;
    assert_eq!(first, second);
    assert_eq!(warm, cold - 1, "the ranked search statement is skipped");
    // A signed-in fan sees what the public sees: same cache entry.
    let (_, fan) = user(UserRole::Creator);
    assert_eq!(run(fan).await.1, warm);
    // The owner's curators and admins see more, so they have their own entries.
    let owner = Viewer::User(ViewerUser {
        id: Uuid::new_v4(),
        role: UserRole::Creator,
        creator_id: Some(lib.deja),
    });
    assert_eq!(run(owner.clone()).await.1, cold);
    assert_eq!(run(owner).await.1, warm);
    assert_eq!(run(user(UserRole::Admin).1).await.1, cold);
    // Every search is still logged, cached or not.
    assert_eq!(log_rows(&t).await.len(), 6);

    // A video hidden after its results were cached disappears from the cached answer: nodes are
    // loaded through the visibility-checked loaders.
    sql(&t, "UPDATE video_consents SET public_display = false").await;
    let (hidden, _) = run(Viewer::Anonymous).await;
    let kinds: Vec<(String, String)> = kinds_and_names(&hidden);
    assert!(
        kinds.iter().all(|(k, _)| k == "TechniquePage"),
        "hidden video material leaked from the cache: {kinds:?}"
    );

    // With a zero time-to-live every search runs.
    let (schema, log) = t.logging_schema_with(graph::SchemaOptions {
        search_cache_ttl: Duration::ZERO,
        ..Default::default()
    });
    for _ in 0..2 {
        let before = t.statements.get();
        let r = t
            .execute_on(&schema, Viewer::Anonymous, SEARCH, q.clone())
            .await;
        log.flush().await;
        assert_eq!(r["errors"], Value::Null, "{r}");
        // No video results any more (two batches fewer), and no cache to compare the
        // visibility generation for (one statement fewer).
        assert_eq!(
            t.statements.get() - before,
            cold - 3,
            "no video results any more"
        );
    }
}

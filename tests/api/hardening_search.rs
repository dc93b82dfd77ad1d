//! Regression tests for issue 11 (hardening): hardening_search.
//!
//! - a search-log row the database cannot store never takes the other rows of its batch with it
//!   (finding 5);
//! - `popularSearches` lists only queries that found something the public may see (finding 9);
//! - a cached search never counts a result hidden since it was cached (finding 10).

use chrono::{NaiveDate, Utc};
use graph::{SchemaOptions, SearchLogWriter, Viewer, ViewerUser, services::search_log::Entry};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};
use serde_json::{Value, json};
use support::{TestDb, fixtures};
use uuid::Uuid;

use entity::sea_orm_active_enums::{ContentType, UserRole};

const SEARCH: &str = "query($q: String!, $first: Int) {
  search(query: $q, first: $first) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { __typename } }
  }
}";

const POPULAR: &str = "{ popularSearches(limit: 100) { query count } }";

async fn sql(t: &TestDb, statement: &str) {
    t.db.execute_unprepared(statement)
        .await
        .unwrap_or_else(|e| panic!("{e}: {statement}"));
}

#[derive(Debug, PartialEq, FromQueryResult)]
struct LogRow {
    query: String,
    result_count: i32,
}

async fn log_rows(t: &TestDb) -> Vec<LogRow> {
    LogRow::find_by_statement(Statement::from_string(
        DbBackend::Postgres,
        "SELECT query, result_count FROM search_logs ORDER BY query",
    ))
    .all(&t.db)
    .await
    .unwrap()
}

/// A creator with a public page about "reese bass" and a video (knowledge-base use granted) whose
/// key moment and transcript line mention "zanzibar" and "marimba"; `public` says whether the
/// video is shown to everyone. Returns the creator's id.
async fn library(t: &TestDb, public: bool) -> Uuid {
    let creator = fixtures::creator(&t.db, "Kilo Watt").await;
    fixtures::page(&t.db, &creator, "Reese Bass Design")
        .slug("reese-bass-design")
        .summary("Detuned saws and a zanzibar groove.")
        .topic_category("Sound Design")
        .plugins(&[])
        .await;
    let video = fixtures::video(&t.db, &creator)
        .filename("zanzibar.mp4")
        .await;
    fixtures::consent(&t.db, &video)
        .public_display(public)
        .await;
    fixtures::key_moment(&t.db, &video, "Zanzibar marimba chords")
        .summary("Voicing the marimba.")
        .span(10.0, 40.0)
        .content_type(ContentType::Tutorial)
        .topic_category("Sound Design")
        .await;
    fixtures::segment(&t.db, &video, "This zanzibar marimba line is the hook.").await;
    creator.id
}

fn viewer(role: UserRole, creator_id: Option<Uuid>) -> Viewer {
    Viewer::User(ViewerUser {
        id: Uuid::new_v4(),
        role,
        creator_id,
    })
}

/// Runs a search on `schema` (whose log writer is `log`); returns its result and the statements it
/// took, its log row's included.
async fn search_on(
    t: &TestDb,
    (schema, log): &(graph::AppSchema, SearchLogWriter),
    viewer: Viewer,
    vars: Value,
) -> (Value, u64) {
    let before = t.statements.get();
    let r = t.execute_on(schema, viewer, SEARCH, vars).await;
    log.flush().await;
    assert_eq!(r["errors"], Value::Null, "{r}");
    (r["data"]["search"].clone(), t.statements.get() - before)
}

/// The first page of a search is consistent: as many results as counted (up to the page size),
/// a next page exactly when more are counted, and the boundary cursors those of the edges.
fn assert_consistent(result: &Value, first: u64) {
    let edges = result["edges"].as_array().unwrap();
    let total = result["totalCount"].as_u64().unwrap();
    assert_eq!(edges.len() as u64, total.min(first), "{result}");
    let info = &result["pageInfo"];
    assert_eq!(info["hasNextPage"], total > first, "{result}");
    assert_eq!(info["hasPreviousPage"], false, "{result}");
    assert_eq!(
        info["startCursor"],
        edges.first().map_or(Value::Null, |e| e["cursor"].clone()),
        "{result}"
    );
    assert_eq!(
        info["endCursor"],
        edges.last().map_or(Value::Null, |e| e["cursor"].clone()),
        "{result}"
    );
}

#[tokio::test]
async fn a_search_log_row_the_database_refuses_never_takes_its_batch_with_it() {
    let t = support::test_db().await;
    let log = SearchLogWriter::new(t.db.clone());
    let now = Utc::now().naive_utc();
    let entry = |query: &str, at| Entry {
        query: query.to_owned(),
        result_count: 1,
        user_id: None,
        at,
    };
    // PostgreSQL's timestamps start in 4713 BC: this row cannot be stored, whatever is done.
    let ancient = NaiveDate::from_ymd_opt(-5000, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    // The writer task runs only when this (single-threaded) test waits, in `flush`: every row
    // below is in one batch.
    for i in 0..300 {
        log.record(entry(&format!("good {i}"), now)).await;
        if i == 100 {
            // No PostgreSQL text can hold a NUL: stored with a space in its place.
            log.record(entry("reese\0bass", now)).await;
        }
        if i == 200 {
            log.record(entry("from the stone age", ancient)).await;
        }
    }
    let before = t.statements.get();
    log.flush().await;
    let statements = t.statements.get() - before;

    let rows = log_rows(&t).await;
    let mut expected: Vec<String> = (0..300).map(|i| format!("good {i}")).collect();
    expected.push("reese bass".to_owned());
    expected.sort();
    assert_eq!(
        rows.iter().map(|r| r.query.clone()).collect::<Vec<_>>(),
        expected,
        "every storable row is kept; only the one the database refuses is dropped"
    );
    // The bad row is found by halving the batch, not by writing 302 rows one by one.
    assert!(statements <= 2 * 9 + 1, "{statements} statements");

    // The writer keeps working after it.
    log.record(entry("after", now)).await;
    log.flush().await;
    assert_eq!(log_rows(&t).await.len(), 302);
}

#[tokio::test]
async fn popular_searches_list_only_queries_that_found_something_public() {
    let t = support::test_db().await;
    let creator = library(&t, false).await;
    let schema = t.logging_schema();
    let admin = viewer(UserRole::Admin, None);
    let curator = viewer(UserRole::Creator, Some(creator));

    // The admin and the video's own curator find the hidden video's moment and transcript.
    for (who, q) in [
        (admin.clone(), "zanzibar marimba"),
        (curator.clone(), "marimba"),
    ] {
        let (r, _) = search_on(&t, &schema, who, json!({ "q": q })).await;
        assert_eq!(r["totalCount"], 2, "{q}: {r}");
    }
    // The public finds nothing for them, and the page for "reese".
    let (r, _) = search_on(&t, &schema, Viewer::Anonymous, json!({ "q": "marimba" })).await;
    assert_eq!(r["totalCount"], 0, "{r}");
    let (r, _) = search_on(&t, &schema, Viewer::Anonymous, json!({ "q": "reese" })).await;
    assert_eq!(r["totalCount"], 1, "{r}");
    // An admin's search that finds public results (and hidden ones) counts, with the public's count.
    let (r, _) = search_on(&t, &schema, admin.clone(), json!({ "q": "zanzibar" })).await;
    assert_eq!(r["totalCount"], 3, "{r}");

    assert_eq!(
        log_rows(&t).await,
        vec![
            LogRow {
                query: "marimba".into(),
                result_count: 0
            },
            LogRow {
                query: "marimba".into(),
                result_count: 0
            },
            LogRow {
                query: "reese".into(),
                result_count: 1
            },
            LogRow {
                query: "zanzibar".into(),
                result_count: 1
            },
            LogRow {
                query: "zanzibar marimba".into(),
                result_count: 0
            },
        ]
    );
    for who in [
        Viewer::Anonymous,
        viewer(UserRole::Creator, None),
        admin,
        curator,
    ] {
        let r = t
            .execute_on(&schema.0, who.clone(), POPULAR, json!({}))
            .await;
        assert_eq!(r["errors"], Value::Null, "{r}");
        let mut listed: Vec<&str> = r["data"]["popularSearches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["query"].as_str().unwrap())
            .collect();
        listed.sort_unstable();
        assert_eq!(listed, vec!["reese", "zanzibar"], "{who:?}: {r}");
    }
}

#[tokio::test]
async fn a_cached_search_never_counts_what_was_hidden_since() {
    let t = support::test_db().await;
    library(&t, true).await;
    let schema = t.logging_schema();
    let searches = [
        (json!({ "q": "zanzibar" }), 20, 3),
        (json!({ "q": "zanzibar", "first": 1 }), 1, 3),
        // Only the video's moment and transcript match.
        (json!({ "q": "marimba" }), 20, 2),
    ];
    for (vars, first, total) in &searches {
        let (r, _) = search_on(&t, &schema, Viewer::Anonymous, vars.clone()).await;
        assert_eq!(r["totalCount"], *total, "{vars}: {r}");
        assert_consistent(&r, *first);
        let (again, _) = search_on(&t, &schema, Viewer::Anonymous, vars.clone()).await;
        assert_eq!(again, r, "{vars}: answered from the cache");
    }

    // The video is hidden (there is no mutation for it yet), within the cache's time-to-live.
    sql(&t, "UPDATE video_consents SET public_display = false").await;
    let truth = t.logging_schema_with(SchemaOptions {
        search_cache_ttl: std::time::Duration::ZERO,
        ..Default::default()
    });
    for (vars, first, _) in &searches {
        let (r, stale) = search_on(&t, &schema, Viewer::Anonymous, vars.clone()).await;
        assert_consistent(&r, *first);
        let (uncached, _) = search_on(&t, &truth, Viewer::Anonymous, vars.clone()).await;
        assert_eq!(r, uncached, "{vars}: the cached answer is the current one");
        // The stale entry was replaced: the next identical search answers from the cache again,
        // without the second ranking the stale one took.
        let (again, fresh) = search_on(&t, &schema, Viewer::Anonymous, vars.clone()).await;
        assert_eq!(again, r);
        assert!(fresh < stale, "{vars}: {fresh} statements, {stale} before");
    }
    let (r, _) = search_on(&t, &schema, Viewer::Anonymous, json!({ "q": "marimba" })).await;
    assert_eq!(r["totalCount"], 0, "{r}");
    assert_eq!(r["edges"], json!([]), "{r}");
    let (r, _) = search_on(
        &t,
        &schema,
        Viewer::Anonymous,
        json!({ "q": "zanzibar", "first": 1 }),
    )
    .await;
    assert_eq!(r["totalCount"], 1, "{r}");
    assert_eq!(r["pageInfo"]["hasNextPage"], false, "{r}");
}

//! Visibility is bound, not pasted: the SQL texts a deep query sends do not depend on which
//! curator asks. Two curators of different creators, each with the same world, run the same
//! query over their own creator; the pool records every statement text as sent, and the two sets
//! of texts must be byte-identical and free of either creator's id.

use entity::sea_orm_active_enums::{ConsentField, UserRole};
use graph::{
    Viewer, ViewerUser,
    ids::{NodeKind, encode},
    stats::StatementCounter,
};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use serde_json::{Value, json};
use support::{TestDb, fixtures};
use uuid::Uuid;

/// One creator's world: a tagged page sourced from a public and a withheld video, each video
/// with a segment, a key moment with a highlight and a short, a consent with an audit entry and
/// a pipeline run with an event; a page version; a draft and a published post.
struct World {
    creator: Uuid,
    slug: String,
    page_slug: String,
    /// Ids to refetch with `nodes(ids:)`, one of each curator-scoped kind, in a fixed order.
    nodes: Vec<String>,
}

async fn world(db: &DatabaseConnection, name: &str) -> World {
    let creator = fixtures::creator(db, name).await;
    let page = fixtures::page(db, &creator, "Reese Bass").await;
    let tag = fixtures::tag(db, &format!("{} tag", creator.slug)).await;
    fixtures::tag_page(db, &page, &tag).await;
    let version = fixtures::page_version(db, &page, 1).await;
    let mut nodes = vec![encode(NodeKind::TechniquePageVersion, version.id).0];
    for public in [true, false] {
        let video = fixtures::video(db, &creator).await;
        let consent = fixtures::consent(db, &video).public_display(public).await;
        let audit = fixtures::consent_audit(db, &consent, 1, ConsentField::KbInclusion, true).await;
        fixtures::page_source(db, &page, &video).await;
        fixtures::segment(db, &video, "reese bass words").await;
        let moment = fixtures::key_moment(db, &video, "Reese bass moment").await;
        let highlight = fixtures::highlight(db, &moment).await;
        let short = fixtures::short(db, &highlight, &format!("k-{}", video.id)).await;
        let run = fixtures::pipeline_run(db, &video).await;
        let event = fixtures::pipeline_event(db, &run, 1, "started").await;
        nodes.extend([
            encode(NodeKind::SourceVideo, video.id).0,
            encode(NodeKind::VideoConsent, consent.id).0,
            encode(NodeKind::ConsentAuditLog, audit.id).0,
            encode(NodeKind::KeyMoment, moment.id).0,
            encode(NodeKind::HighlightCandidate, highlight.id).0,
            encode(NodeKind::GeneratedShort, short.id).0,
            encode(NodeKind::PipelineRun, run.id).0,
            encode(NodeKind::PipelineEvent, event.id).0,
        ]);
    }
    for published in [true, false] {
        let post = fixtures::post(db, &creator, "News")
            .published(published)
            .await;
        nodes.push(encode(NodeKind::Post, post.id).0);
    }
    World {
        creator: creator.id,
        slug: creator.slug,
        page_slug: page.slug,
        nodes,
    }
}

/// Every curator-scoped relation reachable from a creator, the page detail statement, the root
/// lists, search, and `nodes(ids:)` over each curator-scoped kind.
const DEEP: &str = r#"
query Deep($slug: String!, $page: String!, $ids: [ID!]!) {
  creator(slug: $slug) {
    id name followerCount viewerFollows
    techniquePages(first: 5) { totalCount nodes { id title
      versions(first: 5) { totalCount nodes { id versionNumber } }
      sourceVideos { id } tags { name } } }
    sourceVideos(first: 5) { totalCount nodes { id creator { id }
      transcript(first: 5) { totalCount nodes { id } }
      keyMoments(first: 5) { totalCount nodes { id highlight { id shorts { id } } } }
      highlights(first: 5) { totalCount nodes { id shorts { id } } }
      consent { id auditLog(first: 5) { totalCount nodes { id } } }
      pipelineRuns(first: 5) { totalCount nodes { id events(first: 5) { totalCount nodes { id } } } }
      techniquePages { id } } }
    posts(first: 5) { totalCount nodes { id isPublished attachments { id } } }
  }
  techniquePage(slug: $page) { id sourceVideos { id } tags { name } versions { totalCount } }
  sourceVideos(first: 10) { totalCount nodes { id } }
  keyMoments(first: 10) { totalCount nodes { id } }
  search(query: "reese bass") { totalCount edges { node { __typename } } }
  nodes(ids: $ids) { id }
}"#;

fn curator(creator: Uuid) -> Viewer {
    Viewer::User(ViewerUser {
        id: Uuid::new_v4(),
        role: UserRole::Creator,
        creator_id: Some(creator),
    })
}

/// Runs `DEEP` over `w` as `viewer` on a one-connection pool (statements in a fixed order),
/// returning the response and the statement texts sent.
async fn run(
    t: &TestDb,
    db: &DatabaseConnection,
    statements: &StatementCounter,
    viewer: Viewer,
    w: &World,
) -> (Value, Vec<String>) {
    // The search log writes through the test's other pool: its batches run at their own time.
    let schema = graph::build_schema_with_log(
        Some(db.clone()),
        t.auth.clone(),
        graph::SchemaOptions::default(),
        Some(graph::SearchLogWriter::new(t.db.clone())),
    );
    let variables = json!({ "slug": w.slug, "page": w.page_slug, "ids": w.nodes });
    let request =
        async_graphql::Request::new(DEEP).variables(async_graphql::Variables::from_json(variables));
    statements.record();
    let request = graph::prepare_request(request, db, viewer);
    let response = serde_json::to_value(schema.execute(request).await).unwrap();
    (response, statements.take_texts())
}

/// The distinct texts of `texts`, sorted.
fn distinct(texts: &[String]) -> Vec<&str> {
    let set: std::collections::BTreeSet<&str> = texts.iter().map(String::as_str).collect();
    set.into_iter().collect()
}

#[tokio::test]
async fn two_curators_send_byte_identical_statement_texts_without_their_ids() {
    let t = support::test_db().await;
    let a = world(&t.db, "Curator One").await;
    let b = world(&t.db, "Curator Two").await;
    let mut db = Database::connect(
        ConnectOptions::new(t.url.clone())
            .max_connections(1)
            .to_owned(),
    )
    .await
    .unwrap();
    let statements = StatementCounter::install(&mut db);

    let (ra, texts_a) = run(&t, &db, &statements, curator(a.creator), &a).await;
    let (rb, texts_b) = run(&t, &db, &statements, curator(b.creator), &b).await;
    for r in [&ra, &rb] {
        assert_eq!(r["errors"], Value::Null, "{r}");
        // The query reached the curator-only relations: both curators see their own drafts,
        // withheld video, highlights, consent audit, runs and every node asked for.
        let creator = &r["data"]["creator"];
        assert_eq!(creator["posts"]["totalCount"], 2, "{r}");
        assert_eq!(creator["sourceVideos"]["totalCount"], 2, "{r}");
        let video = &creator["sourceVideos"]["nodes"][0];
        assert_eq!(video["highlights"]["totalCount"], 1, "{r}");
        assert_eq!(video["consent"]["auditLog"]["totalCount"], 1, "{r}");
        assert_eq!(video["pipelineRuns"]["nodes"][0]["events"]["totalCount"], 1);
        assert_eq!(
            r["data"]["techniquePage"]["sourceVideos"]
                .as_array()
                .map(Vec::len),
            Some(2),
            "{r}"
        );
        let nodes = r["data"]["nodes"].as_array().unwrap();
        assert!(nodes.iter().all(|n| !n.is_null()), "{r}");
    }
    assert!(texts_a.len() > 20, "{texts_a:#?}");
    // Compared as sets: which batch of a DataLoader fires first (and whether a relation reached
    // by two paths is fetched in one batch or two) depends on timers, not on the viewer.
    assert_eq!(
        distinct(&texts_a),
        distinct(&texts_b),
        "the statement texts depend on the curator"
    );
    for text in &texts_a {
        for id in [a.creator, b.creator] {
            for form in [id.to_string(), id.simple().to_string()] {
                assert!(!text.contains(&form), "a creator id in: {text}");
            }
        }
    }
    // The curator shape reads the creator id as a parameter somewhere (else this test would
    // prove nothing about binding).
    assert!(
        texts_a.iter().any(|t| t.contains("creator_id = $")),
        "{texts_a:#?}"
    );
}

#[tokio::test]
async fn anonymous_statements_bind_no_viewer_and_hide_the_curated_rows() {
    let t = support::test_db().await;
    let a = world(&t.db, "Curator One").await;
    let mut db = Database::connect(
        ConnectOptions::new(t.url.clone())
            .max_connections(1)
            .to_owned(),
    )
    .await
    .unwrap();
    let statements = StatementCounter::install(&mut db);
    let (r, texts) = run(&t, &db, &statements, Viewer::Anonymous, &a).await;
    assert_eq!(r["errors"], Value::Null, "{r}");
    let creator = &r["data"]["creator"];
    assert_eq!(creator["posts"]["totalCount"], 1, "{r}");
    assert_eq!(creator["sourceVideos"]["totalCount"], 1, "{r}");
    let video = &creator["sourceVideos"]["nodes"][0];
    assert_eq!(video["highlights"]["totalCount"], 0, "{r}");
    assert_eq!(video["consent"], Value::Null, "{r}");
    assert!(
        texts.iter().all(|t| !t.contains("creator_id = $")),
        "{texts:#?}"
    );
}

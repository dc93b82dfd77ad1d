//! The seed data: complete, deterministic, refusing to double, with the data model's quirks, and
//! answering the same through the graph.

use anyhow::Context as _;
use sea_orm::{ConnectionTrait, Statement};

struct Scratch(support::TestDb);

impl std::ops::Deref for Scratch {
    type Target = support::TestDb;
    fn deref(&self) -> &support::TestDb {
        &self.0
    }
}

impl Scratch {
    async fn scalar(&self, sql: &str) -> anyhow::Result<String> {
        let row = self
            .0
            .db
            .query_one_raw(Statement::from_string(
                self.0.db.get_database_backend(),
                sql,
            ))
            .await?
            .context("no row")?;
        Ok(row
            .try_get_by_index::<Option<String>>(0)?
            .unwrap_or_default())
    }

    async fn count(&self, sql: &str) -> anyhow::Result<i64> {
        let row = self
            .0
            .db
            .query_one_raw(Statement::from_string(
                self.0.db.get_database_backend(),
                sql,
            ))
            .await?
            .context("no row")?;
        Ok(row.try_get_by_index::<i64>(0)?)
    }

    /// A digest of every seeded table's full contents.
    async fn digest(&self) -> anyhow::Result<String> {
        let mut parts = Vec::new();
        for table in TABLES {
            let sql =
                format!("SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t");
            parts.push(self.scalar(&sql).await?);
        }
        Ok(parts.join(","))
    }

    /// The row count of every seeded table.
    async fn counts(&self) -> anyhow::Result<Vec<(&'static str, i64)>> {
        let mut counts = Vec::new();
        for &table in TABLES {
            counts.push((
                table,
                self.count(&format!("SELECT count(*) FROM {table}")).await?,
            ));
        }
        Ok(counts)
    }
}

/// Asserts that a seed filled every table it fills: two runs that loaded nothing would otherwise
/// compare equal.
fn assert_filled(counts: &[(&str, i64)]) {
    for &(table, n) in counts {
        if UNSEEDED.contains(&table) {
            assert_eq!(n, 0, "{table}");
        } else {
            assert!(n > 0, "the seed left {table} empty");
        }
    }
}

const TABLES: &[&str] = &[
    "creators",
    "users",
    "invite_codes",
    "creator_follows",
    "source_videos",
    "transcript_segments",
    "key_moments",
    "tags",
    "technique_pages",
    "technique_page_tags",
    "technique_page_videos",
    "technique_page_versions",
    "related_technique_links",
    "highlight_candidates",
    "generated_shorts",
    "video_consents",
    "consent_audit_logs",
    "posts",
    "post_attachments",
    "pipeline_runs",
    "pipeline_events",
    "search_logs",
];

/// Tables of [`TABLES`] the demo seed leaves empty on purpose.
const UNSEEDED: &[&str] = &[
    // An invite code in the seed would be in the repository for anyone to register with.
    "invite_codes",
];

#[tokio::test]
async fn demo_seed_is_complete_deterministic_and_refuses_to_double() -> anyhow::Result<()> {
    let first = Scratch(support::test_db().await);
    let second = Scratch(support::test_db().await);
    assert!(seed::is_empty(&first.db).await?);
    let report = seed::seed(&first.db, seed::Scale::Demo, false).await?;
    assert!(!seed::is_empty(&first.db).await?);
    assert_eq!(report.creators, 6);
    assert_eq!(report.videos, 18);
    assert_eq!(report.technique_pages, 30);
    assert_eq!(report.tags, 25);
    assert_eq!(report.users, 3);
    assert_eq!(
        first
            .count("SELECT count(*) FROM transcript_segments")
            .await?,
        720
    );
    assert_eq!(
        first.count("SELECT count(*) FROM technique_pages").await? as u64,
        report.technique_pages
    );

    // Refuses to seed twice, and the failed attempt leaves the data untouched.
    assert!(
        seed::seed(&first.db, seed::Scale::Demo, false)
            .await
            .is_err()
    );
    assert_eq!(first.count("SELECT count(*) FROM creators").await?, 6);

    // The data model's quirks are present.
    let casings = "SELECT count(DISTINCT topic_category) FROM {} \
                   WHERE lower(topic_category) = 'sound design'";
    for table in ["key_moments", "technique_pages"] {
        assert_eq!(
            first.count(&casings.replace("{}", table)).await?,
            2,
            "{table}"
        );
    }
    let v1 = first
        .count("SELECT count(*) FROM technique_pages WHERE body_sections_format = 'v1'")
        .await?;
    assert_eq!(v1, 9);
    let nested = "SELECT count(*) FROM technique_pages, jsonb_array_elements(body_sections) s \
                  WHERE body_sections_format = 'v2' AND jsonb_array_length(s->'children') > 0";
    assert!(first.count(nested).await? > 0);
    assert!(
        first
            .count("SELECT count(*) FROM video_consents WHERE NOT public_display")
            .await?
            > 0
    );
    assert!(
        first
            .count("SELECT count(*) FROM video_consents WHERE NOT kb_inclusion")
            .await?
            > 0
    );
    assert!(
        first
            .count("SELECT count(*) FROM generated_shorts WHERE share_token IS NOT NULL")
            .await?
            > 0
    );
    assert!(
        first
            .count("SELECT count(*) FROM posts WHERE NOT is_published")
            .await?
            > 0
    );
    let accounts = "SELECT count(*) FROM users WHERE hashed_password = '!' AND email IN \
                    ('admin@patchbay.test', 'creator@patchbay.test', 'fan@patchbay.test')";
    assert_eq!(first.count(accounts).await?, 3);
    // No invite code: one in the seed would be in the repository for anyone to register with.
    assert_eq!(first.count("SELECT count(*) FROM invite_codes").await?, 0);

    // Same scale, same rows: as many in every table (none of them empty), with the same contents.
    seed::seed(&second.db, seed::Scale::Demo, false).await?;
    let counts = first.counts().await?;
    assert_filled(&counts);
    assert_eq!(counts, second.counts().await?);
    assert_eq!(first.digest().await?, second.digest().await?);

    Ok(())
}

/// The full benchmark load (a minute or so in a debug build): `cargo test -p patchbay-tests --release
/// -- --ignored bench_seed`.
#[tokio::test]
#[ignore = "loads the benchmark scale"]
async fn bench_seed_has_the_promised_sizes() -> anyhow::Result<()> {
    let scratch = Scratch(support::test_db().await);
    let report = seed::seed(&scratch.db, seed::Scale::Bench, false).await?;
    assert_eq!(report.creators, 200);
    assert_eq!(report.videos, 2_000);
    assert_eq!(report.technique_pages, 20_000);
    assert_eq!(report.tags, 500);
    assert_eq!(report.key_moments, 40_000);
    assert_eq!(report.transcript_segments, 400_000);
    assert_eq!(report.page_tags, 100_000);
    assert_eq!(report.users, 0);
    assert_eq!(
        scratch
            .count("SELECT count(*) FROM technique_page_tags")
            .await?,
        100_000
    );
    Ok(())
}

#[tokio::test]
async fn same_seed_same_graph_answers() {
    let a = support::test_db().await;
    let b = support::test_db().await;
    a.seed_demo().await;
    b.seed_demo().await;
    let query = "{ creators(first: 3) { edges { node { slug techniquePages(first: 2) { edges { node { slug tags { name } } } } } } } }";
    let answer = a.execute(query).await;
    // Two empty answers would be equal too: the answer has three creators, each with pages.
    let creators = answer["data"]["creators"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"));
    assert_eq!(creators.len(), 3, "{answer}");
    for creator in creators {
        let pages = creator["node"]["techniquePages"]["edges"]
            .as_array()
            .unwrap();
        assert!(!pages.is_empty(), "{answer}");
    }
    assert_eq!(answer, b.execute(query).await);
}

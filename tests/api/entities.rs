//! The generated entities agree with the migrated schema, column for column.

use std::collections::BTreeSet;

use entity::prelude::*;
use sea_orm::{ConnectionTrait, DbBackend, EntityName, EntityTrait, Iterable, Statement};

async fn db_columns(db: &sea_orm::DatabaseConnection, table: &str) -> BTreeSet<String> {
    db.query_all_raw(Statement::from_sql_and_values(
        DbBackend::Postgres,
        // Generated columns (the search vectors) belong to the database alone: no entity has them.
        "SELECT column_name FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER'",
        [table.into()],
    ))
    .await
    .unwrap()
    .into_iter()
    .map(|row| row.try_get::<String>("", "column_name").unwrap())
    .collect()
}

fn entity_columns<E: EntityTrait>() -> BTreeSet<String> {
    E::Column::iter()
        .map(|c| sea_orm::IdenStatic::as_str(&c).to_owned())
        .collect()
}

/// Every row of `table`, read as PostgreSQL's JSON of the entity's columns and decoded with serde.
async fn json_rows<E: EntityTrait>(db: &sea_orm::DatabaseConnection, table: &str) -> Vec<E::Model>
where
    E::Model: serde::de::DeserializeOwned,
{
    let columns: Vec<String> = entity_columns::<E>()
        .into_iter()
        .map(|c| format!("\"{c}\""))
        .collect();
    let sql = format!(
        "SELECT row_to_json(j)::text AS j FROM (SELECT {} FROM {table}) j",
        columns.join(", ")
    );
    db.query_all_raw(Statement::from_string(DbBackend::Postgres, sql))
        .await
        .unwrap()
        .into_iter()
        .map(|row| {
            let text: String = row.try_get("", "j").unwrap();
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{table} as JSON: {e}: {text}"))
        })
        .collect()
}

/// Models in an order-independent form, to compare row sets.
fn canonical<M: serde::Serialize>(rows: &[M]) -> Vec<String> {
    let mut out: Vec<String> = rows
        .iter()
        .map(|m| serde_json::to_string(m).unwrap())
        .collect();
    out.sort();
    out
}

macro_rules! check_entities {
    ($db:expr, $($entity:ty),+ $(,)?) => {{
        let mut tables = BTreeSet::new();
        $(
            let table = <$entity>::default().table_name().to_owned();
            assert_eq!(
                entity_columns::<$entity>(),
                db_columns($db, &table).await,
                "entity and table `{table}` disagree: run `just entities`"
            );
            // Decoding every row of the seeded data proves the column types agree too.
            let rows = <$entity>::find().all($db).await.unwrap_or_else(|e| panic!("decode {table}: {e}"));
            // Rows read as JSON (as the one-statement page detail reads relations) decode to the
            // same models: enums as their database values, timestamps and arrays as PostgreSQL
            // writes them.
            assert_eq!(
                canonical(&json_rows::<$entity>($db, &table).await),
                canonical(&rows),
                "{table} read as JSON"
            );
            tables.insert(table);
        )+
        tables
    }};
}

#[tokio::test]
async fn entities_match_migrated_schema() {
    let t = support::test_db().await;
    t.seed_demo().await;
    let covered = check_entities!(
        &t.db,
        ChatUsageLogs,
        ConsentAuditLogs,
        ContentReports,
        CreatorFollows,
        Creators,
        EmailDigestLogs,
        GeneratedShorts,
        HighlightCandidates,
        InviteCodes,
        KeyMoments,
        PipelineEvents,
        PipelineRuns,
        PostAttachments,
        Posts,
        RateLimitCounters,
        RelatedTechniqueLinks,
        SearchLogs,
        SourceVideos,
        Tags,
        TechniquePageOldSlugs,
        TechniquePageTags,
        TechniquePageVersions,
        TechniquePageVideos,
        TechniquePageViews,
        TechniquePages,
        TranscriptSegments,
        Users,
        VideoConsents,
        VideoRevocations,
        VisibilityGeneration,
    );
    let tables: BTreeSet<String> =
        t.db.query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT table_name FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_name <> 'seaql_migrations'",
        ))
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.try_get::<String>("", "table_name").unwrap())
        .collect();
    assert_eq!(covered, tables, "every table has an entity");
}

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
            <$entity>::find().all($db).await.unwrap_or_else(|e| panic!("decode {table}: {e}"));
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
        TechniquePageTags,
        TechniquePageVersions,
        TechniquePageVideos,
        TechniquePages,
        TranscriptSegments,
        Users,
        VideoConsents,
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

//! The embedded default: creates, reuses and guards its data folder.

use sea_orm::{ConnectionTrait, Database};
use server::embedded::{Durability, EmbeddedError, EmbeddedPostgres};

fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir()
        .join("patchbay-embedded-tests")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The one row `sql` returns on a fresh connection to `url`.
async fn one_row(url: String, sql: &str) -> sea_orm::QueryResult {
    let db = Database::connect(url).await.unwrap();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            sql,
        ))
        .await
        .unwrap()
        .unwrap();
    db.close().await.unwrap();
    row
}

#[tokio::test]
async fn cluster_keeps_its_data_and_refuses_a_second_user() {
    let dir = scratch_dir("reuse");
    let start = {
        let dir = dir.clone();
        move || EmbeddedPostgres::start(&dir, Durability::Throwaway)
    };
    let pg = tokio::task::spawn_blocking(start.clone())
        .await
        .unwrap()
        .unwrap();
    let db = Database::connect(pg.url("postgres")).await.unwrap();
    // Not a fixture: a bare table in the cluster's own database, to see it survive a restart.
    db.execute_unprepared("CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)")
        .await
        .unwrap();
    db.close().await.unwrap();

    // Patchbay's own connections go through the cluster's Unix socket in its folder.
    let local = pg.local_url("postgres");
    let socket_dir = dir.canonicalize().unwrap().join("pg");
    assert!(
        local.contains(&format!("host={}&", socket_dir.display())),
        "{local}"
    );
    let row = one_row(
        local,
        "SELECT n, inet_server_addr() IS NULL AS unix FROM kept",
    )
    .await;
    assert_eq!(row.try_get::<i32>("", "n").unwrap(), 42);
    assert!(
        row.try_get::<bool>("", "unix").unwrap(),
        "not a Unix socket"
    );

    // A second start on the same folder is refused while the first runs.
    let second = tokio::task::spawn_blocking(start.clone()).await.unwrap();
    match second {
        Err(EmbeddedError::InUse(message)) => assert!(message.contains("in use"), "{message}"),
        other => panic!("expected InUse, got {other:?}"),
    }

    tokio::task::spawn_blocking(move || pg.stop())
        .await
        .unwrap();
    assert!(
        !dir.join("pg/postmaster.pid").exists(),
        "clean shutdown removes the pid file"
    );

    // The next start reuses the cluster and its data.
    let pg = tokio::task::spawn_blocking(start).await.unwrap().unwrap();
    let row = one_row(pg.url("postgres"), "SELECT n FROM kept").await;
    assert_eq!(row.try_get::<i32>("", "n").unwrap(), 42);
    tokio::task::spawn_blocking(move || pg.stop())
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_binaries_message_says_what_to_do() {
    let message = EmbeddedError::NoBinaries.to_string();
    assert!(
        message.contains("Install the PostgreSQL server package"),
        "{message}"
    );
    assert!(message.contains("DATABASE_URL"), "{message}");
}

#[tokio::test]
async fn unreachable_database_url_is_one_clear_line() {
    let err = server::database::connect("postgres://someone:secret@127.0.0.1:1/patchbay", 1)
        .await
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.starts_with("cannot connect to PostgreSQL at 127.0.0.1:1/patchbay: "),
        "{err}"
    );
    assert!(!err.contains("secret"), "the password never appears: {err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

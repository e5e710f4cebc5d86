//! Database connection and migrations, on every available backend.

use trayforge_wire::DatabaseState;

use crate::support::{connect, test_databases};

#[tokio::test]
async fn a_fresh_database_is_pending_until_migrated() {
    for database in test_databases().await {
        let db = connect(&database).await;
        let state = db.state().await;
        assert!(
            matches!(state, DatabaseState::Pending { applied: 0, known } if known >= 1),
            "{}: {state:?}",
            db.backend_name()
        );
        db.migrate().await.unwrap();
        let state = db.state().await;
        assert!(matches!(state, DatabaseState::Migrated { .. }), "{}: {state:?}", db.backend_name());
    }
}

#[tokio::test]
async fn migrating_twice_changes_nothing() {
    for database in test_databases().await {
        let db = connect(&database).await;
        db.migrate().await.unwrap();
        let first = db.state().await;
        db.migrate().await.unwrap();
        assert_eq!(db.state().await, first, "{}", db.backend_name());
    }
}

#[tokio::test]
async fn migrated_schema_holds_clinics() {
    for database in test_databases().await {
        let db = connect(&database).await;
        db.migrate().await.unwrap();
        let count: i64 = match &db {
            trayforge_server::storage::Database::Sqlite(pool) => {
                sqlx::query("INSERT INTO clinics (id, name) VALUES ('c1', 'Smile Lab')").execute(pool).await.unwrap();
                sqlx::query_scalar("SELECT COUNT(*) FROM clinics").fetch_one(pool).await.unwrap()
            }
            trayforge_server::storage::Database::Postgres(pool) => {
                sqlx::query("INSERT INTO clinics (id, name) VALUES (gen_random_uuid(), 'Smile Lab')")
                    .execute(pool)
                    .await
                    .unwrap();
                sqlx::query_scalar("SELECT COUNT(*) FROM clinics").fetch_one(pool).await.unwrap()
            }
        };
        assert_eq!(count, 1, "{}", db.backend_name());
    }
}

#[tokio::test]
async fn an_unreachable_database_is_named_with_the_reason() {
    let error = trayforge_server::storage::Database::connect("postgres://tf:secret@127.0.0.1:1/tf").await.unwrap_err();
    let message = error.to_string();
    assert!(message.contains("cannot reach the database at postgres://tf:***@127.0.0.1:1/tf"), "{message}");
    assert!(message.contains("refused"), "{message}");
    assert!(!message.contains("secret"), "{message}");
}

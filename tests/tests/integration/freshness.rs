//! Shared freshness reads: requests share one read of the catalogue's position, yet none is
//! answered by a read that began before it arrived, so none misses a commit made before it.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use ocop_api::services::freshness::FreshnessReads;
use ocop_entities::api_key::Role;
use ocop_tests::{TestApp, TestOptions, db_test};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::json;

/// Moves the catalogue's position, as a write does, and returns the new one once committed.
async fn bump(db: &DatabaseConnection) -> i64 {
    db.query_one_raw(Statement::from_string(
        db.get_database_backend(),
        "UPDATE catalogue_version SET version = version + 1 WHERE id = 1 RETURNING version",
    ))
    .await
    .unwrap()
    .unwrap()
    .try_get("", "version")
    .unwrap()
}

db_test!(
    a_shared_read_never_misses_a_commit_made_before_the_request,
    TestOptions::without_worker()
);
async fn a_shared_read_never_misses_a_commit_made_before_the_request(app: TestApp) {
    let reads = FreshnessReads::new(app.db.clone());
    // Keep reads under way all the time, so that new requests always find one running.
    let stop = Arc::new(AtomicBool::new(false));
    let busy: Vec<_> = (0..4)
        .map(|_| {
            let (reads, stop) = (reads.clone(), stop.clone());
            tokio::spawn(async move {
                let mut served = 0u32;
                while !stop.load(Ordering::Relaxed) {
                    reads.now().await.unwrap();
                    served += 1;
                }
                served
            })
        })
        .collect();
    for _ in 0..300 {
        let committed = bump(&app.db).await;
        let readers: Vec<_> = (0..8)
            .map(|_| {
                let reads = reads.clone();
                tokio::spawn(async move { reads.now().await.unwrap().catalogue })
            })
            .collect();
        for reader in readers {
            let seen = reader.await.unwrap();
            assert!(seen >= committed, "saw {seen} after {committed} committed");
        }
    }
    stop.store(true, Ordering::Relaxed);
    for task in busy {
        assert!(task.await.unwrap() > 0);
    }
}

db_test!(
    a_revoked_key_stops_at_once_though_its_lookup_is_kept,
    TestOptions::empty()
);
async fn a_revoked_key_stops_at_once_though_its_lookup_is_kept(app: TestApp) {
    let key = app.key(Role::Partner, &[], None).await;
    for _ in 0..3 {
        let ok = app
            .gql_as(Some(&key), "{ regions { code } }", json!({}))
            .await;
        assert_eq!(ok.status, 200, "{}", ok.body);
    }
    let id = ocop_api::services::keys::list(&app.db).await.unwrap()[0].id;
    // Revoked the way `ocop keys revoke` does, outside the server.
    ocop_api::services::keys::revoke(&app.db, id, "test")
        .await
        .unwrap();
    let refused = tokio::time::timeout(
        Duration::from_secs(5),
        app.gql_as(Some(&key), "{ regions { code } }", json!({})),
    )
    .await
    .unwrap();
    assert_eq!(refused.status, 401);
    assert_eq!(refused.error_codes(), ["UNAUTHENTICATED"]);
}

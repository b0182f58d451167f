//! Search through the whole application: the change log keeps the index in step with the database,
//! the database decides what a hit shows, an engine outage loses nothing, and a rebuild never
//! interrupts searches.
//!
//! Over 300 lines: one test per guarantee of the search path.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use ocop_api::indexing::{IndexFollower, SyncStatus, follower::FollowerConfig, reindex::reindex};
use ocop_entities::product;
use ocop_search::{SearchBackend, embedded::EmbeddedBackend};
use ocop_tests::{
    TestApp, TestOptions, db_test,
    faulty_search::FaultySearch,
    fixtures::{Catalogue, ProductSpec, wards},
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, PaginatorTrait};
use serde_json::json;

const SEARCH: &str = "query($q: String!, $filter: ProductFilter, $page: Int, $pageSize: Int) {
  searchProducts(query: $q, filter: $filter, page: $page, pageSize: $pageSize) {
    totalHits hits { product { id slug name } } facets { field values { value label count } }
  }
}";

fn catalogue(n: usize) -> Catalogue {
    let mut c =
        Catalogue::new().producer("p", "HTX Nước mắm Cửa Sót", "COOPERATIVE", wards::HA_TINH);
    for i in 0..n {
        c = c.product(ProductSpec::new(
            &format!("nuoc-mam-{i}"),
            &format!("Nước mắm số {i}"),
            "p",
            wards::HA_TINH,
            "I.4.a",
        ));
    }
    c
}

async fn total_hits(app: &TestApp, q: &str) -> u64 {
    let data = app.data(SEARCH, json!({"q": q})).await;
    data["searchProducts"]["totalHits"].as_u64().unwrap()
}

db_test!(
    an_imported_product_becomes_searchable_within_a_second,
    TestOptions::empty()
);
async fn an_imported_product_becomes_searchable_within_a_second(app: TestApp) {
    let started = Instant::now();
    app.import(&catalogue(3).jsonl()).await.unwrap();
    loop {
        if total_hits(&app, "nuoc mam").await == 3 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "not searchable after {:?}",
            started.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let data = app.data(SEARCH, json!({"q": "nước mắm số 2"})).await;
    assert_eq!(
        data["searchProducts"]["hits"][0]["product"]["slug"],
        "nuoc-mam-2"
    );
}

db_test!(hits_show_what_the_database_holds_now, TestOptions::empty());
async fn hits_show_what_the_database_holds_now(app: TestApp) {
    app.import(&catalogue(1).jsonl()).await.unwrap();
    app.wait_for_sync(Duration::from_secs(5)).await;
    // A change made behind the change log's back: the index still has the old name, the hit shows
    // the new one.
    let p = product::Entity::find().one(&app.db).await.unwrap().unwrap();
    let mut active: product::ActiveModel = p.into();
    active.name = Set("Tên mới".to_owned());
    active.update(&app.db).await.unwrap();
    let data = app.data(SEARCH, json!({"q": "nuoc mam"})).await;
    assert_eq!(
        data["searchProducts"]["hits"][0]["product"]["name"],
        "Tên mới"
    );
}

db_test!(
    search_unavailable_is_reported_quickly_and_database_queries_keep_working,
    TestOptions::empty()
);
async fn search_unavailable_is_reported_quickly_and_database_queries_keep_working(app: TestApp) {
    app.import(&catalogue(2).jsonl()).await.unwrap();
    app.wait_for_sync(Duration::from_secs(5)).await;
    app.search.set_down(true);
    let started = Instant::now();
    let response = app.gql(SEARCH, json!({"q": "nuoc mam"})).await;
    assert_eq!(response.error_codes(), ["SEARCH_UNAVAILABLE"]);
    assert!(started.elapsed() < Duration::from_secs(2));
    let outlets = app
        .gql(
            "{ searchOutlets(query: \"ha tinh\") { totalHits } }",
            json!({}),
        )
        .await;
    assert_eq!(outlets.error_codes(), ["SEARCH_UNAVAILABLE"]);
    let list = app.data("{ products { totalCount } }", json!({})).await;
    assert_eq!(list["products"]["totalCount"], 2);
    let status = app.data("{ searchStatus { healthy } }", json!({})).await;
    assert_eq!(status["searchStatus"]["healthy"], false);
    let ready = app.client().get(app.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 200, "the database still serves");
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["search"]["status"], "unavailable");
}

db_test!(
    writes_while_the_engine_is_down_are_indexed_when_it_returns,
    TestOptions::empty()
);
async fn writes_while_the_engine_is_down_are_indexed_when_it_returns(app: TestApp) {
    app.search.set_down(true);
    app.import(&catalogue(60).jsonl()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let status = app
        .data(
            "{ searchStatus { pendingChanges oldestPendingAgeSeconds lastError } }",
            json!({}),
        )
        .await;
    let recorded = ocop_entities::change_log::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert!(
        recorded > 60,
        "at least one change per product, got {recorded}"
    );
    assert_eq!(status["searchStatus"]["pendingChanges"], recorded);
    // Anonymous callers learn that synchronisation fails, not why; an ADMIN sees the cause.
    assert_eq!(
        status["searchStatus"]["lastError"],
        ocop_api::graphql::types::search::HIDDEN_CAUSE
    );
    let admin = app
        .key(ocop_entities::api_key::Role::Admin, &[], None)
        .await;
    let cause = app
        .gql_as(Some(&admin), "{ searchStatus { lastError } }", json!({}))
        .await;
    assert!(
        cause.data()["searchStatus"]["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("the engine is down (test)")),
        "{:?}",
        cause.body
    );
    let ready: serde_json::Value = app
        .client()
        .get(app.url("/ready"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["search"]["sync"]["failing"], true);
    assert!(
        !ready.to_string().contains("the engine is down"),
        "/ready shows no cause: {ready}"
    );
    assert!(
        status["searchStatus"]["oldestPendingAgeSeconds"]
            .as_f64()
            .unwrap()
            > 0.5
    );
    app.search.set_down(false);
    let took = app.wait_for_sync(Duration::from_secs(15)).await;
    // Index and database agree: every product once, nothing else.
    assert_eq!(total_hits(&app, "").await, 60);
    assert_eq!(total_hits(&app, "nuoc mam").await, 60);
    let count = product::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(count, 60);
    eprintln!("backlog drained {took:?} after the engine returned");
}

db_test!(
    two_servers_sharing_one_index_never_apply_the_same_change_twice,
    TestOptions::without_worker()
);
async fn two_servers_sharing_one_index_never_apply_the_same_change_twice(app: TestApp) {
    app.import(&catalogue(200).jsonl()).await.unwrap();
    // One index that both servers share (as Meilisearch is): its position is kept in the
    // database, and one server at a time holds the lease on applying changes to it.
    let recorder = Arc::new(
        FaultySearch::new(Arc::new(
            EmbeddedBackend::open(app.settings.data_dir.join("second-index")).unwrap(),
        ))
        .shared(),
    );
    let reference = Arc::new(
        ocop_api::reference::ReferenceData::load(&app.db)
            .await
            .unwrap(),
    );
    let config = FollowerConfig {
        batch_size: 25,
        ..FollowerConfig::default()
    };
    let make = || {
        IndexFollower::new(
            app.db.clone(),
            reference.clone(),
            recorder.clone(),
            Arc::new(SyncStatus::new("embedded", "shared-test")),
            config.clone(),
        )
    };
    let (a, b) = (make(), make());
    // The shared index starts with no position: the first pass of whoever holds the lease
    // builds it at the log's head.
    let first = a.run_once().await.unwrap();
    assert!(first.rebuilt, "{first:?}");
    assert!(b.run_once().await.unwrap().not_ours, "A holds the lease");
    let written_by_rebuild = recorder.written_products().len();
    assert_eq!(
        written_by_rebuild, 0,
        "a rebuild writes a new index, not batches"
    );
    // 200 more changes, applied in batches of 25 by whichever server holds the lease.
    for id in product::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
    {
        let txn = sea_orm::TransactionTrait::begin(&app.db).await.unwrap();
        ocop_entities::ext::change_log::record(
            &txn,
            &[ocop_entities::ext::change_log::Change::product(
                id,
                ocop_entities::ext::change_log::ChangeOp::Updated,
            )],
        )
        .await
        .unwrap();
        txn.commit().await.unwrap();
    }
    let drain = |f: IndexFollower| async move {
        let mut applied = 0;
        let mut idle = 0;
        while idle < 3 {
            let pass = f.run_once().await.unwrap();
            applied += pass.applied;
            if pass.applied == 0 {
                idle += 1;
            }
        }
        applied
    };
    let (x, y) = tokio::join!(drain(a), drain(b));
    assert_eq!(x + y, 200, "every change applied once ({x} + {y})");
    let mut written = recorder.written_products();
    assert_eq!(written.len(), 200, "no product document written twice");
    written.sort_unstable();
    written.dedup();
    assert_eq!(written.len(), 200);
}

db_test!(
    reindexing_under_concurrent_searches_keeps_answers_complete,
    TestOptions::empty()
);
async fn reindexing_under_concurrent_searches_keeps_answers_complete(app: TestApp) {
    app.import(&catalogue(300).jsonl()).await.unwrap();
    app.wait_for_sync(Duration::from_secs(10)).await;
    let searching = {
        let url = app.url("/graphql");
        let client = app.client().clone();
        tokio::spawn(async move {
            let mut answers = 0;
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(3) {
                let body: serde_json::Value = client
                    .post(&url)
                    .json(
                        &json!({"query": "{ searchProducts(query: \"nuoc mam\") { totalHits } }"}),
                    )
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                assert_eq!(body["data"]["searchProducts"]["totalHits"], 300, "{body}");
                answers += 1;
            }
            answers
        })
    };
    // `ocop reindex` runs as a process of its own: here, a second backend on the same directory.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let other: Arc<dyn SearchBackend> =
        Arc::new(EmbeddedBackend::open(app.settings.data_dir.join("index")).unwrap());
    let reference = ocop_api::reference::ReferenceData::load(&app.db)
        .await
        .unwrap();
    let before = std::fs::read_to_string(app.settings.data_dir.join("index/CURRENT")).unwrap();
    let report = reindex(&app.db, &reference, &other, false).await.unwrap();
    assert_eq!(report.products, 300);
    let after = std::fs::read_to_string(app.settings.data_dir.join("index/CURRENT")).unwrap();
    assert_ne!(before, after, "a new generation is live");
    let answers = searching.await.unwrap();
    assert!(answers > 10, "searches kept answering ({answers})");
    app.wait_for_sync(Duration::from_secs(10)).await;
    // Changes after the rebuild reach the new generation.
    app.import(
        &Catalogue::new()
            .product(ProductSpec::new(
                "moi",
                "Nước mắm mới",
                "p",
                wards::HA_TINH,
                "I.4.a",
            ))
            .jsonl(),
    )
    .await
    .unwrap();
    app.wait_for_sync(Duration::from_secs(10)).await;
    assert_eq!(total_hits(&app, "nuoc mam").await, 301);
}

db_test!(search_contract_inputs_are_checked, TestOptions::empty());
async fn search_contract_inputs_are_checked(app: TestApp) {
    let cases = [
        (json!({"q": "x", "page": 0}), "page"),
        (json!({"q": "x", "page": -3}), "page"),
        (json!({"q": "x", "pageSize": 0}), "pageSize"),
        (json!({"q": "x", "page": 1000, "pageSize": 100}), "page"),
        (json!({"q": "ê".repeat(201)}), "query"),
        (
            json!({"q": "x", "filter": {"provinceCodes": ["\" OR 1=1"]}}),
            "filter.provinceCodes",
        ),
    ];
    for (variables, field) in cases {
        let response = app.gql(SEARCH, variables.clone()).await;
        assert_eq!(response.error_codes(), ["BAD_USER_INPUT"], "{variables}");
        assert_eq!(response.error_field(), Some(field), "{variables}");
    }
    let capped = app.data(SEARCH, json!({"q": "", "pageSize": 1000})).await;
    assert!(capped["searchProducts"]["hits"].as_array().unwrap().len() <= 100);
}

db_test!(facets_carry_vietnamese_labels, TestOptions::demo());
async fn facets_carry_vietnamese_labels(app: TestApp) {
    app.wait_for_sync(Duration::from_secs(10)).await;
    let data = app.data(SEARCH, json!({"q": ""})).await;
    let facets = data["searchProducts"]["facets"].as_array().unwrap();
    let field = |name: &str| {
        facets.iter().find(|f| f["field"] == name).unwrap()["values"]
            .as_array()
            .unwrap()
            .clone()
    };
    let kinds = field("PRODUCER_KIND");
    assert!(
        kinds
            .iter()
            .any(|v| v["value"] == "COOPERATIVE" && v["label"] == "Hợp tác xã")
    );
    let categories = field("CATEGORY");
    assert!(
        categories
            .iter()
            .any(|v| v["value"] == "I" && v["label"] == "Thực phẩm")
    );
    assert!(
        categories
            .iter()
            .all(|v| !["I.4", "I.5", "II.1"].contains(&v["value"].as_str().unwrap())),
        "only sets and groups"
    );
    let provinces = field("PROVINCE");
    let total: u64 = provinces.iter().map(|v| v["count"].as_u64().unwrap()).sum();
    assert_eq!(total, data["searchProducts"]["totalHits"].as_u64().unwrap());
    assert!(field("STARS").iter().any(|v| v["label"] == "5 sao"));
}

/// Three products in one file, each with `word` in its description.
fn three(word: &str) -> String {
    let mut c = Catalogue::new().producer("p", "HTX Thử", "COOPERATIVE", wards::HA_TINH);
    for slug in ["mot", "hai", "ba"] {
        c = c.product(
            ProductSpec::new(
                slug,
                &format!("Sản phẩm {slug}"),
                "p",
                wards::HA_TINH,
                "I.4.a",
            )
            .certs(vec![ocop_tests::fixtures::valid_cert(4)])
            .description(&format!("Mô tả {word}")),
        );
    }
    c.jsonl()
}

async fn slugs_found(app: &TestApp, q: &str) -> Vec<String> {
    let data = app.data(SEARCH, json!({"q": q})).await;
    let mut slugs: Vec<String> = data["searchProducts"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["product"]["slug"].as_str().unwrap().to_owned())
        .collect();
    slugs.sort();
    slugs
}

db_test!(
    a_change_the_engine_keeps_refusing_is_set_aside_and_the_rest_is_followed,
    TestOptions::empty()
);
async fn a_change_the_engine_keeps_refusing_is_set_aside_and_the_rest_is_followed(app: TestApp) {
    app.import(&three("xuanthu")).await.unwrap();
    app.wait_for_sync(Duration::from_secs(10)).await;
    let hai = product::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.slug == "hai")
        .unwrap()
        .id;
    // The engine refuses product "hai"'s document, whatever it holds.
    app.search.poison(Some(hai));
    app.import(&three("hathu")).await.unwrap();
    // The index does not stop at it: it catches up with the log, "hai" set aside.
    app.wait_for_sync(Duration::from_secs(20)).await;
    assert_eq!(slugs_found(&app, "hathu").await, ["ba", "mot"]);
    // The entries of the import that touch "hai" (its product, its certificates, the
    // producer's, which touches every product of the producer) are set aside, and nothing
    // else.
    let listed = ocop_api::indexing::dead_letter::list(&app.db)
        .await
        .unwrap();
    assert!(!listed.is_empty());
    for letter in &listed {
        assert!(
            letter.products.split(',').any(|id| id == hai.to_string()),
            "{letter:?}"
        );
        assert!(letter.error.contains("refused (test)"), "{letter:?}");
    }
    let status = app
        .data("{ searchStatus { deadLetters pendingChanges } }", json!({}))
        .await;
    assert_eq!(
        status["searchStatus"]["deadLetters"],
        listed.len(),
        "{status}"
    );
    let ready: serde_json::Value = app
        .client()
        .get(app.url("/ready"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        ready["search"]["sync"]["deadLetters"],
        listed.len(),
        "{ready}"
    );

    // The cause is fixed. `ocop dead-letters skip --position P` forgets one;
    // `ocop dead-letters retry` records the others again.
    app.search.poison(None);
    assert!(
        listed.len() >= 2,
        "the producer's and the product's entries: {listed:?}"
    );
    let skipped = ocop_api::indexing::dead_letter::skip(&app.db, Some(listed[0].position))
        .await
        .unwrap();
    assert_eq!(skipped, 1);
    let retried = ocop_api::indexing::dead_letter::retry(&app.db, None)
        .await
        .unwrap();
    assert_eq!(retried, listed.len() - 1);
    app.wait_for_sync(Duration::from_secs(10)).await;
    assert_eq!(slugs_found(&app, "hathu").await, ["ba", "hai", "mot"]);
    let status = app
        .data("{ searchStatus { deadLetters } }", json!({}))
        .await;
    assert_eq!(status["searchStatus"]["deadLetters"], 0);
}

//! Faults: the search engine or the database going away while the catalogue is in use.

use std::time::{Duration, Instant};

use ocop_entities::{api_key::Role, product};
use ocop_tests::{
    Backend, TestApp, TestOptions, db_test,
    fixtures::{Catalogue, ProductSpec, wards, word},
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use secrecy::ExposeSecret;
use serde_json::json;

async fn hits(app: &TestApp, q: &str) -> Vec<String> {
    let data = app
        .data("query($q: String!) { searchProducts(query: $q, filter: {certification: ANY}, pageSize: 100) { hits { product { id } } } }", json!({"q": q}))
        .await;
    data["searchProducts"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["product"]["id"].as_str().unwrap().to_owned())
        .collect()
}

const UPDATE: &str = "mutation($id: ID!, $i: UpdateProductInput!) { updateProduct(id: $id, input: $i) { id updatedAt } }";

/// 1,000 writes while the engine is down, then checks that every change reached the index and
/// nothing stale is left: each product is found by the token of its last version only.
async fn outage_during_writes(app: &TestApp, down: impl Fn(), up: impl Fn()) {
    let mut c = Catalogue::new().producer("p", "HTX", "COOPERATIVE", wards::HA_TINH);
    for i in 0..100 {
        c = c.product(ProductSpec::new(
            &format!("sp-{i}"),
            &format!("Sản phẩm {}", word(i)),
            "p",
            wards::HA_TINH,
            "I.4.a",
        ));
    }
    app.import(&c.jsonl()).await.unwrap();
    app.wait_for_sync(Duration::from_secs(30)).await;
    let admin = app.key(Role::Admin, &[], None).await;
    let listed = app.data("{ products(first: 100, filter: {certification: ANY}) { edges { node { id slug updatedAt } } } }", json!({})).await;
    // (id, updatedAt, last token, the token before it)
    let mut live: Vec<(String, String, Option<String>, Option<String>)> =
        listed["products"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["node"]["id"].as_str().unwrap().to_owned(),
                    e["node"]["updatedAt"].as_str().unwrap().to_owned(),
                    None,
                    None,
                )
            })
            .collect();
    down();
    let mut archived: Vec<(String, Option<String>)> = Vec::new();
    let mut created = Vec::new();
    for k in 0..1000 {
        if k % 97 == 96 && live.len() > 10 {
            let (id, _, token, _) = live.remove(k % live.len());
            let r = app
                .gql_as(
                    Some(&admin),
                    "mutation($id: ID!) { archiveProduct(id: $id) { id } }",
                    json!({"id": id}),
                )
                .await;
            assert!(r.error_codes().is_empty(), "{}", r.body);
            archived.push((id, token));
        } else if k % 100 == 50 {
            let name = format!("Mới {}", word(100_000 + k));
            let r = app
                .gql_as(Some(&admin), "mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }",
                    json!({"i": {"name": name, "categoryCode": "I.4.a", "producerId": "1", "wardCode": wards::HA_TINH}}))
                .await;
            created.push((
                r.data()["createProduct"]["id"].as_str().unwrap().to_owned(),
                word(100_000 + k),
            ));
        } else {
            let i = k % live.len();
            let token = word(10_000 + k);
            let (id, updated_at, last, _) = live[i].clone();
            let r = app.gql_as(Some(&admin), UPDATE, json!({"id": id, "i": {"expectedUpdatedAt": updated_at, "description": format!("Phiên bản {token}")}})).await;
            let fresh = r.data()["updateProduct"]["updatedAt"]
                .as_str()
                .unwrap()
                .to_owned();
            live[i] = (id, fresh, Some(token), last);
        }
    }
    let unavailable = app
        .gql(
            "{ searchProducts(query: \"san pham\") { totalHits } }",
            json!({}),
        )
        .await;
    assert_eq!(unavailable.error_codes(), ["SEARCH_UNAVAILABLE"]);
    let pending = app
        .data("{ searchStatus { pendingChanges } }", json!({}))
        .await;
    assert!(pending["searchStatus"]["pendingChanges"].as_u64().unwrap() >= 900);
    up();
    let drained = app.wait_for_sync(Duration::from_secs(60)).await;
    eprintln!("the backlog of 1,000 writes drained {drained:?} after the engine returned");
    assert!(drained < Duration::from_secs(20), "drained in {drained:?}");
    // 0 lost, 0 stale.
    let mut stale_checked = 0;
    for (id, _, token, previous) in &live {
        if let Some(token) = token {
            assert_eq!(
                hits(app, token).await,
                std::slice::from_ref(id),
                "the last version of {id} is indexed"
            );
        }
        if let Some(previous) = previous {
            assert!(
                hits(app, previous).await.is_empty(),
                "the overwritten version {previous} of {id} is gone"
            );
            stale_checked += 1;
        }
    }
    assert!(
        stale_checked > 50,
        "{stale_checked} overwritten versions checked"
    );
    for (id, token) in &archived {
        if let Some(token) = token {
            let found = hits(app, token).await;
            assert!(
                found.is_empty(),
                "archived {id} left the index: {token} finds {found:?}"
            );
        }
    }
    for (id, token) in &created {
        assert_eq!(
            hits(app, token).await,
            std::slice::from_ref(id),
            "created {id} is indexed"
        );
    }
    let published = product::Entity::find()
        .filter(product::Column::Status.eq(ocop_entities::product::ProductStatus::Published))
        .count(&app.db)
        .await
        .unwrap();
    let all = app
        .data(
            "{ searchProducts(query: \"\", filter: {certification: ANY}) { totalHits } }",
            json!({}),
        )
        .await;
    assert_eq!(
        all["searchProducts"]["totalHits"].as_u64().unwrap(),
        published,
        "index and database agree"
    );
}

db_test!(
    an_engine_outage_during_a_thousand_writes_loses_nothing,
    TestOptions::empty()
);
async fn an_engine_outage_during_a_thousand_writes_loses_nothing(app: TestApp) {
    outage_during_writes(
        &app,
        || app.search.set_down(true),
        || app.search.set_down(false),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meilisearch_outage_during_a_thousand_writes_loses_nothing() {
    let Some(url) = std::env::var("MEILI_URL").ok().filter(|u| !u.is_empty()) else {
        eprintln!("skipped on Meilisearch: MEILI_URL is not set");
        return;
    };
    let mut meili = ocop_search::meili::MeiliOptions::new(
        url,
        std::env::var("MEILI_MASTER_KEY")
            .ok()
            .filter(|k| !k.is_empty()),
    );
    meili.index_prefix = format!(
        "faults_{}_{}_",
        std::process::id(),
        chrono::Utc::now().timestamp_subsec_nanos()
    );
    let app = TestApp::spawn(TestOptions {
        meilisearch: Some(meili),
        ..TestOptions::default()
    })
    .await;
    let proxy = app.proxy.as_ref().expect("Meilisearch behind a proxy");
    outage_during_writes(&app, || proxy.cut(), || proxy.restore()).await;
}

db_test!(
    the_database_going_away_fails_fast_and_the_service_recovers_by_itself,
    TestOptions::database_behind_proxy()
);
async fn the_database_going_away_fails_fast_and_the_service_recovers_by_itself(app: TestApp) {
    if app.backend == Backend::Sqlite {
        eprintln!("skipped on SQLite: an embedded file cannot be taken away; runs on PostgreSQL");
        return;
    }
    app.import_one_product().await;
    let proxy = app.proxy.as_ref().expect("PostgreSQL behind a proxy");
    proxy.cut();
    let started = Instant::now();
    let failed = app.gql("{ products { totalCount } }", json!({})).await;
    let took = started.elapsed();
    assert_eq!(
        failed.error_codes(),
        ["DATABASE_UNAVAILABLE"],
        "{}",
        failed.body
    );
    assert!(took < Duration::from_secs(3), "failed in {took:?}");
    let ready = app.client().get(app.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    assert_eq!(
        app.client()
            .get(app.url("/health"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let reference = app.data("{ regions { code } }", json!({})).await;
    assert_eq!(
        reference["regions"].as_array().unwrap().len(),
        6,
        "reference data is served from memory"
    );
    proxy.restore();
    let started = Instant::now();
    loop {
        let r = app.gql("{ products { totalCount } }", json!({})).await;
        if r.error_codes().is_empty() {
            assert_eq!(r.body["data"]["products"]["totalCount"], 1);
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "not recovered: {}",
            r.body
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let ready = app.wait_ready(Duration::from_secs(10)).await;
    assert_eq!(ready["database"]["status"], "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_file_locked_by_another_process_fails_writes_fast_and_then_takes_them() {
    let app = TestApp::spawn(TestOptions::empty()).await;
    let admin = app.key(Role::Admin, &[], None).await;
    // Another process (an import, say) holds the file's write lock.
    let other = sea_orm::Database::connect(app.settings.database_url().expose_secret())
        .await
        .unwrap();
    let lock = ocop_api::db::begin_write(&other).await.unwrap();
    let create = "mutation { createProducer(input: {name: \"HTX Chờ\", kind: HOUSEHOLD, wardCode: \"06673\"}) { id } }";
    let started = Instant::now();
    let failed = app.gql_as(Some(&admin), create, json!({})).await;
    let took = started.elapsed();
    assert_eq!(
        failed.error_codes(),
        ["DATABASE_UNAVAILABLE"],
        "{}",
        failed.body
    );
    assert!(
        took < Duration::from_secs(3),
        "failed after {took:?} (acquire timeout 1 s)"
    );
    let read = app.data("{ products { totalCount } }", json!({})).await;
    assert_eq!(read["products"]["totalCount"], 0, "reads go on meanwhile");
    lock.rollback().await.unwrap();
    let done = app.gql_as(Some(&admin), create, json!({})).await;
    assert!(done.error_codes().is_empty(), "{}", done.body);
}

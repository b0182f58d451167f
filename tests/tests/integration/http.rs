//! Health, readiness, GraphiQL and graceful shutdown.

use ocop_tests::{TestApp, TestOptions, db_test};

db_test!(health_and_readiness_answer, TestOptions::empty());
async fn health_and_readiness_answer(app: TestApp) {
    let health = app.client().get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    // Ready once the database answers and this server's index is built at the log's head.
    let body = app.wait_ready(std::time::Duration::from_secs(10)).await;
    assert_eq!(body["database"]["status"], "ok");
    assert_eq!(body["search"]["sync"]["status"], "ok");
    assert_eq!(
        body["search"]["sync"]["position"],
        body["search"]["sync"]["head"]
    );
}

db_test!(
    a_browser_gets_graphiql_at_the_graphql_endpoint,
    TestOptions::empty()
);
async fn a_browser_gets_graphiql_at_the_graphql_endpoint(app: TestApp) {
    let page = app
        .client()
        .get(app.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("graphiql"), "GraphiQL page");
    let get = app
        .client()
        .get(app.url("/graphql?query=%7B__typename%7D"))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = get.json().await.unwrap();
    assert_eq!(body["data"]["__typename"], "Query");
}

db_test!(
    readiness_fails_when_the_database_is_gone,
    TestOptions::empty()
);
async fn readiness_fails_when_the_database_is_gone(app: TestApp) {
    app.db.clone().close().await.unwrap();
    let ready = app.client().get(app.url("/ready")).send().await.unwrap();
    assert_eq!(ready.status(), 503);
    let health = app.client().get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 200, "the process itself is still up");
}

db_test!(the_server_stops_gracefully, TestOptions::empty());
async fn the_server_stops_gracefully(app: TestApp) {
    let url = app.url("/health");
    app.stop().await;
    assert!(
        reqwest::get(url).await.is_err(),
        "nothing listens after shutdown"
    );
}

//! What an operator sees: Prometheus metrics on their own listener, and request ids.

use ocop_tests::{
    TestApp, TestOptions,
    fixtures::{Catalogue, ProductSpec, valid_cert, wards},
};
use serde_json::json;

/// The lines of a scrape that hold `name` and every one of `labels` (`key="value"`).
fn lines<'a>(scrape: &'a str, name: &str, labels: &[&str]) -> Vec<&'a str> {
    scrape
        .lines()
        .filter(|l| {
            l.starts_with(name)
                && l[name.len()..].starts_with(['{', ' '])
                && labels.iter().all(|label| l.contains(label))
        })
        .collect()
}

/// The value of the one line of `name` with `labels`.
fn value(scrape: &str, name: &str, labels: &[&str]) -> f64 {
    let found = lines(scrape, name, labels);
    assert_eq!(found.len(), 1, "{name} {labels:?} in:\n{scrape}");
    found[0]
        .rsplit(' ')
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("a value in {}", found[0]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_scraped_on_their_own_listener_with_names_and_labels() {
    let app = TestApp::spawn(TestOptions::with_limits(ocop_api::limits::Limits {
        anonymous_per_second: 1,
        anonymous_burst: 30,
        ..ocop_api::limits::Limits::default()
    }))
    .await;
    let admin = app
        .key(ocop_entities::api_key::Role::Admin, &[], None)
        .await;
    app.import(
        &Catalogue::new()
            .producer("p", "HTX", "COOPERATIVE", wards::HA_TINH)
            .product(
                ProductSpec::new("a", "Nước mắm", "p", wards::HA_TINH, "I.4.a")
                    .certs(vec![valid_cert(4)]),
            )
            .jsonl(),
    )
    .await
    .unwrap();
    app.wait_for_sync(std::time::Duration::from_secs(10)).await;
    let named = app
        .gql_as(
            Some(&admin),
            "query MetricsProbe { products { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(named.data()["products"]["totalCount"], 1);
    let searched = app
        .gql_as(
            Some(&admin),
            "query MetricsSearch { searchProducts(query: \"nuoc mam\") { totalHits } }",
            json!({}),
        )
        .await;
    assert_eq!(searched.data()["searchProducts"]["totalHits"], 1);
    let bad = app
        .gql_as(Some(&admin), "{ product(id: \"x\") { id } }", json!({}))
        .await;
    let codes = bad.error_codes();
    assert!(
        !codes.is_empty() && codes.iter().all(|c| c == "BAD_USER_INPUT"),
        "{codes:?}"
    );
    // Anonymous callers have a burst of 30 (some spent waiting for the index): the rest are
    // refused.
    let mut refused = 0;
    for _ in 0..40 {
        if app.gql("{ __typename }", json!({})).await.status == 429 {
            refused += 1;
        }
    }
    assert!(refused > 0, "the anonymous limit refused some requests");

    let public = app.client().get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(public.status(), 404, "metrics are not on the public port");
    let scrape = app
        .client()
        .get(format!("http://{}/metrics", app.metrics_addr))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        value(
            &scrape,
            "ocop_http_requests_total",
            &["route=\"/graphql\"", "method=\"POST\"", "status=\"200\""]
        ) >= 3.0
    );
    assert!(
        value(
            &scrape,
            "ocop_http_requests_total",
            &["route=\"/graphql\"", "status=\"429\""]
        ) >= refused as f64
    );
    assert!(
        !lines(
            &scrape,
            "ocop_http_request_duration_seconds_bucket",
            &["route=\"/graphql\""]
        )
        .is_empty()
    );
    assert_eq!(
        value(
            &scrape,
            "ocop_graphql_operations_total",
            &["operation=\"MetricsProbe\"", "outcome=\"ok\""]
        ),
        1.0
    );
    assert!(
        value(
            &scrape,
            "ocop_graphql_operation_duration_seconds_count",
            &["operation=\"MetricsSearch\""]
        ) >= 1.0
    );
    assert!(value(&scrape, "ocop_errors_total", &["code=\"BAD_USER_INPUT\""]) >= 1.0);
    assert!(value(&scrape, "ocop_errors_total", &["code=\"RATE_LIMITED\""]) >= refused as f64);
    assert!(
        value(
            &scrape,
            "ocop_rate_limited_total",
            &["caller=\"anonymous\""]
        ) >= refused as f64
    );
    assert!(value(&scrape, "ocop_sql_statements_total", &["outcome=\"ok\""]) > 0.0);
    assert!(value(&scrape, "ocop_sql_statement_duration_seconds_count", &[]) > 0.0);
    assert!(
        value(
            &scrape,
            "ocop_search_duration_seconds_count",
            &["engine=\"embedded\"", "kind=\"products\""]
        ) >= 1.0
    );
    assert_eq!(
        value(
            &scrape,
            "ocop_index_lag_changes",
            &["consumer=\"embedded\""]
        ),
        0.0,
        "this server's index has caught up"
    );
    assert!(scrape.contains("# HELP ocop_index_lag_seconds"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_id_is_taken_or_made_and_echoed() {
    let app = TestApp::spawn(TestOptions::empty()).await;
    let given = app
        .client()
        .get(app.url("/health"))
        .header("x-request-id", "kiosk-7-0042")
        .send()
        .await
        .unwrap();
    assert_eq!(given.headers()["x-request-id"], "kiosk-7-0042");
    let made = app.client().get(app.url("/health")).send().await.unwrap();
    let id = made.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a UUID: {id}");
    let again = app.client().get(app.url("/health")).send().await.unwrap();
    assert_ne!(again.headers()["x-request-id"].to_str().unwrap(), id);
}

//! Protection against abusive use: rate limits, query cost reporting, introspection switch.

use ocop_api::limits::Limits;
use ocop_entities::api_key::Role;
use ocop_tests::{TestApp, TestOptions, db_test};
use serde_json::json;

fn strict() -> Limits {
    Limits {
        anonymous_per_second: 1,
        anonymous_burst: 3,
        key_per_second: 1,
        key_burst: 5,
        partner_per_second: 1,
        partner_burst: 8,
        ..Limits::default()
    }
}

db_test!(
    anonymous_callers_over_their_rate_get_429_with_retry_after,
    TestOptions::with_limits(strict())
);
async fn anonymous_callers_over_their_rate_get_429_with_retry_after(app: TestApp) {
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(app.gql("{ __typename }", json!({})).await);
    }
    assert!(
        statuses[..3].iter().all(|r| r.status == 200),
        "the burst is allowed"
    );
    let limited = &statuses[4];
    assert_eq!(limited.status, 429);
    assert_eq!(limited.error_codes(), ["RATE_LIMITED"]);
    let retry: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    // Keys have allowances of their own, partners larger ones.
    let partner = app.key(Role::Partner, &[], None).await;
    let editor = app.key(Role::Editor, &["22"], None).await;
    let mut partner_ok = 0;
    let mut editor_ok = 0;
    for _ in 0..10 {
        partner_ok += usize::from(
            app.gql_as(Some(&partner), "{ __typename }", json!({}))
                .await
                .status
                == 200,
        );
        editor_ok += usize::from(
            app.gql_as(Some(&editor), "{ __typename }", json!({}))
                .await
                .status
                == 200,
        );
    }
    assert!(
        partner_ok > editor_ok,
        "partner {partner_ok}, editor {editor_ok}"
    );
    assert!((5..=7).contains(&editor_ok), "editor {editor_ok}");
}

db_test!(
    a_batch_costs_one_request_per_operation,
    TestOptions::with_limits(strict())
);
async fn a_batch_costs_one_request_per_operation(app: TestApp) {
    let editor = app.key(Role::Editor, &["22"], None).await;
    let batch = |n: usize| serde_json::Value::Array(vec![json!({"query": "{ __typename }"}); n]);
    let first = app
        .client()
        .post(app.url("/graphql"))
        .bearer_auth(&editor)
        .json(&batch(5))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    let body: serde_json::Value = first.json().await.unwrap();
    assert_eq!(body.as_array().unwrap().len(), 5);
    let second = app
        .client()
        .post(app.url("/graphql"))
        .bearer_auth(&editor)
        .json(&batch(2))
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 429, "the five operations used the burst");
}

db_test!(every_response_reports_its_cost, TestOptions::empty());
async fn every_response_reports_its_cost(app: TestApp) {
    let small = app.gql("{ regions { code } }", json!({})).await;
    let cost = &small.body["extensions"]["cost"];
    assert!(cost["requestedQueryCost"].as_u64().unwrap() >= 2);
    assert_eq!(cost["maximumAvailable"], 10_000);
    let page = app
        .gql(
            "{ products(first: 50) { edges { node { slug name } } } }",
            json!({}),
        )
        .await;
    let page_cost = page.body["extensions"]["cost"]["requestedQueryCost"]
        .as_u64()
        .unwrap();
    assert!(
        page_cost >= 50 * 3,
        "a page of 50 costs at least 50 × its fields: {page_cost}"
    );
    let too_much = format!("{{ {} }}", (0..8).map(|i| format!("p{i}: products(first: 100) {{ edges {{ node {{ slug name stars category {{ code name }} province {{ code name }} producer {{ name kind }} }} }} }}")).collect::<Vec<_>>().join(" "));
    let refused = app.gql(&too_much, json!({})).await;
    assert_eq!(refused.error_codes(), ["BAD_USER_INPUT"]);
    assert!(
        refused.body["extensions"]["cost"]["requestedQueryCost"]
            .as_u64()
            .unwrap()
            > 10_000,
        "the cost is reported even when refused"
    );
}

db_test!(introspection_is_off_in_production, TestOptions::empty());
async fn introspection_is_off_in_production(app: TestApp) {
    let on = app
        .gql("{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(
        on.data()["__schema"]["queryType"]["name"],
        "Query",
        "on in development"
    );
    let mut settings = app.settings.clone();
    settings.env = ocop_api::config::Environment::Production;
    settings.listen = "127.0.0.1:0".parse().unwrap();
    let search = std::sync::Arc::new(
        ocop_search::embedded::EmbeddedBackend::open(settings.data_dir.join("index-prod")).unwrap(),
    );
    let prod = ocop_api::startup::Application::build_with_search(settings, search)
        .await
        .unwrap();
    let url = format!("http://{}/graphql", prod.local_addr());
    tokio::spawn(prod.run_until(std::future::pending()));
    let client = reqwest::Client::new();
    let body: serde_json::Value = client
        .post(&url)
        .json(&json!({"query": "{ __schema { queryType { name } } }"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        body["data"]["__schema"].is_null(),
        "introspection answers nothing in production: {body}"
    );
    let typo: serde_json::Value = client
        .post(&url)
        .json(&json!({"query": "{ prodcts { totalCount } }"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let message = typo["errors"][0]["message"].as_str().unwrap();
    assert!(
        !message.contains("Did you mean"),
        "no field suggestions in production: {message}"
    );
}

db_test!(
    a_closed_database_is_reported_as_unavailable_without_details,
    TestOptions::empty()
);
async fn a_closed_database_is_reported_as_unavailable_without_details(app: TestApp) {
    app.db.clone().close().await.unwrap();
    let response = app.gql("{ products { totalCount } }", json!({})).await;
    assert_eq!(response.error_codes(), ["DATABASE_UNAVAILABLE"]);
    let message = response.body["errors"][0]["message"].as_str().unwrap();
    assert_eq!(
        message,
        "the database is temporarily unavailable; try again shortly"
    );
}

db_test!(
    costly_queries_count_as_several_requests,
    TestOptions::with_limits(ocop_api::limits::Limits {
        anonymous_per_second: 1,
        anonymous_burst: 25,
        ..ocop_api::limits::Limits::default()
    })
);
async fn costly_queries_count_as_several_requests(app: TestApp) {
    // Seven aliased pages of 100 products: about 9,800, ten requests' worth.
    let costly = format!(
            "{{ {} }}",
            (0..7)
                .map(|i| format!("p{i}: products(first: 100) {{ edges {{ node {{ slug name stars category {{ code name }} province {{ code name }} producer {{ name kind }} }} }} }}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    let mut answered = 0;
    let refused = loop {
        let r = app.gql(&costly, json!({})).await;
        if r.status != 200 {
            break r;
        }
        let cost = r.body["extensions"]["cost"]["requestedQueryCost"]
            .as_u64()
            .unwrap();
        assert!(cost > 9_000, "cost {cost}");
        answered += 1;
        assert!(answered < 10, "the allowance never runs out");
    };
    // Two take 20 of the 25; the third is let in (1) but cannot pay for its cost (9 more).
    assert_eq!(answered, 2);
    assert_eq!(refused.status, 429);
    assert_eq!(refused.error_codes(), ["RATE_LIMITED"]);
    assert!(refused.headers.contains_key("retry-after"));
    // A refused query takes nothing: a cheap one fits in what is left.
    assert_eq!(app.gql("{ __typename }", json!({})).await.status, 200);
}

/// Behind a trusted proxy, each client has its own allowance, and a client that writes its own
/// `X-Forwarded-For` cannot take a fresh one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_a_client_cannot_dodge_its_limit_by_forging_x_forwarded_for() {
    let app = TestApp::spawn(TestOptions::with_limits(Limits {
        trusted_proxies: vec!["127.0.0.1".into()],
        ..strict()
    }))
    .await;
    let status = |forwarded: &'static str| {
        let request = app
            .client()
            .post(app.url("/graphql"))
            .header("x-forwarded-for", forwarded)
            .json(&json!({"query": "{ __typename }"}));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    // The client 198.51.100.7 uses its burst of 3, each time claiming another address on the
    // left; the proxy (this test, at 127.0.0.1) appended the real one on the right.
    for forged in [
        "1.1.1.1, 198.51.100.7",
        "2.2.2.2, 198.51.100.7",
        "198.51.100.7",
    ] {
        assert_eq!(status(forged).await, 200, "{forged}");
    }
    assert_eq!(status("3.3.3.3, 198.51.100.7").await, 429);
    // Another client behind the same proxy has its own allowance.
    assert_eq!(status("198.51.100.8").await, 200);
}

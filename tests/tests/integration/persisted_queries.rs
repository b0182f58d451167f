//! Persisted queries: APQ's register, hit and miss over POST and GET, and the trusted-only
//! settings, which answer the contract's operations and refuse every other document.

use ocop_api::config::ArbitraryQueries;
use ocop_entities::api_key::Role;
use ocop_tests::{GqlResponse, TestApp, TestOptions, operation};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const REGIONS: &str = "query Mine { regions { code } }";

const CONTRACT: &[&str] = &[
    include_str!("../../contract/reference.graphql"),
    include_str!("../../contract/products.graphql"),
    include_str!("../../contract/product.graphql"),
    include_str!("../../contract/search.graphql"),
    include_str!("../../contract/outlets.graphql"),
    include_str!("../../contract/mutations.graphql"),
];

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn persisted(hash: &str) -> Value {
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

async fn post(app: &TestApp, key: Option<&str>, body: Value) -> GqlResponse {
    let mut request = app.client().post(app.url("/graphql"));
    if let Some(key) = key {
        request = request.bearer_auth(key);
    }
    TestApp::collect(request.json(&body).send().await.unwrap()).await
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A GET naming its document by hash only.
async fn get_by_hash(app: &TestApp, hash: &str) -> reqwest::Response {
    let url = app.url(&format!(
        "/graphql?extensions={}",
        encode(&persisted(hash).to_string())
    ));
    app.client().get(url).send().await.unwrap()
}

fn code(response: &GqlResponse) -> String {
    response.error_codes().join(",")
}

/// Every operation name of a contract file.
fn names(document: &str) -> Vec<String> {
    document
        .lines()
        .filter_map(|line| {
            let rest = line
                .strip_prefix("query ")
                .or_else(|| line.strip_prefix("mutation "))?;
            Some(
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apq_misses_then_registers_then_hits() {
    let app = TestApp::spawn(TestOptions::empty()).await;
    let hash = sha256(REGIONS);

    let miss = post(&app, None, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(miss.status, 200);
    assert_eq!(code(&miss), "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(miss.body["errors"][0]["message"], "PersistedQueryNotFound");
    assert_eq!(miss.headers["cache-control"], "no-store");

    let wrong = post(
        &app,
        None,
        json!({ "query": "{ provinces { code } }", "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(
        (wrong.status.as_u16(), code(&wrong).as_str()),
        (400, "BAD_USER_INPUT")
    );

    let register = post(
        &app,
        None,
        json!({ "query": REGIONS, "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(register.data()["regions"].as_array().unwrap().len(), 6);

    let hit = post(&app, None, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(hit.data(), register.data());

    // Over GET: a short URL, cacheable, with its validator.
    let first = get_by_hash(&app, &hash).await;
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].clone();
    let body: Value = first.json().await.unwrap();
    assert_eq!(&body["data"], register.data());
    let url = app.url(&format!(
        "/graphql?extensions={}",
        encode(&persisted(&hash).to_string())
    ));
    let again = app
        .client()
        .get(url)
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // Another server has not seen the registration: it misses, and the client registers there.
    let other = TestApp::spawn(TestOptions::empty()).await;
    let there = post(&other, None, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(code(&there), "PERSISTED_QUERY_NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mutation_named_by_hash_is_not_run_over_get() {
    let app = TestApp::spawn(TestOptions::empty()).await;
    let mutation = "mutation { archiveProduct(id: \"1\") { id } }";
    let hash = sha256(mutation);
    // Registered (and refused for want of a key) by POST…
    let posted = post(
        &app,
        None,
        json!({ "query": mutation, "extensions": persisted(&hash) }),
    )
    .await;
    assert_eq!(code(&posted), "UNAUTHENTICATED");
    // …but never executed by GET.
    let response = get_by_hash(&app, &hash).await;
    assert_eq!(response.status(), 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trusted_only_answers_the_contract_and_refuses_the_rest() {
    let app = TestApp::spawn(TestOptions::configured(|s| {
        s.arbitrary_queries = ArbitraryQueries::Nobody;
    }))
    .await;

    // Any other document is refused with a clear code, as text or by APQ, key or not.
    let partner = app.key(Role::Partner, &[], None).await;
    for key in [None, Some(partner.as_str())] {
        let text = post(&app, key, json!({ "query": REGIONS })).await;
        assert_eq!(
            (text.status.as_u16(), code(&text).as_str()),
            (403, "UNTRUSTED_DOCUMENT")
        );
        let register = post(
            &app,
            key,
            json!({ "query": REGIONS, "extensions": persisted(&sha256(REGIONS)) }),
        )
        .await;
        assert_eq!(code(&register), "UNTRUSTED_DOCUMENT");
        let by_hash = post(
            &app,
            key,
            json!({ "extensions": persisted(&sha256(REGIONS)) }),
        )
        .await;
        assert_eq!(code(&by_hash), "UNTRUSTED_DOCUMENT");
    }

    // Every contract operation, cut as clients cut it, is trusted as text and by hash.
    let mut checked = 0;
    for document in CONTRACT {
        for name in names(document) {
            let text = operation(document, &name);
            let as_text = post(&app, None, json!({ "query": text })).await;
            assert!(
                !code(&as_text).contains("UNTRUSTED_DOCUMENT"),
                "{name}: {}",
                as_text.body
            );
            let by_hash = post(
                &app,
                None,
                json!({ "extensions": persisted(&sha256(&text)) }),
            )
            .await;
            assert!(
                !code(&by_hash).contains("UNTRUSTED_DOCUMENT"),
                "{name}: {}",
                by_hash.body
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 20);

    // A trusted read answers by hash over GET too.
    let regions = operation(CONTRACT[0], "Regions");
    let response = get_by_hash(&app, &sha256(&regions)).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["regions"].as_array().unwrap().len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_only_lets_key_holders_send_their_own_documents() {
    let app = TestApp::spawn(TestOptions::configured(|s| {
        s.arbitrary_queries = ArbitraryQueries::Keys;
    }))
    .await;
    let anonymous = post(&app, None, json!({ "query": REGIONS })).await;
    assert_eq!(code(&anonymous), "UNTRUSTED_DOCUMENT");
    let partner = app.key(Role::Partner, &[], None).await;
    let keyed = post(&app, Some(&partner), json!({ "query": REGIONS })).await;
    assert_eq!(keyed.data()["regions"].as_array().unwrap().len(), 6);
    // What a key holder registered is not a way in for anonymous callers.
    let hash = sha256(REGIONS);
    post(
        &app,
        Some(&partner),
        json!({ "query": REGIONS, "extensions": persisted(&hash) }),
    )
    .await;
    let borrowed = post(&app, None, json!({ "extensions": persisted(&hash) })).await;
    assert_eq!(code(&borrowed), "UNTRUSTED_DOCUMENT");
}

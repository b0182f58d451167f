//! Reads the web and kiosks can cache: the response cache is never older than the last write,
//! an answer for one audience is never served to another, GET answers carry an `ETag` that a
//! 304 honours without executing, and CORS and compression answer browsers.

use std::io::Read;

use ocop_entities::api_key::Role;
use ocop_tests::{
    TestApp, TestOptions, db_test,
    fixtures::{Catalogue, ProductSpec, wards},
};
use serde_json::{Value, json};

const COUNT: &str = "{ products { totalCount edges { node { slug name } } } }";

fn catalogue(n: usize) -> String {
    let mut c = Catalogue::new().producer("p", "HTX Thử", "COOPERATIVE", wards::HA_TINH);
    for i in 0..n {
        c = c.product(ProductSpec::new(
            &format!("sp-{i}"),
            &format!("Sản phẩm {i}"),
            "p",
            wards::HA_TINH,
            "I.4.a",
        ));
    }
    c.product(ProductSpec::new("nhap", "Nháp", "p", wards::HA_TINH, "I.4.a").status("DRAFT"))
        .jsonl()
}

fn get_url(app: &TestApp, query: &str) -> String {
    let encoded: String = query
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    app.url(&format!("/graphql?query={encoded}"))
}

async fn total(app: &TestApp) -> i64 {
    app.data(COUNT, json!({})).await["products"]["totalCount"]
        .as_i64()
        .unwrap()
}

db_test!(an_etag_round_trip, TestOptions::empty());
async fn an_etag_round_trip(app: TestApp) {
    app.import(&catalogue(3)).await.unwrap();
    let url = get_url(&app, COUNT);
    let first = app.client().get(&url).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let etag = first.headers()["etag"].clone();
    assert!(
        etag.to_str().unwrap().starts_with('"'),
        "a strong validator"
    );
    assert_eq!(
        first.headers()["cache-control"],
        "public, max-age=5, stale-while-revalidate=30"
    );
    assert!(
        first.headers()["vary"]
            .to_str()
            .unwrap()
            .contains("Authorization")
    );
    let body: Value = first.json().await.unwrap();
    assert_eq!(body["data"]["products"]["totalCount"], 3);

    let again = app
        .client()
        .get(&url)
        .header("if-none-match", etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"], etag);
    assert!(again.bytes().await.unwrap().is_empty());

    // A write anywhere moves the catalogue on: the old validator no longer matches.
    app.import(&catalogue(4)).await.unwrap();
    let after = app
        .client()
        .get(&url)
        .header("if-none-match", etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 200);
    assert_ne!(after.headers()["etag"], etag);
    let body: Value = after.json().await.unwrap();
    assert_eq!(body["data"]["products"]["totalCount"], 4);

    // A key holder's answer is private; errors are not cached.
    let partner = app.key(Role::Partner, &[], None).await;
    let private = app
        .client()
        .get(&url)
        .bearer_auth(&partner)
        .send()
        .await
        .unwrap();
    assert_eq!(private.headers()["cache-control"], "private, no-cache");
    let bad = app
        .client()
        .get(get_url(&app, "{ products(first: -1) { totalCount } }"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.headers()["cache-control"], "no-store");
    assert!(bad.headers().get("etag").is_none());
}

db_test!(
    a_cached_answer_is_never_older_than_the_last_write,
    TestOptions::empty()
);
async fn a_cached_answer_is_never_older_than_the_last_write(app: TestApp) {
    app.import(&catalogue(2)).await.unwrap();
    let admin = app.key(Role::Admin, &[], None).await;
    let product = app
        .data("{ product(slug: \"sp-0\") { id updatedAt } }", json!({}))
        .await["product"]
        .clone();
    let (id, mut updated_at) = (product["id"].clone(), product["updatedAt"].clone());
    for round in 0..3 {
        let name = format!("Tên mới {round}");
        // Read twice (the second from the cache), then write, then read.
        for _ in 0..2 {
            let data = app.data(COUNT, json!({})).await;
            assert_ne!(data["products"]["edges"][0]["node"]["name"], name);
        }
        let r = app
            .gql_as(
                Some(&admin),
                "mutation($id: ID!, $i: UpdateProductInput!) { updateProduct(id: $id, input: $i) { name updatedAt } }",
                json!({ "id": id, "i": { "name": name, "expectedUpdatedAt": updated_at } }),
            )
            .await;
        updated_at = r.data()["updateProduct"]["updatedAt"].clone();
        assert!(r.error_codes().is_empty(), "{:?}", r.body);
        let data = app.data(COUNT, json!({})).await;
        let names: Vec<&str> = data["products"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&name.as_str()), "round {round}: {names:?}");
    }
    assert_eq!(total(&app).await, 2);
}

db_test!(
    an_answer_for_a_partner_is_never_served_to_anyone_else,
    TestOptions::empty()
);
async fn an_answer_for_a_partner_is_never_served_to_anyone_else(app: TestApp) {
    app.import(&catalogue(2)).await.unwrap();
    let drafts =
        "{ products(filter: { statuses: [DRAFT] }) { totalCount edges { node { slug } } } }";
    let partner = app.key(Role::Partner, &[], None).await;
    for _ in 0..2 {
        let r = app.gql_as(Some(&partner), drafts, json!({})).await;
        assert_eq!(r.data()["products"]["edges"][0]["node"]["slug"], "nhap");
    }
    let anonymous = app.gql(drafts, json!({})).await;
    assert_eq!(
        anonymous.error_codes(),
        ["FORBIDDEN"],
        "{:?}",
        anonymous.body
    );
}

db_test!(
    browsers_get_cors_and_compressed_answers,
    TestOptions::empty()
);
async fn browsers_get_cors_and_compressed_answers(app: TestApp) {
    app.import(&catalogue(30)).await.unwrap();
    // Development allows any origin.
    let preflight = app
        .client()
        .request(reqwest::Method::OPTIONS, app.url("/graphql"))
        .header("origin", "https://shop.example.vn")
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "content-type, authorization",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 200);
    assert_eq!(preflight.headers()["access-control-allow-origin"], "*");
    let methods = preflight.headers()["access-control-allow-methods"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        methods.contains("POST") && methods.contains("GET"),
        "{methods}"
    );
    let allowed = preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(allowed.contains("authorization"), "{allowed}");

    let expected = app.data(COUNT, json!({})).await;
    for encoding in ["gzip", "br"] {
        let response = app
            .client()
            .post(app.url("/graphql"))
            .header("content-type", "application/json")
            .header("accept-encoding", encoding)
            .body(json!({ "query": COUNT }).to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-encoding"], encoding);
        let bytes = response.bytes().await.unwrap();
        let mut text = String::new();
        match encoding {
            "gzip" => flate2::read::GzDecoder::new(&bytes[..])
                .read_to_string(&mut text)
                .unwrap(),
            _ => brotli::Decompressor::new(&bytes[..], 4096)
                .read_to_string(&mut text)
                .unwrap(),
        };
        let body: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["data"], expected, "{encoding}");
        assert!(bytes.len() < text.len(), "{encoding} made it smaller");
    }
}

db_test!(
    a_search_finds_a_write_as_soon_as_the_index_has_it,
    TestOptions::empty()
);
async fn a_search_finds_a_write_as_soon_as_the_index_has_it(app: TestApp) {
    app.import(&catalogue(5)).await.unwrap();
    app.wait_for_sync(std::time::Duration::from_secs(30)).await;
    let admin = app.key(Role::Admin, &[], None).await;
    let search = "query($q: String!) { searchProducts(query: $q, filter: {certification: ANY}) { hits { product { slug } } } }";
    for round in 0..30 {
        let product = app
            .data("{ product(slug: \"sp-1\") { id updatedAt } }", json!({}))
            .await["product"]
            .clone();
        let token = ocop_tests::fixtures::word(50_000 + round);
        let r = app
            .gql_as(
                Some(&admin),
                "mutation($id: ID!, $i: UpdateProductInput!) { updateProduct(id: $id, input: $i) { id } }",
                json!({ "id": product["id"], "i": { "expectedUpdatedAt": product["updatedAt"], "description": token } }),
            )
            .await;
        assert!(r.error_codes().is_empty(), "{:?}", r.body);
        // Searched at once and again until found: an answer kept from before the index had
        // the change would hide it for good.
        let started = std::time::Instant::now();
        loop {
            let hits =
                app.data(search, json!({ "q": token })).await["searchProducts"]["hits"].clone();
            if hits.as_array().is_some_and(|h| !h.is_empty()) {
                break;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(10),
                "round {round}: the write never became searchable"
            );
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
    }
}

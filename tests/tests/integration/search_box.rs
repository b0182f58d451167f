//! What a search box needs beside results: completions as the buyer types, highlights that a
//! frontend renders without parsing markup, and a spelling that finds something when a search
//! finds nothing.

use std::time::Duration;

use ocop_search::text::fold;
use ocop_tests::{TestApp, TestOptions, db_test};
use serde_json::{Value, json};

const SUGGEST: &str = "query($p: String!, $first: Int) {
  suggest(prefix: $p, first: $first) { kind text code note ranges { start length } }
}";

const SEARCH: &str = "query($q: String!, $length: Int) {
  searchProducts(query: $q, pageSize: 5) {
    totalHits
    hits { product { name } highlights(snippetLength: $length) { field snippet ranges { start length } words } }
    didYouMean { query totalHits }
  }
}";

/// The runs of `text` that `ranges` (UTF-16 units) mark, folded.
fn marked(text: &str, ranges: &Value) -> Vec<String> {
    let units: Vec<u16> = text.encode_utf16().collect();
    ranges
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let start = r["start"].as_u64().unwrap() as usize;
            let end = start + r["length"].as_u64().unwrap() as usize;
            fold(&String::from_utf16(&units[start..end]).unwrap())
        })
        .collect()
}

async fn suggest(app: &TestApp, prefix: &str) -> Vec<Value> {
    let data = app.data(SUGGEST, json!({"p": prefix})).await;
    data["suggest"].as_array().unwrap().clone()
}

db_test!(
    suggestions_complete_product_names_and_places,
    TestOptions::demo()
);
async fn suggestions_complete_product_names_and_places(app: TestApp) {
    app.wait_for_sync(Duration::from_secs(10)).await;
    let found = suggest(&app, "ngoc tr").await;
    assert!(!found.is_empty(), "nothing suggested");
    let mut seen = std::collections::HashSet::new();
    for s in &found {
        assert_eq!(s["kind"], "PRODUCT", "{s}");
        let text = s["text"].as_str().unwrap();
        assert!(fold(text).contains("ngoc trai"), "{text}");
        assert_eq!(marked(text, &s["ranges"]), ["ngoc", "tr"], "{s}");
        assert!(seen.insert(text.to_owned()), "{text} twice");
    }
    // A province by its current name; a former one with the province it is now part of.
    let provinces = suggest(&app, "thanh ho").await;
    assert!(
        provinces
            .iter()
            .any(|s| s["kind"] == "PROVINCE" && s["text"] == "Thanh Hóa"),
        "{provinces:?}"
    );
    let former = suggest(&app, "quang binh").await;
    let quang_binh = former
        .iter()
        .find(|s| s["kind"] == "FORMER_PROVINCE")
        .unwrap_or_else(|| panic!("no former province in {former:?}"));
    assert_eq!(quang_binh["text"], "Quảng Bình");
    assert_eq!(quang_binh["note"], "Quảng Trị");
    let data = app.data(SUGGEST, json!({"p": "n", "first": 3})).await;
    assert!(data["suggest"].as_array().unwrap().len() <= 3);
    assert!(suggest(&app, "   ").await.is_empty());
    for first in [0, 21] {
        let response = app.gql(SUGGEST, json!({"p": "tra", "first": first})).await;
        assert_eq!(response.error_codes(), ["BAD_USER_INPUT"], "first: {first}");
        assert_eq!(response.error_field(), Some("first"));
    }
}

db_test!(hits_say_where_the_typed_words_are, TestOptions::demo());
async fn hits_say_where_the_typed_words_are(app: TestApp) {
    app.wait_for_sync(Duration::from_secs(10)).await;
    let data = app
        .data(SEARCH, json!({"q": "ngọc trai akoya", "length": 60}))
        .await;
    let hit = &data["searchProducts"]["hits"][0];
    let highlights = hit["highlights"].as_array().unwrap();
    let name = highlights.iter().find(|h| h["field"] == "NAME").unwrap();
    assert_eq!(name["snippet"], hit["product"]["name"]);
    assert_eq!(
        marked(name["snippet"].as_str().unwrap(), &name["ranges"]),
        ["ngoc", "trai", "akoya"]
    );
    assert_eq!(name["words"], json!(["ngọc", "trai", "akoya"]));
    let description = highlights
        .iter()
        .find(|h| h["field"] == "DESCRIPTION")
        .unwrap();
    let snippet = description["snippet"].as_str().unwrap();
    assert!(snippet.chars().count() <= 62, "{snippet}");
    let words = marked(snippet, &description["ranges"]);
    assert!(words.contains(&"akoya".to_owned()), "{description}");
    // Nothing typed, nothing highlighted.
    let data = app.data(SEARCH, json!({"q": ""})).await;
    assert_eq!(data["searchProducts"]["hits"][0]["highlights"], json!([]));
    // One error per hit, each naming the argument.
    let response = app.gql(SEARCH, json!({"q": "tra", "length": 5})).await;
    let codes = response.error_codes();
    assert!(
        !codes.is_empty() && codes.iter().all(|c| c == "BAD_USER_INPUT"),
        "{codes:?}"
    );
}

db_test!(
    a_search_that_finds_nothing_offers_a_spelling_that_does,
    TestOptions::demo()
);
async fn a_search_that_finds_nothing_offers_a_spelling_that_does(app: TestApp) {
    app.wait_for_sync(Duration::from_secs(10)).await;
    // A typo in a short first word: no engine tolerates it, so nothing is found.
    let data = app.data(SEARCH, json!({"q": "ngpc trai"})).await;
    let result = &data["searchProducts"];
    assert_eq!(result["totalHits"], 0);
    assert_eq!(result["didYouMean"]["query"], "ngọc trai", "{result}");
    let offered = result["didYouMean"]["totalHits"].as_u64().unwrap();
    let data = app.data(SEARCH, json!({"q": "ngọc trai"})).await;
    assert_eq!(data["searchProducts"]["totalHits"], offered);
    // Something found: no alternative. Nothing close: none either.
    assert!(data["searchProducts"]["didYouMean"].is_null());
    let data = app.data(SEARCH, json!({"q": "qqqqxz"})).await;
    assert_eq!(data["searchProducts"]["totalHits"], 0);
    assert!(data["searchProducts"]["didYouMean"].is_null());
}

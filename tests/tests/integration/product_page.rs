//! One product with its certificate, producer and the outlets that list it.

use ocop_tests::{TestApp, TestOptions, db_test};
use serde_json::json;

const PRODUCT: &str = include_str!("../../contract/product.graphql");

db_test!(
    a_product_page_shows_certificate_producer_and_outlets,
    TestOptions::demo()
);
async fn a_product_page_shows_certificate_producer_and_outlets(app: TestApp) {
    let data = app
        .data(PRODUCT, json!({ "slug": "che-dinh-tan-cuong-hao-dat" }))
        .await;
    let p = &data["product"];
    assert_eq!(p["slug"], "che-dinh-tan-cuong-hao-dat");
    assert_eq!(p["province"]["code"], "19");
    assert_eq!(p["category"]["parent"]["code"], "I.5");
    assert_eq!(p["producer"]["kind"], "COOPERATIVE");
    assert_eq!(p["producer"]["province"]["code"], "19");
    let current = &p["currentCertification"];
    assert_eq!(current["stars"], 5);
    assert_eq!(current["level"], "CENTRAL");
    assert!(current["decisionNumber"].as_str().is_some());
    assert!(!p["certifications"].as_array().unwrap().is_empty());
    let listings = p["listings"].as_array().unwrap();
    assert!(
        !listings.is_empty(),
        "the demo lists every published product somewhere"
    );
    assert!(
        listings
            .iter()
            .all(|l| l["outlet"]["slug"].is_string() && l["inStock"].is_boolean())
    );
}

db_test!(an_unknown_slug_is_null_not_an_error, TestOptions::empty());
async fn an_unknown_slug_is_null_not_an_error(app: TestApp) {
    let data = app.data(PRODUCT, json!({ "slug": "khong-ton-tai" })).await;
    assert!(data["product"].is_null());
}

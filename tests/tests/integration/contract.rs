//! Every read operation of the public contract runs as written, without errors.

use ocop_tests::{TestApp, TestOptions, db_test, operation};
use serde_json::{Value, json};

async fn run_op(app: &TestApp, file: &str, name: &str, variables: Value) -> Value {
    let response = app.gql(&operation(file, name), variables).await;
    assert!(
        response.body.get("errors").is_none(),
        "{name}: {}",
        response.body
    );
    response.body["data"].clone()
}

const REFERENCE: &str = include_str!("../../contract/reference.graphql");
const PRODUCTS: &str = include_str!("../../contract/products.graphql");
const PRODUCT: &str = include_str!("../../contract/product.graphql");
const OUTLETS: &str = include_str!("../../contract/outlets.graphql");
const SEARCH: &str = include_str!("../../contract/search.graphql");

db_test!(
    every_read_operation_of_the_contract_runs_without_errors,
    TestOptions::demo()
);
async fn every_read_operation_of_the_contract_runs_without_errors(app: TestApp) {
    let regions = run_op(&app, REFERENCE, "Regions", json!({})).await;
    assert_eq!(regions["regions"].as_array().unwrap().len(), 6);
    run_op(&app, REFERENCE, "Provinces", json!({})).await;
    let wards = run_op(&app, REFERENCE, "Wards", json!({"provinceCode": "22"})).await;
    assert_eq!(wards["wards"].as_array().unwrap().len(), 54);
    run_op(&app, REFERENCE, "Categories", json!({})).await;
    let resolved = run_op(
        &app,
        REFERENCE,
        "ResolveProvince",
        json!({"name": "quang binh"}),
    )
    .await;
    assert_eq!(
        resolved["resolveProvince"],
        json!({"code": "44", "name": "Quảng Trị"})
    );
    let products = run_op(
        &app,
        PRODUCTS,
        "Products",
        json!({"filter": {"provinceCodes": ["22"], "minStars": 4}, "first": 20, "after": null, "sort": "STARS_DESC"}),
    )
    .await;
    let edges = products["products"]["edges"].as_array().unwrap();
    assert!(!edges.is_empty());
    let slug = edges[0]["node"]["slug"].as_str().unwrap();
    let product = run_op(&app, PRODUCT, "Product", json!({"slug": slug})).await;
    assert_eq!(product["product"]["slug"], slug);
    let outlets = run_op(
        &app,
        OUTLETS,
        "Outlets",
        json!({"filter": {"provinceCodes": ["42"]}, "near": {"lat": 18.34, "lng": 105.90}, "first": 10}),
    )
    .await;
    let outlet = outlets["outlets"]["edges"][0]["node"]["slug"]
        .as_str()
        .expect("an outlet in Hà Tĩnh")
        .to_owned();
    let shelf = run_op(&app, OUTLETS, "Outlet", json!({"slug": outlet})).await;
    assert!(shelf["outlet"]["listings"]["totalCount"].as_u64().unwrap() > 0);
    app.wait_for_sync(std::time::Duration::from_secs(10)).await;
    let region = regions["regions"][0]["code"].as_str().unwrap().to_owned();
    let found = run_op(
            &app,
            SEARCH,
            "Search",
            json!({"query": "nuoc mam", "filter": {"regionCodes": [region]}, "page": 1, "pageSize": 20}),
        )
        .await;
    assert_eq!(
        found["searchProducts"]["facets"].as_array().unwrap().len(),
        5
    );
    let found = run_op(
        &app,
        SEARCH,
        "Search",
        json!({"query": "nước mắm", "page": 1, "pageSize": 20}),
    )
    .await;
    assert!(
        found["searchProducts"]["totalHits"].as_u64().unwrap() >= 3,
        "the demo has several nước mắm"
    );
    let near = run_op(
        &app,
        OUTLETS,
        "SearchOutlets",
        json!({"query": "ha tinh", "near": {"lat": 18.34, "lng": 105.90}, "radiusKm": 50}),
    )
    .await;
    assert!(
        near["searchOutlets"]["totalHits"].as_u64().unwrap() >= 1,
        "{near}"
    );
}

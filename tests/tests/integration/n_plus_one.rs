//! The N+1 bound: a page of products with its relations costs a fixed number of statements.

use ocop_tests::{
    TestApp, TestOptions, db_test,
    fixtures::{Catalogue, ProductSpec, cert, valid_cert, wards},
};
use serde_json::json;

const PAGE: &str = "query($first: Int) { products(first: $first, filter: {certification: ANY}) {
  totalCount
  edges { node { slug stars certificationStatus category { code name parent { code } } province { code name region { code } }
                 ward { code name } producer { name kind ward { code } }
                 currentCertification { stars expiresOn status } certifications { stars } listings { priceVnd outlet { slug } } } }
} }";

db_test!(
    a_page_of_100_products_costs_as_many_statements_as_a_page_of_10,
    TestOptions::empty()
);
async fn a_page_of_100_products_costs_as_many_statements_as_a_page_of_10(app: TestApp) {
    let mut c = Catalogue::new();
    for p in 0..40 {
        c = c.producer(
            &format!("p{p}"),
            &format!("HTX số {p}"),
            "COOPERATIVE",
            wards::HA_TINH,
        );
    }
    let mut slugs = Vec::new();
    for i in 0..120 {
        let slug = format!("sp-{i}");
        c = c.product(
            ProductSpec::new(
                &slug,
                &format!("Sản phẩm {i}"),
                &format!("p{}", i % 40),
                wards::BAI_CHAY,
                "I.1.a",
            )
            .certs(vec![cert(3, 1500, -400), valid_cert(4)]),
        );
        slugs.push(slug);
    }
    let listed: Vec<&str> = slugs.iter().map(String::as_str).collect();
    c = c.outlet(
        "o1",
        "Điểm 1",
        "OTHER",
        wards::BAI_CHAY,
        (20.96, 107.03),
        &listed[..60],
    );
    c = c.outlet(
        "o2",
        "Điểm 2",
        "OTHER",
        wards::BAI_CHAY,
        (20.97, 107.04),
        &listed[40..],
    );
    app.import(&c.jsonl()).await.unwrap();
    // The first count of a list reads the rows; later ones, while the catalogue stays the
    // same, only its version.
    let counted = app.gql(PAGE, json!({"first": 1})).await;
    assert_eq!(counted.data()["products"]["totalCount"], 120);

    let small = app.gql(PAGE, json!({"first": 10})).await;
    let large = app.gql(PAGE, json!({"first": 100})).await;
    assert_eq!(
        large.data()["products"]["edges"].as_array().unwrap().len(),
        100
    );
    assert_eq!(
        small.data()["products"]["edges"].as_array().unwrap().len(),
        10
    );
    let (s, l) = (small.sql_statements(), large.sql_statements());
    // products + catalogue version + producers + certificates + listings + outlets
    assert!(l <= 6, "a page of 100 ran {l} statements");
    assert_eq!(
        s, l,
        "statements must not grow with the page size ({s} for 10, {l} for 100)"
    );
}

//! The product list: every filter, the sort orders and pagination.
//!
//! Over 300 lines: one test per filter and sort order.

use std::collections::BTreeSet;

use ocop_tests::{
    TestApp, TestOptions, db_test,
    fixtures::{Catalogue, ProductSpec, cert, revoked, valid_cert, wards},
};
use serde_json::{Value, json};

const LIST: &str =
    "query($filter: ProductFilter, $first: Int, $after: String, $sort: ProductSort) {
  products(filter: $filter, first: $first, after: $after, sort: $sort) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { slug stars certificationStatus province { code } producer { kind } } }
  }
}";

/// Nine products covering every certification state, four producer kinds, four provinces.
fn catalogue() -> Catalogue {
    Catalogue::new()
        .producer(
            "p-dn",
            "Công ty CP Ngọc trai Hạ Long",
            "ENTERPRISE",
            wards::BAI_CHAY,
        )
        .producer("p-htx", "HTX Chè Hà Tĩnh", "COOPERATIVE", wards::HA_TINH)
        .producer(
            "p-ho",
            "Hộ kinh doanh Gốm Ba Đình",
            "HOUSEHOLD",
            wards::BA_DINH,
        )
        .producer(
            "p-tht",
            "Tổ hợp tác Nước mắm Phú Quốc",
            "COOPERATIVE_GROUP",
            wards::PHU_QUOC,
        )
        .product(
            ProductSpec::new(
                "a-nuoc-mam",
                "Nước mắm Phú Quốc",
                "p-tht",
                wards::PHU_QUOC,
                "I.4.a",
            )
            .certs(vec![valid_cert(5)])
            .created_at("2025-01-01T00:00:00Z")
            .updated_at("2025-01-01T00:00:00Z"),
        )
        .product(
            ProductSpec::new(
                "b-nuoc-mam",
                "Nước mắm Cửa Sót",
                "p-htx",
                wards::HA_TINH,
                "I.4.a",
            )
            .certs(vec![valid_cert(3)])
            .created_at("2025-02-01T00:00:00Z")
            .updated_at("2026-02-01T00:00:00Z"),
        )
        .product(
            ProductSpec::new(
                "c-che",
                "Chè xanh Hà Tĩnh",
                "p-htx",
                wards::HA_TINH,
                "I.5.a",
            )
            .certs(vec![cert(4, 1000, 30)])
            .created_at("2025-03-01T00:00:00Z")
            .updated_at("2026-03-01T00:00:00Z"),
        )
        .product(
            ProductSpec::new(
                "d-ngoc-trai",
                "Ngọc trai Akoya",
                "p-dn",
                wards::BAI_CHAY,
                "IV.1",
            )
            .certs(vec![valid_cert(5)])
            .created_at("2025-04-01T00:00:00Z")
            .updated_at("2026-04-01T00:00:00Z"),
        )
        .product(
            ProductSpec::new("e-ruou", "Rượu làng Vân", "p-ho", wards::BA_DINH, "II.1.a")
                .certs(vec![cert(4, 1200, -5)])
                .created_at("2025-05-01T00:00:00Z")
                .updated_at("2026-05-01T00:00:00Z"),
        )
        .product(
            ProductSpec::new("f-keo", "Kẹo dừa", "p-dn", wards::BAI_CHAY, "I.3.c")
                .certs(vec![revoked(valid_cert(4))])
                .created_at("2025-06-01T00:00:00Z")
                .updated_at("2026-06-01T00:00:00Z"),
        )
        .product(
            ProductSpec::new("g-gom", "Đĩa gốm men rạn", "p-ho", wards::BA_DINH, "IV.1")
                .certs(vec![])
                .created_at("2025-07-01T00:00:00Z")
                .updated_at("2026-07-01T00:00:00Z"),
        )
        .product(
            ProductSpec::new("h-draft", "Bản nháp", "p-ho", wards::BA_DINH, "IV.1").status("DRAFT"),
        )
        .product(
            ProductSpec::new("i-archived", "Đã lưu trữ", "p-ho", wards::BA_DINH, "IV.1")
                .status("ARCHIVED"),
        )
        .outlet(
            "o-ha-long",
            "Trung tâm OCOP Hạ Long",
            "TOURIST_SITE_HOTEL_RESTAURANT",
            wards::BAI_CHAY,
            (20.95, 107.07),
            &["a-nuoc-mam", "d-ngoc-trai", "h-draft"],
        )
}

async fn seeded(app: &TestApp) {
    app.import(&catalogue().jsonl())
        .await
        .expect("fixture imports");
}

async fn slugs(app: &TestApp, variables: Value) -> BTreeSet<String> {
    let data = app.data(LIST, variables.clone()).await;
    let conn = &data["products"];
    let slugs: BTreeSet<String> = conn["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["slug"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        conn["totalCount"].as_u64().unwrap() as usize,
        slugs.len(),
        "totalCount for {variables}"
    );
    slugs
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

db_test!(
    each_certification_filter_selects_its_products,
    TestOptions::empty()
);
async fn each_certification_filter_selects_its_products(app: TestApp) {
    seeded(&app).await;
    let cases: &[(Value, &[&str])] = &[
        (
            json!({}),
            &["a-nuoc-mam", "b-nuoc-mam", "c-che", "d-ngoc-trai"],
        ),
        (
            json!({"filter": {"certification": "VALID"}}),
            &["a-nuoc-mam", "b-nuoc-mam", "c-che", "d-ngoc-trai"],
        ),
        (
            json!({"filter": {"certification": "EXPIRING_SOON"}}),
            &["c-che"],
        ),
        (json!({"filter": {"certification": "EXPIRED"}}), &["e-ruou"]),
        (json!({"filter": {"certification": "REVOKED"}}), &["f-keo"]),
        (json!({"filter": {"certification": "NONE"}}), &["g-gom"]),
        (
            json!({"filter": {"certification": "ANY"}}),
            &[
                "a-nuoc-mam",
                "b-nuoc-mam",
                "c-che",
                "d-ngoc-trai",
                "e-ruou",
                "f-keo",
                "g-gom",
            ],
        ),
    ];
    for (variables, expected) in cases {
        assert_eq!(
            slugs(&app, variables.clone()).await,
            set(expected),
            "{variables}"
        );
    }
}

db_test!(
    each_attribute_filter_selects_its_products,
    TestOptions::empty()
);
async fn each_attribute_filter_selects_its_products(app: TestApp) {
    seeded(&app).await;
    let data = app
        .data("{ outlets { edges { node { id slug } } } }", json!({}))
        .await;
    let outlet_id = data["outlets"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let cases: Vec<(Value, &[&str])> = vec![
        (
            json!({"filter": {"provinceCodes": ["42"]}}),
            &["b-nuoc-mam", "c-che"],
        ),
        (
            json!({"filter": {"provinceCodes": ["42", "91"]}}),
            &["a-nuoc-mam", "b-nuoc-mam", "c-che"],
        ),
        (
            json!({"filter": {"regionCodes": ["DBSH"]}}),
            &["d-ngoc-trai"],
        ),
        (
            json!({"filter": {"regionCodes": ["DBSH"], "certification": "ANY"}}),
            &["d-ngoc-trai", "e-ruou", "f-keo", "g-gom"],
        ),
        (
            json!({"filter": {"regionCodes": ["DBSCL"]}}),
            &["a-nuoc-mam"],
        ),
        (
            json!({"filter": {"categoryCodes": ["I"]}}),
            &["a-nuoc-mam", "b-nuoc-mam", "c-che"],
        ),
        (
            json!({"filter": {"categoryCodes": ["I.4"]}}),
            &["a-nuoc-mam", "b-nuoc-mam"],
        ),
        (
            json!({"filter": {"categoryCodes": ["I.4.a"]}}),
            &["a-nuoc-mam", "b-nuoc-mam"],
        ),
        (
            json!({"filter": {"categoryCodes": ["IV", "I.5"]}}),
            &["c-che", "d-ngoc-trai"],
        ),
        (json!({"filter": {"categoryCodes": ["II"]}}), &[]),
        (
            json!({"filter": {"minStars": 5}}),
            &["a-nuoc-mam", "d-ngoc-trai"],
        ),
        (
            json!({"filter": {"minStars": 4}}),
            &["a-nuoc-mam", "c-che", "d-ngoc-trai"],
        ),
        (
            json!({"filter": {"producerKinds": ["COOPERATIVE"]}}),
            &["b-nuoc-mam", "c-che"],
        ),
        (
            json!({"filter": {"producerKinds": ["COOPERATIVE_GROUP", "ENTERPRISE"]}}),
            &["a-nuoc-mam", "d-ngoc-trai"],
        ),
        (
            json!({"filter": {"producerKinds": ["HOUSEHOLD"], "certification": "ANY"}}),
            &["e-ruou", "g-gom"],
        ),
        (
            json!({"filter": {"outletId": outlet_id}}),
            &["a-nuoc-mam", "d-ngoc-trai"],
        ),
        (
            json!({"filter": {"updatedSince": "2026-03-01T00:00:00Z"}}),
            &["c-che", "d-ngoc-trai"],
        ),
        (
            json!({"filter": {"updatedSince": "2026-03-01T00:00:01Z", "certification": "ANY"}}),
            &["d-ngoc-trai", "e-ruou", "f-keo", "g-gom"],
        ),
        (
            json!({"filter": {"provinceCodes": ["42"], "minStars": 4}}),
            &["c-che"],
        ),
    ];
    for (variables, expected) in cases {
        assert_eq!(
            slugs(&app, variables.clone()).await,
            set(expected),
            "{variables}"
        );
    }
}

db_test!(
    drafts_and_archived_products_are_never_listed,
    TestOptions::empty()
);
async fn drafts_and_archived_products_are_never_listed(app: TestApp) {
    seeded(&app).await;
    let all = slugs(
        &app,
        json!({"filter": {"certification": "ANY"}, "first": 100}),
    )
    .await;
    assert!(!all.contains("h-draft") && !all.contains("i-archived"));
    let data = app.data("{ product(slug: \"h-draft\") { slug } archived: product(slug: \"i-archived\") { slug } }", json!({})).await;
    assert!(data["product"].is_null() && data["archived"].is_null());
}

db_test!(
    bad_filters_are_rejected_with_the_offending_field,
    TestOptions::empty()
);
async fn bad_filters_are_rejected_with_the_offending_field(app: TestApp) {
    let cases = [
        (
            json!({"filter": {"provinceCodes": ["99"]}}),
            "filter.provinceCodes",
        ),
        (
            json!({"filter": {"regionCodes": ["NOWHERE"]}}),
            "filter.regionCodes",
        ),
        (
            json!({"filter": {"categoryCodes": ["XX.9"]}}),
            "filter.categoryCodes",
        ),
        (json!({"filter": {"minStars": 7}}), "filter.minStars"),
        (json!({"filter": {"outletId": "abc"}}), "filter.outletId"),
        (json!({"first": -1}), "first"),
        (json!({"after": "not-a-cursor"}), "after"),
    ];
    for (variables, field) in cases {
        let response = app.gql(LIST, variables.clone()).await;
        assert_eq!(response.error_codes(), ["BAD_USER_INPUT"], "{variables}");
        assert_eq!(response.error_field(), Some(field), "{variables}");
    }
}

db_test!(
    sort_orders_are_stars_then_name_then_newest,
    TestOptions::empty()
);
async fn sort_orders_are_stars_then_name_then_newest(app: TestApp) {
    seeded(&app).await;
    let order = |data: Value| -> Vec<String> {
        data["products"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    let stars = order(app.data(LIST, json!({"sort": "STARS_DESC"})).await);
    assert_eq!(stars, ["a-nuoc-mam", "d-ngoc-trai", "c-che", "b-nuoc-mam"]);
    let any_stars = order(
        app.data(
            LIST,
            json!({"sort": "STARS_DESC", "filter": {"certification": "ANY"}}),
        )
        .await,
    );
    assert_eq!(
        &any_stars[..4],
        ["a-nuoc-mam", "d-ngoc-trai", "c-che", "b-nuoc-mam"],
        "products without a valid certificate sort last"
    );
    let names = order(
        app.data(
            LIST,
            json!({"sort": "NAME_ASC", "filter": {"certification": "ANY"}}),
        )
        .await,
    );
    assert_eq!(
        names,
        [
            "c-che",
            "g-gom",
            "f-keo",
            "d-ngoc-trai",
            "b-nuoc-mam",
            "a-nuoc-mam",
            "e-ruou"
        ]
    );
    let newest = order(
        app.data(
            LIST,
            json!({"sort": "NEWEST", "filter": {"certification": "ANY"}}),
        )
        .await,
    );
    assert_eq!(
        newest,
        [
            "g-gom",
            "f-keo",
            "e-ruou",
            "d-ngoc-trai",
            "c-che",
            "b-nuoc-mam",
            "a-nuoc-mam"
        ]
    );
}

/// 150 products in three provinces with stars 3–5, some sharing a creation time.
fn big_catalogue() -> Catalogue {
    let mut c = Catalogue::new().producer("p", "HTX Tổng hợp", "COOPERATIVE", wards::HA_TINH);
    for i in 0..150 {
        let ward = [wards::HA_TINH, wards::BAI_CHAY, wards::BA_DINH][i % 3];
        let stars = 3 + (i % 3) as u8;
        c = c.product(
            ProductSpec::new(
                &format!("sp-{i:03}"),
                &format!("Sản phẩm {}", 150 - i),
                "p",
                ward,
                "I.1.a",
            )
            .certs(vec![valid_cert(stars)])
            .created_at(&format!("2025-01-{:02}T00:00:00Z", 1 + i / 10)),
        );
    }
    c
}

async fn walk(app: &TestApp, sort: &str, first: i64) -> (Vec<String>, u64) {
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..1000 {
        let data = app
            .data(LIST, json!({"sort": sort, "first": first, "after": after}))
            .await;
        let conn = &data["products"];
        let total = conn["totalCount"].as_u64().unwrap();
        for e in conn["edges"].as_array().unwrap() {
            seen.push(e["node"]["slug"].as_str().unwrap().to_owned());
        }
        if !conn["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            return (seen, total);
        }
        after = Some(conn["pageInfo"]["endCursor"].as_str().unwrap().to_owned());
    }
    panic!("pagination did not end");
}

db_test!(
    walking_every_page_returns_every_product_exactly_once,
    TestOptions::empty()
);
async fn walking_every_page_returns_every_product_exactly_once(app: TestApp) {
    app.import(&big_catalogue().jsonl()).await.unwrap();
    for sort in ["NEWEST", "STARS_DESC", "NAME_ASC"] {
        let (seen, total) = walk(&app, sort, 7).await;
        assert_eq!(total, 150, "{sort}");
        assert_eq!(seen.len(), 150, "{sort}: every product once");
        let unique: BTreeSet<_> = seen.iter().collect();
        assert_eq!(unique.len(), 150, "{sort}: no product twice");
    }
}

db_test!(
    page_size_defaults_to_20_and_is_capped_at_100,
    TestOptions::empty()
);
async fn page_size_defaults_to_20_and_is_capped_at_100(app: TestApp) {
    app.import(&big_catalogue().jsonl()).await.unwrap();
    let default = app.data(LIST, json!({})).await;
    assert_eq!(default["products"]["edges"].as_array().unwrap().len(), 20);
    let huge = app.data(LIST, json!({"first": 100000})).await;
    assert_eq!(huge["products"]["edges"].as_array().unwrap().len(), 100);
    assert_eq!(huge["products"]["pageInfo"]["hasNextPage"], true);
    let zero = app.data(LIST, json!({"first": 0})).await;
    assert_eq!(zero["products"]["edges"].as_array().unwrap().len(), 0);
    assert_eq!(zero["products"]["totalCount"], 150);
}

db_test!(
    cursors_stay_stable_when_products_are_added,
    TestOptions::empty()
);
async fn cursors_stay_stable_when_products_are_added(app: TestApp) {
    app.import(&big_catalogue().jsonl()).await.unwrap();
    let first = app
        .data(LIST, json!({"first": 10, "sort": "NAME_ASC"}))
        .await;
    let end = first["products"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap()
        .to_owned();
    let expected = app
        .data(LIST, json!({"first": 10, "sort": "NAME_ASC", "after": end}))
        .await;
    // Products that sort before and after the cursor arrive in between.
    let newcomers = Catalogue::new()
        .product(ProductSpec::new(
            "aaa-dau-tien",
            "A đầu tiên",
            "p",
            wards::HA_TINH,
            "I.1.a",
        ))
        .product(ProductSpec::new(
            "zzz-cuoi-cung",
            "Z cuối cùng",
            "p",
            wards::HA_TINH,
            "I.1.a",
        ));
    app.import(&newcomers.jsonl()).await.unwrap();
    let second = app
        .data(LIST, json!({"first": 10, "sort": "NAME_ASC", "after": end}))
        .await;
    assert_eq!(second["products"]["edges"], expected["products"]["edges"]);
    let cursor_of_other_sort = app
        .gql(LIST, json!({"first": 10, "sort": "NEWEST", "after": end}))
        .await;
    assert_eq!(cursor_of_other_sort.error_codes(), ["BAD_USER_INPUT"]);
}

async fn total(app: &TestApp, filter: Value) -> u64 {
    app.data(LIST, json!({"filter": filter, "first": 1})).await["products"]["totalCount"]
        .as_u64()
        .unwrap()
}

db_test!(
    total_counts_follow_every_change_whoever_makes_it,
    TestOptions::empty()
);
async fn total_counts_follow_every_change_whoever_makes_it(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    let valid = total(&app, json!({})).await;
    let in_ha_tinh = total(&app, json!({"provinceCodes": ["42"]})).await;
    assert_eq!(
        total(&app, json!({})).await,
        valid,
        "a repeated count agrees"
    );
    // Another process (here the importer, straight into the database) adds products.
    app.import(
        &Catalogue::new()
            .producer("p-new", "HTX Mới", "COOPERATIVE", wards::HA_TINH)
            .product(ProductSpec::new(
                "moi-1",
                "Kẹo cu đơ mới",
                "p-new",
                wards::HA_TINH,
                "I.3.c",
            ))
            .product(ProductSpec::new(
                "moi-2",
                "Nhút Thanh Chương mới",
                "p-new",
                wards::HA_TINH,
                "I.3.c",
            ))
            .jsonl(),
    )
    .await
    .unwrap();
    assert_eq!(total(&app, json!({})).await, valid + 2);
    assert_eq!(
        total(&app, json!({"provinceCodes": ["42"]})).await,
        in_ha_tinh + 2
    );
    // A write through the API takes one away.
    let admin = app
        .key(ocop_entities::api_key::Role::Admin, &[], None)
        .await;
    let id = app
        .data("{ product(slug: \"moi-1\") { id } }", json!({}))
        .await["product"]["id"]
        .clone();
    let archived = app
        .gql_as(
            Some(&admin),
            "mutation($id: ID!) { archiveProduct(id: $id) { id } }",
            json!({"id": id}),
        )
        .await;
    assert!(archived.error_codes().is_empty(), "{}", archived.body);
    assert_eq!(total(&app, json!({})).await, valid + 1);
    assert_eq!(
        total(&app, json!({"provinceCodes": ["42"]})).await,
        in_ha_tinh + 1
    );
}

//! Outlets by province and kind, nearest first, and one outlet's shelf.

use ocop_tests::{
    TestApp, TestOptions, db_test,
    fixtures::{Catalogue, ProductSpec, wards},
};
use serde_json::json;

const OUTLETS: &str =
    "query($filter: OutletFilter, $near: GeoPointInput, $first: Int, $after: String) {
  outlets(filter: $filter, near: $near, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { distanceKm node { slug kind province { code } location { lat lng } } }
  }
}";

fn catalogue() -> Catalogue {
    let mut c = Catalogue::new().producer("p", "HTX", "COOPERATIVE", wards::HA_TINH);
    let mut slugs = Vec::new();
    for i in 0..30 {
        let slug = format!("sp-{i:02}");
        c = c.product(ProductSpec::new(
            &slug,
            &format!("Sản phẩm {i}"),
            "p",
            wards::HA_TINH,
            "I.1.a",
        ));
        slugs.push(slug);
    }
    let all: Vec<&str> = slugs.iter().map(String::as_str).collect();
    c.product(ProductSpec::new("nhap", "Nháp", "p", wards::HA_TINH, "I.1.a").status("DRAFT"))
        .outlet(
            "ha-tinh",
            "Điểm OCOP Hà Tĩnh",
            "FAIR_EXHIBITION_CENTRE",
            wards::HA_TINH,
            (18.3419, 105.903),
            &[&all[..], &["nhap"]].concat(),
        )
        .outlet(
            "hong-linh",
            "Điểm OCOP Hồng Lĩnh",
            "HIGHWAY_STOP",
            "18115",
            (18.5596, 105.695),
            &all[..3],
        )
        .outlet(
            "ha-long",
            "Trung tâm OCOP Hạ Long",
            "TOURIST_SITE_HOTEL_RESTAURANT",
            wards::BAI_CHAY,
            (20.9617, 107.029),
            &all[..2],
        )
        .outlet(
            "ba-dinh",
            "Bưu điện Ba Đình",
            "POST_OFFICE",
            wards::BA_DINH,
            (21.0386, 105.838),
            &all[..1],
        )
}

db_test!(outlets_filter_by_province_and_kind, TestOptions::empty());
async fn outlets_filter_by_province_and_kind(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    let slugs = |data: serde_json::Value| -> Vec<String> {
        data["outlets"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["slug"].as_str().unwrap().to_owned())
            .collect()
    };
    let ha_tinh = app
        .data(OUTLETS, json!({"filter": {"provinceCodes": ["42"]}}))
        .await;
    assert_eq!(ha_tinh["outlets"]["totalCount"], 2);
    assert_eq!(slugs(ha_tinh), ["ha-tinh", "hong-linh"]);
    let posts = app
        .data(
            OUTLETS,
            json!({"filter": {"kinds": ["POST_OFFICE", "HIGHWAY_STOP"]}}),
        )
        .await;
    assert_eq!(slugs(posts), ["hong-linh", "ba-dinh"]);
    let bad = app
        .gql(OUTLETS, json!({"filter": {"provinceCodes": ["00"]}}))
        .await;
    assert_eq!(bad.error_codes(), ["BAD_USER_INPUT"]);
}

db_test!(
    outlets_near_a_point_come_nearest_first_with_distances,
    TestOptions::empty()
);
async fn outlets_near_a_point_come_nearest_first_with_distances(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    // Hà Nội, Hoàn Kiếm lake.
    let data = app
        .data(
            OUTLETS,
            json!({"near": {"lat": 21.0285, "lng": 105.8542}, "first": 10}),
        )
        .await;
    let edges = data["outlets"]["edges"].as_array().unwrap();
    let order: Vec<&str> = edges
        .iter()
        .map(|e| e["node"]["slug"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["ba-dinh", "ha-long", "hong-linh", "ha-tinh"]);
    let distances: Vec<f64> = edges
        .iter()
        .map(|e| e["distanceKm"].as_f64().unwrap())
        .collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]));
    assert!(
        (1.0..3.0).contains(&distances[0]),
        "Ba Đình is about 2 km away: {}",
        distances[0]
    );
    assert!(
        (270.0..310.0).contains(&distances[3]),
        "Hà Tĩnh is about 290 km away: {}",
        distances[3]
    );
    // Paging by distance.
    let first = app
        .data(
            OUTLETS,
            json!({"near": {"lat": 21.0285, "lng": 105.8542}, "first": 2}),
        )
        .await;
    let after = first["outlets"]["pageInfo"]["endCursor"].as_str().unwrap();
    let rest = app
        .data(
            OUTLETS,
            json!({"near": {"lat": 21.0285, "lng": 105.8542}, "first": 2, "after": after}),
        )
        .await;
    let rest: Vec<&str> = rest["outlets"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["slug"].as_str().unwrap())
        .collect();
    assert_eq!(rest, ["hong-linh", "ha-tinh"]);
    let without = app.data(OUTLETS, json!({})).await;
    assert!(without["outlets"]["edges"][0]["distanceKm"].is_null());
    let bad = app
        .gql(OUTLETS, json!({"near": {"lat": 123.0, "lng": 105.0}}))
        .await;
    assert_eq!(bad.error_codes(), ["BAD_USER_INPUT"]);
    assert_eq!(bad.error_field(), Some("near"));
}

db_test!(
    an_outlet_shelf_lists_published_products_in_pages,
    TestOptions::empty()
);
async fn an_outlet_shelf_lists_published_products_in_pages(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    let query = "query($slug: String!, $first: Int, $after: String) { outlet(slug: $slug) {
        name listings(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor }
          edges { node { product { slug stars } priceVnd inStock } } } } }";
    let page = app
        .data(query, json!({"slug": "ha-tinh", "first": 20}))
        .await;
    let listings = &page["outlet"]["listings"];
    assert_eq!(
        listings["totalCount"], 30,
        "the draft product is not on the public shelf"
    );
    assert_eq!(listings["edges"].as_array().unwrap().len(), 20);
    assert_eq!(listings["edges"][0]["node"]["priceVnd"], 100_000);
    let after = listings["pageInfo"]["endCursor"].as_str().unwrap();
    let next = app
        .data(
            query,
            json!({"slug": "ha-tinh", "first": 20, "after": after}),
        )
        .await;
    assert_eq!(
        next["outlet"]["listings"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        10
    );
    assert_eq!(next["outlet"]["listings"]["pageInfo"]["hasNextPage"], false);
    let missing = app.data(query, json!({"slug": "khong-co"})).await;
    assert!(missing["outlet"].is_null());
}

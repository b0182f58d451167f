//! Programme statistics: agreement with `products` and `searchProducts` totals for the same
//! filter, figures on a past date from the certificates' history, certificates in a period,
//! outlets, the CSV download and bad requests.
//!
//! Over 300 lines: one test per figure and its agreement with the lists.

use std::time::Duration;

use ocop_tests::{
    TestApp, TestOptions, db_test,
    fixtures::{Catalogue, ProductSpec, cert, revoked, valid_cert, wards},
};
use serde_json::{Value, json};

const STATISTICS: &str =
    "query($f: ProductFilter, $g: [StatisticsDimension!], $asOf: Date, $from: Date, $to: Date) {
  ocopStatistics(filter: $f, groupBy: $g, asOf: $asOf, from: $from, to: $to) {
    asOf from to
    rows {
      province { code name } region { code } categoryGroup { code } productSet { code }
      stars producerKind yearCertified
      products threeStars fourStars fiveStars producers
      certificatesIssued certificatesExpired certificatesRevoked outlets
    }
  } }";

fn catalogue() -> Catalogue {
    let p = |slug: &str, producer: &str, ward: &str, category: &str, certs| {
        ProductSpec::new(slug, &format!("Sản phẩm {slug}"), producer, ward, category).certs(certs)
    };
    Catalogue::new()
        .producer("htx", "HTX Hà Tĩnh", "COOPERATIVE", wards::HA_TINH)
        .producer("dn", "Công ty Quảng Ninh", "ENTERPRISE", wards::BAI_CHAY)
        .producer("ho", "Hộ Ba Đình", "HOUSEHOLD", wards::BA_DINH)
        .product(p("a", "htx", wards::HA_TINH, "I.4.a", vec![valid_cert(3)]))
        .product(p("b", "htx", wards::HA_TINH, "I.1.a", vec![valid_cert(4)]))
        .product(p("c", "dn", wards::BAI_CHAY, "I.4.a", vec![valid_cert(5)]))
        .product(p(
            "d",
            "dn",
            wards::BAI_CHAY,
            "I.3.c",
            vec![cert(4, 900, 30)],
        ))
        .product(p("e", "ho", wards::BA_DINH, "II.1.a", vec![valid_cert(4)]))
        // Renewed ten days ago with more stars: 4★ until then.
        .product(p(
            "renewed",
            "ho",
            wards::BA_DINH,
            "I.4.a",
            vec![cert(4, 1000, 95), cert(5, 10, 1085)],
        ))
        // Valid until yesterday's revocation.
        .product(p(
            "revoked",
            "htx",
            wards::HA_TINH,
            "I.4.a",
            vec![revoked(valid_cert(5))],
        ))
        // Its last day was yesterday.
        .product(p(
            "expired",
            "dn",
            wards::BAI_CHAY,
            "I.4.a",
            vec![cert(3, 1095, 0)],
        ))
        .product(p("draft", "htx", wards::HA_TINH, "I.4.a", vec![valid_cert(4)]).status("DRAFT"))
        .outlet(
            "ha-tinh",
            "Điểm OCOP Hà Tĩnh",
            "FAIR_EXHIBITION_CENTRE",
            wards::HA_TINH,
            (18.3419, 105.903),
            &["a", "b"],
        )
        .outlet(
            "ha-long",
            "Trung tâm OCOP Hạ Long",
            "TOURIST_SITE_HOTEL_RESTAURANT",
            wards::BAI_CHAY,
            (20.9617, 107.029),
            &["c"],
        )
}

async fn statistics(app: &TestApp, variables: Value) -> Value {
    app.data(STATISTICS, variables).await["ocopStatistics"].clone()
}

async fn list_total(app: &TestApp, filter: &Value) -> i64 {
    let data = app
        .data(
            "query($f: ProductFilter) { products(filter: $f) { totalCount } }",
            json!({ "f": filter }),
        )
        .await;
    data["products"]["totalCount"].as_i64().unwrap()
}

async fn search_total(app: &TestApp, filter: &Value) -> i64 {
    let data = app
        .data(
            "query($f: ProductFilter) { searchProducts(query: \"\", filter: $f) { totalHits } }",
            json!({ "f": filter }),
        )
        .await;
    data["searchProducts"]["totalHits"].as_i64().unwrap()
}

db_test!(
    figures_agree_with_list_and_search_totals,
    TestOptions::empty()
);
async fn figures_agree_with_list_and_search_totals(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    app.wait_for_sync(Duration::from_secs(30)).await;
    let filters = [
        json!({}),
        json!({ "provinceCodes": ["42"] }),
        json!({ "categoryCodes": ["I"] }),
        json!({ "categoryCodes": ["I.4.a"], "minStars": 4 }),
        json!({ "producerKinds": ["ENTERPRISE", "HOUSEHOLD"] }),
        json!({ "regionCodes": ["DBSH"] }),
    ];
    for filter in filters {
        let total = statistics(&app, json!({ "f": filter })).await;
        let row = &total["rows"][0];
        let listed = list_total(&app, &filter).await;
        assert_eq!(row["products"], listed, "{filter}");
        assert_eq!(search_total(&app, &filter).await, listed, "{filter}");
        let by_stars = row["threeStars"].as_i64().unwrap()
            + row["fourStars"].as_i64().unwrap()
            + row["fiveStars"].as_i64().unwrap();
        assert_eq!(by_stars, listed, "{filter}");
        // Grouped by province: the rows add up, and each agrees with the list of its province.
        let grouped = statistics(&app, json!({ "f": filter, "g": ["PROVINCE", "STARS"] })).await;
        let mut sum = 0;
        for r in grouped["rows"].as_array().unwrap() {
            let n = r["products"].as_i64().unwrap();
            sum += n;
            let mut narrowed = filter.clone();
            narrowed["provinceCodes"] = json!([r["province"]["code"]]);
            let stars = r["stars"].as_i64().unwrap();
            let at_least = |s: i64| {
                let mut f = narrowed.clone();
                f["minStars"] = json!(s.max(filter["minStars"].as_i64().unwrap_or(0)));
                f
            };
            let exactly = list_total(&app, &at_least(stars)).await
                - if stars < 5 {
                    list_total(&app, &at_least(stars + 1)).await
                } else {
                    0
                };
            assert_eq!(n, exactly, "{filter}: {r}");
        }
        assert_eq!(sum, listed, "{filter}");
    }
    let all = statistics(&app, json!({})).await;
    assert_eq!(all["rows"][0]["products"], 6, "a b c d e renewed");
    assert_eq!(all["rows"][0]["producers"], 3);
    assert_eq!(all["rows"][0]["fiveStars"], 2, "c and renewed");
}

db_test!(a_past_date_is_judged_on_the_history, TestOptions::empty());
async fn a_past_date_is_judged_on_the_history(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    let today = ocop_tests::fixtures::today();
    let on = |days: i64| (today - chrono::Duration::days(days)).to_string();
    // Twenty days ago: `renewed` had its 4★ certificate, `revoked` and `expired` were valid.
    let past = statistics(&app, json!({ "asOf": on(20), "g": ["STARS"] })).await;
    let stars: Vec<(i64, i64)> = past["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["stars"].as_i64().unwrap(),
                r["products"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        stars,
        [(3, 2), (4, 4), (5, 2)],
        "a+expired, b d e renewed, c revoked"
    );
    let now = statistics(&app, json!({ "g": ["STARS"] })).await;
    let stars: Vec<(i64, i64)> = now["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["stars"].as_i64().unwrap(),
                r["products"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(stars, [(3, 1), (4, 3), (5, 2)]);
    // Yesterday by history agrees with the rule for today, but for what changed since.
    let yesterday = statistics(&app, json!({ "asOf": on(1) })).await;
    assert_eq!(yesterday["rows"][0]["products"], 7, "expired's last day");
}

db_test!(certificates_and_outlets_in_a_period, TestOptions::empty());
async fn certificates_and_outlets_in_a_period(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    let today = ocop_tests::fixtures::today();
    let since = (today - chrono::Duration::days(30)).to_string();
    let data = statistics(&app, json!({ "from": since, "to": today.to_string() })).await;
    let row = &data["rows"][0];
    assert_eq!(row["certificatesIssued"], 1, "renewed's new certificate");
    assert_eq!(row["certificatesExpired"], 1, "expired's");
    assert_eq!(row["certificatesRevoked"], 1);
    assert_eq!(row["outlets"], 2);
    let by_province = statistics(&app, json!({ "g": ["PROVINCE"] })).await;
    let outlets: Vec<(String, Value)> = by_province["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["province"]["code"].as_str().unwrap().to_owned(),
                r["outlets"].clone(),
            )
        })
        .collect();
    assert!(outlets.contains(&("42".into(), json!(1))), "{outlets:?}");
    assert!(outlets.contains(&("01".into(), json!(0))), "{outlets:?}");
    let by_stars = statistics(&app, json!({ "g": ["STARS"] })).await;
    assert!(
        by_stars["rows"][0]["outlets"].is_null(),
        "outlets have no stars"
    );
    let by_group = statistics(&app, json!({ "g": ["CATEGORY_GROUP", "PRODUCER_KIND"] })).await;
    let groups: Vec<&str> = by_group["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["categoryGroup"]["code"].as_str().unwrap())
        .collect();
    assert!(
        groups.contains(&"I") && groups.contains(&"II"),
        "{groups:?}"
    );
    // Groups folded from product sets count each producer once.
    let rows: Vec<(String, String, i64, i64)> = by_group["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["categoryGroup"]["code"].as_str().unwrap().to_owned(),
                r["producerKind"].as_str().unwrap().to_owned(),
                r["products"].as_i64().unwrap(),
                r["producers"].as_i64().unwrap(),
            )
        })
        .collect();
    for expected in [
        ("I", "COOPERATIVE", 2, 1),
        ("I", "ENTERPRISE", 2, 1),
        ("I", "HOUSEHOLD", 1, 1),
        ("II", "HOUSEHOLD", 1, 1),
    ] {
        let (g, k, p, n) = expected;
        assert!(
            rows.contains(&(g.into(), k.into(), p, n)),
            "{expected:?} in {rows:?}"
        );
    }
}

db_test!(statistics_as_a_spreadsheet, TestOptions::empty());
async fn statistics_as_a_spreadsheet(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    let response = app
        .client()
        .get(app.url("/statistics.csv?groupBy=PROVINCE,STARS&provinceCodes=42,22"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let bytes = response.bytes().await.unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "a byte-order mark for Excel"
    );
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("province_code,province,stars,products,three_stars"),
        "{}",
        lines[0]
    );
    let graphql = statistics(
        &app,
        json!({ "f": { "provinceCodes": ["42", "22"] }, "g": ["PROVINCE", "STARS"] }),
    )
    .await;
    let rows = graphql["rows"].as_array().unwrap();
    assert_eq!(lines.len(), rows.len() + 1);
    for (line, row) in lines[1..].iter().zip(rows) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields[0], row["province"]["code"]);
        assert_eq!(fields[1], row["province"]["name"]);
        assert_eq!(fields[2], row["stars"].to_string());
        assert_eq!(fields[3], row["products"].to_string());
    }
    assert!(text.contains("Hà Tĩnh"), "{text}");
    for bad in [
        "/statistics.csv?groupBy=PLANET",
        "/statistics.csv?asOf=yesterday",
        "/statistics.csv?provinceCodes=99",
        "/statistics.csv?colour=red",
    ] {
        let r = app.client().get(app.url(bad)).send().await.unwrap();
        assert_eq!(r.status(), 400, "{bad}");
    }
}

db_test!(bad_statistics_requests, TestOptions::empty());
async fn bad_statistics_requests(app: TestApp) {
    for (variables, field) in [
        (
            json!({ "f": { "certification": "EXPIRED" } }),
            "filter.certification",
        ),
        (json!({ "from": "2026-02-01", "to": "2026-01-01" }), "from"),
        (
            json!({ "f": { "provinceCodes": ["99"] } }),
            "filter.provinceCodes",
        ),
    ] {
        let r = app.gql(STATISTICS, variables.clone()).await;
        assert_eq!(r.error_codes(), ["BAD_USER_INPUT"], "{variables}");
        assert_eq!(r.error_field(), Some(field), "{variables}");
    }
    let empty = statistics(&app, json!({})).await;
    assert_eq!(
        empty["rows"].as_array().unwrap().len(),
        1,
        "one row of zeros"
    );
    assert_eq!(empty["rows"][0]["products"], 0);
}

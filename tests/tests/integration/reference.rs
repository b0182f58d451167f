//! Regions, provinces, wards, categories and the resolution of former province names.

use ocop_tests::{TestApp, TestOptions, db_test};
use serde_json::json;

db_test!(
    six_regions_cover_the_34_provinces_once_each,
    TestOptions::empty()
);
async fn six_regions_cover_the_34_provinces_once_each(app: TestApp) {
    let data = app
        .data(
            "{ regions { code name provinces { code } } provinces { code } }",
            json!({}),
        )
        .await;
    let regions = data["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 6);
    let mut codes: Vec<&str> = regions
        .iter()
        .flat_map(|r| r["provinces"].as_array().unwrap())
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    codes.sort_unstable();
    let all: Vec<&str> = data["provinces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, all);
    assert_eq!(all.len(), 34);
}

db_test!(
    provinces_carry_kind_full_name_former_names_and_ward_counts,
    TestOptions::empty()
);
async fn provinces_carry_kind_full_name_former_names_and_ward_counts(app: TestApp) {
    let data = app
        .data(
            "{ provinces { code name fullName kind formerNames wardCount region { code } } }",
            json!({}),
        )
        .await;
    let provinces = data["provinces"].as_array().unwrap();
    let find = |code: &str| {
        provinces
            .iter()
            .find(|p| p["code"] == code)
            .unwrap()
            .clone()
    };
    let quang_tri = find("44");
    assert_eq!(quang_tri["name"], "Quảng Trị");
    assert_eq!(quang_tri["fullName"], "Tỉnh Quảng Trị");
    assert_eq!(quang_tri["kind"], "PROVINCE");
    assert_eq!(quang_tri["formerNames"], json!(["Quảng Bình", "Quảng Trị"]));
    assert_eq!(quang_tri["wardCount"], 78);
    let hcmc = find("79");
    assert_eq!(hcmc["kind"], "CITY");
    assert_eq!(hcmc["wardCount"], 168);
    assert_eq!(hcmc["formerNames"].as_array().unwrap().len(), 3);
    let cities = provinces.iter().filter(|p| p["kind"] == "CITY").count();
    assert_eq!(cities, 6);
    let total: u64 = provinces
        .iter()
        .map(|p| p["wardCount"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 3321);
}

db_test!(
    wards_of_a_province_are_listed_with_their_kind,
    TestOptions::empty()
);
async fn wards_of_a_province_are_listed_with_their_kind(app: TestApp) {
    let data = app
        .data(
            "query($p: String!) { wards(provinceCode: $p) { code name kind province { code } } }",
            json!({"p": "22"}),
        )
        .await;
    let wards = data["wards"].as_array().unwrap();
    assert_eq!(wards.len(), 54);
    assert!(wards.iter().all(|w| w["province"]["code"] == "22"));
    let count = |k: &str| wards.iter().filter(|w| w["kind"] == k).count();
    assert_eq!(
        (count("WARD"), count("COMMUNE"), count("SPECIAL_ZONE")),
        (30, 22, 2)
    );
    let unknown = app
        .gql("{ wards(provinceCode: \"99\") { code } }", json!({}))
        .await;
    assert_eq!(unknown.error_codes(), ["BAD_USER_INPUT"]);
}

db_test!(
    the_category_tree_has_six_groups_and_26_product_sets,
    TestOptions::empty()
);
async fn the_category_tree_has_six_groups_and_26_product_sets(app: TestApp) {
    let data = app
        .data(
            "{ categories { code level isLeaf children { code level isLeaf parent { code } children { code level isLeaf } } } }",
            json!({}),
        )
        .await;
    let roots = data["categories"].as_array().unwrap();
    assert_eq!(roots.len(), 6);
    let mut leaves = 0;
    let mut groups = 0;
    for root in roots {
        assert_eq!(root["level"], 1);
        for child in root["children"].as_array().unwrap() {
            groups += 1;
            assert_eq!(child["parent"]["code"], root["code"]);
            let grandchildren = child["children"].as_array().unwrap();
            if grandchildren.is_empty() {
                assert_eq!(child["isLeaf"], true);
                leaves += 1;
            } else {
                assert_eq!(child["isLeaf"], false);
                assert!(
                    grandchildren
                        .iter()
                        .all(|g| g["isLeaf"] == true && g["level"] == 3)
                );
                leaves += grandchildren.len();
            }
        }
    }
    assert_eq!((groups, leaves), (17, 26));
}

/// Resolution 202/2025/QH15: every pre-2025 province and the current province it became part of.
const TABLE_B: &[(&str, &str, &str)] = &[
    ("01", "Hà Nội", "01"),
    ("02", "Hà Giang", "08"),
    ("04", "Cao Bằng", "04"),
    ("06", "Bắc Kạn", "19"),
    ("08", "Tuyên Quang", "08"),
    ("10", "Lào Cai", "15"),
    ("11", "Điện Biên", "11"),
    ("12", "Lai Châu", "12"),
    ("14", "Sơn La", "14"),
    ("15", "Yên Bái", "15"),
    ("17", "Hoà Bình", "25"),
    ("19", "Thái Nguyên", "19"),
    ("20", "Lạng Sơn", "20"),
    ("22", "Quảng Ninh", "22"),
    ("24", "Bắc Giang", "24"),
    ("25", "Phú Thọ", "25"),
    ("26", "Vĩnh Phúc", "25"),
    ("27", "Bắc Ninh", "24"),
    ("30", "Hải Dương", "31"),
    ("31", "Hải Phòng", "31"),
    ("33", "Hưng Yên", "33"),
    ("34", "Thái Bình", "33"),
    ("35", "Hà Nam", "37"),
    ("36", "Nam Định", "37"),
    ("37", "Ninh Bình", "37"),
    ("38", "Thanh Hóa", "38"),
    ("40", "Nghệ An", "40"),
    ("42", "Hà Tĩnh", "42"),
    ("44", "Quảng Bình", "44"),
    ("45", "Quảng Trị", "44"),
    ("46", "Huế", "46"),
    ("48", "Đà Nẵng", "48"),
    ("49", "Quảng Nam", "48"),
    ("51", "Quảng Ngãi", "51"),
    ("52", "Bình Định", "52"),
    ("54", "Phú Yên", "66"),
    ("56", "Khánh Hòa", "56"),
    ("58", "Ninh Thuận", "56"),
    ("60", "Bình Thuận", "68"),
    ("62", "Kon Tum", "51"),
    ("64", "Gia Lai", "52"),
    ("66", "Đắk Lắk", "66"),
    ("67", "Đắk Nông", "68"),
    ("68", "Lâm Đồng", "68"),
    ("70", "Bình Phước", "75"),
    ("72", "Tây Ninh", "80"),
    ("74", "Bình Dương", "79"),
    ("75", "Đồng Nai", "75"),
    ("77", "Bà Rịa - Vũng Tàu", "79"),
    ("79", "Hồ Chí Minh", "79"),
    ("80", "Long An", "80"),
    ("82", "Tiền Giang", "82"),
    ("83", "Bến Tre", "86"),
    ("84", "Trà Vinh", "86"),
    ("86", "Vĩnh Long", "86"),
    ("87", "Đồng Tháp", "82"),
    ("89", "An Giang", "91"),
    ("91", "Kiên Giang", "91"),
    ("92", "Cần Thơ", "92"),
    ("93", "Hậu Giang", "92"),
    ("94", "Sóc Trăng", "92"),
    ("95", "Bạc Liêu", "96"),
    ("96", "Cà Mau", "96"),
];

fn strip_accents(s: &str) -> String {
    ocop_api::domain::Slug::from_name(s)
        .unwrap()
        .as_str()
        .replace('-', " ")
}

db_test!(
    every_former_province_of_table_b_resolves_with_or_without_accents,
    TestOptions::empty()
);
async fn every_former_province_of_table_b_resolves_with_or_without_accents(app: TestApp) {
    assert_eq!(TABLE_B.len(), 63);
    let query = "query($n: String!) { resolveProvince(name: $n) { code name } }";
    for (old_code, old_name, new_code) in TABLE_B {
        for variant in [
            old_name.to_string(),
            strip_accents(old_name),
            old_name.to_uppercase(),
            format!("Tỉnh {old_name}"),
        ] {
            let data = app.data(query, json!({ "n": variant })).await;
            assert_eq!(
                data["resolveProvince"]["code"], *new_code,
                "former province {old_code} written {variant:?} should resolve to {new_code}"
            );
        }
    }
}

db_test!(
    resolve_province_examples_from_the_contract,
    TestOptions::empty()
);
async fn resolve_province_examples_from_the_contract(app: TestApp) {
    let query = "query($n: String!) { resolveProvince(name: $n) { code name } }";
    let cases = [
        ("quang binh", Some(("44", "Quảng Trị"))),
        ("Bình Dương", Some(("79", "Hồ Chí Minh"))),
        ("BEN TRE", Some(("86", "Vĩnh Long"))),
        ("thanh pho ho chi minh", Some(("79", "Hồ Chí Minh"))),
        ("TP.HCM", Some(("79", "Hồ Chí Minh"))),
        ("Thừa Thiên Huế", Some(("46", "Huế"))),
        ("Thanh Hoá", Some(("38", "Thanh Hóa"))),
        ("Atlantis", None),
        ("", None),
        ("' OR 1=1 --", None),
    ];
    for (name, expected) in cases {
        let data = app.data(query, json!({ "n": name })).await;
        match expected {
            Some((code, current)) => {
                assert_eq!(data["resolveProvince"]["code"], code, "{name}");
                assert_eq!(data["resolveProvince"]["name"], current, "{name}");
            }
            None => assert!(
                data["resolveProvince"].is_null(),
                "{name} should not resolve"
            ),
        }
    }
}

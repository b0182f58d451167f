//! Certificate verification: each verdict by code over GraphQL and on the `/v/{code}` page,
//! lookup by printed number and its tighter rate limit, unknown codes, the stamp editors print,
//! and codes that survive a re-import.

use std::collections::HashMap;

use ocop_entities::{api_key::Role, certification, product, verification_code};
use ocop_tests::{
    TestApp, TestOptions, db_test,
    fixtures::{Catalogue, ProductSpec, cert, revoked, valid_cert, wards},
};
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};

const VERIFY: &str = "query($code: String, $number: String) {
  verifyCertificate(code: $code, certificateNumber: $number) {
    verdict
    certificate { stars code productName producerName provinceName certificateNumber revokedReason }
  } }";

fn catalogue() -> Catalogue {
    let spec = |slug: &str, certs| {
        ProductSpec::new(
            slug,
            &format!("Sản phẩm {slug}"),
            "p",
            wards::HA_TINH,
            "I.4.a",
        )
        .certs(certs)
    };
    let mut numbered = valid_cert(4);
    numbered["certificateNumber"] = json!("123/GCN-OCOP");
    Catalogue::new()
        .producer("p", "HTX Nước mắm Kiểm Thử", "COOPERATIVE", wards::HA_TINH)
        .product(spec("valid", vec![numbered]))
        .product(spec("expiring", vec![cert(4, 900, 30)]))
        .product(spec("expired", vec![cert(3, 1100, 0)]))
        .product(spec("revoked", vec![revoked(valid_cert(5))]))
        .product(spec("renewed", vec![cert(4, 1000, 95), cert(5, 100, 1000)]))
        .product(spec("draft", vec![valid_cert(4)]).status("DRAFT"))
}

/// Each product's verification codes, oldest certificate first.
async fn codes(app: &TestApp) -> HashMap<String, Vec<String>> {
    let products: HashMap<i64, String> = product::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.id, p.slug))
        .collect();
    let mut codes: HashMap<String, Vec<String>> = HashMap::new();
    for c in certification::Entity::find()
        .order_by_asc(certification::Column::IssuedOn)
        .all(&app.db)
        .await
        .unwrap()
    {
        codes
            .entry(products[&c.product_id].clone())
            .or_default()
            .push(c.verification_code);
    }
    codes
}

async fn verify(app: &TestApp, code: &str) -> Value {
    app.data(VERIFY, json!({ "code": code })).await["verifyCertificate"].clone()
}

async fn page(app: &TestApp, code: &str) -> (u16, String) {
    let response = app
        .client()
        .get(app.url(&format!("/v/{code}")))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    (status, response.text().await.unwrap())
}

db_test!(each_verdict_by_code, TestOptions::empty());
async fn each_verdict_by_code(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    let codes = codes(&app).await;
    let cases = [
        ("valid", 0, "VALID", "CÒN HIỆU LỰC"),
        ("expiring", 0, "EXPIRING_SOON", "SẮP HẾT HẠN"),
        ("expired", 0, "EXPIRED", "ĐÃ HẾT HẠN"),
        ("revoked", 0, "REVOKED", "ĐÃ BỊ THU HỒI"),
        ("renewed", 0, "SUPERSEDED", "ĐÃ ĐƯỢC THAY THẾ"),
        ("renewed", 1, "VALID", "CÒN HIỆU LỰC"),
    ];
    for (slug, index, verdict, headline) in cases {
        let code = &codes[slug][index];
        let answer = verify(&app, code).await;
        assert_eq!(answer["verdict"], verdict, "{slug}");
        let c = &answer["certificate"];
        assert_eq!(c["productName"], format!("Sản phẩm {slug}"));
        assert_eq!(c["producerName"], "HTX Nước mắm Kiểm Thử");
        assert_eq!(c["provinceName"], "Hà Tĩnh");
        assert_eq!(c["code"], verification_code::grouped(code));
        let (status, html) = page(&app, code).await;
        assert_eq!(status, 200, "{slug}");
        assert!(html.contains(headline), "{slug}: {html}");
        assert!(html.contains(&format!("Sản phẩm {slug}")));
        let void = html.contains("KHÔNG HỢP LỆ");
        assert_eq!(
            void,
            !matches!(verdict, "VALID" | "EXPIRING_SOON"),
            "{slug}: only a certificate in force is shown without the NOT VALID mark"
        );
    }
    let revoked = verify(&app, &codes["revoked"][0]).await;
    assert_eq!(
        revoked["certificate"]["revokedReason"],
        "Vi phạm an toàn thực phẩm khi hậu kiểm"
    );
    // As a buyer might type it from the stamp: lower case, with dashes.
    let typed = verification_code::grouped(&codes["valid"][0]).to_lowercase();
    assert_eq!(verify(&app, &typed).await["verdict"], "VALID");
}

db_test!(unknown_codes_disclose_nothing, TestOptions::empty());
async fn unknown_codes_disclose_nothing(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    let codes = codes(&app).await;
    let draft = codes["draft"][0].clone();
    for code in [verification_code::generate(), "not-a-code".into(), draft] {
        let answer = verify(&app, &code).await;
        assert_eq!(
            answer,
            json!({ "verdict": "UNKNOWN", "certificate": null }),
            "{code}"
        );
        let (status, html) = page(&app, &code).await;
        assert_eq!(status, 404);
        assert!(html.contains("KHÔNG TÌM THẤY MÃ") && html.contains("UNKNOWN CODE"));
        assert!(
            !html.contains("Sản phẩm"),
            "no product on an unknown code's page"
        );
    }
    // Sequential ids are not codes.
    let ids = certification::Entity::find().all(&app.db).await.unwrap();
    for c in ids {
        assert_eq!(verify(&app, &c.id.to_string()).await["verdict"], "UNKNOWN");
    }
}

db_test!(lookup_by_printed_number, TestOptions::empty());
async fn lookup_by_printed_number(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    let answer = app
        .data(VERIFY, json!({ "number": " 123/GCN-OCOP " }))
        .await["verifyCertificate"]
        .clone();
    assert_eq!(answer["verdict"], "VALID");
    assert_eq!(answer["certificate"]["certificateNumber"], "123/GCN-OCOP");
    assert_eq!(answer["certificate"]["productName"], "Sản phẩm valid");
    let none = app.data(VERIFY, json!({ "number": "999/GCN-OCOP" })).await;
    assert_eq!(none["verifyCertificate"]["verdict"], "UNKNOWN");
    for variables in [
        json!({}),
        json!({ "code": "x", "number": "y" }),
        json!({ "number": " " }),
    ] {
        let response = app.gql(VERIFY, variables.clone()).await;
        assert_eq!(response.error_codes(), ["BAD_USER_INPUT"], "{variables}");
    }
}

db_test!(
    number_lookups_count_as_several_requests,
    TestOptions::with_limits(ocop_api::limits::Limits {
        anonymous_per_second: 1,
        anonymous_burst: 12,
        certificate_number_lookup_cost: 10,
        ..Default::default()
    })
);
async fn number_lookups_count_as_several_requests(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    let code = codes(&app).await["valid"][0].clone();
    let first = app.gql(VERIFY, json!({ "number": "123/GCN-OCOP" })).await;
    assert!(first.error_codes().is_empty(), "{:?}", first.body);
    // The number lookup took ten of the twelve: a few code lookups are left, not eleven.
    let mut allowed = 0;
    while allowed < 12 {
        let r = app.gql(VERIFY, json!({ "code": code })).await;
        if r.error_codes() == ["RATE_LIMITED"] {
            assert_eq!(r.status, 429);
            break;
        }
        assert!(r.error_codes().is_empty(), "{:?}", r.body);
        allowed += 1;
    }
    assert!(allowed <= 3, "{allowed} code lookups after a number lookup");
    // The page draws on the same allowance.
    let page = app
        .client()
        .get(app.url(&format!("/v/{code}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 429);
}

db_test!(editors_get_the_stamp, TestOptions::empty());
async fn editors_get_the_stamp(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    let code = codes(&app).await["valid"][0].clone();
    let query = "{ product(slug: \"valid\") { certifications { stamp { code url } } } }";
    let anonymous = app.gql(query, json!({})).await;
    assert_eq!(anonymous.error_codes(), ["UNAUTHENTICATED"]);
    let partner = app.key(Role::Partner, &[], None).await;
    let r = app.gql_as(Some(&partner), query, json!({})).await;
    assert_eq!(r.error_codes(), ["FORBIDDEN"]);
    let editor = app.key(Role::Editor, &["42"], None).await;
    let r = app.gql_as(Some(&editor), query, json!({})).await;
    let stamp = &r.data()["product"]["certifications"][0]["stamp"];
    assert_eq!(stamp["code"], verification_code::grouped(&code));
    assert_eq!(stamp["url"], app.url(&format!("/v/{code}")));
}

db_test!(codes_survive_a_reimport, TestOptions::empty());
async fn codes_survive_a_reimport(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    let before = codes(&app).await;
    app.import(&catalogue().jsonl()).await.unwrap();
    assert_eq!(codes(&app).await, before, "printed stamps keep working");
    let all: Vec<&String> = before.values().flatten().collect();
    let distinct: std::collections::HashSet<_> = all.iter().collect();
    assert_eq!(distinct.len(), all.len());
}

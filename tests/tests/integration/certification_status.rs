//! Certificate status boundaries: expiry day, the 90-day window, revocation, history.

use ocop_tests::{
    TestApp, TestOptions, db_test,
    fixtures::{Catalogue, ProductSpec, cert, day, revoked, valid_cert, wards},
};
use serde_json::json;

const PRODUCT: &str = "query($slug: String!) { product(slug: $slug) {
  stars certificationStatus
  currentCertification { stars issuedOn expiresOn status }
  certifications { stars status }
} }";

fn catalogue() -> Catalogue {
    let spec =
        |slug: &str, certs| ProductSpec::new(slug, slug, "p", wards::HA_TINH, "I.4.a").certs(certs);
    Catalogue::new()
        .producer("p", "HTX Nước mắm", "COOPERATIVE", wards::HA_TINH)
        .product(spec("expires-today", vec![cert(4, 1000, 0)]))
        .product(spec("expires-tomorrow", vec![cert(4, 1000, 1)]))
        .product(spec("expires-in-90-days", vec![cert(4, 900, 90)]))
        .product(spec("expires-in-91-days", vec![cert(4, 900, 91)]))
        .product(spec("issued-today", vec![cert(3, 0, 1095)]))
        .product(spec("revoked", vec![revoked(valid_cert(5))]))
        .product(spec(
            "upgrade-revoked",
            vec![cert(4, 500, 500), revoked(cert(5, 10, 1000))],
        ))
        .product(spec(
            "renewed",
            vec![cert(4, 1200, -100), cert(5, 100, 1000)],
        ))
        .product(spec("never", vec![]))
}

db_test!(
    status_follows_the_calendar_at_each_boundary,
    TestOptions::empty()
);
async fn status_follows_the_calendar_at_each_boundary(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    let cases = [
        ("expires-today", "EXPIRED", None),
        ("expires-tomorrow", "EXPIRING_SOON", Some(4)),
        ("expires-in-90-days", "EXPIRING_SOON", Some(4)),
        ("expires-in-91-days", "VALID", Some(4)),
        ("issued-today", "VALID", Some(3)),
        ("revoked", "REVOKED", None),
        ("upgrade-revoked", "VALID", Some(4)),
        ("renewed", "VALID", Some(5)),
        ("never", "NONE", None),
    ];
    for (slug, status, stars) in cases {
        let data = app.data(PRODUCT, json!({ "slug": slug })).await;
        let p = &data["product"];
        assert_eq!(p["certificationStatus"], status, "{slug}");
        assert_eq!(
            p["stars"],
            json!(stars),
            "{slug}: stars are shown only while valid"
        );
    }
}

db_test!(
    the_current_certificate_is_the_latest_unrevoked_one,
    TestOptions::empty()
);
async fn the_current_certificate_is_the_latest_unrevoked_one(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    let data = app
        .data(PRODUCT, json!({ "slug": "upgrade-revoked" }))
        .await;
    let p = &data["product"];
    assert_eq!(p["currentCertification"]["stars"], 4);
    assert_eq!(
        p["certifications"],
        json!([{"stars": 5, "status": "REVOKED"}, {"stars": 4, "status": "VALID"}])
    );
    let data = app.data(PRODUCT, json!({ "slug": "renewed" })).await;
    assert_eq!(
        data["product"]["certifications"],
        json!([{"stars": 5, "status": "VALID"}, {"stars": 4, "status": "EXPIRED"}])
    );
    let data = app.data(PRODUCT, json!({ "slug": "expires-today" })).await;
    assert_eq!(data["product"]["currentCertification"]["status"], "EXPIRED");
    assert_eq!(data["product"]["currentCertification"]["expiresOn"], day(0));
    let data = app.data(PRODUCT, json!({ "slug": "revoked" })).await;
    assert!(data["product"]["currentCertification"].is_null());
}

db_test!(
    list_filters_agree_with_the_status_of_each_product,
    TestOptions::empty()
);
async fn list_filters_agree_with_the_status_of_each_product(app: TestApp) {
    app.import(&catalogue().jsonl()).await.unwrap();
    let query = "query($c: CertificationFilter) { products(first: 100, filter: {certification: $c}) { edges { node { slug certificationStatus } } } }";
    for (filter, statuses) in [
        ("VALID", vec!["VALID", "EXPIRING_SOON"]),
        ("EXPIRING_SOON", vec!["EXPIRING_SOON"]),
        ("EXPIRED", vec!["EXPIRED"]),
        ("REVOKED", vec!["REVOKED"]),
        ("NONE", vec!["NONE"]),
    ] {
        let data = app.data(query, json!({ "c": filter })).await;
        let edges = data["products"]["edges"].as_array().unwrap();
        assert!(!edges.is_empty(), "{filter}");
        for e in edges {
            let status = e["node"]["certificationStatus"].as_str().unwrap();
            assert!(
                statuses.contains(&status),
                "{filter} listed {} with status {status}",
                e["node"]["slug"]
            );
        }
    }
    let all = app.data(query, json!({ "c": "ANY" })).await;
    assert_eq!(all["products"]["edges"].as_array().unwrap().len(), 9);
}

db_test!(
    expires_on_defaults_to_36_months_after_issue,
    TestOptions::empty()
);
async fn expires_on_defaults_to_36_months_after_issue(app: TestApp) {
    let mut c = cert(4, 10, 0);
    c.as_object_mut().unwrap().remove("expiresOn");
    c["issuedOn"] = json!("2024-02-29");
    let catalogue = Catalogue::new()
        .producer("p", "HTX", "COOPERATIVE", wards::HA_TINH)
        .product(ProductSpec::new("leap", "Leap", "p", wards::HA_TINH, "I.4.a").certs(vec![c]));
    app.import(&catalogue.jsonl()).await.unwrap();
    let data = app.data(PRODUCT, json!({ "slug": "leap" })).await;
    assert_eq!(
        data["product"]["currentCertification"]["expiresOn"],
        "2027-02-28"
    );
}

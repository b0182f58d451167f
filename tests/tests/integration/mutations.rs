//! The editing API: every mutation of the contract as written, the rules each enforces, lost
//! updates between two editors, the change log and the audit trail.
//!
//! Over 300 lines: one test per mutation rule of the contract.

use std::time::Duration;

use ocop_entities::{api_key::Role, audit_log, change_log};
use ocop_tests::{
    TestApp, TestOptions, db_test,
    fixtures::{day, wards},
    operation,
};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

const MUTATIONS: &str = include_str!("../../contract/mutations.graphql");

async fn run(app: &TestApp, key: &str, name: &str, variables: Value) -> Value {
    let response = app
        .gql_as(Some(key), &operation(MUTATIONS, name), variables)
        .await;
    assert!(
        response.body.get("errors").is_none(),
        "{name}: {}",
        response.body
    );
    response.body["data"].clone()
}

/// Expects `BAD_USER_INPUT` on `field`.
async fn rejects(app: &TestApp, key: &str, name: &str, variables: Value, field: &str) {
    let response = app
        .gql_as(Some(key), &operation(MUTATIONS, name), variables.clone())
        .await;
    assert_eq!(
        response.error_codes(),
        ["BAD_USER_INPUT"],
        "{name} {variables}: {}",
        response.body
    );
    assert_eq!(
        response.error_field(),
        Some(field),
        "{name} {variables}: {}",
        response.body
    );
}

fn producer_input() -> Value {
    json!({"name": "HTX Nông sản Hạ Long", "kind": "COOPERATIVE", "wardCode": wards::BAI_CHAY,
           "address": "Phường Bãi Cháy, TP Hạ Long", "representative": "Nguyễn Văn A",
           "phone": "0203 3 825 123", "email": "htx@example.vn", "taxCode": "5700100256"})
}

db_test!(
    every_contract_mutation_runs_as_written,
    TestOptions::empty()
);
async fn every_contract_mutation_runs_as_written(app: TestApp) {
    let admin = app.key(Role::Admin, &[], None).await;
    let producer = run(
        &app,
        &admin,
        "CreateProducer",
        json!({"input": producer_input()}),
    )
    .await;
    let producer_id = producer["createProducer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(producer["createProducer"]["kind"], "COOPERATIVE");
    let product = run(
        &app,
        &admin,
        "CreateProduct",
        json!({"input": {"name": "Chả mực Hạ Long", "categoryCode": "I.3.d", "producerId": producer_id,
                         "wardCode": wards::BAI_CHAY, "description": "Chả mực giã tay.", "story": "Nghề làm chả mực."}}),
    )
    .await;
    let product_id = product["createProduct"]["id"].as_str().unwrap().to_owned();
    assert_eq!(product["createProduct"]["slug"], "cha-muc-ha-long");
    let seen = app
        .data(
            "query($id: ID!) { productById(id: $id) { updatedAt } }",
            json!({"id": product_id}),
        )
        .await;
    let updated_at = seen["productById"]["updatedAt"]
        .as_str()
        .unwrap()
        .to_owned();
    let updated = run(
        &app,
        &admin,
        "UpdateProduct",
        json!({"id": product_id, "input": {"expectedUpdatedAt": updated_at, "name": "Chả mực giã tay Hạ Long"}}),
    )
    .await;
    assert_eq!(updated["updateProduct"]["name"], "Chả mực giã tay Hạ Long");
    assert_eq!(
        updated["updateProduct"]["slug"], "cha-muc-ha-long",
        "slugs stay stable on rename"
    );
    let certified = run(
        &app,
        &admin,
        "CertifyProduct",
        json!({"productId": product_id, "input": {"stars": 4, "score": 78, "level": "PROVINCE",
               "issuingBody": "UBND tỉnh Quảng Ninh", "decisionNumber": "123/QĐ-UBND", "issuedOn": day(-10)}}),
    )
    .await;
    let c = &certified["certifyProduct"];
    assert_eq!(
        (c["stars"].clone(), c["status"].clone()),
        (json!(4), json!("VALID"))
    );
    let issued: chrono::NaiveDate = c["issuedOn"].as_str().unwrap().parse().unwrap();
    let expires: chrono::NaiveDate = c["expiresOn"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        expires,
        issued.checked_add_months(chrono::Months::new(36)).unwrap(),
        "36 months by default"
    );
    let outlet = run(
        &app,
        &admin,
        "CreateOutlet",
        json!({"input": {"name": "Trung tâm OCOP Hạ Long", "kind": "TOURIST_SITE_HOTEL_RESTAURANT", "wardCode": wards::BAI_CHAY,
               "address": "Bãi Cháy", "location": {"lat": 20.95, "lng": 107.05}, "phone": "0203 3 999 999",
               "openingHours": "07:30–21:00"}}),
    )
    .await;
    let outlet_id = outlet["createOutlet"]["id"].as_str().unwrap().to_owned();
    let listing = run(
        &app,
        &admin,
        "SetListing",
        json!({"outletId": outlet_id, "productId": product_id, "priceVnd": 250000, "inStock": true}),
    )
    .await;
    assert_eq!(listing["setListing"]["priceVnd"], 250000);
    let page = app.data(
        "query($slug: String!) { product(slug: $slug) { stars certificationStatus listings { priceVnd outlet { id } } } }",
        json!({"slug": "cha-muc-ha-long"}),
    )
    .await;
    assert_eq!(page["product"]["stars"], 4);
    assert_eq!(page["product"]["listings"][0]["outlet"]["id"], outlet_id);
    let removed = run(
        &app,
        &admin,
        "RemoveListing",
        json!({"outletId": outlet_id, "productId": product_id}),
    )
    .await;
    assert_eq!(removed["removeListing"], true);
    let cert_id = c["id"].as_str().unwrap().to_owned();
    let revoked = run(
        &app,
        &admin,
        "RevokeCertification",
        json!({"id": cert_id, "reason": "Hậu kiểm không đạt"}),
    )
    .await;
    assert_eq!(revoked["revokeCertification"]["status"], "REVOKED");
    let archived = run(&app, &admin, "ArchiveProduct", json!({"id": product_id})).await;
    assert_eq!(archived["archiveProduct"]["id"], product_id);
    let gone = app
        .data("{ product(slug: \"cha-muc-ha-long\") { slug } }", json!({}))
        .await;
    assert!(
        gone["product"].is_null(),
        "archived products are not public"
    );
}

db_test!(
    writes_are_searchable_through_the_change_log,
    TestOptions::empty()
);
async fn writes_are_searchable_through_the_change_log(app: TestApp) {
    let admin = app.key(Role::Admin, &[], None).await;
    let producer = run(
        &app,
        &admin,
        "CreateProducer",
        json!({"input": producer_input()}),
    )
    .await;
    let id = producer["createProducer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let product = run(
        &app,
        &admin,
        "CreateProduct",
        json!({"input": {"name": "Sá sùng khô Vân Đồn", "categoryCode": "I.3.d", "producerId": id, "wardCode": wards::BAI_CHAY}}),
    )
    .await;
    let product_id = product["createProduct"]["id"].as_str().unwrap().to_owned();
    run(
        &app,
        &admin,
        "CertifyProduct",
        json!({"productId": product_id, "input": {"stars": 5, "level": "CENTRAL", "issuingBody": "Bộ Nông nghiệp và Môi trường", "issuedOn": day(-1)}}),
    )
    .await;
    let took = app.wait_for_sync(Duration::from_secs(5)).await;
    assert!(took < Duration::from_secs(1), "searchable in {took:?}");
    let found = app.data("{ searchProducts(query: \"sa sung van don\") { totalHits hits { product { stars } } } }", json!({})).await;
    assert_eq!(found["searchProducts"]["totalHits"], 1);
    assert_eq!(found["searchProducts"]["hits"][0]["product"]["stars"], 5);
    assert!(change_log::Entity::find().count(&app.db).await.unwrap() >= 2);
}

db_test!(
    certificate_rules_are_enforced_with_the_offending_field,
    TestOptions::empty()
);
async fn certificate_rules_are_enforced_with_the_offending_field(app: TestApp) {
    let admin = app.key(Role::Admin, &[], None).await;
    app.import_one_product().await;
    let id = app
        .data("{ product(slug: \"sp\") { id } }", json!({}))
        .await["product"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let base = json!({"stars": 4, "level": "PROVINCE", "issuingBody": "UBND tỉnh Hà Tĩnh", "issuedOn": day(-5)});
    let with = |patch: Value| {
        let mut input = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            input[k] = v.clone();
        }
        json!({"productId": id, "input": input})
    };
    rejects(
        &app,
        &admin,
        "CertifyProduct",
        with(json!({"stars": 2})),
        "input.stars",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CertifyProduct",
        with(json!({"stars": 6})),
        "input.stars",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CertifyProduct",
        with(json!({"score": 95})),
        "input.score",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CertifyProduct",
        with(json!({"stars": 5, "score": 89})),
        "input.score",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CertifyProduct",
        with(json!({"expiresOn": day(-6)})),
        "input.expiresOn",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CertifyProduct",
        with(json!({"issuedOn": day(3)})),
        "input.issuedOn",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CertifyProduct",
        with(json!({"issuingBody": "  "})),
        "input.issuingBody",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CertifyProduct",
        with(json!({"decisionNumber": "x".repeat(101)})),
        "input.decisionNumber",
    )
    .await;
    let unknown = app
        .gql_as(
            Some(&admin),
            &operation(MUTATIONS, "CertifyProduct"),
            json!({"productId": "999999", "input": base}),
        )
        .await;
    assert_eq!(unknown.error_codes(), ["NOT_FOUND"]);
    rejects(
        &app,
        &admin,
        "RevokeCertification",
        json!({"id": "1", "reason": ""}),
        "reason",
    )
    .await;
}

db_test!(
    catalogue_rules_are_enforced_with_the_offending_field,
    TestOptions::empty()
);
async fn catalogue_rules_are_enforced_with_the_offending_field(app: TestApp) {
    let admin = app.key(Role::Admin, &[], None).await;
    let producer = run(
        &app,
        &admin,
        "CreateProducer",
        json!({"input": producer_input()}),
    )
    .await;
    let pid = producer["createProducer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let product = |patch: Value| {
        let mut input = json!({"name": "Mực khô", "categoryCode": "I.3.d", "producerId": pid, "wardCode": wards::BAI_CHAY});
        for (k, v) in patch.as_object().unwrap() {
            input[k] = v.clone();
        }
        json!({"input": input})
    };
    rejects(
        &app,
        &admin,
        "CreateProduct",
        product(json!({"categoryCode": "I.3"})),
        "input.categoryCode",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CreateProduct",
        product(json!({"categoryCode": "XX"})),
        "input.categoryCode",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CreateProduct",
        product(json!({"wardCode": "99999"})),
        "input.wardCode",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CreateProduct",
        product(json!({"wardCode": wards::BAI_CHAY, "provinceCode": "42"})),
        "input.wardCode",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CreateProduct",
        product(json!({"name": "ê".repeat(201)})),
        "input.name",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CreateProduct",
        product(json!({"name": "   "})),
        "input.name",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CreateProduct",
        product(json!({"name": "!!!"})),
        "input.name",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CreateProduct",
        product(json!({"description": "a".repeat(10_001)})),
        "input.description",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CreateProduct",
        product(json!({"producerId": "424242"})),
        "input.producerId",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CreateProduct",
        product(json!({"producerId": "abc"})),
        "input.producerId",
    )
    .await;
    let mut bad_contact = producer_input();
    bad_contact["email"] = json!("not an email");
    rejects(
        &app,
        &admin,
        "CreateProducer",
        json!({"input": bad_contact}),
        "input.email",
    )
    .await;
    let mut bad_tax = producer_input();
    bad_tax["taxCode"] = json!("123");
    rejects(
        &app,
        &admin,
        "CreateProducer",
        json!({"input": bad_tax}),
        "input.taxCode",
    )
    .await;
    let outlet = |lat: f64, lng: f64| json!({"input": {"name": "Điểm OCOP", "kind": "OTHER", "wardCode": wards::BAI_CHAY, "location": {"lat": lat, "lng": lng}}});
    rejects(
        &app,
        &admin,
        "CreateOutlet",
        outlet(48.85, 2.35),
        "input.location",
    )
    .await;
    rejects(
        &app,
        &admin,
        "CreateOutlet",
        outlet(0.0, 0.0),
        "input.location",
    )
    .await;
    // Slugs come from the Vietnamese name; a clash is a conflict.
    run(
        &app,
        &admin,
        "CreateProduct",
        product(json!({"name": "Đặc sản Đồng Đăng"})),
    )
    .await;
    let clash = app
        .gql_as(
            Some(&admin),
            &operation(MUTATIONS, "CreateProduct"),
            product(json!({"name": "Dac san Dong Dang"})),
        )
        .await;
    assert_eq!(clash.error_codes(), ["CONFLICT"], "{}", clash.body);
    assert_eq!(clash.error_field(), Some("input.slug"));
    let chosen = run(&app, &admin, "CreateProduct", {
        let mut v = product(json!({"name": "Dac san Dong Dang"}));
        v["input"]["slug"] = json!("dac-san-dong-dang-2");
        v
    })
    .await;
    assert_eq!(chosen["createProduct"]["slug"], "dac-san-dong-dang-2");
    let created = run(&app, &admin, "CreateOutlet", outlet(20.95, 107.05)).await;
    let outlet_id = created["createOutlet"]["id"].as_str().unwrap().to_owned();
    let negative = app
        .gql_as(
            Some(&admin),
            &operation(MUTATIONS, "SetListing"),
            json!({"outletId": outlet_id, "productId": "1", "priceVnd": -1, "inStock": true}),
        )
        .await;
    assert_eq!(negative.error_codes(), ["BAD_USER_INPUT"]);
    assert_eq!(negative.error_field(), Some("priceVnd"));
}

db_test!(
    a_stale_update_is_a_conflict_and_one_of_two_concurrent_editors_wins,
    TestOptions::empty()
);
async fn a_stale_update_is_a_conflict_and_one_of_two_concurrent_editors_wins(app: TestApp) {
    let editor_a = app.key(Role::Editor, &["42"], None).await;
    let editor_b = app.key(Role::Editor, &["42"], None).await;
    app.import_one_product().await;
    let seen = app
        .data("{ product(slug: \"sp\") { id updatedAt } }", json!({}))
        .await;
    let id = seen["product"]["id"].as_str().unwrap().to_owned();
    let updated_at = seen["product"]["updatedAt"].as_str().unwrap().to_owned();
    let update = |key: String, name: &'static str| {
        let app = &app;
        let vars =
            json!({"id": id, "input": {"expectedUpdatedAt": updated_at, "description": name}});
        async move {
            app.gql_as(Some(&key), &operation(MUTATIONS, "UpdateProduct"), vars)
                .await
        }
    };
    let (a, b) = tokio::join!(
        update(editor_a.clone(), "Mô tả của A"),
        update(editor_b, "Mô tả của B")
    );
    let codes: Vec<Vec<String>> = vec![a.error_codes(), b.error_codes()];
    assert!(
        codes.contains(&vec![]) && codes.contains(&vec!["CONFLICT".to_owned()]),
        "one wins, one conflicts: {codes:?}"
    );
    let conflict = if a.error_codes().is_empty() { &b } else { &a };
    assert_eq!(conflict.error_field(), Some("input.expectedUpdatedAt"));
    // The loser reloads and retries.
    let fresh = app
        .data("{ product(slug: \"sp\") { updatedAt } }", json!({}))
        .await;
    let retry = app
        .gql_as(
            Some(&editor_a),
            &operation(MUTATIONS, "UpdateProduct"),
            json!({"id": id, "input": {"expectedUpdatedAt": fresh["product"]["updatedAt"], "description": "Sau khi tải lại"}}),
        )
        .await;
    assert!(retry.error_codes().is_empty(), "{}", retry.body);
}

db_test!(
    every_write_leaves_an_audit_entry_with_before_and_after,
    TestOptions::empty()
);
async fn every_write_leaves_an_audit_entry_with_before_and_after(app: TestApp) {
    let editor = app.key(Role::Editor, &["22"], None).await;
    let producer = run(
        &app,
        &editor,
        "CreateProducer",
        json!({"input": producer_input()}),
    )
    .await;
    let pid = producer["createProducer"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let product = run(
        &app,
        &editor,
        "CreateProduct",
        json!({"input": {"name": "Chả mực", "categoryCode": "I.3.d", "producerId": pid, "wardCode": wards::BAI_CHAY}}),
    )
    .await;
    let id = product["createProduct"]["id"].as_str().unwrap().to_owned();
    let seen = app
        .data(
            "query($id: ID!) { productById(id: $id) { updatedAt } }",
            json!({"id": id}),
        )
        .await;
    run(
        &app,
        &editor,
        "UpdateProduct",
        json!({"id": id, "input": {"expectedUpdatedAt": seen["productById"]["updatedAt"], "name": "Chả mực Hạ Long"}}),
    )
    .await;
    let query = "query($id: ID!) { auditLog(entityType: PRODUCT, entityId: $id) {
        edges { node { operation actor keyId before after } } } }";
    let trail = app.gql_as(Some(&editor), query, json!({"id": id})).await;
    let edges = trail.data()["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(edges.len(), 2);
    let update = &edges[0]["node"];
    assert_eq!(update["operation"], "UPDATE");
    assert_eq!(update["before"]["name"], "Chả mực");
    assert_eq!(update["after"]["name"], "Chả mực Hạ Long");
    assert!(
        update["actor"]
            .as_str()
            .unwrap()
            .contains("Editor test key")
    );
    assert_eq!(edges[1]["node"]["operation"], "CREATE");
    assert!(edges[1]["node"]["before"].is_null());
    assert!(
        audit_log::Entity::find().count(&app.db).await.unwrap() >= 3,
        "the producer's creation too"
    );
    // Another province's editor, a partner and anonymous callers may not read it.
    let other = app.key(Role::Editor, &["42"], None).await;
    assert_eq!(
        app.gql_as(Some(&other), query, json!({"id": id}))
            .await
            .error_codes(),
        ["FORBIDDEN"]
    );
    let partner = app.key(Role::Partner, &[], None).await;
    assert_eq!(
        app.gql_as(Some(&partner), query, json!({"id": id}))
            .await
            .error_codes(),
        ["FORBIDDEN"]
    );
    assert_eq!(
        app.gql(query, json!({"id": id})).await.error_codes(),
        ["UNAUTHENTICATED"]
    );
    let admin = app.key(Role::Admin, &[], None).await;
    assert!(
        app.gql_as(Some(&admin), query, json!({"id": id}))
            .await
            .error_codes()
            .is_empty()
    );
}

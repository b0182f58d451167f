//! Keys and roles: what each may and may not do.
//!
//! Over 300 lines: one test per role and right.

use ocop_entities::{api_key::Role, outlet};
use ocop_tests::{
    TestApp, TestOptions, db_test,
    fixtures::{Catalogue, ProductSpec, wards},
    operation,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

const MUTATIONS: &str = include_str!("../../contract/mutations.graphql");

/// Two provinces with a producer, a product (and a draft) and an outlet each.
async fn seeded(app: &TestApp) {
    let c = Catalogue::new()
        .producer("p22", "HTX Quảng Ninh", "COOPERATIVE", wards::BAI_CHAY)
        .producer("p42", "HTX Hà Tĩnh", "COOPERATIVE", wards::HA_TINH)
        .product(ProductSpec::new(
            "sp22",
            "Sản phẩm Quảng Ninh",
            "p22",
            wards::BAI_CHAY,
            "I.4.a",
        ))
        .product(ProductSpec::new(
            "sp42",
            "Sản phẩm Hà Tĩnh",
            "p42",
            wards::HA_TINH,
            "I.4.a",
        ))
        .product(
            ProductSpec::new("nhap42", "Bản nháp Hà Tĩnh", "p42", wards::HA_TINH, "I.4.a")
                .status("DRAFT"),
        )
        .outlet(
            "o22",
            "Điểm Quảng Ninh",
            "OTHER",
            wards::BAI_CHAY,
            (20.95, 107.05),
            &["sp22"],
        )
        .outlet(
            "o42",
            "Điểm Hà Tĩnh",
            "OTHER",
            wards::HA_TINH,
            (18.34, 105.90),
            &["sp42"],
        );
    app.import(&c.jsonl()).await.unwrap();
}

async fn ids(app: &TestApp) -> (String, String, i64, i64) {
    let data = app
        .data(
            "{ a: product(slug: \"sp22\") { id } b: product(slug: \"sp42\") { id } }",
            json!({}),
        )
        .await;
    let o22 = outlet::Entity::find()
        .filter(outlet::Column::Slug.eq("o22"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let o42 = outlet::Entity::find()
        .filter(outlet::Column::Slug.eq("o42"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    (
        data["a"]["id"].as_str().unwrap().to_owned(),
        data["b"]["id"].as_str().unwrap().to_owned(),
        o22,
        o42,
    )
}

fn archive(id: &str) -> Value {
    json!({"id": id})
}

async fn code(app: &TestApp, key: Option<&str>, op: &str, vars: Value) -> Vec<String> {
    app.gql_as(key, &operation(MUTATIONS, op), vars)
        .await
        .error_codes()
}

db_test!(
    writes_without_a_key_are_unauthenticated,
    TestOptions::empty()
);
async fn writes_without_a_key_are_unauthenticated(app: TestApp) {
    seeded(&app).await;
    let (a, _, o22, _) = ids(&app).await;
    assert_eq!(
        code(&app, None, "ArchiveProduct", archive(&a)).await,
        ["UNAUTHENTICATED"]
    );
    assert_eq!(
        code(
            &app,
            None,
            "SetListing",
            json!({"outletId": o22.to_string(), "productId": a, "inStock": false})
        )
        .await,
        ["UNAUTHENTICATED"]
    );
}

db_test!(
    a_write_is_authenticated_before_its_input_is_looked_at,
    TestOptions::empty()
);
async fn a_write_is_authenticated_before_its_input_is_looked_at(app: TestApp) {
    // An unknown ward would be BAD_USER_INPUT for an editor: the key is checked first.
    let bad = json!({"input": {"name": "HTX", "kind": "COOPERATIVE", "wardCode": "99999",
                                   "email": "not an e-mail"}});
    assert_eq!(
        code(&app, None, "CreateProducer", bad.clone()).await,
        ["UNAUTHENTICATED"]
    );
    let partner = app.key(Role::Partner, &[], None).await;
    assert_eq!(
        code(&app, Some(&partner), "CreateProducer", bad.clone()).await,
        ["FORBIDDEN"]
    );
    let admin = app.key(Role::Admin, &[], None).await;
    assert_eq!(
        code(&app, Some(&admin), "CreateProducer", bad).await,
        ["BAD_USER_INPUT"]
    );
    // A query in the same document stays open to anyone.
    let doc = format!("{MUTATIONS}\nquery Read {{ provinces {{ code }} }}");
    let body = json!({"query": doc, "operationName": "Read"});
    let read = TestApp::collect(
        app.client()
            .post(app.url("/graphql"))
            .json(&body)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(read.data()["provinces"].as_array().map(Vec::len), Some(34));
}

db_test!(an_editor_writes_in_its_provinces_only, TestOptions::empty());
async fn an_editor_writes_in_its_provinces_only(app: TestApp) {
    seeded(&app).await;
    let (a, b, o22, o42) = ids(&app).await;
    let editor = app.key(Role::Editor, &["42"], None).await;
    assert_eq!(
        code(&app, Some(&editor), "ArchiveProduct", archive(&a)).await,
        ["FORBIDDEN"],
        "product in 22"
    );
    assert!(
        code(&app, Some(&editor), "ArchiveProduct", archive(&b))
            .await
            .is_empty(),
        "product in 42"
    );
    let listing = |o: i64, p: &str| json!({"outletId": o.to_string(), "productId": p, "priceVnd": 1000, "inStock": true});
    assert_eq!(
        code(&app, Some(&editor), "SetListing", listing(o22, &a)).await,
        ["FORBIDDEN"]
    );
    assert!(
        code(&app, Some(&editor), "SetListing", listing(o42, &a))
            .await
            .is_empty(),
        "its own outlet, any product"
    );
    let producer =
        json!({"input": {"name": "HTX mới", "kind": "HOUSEHOLD", "wardCode": wards::BAI_CHAY}});
    assert_eq!(
        code(&app, Some(&editor), "CreateProducer", producer).await,
        ["FORBIDDEN"]
    );
    // Moving a product of its province into another province is also a write there.
    let b_seen = app
        .gql_as(
            Some(&editor),
            "query($id: ID!) { productById(id: $id) { updatedAt } }",
            json!({"id": b}),
        )
        .await;
    let moved = code(
        &app,
        Some(&editor),
        "UpdateProduct",
        json!({"id": b, "input": {"expectedUpdatedAt": b_seen.data()["productById"]["updatedAt"], "wardCode": wards::BAI_CHAY}}),
    )
    .await;
    assert_eq!(moved, ["FORBIDDEN"]);
}

db_test!(a_kiosk_keeps_only_its_own_shelf, TestOptions::empty());
async fn a_kiosk_keeps_only_its_own_shelf(app: TestApp) {
    seeded(&app).await;
    let (a, b, o22, o42) = ids(&app).await;
    let kiosk = app.key(Role::Kiosk, &[], Some(o42)).await;
    let listing = |o: i64, p: &str| json!({"outletId": o.to_string(), "productId": p, "priceVnd": 5000, "inStock": false});
    assert!(
        code(&app, Some(&kiosk), "SetListing", listing(o42, &b))
            .await
            .is_empty()
    );
    assert!(
        code(&app, Some(&kiosk), "SetListing", listing(o42, &a))
            .await
            .is_empty()
    );
    assert_eq!(
        code(&app, Some(&kiosk), "SetListing", listing(o22, &a)).await,
        ["FORBIDDEN"]
    );
    assert_eq!(
        code(
            &app,
            Some(&kiosk),
            "RemoveListing",
            json!({"outletId": o22.to_string(), "productId": a})
        )
        .await,
        ["FORBIDDEN"]
    );
    assert_eq!(
        code(&app, Some(&kiosk), "ArchiveProduct", archive(&b)).await,
        ["FORBIDDEN"]
    );
    let shelf = app.data("{ outlet(slug: \"o42\") { listings { totalCount edges { node { inStock priceVnd } } } } }", json!({})).await;
    assert_eq!(shelf["outlet"]["listings"]["totalCount"], 2);
}

db_test!(
    a_partner_reads_everything_but_writes_nothing,
    TestOptions::empty()
);
async fn a_partner_reads_everything_but_writes_nothing(app: TestApp) {
    seeded(&app).await;
    let (a, ..) = ids(&app).await;
    let partner = app.key(Role::Partner, &[], None).await;
    assert_eq!(
        code(&app, Some(&partner), "ArchiveProduct", archive(&a)).await,
        ["FORBIDDEN"]
    );
    let drafts = "{ products(filter: {statuses: [DRAFT], certification: ANY}) { totalCount edges { node { slug status } } } }";
    let seen = app.gql_as(Some(&partner), drafts, json!({})).await;
    assert_eq!(seen.data()["products"]["totalCount"], 1);
    assert_eq!(
        app.gql(drafts, json!({})).await.error_codes(),
        ["FORBIDDEN"],
        "anonymous callers do not see drafts"
    );
    let draft = "{ product(slug: \"nhap42\") { slug } }";
    assert_eq!(
        app.gql_as(Some(&partner), draft, json!({})).await.data()["product"]["slug"],
        "nhap42"
    );
    assert!(app.data(draft, json!({})).await["product"].is_null());
}

db_test!(
    tax_codes_are_shown_only_to_partners_editors_and_admins,
    TestOptions::empty()
);
async fn tax_codes_are_shown_only_to_partners_editors_and_admins(app: TestApp) {
    let c = Catalogue::new()
        .raw(
            json!({"type": "producer", "slug": "p", "name": "Công ty A", "kind": "ENTERPRISE",
                                        "wardCode": wards::HA_TINH, "taxCode": "3000123456"}),
        )
        .product(ProductSpec::new(
            "sp",
            "Sản phẩm",
            "p",
            wards::HA_TINH,
            "I.4.a",
        ));
    app.import(&c.jsonl()).await.unwrap();
    let q = "{ product(slug: \"sp\") { producer { taxCode } } }";
    assert!(app.data(q, json!({})).await["product"]["producer"]["taxCode"].is_null());
    let kiosk_outlet = None;
    let partner = app.key(Role::Partner, &[], kiosk_outlet).await;
    let seen = app.gql_as(Some(&partner), q, json!({})).await;
    assert_eq!(seen.data()["product"]["producer"]["taxCode"], "3000123456");
}

db_test!(
    revoked_expired_and_unknown_keys_are_refused,
    TestOptions::empty()
);
async fn revoked_expired_and_unknown_keys_are_refused(app: TestApp) {
    seeded(&app).await;
    let (a, ..) = ids(&app).await;
    let admin = app.key(Role::Admin, &[], None).await;
    let keys = ocop_api::services::keys::list(&app.db).await.unwrap();
    let id = keys.iter().find(|k| k.role == Role::Admin).unwrap().id;
    ocop_api::services::keys::revoke(&app.db, id, "test")
        .await
        .unwrap();
    let revoked = app
        .gql_as(
            Some(&admin),
            &operation(MUTATIONS, "ArchiveProduct"),
            archive(&a),
        )
        .await;
    assert_eq!(revoked.status, 401);
    assert_eq!(revoked.error_codes(), ["UNAUTHENTICATED"]);
    // An expired key: created valid, then its expiry passed.
    let expiring = app.key(Role::Admin, &[], None).await;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let newest = ocop_api::services::keys::list(&app.db)
        .await
        .unwrap()
        .into_iter()
        .next()
        .unwrap();
    let mut model: ocop_entities::api_key::ActiveModel = newest.into();
    model.expires_at = Set(Some(chrono::Utc::now() - chrono::Duration::seconds(1)));
    model.update(&app.db).await.unwrap();
    let expired = app
        .gql_as(Some(&expiring), "{ regions { code } }", json!({}))
        .await;
    assert_eq!(expired.error_codes(), ["UNAUTHENTICATED"]);
    for bad in [
        "ocop_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB".to_owned(),
        "not-a-key".to_owned(),
        format!("{}x", &admin[..admin.len() - 1]),
    ] {
        let r = app
            .gql_as(Some(&bad), "{ regions { code } }", json!({}))
            .await;
        assert_eq!(r.error_codes(), ["UNAUTHENTICATED"], "{bad}");
    }
    let basic = app
        .client()
        .post(app.url("/graphql"))
        .header("authorization", "Basic abc")
        .json(&json!({"query": "{ regions { code } }"}))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
}

db_test!(keys_are_stored_as_hashes_only, TestOptions::empty());
async fn keys_are_stored_as_hashes_only(app: TestApp) {
    let key = app.key(Role::Partner, &[], None).await;
    let stored = ocop_api::services::keys::list(&app.db).await.unwrap();
    let secret = key.rsplit('_').next().unwrap();
    for k in stored {
        assert!(!k.secret_hash.contains(secret));
        assert_eq!(k.secret_hash.len(), 64);
        assert!(key.contains(&k.prefix));
    }
}

db_test!(key_creation_checks_its_scope, TestOptions::empty());
async fn key_creation_checks_its_scope(app: TestApp) {
    let reference = ocop_api::reference::ReferenceData::load(&app.db)
        .await
        .unwrap();
    let new = |role, provinces: &[&str], outlet_id| ocop_api::services::keys::NewKey {
        name: "k".into(),
        role,
        provinces: provinces.iter().map(|p| p.to_string()).collect(),
        outlet_id,
        expires_at: None,
    };
    for (key, field) in [
        (new(Role::Editor, &[], None), "province"),
        (new(Role::Editor, &["99"], None), "province"),
        (new(Role::Kiosk, &[], None), "outlet"),
        (new(Role::Kiosk, &[], Some(424242)), "outlet"),
        (new(Role::Partner, &["22"], None), "province"),
    ] {
        let err = ocop_api::services::keys::create(&app.db, &reference, key, "test")
            .await
            .unwrap_err();
        assert_eq!(err.code(), "BAD_USER_INPUT");
        let message = format!("{err:?}");
        assert!(message.contains(field), "{message}");
    }
}

db_test!(
    creating_and_revoking_a_key_is_audited_for_admins_only,
    TestOptions::empty()
);
async fn creating_and_revoking_a_key_is_audited_for_admins_only(app: TestApp) {
    let admin = app.key(Role::Admin, &[], None).await;
    let editor = app.key(Role::Editor, &["22"], None).await;
    let keys = ocop_api::services::keys::list(&app.db).await.unwrap();
    let editor_id = keys.iter().find(|k| k.role == Role::Editor).unwrap().id;
    ocop_api::services::keys::revoke(&app.db, editor_id, "cli:keys")
        .await
        .unwrap();
    let q = "query($id: ID!) { auditLog(entityType: API_KEY, entityId: $id) {
        edges { node { actor entityType operation before after } } } }";
    let vars = json!({ "id": editor_id.to_string() });
    let trail = app.gql_as(Some(&admin), q, vars.clone()).await;
    let edges = trail.data()["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .clone();
    let operations: Vec<_> = edges.iter().map(|e| &e["node"]["operation"]).collect();
    assert_eq!(operations, [&json!("REVOKE"), &json!("CREATE")]);
    let revoke = &edges[0]["node"];
    assert_eq!(revoke["actor"], "cli:keys");
    assert_eq!(revoke["entityType"], "api_key");
    assert!(revoke["before"]["revokedAt"].is_null(), "{revoke}");
    assert!(revoke["after"]["revokedAt"].is_string(), "{revoke}");
    assert_eq!(edges[1]["node"]["after"]["role"], "EDITOR");
    assert_eq!(edges[1]["node"]["after"]["provinces"], json!(["22"]));
    // Never the key itself, nor anything that identifies it to a thief.
    let text = trail.body.to_string();
    assert!(
        !text.contains("prefix") && !text.contains("secret"),
        "{text}"
    );
    assert!(!text.contains(editor.split('_').nth(1).unwrap()), "{text}");
    // A key's trail belongs to no province: an editor may not read it.
    let other_editor = app.key(Role::Editor, &["22"], None).await;
    let refused = app.gql_as(Some(&other_editor), q, vars).await;
    assert_eq!(refused.error_codes(), ["FORBIDDEN"]);
}

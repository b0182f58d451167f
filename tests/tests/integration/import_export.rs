//! The interchange format: the demo catalogue, export → import round trips, and the rejection
//! of bad records without writing anything.
//!
//! Just over 300 lines: one test per guarantee of the interchange format.

use std::collections::BTreeSet;

use ocop_api::interchange::ImportError;
use ocop_entities::{change_log, product};
use ocop_tests::{
    TestApp, TestOptions, db_test,
    fixtures::{Catalogue, ProductSpec, cert, valid_cert, wards},
};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::json;

db_test!(
    the_demo_catalogue_loads_into_an_empty_database,
    TestOptions::demo()
);
async fn the_demo_catalogue_loads_into_an_empty_database(app: TestApp) {
    let query = "{ products(first: 100, filter: {certification: ANY}) { totalCount edges { node { certificationStatus province { code } category { code } producer { kind } } } }
                   outlets(first: 100) { totalCount } categories { code children { code children { code } } } }";
    let data = app.data(query, json!({})).await;
    let products = data["products"]["edges"].as_array().unwrap();
    assert!(data["products"]["totalCount"].as_u64().unwrap() >= 60);
    assert!(data["outlets"]["totalCount"].as_u64().unwrap() >= 20);
    let provinces: BTreeSet<&str> = products
        .iter()
        .map(|e| e["node"]["province"]["code"].as_str().unwrap())
        .collect();
    assert!(provinces.len() >= 15, "{} provinces", provinces.len());
    let statuses: BTreeSet<&str> = products
        .iter()
        .map(|e| e["node"]["certificationStatus"].as_str().unwrap())
        .collect();
    for s in ["VALID", "EXPIRING_SOON", "EXPIRED", "REVOKED"] {
        assert!(statuses.contains(s), "the demo shows a {s} certificate");
    }
    let kinds: BTreeSet<&str> = products
        .iter()
        .map(|e| e["node"]["producer"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 4);
    let groups: BTreeSet<char> = products
        .iter()
        .map(|e| e["node"]["category"]["code"].as_str().unwrap())
        .map(|c| {
            if c.starts_with("VI") {
                '6'
            } else if c.starts_with("IV") {
                '4'
            } else if c.starts_with('V') {
                '5'
            } else if c.starts_with("III") {
                '3'
            } else if c.starts_with("II") {
                '2'
            } else {
                '1'
            }
        })
        .collect();
    assert_eq!(groups.len(), 6, "all six groups: {groups:?}");
}

db_test!(
    an_empty_database_stays_empty_when_the_demo_is_off,
    TestOptions::empty()
);
async fn an_empty_database_stays_empty_when_the_demo_is_off(app: TestApp) {
    assert_eq!(product::Entity::find().count(&app.db).await.unwrap(), 0);
}

db_test!(
    export_then_import_into_an_empty_database_reproduces_the_catalogue,
    TestOptions::demo()
);
async fn export_then_import_into_an_empty_database_reproduces_the_catalogue(app: TestApp) {
    let exported = app.export_body().await;
    assert!(exported.lines().count() > 150);
    let copy = TestApp::try_spawn(app.backend, TestOptions::empty())
        .await
        .expect("same backend");
    let header = "{\"type\":\"header\",\"format\":\"ocop-catalog\",\"version\":1}\n";
    let report = copy
        .import(&format!("{header}{exported}"))
        .await
        .expect("the export imports");
    assert!(report.products_created >= 60);
    // The same catalogue: equal line for line but for the database ids (which the copy's
    // database hands out itself).
    assert_eq!(
        without_ids(&copy.export_body().await),
        without_ids(&exported)
    );
}

/// Every line with its `id` fields (the exporting database's keys) taken out.
fn without_ids(export: &str) -> Vec<serde_json::Value> {
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                map.remove("id");
                map.values_mut().for_each(strip);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    export
        .lines()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
            strip(&mut v);
            v
        })
        .collect()
}

db_test!(
    importing_the_same_file_twice_updates_in_place,
    TestOptions::empty()
);
async fn importing_the_same_file_twice_updates_in_place(app: TestApp) {
    let file = Catalogue::new()
        .producer("p", "HTX", "COOPERATIVE", wards::HA_TINH)
        .product(
            ProductSpec::new("a", "A", "p", wards::HA_TINH, "I.4.a")
                .certs(vec![valid_cert(4), cert(3, 1500, -400)]),
        )
        .jsonl();
    let first = app.import(&file).await.unwrap();
    assert_eq!(
        (
            first.producers_created,
            first.products_created,
            first.certifications
        ),
        (1, 1, 2)
    );
    let second = app.import(&file).await.unwrap();
    assert_eq!(
        (
            second.producers_updated,
            second.products_updated,
            second.products_created
        ),
        (1, 1, 0)
    );
    assert_eq!(product::Entity::find().count(&app.db).await.unwrap(), 1);
    assert_eq!(
        ocop_entities::certification::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        2
    );
    assert!(
        change_log::Entity::find().count(&app.db).await.unwrap() >= 2,
        "every import records its records in the change log"
    );
    // And in the audit trail: one entry per record and import, newest first.
    let admin = app
        .key(ocop_entities::api_key::Role::Admin, &[], None)
        .await;
    let id = product::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let q = "query($id: ID!) { auditLog(entityType: PRODUCT, entityId: $id) {
        edges { node { actor operation after } } } }";
    let trail = app
        .gql_as(Some(&admin), q, json!({ "id": id.to_string() }))
        .await;
    let nodes: Vec<_> = trail.data()["auditLog"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    assert_eq!(
        nodes,
        [
            json!({"actor": "test", "operation": "IMPORT", "after": {"import": "updated"}}),
            json!({"actor": "test", "operation": "IMPORT", "after": {"import": "created"}}),
        ]
    );
}

db_test!(
    an_import_reports_every_bad_record_and_writes_nothing,
    TestOptions::empty()
);
async fn an_import_reports_every_bad_record_and_writes_nothing(app: TestApp) {
    let good_cert = valid_cert(4);
    let mut band = valid_cert(5);
    band["score"] = json!(75);
    let mut backwards = valid_cert(4);
    backwards["expiresOn"] = json!("2000-01-01");
    let file = Catalogue::new()
        .producer("p", "HTX", "COOPERATIVE", wards::HA_TINH) // line 1: fine
        .raw(json!({"type": "producer", "slug": "Bad Slug", "name": "X", "kind": "COOPERATIVE", "wardCode": wards::HA_TINH})) // 2
        .raw(json!({"type": "producer", "slug": "q", "name": "X", "kind": "COMPANY", "wardCode": "99999"})) // 3
        .raw(json!({"type": "product", "slug": "a", "name": "A", "categoryCode": "I.4", "producer": "p", "wardCode": wards::HA_TINH})) // 4
        .raw(json!({"type": "product", "slug": "b", "name": "B", "categoryCode": "I.4.a", "producer": "nobody", "wardCode": wards::HA_TINH})) // 5
        .raw(json!({"type": "product", "slug": "c", "name": "C", "categoryCode": "I.4.a", "producer": "p", "wardCode": wards::HA_TINH, "certifications": [good_cert, band]})) // 6
        .raw(json!({"type": "product", "slug": "d", "name": "D", "categoryCode": "I.4.a", "producer": "p", "wardCode": wards::HA_TINH, "certifications": [backwards]})) // 7
        .raw(json!({"type": "product", "slug": "e", "name": "E", "categoryCode": "I.4.a", "producer": "p", "wardCode": wards::HA_TINH, "colour": "red"})) // 8
        .raw(json!({"type": "product", "slug": "f", "categoryCode": "I.4.a", "producer": "p", "wardCode": wards::HA_TINH})) // 9
        .raw(json!({"type": "product", "slug": "g", "name": "G", "categoryCode": "I.4.a", "producer": "p", "wardCode": wards::HA_TINH, "priceMinVnd": -5})) // 10
        .raw(json!({"type": "outlet", "slug": "o", "name": "O", "kind": "OTHER", "wardCode": wards::HA_TINH, "location": {"lat": 48.85, "lng": 2.35}, "listings": [{"product": "zzz", "inStock": true}]})) // 11
        .raw(json!({"type": "spaceship"})) // 12
        .raw(json!({"type": "producer", "slug": "p", "name": "Again", "kind": "COOPERATIVE", "wardCode": wards::HA_TINH})) // 13
        .raw(json!({"type": "producer", "slug": "r", "name": "R", "kind": "HOUSEHOLD", "wardCode": wards::HA_TINH, "email": "not-an-email"})) // 14
        .jsonl()
        + "{ this is not json\n"; // 15
    let Err(ImportError::Invalid(errors)) = app.import(&file).await else {
        panic!("the import must fail")
    };
    let found: BTreeSet<(usize, String)> =
        errors.iter().map(|e| (e.line, e.field.clone())).collect();
    let expected = [
        (2, "slug"),
        (3, "kind"),
        (3, "wardCode"),
        (4, "categoryCode"),
        (5, "producer"),
        (6, "certifications[1].score"),
        (7, "certifications[0].expiresOn"),
        (8, "colour"),
        (9, "name"),
        (10, "priceMinVnd"),
        (11, "location"),
        (11, "listings[0].product"),
        (12, "type"),
        (13, "slug"),
        (14, "email"),
        (15, "-"),
    ];
    for (line, field) in expected {
        assert!(
            found.contains(&(line, field.to_owned())),
            "expected an error at line {line} on {field}; got {errors:#?}"
        );
    }
    assert!(
        errors.iter().all(|e| e.line != 1),
        "line 1 is valid: {errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.reason.contains("is a group, not a product set"))
    );
    assert_eq!(
        ocop_entities::producer::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        0,
        "nothing was written"
    );
    assert_eq!(change_log::Entity::find().count(&app.db).await.unwrap(), 0);
}

/// Right after a bulk import, PostgreSQL plans with the statistics of empty tables until
/// autovacuum analyzes them, and reads run many times slower meanwhile: the import analyzes
/// what it filled.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_on_postgresql_leaves_the_planner_statistics_current() {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let Some(app) = TestApp::try_spawn(ocop_tests::Backend::Postgres, TestOptions::empty()).await
    else {
        return;
    };
    let mut file = Catalogue::new().producer("p", "HTX Thử", "COOPERATIVE", wards::HA_TINH);
    for i in 0..30 {
        file = file.product(
            ProductSpec::new(&format!("sp-{i}"), "Nước mắm", "p", wards::HA_TINH, "I.4.a")
                .certs(vec![valid_cert(4)]),
        );
    }
    app.import(&file.jsonl()).await.unwrap();
    for (table, rows) in [
        ("products", 30.0),
        ("certifications", 30.0),
        ("producers", 1.0),
    ] {
        let row = app
            .db
            .query_one_raw(Statement::from_string(
                DbBackend::Postgres,
                format!(
                    "SELECT reltuples::float8 AS n FROM pg_class WHERE oid = '{table}'::regclass"
                ),
            ))
            .await
            .unwrap()
            .expect("a row");
        let estimated: f64 = row.try_get("", "n").unwrap();
        // −1 means "never analyzed" (PostgreSQL 14 and later).
        assert_eq!(estimated, rows, "{table}: the planner's row estimate");
    }
}

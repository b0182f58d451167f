//! Schema tests: operations run in process with `schema.execute` over an in-memory catalogue
//! ([`crate::testing::Harness`]), checking what resolvers translate (arguments, errors and
//! their codes and paths) without a server.

use async_graphql::Response;
use ocop_entities::api_key::Role;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use super::Harness;

/// Phường Bãi Cháy, Quảng Ninh (22).
const BAI_CHAY: &str = "06673";

const CREATE_PRODUCER: &str = "mutation($input: CreateProducerInput!) {
    createProducer(input: $input) { id slug name province { code } email } }";

fn producer(email: &str) -> Value {
    json!({"input": {"name": "HTX Nông sản Hạ Long", "kind": "COOPERATIVE",
        "wardCode": BAI_CHAY, "email": email}})
}

fn data(response: Response) -> Value {
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    response.data.into_json().expect("JSON data")
}

/// The code and field path of the only error.
fn error(response: &Response) -> (String, Option<String>) {
    assert_eq!(response.errors.len(), 1, "{:?}", response.errors);
    let extensions = response.errors[0]
        .extensions
        .as_ref()
        .expect("the error has extensions");
    let text = |key: &str| match extensions.get(key) {
        Some(async_graphql::Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    (text("code").expect("a code"), text("field"))
}

#[tokio::test]
async fn reference_data_is_served_without_a_key() {
    let h = Harness::new().await;
    let response = h
        .execute(
            &Harness::anonymous(),
            "{ provinces { code } regions { provinces { code } } }",
            json!({}),
        )
        .await;
    let d = data(response);
    assert_eq!(d["provinces"].as_array().unwrap().len(), 34);
    let in_regions: usize = d["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["provinces"].as_array().unwrap().len())
        .sum();
    assert_eq!(in_regions, 34);
}

#[tokio::test]
async fn a_write_without_a_key_is_unauthenticated_and_writes_nothing() {
    let h = Harness::new().await;
    let response = h
        .execute(&Harness::anonymous(), CREATE_PRODUCER, producer("a@b.vn"))
        .await;
    assert_eq!(error(&response).0, "UNAUTHENTICATED");
    let producers = ocop_entities::producer::Entity::find()
        .count(&h.db)
        .await
        .unwrap();
    assert_eq!(producers, 0);
}

#[tokio::test]
async fn a_created_producer_is_read_back_with_its_audit_entry() {
    let h = Harness::new().await;
    let admin = h.caller(Role::Admin, &[]).await;
    let created = data(
        h.execute(&admin, CREATE_PRODUCER, producer(" htx@example.vn "))
            .await,
    );
    let p = &created["createProducer"];
    assert_eq!(
        p["province"]["code"], "22",
        "the province follows from the ward"
    );
    assert_eq!(p["email"], "htx@example.vn", "trimmed by the Email parser");
    assert_eq!(p["slug"], "htx-nong-san-ha-long");
    let trail = data(
        h.execute(
            &admin,
            "query($id: ID!) { auditLog(entityType: PRODUCER, entityId: $id) {
                edges { node { operation entityType } } } }",
            json!({"id": p["id"]}),
        )
        .await,
    );
    assert_eq!(
        trail["auditLog"]["edges"],
        json!([{"node": {"operation": "CREATE", "entityType": "producer"}}])
    );
}

#[tokio::test]
async fn bad_input_names_its_field_and_an_editor_stays_in_its_provinces() {
    let h = Harness::new().await;
    let admin = h.caller(Role::Admin, &[]).await;
    let bad = h
        .execute(&admin, CREATE_PRODUCER, producer("not-an-email"))
        .await;
    assert_eq!(
        error(&bad),
        ("BAD_USER_INPUT".to_owned(), Some("input.email".to_owned()))
    );
    let elsewhere = h.caller(Role::Editor, &["01"]).await;
    let refused = h
        .execute(&elsewhere, CREATE_PRODUCER, producer("a@b.vn"))
        .await;
    assert_eq!(error(&refused).0, "FORBIDDEN");
    let unknown = h
        .execute(
            &admin,
            "{ auditLog(entityType: SHOP, entityId: \"1\") { edges { cursor } } }",
            json!({}),
        )
        .await;
    assert!(
        unknown.errors[0].message.contains("SHOP"),
        "{:?}",
        unknown.errors
    );
}

#[tokio::test]
async fn archiving_on_a_stale_updated_at_is_a_conflict_on_the_argument() {
    let h = Harness::new().await;
    let admin = h.caller(Role::Admin, &[]).await;
    let producer = data(h.execute(&admin, CREATE_PRODUCER, producer("a@b.vn")).await);
    let created = data(
        h.execute(
            &admin,
            "mutation($input: CreateProductInput!) { createProduct(input: $input) { id updatedAt } }",
            json!({"input": {"name": "Mật ong Bãi Cháy", "categoryCode": "I.4.a",
                "producerId": producer["createProducer"]["id"], "wardCode": BAI_CHAY}}),
        )
        .await,
    );
    let product = &created["createProduct"];
    let archive = "mutation($id: ID!, $seen: DateTime) {
        archiveProduct(id: $id, expectedUpdatedAt: $seen) { status } }";
    let stale = h
        .execute(
            &admin,
            archive,
            json!({"id": product["id"], "seen": "2020-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(
        error(&stale),
        ("CONFLICT".to_owned(), Some("expectedUpdatedAt".to_owned()))
    );
    let archived = data(
        h.execute(
            &admin,
            archive,
            json!({"id": product["id"], "seen": product["updatedAt"]}),
        )
        .await,
    );
    assert_eq!(archived["archiveProduct"]["status"], "ARCHIVED");
}

#[tokio::test]
async fn every_problem_of_an_input_is_reported_with_its_field() {
    let h = Harness::new().await;
    let admin = h.caller(Role::Admin, &[]).await;
    let input = json!({"input": {"name": "  ", "kind": "COOPERATIVE", "wardCode": "99999",
        "email": "not-an-email", "phone": "call me"}});
    let bad = h.execute(&admin, CREATE_PRODUCER, input).await;
    assert_eq!(
        error(&bad),
        ("BAD_USER_INPUT".to_owned(), Some("input.name".to_owned()))
    );
    let all = bad.errors[0]
        .extensions
        .as_ref()
        .and_then(|e| e.get("errors"))
        .cloned()
        .expect("extensions.errors lists every problem")
        .into_json()
        .unwrap();
    let fields: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["input.name", "input.wardCode", "input.phone", "input.email"]
    );
    assert!(
        bad.errors[0].message.contains("3 more"),
        "{}",
        bad.errors[0].message
    );
    let producers = ocop_entities::producer::Entity::find()
        .count(&h.db)
        .await
        .unwrap();
    assert_eq!(producers, 0, "nothing written");
}

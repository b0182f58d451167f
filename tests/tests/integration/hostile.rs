//! Malformed and abusive requests: each gets the expected status and code, none gets a 500, and
//! the database is the same afterwards.
//!
//! Over 300 lines: one test per kind of abuse, each short.

use ocop_entities::{api_key::Role, audit_log, change_log};
use ocop_tests::{TestApp, TestOptions, db_test, fixtures::day};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

/// How a case is sent.
enum Send {
    /// A JSON body, with the admin key or without a key.
    Json { body: Value, admin: bool },
    /// Raw bytes with a content type.
    Raw {
        content_type: &'static str,
        body: Vec<u8>,
        admin: bool,
    },
    /// A GET with this query string.
    Get(String),
    /// A JSON body with this Authorization header.
    Auth { header: &'static str, body: Value },
}

struct Case {
    name: &'static str,
    send: Send,
    status: u16,
    /// `Some(code)`: the first error's code; `None`: no errors at all.
    code: Option<&'static str>,
}

fn q(query: String) -> Value {
    json!({ "query": query })
}

fn case(
    name: &'static str,
    query: impl Into<String>,
    status: u16,
    code: Option<&'static str>,
) -> Case {
    Case {
        name,
        send: Send::Json {
            body: q(query.into()),
            admin: false,
        },
        status,
        code,
    }
}

fn admin(
    name: &'static str,
    query: impl Into<String>,
    variables: Value,
    code: &'static str,
) -> Case {
    Case {
        name,
        send: Send::Json {
            body: json!({"query": query.into(), "variables": variables}),
            admin: true,
        },
        status: 200,
        code: Some(code),
    }
}

/// `{ field { field … { leaf } } }`, `depth` levels of `field`.
fn nested(field: &str, depth: usize, leaf: &str) -> String {
    format!(
        "{{ {} }}",
        (0..depth).fold(String::from(leaf), |inner, _| format!(
            "{field} {{ {inner} }}"
        ))
    )
}

fn cases() -> Vec<Case> {
    let bad = Some("BAD_USER_INPUT");
    let product_fields = "edges { node { slug name stars category { code name } province { code name } producer { name } } }";
    let mut cases = vec![
        // Shape of the document.
        case(
            "deep nesting beyond the depth limit",
            format!("{{ categories {} }}", nested("children", 15, "code")),
            200,
            bad,
        ),
        case(
            "nesting beyond the parser's recursion limit",
            nested("a", 300, "a"),
            200,
            bad,
        ),
        case(
            "alias bomb on a cheap field",
            format!(
                "{{ {} }}",
                (0..100)
                    .map(|i| format!("a{i}: __typename"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            200,
            bad,
        ),
        case(
            "alias bomb on an expensive field",
            format!(
                "{{ {} }}",
                (0..10)
                    .map(|i| format!("p{i}: products(first: 100) {{ {product_fields} }}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            200,
            bad,
        ),
        case(
            "fragment cycle",
            "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
            200,
            bad,
        ),
        case(
            "fragment spread fan-out over the cost limit",
            format!(
                "{{ {} }} fragment F on Query {{ products(first: 100) {{ {product_fields} }} }}",
                (0..5)
                    .map(|i| format!("x{i}: products(first: 100) {{ {product_fields} }}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            200,
            bad,
        ),
        case(
            "too many tokens",
            format!("{{ {} }}", "__typename ".repeat(3100)),
            200,
            bad,
        ),
        case(
            "query text longer than the limit",
            format!("{{ __typename }} #{}", "x".repeat(20_000)),
            200,
            bad,
        ),
        case(
            "too many directives on one field",
            "{ __typename @skip(if: false) @include(if: true) @skip(if: false) @include(if: true) @skip(if: false) @include(if: true) }",
            200,
            bad,
        ),
        case(
            "deep introspection",
            format!(
                "{{ __schema {{ types {{ fields {{ type {} }} }} }} }}",
                nested("ofType", 12, "name")
            ),
            200,
            bad,
        ),
        case("syntax error", "{ products { ", 200, bad),
        case("unknown field", "{ doesNotExist }", 200, bad),
        case(
            "unknown argument",
            "{ products(limit: 5) { totalCount } }",
            200,
            bad,
        ),
        case(
            "a named operation sent without operationName",
            "query A { __typename }",
            200,
            None,
        ),
        // Wrong types and out-of-range values.
        case(
            "string where an Int is expected",
            "{ products(first: \"ten\") { totalCount } }",
            200,
            bad,
        ),
        case(
            "Int that overflows",
            "{ products(first: 2147483648) { totalCount } }",
            200,
            bad,
        ),
        case(
            "negative first",
            "{ products(first: -5) { totalCount } }",
            200,
            bad,
        ),
        case(
            "huge first is capped, not an error",
            "{ products(first: 1000000) { totalCount } }",
            200,
            None,
        ),
        case(
            "negative page",
            "{ searchProducts(query: \"a\", page: -1) { totalHits } }",
            200,
            bad,
        ),
        case(
            "page zero",
            "{ searchProducts(query: \"a\", page: 0) { totalHits } }",
            200,
            bad,
        ),
        case(
            "page size zero",
            "{ searchProducts(query: \"a\", pageSize: 0) { totalHits } }",
            200,
            bad,
        ),
        case(
            "huge page size is capped",
            "{ searchProducts(query: \"a\", pageSize: 100000) { totalHits } }",
            200,
            None,
        ),
        case(
            "page far beyond the search depth",
            "{ searchProducts(query: \"a\", page: 1000000, pageSize: 100) { totalHits } }",
            200,
            bad,
        ),
        case(
            "unknown enum value",
            "{ products(sort: RANDOM) { totalCount } }",
            200,
            bad,
        ),
        case(
            "invalid timestamp",
            "{ products(filter: {updatedSince: \"yesterday\"}) { totalCount } }",
            200,
            bad,
        ),
        case(
            "object where an ID is expected",
            "{ products(filter: {outletId: {id: 1}}) { totalCount } }",
            200,
            bad,
        ),
        case(
            "latitude out of range",
            "{ outlets(near: {lat: 91, lng: 0}) { totalCount } }",
            200,
            bad,
        ),
        case(
            "negative radius",
            "{ searchOutlets(query: \"\", near: {lat: 21, lng: 105}, radiusKm: -1) { totalHits } }",
            200,
            bad,
        ),
        case(
            "radius without a point",
            "{ searchOutlets(query: \"\", radiusKm: 5) { totalHits } }",
            200,
            bad,
        ),
        case(
            "filter with too many values",
            format!(
                "{{ products(filter: {{provinceCodes: [{}]}}) {{ totalCount }} }}",
                vec!["\"22\""; 101].join(",")
            ),
            200,
            bad,
        ),
        case(
            "search text longer than the limit",
            format!(
                "{{ searchProducts(query: \"{}\") {{ totalHits }} }}",
                "a".repeat(5000)
            ),
            200,
            bad,
        ),
        // Injection strings in every text argument.
        case(
            "injection in a slug",
            "{ product(slug: \"' OR 1=1 --\") { id } }",
            200,
            None,
        ),
        case(
            "injection in an outlet slug",
            "{ outlet(slug: \"x'; DROP TABLE outlets; --\") { id } }",
            200,
            None,
        ),
        case(
            "injection in a province name",
            "{ resolveProvince(name: \"'; DROP TABLE provinces; --\") { code } }",
            200,
            None,
        ),
        case(
            "injection in a province code",
            "{ wards(provinceCode: \"22' OR '1'='1\") { code } }",
            200,
            bad,
        ),
        case(
            "injection in a filter code",
            "{ products(filter: {provinceCodes: [\"' OR 1=1 --\"]}) { totalCount } }",
            200,
            bad,
        ),
        case(
            "injection in a category code",
            "{ products(filter: {categoryCodes: [\"I') OR ('1'='1\"]}) { totalCount } }",
            200,
            bad,
        ),
        case(
            "injection in a cursor",
            "{ products(after: \"'; DROP TABLE products; --\") { totalCount } }",
            200,
            bad,
        ),
        case(
            "injection in search text",
            "{ searchProducts(query: \"\\\" OR 1=1 OR province_code = \\\"22\") { totalHits } }",
            200,
            None,
        ),
        case(
            "injection in a search filter",
            "{ searchProducts(query: \"\", filter: {regionCodes: [\"DBSH\\\" OR 1=1\"]}) { totalHits } }",
            200,
            bad,
        ),
        case(
            "injection in an outlet search",
            "{ searchOutlets(query: \"') OR 1=1 --\") { totalHits } }",
            200,
            None,
        ),
        case(
            "control characters in search text",
            "{ searchProducts(query: \"\\u0000\\u0007\\u001b[2J\") { totalHits } }",
            200,
            None,
        ),
        case(
            "unknown id",
            "{ productById(id: \"999999\") { id } producer(id: \"abc\") { id } }",
            200,
            None,
        ),
        case(
            "audit trail without a key",
            "{ auditLog(entityType: PRODUCT, entityId: \"1\") { edges { cursor } } }",
            200,
            Some("UNAUTHENTICATED"),
        ),
        case(
            "mutation without a key",
            "mutation { archiveProduct(id: \"1\") { id } }",
            200,
            Some("UNAUTHENTICATED"),
        ),
        case(
            "drafts without a key",
            "{ products(filter: {statuses: [DRAFT]}) { totalCount } }",
            200,
            Some("FORBIDDEN"),
        ),
        // Writes by an administrator that break the rules: nothing is written.
        admin(
            "injection in a ward code",
            "mutation($i: CreateProducerInput!) { createProducer(input: $i) { id } }",
            json!({"i": {"name": "X", "kind": "HOUSEHOLD", "wardCode": "'; DELETE FROM producers; --"}}),
            "BAD_USER_INPUT",
        ),
        admin(
            "injection in a category code",
            "mutation($i: CreateProductInput!) { createProduct(input: $i) { id } }",
            json!({"i": {"name": "X", "categoryCode": "I.4.a' --", "producerId": "1", "wardCode": "06673"}}),
            "BAD_USER_INPUT",
        ),
        admin(
            "update of an unknown product",
            "mutation { updateProduct(id: \"999999\", input: {expectedUpdatedAt: \"2026-01-01T00:00:00Z\", name: \"X\"}) { id } }",
            json!({}),
            "NOT_FOUND",
        ),
        admin(
            "archive of a negative id",
            "mutation { archiveProduct(id: \"-1\") { id } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        admin(
            "certification of product zero",
            "mutation($d: Date!) { certifyProduct(productId: \"0\", input: {stars: 4, level: PROVINCE, issuingBody: \"X\", issuedOn: $d}) { id } }",
            json!({"d": day(-1)}),
            "BAD_USER_INPUT",
        ),
        admin(
            "revocation of an unknown certificate",
            "mutation { revokeCertification(id: \"99999\", reason: \"x\") { id } }",
            json!({}),
            "NOT_FOUND",
        ),
        admin(
            "listing at an unknown outlet",
            "mutation { setListing(outletId: \"99999\", productId: \"1\", priceVnd: 1000, inStock: true) { inStock } }",
            json!({}),
            "NOT_FOUND",
        ),
        admin(
            "absurd price",
            "mutation { setListing(outletId: \"1\", productId: \"1\", priceVnd: 1000000000000000, inStock: true) { inStock } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        admin(
            "invalid date",
            "mutation { certifyProduct(productId: \"1\", input: {stars: 4, level: PROVINCE, issuingBody: \"X\", issuedOn: \"2024-13-45\"}) { id } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        admin(
            "outlet in Paris",
            "mutation { createOutlet(input: {name: \"X\", kind: OTHER, wardCode: \"06673\", location: {lat: 48.85, lng: 2.35}}) { id } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        admin(
            "oversized name",
            "mutation($n: String!) { createProducer(input: {name: $n, kind: HOUSEHOLD, wardCode: \"06673\"}) { id } }",
            json!({"n": "ê".repeat(5000)}),
            "BAD_USER_INPUT",
        ),
        admin(
            "variables of the wrong type",
            "query($f: Int) { products(first: $f) { totalCount } }",
            json!({"f": "x"}),
            "BAD_USER_INPUT",
        ),
    ];
    // Transport-level abuse.
    cases.extend([
        Case {
            name: "oversized body",
            send: Send::Raw {
                content_type: "application/json",
                body: format!(
                    "{{\"query\": \"{{ __typename }}\", \"x\": \"{}\"}}",
                    "a".repeat(70_000)
                )
                .into_bytes(),
                admin: false,
            },
            status: 413,
            code: None,
        },
        Case {
            name: "invalid UTF-8",
            send: Send::Raw {
                content_type: "application/json",
                body: b"{\"query\": \"{ __typename \xff\xfe }\"}".to_vec(),
                admin: false,
            },
            status: 400,
            code: bad,
        },
        Case {
            name: "invalid JSON",
            send: Send::Raw {
                content_type: "application/json",
                body: b"{\"query\": ".to_vec(),
                admin: false,
            },
            status: 400,
            code: bad,
        },
        Case {
            name: "empty body",
            send: Send::Raw {
                content_type: "application/json",
                body: vec![],
                admin: false,
            },
            status: 400,
            code: bad,
        },
        Case {
            name: "JSON that is not a request",
            send: Send::Raw {
                content_type: "application/json",
                body: b"{\"foo\": 1}".to_vec(),
                admin: false,
            },
            status: 400,
            code: bad,
        },
        Case {
            name: "variables that are not an object",
            send: Send::Raw {
                content_type: "application/json",
                body: b"{\"query\": \"{ __typename }\", \"variables\": \"x\"}".to_vec(),
                admin: false,
            },
            status: 400,
            code: bad,
        },
        Case {
            name: "JSON nested beyond reason",
            send: Send::Raw {
                content_type: "application/json",
                body: format!(
                    "{{\"query\": \"{{ __typename }}\", \"variables\": {{\"a\": {}1{}}}}}",
                    "[".repeat(5000),
                    "]".repeat(5000)
                )
                .into_bytes(),
                admin: false,
            },
            status: 400,
            code: bad,
        },
        Case {
            name: "form post",
            send: Send::Raw {
                content_type: "application/x-www-form-urlencoded",
                body: b"query=mutation%7BarchiveProduct(id:%221%22)%7Bid%7D%7D".to_vec(),
                admin: true,
            },
            status: 415,
            code: bad,
        },
        Case {
            name: "plain text",
            send: Send::Raw {
                content_type: "text/plain",
                body: b"{\"query\": \"{ __typename }\"}".to_vec(),
                admin: false,
            },
            status: 415,
            code: bad,
        },
        Case {
            name: "multipart upload",
            send: Send::Raw {
                content_type: "multipart/form-data; boundary=x",
                body: b"--x--".to_vec(),
                admin: true,
            },
            status: 415,
            code: bad,
        },
        Case {
            name: "anonymous batch",
            send: Send::Json {
                body: json!([{"query": "{ __typename }"}, {"query": "{ __typename }"}]),
                admin: false,
            },
            status: 400,
            code: bad,
        },
        Case {
            name: "batch over the cap",
            send: Send::Json {
                body: Value::Array(vec![json!({"query": "{ __typename }"}); 6]),
                admin: true,
            },
            status: 400,
            code: bad,
        },
        Case {
            name: "empty batch",
            send: Send::Json {
                body: json!([]),
                admin: true,
            },
            status: 400,
            code: bad,
        },
        Case {
            name: "mutation over GET",
            send: Send::Get(
                "query=mutation%20%7B%20archiveProduct(id%3A%20%221%22)%20%7B%20id%20%7D%20%7D"
                    .into(),
            ),
            status: 405,
            code: bad,
        },
        Case {
            name: "GET without a query",
            send: Send::Get("variables=%7B%7D".into()),
            status: 400,
            code: bad,
        },
        Case {
            name: "garbage authorization",
            send: Send::Auth {
                header: "Bearer ocop_'; DROP TABLE api_keys; --",
                body: q("{ __typename }".into()),
            },
            status: 401,
            code: Some("UNAUTHENTICATED"),
        },
        Case {
            name: "basic authorization",
            send: Send::Auth {
                header: "Basic YWRtaW46YWRtaW4=",
                body: q("{ __typename }".into()),
            },
            status: 401,
            code: Some("UNAUTHENTICATED"),
        },
    ]);
    cases
}

async fn snapshot(app: &TestApp) -> (String, u64, u64) {
    (
        app.export_body().await,
        change_log::Entity::find().count(&app.db).await.unwrap(),
        audit_log::Entity::find().count(&app.db).await.unwrap(),
    )
}

db_test!(
    fifty_hostile_requests_get_clear_answers_and_change_nothing,
    TestOptions::demo()
);
async fn fifty_hostile_requests_get_clear_answers_and_change_nothing(app: TestApp) {
    let key = app.key(Role::Admin, &[], None).await;
    let before = snapshot(&app).await;
    let cases = cases();
    assert!(cases.len() >= 50, "{} cases", cases.len());
    let mut failures = Vec::new();
    for c in cases {
        let url = app.url("/graphql");
        let request = match c.send {
            Send::Json { body, admin } => {
                let r = app.client().post(&url).json(&body);
                if admin { r.bearer_auth(&key) } else { r }
            }
            Send::Raw {
                content_type,
                body,
                admin,
            } => {
                let r = app
                    .client()
                    .post(&url)
                    .header("content-type", content_type)
                    .body(body);
                if admin { r.bearer_auth(&key) } else { r }
            }
            Send::Get(query) => app.client().get(format!("{url}?{query}")),
            Send::Auth { header, body } => app
                .client()
                .post(&url)
                .header("authorization", header)
                .json(&body),
        };
        let response = TestApp::collect(request.send().await.expect("the server answers")).await;
        let code = response.error_codes().into_iter().next();
        let ok = response.status.as_u16() == c.status
            && code.as_deref() == c.code
            && response.status != 500;
        if !ok {
            failures.push(format!(
                "{}: expected {} {:?}, got {} {:?}: {}",
                c.name,
                c.status,
                c.code,
                response.status,
                code,
                response
                    .body
                    .to_string()
                    .chars()
                    .take(300)
                    .collect::<String>()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(before == snapshot(&app).await, "the database changed");
}

//! The change log: positions follow commit order under concurrent writers, a partner that takes
//! an export and then follows `catalogueChanges` ends with a copy equal to a fresh export, and a
//! cursor older than the retention window gets `RESYNC_REQUIRED`.
//!
//! Longer than most test files: the partner-sync scenario keeps its copy model (built from an
//! export, updated from changes) beside the tests that use it.
//!
//! Over 300 lines: one test per guarantee of the log.

use std::{collections::BTreeMap, sync::Arc, time::Duration};

use ocop_entities::{
    api_key::Role,
    ext::change_log::{self, Change, ChangeKind, ChangeOp},
};
use ocop_tests::{TestApp, TestOptions, db_test};
use serde_json::{Value, json};

const CHANGES: &str = "query($after: String) {
  catalogueChanges(after: $after, first: 40) {
    pageInfo { endCursor hasNextPage }
    headCursor
    nodes {
      position kind id operation
      product { name status }
      producer { name }
      certification { stars revokedOn }
      outlet { name }
      listing { priceVnd inStock }
    }
  }
}";

db_test!(
    a_reader_never_sees_a_later_change_before_an_earlier_one,
    TestOptions::without_worker()
);
async fn a_reader_never_sees_a_later_change_before_an_earlier_one(app: TestApp) {
    let db = app.db.clone();
    let writers = 6;
    let per_writer = 15;
    let total = (writers * per_writer) as i64;
    // Each writer takes its position, then holds its transaction open a little before
    // committing: with a plain sequence, a later number would commit first and a reader
    // would step over the earlier one for good.
    let mut tasks = Vec::new();
    for w in 0..writers {
        let db = db.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..per_writer {
                let txn = ocop_api::db::begin_write(&db).await.unwrap();
                let id = (w * 1000 + i) as i64;
                change_log::record(
                    &txn,
                    &[Change::new(ChangeKind::Producer, id, ChangeOp::Updated)],
                )
                .await
                .unwrap();
                tokio::time::sleep(Duration::from_millis((id % 7) as u64)).await;
                txn.commit().await.unwrap();
            }
        }));
    }
    let mut seen = 0i64;
    let mut reads = 0;
    while seen < total {
        let entries = change_log::after(&db, seen, 1000).await.unwrap();
        for e in entries {
            assert_eq!(e.position, seen + 1, "no position is skipped or repeated");
            seen = e.position;
        }
        reads += 1;
        assert!(reads < 100_000, "the writers finished");
        tokio::task::yield_now().await;
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(change_log::state(&db).await.unwrap().head, total);
    assert!(
        reads > 1,
        "the reader read while the writers wrote ({reads} reads)"
    );
}

/// The partner's copy: record key → the fields it keeps.
type Copy = BTreeMap<String, Value>;

/// The copy a fresh export gives: archived products and outlets left out, as
/// `catalogueChanges` gives them as null.
fn copy_of_export(export: &str) -> (Copy, String) {
    let mut copy = Copy::new();
    let mut cursor = String::new();
    let mut product_ids: BTreeMap<String, i64> = BTreeMap::new();
    let lines: Vec<Value> = export
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    for r in &lines {
        match r["type"].as_str().unwrap() {
            "header" => cursor = r["changeLogCursor"].as_str().unwrap().to_owned(),
            "producer" => {
                copy.insert(format!("producer:{}", r["id"]), json!({"name": r["name"]}));
            }
            "product" => {
                product_ids.insert(
                    r["slug"].as_str().unwrap().to_owned(),
                    r["id"].as_i64().unwrap(),
                );
                if r["status"] != "ARCHIVED" {
                    copy.insert(
                        format!("product:{}", r["id"]),
                        json!({"name": r["name"], "status": r["status"]}),
                    );
                }
                for c in r["certifications"].as_array().unwrap() {
                    copy.insert(
                        format!("certification:{}", c["id"]),
                        json!({"stars": c["stars"], "revokedOn": c.get("revokedOn").cloned().unwrap_or(Value::Null)}),
                    );
                }
            }
            "outlet" => {
                if r["status"] != "ARCHIVED" {
                    copy.insert(format!("outlet:{}", r["id"]), json!({"name": r["name"]}));
                }
                for l in r["listings"].as_array().unwrap() {
                    let product = product_ids[l["product"].as_str().unwrap()];
                    copy.insert(
                        format!("listing:{}:{product}", r["id"]),
                        json!({"priceVnd": l.get("priceVnd").cloned().unwrap_or(Value::Null), "inStock": l["inStock"]}),
                    );
                }
            }
            other => panic!("unexpected record {other}"),
        }
    }
    (copy, cursor)
}

/// Applies one change to the copy: the record as it is now, or its removal.
fn apply(copy: &mut Copy, change: &Value) {
    let kind = change["kind"].as_str().unwrap().to_lowercase();
    let key = format!("{kind}:{}", change["id"].as_str().unwrap());
    let record = &change[kind.as_str()];
    if record.is_null() {
        copy.remove(&key);
    } else {
        copy.insert(key, record.clone());
    }
}

async fn export_over_http(app: &TestApp, key: &str) -> String {
    let response = app
        .client()
        .get(app.url("/export"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

db_test!(
    a_partner_following_the_changes_ends_with_a_fresh_export,
    TestOptions::demo()
);
async fn a_partner_following_the_changes_ends_with_a_fresh_export(app: TestApp) {
    let admin = app.key(Role::Admin, &[], None).await;
    let partner = app.key(Role::Partner, &[], None).await;
    let (mut copy, mut cursor) = copy_of_export(&export_over_http(&app, &partner).await);
    assert!(copy.len() > 300, "the demo catalogue is in the snapshot");

    // Writers change products, certificates, producers, outlets and shelves meanwhile.
    let listed = app
            .data(
                "{ outlets(first: 5) { edges { node { id listings(first: 3) { edges { node { product { id } } } } } } } }",
                json!({}),
            )
            .await;
    let products = app
            .data("{ products(first: 12) { edges { node { id updatedAt producer { id updatedAt } certifications { id } } } } }", json!({}))
            .await;
    let products: Vec<Value> = products["products"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    let outlets: Vec<Value> = listed["outlets"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    let app = Arc::new(app);
    let mut writers = Vec::new();
    for (i, p) in products.iter().cloned().enumerate() {
        let (app, admin, outlets) = (app.clone(), admin.clone(), outlets.clone());
        writers.push(tokio::spawn(async move {
                let id = p["id"].as_str().unwrap();
                let outlet = outlets[i % (outlets.len() - 1)]["id"].as_str().unwrap();
                // One producer update (two at once could clash on the same producer).
                let case = match i % 4 {
                    3 if i == 3 => 3,
                    3 => 4,
                    other => other,
                };
                let ops: Vec<(&str, Value)> = match case {
                    0 => vec![
                        ("mutation($id: ID!, $t: DateTime!) { updateProduct(id: $id, input: {expectedUpdatedAt: $t, name: \"Tên mới\"}) { id } }", json!({"id": id, "t": p["updatedAt"]})),
                        ("mutation($o: ID!, $p: ID!) { setListing(outletId: $o, productId: $p, priceVnd: 99000, inStock: false) { inStock } }", json!({"o": outlet, "p": id})),
                    ],
                    1 => vec![
                        ("mutation($id: ID!) { archiveProduct(id: $id) { id } }", json!({"id": id})),
                    ],
                    2 => vec![
                        ("mutation($id: ID!, $r: String!) { revokeCertification(id: $id, reason: $r) { id } }", json!({"id": p["certifications"][0]["id"], "r": "Hậu kiểm không đạt"})),
                        ("mutation($o: ID!, $p: ID!) { setListing(outletId: $o, productId: $p, priceVnd: 12000, inStock: true) { inStock } }", json!({"o": outlet, "p": id})),
                        ("mutation($o: ID!, $p: ID!) { removeListing(outletId: $o, productId: $p) }", json!({"o": outlet, "p": id})),
                    ],
                    3 => vec![
                        ("mutation($id: ID!, $t: DateTime!) { updateProducer(id: $id, input: {expectedUpdatedAt: $t, name: \"HTX Đổi tên\"}) { id } }", json!({"id": p["producer"]["id"], "t": p["producer"]["updatedAt"]})),
                    ],
                    _ => vec![
                        ("mutation($id: ID!) { certifyProduct(productId: $id, input: {stars: 4, level: PROVINCE, issuingBody: \"UBND tỉnh\", issuedOn: \"2026-01-05\"}) { id } }", json!({"id": id})),
                    ],
                };
                for (query, variables) in ops {
                    let r = app.gql_as(Some(&admin), query, variables).await;
                    assert!(r.body.get("errors").is_none(), "{query}: {}", r.body);
                }
            }));
    }
    // An outlet's listings removed, and the outlet archived.
    let last = outlets.last().unwrap().clone();
    for edge in last["listings"]["edges"].as_array().unwrap() {
        let r = app
            .gql_as(
                Some(&admin),
                "mutation($o: ID!, $p: ID!) { removeListing(outletId: $o, productId: $p) }",
                json!({"o": last["id"], "p": edge["node"]["product"]["id"]}),
            )
            .await;
        assert!(r.body.get("errors").is_none(), "{}", r.body);
    }
    let r = app
        .gql_as(
            Some(&admin),
            "mutation($id: ID!) { archiveOutlet(id: $id) { id } }",
            json!({"id": last["id"]}),
        )
        .await;
    assert!(r.body.get("errors").is_none(), "{}", r.body);

    // The partner follows while the writers write, then until it reaches the head.
    let mut applied = 0;
    let mut writers_done = false;
    loop {
        let page = app
            .gql_as(Some(&partner), CHANGES, json!({"after": cursor}))
            .await;
        assert!(page.body.get("errors").is_none(), "{}", page.body);
        let changes = &page.body["data"]["catalogueChanges"];
        for change in changes["nodes"].as_array().unwrap() {
            apply(&mut copy, change);
            applied += 1;
        }
        cursor = changes["pageInfo"]["endCursor"]
            .as_str()
            .unwrap()
            .to_owned();
        let caught_up = !changes["pageInfo"]["hasNextPage"].as_bool().unwrap()
            && changes["headCursor"] == changes["pageInfo"]["endCursor"];
        if caught_up && writers_done {
            break;
        }
        if writers.iter().all(|w| w.is_finished()) {
            for w in writers.drain(..) {
                w.await.unwrap();
            }
            writers_done = true;
        }
    }
    assert!(
        applied >= 25,
        "the partner applied the writers' changes ({applied})"
    );
    let (fresh, _) = copy_of_export(&export_over_http(&app, &partner).await);
    let differ: Vec<_> = fresh
        .iter()
        .filter(|(k, v)| copy.get(*k) != Some(v))
        .map(|(k, v)| format!("{k}: export {v}, copy {:?}", copy.get(k)))
        .chain(
            copy.keys()
                .filter(|k| !fresh.contains_key(*k))
                .map(|k| format!("{k}: only in the copy")),
        )
        .collect();
    assert!(differ.is_empty(), "the copy differs: {differ:#?}");
}

db_test!(
    a_cursor_older_than_the_retention_window_must_resynchronise,
    TestOptions::demo()
);
async fn a_cursor_older_than_the_retention_window_must_resynchronise(app: TestApp) {
    let partner = app.key(Role::Partner, &[], None).await;
    let editor = app.key(Role::Editor, &["01"], None).await;
    let first = app
        .gql_as(Some(&partner), CHANGES, json!({"after": null}))
        .await;
    assert!(first.body.get("errors").is_none(), "{}", first.body);
    let early = first.body["data"]["catalogueChanges"]["pageInfo"]["endCursor"]
        .as_str()
        .unwrap()
        .to_owned();
    // Keys other than PARTNER and ADMIN may not follow; nor may anonymous callers.
    let refused = app
        .gql_as(Some(&editor), CHANGES, json!({"after": null}))
        .await;
    assert_eq!(refused.error_codes(), ["FORBIDDEN"]);
    let anonymous = app.gql(CHANGES, json!({"after": null})).await;
    assert_eq!(anonymous.error_codes(), ["UNAUTHENTICATED"]);
    // Everything written before now is compacted away.
    let through = change_log::compact(&app.db, chrono::Utc::now() + chrono::Duration::seconds(1))
        .await
        .unwrap();
    assert!(through > 0);
    let stale = app
        .gql_as(Some(&partner), CHANGES, json!({"after": early}))
        .await;
    assert_eq!(stale.error_codes(), ["RESYNC_REQUIRED"], "{}", stale.body);
    let from_start = app
        .gql_as(Some(&partner), CHANGES, json!({"after": null}))
        .await;
    assert_eq!(from_start.error_codes(), ["RESYNC_REQUIRED"]);
    // A new export states a position inside the window: following from it works.
    let export = export_over_http(&app, &partner).await;
    let (_, cursor) = copy_of_export(&export);
    let fresh = app
        .gql_as(Some(&partner), CHANGES, json!({"after": cursor}))
        .await;
    assert!(fresh.body.get("errors").is_none(), "{}", fresh.body);
    assert_eq!(
        fresh.body["data"]["catalogueChanges"]["nodes"],
        json!([]),
        "nothing changed since the export"
    );
    // Garbage is a bad cursor, not a resync.
    let garbage = app
        .gql_as(
            Some(&partner),
            CHANGES,
            json!({"after": "bm90IGEgY3Vyc29y"}),
        )
        .await;
    assert_eq!(garbage.error_codes(), ["BAD_USER_INPUT"]);
}

db_test!(
    the_export_streams_gzip_to_partners_only,
    TestOptions::demo()
);
async fn the_export_streams_gzip_to_partners_only(app: TestApp) {
    let partner = app.key(Role::Partner, &[], None).await;
    let kiosk_outlet = app
        .data("{ outlets(first: 1) { edges { node { id } } } }", json!({}))
        .await["outlets"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .parse::<i64>()
        .unwrap();
    let kiosk = app.key(Role::Kiosk, &[], Some(kiosk_outlet)).await;
    let anonymous = app.client().get(app.url("/export")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let refused = app
        .client()
        .get(app.url("/export"))
        .bearer_auth(&kiosk)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let gzipped = app
        .client()
        .get(app.url("/export"))
        .bearer_auth(&partner)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(gzipped.status(), 200);
    assert_eq!(gzipped.headers()["content-encoding"], "gzip");
    let bytes = gzipped.bytes().await.unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "a gzip stream");
    let plain = export_over_http(&app, &partner).await;
    assert!(
        bytes.len() * 3 < plain.len(),
        "compressed {} of {} bytes",
        bytes.len(),
        plain.len()
    );
    let header: Value = serde_json::from_str(plain.lines().next().unwrap()).unwrap();
    let head = change_log::state(&app.db).await.unwrap().head;
    assert_eq!(header["changeLogPosition"], head);
}

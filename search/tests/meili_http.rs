//! The Meilisearch backend at the HTTP level, against a scripted server: the requests it builds
//! (settings, filters, queries, swaps) and how it handles failures (5xx, timeouts, failed
//! tasks, refused connections). Runs in CI, where no Meilisearch server is available.
//!
//! Over 300 lines: the scripted server and one test per request shape or failure.

use std::time::{Duration, Instant};

use ocop_search::{
    OutletSearch, ProductDocument, ProductFilters, ProductSearch, SearchBackend, SearchError,
    SearchSort, Validity,
    meili::{MeiliBackend, MeiliOptions},
};
use serde_json::{Value, json};
use wiremock::{
    Mock, MockServer, Request, ResponseTemplate,
    matchers::{method, path},
};

fn backend(server: &MockServer) -> MeiliBackend {
    let mut options = MeiliOptions::new(server.uri(), Some("test-master-key".to_owned()));
    options.index_prefix = "t_".to_owned();
    options.search_timeout = Duration::from_millis(400);
    options.task_timeout = Duration::from_secs(2);
    MeiliBackend::new(options).unwrap()
}

fn enqueued(uid: u32, index: &str) -> ResponseTemplate {
    ResponseTemplate::new(202).set_body_json(json!({
        "taskUid": uid, "indexUid": index, "status": "enqueued", "type": "documentAdditionOrUpdate",
        "enqueuedAt": "2026-11-22T10:00:00Z"
    }))
}

fn task(uid: u32, status: &str) -> Value {
    let mut t = json!({
        "uid": uid, "indexUid": "t_products", "status": status, "type": "documentAdditionOrUpdate",
        "details": null, "duration": "PT0.01S", "canceledBy": null, "error": null,
        "enqueuedAt": "2026-11-22T10:00:00Z", "startedAt": "2026-11-22T10:00:00Z", "finishedAt": "2026-11-22T10:00:01Z"
    });
    if status == "failed" {
        t["error"] = json!({"message": "document `x` has an invalid id", "code": "invalid_document_id",
                             "type": "invalid_request", "link": "https://docs.example/errors"});
    }
    t
}

async fn task_succeeds(server: &MockServer, uid: u32) {
    Mock::given(method("GET"))
        .and(path(format!("/tasks/{uid}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(task(uid, "succeeded")))
        .mount(server)
        .await;
}

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

fn search(text: &str) -> ProductSearch {
    ProductSearch {
        text: text.into(),
        filters: ProductFilters::default(),
        sort: SearchSort::Relevance,
        page: 2,
        page_size: 10,
        today: 20_000,
    }
}

fn product(id: i64) -> ProductDocument {
    ProductDocument {
        id,
        name: "Mè đen".into(),
        category_names: vec![],
        category_codes: vec!["I.2.a".into(), "I.2".into(), "I".into()],
        producer_name: "HTX".into(),
        producer_kind: "COOPERATIVE".into(),
        province_code: "44".into(),
        region_code: "BTB".into(),
        place_names: vec!["Quảng Trị".into(), "Quảng Bình".into()],
        ward_name: "Đồng Hới".into(),
        description: String::new(),
        story: String::new(),
        tone: String::new(),
        cert_state: "CURRENT".into(),
        stars: Some(4),
        cert_issued_on: Some(19_000),
        cert_expires_on: Some(21_000),
        outlet_ids: vec![],
        created_at: 1,
        updated_at: 1,
    }
    .with_tone()
}

#[tokio::test]
async fn settings_declare_searchable_filterable_sortable_synonyms_typos_and_locale() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .and(path("/indexes/t_products/settings"))
        .respond_with(enqueued(1, "t_products"))
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/indexes/t_outlets/settings"))
        .respond_with(enqueued(2, "t_outlets"))
        .mount(&server)
        .await;
    task_succeeds(&server, 1).await;
    task_succeeds(&server, 2).await;

    backend(&server)
        .apply_settings()
        .await
        .expect("settings apply");

    let requests = server.received_requests().await.unwrap();
    let products = requests
        .iter()
        .find(|r| r.url.path() == "/indexes/t_products/settings")
        .expect("product settings sent");
    assert_eq!(
        products.headers.get("authorization").unwrap(),
        "Bearer test-master-key"
    );
    let s = body(products);
    assert_eq!(
        s["searchableAttributes"],
        json!([
            "name",
            "tone",
            "category_names",
            "producer_name",
            "place_names",
            "ward_name",
            "description",
            "story"
        ])
    );
    for attribute in [
        "province_code",
        "region_code",
        "category_codes",
        "stars",
        "cert_expires_on",
        "outlet_ids",
    ] {
        assert!(
            s["filterableAttributes"]
                .as_array()
                .unwrap()
                .contains(&json!(attribute)),
            "{attribute}"
        );
    }
    assert_eq!(s["sortableAttributes"], json!(["stars", "created_at"]));
    assert_eq!(s["synonyms"]["trà"], json!(["chè"]));
    assert_eq!(s["synonyms"]["htx"], json!(["hợp tác xã"]));
    assert_eq!(
        s["typoTolerance"]["minWordSizeForTypos"],
        json!({"oneTypo": 5, "twoTypos": 9})
    );
    assert_eq!(s["typoTolerance"]["disableOnAttributes"], json!(["tone"]));
    assert_eq!(
        s["localizedAttributes"],
        json!([{"locales": ["vie"], "attributePatterns": ["*"]}])
    );
    assert_eq!(s["rankingRules"][0], "sort");
    assert_eq!(s["proximityPrecision"], "byAttribute");
    assert!(s["pagination"]["maxTotalHits"].as_u64().unwrap() >= 10_000);
    let outlets = body(
        requests
            .iter()
            .find(|r| r.url.path() == "/indexes/t_outlets/settings")
            .unwrap(),
    );
    assert!(
        outlets["filterableAttributes"]
            .as_array()
            .unwrap()
            .contains(&json!("_geo"))
    );
    assert_eq!(outlets["sortableAttributes"], json!(["_geo"]));
}

#[tokio::test]
async fn a_product_search_sends_typed_filters_tone_tokens_and_paging() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/indexes/t_products/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "hits": [{"id": 3}, {"id": 5}],
            "query": "x", "processingTimeMs": 1, "hitsPerPage": 10, "page": 2, "totalPages": 2, "totalHits": 12,
            "facetDistribution": {"province_code": {"44": 7, "22": 5}, "stars": {"4": 12}, "unknown": {"a": 1}}
        })))
        .mount(&server)
        .await;
    let mut s = search("mè đen");
    s.filters = ProductFilters {
        province_codes: vec!["44".into(), "\" OR stars > 0 OR \"\\".into()],
        category_codes: vec!["I".into()],
        min_stars: Some(4),
        validity: Validity::ExpiringSoon,
        ..ProductFilters::default()
    };
    s.sort = SearchSort::StarsDesc;

    let hits = backend(&server)
        .search_products(&s)
        .await
        .expect("the search succeeds");

    assert_eq!(hits.ids, [3, 5]);
    assert_eq!(hits.total_hits, 12);
    let provinces = &hits
        .facets
        .iter()
        .find(|f| f.field == ocop_search::FacetField::Province)
        .unwrap()
        .values;
    assert_eq!(provinces, &[("44".to_owned(), 7), ("22".to_owned(), 5)]);
    let request = &server.received_requests().await.unwrap()[0];
    let b = body(request);
    assert_eq!(
        b["q"], "mè mef đen",
        "the tone token goes before the word still being typed"
    );
    assert_eq!(b["page"], 2);
    assert_eq!(b["hitsPerPage"], 10);
    assert_eq!(b["matchingStrategy"], "last");
    assert_eq!(b["sort"], json!(["stars:desc"]));
    assert_eq!(b["attributesToRetrieve"], json!(["id"]));
    assert_eq!(
        b["facets"],
        json!([
            "province_code",
            "region_code",
            "category_codes",
            "stars",
            "producer_kind"
        ])
    );
    let filter = b["filter"].as_str().unwrap();
    assert!(
        filter.contains(r#"province_code IN ["44", "\" OR stars > 0 OR \"\\"]"#),
        "{filter}"
    );
    assert!(filter.contains("stars >= 4"), "{filter}");
    assert!(
        filter.contains(
            "cert_issued_on <= 20000 AND cert_expires_on > 20000 AND cert_expires_on <= 20090"
        ),
        "{filter}"
    );
}

#[tokio::test]
async fn a_name_completion_searches_names_only_for_every_word_of_valid_products() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/indexes/t_products/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "hits": [{"id": 9}, {"id": 4}],
            "query": "x", "processingTimeMs": 1, "limit": 12, "offset": 0, "estimatedTotalHits": 2
        })))
        .mount(&server)
        .await;
    let query = ocop_search::NameSuggest {
        text: "ngọc tr".into(),
        limit: 12,
        today: 20_000,
    };

    let ids = backend(&server).suggest_products(&query).await.unwrap();

    assert_eq!(ids, [9, 4], "in the engine's order");
    let b = body(&server.received_requests().await.unwrap()[0]);
    assert_eq!(
        b["q"], "ngọc tr",
        "no tone tokens: they are not in the name"
    );
    assert_eq!(b["attributesToSearchOn"], json!(["name"]));
    assert_eq!(b["matchingStrategy"], "all");
    assert_eq!(b["limit"], 12);
    assert_eq!(b["attributesToRetrieve"], json!(["id"]));
    let filter = b["filter"].as_str().unwrap();
    assert!(
        filter.contains("cert_issued_on <= 20000 AND cert_expires_on > 20000"),
        "{filter}"
    );
    let blank = ocop_search::NameSuggest {
        text: "  ".into(),
        ..query
    };
    assert!(
        backend(&server)
            .suggest_products(&blank)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        1,
        "nothing typed, nothing asked"
    );
}

#[tokio::test]
async fn a_search_typed_with_tones_asks_for_exact_tones_first_in_the_same_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/multi-search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": [
            {"indexUid": "t_products", "hits": [{"id": 3}, {"id": 12}],
             "query": "mef mè", "processingTimeMs": 1, "hitsPerPage": 4, "page": 1,
             "totalPages": 1, "totalHits": 2},
            {"indexUid": "t_products", "hits": [{"id": 4}, {"id": 3}, {"id": 9}, {"id": 12}, {"id": 8}],
             "query": "mè", "processingTimeMs": 1, "hitsPerPage": 8, "page": 1, "totalPages": 1,
             "totalHits": 5, "facetDistribution": {"stars": {"4": 5}}}
        ]})))
        .mount(&server)
        .await;
    let mut s = search("mè");
    s.page = 2;
    s.page_size = 2;
    s.filters.province_codes = vec!["44".into()];

    let hits = backend(&server)
        .search_products(&s)
        .await
        .expect("the search succeeds");

    assert_eq!(hits.ids, [4, 9], "page 2 of 3, 12, then the rest");
    assert_eq!(hits.total_hits, 5, "the total of the broad query");
    let stars = &hits
        .facets
        .iter()
        .find(|f| f.field == ocop_search::FacetField::Stars)
        .unwrap()
        .values;
    assert_eq!(stars, &[("4".to_owned(), 5)]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "one request");
    let b = body(&requests[0]);
    let (exact, broad) = (&b["queries"][0], &b["queries"][1]);
    assert_eq!(exact["q"], "mef mè", "the last word stays last, a prefix");
    assert_eq!(exact["matchingStrategy"], "all");
    assert_eq!(exact["hitsPerPage"], 4, "the pages up to this one");
    assert!(exact.get("facets").is_none());
    assert_eq!(broad["q"], "mè");
    assert_eq!(broad["matchingStrategy"], "last");
    assert_eq!(broad["hitsPerPage"], 8, "twice the pages up to this one");
    assert_eq!(broad["page"], 1);
    for q in [exact, broad] {
        assert_eq!(q["indexUid"], "t_products");
        assert!(
            q["filter"]
                .as_str()
                .unwrap()
                .contains("province_code IN [\"44\"]")
        );
    }
}

#[tokio::test]
async fn an_outlet_search_near_a_point_sorts_and_filters_by_distance() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/indexes/t_outlets/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "hits": [{"id": 503, "_geoDistance": 2150}], "query": "", "processingTimeMs": 1,
            "hitsPerPage": 20, "page": 1, "totalPages": 1, "totalHits": 1
        })))
        .mount(&server)
        .await;
    let s = OutletSearch {
        text: "bưu điện".into(),
        province_codes: vec!["01".into()],
        kinds: vec![],
        near: Some((21.0285, 105.8542)),
        radius_km: Some(5.0),
        limit: 20,
    };
    let hits = backend(&server).search_outlets(&s).await.unwrap();
    assert_eq!(hits.hits[0].id, 503);
    assert_eq!(hits.hits[0].distance_km, Some(2.15));
    let b = body(&server.received_requests().await.unwrap()[0]);
    assert_eq!(b["sort"], json!(["_geoPoint(21.0285, 105.8542):asc"]));
    assert_eq!(
        b["attributesToRetrieve"],
        json!(["id", "_geo"]),
        "Meilisearch returns _geoDistance only with _geo"
    );
    assert_eq!(
        b["filter"],
        "(province_code IN [\"01\"]) AND (_geoRadius(21.0285, 105.8542, 5000))"
    );
}

#[tokio::test]
async fn server_errors_mean_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/indexes/t_products/search"))
        .respond_with(ResponseTemplate::new(503).set_body_string("overloaded"))
        .mount(&server)
        .await;
    let err = backend(&server)
        .search_products(&search("nuoc mam"))
        .await
        .unwrap_err();
    assert!(matches!(err, SearchError::Unavailable(_)), "{err:?}");
}

#[tokio::test]
async fn internal_meilisearch_errors_mean_unavailable_and_bad_requests_are_rejected() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/indexes/t_products/search"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "message": "disk full", "code": "internal", "type": "internal", "link": "x"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/indexes/t_outlets/search"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "message": "bad filter", "code": "invalid_search_filter", "type": "invalid_request", "link": "x"})))
        .mount(&server)
        .await;
    let b = backend(&server);
    let err = b.search_products(&search("a")).await.unwrap_err();
    assert!(matches!(err, SearchError::Unavailable(_)), "{err:?}");
    // The engine's own error is kept as the source, not flattened into a string.
    assert!(err.report().contains("disk full"), "{}", err.report());
    let outlets = OutletSearch {
        text: "a".into(),
        province_codes: vec![],
        kinds: vec![],
        near: None,
        radius_km: None,
        limit: 5,
    };
    let err = b.search_outlets(&outlets).await.unwrap_err();
    assert!(matches!(err, SearchError::Rejected(_)), "{err:?}");
    let source = std::error::Error::source(&err).expect("the SDK's error as the source");
    assert!(
        source
            .downcast_ref::<meilisearch_sdk::errors::Error>()
            .is_some(),
        "{source:?}"
    );
    assert!(err.report().contains("bad filter"), "{}", err.report());
}

#[tokio::test]
async fn a_hanging_server_times_out_quickly() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/indexes/t_products/search"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10)))
        .mount(&server)
        .await;
    let started = Instant::now();
    let err = backend(&server)
        .search_products(&search("nuoc mam"))
        .await
        .unwrap_err();
    assert!(matches!(err, SearchError::Timeout(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_refused_connection_means_unavailable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let b = MeiliBackend::new(MeiliOptions::new(format!("http://{addr}"), None)).unwrap();
    let err = b.search_products(&search("nuoc mam")).await.unwrap_err();
    assert!(matches!(err, SearchError::Unavailable(_)), "{err:?}");
    assert!(b.health().await.is_err());
}

#[tokio::test]
async fn writes_wait_for_their_task_and_report_failed_tasks() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/indexes/t_products/documents"))
        .respond_with(enqueued(7, "t_products"))
        .mount(&server)
        .await;
    // The task is processing twice, then fails.
    Mock::given(method("GET"))
        .and(path("/tasks/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(task(7, "processing")))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/tasks/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(task(7, "failed")))
        .mount(&server)
        .await;

    let err = backend(&server)
        .write_products(vec![product(3)], vec![])
        .await
        .unwrap_err();

    assert!(
        matches!(&err, SearchError::TaskFailed(m) if m.contains("invalid id")),
        "{err:?}"
    );
    let requests = server.received_requests().await.unwrap();
    let polls = requests
        .iter()
        .filter(|r| r.url.path() == "/tasks/7")
        .count();
    assert!(polls >= 3, "waited on the task ({polls} polls)");
    let sent = body(
        requests
            .iter()
            .find(|r| r.url.path() == "/indexes/t_products/documents")
            .unwrap(),
    );
    assert_eq!(sent[0]["id"], 3);
    assert_eq!(
        sent[0]["tone"],
        "mef ddenz htxz ddoongf howis quangr trij quangr binhf vuwngf howpj tacs xax"
    );
    let query = requests
        .iter()
        .find(|r| r.url.path() == "/indexes/t_products/documents")
        .unwrap()
        .url
        .query()
        .unwrap_or("");
    assert!(query.contains("primaryKey=id"), "{query}");
}

#[tokio::test]
async fn a_rebuild_fills_new_indexes_and_swaps_them_in() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(enqueued(1, "any"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/swap-indexes"))
        .respond_with(enqueued(1, "any"))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(enqueued(1, "any"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(enqueued(1, "any"))
        .mount(&server)
        .await;
    task_succeeds(&server, 1).await;

    let b = backend(&server);
    let mut rebuild = b.begin_rebuild().await.unwrap();
    rebuild
        .add_products(vec![product(1), product(2)])
        .await
        .unwrap();
    rebuild.finish(0).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    let docs = requests
        .iter()
        .find(|r| r.url.path().ends_with("/documents"))
        .expect("documents sent");
    assert!(
        docs.url.path().starts_with("/indexes/t_products_rebuild_"),
        "{}",
        docs.url.path()
    );
    let swap = body(
        requests
            .iter()
            .find(|r| r.url.path() == "/swap-indexes")
            .expect("a swap"),
    );
    let pair = swap[0]["indexes"].as_array().unwrap();
    assert_eq!(pair[0], "t_products");
    assert!(pair[1].as_str().unwrap().starts_with("t_products_rebuild_"));
    assert_eq!(swap[1]["indexes"][0], "t_outlets");
    let deleted: Vec<&str> = requests
        .iter()
        .filter(|r| r.method.as_str() == "DELETE")
        .map(|r| r.url.path())
        .collect();
    assert_eq!(deleted.len(), 2, "{deleted:?}");
    assert!(
        deleted.iter().all(|p| p.contains("_rebuild_")),
        "only the swapped-out indexes are deleted: {deleted:?}"
    );
    let settings: Vec<&str> = requests
        .iter()
        .filter(|r| r.method.as_str() == "PATCH")
        .map(|r| r.url.path())
        .collect();
    assert!(
        settings.iter().all(|p| p.contains("_rebuild_")),
        "the live indexes, about to be swapped out, are not given settings: {settings:?}"
    );
    let created: Vec<Value> = requests
        .iter()
        .filter(|r| r.method.as_str() == "POST" && r.url.path() == "/indexes")
        .map(body)
        .collect();
    assert_eq!(
        created
            .iter()
            .map(|b| b["uid"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["t_products", "t_outlets"],
        "the live indexes are created in case they do not exist"
    );
}

#[tokio::test]
async fn a_rebuild_sends_batches_ahead_and_swaps_only_when_every_one_succeeded() {
    let server = MockServer::start().await;
    Mock::given(method("PATCH"))
        .respond_with(enqueued(1, "any"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/swap-indexes"))
        .respond_with(enqueued(1, "any"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(enqueued(7, "any"))
        .mount(&server)
        .await;
    task_succeeds(&server, 1).await;
    Mock::given(method("GET"))
        .and(path("/tasks/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(task(7, "failed")))
        .mount(&server)
        .await;

    let b = backend(&server);
    let mut rebuild = b.begin_rebuild().await.unwrap();
    for batch in 0..3 {
        rebuild
            .add_products(vec![product(batch * 2 + 1), product(batch * 2 + 2)])
            .await
            .expect("a batch is sent without waiting for the one before");
    }
    let requests = server.received_requests().await.unwrap();
    let sent = requests
        .iter()
        .filter(|r| r.url.path().ends_with("/documents"))
        .count();
    assert_eq!(sent, 3);
    assert!(
        !requests.iter().any(|r| r.url.path() == "/tasks/7"),
        "no batch waited for yet"
    );

    let finished = rebuild.finish(0).await;
    assert!(
        matches!(finished, Err(SearchError::TaskFailed(_))),
        "{finished:?}"
    );
    let requests = server.received_requests().await.unwrap();
    assert!(
        !requests.iter().any(|r| r.url.path() == "/swap-indexes"),
        "a failed batch is never swapped in"
    );
}

//! Request ids in the logs of a real server writing JSON lines, and the spans of the services a
//! request went through.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_log_line_of_a_request_names_its_request_id() {
    let mut site = Site::new(Setup::Sqlite).await.expect("SQLite always runs");
    let server = site
        .serve_with(&[
            ("OCOP_LOG_FORMAT", "json".to_owned()),
            ("RUST_LOG", "info".to_owned()),
        ])
        .await;
    let response = server
        .client
        .http
        .post(server.client.url("/graphql"))
        .header("x-request-id", "kiosk-7-0042")
        .json(&json!({"query": "{ products { totalCount } }"}))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.headers()["x-request-id"], "kiosk-7-0042");
    assert_eq!(response.status(), 200);
    // The access-log line is written when the response is; wait for it rather than sleep.
    let started = Instant::now();
    let line = loop {
        let log = server.log();
        if let Some(line) = log.lines().find(|l| l.contains("kiosk-7-0042")) {
            break line.to_owned();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no log line names the request id:\n{log}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let entry: Value = serde_json::from_str(&line).expect("a JSON log line");
    assert_eq!(entry["spans"][0]["request_id"], "kiosk-7-0042", "{entry}");
    assert_eq!(entry["spans"][0]["path"], "/graphql", "{entry}");
    assert_eq!(entry["fields"]["status"], 200, "the access log: {entry}");
    assert!(entry["fields"]["latency"].is_string(), "{entry}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writes_log_line_names_its_request_and_the_service_spans_it_went_through() {
    let mut site = Site::new(Setup::Sqlite).await.expect("SQLite always runs");
    let key = site.seed().await;
    let server = site
        .serve_with(&[
            ("OCOP_LOG_FORMAT", "json".to_owned()),
            ("RUST_LOG", "info".to_owned()),
        ])
        .await;
    let created = server
        .client
        .http
        .post(server.client.url("/graphql"))
        .bearer_auth(&key)
        .header("x-request-id", "editor-write-7")
        .json(&json!({"query": "mutation { createProducer(input: {name: \"HTX Nhật ký\", kind: COOPERATIVE, wardCode: \"18073\"}) { id } }"}))
        .send()
        .await
        .expect("an answer");
    let body: Value = created.json().await.expect("JSON");
    assert!(body["data"]["createProducer"]["id"].is_string(), "{body}");
    let started = Instant::now();
    let line = loop {
        let log = server.log();
        if let Some(line) = log
            .lines()
            .find(|l| l.contains("write committed") && l.contains("editor-write-7"))
        {
            break line.to_owned();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "no log line of the write:\n{log}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let entry: Value = serde_json::from_str(&line).expect("a JSON log line");
    let spans: Vec<&str> = entry["spans"]
        .as_array()
        .expect("a span list")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(spans, ["request", "create", "commit"], "{entry}");
    assert_eq!(entry["spans"][2]["changes"], 1, "{entry}");
    assert!(entry["fields"]["position"].as_i64().is_some(), "{entry}");
}

//! OpenTelemetry export: a server built with the `otel` feature sends its request spans over
//! OTLP/HTTP to the collector `OTEL_EXPORTER_OTLP_ENDPOINT` names (here a local receiver started
//! by the test). `.ci/run` runs this with `--features otel`.

#[cfg(feature = "otel")]
use super::*;

#[cfg(not(feature = "otel"))]
#[test]
fn request_spans_are_exported_over_otlp_http() {
    eprintln!(
        "skipped: the binary is built without the `otel` feature \
         (cargo test -p ocop-api --features otel --test process traces)"
    );
}

#[cfg(feature = "otel")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_spans_are_exported_over_otlp_http() {
    use axum::{Router, body::Bytes, extract::State, http::HeaderMap, routing::post};

    type Received = Arc<Mutex<Vec<(String, Bytes)>>>;
    async fn collect(State(received): State<Received>, headers: HeaderMap, body: Bytes) {
        let content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        received.lock().await.push((content_type, body));
    }
    let received = Received::default();
    let collector = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port for the collector");
    let collector_addr = collector.local_addr().expect("an address");
    let app = Router::new()
        .route("/v1/traces", post(collect))
        .with_state(received.clone());
    tokio::spawn(async move { axum::serve(collector, app).await });

    let mut site = Site::new(Setup::Sqlite).await.expect("SQLite always runs");
    let mut server = site
        .serve_with(&[(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://{collector_addr}"),
        )])
        .await;
    let answer = server
        .client
        .http
        .post(server.client.url("/graphql"))
        .header("x-request-id", "traced-0042")
        .json(&json!({"query": "{ products { totalCount } }"}))
        .send()
        .await
        .expect("an answer");
    assert_eq!(answer.status(), 200);
    // Spans are sent in batches; stopping the server flushes the last one.
    server.terminate();
    let status = server.exit_status(Duration::from_secs(20)).await;
    assert!(status.success(), "{}", server.log());

    let received = received.lock().await;
    assert!(!received.is_empty(), "no export reached the collector");
    assert!(
        received
            .iter()
            .all(|(content_type, _)| content_type == "application/x-protobuf"),
        "OTLP/HTTP with protobuf bodies"
    );
    let bodies: Vec<u8> = received.iter().flat_map(|(_, b)| b.to_vec()).collect();
    let contains = |needle: &str| bodies.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(contains("ocop-catalog"), "the service name is exported");
    assert!(contains("request"), "the request span is exported");
    assert!(contains("traced-0042"), "with its request id");
}

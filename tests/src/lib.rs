//! Test harness: starts the real `ocop` application on a random port against a fresh database
//! (a temporary SQLite file, or a fresh PostgreSQL database when `TEST_DATABASE_URL` is set)
//! and talks to it over HTTP.
//!
//! Over 300 lines: the one harness every integration test uses (server, database, keys,
//! requests).

pub mod database;
pub mod faulty_search;
pub mod fixtures;
pub mod proxy;

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

pub use database::{TestDatabase, test_database_url};
use faulty_search::FaultySearch;

use ocop_api::{
    config::Settings,
    interchange::{self, ImportError, ImportReport, import::Progress},
    reference::ReferenceData,
    startup::Application,
};
use ocop_search::embedded::EmbeddedBackend;
use sea_orm::DatabaseConnection;
use secrecy::SecretString;
use serde_json::Value;
use tokio::{sync::oneshot, task::JoinHandle};

/// The database a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in a temporary directory.
    Sqlite,
    /// A fresh database on the server of `TEST_DATABASE_URL`.
    Postgres,
}

/// How to start the application.
#[derive(Clone, Debug, Default)]
pub struct TestOptions {
    /// Load the demo catalogue into the empty database.
    pub demo: bool,
    /// Do not run the index follower (tests drive followers themselves).
    pub no_worker: bool,
    /// Request limits; default: the production defaults with rate limits high enough for tests
    /// that send many requests.
    pub limits: Option<ocop_api::limits::Limits>,
    /// On PostgreSQL, reach the server through a [`proxy::Proxy`] the test can cut.
    pub database_proxy: bool,
    /// Search with Meilisearch (through a proxy the test can cut) instead of the embedded index.
    pub meilisearch: Option<ocop_search::meili::MeiliOptions>,
    /// Changes the test makes to the settings before the application starts.
    pub configure: Option<fn(&mut Settings)>,
}

impl TestOptions {
    /// An empty catalogue (reference data only).
    pub fn empty() -> Self {
        Self::default()
    }

    /// The demo catalogue.
    pub fn demo() -> Self {
        Self {
            demo: true,
            ..Self::default()
        }
    }

    /// An empty catalogue with these request limits.
    pub fn with_limits(limits: ocop_api::limits::Limits) -> Self {
        Self {
            limits: Some(limits),
            ..Self::default()
        }
    }

    /// An empty catalogue whose PostgreSQL server sits behind a proxy.
    pub fn database_behind_proxy() -> Self {
        Self {
            database_proxy: true,
            ..Self::default()
        }
    }

    /// An empty catalogue, with settings changed by `configure`.
    pub fn configured(configure: fn(&mut Settings)) -> Self {
        Self {
            configure: Some(configure),
            ..Self::default()
        }
    }

    /// An empty catalogue and no index follower.
    pub fn without_worker() -> Self {
        Self {
            no_worker: true,
            ..Self::default()
        }
    }
}

/// A running application.
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Where its `/metrics` listener is.
    pub metrics_addr: SocketAddr,
    /// Its database, for direct checks and fixtures.
    pub db: DatabaseConnection,
    /// Which backend.
    pub backend: Backend,
    /// The search engine, which tests can take down.
    pub search: Arc<FaultySearch>,
    /// The proxy in front of PostgreSQL or Meilisearch, when asked for.
    pub proxy: Option<proxy::Proxy>,
    /// The settings it runs with.
    pub settings: Settings,
    client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
    /// Kept to drop the PostgreSQL database when the test ends.
    _database: Option<TestDatabase>,
}

/// A GraphQL response with its HTTP status and headers.
#[derive(Debug)]
pub struct GqlResponse {
    /// HTTP status.
    pub status: reqwest::StatusCode,
    /// HTTP headers.
    pub headers: reqwest::header::HeaderMap,
    /// The JSON body (`Value::Null` when it was not JSON).
    pub body: Value,
}

impl GqlResponse {
    /// `data`, after asserting there are no errors.
    #[track_caller]
    pub fn data(&self) -> &Value {
        assert!(
            self.body.get("errors").is_none(),
            "unexpected errors: {}",
            self.body
        );
        &self.body["data"]
    }

    /// The `extensions.code` of every error.
    pub fn error_codes(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|errors| {
                errors
                    .iter()
                    .map(|e| {
                        e["extensions"]["code"]
                            .as_str()
                            .unwrap_or("<none>")
                            .to_owned()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The `extensions.field` of the first error.
    pub fn error_field(&self) -> Option<&str> {
        self.body["errors"][0]["extensions"]["field"].as_str()
    }

    /// SQL statements the request ran (the server runs with the count exposed).
    pub fn sql_statements(&self) -> u64 {
        self.headers
            .get("x-ocop-sql-statements")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .expect("the test server exposes the SQL statement count")
    }
}

impl TestApp {
    /// Starts the application on `backend`. For PostgreSQL without `TEST_DATABASE_URL`, returns
    /// `None` after printing why.
    pub async fn try_spawn(backend: Backend, options: TestOptions) -> Option<Self> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut settings = Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            metrics_listen: "127.0.0.1:0".into(),
            data_dir: dir.path().join("data"),
            demo: options.demo,
            index_follower: !options.no_worker,
            db_acquire_timeout_ms: 1000,
            limits: options
                .limits
                .clone()
                .unwrap_or_else(|| ocop_api::limits::Limits {
                    anonymous_per_second: 100_000,
                    anonymous_burst: 100_000,
                    key_per_second: 100_000,
                    key_burst: 100_000,
                    partner_per_second: 100_000,
                    partner_burst: 100_000,
                    ..ocop_api::limits::Limits::default()
                }),
            expose_sql_count: true,
            rust_log: "warn".into(),
            ..Settings::default()
        };
        if let Some(configure) = options.configure {
            configure(&mut settings);
        }
        let mut pg_database = None;
        let mut proxy = None;
        if backend == Backend::Postgres {
            let database = TestDatabase::create().await?;
            let mut url = database.url().to_owned();
            if options.database_proxy {
                let p = proxy::Proxy::start(database.server_address()).await;
                url = database.url_through(p.addr());
                proxy = Some(p);
            }
            settings.database_url = Some(SecretString::from(url));
            pg_database = Some(database);
        }
        // Tests export no traces: the guard has nothing to flush.
        drop(ocop_api::telemetry::init(&settings));
        let inner: Arc<dyn ocop_search::SearchBackend> = match options.meilisearch.clone() {
            Some(mut meili) => {
                let target: SocketAddr = database::host_port(&meili.url)
                    .and_then(|hp| std::net::ToSocketAddrs::to_socket_addrs(&hp).ok()?.next())
                    .expect("MEILI_URL names a host and port");
                let p = proxy::Proxy::start(target).await;
                meili.url = format!("http://{}", p.addr());
                proxy = Some(p);
                Arc::new(
                    ocop_search::meili::MeiliBackend::new(meili).expect("a Meilisearch client"),
                )
            }
            None => Arc::new(
                EmbeddedBackend::open(settings.data_dir.join("index")).expect("the index opens"),
            ),
        };
        let search = Arc::new(FaultySearch::new(inner));
        let app = Application::build_with_search(settings.clone(), search.clone())
            .await
            .expect("the application starts");
        let addr = app.local_addr();
        let metrics_addr = app.metrics_addr().expect("tests serve metrics");
        let db = app.state().db.clone();
        let (tx, rx) = oneshot::channel();
        let server = tokio::spawn(app.run_until(async {
            let _ = rx.await;
        }));
        Some(Self {
            addr,
            metrics_addr,
            db,
            backend,
            search,
            proxy,
            settings,
            client: reqwest::Client::new(),
            shutdown: Some(tx),
            server: Some(server),
            _dir: dir,
            _database: pg_database,
        })
    }

    /// Starts the application on SQLite.
    pub async fn spawn(options: TestOptions) -> Self {
        Self::try_spawn(Backend::Sqlite, options)
            .await
            .expect("SQLite is always available")
    }

    /// The base URL.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// An HTTP client.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends one GraphQL operation by POST, without a key.
    pub async fn gql(&self, query: &str, variables: Value) -> GqlResponse {
        self.gql_as(None, query, variables).await
    }

    /// Sends one GraphQL operation by POST with `Authorization: Bearer <key>`.
    pub async fn gql_as(&self, key: Option<&str>, query: &str, variables: Value) -> GqlResponse {
        let mut request = self.client.post(self.url("/graphql"));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let body = serde_json::json!({ "query": query, "variables": variables });
        Self::collect(
            request
                .json(&body)
                .send()
                .await
                .expect("the server answers"),
        )
        .await
    }

    /// Collects a response.
    pub async fn collect(response: reqwest::Response) -> GqlResponse {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        GqlResponse {
            status,
            headers,
            body,
        }
    }

    /// Creates an API key through the library (as `ocop keys create` does) and returns it.
    pub async fn key(
        &self,
        role: ocop_entities::api_key::Role,
        provinces: &[&str],
        outlet_id: Option<i64>,
    ) -> String {
        let reference = ReferenceData::load(&self.db).await.expect("reference data");
        let new = ocop_api::services::keys::NewKey {
            name: format!("{role:?} test key"),
            role,
            provinces: provinces.iter().map(|p| p.to_string()).collect(),
            outlet_id,
            expires_at: None,
        };
        let (_, secret) = ocop_api::services::keys::create(&self.db, &reference, new, "test")
            .await
            .unwrap_or_else(|e| panic!("the key is created: {}", e));
        secret
    }

    /// Sends an operation and returns its `data`, failing the test on any error.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let response = self.gql(query, variables).await;
        response.data().clone()
    }

    /// Imports the arrangement many tests start from: producer `p` (HTX, Hà Tĩnh) and its one
    /// product `sp` ("Sản phẩm", product set I.4.a), without a certificate.
    pub async fn import_one_product(&self) {
        let file = fixtures::Catalogue::new()
            .producer("p", "HTX", "COOPERATIVE", fixtures::wards::HA_TINH)
            .product(fixtures::ProductSpec::new(
                "sp",
                "Sản phẩm",
                "p",
                fixtures::wards::HA_TINH,
                "I.4.a",
            ))
            .jsonl();
        self.import(&file).await.expect("the arrangement imports");
    }

    /// Imports a catalogue in the interchange format through the library, as `ocop import` does.
    pub async fn import(&self, jsonl: &str) -> Result<ImportReport, ImportError> {
        let reference = ReferenceData::load(&self.db).await.expect("reference data");
        interchange::import(
            &self.db,
            &reference,
            jsonl.as_bytes(),
            Progress::Hidden,
            "test",
        )
        .await
    }

    /// Exports the catalogue, without its header line (which carries the export time).
    pub async fn export_body(&self) -> String {
        let mut out = Vec::new();
        interchange::export(&self.db, &mut out)
            .await
            .expect("export succeeds");
        let text = String::from_utf8(out).expect("UTF-8");
        text.lines().skip(1).map(|l| format!("{l}\n")).collect()
    }

    /// Waits until the index has caught up with the change log (every committed change is in the index), or panics
    /// after `limit`. Returns how long it took.
    pub async fn wait_for_sync(&self, limit: Duration) -> Duration {
        let started = Instant::now();
        loop {
            let data = self
                .data("{ searchStatus { pendingChanges } }", serde_json::json!({}))
                .await;
            if data["searchStatus"]["pendingChanges"] == 0 {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < limit,
                "the index did not catch up within {limit:?}: {data}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Polls `/ready` until it answers 200 (the database answers and the search index is built
    /// and in step), or panics after `limit` with the last answer. Returns the body.
    pub async fn wait_ready(&self, limit: Duration) -> serde_json::Value {
        let started = Instant::now();
        loop {
            let ready = self.client().get(self.url("/ready")).send().await.unwrap();
            let status = ready.status();
            let body: serde_json::Value = ready.json().await.unwrap();
            if status == 200 {
                return body;
            }
            assert!(
                started.elapsed() < limit,
                "not ready within {limit:?}: {status} {body}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("the server task ends")
                .expect("the server stops cleanly");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The operation named `name` (a query or a mutation) in a contract document, alone.
pub fn operation(document: &str, name: &str) -> String {
    let start = ["query", "mutation"]
        .iter()
        .flat_map(|kind| [format!("{kind} {name}("), format!("{kind} {name} ")])
        .find_map(|head| document.find(&head))
        .unwrap_or_else(|| panic!("operation {name} in the contract"));
    let mut depth = 0;
    for (i, c) in document[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return document[start..start + i + 1].to_owned();
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced braces in {name}");
}

/// Runs the test function of the same name on SQLite, and on PostgreSQL when
/// `TEST_DATABASE_URL` is set (without it, the PostgreSQL variant prints why it skipped). The
/// body is a plain function, so rustfmt formats it:
///
/// ```text
/// db_test!(finds_nothing_in_an_empty_catalogue, TestOptions::empty());
/// async fn finds_nothing_in_an_empty_catalogue(app: TestApp) {
///     let data = app.data("{ products { totalCount } }", json!({})).await;
///     assert_eq!(data["products"]["totalCount"], 0);
/// }
/// ```
#[macro_export]
macro_rules! db_test {
    ($name:ident, $options:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::TestApp::spawn($options).await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) =
                    $crate::TestApp::try_spawn($crate::Backend::Postgres, $options).await
                {
                    super::$name(app).await
                }
            }
        }
    };
}

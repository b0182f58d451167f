//! The `ocop` binary as operators run it, stopped the hard way and the polite way.
//!
//! - SIGKILL in the middle of writes and of an import: after a restart the database holds only
//!   whole transactions (every acknowledged write, no part of an import, each product agreeing
//!   with its audit trail) and the search index catches up with it.
//! - SIGTERM: a request in flight finishes, the index follower stops after its pass, giving up
//!   any lease it held, the process exits 0, and nothing is half-written.
//!
//! - Several servers on one database ([`multi_server`]): every server's index follows the change
//!   log, through SIGKILL and a late start.
//!
//! Each runs on SQLite with the embedded index, on PostgreSQL when `TEST_DATABASE_URL` is set,
//! and on Meilisearch when `MEILI_URL` is set; a variant that cannot run says why.
//!
//! This file is the harness and the single-server scenarios; it is long because the scenarios
//! share the harness (one test binary per crate keeps CI's link time down).
//!
//! Over 300 lines: one test per operator scenario, each starting real processes.

mod browser;
mod cache_across_servers;
mod configuration;
mod graphiql;
mod multi_server;
mod observability;
mod shared_limits;
mod traces;
mod verification_page;

use std::{
    collections::HashMap,
    net::SocketAddr,
    path::PathBuf,
    process::{ExitStatus, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use ocop_entities::{audit_log, product, search_cursor};
use ocop_tests::{
    TestDatabase,
    fixtures::{Catalogue, ProductSpec, wards, word},
};
use sea_orm::{
    ColumnTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    process::{Child, Command},
    sync::Mutex,
    task::JoinHandle,
};

/// Products every test starts with.
const SEEDED: usize = 40;
/// Products in the import that is killed half-way.
const IMPORTED: usize = 20_000;
/// The description of a product after an update carrying `token`.
const VERSION: &str = "Phiên bản ";

const UPDATE: &str = "mutation($id: ID!, $i: UpdateProductInput!) { updateProduct(id: $id, input: $i) { id updatedAt } }";

/// Where the service runs: a store and a search engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Setup {
    /// SQLite and the embedded index (the default).
    Sqlite,
    /// PostgreSQL and the embedded index.
    Postgres,
    /// SQLite and Meilisearch.
    Meilisearch,
}

/// One installation: a data directory, its database, its environment.
struct Site {
    dir: tempfile::TempDir,
    database: Option<TestDatabase>,
    env: Vec<(String, String)>,
    servers: usize,
}

impl Site {
    async fn new(setup: Setup) -> Option<Self> {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut env: Vec<(String, String)> = [
            ("OCOP_DATA_DIR", dir.path().to_str().expect("a UTF-8 path")),
            ("OCOP_DEMO", "false"),
            ("OCOP_SEARCH_LEASE_SECS", "3"),
            ("OCOP_METRICS_LISTEN", "127.0.0.1:0"),
            ("OCOP_LIMITS__KEY_PER_SECOND", "100000"),
            ("OCOP_LIMITS__KEY_BURST", "100000"),
            ("OCOP_LIMITS__ANONYMOUS_PER_SECOND", "100000"),
            ("OCOP_LIMITS__ANONYMOUS_BURST", "100000"),
            ("RUST_LOG", "warn,ocop_api=info"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let mut database = None;
        match setup {
            Setup::Sqlite => {}
            Setup::Postgres => {
                let db = TestDatabase::create().await?;
                env.push(("DATABASE_URL".into(), db.url().to_owned()));
                database = Some(db);
            }
            Setup::Meilisearch => {
                let Some(url) = std::env::var("MEILI_URL").ok().filter(|u| !u.is_empty()) else {
                    eprintln!("skipped on Meilisearch: MEILI_URL is not set");
                    return None;
                };
                env.push(("MEILI_URL".into(), url));
                if let Ok(key) = std::env::var("MEILI_MASTER_KEY") {
                    env.push(("MEILI_MASTER_KEY".into(), key));
                }
                let prefix = format!(
                    "process_{}_{}_",
                    std::process::id(),
                    chrono::Utc::now().timestamp_subsec_nanos()
                );
                env.push(("OCOP_MEILI_INDEX_PREFIX".into(), prefix));
            }
        }
        Some(Self {
            dir,
            database,
            env,
            servers: 0,
        })
    }

    /// The `ocop` binary with this site's environment and nothing else.
    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_ocop"));
        c.args(args)
            .current_dir(self.dir.path())
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .kill_on_drop(true);
        c
    }

    /// Runs a command to its end; panics with its output unless it succeeds.
    async fn run(&self, args: &[&str]) -> String {
        let out = self
            .command(args)
            .output()
            .await
            .expect("the ocop binary runs");
        assert!(
            out.status.success(),
            "ocop {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 output")
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Imports `SEEDED` products and creates an admin key.
    async fn seed(&self) -> String {
        let mut c = Catalogue::new().producer("p", "HTX Thử", "COOPERATIVE", wards::HA_TINH);
        for i in 0..SEEDED {
            c = c.product(ProductSpec::new(
                &format!("sp-{i}"),
                &format!("Sản phẩm {}", word(i)),
                "p",
                wards::HA_TINH,
                "I.4.a",
            ));
        }
        std::fs::write(self.path("seed.jsonl"), c.jsonl()).expect("the seed file is written");
        self.run(&["import", "seed.jsonl"]).await;
        self.run(&[
            "keys",
            "create",
            "--role",
            "ADMIN",
            "--name",
            "process-test",
        ])
        .await
        .trim()
        .to_owned()
    }

    /// The database, opened directly, as an operator would inspect it.
    async fn database(&self) -> DatabaseConnection {
        let url = match &self.database {
            Some(db) => db.url().to_owned(),
            None => format!("sqlite://{}?mode=rw", self.path("ocop.db").display()),
        };
        Database::connect(url).await.expect("the database opens")
    }

    /// Starts `ocop serve` on a free port and waits until it is ready.
    async fn serve(&mut self) -> Server {
        self.serve_with(&[]).await
    }

    /// Starts `ocop serve` with extra environment (another data directory, say) and waits until
    /// it is ready.
    async fn serve_with(&mut self, env: &[(&str, String)]) -> Server {
        self.servers += 1;
        let addr = free_address();
        let log = self.path(&format!("server-{}.log", self.servers));
        let out = std::fs::File::create(&log).expect("a log file");
        let child = self
            .command(&["serve"])
            .env("OCOP_LISTEN", addr.to_string())
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdout(Stdio::from(out.try_clone().expect("a log file handle")))
            .stderr(Stdio::from(out))
            .spawn()
            .expect("the server starts");
        let mut server = Server {
            child,
            client: Client::new(addr),
            log,
        };
        let started = Instant::now();
        loop {
            if let Ok(r) = server
                .client
                .http
                .get(server.client.url("/ready"))
                .send()
                .await
                && r.status() == 200
            {
                return server;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("the server exited with {status}: {}", server.log());
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server is not ready after a minute: {}",
                server.log()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn free_address() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
}

/// Talks to a server over HTTP.
#[derive(Clone)]
struct Client {
    addr: SocketAddr,
    http: reqwest::Client,
}

impl Client {
    fn new(addr: SocketAddr) -> Self {
        Self {
            addr,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("an HTTP client"),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A GraphQL request; `Err` when the server did not answer.
    async fn gql(
        &self,
        key: Option<&str>,
        query: &str,
        variables: Value,
    ) -> reqwest::Result<Value> {
        let mut request = self
            .http
            .post(self.url("/graphql"))
            .json(&json!({"query": query, "variables": variables}));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        request.send().await?.json().await
    }

    async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self
            .gql(None, query, variables)
            .await
            .expect("the server answers");
        assert!(body.get("errors").is_none(), "{body}");
        body["data"].clone()
    }

    /// Ids of the products whose text matches `q`.
    async fn hits(&self, q: &str) -> Vec<String> {
        let data = self
            .data(
                "query($q: String!) { searchProducts(query: $q, filter: {certification: ANY}, pageSize: 100) { hits { product { id } } } }",
                json!({"q": q}),
            )
            .await;
        data["searchProducts"]["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .map(|h| h["product"]["id"].as_str().expect("an id").to_owned())
            .collect()
    }

    async fn total_hits(&self, q: &str) -> u64 {
        let data = self
            .data(
                "query($q: String!) { searchProducts(query: $q, filter: {certification: ANY}) { totalHits } }",
                json!({"q": q}),
            )
            .await;
        data["searchProducts"]["totalHits"]
            .as_u64()
            .expect("a count")
    }

    /// Waits until the index has caught up with the change log.
    async fn wait_synced(&self, limit: Duration) -> Duration {
        let started = Instant::now();
        loop {
            let data = self
                .data("{ searchStatus { pendingChanges } }", json!({}))
                .await;
            if data["searchStatus"]["pendingChanges"] == 0 {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < limit,
                "the index has not caught up after {limit:?}: {data}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Every product: (id, updatedAt).
    async fn products(&self) -> Vec<(String, String)> {
        let data = self
            .data(
                "{ products(first: 100, filter: {certification: ANY}) { edges { node { id updatedAt } } } }",
                json!({}),
            )
            .await;
        data["products"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| {
                (
                    e["node"]["id"].as_str().expect("an id").to_owned(),
                    e["node"]["updatedAt"].as_str().expect("a time").to_owned(),
                )
            })
            .collect()
    }
}

/// A running `ocop serve`.
struct Server {
    child: Child,
    client: Client,
    log: PathBuf,
}

impl Server {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn kill(&mut self) {
        self.child.kill().await.expect("SIGKILL is delivered");
    }

    fn terminate(&self) {
        let pid = self.child.id().expect("a running server").to_string();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(status.success(), "SIGTERM is delivered");
    }

    async fn exit_status(&mut self, limit: Duration) -> ExitStatus {
        tokio::time::timeout(limit, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("the server has not exited after {limit:?}"))
            .expect("the server's exit status")
    }
}

/// What a writer knows about one product's description tokens.
#[derive(Debug, Default)]
struct History {
    /// The token of the last write the server acknowledged.
    acked: Option<String>,
    /// Tokens sent after it whose fate is unknown (no answer, or an error answer).
    unknown: Vec<String>,
}

type Histories = Arc<Mutex<HashMap<String, History>>>;

/// Updates `products` in turn until the server stops answering; returns acknowledged writes.
fn writer(
    client: Client,
    key: String,
    mut products: Vec<(String, String)>,
    first_token: usize,
    histories: Histories,
) -> JoinHandle<usize> {
    tokio::spawn(async move {
        let mut acked = 0;
        for n in 0.. {
            let i = n % products.len();
            let (id, updated_at) = products[i].clone();
            let token = word(first_token + n);
            histories
                .lock()
                .await
                .entry(id.clone())
                .or_default()
                .unknown
                .push(token.clone());
            let input = json!({"expectedUpdatedAt": updated_at, "description": format!("{VERSION}{token}")});
            let Ok(body) = client
                .gql(Some(&key), UPDATE, json!({"id": id, "i": input}))
                .await
            else {
                return acked;
            };
            if let Some(fresh) = body["data"]["updateProduct"]["updatedAt"].as_str() {
                products[i].1 = fresh.to_owned();
                let mut h = histories.lock().await;
                let h = h.entry(id).or_default();
                h.acked = Some(token);
                h.unknown.clear();
                acked += 1;
                continue;
            }
            // An error answer (the database busy with an import, say): the write did not
            // happen; carry on from what the server holds.
            let Ok(now) = client
                .gql(
                    None,
                    "query($id: ID!) { product(id: $id) { updatedAt } }",
                    json!({"id": id}),
                )
                .await
            else {
                return acked;
            };
            if let Some(fresh) = now["data"]["product"]["updatedAt"].as_str() {
                products[i].1 = fresh.to_owned();
            }
        }
        acked
    })
}

async fn acked(histories: &Histories) -> usize {
    histories
        .lock()
        .await
        .values()
        .filter(|h| h.acked.is_some())
        .count()
}

/// After a restart: the database holds whole transactions only, and the index catches up.
async fn check_whole(site: &Site, server: &Server, histories: &Histories, import: Option<usize>) {
    let db = site.database().await;
    let histories = histories.lock().await;
    let mut durable = 0;
    for (id, h) in histories.iter() {
        let id_num: i64 = id.parse().expect("a numeric id");
        let p = product::Entity::find_by_id(id_num)
            .one(&db)
            .await
            .expect("a query")
            .expect("the product exists");
        let token = p
            .description
            .as_deref()
            .and_then(|d| d.strip_prefix(VERSION))
            .map(str::to_owned);
        let allowed = token.is_some() && h.unknown.contains(token.as_ref().expect("a token"))
            || token == h.acked;
        assert!(
            allowed,
            "product {id} holds {token:?}; acknowledged {:?}, unknown {:?}",
            h.acked, h.unknown
        );
        durable += usize::from(h.acked.is_some());
        let last_update = audit_log::Entity::find()
            .filter(audit_log::Column::EntityType.eq("product"))
            .filter(audit_log::Column::EntityId.eq(id_num))
            .filter(audit_log::Column::Operation.eq("UPDATE"))
            .order_by_desc(audit_log::Column::Id)
            .one(&db)
            .await
            .expect("a query");
        assert_eq!(
            last_update
                .and_then(|row| row.after)
                .map(|a| a["description"].clone()),
            token.is_some().then(|| json!(p.description)),
            "the audit trail of {id} agrees with the product"
        );
    }
    assert!(durable > 0, "some writes were acknowledged");
    let imported = product::Entity::find()
        .filter(product::Column::Slug.starts_with("nhap-"))
        .count(&db)
        .await
        .expect("a count");
    if let Some(n) = import {
        assert!(
            imported == 0 || imported == n as u64,
            "a whole import or none: {imported} of {n} products"
        );
    }
    eprintln!(
        "{durable} products with acknowledged writes all intact; {imported} imported products"
    );
    let waited = server.client.wait_synced(Duration::from_secs(60)).await;
    eprintln!("the index caught up {waited:?} after the restart");
    for (id, h) in histories.iter() {
        let p = product::Entity::find_by_id(id.parse::<i64>().expect("an id"))
            .one(&db)
            .await
            .expect("a query")
            .expect("the product");
        let current = p
            .description
            .as_deref()
            .and_then(|d| d.strip_prefix(VERSION));
        if let Some(token) = current {
            assert_eq!(
                server.client.hits(token).await,
                std::slice::from_ref(id),
                "the index holds what the database holds for {id}"
            );
        }
        for stale in h.unknown.iter().chain(&h.acked) {
            if Some(stale.as_str()) != current {
                assert!(
                    server.client.hits(stale).await.is_empty(),
                    "{stale} never reached the database, or was overwritten, so it is not indexed"
                );
            }
        }
    }
    assert_eq!(
        server.client.total_hits(&word(900_000)).await,
        imported,
        "the imported products are indexed exactly when they are in the database"
    );
    let published = product::Entity::find()
        .filter(product::Column::Status.eq(product::ProductStatus::Published))
        .count(&db)
        .await
        .expect("a count");
    assert_eq!(
        server.client.total_hits("").await,
        published,
        "index and database agree"
    );
    db.close().await.ok();
}

/// Writes the import that gets killed: `IMPORTED` products sharing the word `word(900_000)`.
fn write_import(site: &Site) {
    let mut c = Catalogue::new().producer("nk", "HTX Nhập", "COOPERATIVE", wards::BAI_CHAY);
    for i in 0..IMPORTED {
        c = c.product(ProductSpec::new(
            &format!("nhap-{i}"),
            &format!("Hàng {} {}", word(900_000), word(200_000 + i)),
            "nk",
            wards::BAI_CHAY,
            "I.1.a",
        ));
    }
    std::fs::write(site.path("import.jsonl"), c.jsonl()).expect("the import file is written");
}

async fn killed_during_writes_and_an_import(setup: Setup) {
    let Some(mut site) = Site::new(setup).await else {
        return;
    };
    let key = site.seed().await;
    write_import(&site);
    let mut server = site.serve().await;
    let products = server.client.products().await;
    assert_eq!(products.len(), SEEDED);
    let histories = Histories::default();
    let writers: Vec<_> = products
        .chunks(SEEDED / 4)
        .enumerate()
        .map(|(t, chunk)| {
            writer(
                server.client.clone(),
                key.clone(),
                chunk.to_vec(),
                10_000 + t * 100_000,
                histories.clone(),
            )
        })
        .collect();
    let started = Instant::now();
    while acked(&histories).await < SEEDED / 2 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "writes are slow"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut import = site
        .command(&["import", "import.jsonl"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the import starts");
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(
        import.try_wait().expect("the import's state").is_none(),
        "the import should still be running when it is killed; make IMPORTED larger"
    );
    let (killed_server, killed_import) = tokio::join!(server.kill(), import.kill());
    killed_import.expect("SIGKILL reaches the import");
    let () = killed_server;
    let mut written = 0;
    for w in writers {
        written += w.await.expect("a writer");
    }
    eprintln!("{setup:?}: killed after {written} acknowledged writes, with the import half-way");
    let server = site.serve().await;
    check_whole(&site, &server, &histories, Some(IMPORTED)).await;
}

async fn terminated_with_a_request_in_flight(setup: Setup) {
    let Some(mut site) = Site::new(setup).await else {
        return;
    };
    let key = site.seed().await;
    let mut server = site.serve().await;
    let products = server.client.products().await;
    let histories = Histories::default();
    let writers: Vec<_> = products[1..]
        .chunks(SEEDED / 2)
        .enumerate()
        .map(|(t, chunk)| {
            writer(
                server.client.clone(),
                key.clone(),
                chunk.to_vec(),
                10_000 + t * 100_000,
                histories.clone(),
            )
        })
        .collect();
    while acked(&histories).await < 10 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A request whose body is still arriving when SIGTERM comes.
    let (id, updated_at) = products[0].clone();
    let token = word(900_001);
    let body = json!({"query": UPDATE, "variables": {"id": id, "i": {"expectedUpdatedAt": updated_at, "description": format!("{VERSION}{token}")}}}).to_string();
    let mut stream = TcpStream::connect(server.client.addr)
        .await
        .expect("a connection");
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAuthorization: Bearer {key}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let (first, rest) = body.as_bytes().split_at(body.len() / 2);
    stream.write_all(head.as_bytes()).await.expect("sent");
    stream.write_all(first).await.expect("sent");
    stream.flush().await.expect("sent");
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.terminate();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        server.child.try_wait().expect("its state").is_none(),
        "the server waits for the request in flight"
    );
    assert!(
        TcpStream::connect(server.client.addr).await.is_err(),
        "a stopping server takes no new connections"
    );
    stream.write_all(rest).await.expect("the rest is sent");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .await
        .expect("the answer");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let answer: Value = serde_json::from_str(
        response
            .split_once("\r\n\r\n")
            .map(|(_, b)| b)
            .expect("a body"),
    )
    .expect("JSON");
    assert!(
        answer["data"]["updateProduct"]["updatedAt"].is_string(),
        "{answer}"
    );
    histories.lock().await.insert(
        id.clone(),
        History {
            acked: Some(token),
            unknown: Vec::new(),
        },
    );
    let status = server.exit_status(Duration::from_secs(20)).await;
    assert!(status.success(), "exit status {status}: {}", server.log());
    let log = server.log();
    let worker_stopped = log.find("index follower stopped").expect(&log);
    let server_stopped = log.find("ocop-catalog stopped").expect(&log);
    assert!(worker_stopped < server_stopped, "{log}");
    for w in writers {
        w.await.expect("a writer");
    }
    let db = site.database().await;
    let held = search_cursor::Entity::find()
        .filter(search_cursor::Column::Owner.is_not_null())
        .count(&db)
        .await
        .expect("a count");
    assert_eq!(held, 0, "the follower stopped holding no lease");
    db.close().await.ok();
    let server = site.serve().await;
    check_whole(&site, &server, &histories, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_never_ends_holds_shutdown_no_longer_than_the_grace_period() {
    let mut site = Site::new(Setup::Sqlite).await.expect("SQLite always runs");
    let mut server = site
        .serve_with(&[("OCOP_SHUTDOWN_GRACE_SECS", "1".to_owned())])
        .await;
    // A request that announces a body it never sends.
    let mut stream = TcpStream::connect(server.client.addr)
        .await
        .expect("a connection");
    let head = "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":";
    stream.write_all(head.as_bytes()).await.expect("sent");
    stream.flush().await.expect("sent");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let asked = Instant::now();
    server.terminate();
    let status = server.exit_status(Duration::from_secs(15)).await;
    let took = asked.elapsed();
    assert!(status.success(), "exit status {status}: {}", server.log());
    assert!(
        took >= Duration::from_millis(900),
        "the request was given its grace period, stopped after {took:?}"
    );
    let log = server.log();
    assert!(log.contains("after the shutdown grace period"), "{log}");
    assert!(log.contains("ocop-catalog stopped"), "{log}");
    drop(stream);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_index_left_by_a_version_with_another_schema_is_rebuilt_at_start_up() {
    let mut site = Site::new(Setup::Sqlite)
        .await
        .expect("SQLite is always there");
    site.seed().await;
    let mut server = site.serve().await;
    server.client.wait_synced(Duration::from_secs(30)).await;
    server.terminate();
    assert!(server.exit_status(Duration::from_secs(20)).await.success());
    // An index with another schema, where the live one was.
    let index = site.path("index");
    std::fs::remove_dir_all(&index).expect("the index is removed");
    let old = index.join("gen-7").join("products");
    std::fs::create_dir_all(&old).expect("a directory");
    let mut schema = tantivy::schema::Schema::builder();
    schema.add_text_field("title", tantivy::schema::TEXT);
    tantivy::Index::create_in_dir(&old, schema.build()).expect("an old index");
    std::fs::write(index.join("CURRENT"), "gen-7").expect("CURRENT is written");

    let server = site.serve().await;
    let started = Instant::now();
    while server.client.total_hits("").await < SEEDED as u64 {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the index was not rebuilt: {}",
            server.log()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(server.client.hits(&word(3)).await.len(), 1);
    assert!(
        server.log().contains("search index rebuilt"),
        "{}",
        server.log()
    );
}

macro_rules! process_test {
    ($name:ident, $body:ident) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $body(Setup::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $body(Setup::Postgres).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn meilisearch() {
                $body(Setup::Meilisearch).await;
            }
        }
    };
}

process_test!(
    sigkill_during_writes_and_an_import_leaves_whole_transactions,
    killed_during_writes_and_an_import
);
process_test!(
    sigterm_finishes_requests_in_flight_and_stops_cleanly,
    terminated_with_a_request_in_flight
);

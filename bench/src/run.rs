//! One benchmark run at one catalogue size: generate, import, export, reindex, start the real
//! server as a child process, drive each scenario over HTTP, and measure the rest.

use std::{
    collections::BTreeMap,
    fs::File,
    io::{BufReader, BufWriter},
    path::Path,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::Context;
use ocop_api::{
    config::Settings,
    db,
    indexing::{documents::day, reindex::reindex},
    interchange::{self, import::Progress},
    reference::ReferenceData,
    services::keys::{self, NewKey},
};
use ocop_entities::{api_key::Role, outlet, product};
use ocop_search::{
    ProductFilters, ProductSearch, SearchBackend, SearchSort,
    embedded::EmbeddedBackend,
    meili::{MeiliBackend, MeiliOptions},
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use serde_json::json;

use crate::{
    follow,
    generate::{self, Spec},
    load::{self, Prepared, Stats, Workload},
};

/// Options of a run.
#[derive(Clone, Debug)]
pub struct Options {
    /// Products.
    pub products: usize,
    /// Outlets.
    pub outlets: usize,
    /// Seconds per scenario.
    pub duration: Duration,
    /// Concurrent connections.
    pub connections: usize,
    /// Updates timed for write→searchable latency.
    pub writes: usize,
    /// RNG seed.
    pub seed: u64,
    /// PostgreSQL to run on (emptied first); SQLite in a temporary directory when `None`.
    pub postgres: Option<String>,
}

/// Everything measured at one size.
#[derive(Clone, Debug, Default, Serialize)]
pub struct SizeResult {
    /// Products generated.
    pub products: usize,
    /// Outlets generated.
    pub outlets: usize,
    /// Seconds to generate the file.
    pub generate_s: f64,
    /// Seconds to import it.
    pub import_s: f64,
    /// Seconds to export the catalogue.
    pub export_s: f64,
    /// Seconds to rebuild the whole search index.
    pub reindex_s: f64,
    /// The search engine: `embedded` or `meilisearch`.
    pub engine: String,
    /// The database: `sqlite` or `postgresql`.
    pub database: String,
    /// Figures per scenario.
    pub scenarios: BTreeMap<String, Stats>,
    /// SQL statements per request: scenario → page size → statements.
    pub sql_statements: BTreeMap<String, BTreeMap<String, u64>>,
    /// Write→searchable latency, ms: `p50`, `p99`, `max`, `n`.
    pub write_to_searchable_ms: BTreeMap<String, f64>,
    /// Peak resident memory of the server, MiB.
    pub peak_rss_mib: f64,
    /// Requests the abusive connections got through, and how many were refused.
    pub abuse: BTreeMap<String, u64>,
    /// Seconds to stream `GET /export` (same catalogue as `export_s`).
    pub http_export_s: f64,
    /// Its size, MiB.
    pub http_export_mib: f64,
    /// How much the server's anonymous resident memory (its heap, not the mapped SQLite file)
    /// grew while it streamed the export, MiB.
    pub http_export_rss_growth_mib: f64,
    /// `catalogueChanges` served per second, in pages of 100 with their products.
    pub changes_per_s: f64,
    /// Write→searchable on every one of three servers, ms: `p50`, `p99`, `max`, `n`.
    pub write_to_searchable_3_servers_ms: BTreeMap<String, f64>,
    /// Share of `zipf_mix` requests answered from the response cache.
    pub zipf_hit_rate: f64,
    /// Distinct requests in `zipf_mix`.
    pub zipf_distinct: usize,
    /// The server's anonymous resident memory (heap) after `zipf_mix`, MiB.
    pub rss_anon_mib: f64,
    /// Its file-backed resident memory (the mapped index and database), MiB.
    pub rss_file_mib: f64,
}

const PRODUCTS_PAGE: &str = "query($first: Int) { products(first: $first) { totalCount edges { node { id slug name stars certificationStatus category { code name } province { code name region { code } } ward { code name } producer { id name kind } currentCertification { stars expiresOn } updatedAt } } } }";
const PRODUCT_DETAIL: &str = "query($slug: String!) { product(slug: $slug) { id slug name description story stars certificationStatus category { code name parent { code name } } province { code name } ward { code name } currentCertification { id stars score level issuingBody decisionNumber issuedOn expiresOn status } certifications { id stars issuedOn expiresOn status } producer { id name kind address ward { code name } province { code name } } listings { outlet { id slug name province { code name } } priceVnd inStock updatedAt } } }";
const OUTLET_SHELF: &str = "query($slug: String!, $first: Int) { outlet(slug: $slug) { id slug name kind address openingHours phone location { lat lng } listings(first: $first) { totalCount edges { node { product { id slug name stars category { code } } priceVnd inStock updatedAt } } } } }";
/// Products and producers by province × stars, as a provincial report asks.
const STATISTICS: &str = "{ ocopStatistics(groupBy: [PROVINCE, STARS]) { rows { province { code name } stars products threeStars fourStars fiveStars producers } } }";
/// The same with the certificates issued, expired and revoked this year.
const STATISTICS_FULL: &str = "{ ocopStatistics(groupBy: [PROVINCE, STARS]) { rows { province { code name } stars products threeStars fourStars fiveStars producers certificatesIssued certificatesExpired certificatesRevoked } } }";
/// A products page of one province and a minimum of stars.
const PRODUCTS_PAGE_FILTERED: &str = "query($first: Int, $filter: ProductFilter) { products(first: $first, filter: $filter) { totalCount edges { node { id slug name stars certificationStatus category { code name } province { code name } producer { id name kind } } } } }";
/// A page of search results, as a buyer pages through them.
const SEARCH_PAGED: &str = "query($q: String!, $filter: ProductFilter, $page: Int) { searchProducts(query: $q, filter: $filter, page: $page, pageSize: 20) { totalHits hits { product { id slug name stars province { code name } } } facets { field values { value label count } } } }";
const SEARCH: &str = "query($q: String!, $filter: ProductFilter) { searchProducts(query: $q, filter: $filter, pageSize: 20) { totalHits hits { product { id slug name stars province { code name } category { code name } producer { name } } } facets { field values { value label count } } } }";

/// Realistic buyer queries: accented, accent-free, half-typed, with filters.
pub const QUERIES: &[(&str, Option<&str>)] = &[
    ("nước mắm", None),
    ("nuoc mam", None),
    ("nuoc ma", None),
    ("mật ong", Some("TDMNPB")),
    ("mat ong bac ha", None),
    ("chè shan tuyết", None),
    ("tra hoa vang", Some("DBSH")),
    ("gạo st25", None),
    ("keo dua", Some("DBSCL")),
    ("cà phê", Some("DHNTB_TN")),
    ("ca phe rang", None),
    ("rượu", None),
    ("ngoc trai", None),
    ("miến dong", None),
    ("bưởi da xanh", None),
    ("nem chua", None),
    ("chả mực", Some("DBSH")),
    ("yen sao", None),
    ("tinh dầu", None),
    ("gốm", None),
    ("", Some("BTB")),
    ("dừa", None),
    ("tra", None),
    ("hat dieu", None),
];

/// What a buyer types, letter by letter, into the search box: each prefix asks for completions.
pub const TYPED: &[&str] = &[
    "nước mắm phú quốc",
    "mat ong rung",
    "tra shan tuyet",
    "ca phe",
    "ngoc trai",
    "gao st25",
    "thanh hoa",
    "keo dua ben tre",
];

/// The completions query of the search box.
const SUGGEST: &str =
    "query($p: String!) { suggest(prefix: $p) { kind text code ranges { start length } } }";

/// The `i`-th search of [`QUERIES`], as the engine gets it.
fn direct_search(i: usize, today: ocop_search::document::Day) -> ProductSearch {
    let (q, region) = QUERIES[i % QUERIES.len()];
    ProductSearch {
        text: q.to_owned(),
        filters: ProductFilters {
            region_codes: region.map(|r| vec![r.to_owned()]).unwrap_or_default(),
            ..ProductFilters::default()
        },
        sort: SearchSort::Relevance,
        page: 1,
        page_size: 20,
        today,
    }
}

/// An HTTP client, the search URL of the products index and the key, for plain requests to
/// Meilisearch.
fn meili_direct(options: &MeiliOptions) -> anyhow::Result<(reqwest::Client, String, String)> {
    let url = format!(
        "{}/indexes/{}products/search",
        options.url.trim_end_matches('/'),
        options.index_prefix
    );
    let key = options.api_key.clone().unwrap_or_default();
    Ok((reqwest::Client::builder().build()?, url, key))
}

/// The body of the `i`-th search of [`QUERIES`] sent straight to Meilisearch: the query the
/// backend sends for it (its broad query when it sends two), with the same filter and facets.
fn meili_body(i: usize, today: ocop_search::document::Day) -> serde_json::Value {
    let search = direct_search(i, today);
    json!({
        "q": ocop_search::meili::query_string(&search.text),
        "filter": ocop_search::meili::filter::products(&search.filters, i64::from(today)),
        "facets": ocop_search::settings::PRODUCT_FACETS,
        "page": 1,
        "hitsPerPage": 20,
        "matchingStrategy": "last",
        "attributesToRetrieve": ["id"],
    })
}

/// `text` percent-encoded for a URL's query string.
fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn post(query: &str, variables: serde_json::Value) -> Prepared {
    Prepared::Post(json!({"query": query, "variables": variables}).to_string())
}

/// The costliest query the default limits allow: many pages of products with their relations.
pub fn costliest_query() -> String {
    let page = "products(first: 100) { edges { node { slug name stars category { code name } province { code name } producer { name kind } } } }";
    format!(
        "{{ {} }}",
        (0..7)
            .map(|i| format!("p{i}: {page}"))
            .collect::<Vec<_>>()
            .join(" ")
    )
}

/// A benchmarked server process, stopped with SIGTERM when dropped.
pub struct Server {
    /// The process.
    pub child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// Where its `/metrics` listener is.
    pub metrics: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

/// A line of `/proc/PID/status` (`VmHWM`, `RssAnon`, `RssFile`…), MiB.
fn proc_status_mib(pid: u32, field: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The response cache's hits and misses so far, from the server's `/metrics`.
async fn cache_lookups(metrics: &str) -> anyhow::Result<(f64, f64)> {
    let text = reqwest::get(metrics).await?.text().await?;
    let count = |result: &str| {
        text.lines()
            .find(|l| {
                l.starts_with("ocop_response_cache_total")
                    && l.contains(&format!("result=\"{result}\""))
            })
            .and_then(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    Ok((count("hit"), count("miss")))
}

/// `draws` requests out of `distinct`, the k-th most popular drawn with weight 1/k (Zipf,
/// exponent 1), in a seeded shuffle of popularity.
fn zipf(mut distinct: Vec<Prepared>, draws: usize, seed: u64) -> Vec<Prepared> {
    let mut rng = StdRng::seed_from_u64(seed);
    for i in (1..distinct.len()).rev() {
        distinct.swap(i, rng.random_range(0..=i));
    }
    let mut cumulative = Vec::with_capacity(distinct.len());
    let mut total = 0.0;
    for k in 1..=distinct.len() {
        total += 1.0 / k as f64;
        cumulative.push(total);
    }
    (0..draws)
        .map(|_| {
            let x = rng.random_range(0.0..total);
            distinct[cumulative.partition_point(|c| *c < x)].clone()
        })
        .collect()
}

/// The search engine of a run: the embedded index in the data directory, or Meilisearch
/// (with indexes of its own) when `MEILI_URL` is set.
pub enum Engine {
    Embedded(std::path::PathBuf),
    Meili(MeiliOptions),
}

impl Engine {
    fn choose(data_dir: &Path, products: usize) -> Self {
        match std::env::var("MEILI_URL").ok().filter(|u| !u.is_empty()) {
            Some(url) => {
                let mut options = MeiliOptions::new(
                    url,
                    std::env::var("MEILI_MASTER_KEY")
                        .ok()
                        .filter(|k| !k.is_empty()),
                );
                options.index_prefix = format!("bench_{products}_");
                Self::Meili(options)
            }
            None => Self::Embedded(data_dir.join("index")),
        }
    }

    fn open(&self) -> anyhow::Result<Arc<dyn SearchBackend>> {
        Ok(match self {
            Self::Embedded(dir) => Arc::new(EmbeddedBackend::open(dir)?),
            Self::Meili(options) => Arc::new(MeiliBackend::new(options.clone())?),
        })
    }

    /// The environment that makes the server use this engine (`MEILI_URL` and its key are
    /// inherited).
    fn env(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::Embedded(_) => Vec::new(),
            Self::Meili(options) => vec![("OCOP_MEILI_INDEX_PREFIX", options.index_prefix.clone())],
        }
    }
}

/// Starts a server on `data_dir` with `extra` environment and waits until it is ready.
pub async fn start_server(
    data_dir: &Path,
    engine: &Engine,
    extra: &[(&str, String)],
) -> anyhow::Result<Server> {
    let free_port = || -> std::io::Result<u16> {
        Ok(std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port())
    };
    let (port, metrics_port) = (free_port()?, free_port()?);
    let exe = std::env::current_exe()?;
    let child = Command::new(exe)
        .arg("serve-child")
        .env("OCOP_DATA_DIR", data_dir)
        .env("OCOP_LISTEN", format!("127.0.0.1:{port}"))
        .env("OCOP_METRICS_LISTEN", format!("127.0.0.1:{metrics_port}"))
        .env("OCOP_DEMO", "false")
        .env("OCOP_ENV", "production")
        .env("OCOP_EXPOSE_SQL_COUNT", "true")
        .env("OCOP_BENCH_ROUTES", "true")
        .env("OCOP_LIMITS__PARTNER_PER_SECOND", "1000000")
        .env("OCOP_LIMITS__PARTNER_BURST", "1000000")
        .env("OCOP_LIMITS__KEY_PER_SECOND", "1000000")
        .env("OCOP_LIMITS__KEY_BURST", "1000000")
        .env("RUST_LOG", "warn")
        .envs(engine.env())
        .envs(extra.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("cannot start the server")?;
    let base = format!("http://127.0.0.1:{port}");
    let server = Server {
        child,
        base,
        metrics: format!("http://127.0.0.1:{metrics_port}/metrics"),
    };
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if client
            .get(format!("{}/ready", server.base))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            return Ok(server);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the server did not become ready")
}

async fn sql_statements(
    base: &str,
    key: &str,
    query: &str,
    variables: serde_json::Value,
) -> anyhow::Result<u64> {
    let r = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .bearer_auth(key)
        .json(&json!({"query": query, "variables": variables}))
        .send()
        .await?;
    let n = r
        .headers()
        .get("x-ocop-sql-statements")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body: serde_json::Value = r.json().await?;
    anyhow::ensure!(body.get("errors").is_none(), "{body}");
    n.context("the server reports SQL statements")
}

/// Runs every measurement at one size.
pub async fn at_size(opts: &Options) -> anyhow::Result<SizeResult> {
    let dir = tempfile::tempdir()?;
    let data_dir = dir.path().join("data");
    let mut result = SizeResult {
        products: opts.products,
        outlets: opts.outlets,
        ..SizeResult::default()
    };
    eprintln!("[{} products] generating", opts.products);
    let file = dir.path().join("catalogue.jsonl");
    let started = Instant::now();
    generate::write(
        Spec {
            products: opts.products,
            outlets: opts.outlets,
            seed: opts.seed,
        },
        &mut BufWriter::new(File::create(&file)?),
    )?;
    result.generate_s = started.elapsed().as_secs_f64();

    let settings = Settings {
        data_dir: data_dir.clone(),
        demo: false,
        database_url: opts.postgres.clone().map(secrecy::SecretString::from),
        ..Settings::default()
    };
    let db = db::connect(&settings).await?;
    if opts.postgres.is_some() {
        use sea_orm::ConnectionTrait;
        // A fresh database every run: what an earlier run left is dropped.
        db.execute_unprepared("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
            .await
            .context("cannot empty the benchmark's PostgreSQL database")?;
    }
    result.database = if opts.postgres.is_some() {
        "postgresql"
    } else {
        "sqlite"
    }
    .to_owned();
    // The servers' database: the same PostgreSQL, or the SQLite file in `data_dir`.
    let database_url = opts
        .postgres
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", data_dir.join("ocop.db").display()));
    db::migrate(&db).await?;
    let reference = ReferenceData::load(&db).await?;
    eprintln!("[{} products] importing", opts.products);
    let started = Instant::now();
    interchange::import(
        &db,
        &reference,
        BufReader::new(File::open(&file)?),
        Progress::Hidden,
        "bench",
    )
    .await
    .map_err(|e| anyhow::anyhow!("import failed: {e:?}"))?;
    result.import_s = started.elapsed().as_secs_f64();
    eprintln!("[{} products] exporting", opts.products);
    let started = Instant::now();
    interchange::export(
        &db,
        &mut BufWriter::new(File::create(dir.path().join("export.jsonl"))?),
    )
    .await?;
    result.export_s = started.elapsed().as_secs_f64();
    eprintln!("[{} products] reindexing", opts.products);
    let engine = Engine::choose(&data_dir, opts.products);
    let search = engine.open()?;
    result.engine = search.name().to_owned();
    let started = Instant::now();
    let rebuilt = reindex(&db, &reference, &search, false).await?;
    result.reindex_s = started.elapsed().as_secs_f64();
    // The rebuilt index is at the log's head; the server follows from there.
    if let Engine::Meili(options) = &engine {
        ocop_api::indexing::follower::set_shared_position(
            &db,
            &format!("meilisearch:{}", options.index_prefix),
            rebuilt.position,
        )
        .await?;
    }
    let key = |name: &str, role| {
        let new = NewKey {
            name: name.into(),
            role,
            provinces: vec![],
            outlet_id: None,
            expires_at: None,
        };
        let (db, reference) = (&db, &reference);
        async move {
            keys::create(db, reference, new, "bench")
                .await
                .map(|(_, key)| key)
                .map_err(|e| anyhow::anyhow!("{e}"))
        }
    };
    let partner = key("bench partner", Role::Partner).await?;
    let admin = key("bench admin", Role::Admin).await?;
    let slugs: Vec<String> = product::Entity::find()
        .select_only()
        .column(product::Column::Slug)
        .filter(product::Column::Status.eq(ocop_entities::product::ProductStatus::Published))
        .order_by_asc(product::Column::Id)
        .limit(2000)
        .into_tuple()
        .all(&db)
        .await?;
    let shelves: Vec<String> = outlet::Entity::find()
        .select_only()
        .column(outlet::Column::Slug)
        .filter(outlet::Column::Slug.starts_with("showroom-"))
        .into_tuple()
        .all(&db)
        .await?;
    anyhow::ensure!(!shelves.is_empty(), "flagship outlets exist");

    eprintln!("[{} products] starting the server", opts.products);
    let server = start_server(
        &data_dir,
        &engine,
        &[("DATABASE_URL", database_url.clone())],
    )
    .await?;
    let base = server.base.clone();
    let pid = server.child.id();

    // The streamed export first, while the server's memory is at its resting level.
    eprintln!("[{} products] GET /export", opts.products);
    let (seconds, bytes, growth) = follow::http_export(&base, &partner, pid).await?;
    result.http_export_s = seconds;
    result.http_export_mib = bytes as f64 / 1_048_576.0;
    result.http_export_rss_growth_mib = growth;
    eprintln!("[{} products] catalogueChanges", opts.products);
    let head = ocop_entities::ext::change_log::state(&db).await?.head;
    result.changes_per_s =
        follow::changes_per_second(&base, &partner, head, opts.connections, opts.duration).await?;

    // SQL statements per request at page sizes 10 and 100, with list counts cached.
    for (name, query, vars) in [
        ("products_page", PRODUCTS_PAGE, json!({})),
        ("product_detail", PRODUCT_DETAIL, json!({"slug": slugs[0]})),
        ("outlet_shelf", OUTLET_SHELF, json!({"slug": shelves[0]})),
    ] {
        let mut per_size = BTreeMap::new();
        // Once beforehand: the first count of a list is read from the rows, later ones from
        // the cache while the catalogue is unchanged.
        sql_statements(&base, &partner, query, vars.clone()).await?;
        for first in [10, 100] {
            let mut v = vars.clone();
            v["first"] = json!(first);
            per_size.insert(
                first.to_string(),
                sql_statements(&base, &partner, query, v).await?,
            );
        }
        result.sql_statements.insert(name.to_owned(), per_size);
    }

    let key = Some(partner.clone());
    let workload = |requests: Vec<Prepared>| Workload {
        requests,
        key: key.clone(),
    };
    let ceiling = workload(vec![Prepared::Get("/_bench/ceiling".into())]);
    let trivial = workload(vec![post("{ __typename }", json!({}))]);
    let products_page = workload(vec![post(PRODUCTS_PAGE, json!({"first": 20}))]);
    let product_detail = workload(
        slugs
            .iter()
            .map(|s| post(PRODUCT_DETAIL, json!({"slug": s})))
            .collect(),
    );
    let outlet_shelf = workload(
        shelves
            .iter()
            .map(|s| post(OUTLET_SHELF, json!({"slug": s, "first": 100})))
            .collect(),
    );
    let search = workload(
        QUERIES
            .iter()
            .map(|(q, region)| {
                post(
                    SEARCH,
                    json!({"q": q, "filter": region.map(|r| json!({"regionCodes": [r]}))}),
                )
            })
            .collect(),
    );
    let codes: Vec<String> = ocop_entities::certification::Entity::find()
        .select_only()
        .column(ocop_entities::certification::Column::VerificationCode)
        // Certificates of unpublished products read as unknown codes (404).
        .filter(
            ocop_entities::certification::Column::ProductId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(product::Column::Id)
                    .from(product::Entity)
                    .and_where(
                        product::Column::Status
                            .eq(ocop_entities::product::ProductStatus::Published),
                    )
                    .to_owned(),
            ),
        )
        .order_by_asc(ocop_entities::certification::Column::Id)
        .limit(2000)
        .into_tuple()
        .all(&db)
        .await?;
    let verify_page = workload(
        codes
            .iter()
            .map(|c| Prepared::Get(format!("/v/{c}")))
            .collect(),
    );
    // Each request a different document (a numbered comment), so that the response cache
    // misses and the figure is the query's own.
    let uncached = |query: &str, variables: serde_json::Value| {
        workload(vec![Prepared::PostUnique(
            json!({"query": format!("# {}\n{query}", load::UNIQUE), "variables": variables})
                .to_string(),
        )])
    };
    let statistics = uncached(STATISTICS, json!({}));
    // The buyer searches as new documents: what the engine and GraphQL cost per search.
    let search_cold = workload(
        QUERIES
            .iter()
            .map(|(q, region)| {
                let variables =
                    json!({"q": q, "filter": region.map(|r| json!({"regionCodes": [r]}))});
                Prepared::PostUnique(
                    json!({"query": format!("# {}\n{SEARCH}", load::UNIQUE), "variables": variables})
                        .to_string(),
                )
            })
            .collect(),
    );
    // Completions as each letter is typed, as new documents: the engine's and GraphQL's cost.
    let suggest = workload(
        TYPED
            .iter()
            .flat_map(|typed| {
                let chars: Vec<char> = typed.chars().collect();
                (1..=chars.len()).map(move |n| chars[..n].iter().collect::<String>())
            })
            .filter(|prefix| !prefix.ends_with(' '))
            .map(|prefix| {
                Prepared::PostUnique(
                    json!({"query": format!("# {}\n{SUGGEST}", load::UNIQUE), "variables": {"p": prefix}})
                        .to_string(),
                )
            })
            .collect(),
    );
    let search_cold_1 = search_cold.clone();
    let suggest_1 = suggest.clone();
    let products_page_cold = uncached(PRODUCTS_PAGE, json!({"first": 20}));
    // A GET of the products page, then the same GET with its validator: 304 every time.
    let page_path = format!(
        "/graphql?query={}&variables={}",
        urlencoding(PRODUCTS_PAGE),
        urlencoding(r#"{"first":20}"#)
    );
    let first = reqwest::Client::new()
        .get(format!("{base}{page_path}"))
        .bearer_auth(&partner)
        .send()
        .await?;
    let etag = first
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .context("a GET query gets an ETag")?
        .to_owned();
    let not_modified = workload(vec![Prepared::Conditional {
        path: page_path,
        etag,
    }]);
    // Popular searches, shelves, pages and products, and a long tail of each.
    let mut distinct: Vec<Prepared> = Vec::new();
    for (q, region) in QUERIES {
        for page in 1..=3 {
            distinct.push(post(
                SEARCH_PAGED,
                json!({"q": q, "page": page, "filter": region.map(|r| json!({"regionCodes": [r]}))}),
            ));
        }
    }
    distinct.extend(
        shelves
            .iter()
            .map(|s| post(OUTLET_SHELF, json!({"slug": s, "first": 100}))),
    );
    distinct.extend(
        slugs
            .iter()
            .map(|s| post(PRODUCT_DETAIL, json!({"slug": s}))),
    );
    for province in reference.provinces().iter().map(|p| p.code.clone()) {
        for stars in 3..=5 {
            distinct.push(post(
                PRODUCTS_PAGE_FILTERED,
                json!({"first": 20, "filter": {"provinceCodes": [province], "minStars": stars}}),
            ));
        }
    }
    result.zipf_distinct = distinct.len();
    let zipf_mix = workload(zipf(distinct, 50_000, opts.seed));
    let mixed = workload(
        [&products_page, &product_detail, &outlet_shelf, &search]
            .iter()
            .flat_map(|w| w.requests.iter().take(50).cloned())
            .collect(),
    );
    let scenarios: Vec<(&str, Workload)> = vec![
        ("ceiling", ceiling),
        ("graphql_trivial", trivial),
        ("products_page", products_page),
        ("product_detail", product_detail),
        ("outlet_shelf", outlet_shelf),
        ("search", search),
        ("search_cold", search_cold),
        ("suggest", suggest),
        ("mixed", mixed.clone()),
        ("verify_page", verify_page),
        ("products_page_cold", products_page_cold),
        ("not_modified", not_modified),
    ];
    for (name, w) in scenarios {
        eprintln!("[{} products] {name}", opts.products);
        let stats = load::drive(&base, vec![(w, opts.connections)], opts.duration, opts.seed).await;
        result.scenarios.insert(name.to_owned(), stats[0].clone());
    }
    // The Zipf mix last, on a cache that has seen the rest: its own hit rate.
    eprintln!("[{} products] zipf_mix", opts.products);
    let before = cache_lookups(&server.metrics).await?;
    let stats = load::drive(
        &base,
        vec![(zipf_mix, opts.connections)],
        opts.duration,
        opts.seed,
    )
    .await;
    let after = cache_lookups(&server.metrics).await?;
    let (hits, misses) = (after.0 - before.0, after.1 - before.1);
    result.zipf_hit_rate = hits / (hits + misses).max(1.0);
    result
        .scenarios
        .insert("zipf_mix".to_owned(), stats[0].clone());
    result.rss_anon_mib = proc_status_mib(pid, "RssAnon");
    result.rss_file_mib = proc_status_mib(pid, "RssFile");
    // One report at a time: its latency is the figure, not throughput.
    for (name, w) in [
        ("statistics", statistics),
        ("statistics_full", uncached(STATISTICS_FULL, json!({}))),
    ] {
        eprintln!("[{} products] {name}", opts.products);
        let stats = load::drive(&base, vec![(w, 1)], opts.duration, opts.seed).await;
        result.scenarios.insert(name.to_owned(), stats[0].clone());
    }

    // The same searches straight against the engine, at 16 connections and at 1: a library
    // call on the same embedded index, or a plain HTTP request to Meilisearch (not through the
    // SDK), beside the cold GraphQL searches at 1 connection.
    let today = day(ocop_api::clock::today());
    for (name, connections) in [("search_direct", opts.connections), ("search_direct_1", 1)] {
        eprintln!("[{} products] {name}", opts.products);
        let stats = match &engine {
            Engine::Embedded(_) => {
                let direct = engine.open()?;
                load::drive_calls(connections, opts.duration, move |i| {
                    let direct = direct.clone();
                    async move {
                        let search = direct_search(i, today);
                        direct.search_products(&search).await.is_ok()
                    }
                })
                .await
            }
            Engine::Meili(options) => {
                let (client, url, key) = meili_direct(options)?;
                load::drive_calls(connections, opts.duration, move |i| {
                    let request = client
                        .post(&url)
                        .bearer_auth(&key)
                        .json(&meili_body(i, today));
                    async move { request.send().await.is_ok_and(|r| r.status().is_success()) }
                })
                .await
            }
        };
        result.scenarios.insert(name.to_owned(), stats);
    }
    for (name, w) in [("search_cold_1", search_cold_1), ("suggest_1", suggest_1)] {
        eprintln!("[{} products] {name}", opts.products);
        let stats = load::drive(&base, vec![(w, 1)], opts.duration, opts.seed).await;
        result.scenarios.insert(name.to_owned(), stats[0].clone());
    }

    // The mix while one connection in ten sends the costliest query the limits allow.
    eprintln!("[{} products] mixed_under_abuse", opts.products);
    let abusers = (opts.connections / 10).max(1);
    let abuse = Workload {
        requests: vec![Prepared::Post(
            json!({"query": costliest_query()}).to_string(),
        )],
        key: None,
    };
    let stats = load::drive(
        &base,
        vec![(mixed, opts.connections - abusers), (abuse, abusers)],
        opts.duration,
        opts.seed,
    )
    .await;
    result
        .scenarios
        .insert("mixed_under_abuse".to_owned(), stats[0].clone());
    result.abuse.insert("accepted".to_owned(), stats[1].ok);
    result.abuse.insert("refused".to_owned(), stats[1].errors);

    // Write → searchable.
    eprintln!(
        "[{} products] write→searchable × {}",
        opts.products, opts.writes
    );
    let mut latencies = Vec::with_capacity(opts.writes);
    let client = reqwest::Client::new();
    let mut rng = StdRng::seed_from_u64(opts.seed);
    for i in 0..opts.writes {
        let slug = &slugs[i % slugs.len()];
        let seen: serde_json::Value = client
            .post(format!("{base}/graphql"))
            .bearer_auth(&admin)
            .json(&json!({"query": "query($s: String!) { product(slug: $s) { id updatedAt } }", "variables": {"s": slug}}))
            .send()
            .await?
            .json()
            .await?;
        // Twelve random letters: a word no other product has, nor is one typo away from.
        let token: String = (0..12)
            .map(|_| char::from(b'a' + rng.random_range(0..26u8)))
            .collect();
        let id = seen["data"]["product"]["id"].clone();
        let started = Instant::now();
        let updated: serde_json::Value = client
            .post(format!("{base}/graphql"))
            .bearer_auth(&admin)
            .json(&json!({"query": "mutation($id: ID!, $i: UpdateProductInput!) { updateProduct(id: $id, input: $i) { id } }",
                          "variables": {"id": id, "i": {"expectedUpdatedAt": seen["data"]["product"]["updatedAt"], "description": format!("Cập nhật {token}")}}}))
            .send()
            .await?
            .json()
            .await?;
        anyhow::ensure!(updated.get("errors").is_none(), "{updated}");
        loop {
            let found: serde_json::Value = client
                .post(format!("{base}/graphql"))
                .bearer_auth(&partner)
                .json(&json!({"query": "query($q: String!) { searchProducts(query: $q, filter: {certification: ANY}) { hits { product { id } } } }", "variables": {"q": token}}))
                .send()
                .await?
                .json()
                .await?;
            let hits = found["data"]["searchProducts"]["hits"].as_array();
            if hits.is_some_and(|h| h.iter().any(|h| h["product"]["id"] == id)) {
                break;
            }
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(30),
                "update {i} never became searchable"
            );
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        latencies.push(started.elapsed().as_micros() as u32);
    }
    let w = load::summarise(latencies.clone(), 0, Duration::from_secs(1));
    result.write_to_searchable_ms = BTreeMap::from([
        ("p50".to_owned(), w.p50_ms),
        ("p99".to_owned(), w.p99_ms),
        (
            "max".to_owned(),
            f64::from(latencies.iter().copied().max().unwrap_or(0)) / 1000.0,
        ),
        ("n".to_owned(), latencies.len() as f64),
    ]);
    result.peak_rss_mib = proc_status_mib(pid, "VmHWM");

    // Two more servers on the same database: every write must reach all three indexes.
    eprintln!("[{} products] starting two more servers", opts.products);
    let more = follow::more_servers(dir.path(), &database_url, &engine).await?;
    let mut bases = vec![base.clone()];
    bases.extend(more.iter().map(|s| s.base.clone()));
    let writes = opts.writes.min(300);
    eprintln!(
        "[{} products] write→searchable on 3 servers × {writes}",
        opts.products
    );
    result.write_to_searchable_3_servers_ms =
        follow::write_to_searchable_everywhere(&bases, &admin, &partner, &slugs, writes, opts.seed)
            .await?;
    drop(more);
    drop(server);
    Ok(result)
}

//! One benchmark run at one catalogue size: generate, import, export, reindex, start the real
//! server as a child process, drive each scenario over HTTP, and measure the rest.
//!
//! Over 300 lines: [`at_size`] is the run's scenarios in order, each using what the ones before
//! left (the database, the index, the running server and its warm caches).

mod queries;
mod server;

use std::{
    collections::BTreeMap,
    fs::File,
    io::{BufReader, BufWriter},
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
use rand::{Rng, SeedableRng, rngs::StdRng};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use serde_json::json;

use crate::{
    follow,
    generate::{self, Spec},
    load::{self, Prepared, Stats, Workload},
};

use queries::{
    OUTLET_SHELF, PRODUCT_DETAIL, PRODUCTS_PAGE, PRODUCTS_PAGE_FILTERED, SEARCH, SEARCH_PAGED,
    STATISTICS, STATISTICS_FULL, SUGGEST, direct_search, meili_body, meili_direct, post,
    urlencoding, zipf,
};
pub use queries::{QUERIES, TYPED, costliest_query};
pub use server::{Engine, Server, start_server};
use server::{cache_lookups, proc_status_mib, sql_statements};

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

//! Following the catalogue: write → searchable on every one of three servers, `catalogueChanges`
//! throughput, and the streamed HTTP export against `ocop export` to a file.

use std::{
    collections::BTreeMap,
    path::Path,
    time::{Duration, Instant},
};

use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::json;

use crate::{
    load,
    run::{Engine, Server, start_server},
};

const CHANGES: &str = "query($after: String) { catalogueChanges(after: $after, first: 100) { pageInfo { endCursor hasNextPage } nodes { position kind id operation changedAt product { id slug name stars updatedAt } } } }";

/// Two more servers on the first one's database (`database`: its SQLite file or PostgreSQL),
/// each with an index of its own (or the same Meilisearch); they build their indexes at
/// start-up.
pub async fn more_servers(
    root: &Path,
    database: &str,
    engine: &Engine,
) -> anyhow::Result<Vec<Server>> {
    let mut servers = Vec::new();
    for n in 2..=3 {
        let dir = root.join(format!("server-{n}"));
        std::fs::create_dir_all(&dir)?;
        servers.push(start_server(&dir, engine, &[("DATABASE_URL", database.to_owned())]).await?);
    }
    Ok(servers)
}

/// Updates products through the servers in turn and times each until every server finds it.
pub async fn write_to_searchable_everywhere(
    bases: &[String],
    admin: &str,
    partner: &str,
    slugs: &[String],
    writes: usize,
    seed: u64,
) -> anyhow::Result<BTreeMap<String, f64>> {
    let client = reqwest::Client::new();
    let mut rng = StdRng::seed_from_u64(seed ^ 0x3);
    let mut latencies = Vec::with_capacity(writes);
    for i in 0..writes {
        let base = &bases[i % bases.len()];
        let slug = &slugs[(i * 7) % slugs.len()];
        let seen: serde_json::Value = client
            .post(format!("{base}/graphql"))
            .bearer_auth(admin)
            .json(&json!({"query": "query($s: String!) { product(slug: $s) { id updatedAt } }", "variables": {"s": slug}}))
            .send()
            .await?
            .json()
            .await?;
        let token: String = (0..12)
            .map(|_| char::from(b'a' + rng.random_range(0..26u8)))
            .collect();
        let id = seen["data"]["product"]["id"].clone();
        let started = Instant::now();
        let updated: serde_json::Value = client
            .post(format!("{base}/graphql"))
            .bearer_auth(admin)
            .json(&json!({"query": "mutation($id: ID!, $i: UpdateProductInput!) { updateProduct(id: $id, input: $i) { id } }",
                          "variables": {"id": id, "i": {"expectedUpdatedAt": seen["data"]["product"]["updatedAt"], "description": format!("Cập nhật {token}")}}}))
            .send()
            .await?
            .json()
            .await?;
        anyhow::ensure!(updated.get("errors").is_none(), "{updated}");
        let mut waiting: Vec<&String> = bases.iter().collect();
        while !waiting.is_empty() {
            let mut still = Vec::new();
            for base in waiting {
                let found: serde_json::Value = client
                    .post(format!("{base}/graphql"))
                    .bearer_auth(partner)
                    .json(&json!({"query": "query($q: String!) { searchProducts(query: $q, filter: {certification: ANY}) { hits { product { id } } } }", "variables": {"q": token}}))
                    .send()
                    .await?
                    .json()
                    .await?;
                let hits = found["data"]["searchProducts"]["hits"].as_array();
                if !hits.is_some_and(|h| h.iter().any(|h| h["product"]["id"] == id)) {
                    still.push(base);
                }
            }
            waiting = still;
            anyhow::ensure!(
                started.elapsed() < Duration::from_secs(30),
                "update {i} never became searchable everywhere"
            );
            if !waiting.is_empty() {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        }
        latencies.push(started.elapsed().as_micros() as u32);
    }
    Ok(latency_summary(latencies))
}

/// `p50`, `p99`, `max` in ms and `n`.
pub fn latency_summary(latencies: Vec<u32>) -> BTreeMap<String, f64> {
    let max = f64::from(latencies.iter().copied().max().unwrap_or(0)) / 1000.0;
    let n = latencies.len() as f64;
    let w = load::summarise(latencies, 0, Duration::from_secs(1));
    BTreeMap::from([
        ("p50".to_owned(), w.p50_ms),
        ("p99".to_owned(), w.p99_ms),
        ("max".to_owned(), max),
        ("n".to_owned(), n),
    ])
}

/// Changes per second served to `connections` partners, each walking the log from its own
/// starting point, in pages of 100 changes with their products.
pub async fn changes_per_second(
    base: &str,
    partner: &str,
    head: i64,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<f64> {
    let client = reqwest::Client::new();
    let started = Instant::now();
    let walkers = (0..connections).map(|c| {
        let (client, base, partner) = (client.clone(), base.to_owned(), partner.to_owned());
        async move {
            let start = head * c as i64 / connections.max(1) as i64;
            let mut after = cursor(start);
            let mut changes = 0usize;
            while started.elapsed() < duration {
                let page: serde_json::Value = client
                    .post(format!("{base}/graphql"))
                    .bearer_auth(&partner)
                    .json(&json!({"query": CHANGES, "variables": {"after": after}}))
                    .send()
                    .await?
                    .json()
                    .await?;
                anyhow::ensure!(page.get("errors").is_none(), "{page}");
                let c = &page["data"]["catalogueChanges"];
                changes += c["nodes"].as_array().map_or(0, Vec::len);
                after = if c["pageInfo"]["hasNextPage"] == true {
                    c["pageInfo"]["endCursor"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned()
                } else {
                    cursor(0)
                };
            }
            anyhow::Ok(changes)
        }
    });
    let counts = futures::future::try_join_all(walkers).await?;
    Ok(counts.iter().sum::<usize>() as f64 / started.elapsed().as_secs_f64())
}

/// The cursor of `position` (as the server makes it).
fn cursor(position: i64) -> String {
    ocop_api::services::changes::cursor_of(position)
}

/// Streams `GET /export` and returns (seconds, bytes, growth of the server's anonymous resident
/// memory over its level before the export, MiB). Anonymous memory is the heap: the SQLite file
/// mapped into the process (`mmap_size`) is file-backed and left out.
pub async fn http_export(base: &str, partner: &str, pid: u32) -> anyhow::Result<(f64, u64, f64)> {
    let before = rss_mib(pid);
    let started = Instant::now();
    let response = reqwest::Client::new()
        .get(format!("{base}/export"))
        .bearer_auth(partner)
        .send()
        .await?;
    anyhow::ensure!(response.status() == 200, "export: {}", response.status());
    let mut response = response;
    let (mut bytes, mut peak) = (0u64, before);
    let mut sampled = Instant::now();
    while let Some(chunk) = response.chunk().await? {
        bytes += chunk.len() as u64;
        if sampled.elapsed() > Duration::from_millis(20) {
            peak = peak.max(rss_mib(pid));
            sampled = Instant::now();
        }
    }
    peak = peak.max(rss_mib(pid));
    Ok((started.elapsed().as_secs_f64(), bytes, peak - before))
}

fn rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("RssAnon:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

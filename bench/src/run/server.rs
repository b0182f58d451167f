//! The benchmarked server: started as a child process on the run's database and engine, and
//! read from outside (its memory, its metrics, the SQL statements of a request).

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    sync::Arc,
    time::Duration,
};

use anyhow::Context;
use ocop_search::{
    SearchBackend,
    embedded::EmbeddedBackend,
    meili::{MeiliBackend, MeiliOptions},
};
use serde_json::json;

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
pub(super) fn proc_status_mib(pid: u32, field: &str) -> f64 {
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
pub(super) async fn cache_lookups(metrics: &str) -> anyhow::Result<(f64, f64)> {
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

/// The search engine of a run: the embedded index in the data directory, or Meilisearch
/// (with indexes of its own) when `MEILI_URL` is set.
pub enum Engine {
    Embedded(std::path::PathBuf),
    Meili(MeiliOptions),
}

impl Engine {
    pub(super) fn choose(data_dir: &Path, products: usize) -> Self {
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

    pub(super) fn open(&self) -> anyhow::Result<Arc<dyn SearchBackend>> {
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

pub(super) async fn sql_statements(
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

//! A closed-loop load driver: `connections` tasks, each with one keep-alive connection, send
//! requests back to back for a fixed time and record every latency.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use rand::{Rng, SeedableRng, rngs::StdRng};
use serde::Serialize;

/// One request, prepared in advance so that the driver spends no time building it.
#[derive(Clone, Debug)]
pub enum Prepared {
    /// `GET url`.
    Get(String),
    /// `POST url` with a JSON body.
    Post(String),
    /// `POST url` with a JSON body in which [`UNIQUE`] is replaced by a number no other
    /// request of the run has: every request a new document.
    PostUnique(String),
    /// `GET url` with `If-None-Match: etag`: succeeds with 304 Not Modified.
    Conditional {
        /// The path and query.
        path: String,
        /// The validator the server gave.
        etag: String,
    },
}

/// The placeholder of [`Prepared::PostUnique`].
pub const UNIQUE: &str = "__UNIQUE__";

/// Numbers for [`Prepared::PostUnique`], shared by every connection.
static NEXT_UNIQUE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A pool of requests a scenario picks from, with the key to send them with.
#[derive(Clone, Debug)]
pub struct Workload {
    /// Requests to pick from at random.
    pub requests: Vec<Prepared>,
    /// `Authorization: Bearer` key.
    pub key: Option<String>,
}

/// Figures of one scenario.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Stats {
    /// Successful requests per second.
    pub rps: f64,
    /// Median latency, ms.
    pub p50_ms: f64,
    /// 95th percentile, ms.
    pub p95_ms: f64,
    /// 99th percentile, ms.
    pub p99_ms: f64,
    /// Requests that failed (transport error, non-200, or GraphQL errors).
    pub errors: u64,
    /// Successful requests.
    pub ok: u64,
}

/// Percentiles of latencies in microseconds.
pub fn summarise(mut latencies_us: Vec<u32>, errors: u64, elapsed: Duration) -> Stats {
    latencies_us.sort_unstable();
    let pct = |p: f64| {
        if latencies_us.is_empty() {
            return 0.0;
        }
        let i = ((latencies_us.len() as f64 - 1.0) * p).round() as usize;
        f64::from(latencies_us[i]) / 1000.0
    };
    Stats {
        rps: latencies_us.len() as f64 / elapsed.as_secs_f64(),
        p50_ms: pct(0.50),
        p95_ms: pct(0.95),
        p99_ms: pct(0.99),
        errors,
        ok: latencies_us.len() as u64,
    }
}

/// Requests sent in the first part of a scenario are not measured: connections open, caches
/// fill. A quarter of the measured time, at most one second.
fn warm_up(duration: Duration) -> Duration {
    (duration / 4).min(Duration::from_secs(1))
}

/// When a scenario's measurement starts and ends.
#[derive(Clone, Copy)]
struct Window {
    measured_from: Instant,
    until: Instant,
}

impl Window {
    fn after_warm_up(duration: Duration) -> Self {
        let measured_from = Instant::now() + warm_up(duration);
        Self {
            measured_from,
            until: measured_from + duration,
        }
    }
}

/// Latencies (µs) of the successful calls and the count of failed ones.
type Record = (Vec<u32>, u64);

/// One connection: `call` back to back until the window closes; calls sent during the warm-up
/// are not recorded.
async fn connection<Fut: Future<Output = bool>>(
    window: Window,
    mut call: impl FnMut() -> Fut,
) -> Record {
    let (mut latencies, mut errors) = (Vec::with_capacity(4096), 0);
    while Instant::now() < window.until {
        let sent = Instant::now();
        let ok = call().await;
        let took = sent.elapsed().as_micros().min(u128::from(u32::MAX)) as u32;
        if sent < window.measured_from {
            continue;
        }
        if ok {
            latencies.push(took);
        } else {
            errors += 1;
        }
    }
    (latencies, errors)
}

/// The figures of a group of connections.
async fn gather(tasks: Vec<tokio::task::JoinHandle<Record>>, window: Window) -> Stats {
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for t in tasks {
        let (l, e) = t.await.expect("a load task");
        latencies.extend(l);
        errors += e;
    }
    summarise(latencies, errors, window.measured_from.elapsed())
}

/// Runs workloads for `duration` after a [`warm_up`]: `mix[i]` is `(workload, connections)`.
/// Returns the figures of each workload.
pub async fn drive(
    base: &str,
    mix: Vec<(Workload, usize)>,
    duration: Duration,
    seed: u64,
) -> Vec<Stats> {
    let base = Arc::new(base.to_owned());
    let window = Window::after_warm_up(duration);
    let mut groups = Vec::new();
    for (g, (workload, connections)) in mix.into_iter().enumerate() {
        let workload = Arc::new(workload);
        let mut tasks = Vec::new();
        for c in 0..connections {
            let workload = workload.clone();
            let base = base.clone();
            let client = reqwest::Client::builder()
                .pool_max_idle_per_host(1)
                .timeout(Duration::from_secs(30))
                .build()
                .expect("a client");
            let mut rng = StdRng::seed_from_u64(seed ^ ((g as u64) << 32) ^ c as u64);
            tasks.push(tokio::spawn(connection(window, move || {
                let request = &workload.requests[rng.random_range(0..workload.requests.len())];
                let builder = match request {
                    Prepared::Get(path) => client.get(format!("{base}{path}")),
                    Prepared::Conditional { path, etag } => client
                        .get(format!("{base}{path}"))
                        .header("if-none-match", etag.as_str()),
                    Prepared::Post(body) => client
                        .post(format!("{base}/graphql"))
                        .header("content-type", "application/json")
                        .body(body.clone()),
                    Prepared::PostUnique(body) => {
                        let n = NEXT_UNIQUE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        client
                            .post(format!("{base}/graphql"))
                            .header("content-type", "application/json")
                            .body(body.replace(UNIQUE, &n.to_string()))
                    }
                };
                let builder = match &workload.key {
                    Some(k) => builder.bearer_auth(k),
                    None => builder,
                };
                let conditional = matches!(request, Prepared::Conditional { .. });
                async move {
                    match builder.send().await {
                        Ok(r) if conditional => r.status() == 304 && r.bytes().await.is_ok(),
                        Ok(r) if r.status() == 200 => {
                            r.bytes().await.is_ok_and(|b| !contains(&b, b"\"errors\""))
                        }
                        Ok(r) => {
                            let _ = r.bytes().await;
                            false
                        }
                        Err(_) => false,
                    }
                }
            })));
        }
        groups.push(tasks);
    }
    let mut out = Vec::new();
    for tasks in groups {
        out.push(gather(tasks, window).await);
    }
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Runs `call` from `connections` tasks for `duration` after a [`warm_up`] (library calls, no
/// HTTP).
pub async fn drive_calls<F, Fut>(connections: usize, duration: Duration, call: F) -> Stats
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = bool> + Send + 'static,
{
    let call = Arc::new(call);
    let window = Window::after_warm_up(duration);
    let tasks = (0..connections)
        .map(|c| {
            let call = call.clone();
            let mut i = c;
            tokio::spawn(connection(window, move || {
                i += connections;
                call(i - connections)
            }))
        })
        .collect();
    gather(tasks, window).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_come_from_the_sorted_latencies() {
        let s = summarise(
            (1..=100).map(|ms| ms * 1000).collect(),
            3,
            Duration::from_secs(2),
        );
        assert_eq!((s.p50_ms, s.p95_ms, s.p99_ms), (51.0, 95.0, 99.0));
        assert_eq!((s.ok, s.errors), (100, 3));
        assert_eq!(s.rps, 50.0);
    }
}

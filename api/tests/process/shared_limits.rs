//! Rate limits shared by several servers through a real Redis (Debian's `redis-server`, started
//! by the test on a free port), and the fallback to each server's own limits while it is down.

use super::*;

/// A `redis-server` of the test's own.
struct Redis {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Redis {
    /// Starts one on `port` (a free one when `None`); `None` when Redis is not installed.
    async fn start(port: Option<u16>) -> Option<Self> {
        let port = port.unwrap_or_else(|| free_address().port());
        let dir = tempfile::tempdir().expect("a temporary directory");
        let child = match Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
        {
            Ok(child) => child,
            Err(e) => {
                eprintln!("skipped: cannot start redis-server ({e}); .ci/run installs it");
                return None;
            }
        };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server does not listen"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Some(Self {
            child,
            port,
            _dir: dir,
        })
    }
}

/// The status of an anonymous request.
async fn status(server: &Server) -> u16 {
    server
        .client
        .http
        .post(server.client.url("/graphql"))
        .json(&json!({"query": "{ __typename }"}))
        .send()
        .await
        .expect("an answer")
        .status()
        .as_u16()
}

async fn ready(server: &Server) -> Value {
    server
        .client
        .http
        .get(server.client.url("/ready"))
        .send()
        .await
        .expect("an answer")
        .json()
        .await
        .expect("JSON")
}

async fn scrape(metrics: SocketAddr) -> String {
    reqwest::get(format!("http://{metrics}/metrics"))
        .await
        .expect("metrics answer")
        .text()
        .await
        .expect("a body")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_draw_on_one_limit_in_redis_and_fall_back_while_it_is_down() {
    let Some(mut redis) = Redis::start(None).await else {
        return;
    };
    let mut site = Site::new(Setup::Sqlite).await.expect("SQLite always runs");
    let database = format!("sqlite://{}?mode=rwc", site.path("ocop.db").display());
    let metrics = free_address();
    let mut servers = Vec::new();
    for name in ["a", "b"] {
        let dir = site.path(&format!("server-{name}"));
        std::fs::create_dir_all(&dir).expect("a data directory");
        let mut env = vec![
            (
                "OCOP_REDIS_URL",
                format!("redis://127.0.0.1:{}", redis.port),
            ),
            ("OCOP_LIMITS__ANONYMOUS_PER_SECOND", "1".to_owned()),
            ("OCOP_LIMITS__ANONYMOUS_BURST", "6".to_owned()),
            ("DATABASE_URL", database.clone()),
            ("OCOP_DATA_DIR", dir.to_str().expect("UTF-8").to_owned()),
        ];
        if name == "a" {
            env.push(("OCOP_METRICS_LISTEN", metrics.to_string()));
        }
        servers.push(site.serve_with(&env).await);
    }
    assert_eq!(ready(&servers[0]).await["rateLimits"]["store"], "redis");

    // Twelve requests from one address, to both servers in turn: alone, each server would take
    // all of them (a burst of 6 each); together they take the one burst of 6 (7 if a second
    // passes meanwhile).
    let mut accepted = [0; 2];
    for i in 0..12 {
        if status(&servers[i % 2]).await == 200 {
            accepted[i % 2] += 1;
        }
    }
    let total = accepted[0] + accepted[1];
    assert!((6..=7).contains(&total), "accepted {accepted:?}");
    assert!(accepted[0] > 0 && accepted[1] > 0, "{accepted:?}");

    // Redis goes away: requests are still limited, by each server on its own, and it says so.
    redis
        .child
        .kill()
        .await
        .expect("SIGKILL reaches redis-server");
    assert_eq!(status(&servers[0]).await, 200, "served with local limits");
    let body = ready(&servers[0]).await;
    assert_eq!(body["rateLimits"]["status"], "fallback", "{body}");
    assert_eq!(body["status"], "ok", "still ready: {body}");
    let scraped = scrape(metrics).await;
    assert!(
        scraped.contains("\nocop_rate_limits_local_fallback 1\n"),
        "{scraped}"
    );
    let local: usize = {
        let mut n = 1;
        for _ in 0..10 {
            n += usize::from(status(&servers[0]).await == 200);
        }
        n
    };
    assert!((6..=7).contains(&local), "the local burst: {local}");

    // Redis is back: the servers share their limits again once they have tried it.
    let redis = Redis::start(Some(redis.port))
        .await
        .expect("it started before");
    let started = Instant::now();
    loop {
        status(&servers[0]).await;
        if ready(&servers[0]).await["rateLimits"]["status"] == "ok" {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "not back on Redis"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        scrape(metrics)
            .await
            .contains("\nocop_rate_limits_local_fallback 0\n")
    );
    drop(redis);
}

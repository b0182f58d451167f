//! GraphiQL in a real browser (Debian's `chromium`, headless; `.ci/run` installs it): the
//! explorer renders from the server's own files, and the page asks for nothing anywhere but the
//! server, as on a showroom or office network without internet access.

use super::*;

/// The browser, if installed.
fn chromium() -> Option<PathBuf> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Every URL the page asked for, from the browser's network log: the page itself (`url`), and
/// every request the page initiated (whose initiator is the page's origin). The browser's own
/// background requests, to its vendor's services, have no such initiator: they are not the
/// page's doing.
fn page_requests(netlog: &str, url: &str, origin: &str) -> Vec<String> {
    let log: Value = serde_json::from_str(netlog).expect("a JSON network log");
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_u64()
        .expect("the URL_REQUEST_START_JOB event type");
    let mut urls: Vec<String> = log["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| e["type"].as_u64() == Some(start_job))
        .filter(|e| {
            e["params"]["url"].as_str() == Some(url)
                || e["params"]["initiator"].as_str() == Some(origin)
        })
        .filter_map(|e| e["params"]["url"].as_str())
        .map(str::to_owned)
        .collect();
    urls.sort();
    urls.dedup();
    urls
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_renders_from_the_servers_own_files_and_asks_for_nothing_elsewhere() {
    let Some(browser) = chromium() else {
        eprintln!("skipped: chromium is not installed (.ci/run installs Debian's chromium)");
        return;
    };
    let mut site = Site::new(Setup::Sqlite).await.expect("SQLite always runs");
    // Production serves no explorer unless asked to.
    let closed = site
        .serve_with(&[("OCOP_ENV", "production".to_owned())])
        .await;
    let page = closed
        .client
        .http
        .get(closed.client.url("/graphql"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("an answer");
    assert_eq!(page.status(), 400, "no explorer in production by default");
    drop(closed);

    let server = site
        .serve_with(&[
            ("OCOP_ENV", "production".to_owned()),
            ("OCOP_GRAPHIQL", "true".to_owned()),
        ])
        .await;
    let profile = tempfile::tempdir().expect("a browser profile directory");
    let netlog = site.path("netlog.json");
    let url = server.client.url("/graphql");
    let run = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-features=AutofillServerCommunication,OptimizationHints,Translate",
            "--virtual-time-budget=20000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg(&url)
        .kill_on_drop(true)
        .output();
    let out = tokio::time::timeout(Duration::from_secs(120), run)
        .await
        .expect("the browser finishes within two minutes")
        .expect("the browser runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("graphiql-container") && dom.contains("graphiql-editor"),
        "GraphiQL rendered; the page was:\n{}\nbrowser said:\n{}",
        dom.chars().take(2000).collect::<String>(),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dom.contains("Loading GraphiQL"), "still loading");

    let own = format!("http://{}/", server.client.addr);
    let urls = page_requests(
        &std::fs::read_to_string(&netlog).expect("the network log"),
        &url,
        own.trim_end_matches('/'),
    );
    let assets: Vec<&String> = urls.iter().filter(|u| u.contains("/graphiql/")).collect();
    assert_eq!(assets.len(), 4, "the page's four files: {urls:#?}");
    let elsewhere: Vec<&String> = urls
        .iter()
        .filter(|u| !u.starts_with(&own) && !u.starts_with("data:"))
        .collect();
    assert!(
        elsewhere.is_empty(),
        "the page asked for something outside the server: {elsewhere:#?}"
    );
}

//! A real browser (Debian's `chromium`, headless; `.ci/run` installs it) for the pages the
//! server renders: it loads a page, and says what the page became and every URL it asked for.

use super::*;

/// Headless Chromium.
pub struct Browser {
    path: PathBuf,
    profile: tempfile::TempDir,
}

/// A page as the browser left it.
pub struct Loaded {
    /// The DOM after scripts ran.
    pub dom: String,
    /// What the browser wrote on standard error.
    pub stderr: String,
    /// Every URL the page asked for (the page itself included), sorted.
    pub requests: Vec<String>,
}

impl Browser {
    /// The browser, or `None` (and the reason printed) when it is not installed.
    pub fn find() -> Option<Self> {
        let path = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .map(PathBuf::from)
            .find(|p| p.exists());
        if path.is_none() {
            eprintln!("skipped: chromium is not installed (.ci/run installs Debian's chromium)");
        }
        Some(Self {
            path: path?,
            profile: tempfile::tempdir().expect("a browser profile directory"),
        })
    }

    /// Runs the browser with `extra` arguments to its end (two minutes at most).
    async fn run(&self, extra: &[String]) -> std::process::Output {
        tokio::time::timeout(Duration::from_secs(120), self.command(extra).output())
            .await
            .expect("the browser finishes within two minutes")
            .expect("the browser runs")
    }

    fn command(&self, extra: &[String]) -> Command {
        let mut c = Command::new(&self.path);
        c.args([
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
        ])
        .arg(format!("--user-data-dir={}", self.profile.path().display()))
        .args(extra)
        .kill_on_drop(true);
        c
    }

    /// Loads `url` (whose origin is `origin`) and returns its DOM and requests.
    pub async fn load(&self, url: &str, origin: &str) -> Loaded {
        let netlog = self.profile.path().join("netlog.json");
        let out = self
            .run(&[
                "--dump-dom".into(),
                format!("--log-net-log={}", netlog.display()),
                url.into(),
            ])
            .await;
        let requests = page_requests(
            &std::fs::read_to_string(&netlog).expect("the network log"),
            url,
            origin,
        );
        Loaded {
            dom: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            requests,
        }
    }

    /// Saves a screenshot of `url` as a phone shows it.
    pub async fn screenshot(&self, url: &str, png: &std::path::Path) {
        let out = self
            .run(&[
                "--hide-scrollbars".into(),
                "--window-size=412,915".into(),
                format!("--screenshot={}", png.display()),
                url.into(),
            ])
            .await;
        assert!(png.exists(), "{}", String::from_utf8_lossy(&out.stderr));
    }
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

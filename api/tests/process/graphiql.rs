//! GraphiQL in a real browser (Debian's `chromium`, headless; `.ci/run` installs it): the
//! explorer renders from the server's own files, and the page asks for nothing anywhere but the
//! server, as on a showroom or office network without internet access.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphiql_renders_from_the_servers_own_files_and_asks_for_nothing_elsewhere() {
    let Some(browser) = browser::Browser::find() else {
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
    let url = server.client.url("/graphql");
    let own = format!("http://{}/", server.client.addr);
    let page = browser.load(&url, own.trim_end_matches('/')).await;
    let dom = &page.dom;
    assert!(
        dom.contains("graphiql-container") && dom.contains("graphiql-editor"),
        "GraphiQL rendered; the page was:\n{}\nbrowser said:\n{}",
        dom.chars().take(2000).collect::<String>(),
        page.stderr
    );
    assert!(!dom.contains("Loading GraphiQL"), "still loading");

    let urls = &page.requests;
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

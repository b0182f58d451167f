//! GraphiQL, the in-browser explorer, with its scripts and styles served from the binary
//! (`api/assets/graphiql`), so that it works without internet access. Served in development,
//! or when `OCOP_GRAPHIQL=true`.

use axum::{
    extract::Path,
    http::{StatusCode, header},
    response::{Html, IntoResponse, Response},
};

/// The vendored GraphiQL version: part of the assets' paths, so browsers may cache them for
/// good.
pub const VERSION: &str = "3.8.3";

/// Where the assets are served.
pub const ASSETS: &str = "/graphiql/3.8.3/{file}";

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ocop-catalog · GraphiQL</title>
<link rel="stylesheet" href="/graphiql/3.8.3/graphiql.min.css">
<style>body { margin: 0; } #graphiql { height: 100dvh; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/3.8.3/react.production.min.js"></script>
<script src="/graphiql/3.8.3/react-dom.production.min.js"></script>
<script src="/graphiql/3.8.3/graphiql.min.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({ url: "/graphql" });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true })
  );
</script>
</body>
</html>
"#;

/// The explorer's page.
pub fn page() -> Response {
    Html(PAGE).into_response()
}

/// One of the explorer's files.
pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, content_type): (&'static [u8], &str) = match file.as_str() {
        "graphiql.min.js" => (
            include_bytes!("../../assets/graphiql/graphiql.min.js"),
            "text/javascript; charset=utf-8",
        ),
        "graphiql.min.css" => (
            include_bytes!("../../assets/graphiql/graphiql.min.css"),
            "text/css; charset=utf-8",
        ),
        "react.production.min.js" => (
            include_bytes!("../../assets/graphiql/react.production.min.js"),
            "text/javascript; charset=utf-8",
        ),
        "react-dom.production.min.js" => (
            include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_page_names_the_vendored_version_and_nothing_outside_the_server() {
        assert!(super::ASSETS.contains(super::VERSION));
        let page = super::PAGE;
        assert_eq!(
            page.matches(&format!("/graphiql/{}/", super::VERSION))
                .count(),
            4
        );
        assert!(!page.contains("http"), "no absolute URL: {page}");
    }
}

//! `/graphql`: POST for operations, GET for GraphiQL in a browser or a query in the URL.

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};

use crate::{
    db::StatementCounter,
    graphql::{RequestInfo, loaders},
    startup::AppState,
};

/// Header carrying the number of SQL statements a request ran, when enabled.
pub const SQL_STATEMENTS_HEADER: &str = "x-ocop-sql-statements";

/// GET: GraphiQL for a browser without a query, otherwise the query in the URL.
pub async fn get_handler(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html && uri.query().is_none_or(|q| !q.contains("query=")) {
        return Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response();
    }
    match async_graphql::http::parse_query_string(uri.query().unwrap_or_default()) {
        Ok(request) => execute(state, request).await,
        Err(e) => (StatusCode::BAD_REQUEST, e.to_string()).into_response(),
    }
}

/// POST: one GraphQL operation.
pub async fn post_handler(State(state): State<AppState>, request: GraphQLRequest) -> Response {
    execute(state, request.into_inner()).await
}

async fn execute(state: AppState, request: async_graphql::Request) -> Response {
    let counter = StatementCounter::default();
    let request = request
        .data(RequestInfo {
            today: crate::clock::today(),
        })
        .data(loaders::for_request(state.db.clone()));
    let response = counter.scope(state.schema.execute(request)).await;
    let mut response = GraphQLResponse::from(response).into_response();
    if state.settings.expose_sql_count
        && let Ok(value) = HeaderValue::from_str(&counter.get().to_string())
    {
        response.headers_mut().insert(SQL_STATEMENTS_HEADER, value);
    }
    response
}

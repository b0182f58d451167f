//! `/graphql`: POST (JSON only) for operations, GET for GraphiQL in a browser or a query in the
//! URL. Requests are checked in order: size (before parsing), content type, key, shape
//! (batches), rate; then executed with a time limit.

mod run;

use std::{net::SocketAddr, time::Duration};

use async_graphql::{BatchRequest, parser::types::OperationType};
use axum::{
    body::Bytes,
    extract::{ConnectInfo, State},
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

use super::state::AppState;
use crate::{
    auth::Caller,
    error::AppError,
    services::{freshness::Freshness, keys},
};

/// Header carrying the number of SQL statements a request ran, when enabled.
pub const SQL_STATEMENTS_HEADER: &str = "x-ocop-sql-statements";

/// A GraphQL-shaped error response outside execution; never stored by HTTP caches.
fn error(status: StatusCode, code: &'static str, message: &str) -> Response {
    crate::metrics::error(code);
    let body = json!({ "errors": [{ "message": message, "extensions": { "code": code } }] });
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body.to_string(),
    )
        .into_response()
}

/// Takes the documents of requests that name them by hash, and refuses documents the caller
/// may not send ([`crate::routes::persisted_queries`]): the refusal's response, if any.
fn resolve_documents(
    state: &AppState,
    caller: &Caller,
    batch: &mut BatchRequest,
) -> Option<Response> {
    let requests = match batch {
        BatchRequest::Single(r) => std::slice::from_mut(r),
        BatchRequest::Batch(rs) => rs.as_mut_slice(),
    };
    requests
        .iter_mut()
        .find_map(|request| state.documents.resolve(request, caller).err())
        .map(|r| error(r.status, r.code, &r.message))
}

/// An error answered before execution, with its HTTP status.
pub(crate) fn app_error(err: &AppError) -> Response {
    err.log();
    error(err.status(), err.code(), &err.to_string())
}

/// A 429 with `Retry-After`.
pub(crate) fn rate_limited(wait: Duration) -> Response {
    let err = AppError::rate_limited(wait);
    let mut response = app_error(&err);
    if let AppError::RateLimited { retry_after_secs } = err
        && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// The caller of a request, from its `Authorization` header and address, and for a key the
/// [`Freshness`] read to check it against (a later cache lookup uses it too).
pub(crate) async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
) -> Result<(Caller, Option<Freshness>), Response> {
    let Some(authorization) = headers.get(header::AUTHORIZATION) else {
        let ip = state.proxies.client_ip(peer.ip(), headers);
        return Ok((Caller::Anonymous { ip }, None));
    };
    let fresh = state
        .freshness
        .now()
        .await
        .map_err(|e| app_error(&e.into()))?;
    keys::authenticate(
        &state.db,
        &state.keys,
        fresh.revoked_keys,
        authorization.to_str().unwrap_or("?"),
    )
    .await
    .map(|caller| (caller, Some(fresh)))
    .map_err(|e| app_error(&e))
}

/// GET: GraphiQL for a browser without a query (when enabled), otherwise the query in the URL
/// (never a mutation: 405).
pub async fn get_handler(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let asks = uri
        .query()
        .is_some_and(|q| q.contains("query=") || q.contains("extensions="));
    if wants_html && state.settings.graphiql() && !asks {
        return super::graphiql::page();
    }
    let request = match async_graphql::http::parse_query_string(uri.query().unwrap_or_default()) {
        Ok(r) => r,
        Err(e) => return error(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", &e.to_string()),
    };
    let (caller, fresh) = match caller(&state, &headers, peer).await {
        Ok(c) => c,
        Err(response) => return response,
    };
    let mut batch = BatchRequest::Single(request);
    if let Some(response) = resolve_documents(&state, &caller, &mut batch) {
        return response;
    }
    // A cacheable document is a query: only others are parsed again.
    if batch
        .iter_mut()
        .any(|r| !state.responses.cacheable(r) && is_mutation(r))
    {
        let mut response = error(
            StatusCode::METHOD_NOT_ALLOWED,
            "BAD_USER_INPUT",
            "mutations must be sent by POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let conditional = Http {
        get: true,
        if_none_match: headers.get(header::IF_NONE_MATCH).cloned(),
    };
    run(state, caller, fresh, batch, conditional).await
}

use run::run;

/// How the request came: over GET (cacheable by HTTP caches), with a validator or not.
#[derive(Default)]
struct Http {
    get: bool,
    if_none_match: Option<HeaderValue>,
}

fn is_mutation(request: &async_graphql::Request) -> bool {
    let Ok(doc) = async_graphql::parser::parse_query(&request.query) else {
        return false;
    };
    doc.operations.iter().any(|(name, op)| {
        op.node.ty == OperationType::Mutation
            && (request.operation_name.is_none()
                || name.map(|n| n.as_str()) == request.operation_name.as_deref())
    })
}

/// POST: one operation, or a batch (API keys only), as `application/json`.
pub async fn post_handler(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    debug_assert_eq!(method, Method::POST);
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_USER_INPUT",
            "send GraphQL requests as `Content-Type: application/json`",
        );
    }
    let (caller, fresh) = match caller(&state, &headers, peer).await {
        Ok(c) => c,
        Err(response) => return response,
    };
    let mut batch: BatchRequest = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                &format!("the body is not a GraphQL request: {e}"),
            );
        }
    };
    if let BatchRequest::Batch(requests) = &batch {
        if matches!(caller, Caller::Anonymous { .. }) {
            return error(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                "batched requests need an API key",
            );
        }
        let max = state.settings.limits.max_batch;
        if requests.is_empty() || requests.len() > max {
            return error(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                &format!(
                    "a batch holds 1 to {max} operations (got {})",
                    requests.len()
                ),
            );
        }
    }
    if let Some(response) = resolve_documents(&state, &caller, &mut batch) {
        return response;
    }
    run(state, caller, fresh, batch, Http::default()).await
}

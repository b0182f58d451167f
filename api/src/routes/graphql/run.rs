//! Running a checked request: the answer kept for it when the catalogue has not changed since
//! (or `304 Not Modified` for a GET that has it already), otherwise the operation executed
//! within the time limit, and its answer kept when it is a read that succeeded.

use std::time::Duration;

use async_graphql::{BatchRequest, BatchResponse};
use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

use super::{Http, SQL_STATEMENTS_HEADER, app_error, error, rate_limited};
use crate::{
    auth::Caller,
    db::StatementCounter,
    error::AppError,
    graphql::{RequestInfo, loaders},
    rate_limit::refusal::Refusal,
    routes::{response_cache, state::AppState},
    services::freshness::Freshness,
};

/// `Cache-Control` of a successful read: shared caches may keep an anonymous answer briefly and
/// serve it while they revalidate; an answer for a key is the key holder's alone, revalidated
/// every time.
fn cache_control(caller: &Caller) -> HeaderValue {
    HeaderValue::from_static(match caller {
        Caller::Anonymous { .. } => "public, max-age=5, stale-while-revalidate=30",
        Caller::Key(_) => "private, no-cache",
    })
}

/// Headers of a cacheable answer over GET.
fn validators(response: &mut Response, etag: HeaderValue, caller: &Caller) {
    let h = response.headers_mut();
    h.insert(header::ETAG, etag);
    h.insert(header::CACHE_CONTROL, cache_control(caller));
    h.insert(
        header::VARY,
        HeaderValue::from_static("Authorization, Accept-Encoding"),
    );
}

/// Answers `batch` for `caller`.
pub(super) async fn run(
    state: AppState,
    caller: Caller,
    fresh: Option<Freshness>,
    mut batch: BatchRequest,
    http: Http,
) -> Response {
    if batch.iter().any(|r| r.query.trim().is_empty()) {
        return error(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            "the request has no `query`",
        );
    }
    let operations = match &batch {
        BatchRequest::Single(_) => 1,
        BatchRequest::Batch(r) => r.len() as u32,
    };
    if let Err(wait) = state.limiter.check(&caller, operations).await {
        return rate_limited(wait);
    }
    let mut info = RequestInfo {
        today: crate::clock::today(),
        catalogue: fresh.map(|f| f.catalogue),
    };
    // A read-only operation's answer may be kept, and validated over GET.
    let cacheable = match &mut batch {
        BatchRequest::Single(r) => {
            (http.get || state.responses.enabled()) && state.responses.cacheable(r)
        }
        BatchRequest::Batch(_) => false,
    };
    let cache_key = match &batch {
        BatchRequest::Single(r) if cacheable => {
            let fresh = match fresh {
                Some(f) => Ok(f),
                None => state.freshness.now().await,
            };
            match fresh {
                Ok(f) => {
                    info.catalogue = Some(f.catalogue);
                    let index = response_cache::IndexReads {
                        status: &state.status,
                        db: &state.db,
                        search: state.search.as_ref(),
                    };
                    response_cache::key(index, &caller, info.today, f.catalogue, r)
                        .await
                        .ok()
                }
                Err(_) => None,
            }
        }
        _ => None,
    };
    if let Some(key) = &cache_key {
        if http.get
            && let Some(v) = &http.if_none_match
            && key.matches(v)
        {
            let mut response = StatusCode::NOT_MODIFIED.into_response();
            validators(&mut response, key.etag(), &caller);
            return response;
        }
        if let Some(cached) = state.responses.get(key) {
            if cached.extra_requests > 0
                && let Err(wait) = state.limiter.check(&caller, cached.extra_requests).await
            {
                return rate_limited(wait);
            }
            let mut response = (
                [(header::CONTENT_TYPE, "application/json")],
                cached.body.to_string(),
            )
                .into_response();
            if http.get {
                validators(&mut response, key.etag(), &caller);
            }
            return response;
        }
    }
    let counter = StatementCounter::default();
    let refusal = Refusal::default();
    let prepare = |r: async_graphql::Request| {
        r.data(info)
            .data(loaders::for_request(state.db.clone()))
            .data(caller.clone())
            .data(refusal.clone())
    };
    let batch = match batch {
        BatchRequest::Single(r) => BatchRequest::Single(prepare(r)),
        BatchRequest::Batch(rs) => BatchRequest::Batch(rs.into_iter().map(prepare).collect()),
    };
    let operations: Vec<String> = batch
        .iter()
        .map(|r| {
            let name = r
                .operation_name
                .as_deref()
                .or_else(|| crate::metrics::operation_name_in(&r.query));
            crate::metrics::operation_label(name)
        })
        .collect();
    let started = std::time::Instant::now();
    let limit = Duration::from_millis(state.settings.limits.request_timeout_ms);
    let executed =
        tokio::time::timeout(limit, counter.scope(state.schema.execute_batch(batch))).await;
    let Ok(response) = executed else {
        return app_error(&AppError::Timeout);
    };
    let took = started.elapsed();
    for (operation, r) in operations.into_iter().zip(responses(&response)) {
        crate::metrics::graphql_operation(operation, r, took);
    }
    let body = match &response {
        BatchResponse::Single(r) => serde_json::to_string(r),
        BatchResponse::Batch(rs) => serde_json::to_string(rs),
    };
    let body = match body {
        Ok(body) => body,
        Err(e) => return app_error(&AppError::Internal(e.into())),
    };
    // A query whose cost went over the caller's allowance is refused like a request over it.
    let retry_after = refusal.retry_after();
    let status = if retry_after.is_some() {
        StatusCode::TOO_MANY_REQUESTS
    } else {
        StatusCode::OK
    };
    let succeeded = responses(&response).all(|r| r.errors.is_empty());
    // What the query counted as against the rate limits, charged again on every hit.
    let extra_requests = responses(&response)
        .filter_map(|r| match r.extensions.get("cost") {
            Some(async_graphql::Value::Object(cost)) => match cost.get("requestedQueryCost") {
                Some(async_graphql::Value::Number(n)) => n.as_u64(),
                _ => None,
            },
            _ => None,
        })
        .map(|cost| {
            crate::graphql::armor::requests_for(
                usize::try_from(cost).unwrap_or(usize::MAX),
                state.settings.limits.cost_per_request,
            ) - 1
        })
        .sum();
    let body: std::sync::Arc<str> = body.into();
    let mut response = (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response();
    if let Some(key) = cache_key
        && succeeded
    {
        if http.get {
            validators(&mut response, key.etag(), &caller);
        }
        state.responses.insert(
            key,
            response_cache::Cached {
                body,
                extra_requests,
            },
        );
    } else if http.get {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(secs) = retry_after
        && let Ok(v) = HeaderValue::from_str(&secs.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    if state.settings.expose_sql_count
        && let Ok(value) = HeaderValue::from_str(&counter.get().to_string())
    {
        response.headers_mut().insert(SQL_STATEMENTS_HEADER, value);
    }
    response
}

fn responses(batch: &BatchResponse) -> impl Iterator<Item = &async_graphql::Response> {
    match batch {
        BatchResponse::Single(r) => std::slice::from_ref(r).iter(),
        BatchResponse::Batch(rs) => rs.iter(),
    }
}

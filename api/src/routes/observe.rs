//! What every request leaves behind: an `x-request-id` (taken from the request, or made up),
//! echoed in the response and carried by every log line written while serving it; an access-log
//! line; and the HTTP metrics.

use std::time::Instant;

use axum::{
    Router,
    extract::{MatchedPath, Request},
    middleware::{self, Next},
    response::Response,
};
use metrics::{counter, histogram};
use tower_http::{
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    trace::{DefaultOnResponse, TraceLayer},
};
use tracing::Level;

use crate::metrics::{HTTP_DURATION, HTTP_REQUESTS};

/// Wraps every route of `router`.
pub fn layer(router: Router) -> Router {
    // Added innermost first: the request id is set before the span that carries it is made.
    router
        .layer(middleware::from_fn(measure))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let id = request
                        .extensions()
                        .get::<RequestId>()
                        .and_then(|id| id.header_value().to_str().ok())
                        .unwrap_or_default();
                    // At ERROR level so that the span (and its request id) exists whatever the
                    // log filter lets through: a warning deep in a request still names it.
                    tracing::error_span!(
                        "request",
                        request_id = %id,
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// Counts the request and records its latency (to the response's head), by route.
async fn measure(matched: Option<MatchedPath>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = matched.map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    counter!(HTTP_REQUESTS, "route" => route.clone(), "method" => method.clone(), "status" => status)
        .increment(1);
    histogram!(HTTP_DURATION, "route" => route, "method" => method).record(started.elapsed());
    response
}

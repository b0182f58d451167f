//! HTTP routes: `/graphql` (GraphiQL in a browser), `/export` (a snapshot for partners),
//! `/health`, `/ready`, `/metrics`, and `/_bench/ceiling` when the benchmark asks for it.

pub mod bench;
pub mod export;
pub mod graphql;
pub mod health;
pub mod metrics;

use axum::{Router, extract::DefaultBodyLimit, routing::get};

use crate::startup::AppState;

/// The router of the service.
pub fn router(state: AppState) -> Router {
    let body_limit = DefaultBodyLimit::max(state.settings.limits.max_body_bytes);
    let bench = state.settings.bench_routes;
    let router = Router::new()
        .route(
            "/graphql",
            get(graphql::get_handler)
                .post(graphql::post_handler)
                .layer(body_limit),
        )
        .route(
            "/export",
            get(export::export).layer(tower_http::compression::CompressionLayer::new().gzip(true)),
        )
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/metrics", get(metrics::metrics));
    let router = if bench {
        router.route("/_bench/ceiling", get(bench::ceiling))
    } else {
        router
    };
    router.with_state(state)
}

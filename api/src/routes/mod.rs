//! HTTP routes: `/graphql` (GraphiQL in a browser), `/health`, `/ready`, `/metrics`.

pub mod graphql;
pub mod health;
pub mod metrics;

use axum::{Router, routing::get};

use crate::startup::AppState;

/// The router of the service.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/graphql",
            get(graphql::get_handler).post(graphql::post_handler),
        )
        .route("/health", get(health::health))
        .route("/ready", get(health::ready))
        .route("/metrics", get(metrics::metrics))
        .with_state(state)
}

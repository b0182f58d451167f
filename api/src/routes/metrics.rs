//! `/metrics` in the Prometheus text format, on the metrics listen address
//! (`OCOP_METRICS_LISTEN`), apart from the public port.

use std::time::Duration;

use axum::{Router, extract::State, http::header, response::IntoResponse, routing::get};

use super::state::AppState;

/// The router of the metrics listener.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .with_state(state)
}

/// Renders every metric; the index-lag gauges are read fresh for the scrape.
async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let report = tokio::time::timeout(
        Duration::from_secs(2),
        state.status.report(&state.db, state.search.as_ref()),
    )
    .await;
    if let Ok(Ok(r)) = report {
        crate::metrics::index_lag(
            &state.status.consumer(),
            r.pending_changes,
            r.oldest_pending_age_secs,
            r.last_error.is_some(),
        );
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::metrics::install().render(),
    )
}

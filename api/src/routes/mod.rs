//! HTTP routes: `/graphql` (and GraphiQL's page and files, when enabled), `/export` (a snapshot
//! for partners), `/v/{code}` (a certificate's verification page), `/statistics.csv`,
//! `/health`, `/ready`, and `/_bench/ceiling` when the benchmark asks for it. `/metrics` has a
//! listener of its own ([`metrics`]).

pub mod bench;
pub mod cross_origin;
pub mod export;
pub mod graphiql;
pub mod graphql;
pub mod health;
pub mod metrics;
pub mod observe;
pub mod persisted_queries;
pub mod response_cache;
pub mod state;
pub mod statistics_csv;
pub mod trusted_documents;
pub mod verification;

use axum::{Router, extract::DefaultBodyLimit, routing::get};

use state::AppState;

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
        .route("/export", get(export::export))
        .route("/v/{code}", get(verification::page))
        .route("/statistics.csv", get(statistics_csv::csv))
        .route("/health", get(health::health))
        .route("/ready", get(health::ready));
    let router = if state.settings.graphiql() {
        router.route(graphiql::ASSETS, get(graphiql::asset))
    } else {
        router
    };
    let router = if bench {
        router.route("/_bench/ceiling", get(bench::ceiling))
    } else {
        router
    };
    let router = router.layer(cross_origin::compression());
    let router = match state.settings.allowed_origins() {
        Ok(allowed) => match cross_origin::cors(allowed) {
            Some(cors) => router.layer(cors),
            None => router,
        },
        Err(e) => {
            // Checked when the settings are loaded; a bad value cannot reach here.
            tracing::error!(error = %e, "CORS is off");
            router
        }
    };
    observe::layer(router.with_state(state))
}

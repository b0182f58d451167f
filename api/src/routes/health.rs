//! Liveness and readiness.

use std::time::Duration;

use axum::{Json, extract::State, http::StatusCode};
use serde_json::{Value, json};

use super::state::AppState;
use crate::rate_limit::Store;

/// `/health`: the process is up.
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `/ready`: 200 when the database answers and this server's search index is built and in step
/// with the change log (lagging by at most `ready_max_lag_secs`); 503 otherwise. A search-engine
/// outage alone does not make the service unready (everything but search keeps working), but
/// changes it cannot apply soon make the index lag.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let (database, search, sync) = tokio::join!(
        tokio::time::timeout(Duration::from_secs(2), state.db.ping()),
        tokio::time::timeout(Duration::from_secs(2), state.search.health()),
        tokio::time::timeout(
            Duration::from_secs(2),
            state.status.report(&state.db, state.search.as_ref())
        ),
    );
    let database_ok = matches!(database, Ok(Ok(())));
    if !database_ok {
        tracing::warn!("readiness: database unavailable");
    }
    let sync = sync.ok().and_then(Result::ok);
    let in_step = sync
        .as_ref()
        .is_some_and(|r| r.in_step(state.settings.ready_max_lag_secs));
    let index_status = match &sync {
        Some(r) if r.building || r.position.is_none() => "building",
        Some(_) if !in_step => "lagging",
        Some(_) => "ok",
        None => "unknown",
    };
    let sync = match sync {
        Some(r) => json!({
            "status": index_status,
            "position": r.position,
            "head": r.head,
            "pendingChanges": r.pending_changes,
            "oldestPendingAgeSeconds": r.oldest_pending_age_secs,
            "lastSuccessfulSync": r.last_success.map(|t| t.to_rfc3339()),
            // The cause can name internal addresses: it is in the logs and, for ADMIN keys,
            // in `searchStatus`.
            "failing": r.last_error.is_some(),
            "deadLetters": r.dead_letters,
        }),
        _ => Value::Null,
    };
    let ready = database_ok && in_step;
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let rate_limits = match state.limiter.store() {
        Store::Memory => json!({ "store": "memory", "status": "ok" }),
        Store::Redis => json!({ "store": "redis", "status": "ok" }),
        // Still ready: requests are limited, per server, until Redis is back.
        Store::RedisFallback => json!({ "store": "redis", "status": "fallback" }),
    };
    (
        status,
        Json(json!({
            "rateLimits": rate_limits,
            "status": if ready { "ok" } else if database_ok { index_status } else { "unavailable" },
            "database": { "status": if database_ok { "ok" } else { "unavailable" } },
            "search": {
                "backend": state.search.name(),
                "status": if matches!(search, Ok(Ok(()))) { "ok" } else { "unavailable" },
                "sync": sync,
            },
        })),
    )
}

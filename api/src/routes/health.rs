//! Liveness and readiness.

use std::time::Duration;

use axum::{Json, extract::State, http::StatusCode};
use serde_json::{Value, json};

use crate::startup::AppState;

/// `/health`: the process is up.
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `/ready`: 200 when the database answers (the search engine's state is reported, but a search
/// outage does not make the service unready: everything but search keeps working); 503 otherwise.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let (database, search, sync) = tokio::join!(
        tokio::time::timeout(Duration::from_secs(2), state.db.ping()),
        tokio::time::timeout(Duration::from_secs(2), state.search.health()),
        tokio::time::timeout(Duration::from_secs(2), state.status.report(&state.db)),
    );
    let database_ok = matches!(database, Ok(Ok(())));
    if !database_ok {
        tracing::warn!("readiness: database unavailable");
    }
    let sync = match sync {
        Ok(Ok(r)) => json!({
            "pendingChanges": r.pending_changes,
            "oldestPendingAgeSeconds": r.oldest_pending_age_secs,
            "lastSuccessfulSync": r.last_success.map(|t| t.to_rfc3339()),
            "lastError": r.last_error,
        }),
        _ => Value::Null,
    };
    let status = if database_ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "status": if database_ok { "ok" } else { "unavailable" },
            "database": { "status": if database_ok { "ok" } else { "unavailable" } },
            "search": {
                "backend": state.search.name(),
                "status": if matches!(search, Ok(Ok(()))) { "ok" } else { "unavailable" },
                "sync": sync,
            },
        })),
    )
}

//! Liveness and readiness.

use axum::{Json, extract::State, http::StatusCode};
use serde_json::{Value, json};

use crate::startup::AppState;

/// `/health`: the process is up.
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `/ready`: the database answers. 503 otherwise.
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let database = tokio::time::timeout(std::time::Duration::from_secs(2), state.db.ping()).await;
    let (status, database) = match database {
        Ok(Ok(())) => (StatusCode::OK, json!({ "status": "ok" })),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                json!({ "status": "unavailable" }),
            )
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            json!({ "status": "timeout" }),
        ),
    };
    let ok = status == StatusCode::OK;
    (
        status,
        Json(json!({ "status": if ok { "ok" } else { "unavailable" }, "database": database })),
    )
}

//! `GET /export`: the whole catalogue as JSON Lines in the interchange format, for PARTNER and
//! ADMIN keys; gzip when the client sends `Accept-Encoding: gzip`.
//!
//! The body streams batch by batch from one database snapshot, so memory stays flat however
//! large the catalogue is. Its first line (the header record) states the change-log position
//! the snapshot is consistent with, as `changeLogPosition` and as a `catalogueChanges` cursor
//! (`changeLogCursor`): follow the changes from there. A failure half-way aborts the response,
//! so a client never takes a cut file for a whole one.

use std::net::SocketAddr;

use axum::{
    body::{Body, Bytes},
    extract::{ConnectInfo, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use ocop_entities::api_key::Role;
use tokio::sync::mpsc;

use super::graphql::{app_error, caller};
use super::state::AppState;
use crate::{auth::Caller, error::AppError, interchange};

/// Batches buffered between the database and the client.
const BUFFERED_BATCHES: usize = 2;

/// The handler.
pub async fn export(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let caller = match caller(&state, &headers, peer).await {
        Ok((c, _)) => c,
        Err(response) => return response,
    };
    let allowed = match &caller {
        Caller::Key(k) if matches!(k.role, Role::Partner | Role::Admin) => Ok(()),
        Caller::Key(_) => Err(AppError::Forbidden(
            "the export is for PARTNER and ADMIN keys".into(),
        )),
        Caller::Anonymous { .. } => Err(AppError::Unauthenticated(
            "the export needs an API key (Authorization: Bearer <key>)".into(),
        )),
    };
    if let Err(e) = allowed {
        return app_error(&e);
    }
    if let Err(wait) = state.limiter.check(&caller, 1).await {
        return super::graphql::rate_limited(wait);
    }
    let (tx, mut rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(BUFFERED_BATCHES);
    let db = state.db.clone();
    tokio::spawn(async move {
        let sent = tx.clone();
        let result = interchange::export::export_with(&db, |bytes| {
            let sent = sent.clone();
            async move {
                sent.send(Ok(Bytes::from(bytes)))
                    .await
                    .map_err(|_| anyhow::anyhow!("the client went away"))
            }
        })
        .await;
        match result {
            Ok(report) => tracing::info!(
                products = report.products,
                position = report.position,
                "export streamed"
            ),
            Err(e) => {
                tracing::warn!(error = format!("{e:#}"), "export failed half-way; aborted");
                let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
            }
        }
    });
    let stream = futures::stream::poll_fn(move |cx| rx.poll_recv(cx));
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/x-ndjson; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"ocop-catalogue.jsonl\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

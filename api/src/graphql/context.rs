//! What a resolver reads from its request: the schema's shared parts, the caller, today's date,
//! the catalogue position already read, the DataLoaders and a writer for mutations.

use std::sync::Arc;

use async_graphql::Context;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use super::loaders::Loaders;
use crate::{auth::Caller, error::AppError, reference::ReferenceData, services::write::Writer};

/// What every resolver may read: set once when the schema is built.
#[derive(Clone)]
pub struct Shared {
    /// The database.
    pub db: DatabaseConnection,
    /// Reference data.
    pub reference: Arc<ReferenceData>,
    /// The search engine.
    pub search: Arc<dyn ocop_search::SearchBackend>,
    /// Index synchronisation status.
    pub status: Arc<crate::indexing::SyncStatus>,
    /// Counts of product lists.
    pub counts: Arc<crate::services::count_cache::CountCache>,
    /// Settings.
    pub settings: Arc<crate::config::Settings>,
    /// Rate limits (for lookups that count as more than one request).
    pub rate_limits: Arc<crate::rate_limit::RateLimits>,
    /// The vocabulary that offers other spellings for searches that find nothing.
    pub spelling: Arc<crate::services::spelling::Spelling>,
}

/// What is fixed for the duration of one request.
#[derive(Clone, Copy, Debug)]
pub struct RequestInfo {
    /// Today's date in Việt Nam, read once per request so that every field agrees.
    pub today: NaiveDate,
    /// The catalogue's change-log position, when the request has read it since it arrived.
    pub catalogue: Option<i64>,
}

/// The shared state of a resolver's schema.
pub(crate) fn shared<'a>(ctx: &Context<'a>) -> &'a Shared {
    ctx.data_unchecked::<Shared>()
}

/// Today's date for this request (falls back to the clock outside a request).
pub(crate) fn today(ctx: &Context<'_>) -> NaiveDate {
    ctx.data_opt::<RequestInfo>()
        .map_or_else(crate::clock::today, |r| r.today)
}

/// The catalogue's change-log position this request has read, if it has read one.
pub(crate) fn known_catalogue(ctx: &Context<'_>) -> Option<i64> {
    ctx.data_opt::<RequestInfo>().and_then(|r| r.catalogue)
}

/// The request's loaders.
pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a Loaders, AppError> {
    ctx.data_opt::<Loaders>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("DataLoaders missing from the request")))
}

/// The caller of this request.
pub(crate) fn caller<'a>(ctx: &async_graphql::Context<'a>) -> Result<&'a Caller, AppError> {
    ctx.data_opt::<Caller>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the request has no caller")))
}

/// A writer for this request.
pub(crate) fn writer<'a>(ctx: &Context<'a>) -> Result<Writer<'a>, AppError> {
    let s = shared(ctx);
    Ok(Writer {
        db: &s.db,
        reference: &s.reference,
        caller: caller(ctx)?,
        status: &s.status,
    })
}

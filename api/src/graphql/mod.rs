//! The GraphQL schema: one query object per domain merged with `MergedObject`, types built from
//! entity models, per-request DataLoaders. No axum here.

pub mod loaders;
pub mod prefetch;
pub mod query;
pub mod types;

use std::sync::Arc;

use async_graphql::{Context, EmptyMutation, EmptySubscription, MergedObject, Schema};
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use crate::{error::AppError, reference::ReferenceData};

/// The root query.
#[derive(MergedObject, Default)]
pub struct Query(
    query::reference::ReferenceQuery,
    query::products::ProductQuery,
    query::outlets::OutletQuery,
    query::search::SearchQuery,
);

/// The schema type served at `/graphql`.
pub type AppSchema = Schema<Query, EmptyMutation, EmptySubscription>;

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
}

/// What is fixed for the duration of one request.
#[derive(Clone, Copy, Debug)]
pub struct RequestInfo {
    /// Today's date in Việt Nam, read once per request so that every field agrees.
    pub today: NaiveDate,
}

/// Builds the schema.
pub fn build_schema(shared: Shared) -> AppSchema {
    Schema::build(Query::default(), EmptyMutation, EmptySubscription)
        .data(shared)
        .finish()
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

/// The request's loaders.
pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a loaders::Loaders, AppError> {
    ctx.data_opt::<loaders::Loaders>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("DataLoaders missing from the request")))
}

/// Turns a loader failure into an internal error.
pub(crate) fn load_err(err: Arc<sea_orm::DbErr>) -> AppError {
    AppError::Internal(anyhow::anyhow!("{err}"))
}

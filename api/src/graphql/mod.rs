//! The GraphQL schema: one query object per domain merged with `MergedObject`, types built from
//! entity models, per-request DataLoaders. No axum here.

pub mod armor;
pub mod authentication;
pub mod loaders;
pub mod mutation;
pub mod prefetch;
pub mod query;
mod schema_contract;
pub mod types;

use std::sync::Arc;

use async_graphql::{Context, EmptySubscription, MergedObject, Schema};
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
    query::suggest::SuggestQuery,
    query::audit::AuditQuery,
    query::changes::ChangesQuery,
    query::verification::VerificationQuery,
    query::statistics::StatisticsQueryRoot,
);

/// The schema type served at `/graphql`.
pub type AppSchema = Schema<Query, mutation::Mutation, EmptySubscription>;

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

/// The schema in SDL: what `ocop schema` prints and `schema.graphql` publishes.
pub fn sdl() -> String {
    Schema::build(
        Query::default(),
        mutation::Mutation::default(),
        EmptySubscription,
    )
    .finish()
    .sdl()
}

/// Builds the schema with its limits; without introspection, field suggestions are off too.
pub fn build_schema(
    shared: Shared,
    limits: &crate::limits::Limits,
    rate_limits: Arc<crate::rate_limit::RateLimits>,
    introspection: bool,
) -> AppSchema {
    let builder = Schema::build(
        Query::default(),
        mutation::Mutation::default(),
        EmptySubscription,
    )
    .data(shared)
    .extension(armor::Limits {
        limits: Arc::new(limits.clone()),
        rate_limits,
    })
    .extension(authentication::WritesNeedAKey)
    .limit_directives(limits.max_directives)
    .limit_recursive_depth(64);
    if introspection {
        builder
    } else {
        builder.disable_introspection().disable_suggestions()
    }
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

/// The catalogue's change-log position this request has read, if it has read one.
pub(crate) fn known_catalogue(ctx: &Context<'_>) -> Option<i64> {
    ctx.data_opt::<RequestInfo>().and_then(|r| r.catalogue)
}

/// The request's loaders.
pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> Result<&'a loaders::Loaders, AppError> {
    ctx.data_opt::<loaders::Loaders>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("DataLoaders missing from the request")))
}

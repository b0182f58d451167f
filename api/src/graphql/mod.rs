//! The GraphQL schema: one query object per domain merged with `MergedObject`, types built from
//! entity models, per-request DataLoaders. No axum here.

pub mod armor;
pub mod authentication;
pub mod context;
pub mod errors;
pub mod loaders;
pub mod mutation;
pub mod prefetch;
pub mod query;
mod schema_contract;
pub mod types;

use std::sync::Arc;

use async_graphql::{EmptySubscription, MergedObject, Schema};

pub use context::{RequestInfo, Shared};
pub(crate) use context::{caller, known_catalogue, loaders, shared, today, writer};

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
    .extension(errors::ErrorCodes)
    .limit_directives(limits.max_directives)
    .limit_recursive_depth(64);
    if introspection {
        builder
    } else {
        builder.disable_introspection().disable_suggestions()
    }
    .finish()
}

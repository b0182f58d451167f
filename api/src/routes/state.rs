//! What every HTTP handler can reach: the service's shared parts, built once by
//! [`crate::startup`].

use std::sync::Arc;

use ocop_search::SearchBackend;
use sea_orm::DatabaseConnection;

use crate::{
    config::Settings, graphql::AppSchema, indexing::SyncStatus, rate_limit::RateLimits,
    reference::ReferenceData,
};

/// What every HTTP handler can reach: one allocation, shared (handlers clone it per request).
#[derive(Clone)]
pub struct AppState(Arc<Services>);

impl AppState {
    /// Shares `services` between handlers.
    pub fn new(services: Services) -> Self {
        Self(Arc::new(services))
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct Services {
    /// The database.
    pub db: DatabaseConnection,
    /// The GraphQL schema.
    pub schema: AppSchema,
    /// Reference data.
    pub reference: Arc<ReferenceData>,
    /// The search engine.
    pub search: Arc<dyn SearchBackend>,
    /// Index synchronisation status.
    pub status: Arc<SyncStatus>,
    /// Settings.
    pub settings: Arc<Settings>,
    /// Rate limiters.
    pub limiter: Arc<RateLimits>,
    /// Whose forwarding headers name the client.
    pub proxies: Arc<crate::client_ip::TrustedProxies>,
    /// Answers of read-only operations.
    pub responses: Arc<super::response_cache::ResponseCache>,
    /// Reads of the catalogue's position and the keys' revocations, shared by requests.
    pub freshness: crate::services::freshness::FreshnessReads,
    /// API keys read from the database.
    pub keys: crate::services::keys::KnownKeys,
    /// Documents answered by hash, and who may send others.
    pub documents: super::persisted_queries::PersistedQueries,
}

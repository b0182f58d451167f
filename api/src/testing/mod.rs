//! The in-process test layer: a migrated in-memory SQLite database with the reference data,
//! the real GraphQL schema over it, and callers holding real keys. Schema tests run operations
//! with `schema.execute` and service tests call `services` directly: no server, no HTTP, no
//! files but the empty search index. (The `tests` crate covers the same behaviour over HTTP.)
//! The tests live here too, so that no module of the product imports the harness.

mod schema;
mod structure;
mod writes;

use std::{net::Ipv4Addr, sync::Arc};

use async_graphql::{Request, Response, Variables};
use ocop_entities::api_key::Role;
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::{
    auth::{Caller, KeyIdentity},
    config::Settings,
    graphql::{self, AppSchema, RequestInfo, Shared, loaders},
    indexing::SyncStatus,
    rate_limit::{RateLimits, refusal::Refusal},
    reference::ReferenceData,
    services::{count_cache::CountCache, freshness::FreshnessReads, keys, write::Writer},
};

/// One catalogue in memory, and the schema serving it.
pub struct Harness {
    /// The database (one connection: an in-memory SQLite database lives in its connection).
    pub db: DatabaseConnection,
    /// Reference data read from it.
    pub reference: Arc<ReferenceData>,
    /// Index status, woken by writes.
    pub status: Arc<SyncStatus>,
    /// The schema, as `/graphql` serves it (introspection on).
    pub schema: AppSchema,
    _index: tempfile::TempDir,
}

impl Harness {
    /// A migrated, empty catalogue with the 34 provinces and their wards.
    pub async fn new() -> Self {
        let mut options = ConnectOptions::new("sqlite::memory:");
        options
            .max_connections(1)
            .min_connections(1)
            .sqlx_logging(false);
        let db = Database::connect(options).await.expect("in-memory SQLite");
        crate::db::migrate(&db).await.expect("migrations");
        let reference = Arc::new(ReferenceData::load(&db).await.expect("reference data"));
        let index = tempfile::tempdir().expect("a temporary directory");
        let search = Arc::new(
            ocop_search::embedded::EmbeddedBackend::open(index.path()).expect("an empty index"),
        );
        let status = Arc::new(SyncStatus::new("embedded", "embedded"));
        let settings = Arc::new(Settings::default());
        let rate_limits =
            Arc::new(RateLimits::with_redis(&settings.limits, None).expect("local limits"));
        let schema = graphql::build_schema(
            Shared {
                db: db.clone(),
                reference: reference.clone(),
                search,
                status: status.clone(),
                counts: Arc::new(CountCache::new(FreshnessReads::new(db.clone()))),
                settings: settings.clone(),
                rate_limits: rate_limits.clone(),
                spelling: Default::default(),
            },
            &settings.limits,
            rate_limits,
            true,
        );
        Self {
            db,
            reference,
            status,
            schema,
            _index: index,
        }
    }

    /// A caller holding a new key of `role`.
    pub async fn caller(&self, role: Role, provinces: &[&str]) -> Caller {
        let new = keys::NewKey {
            name: format!("{role:?} in-process key"),
            role,
            provinces: provinces.iter().map(|p| p.to_string()).collect(),
            outlet_id: None,
            expires_at: None,
        };
        let (key, _) = keys::create(&self.db, &self.reference, new, "test")
            .await
            .unwrap_or_else(|e| panic!("the key is created: {}", e));
        Caller::Key(KeyIdentity {
            id: key.id,
            name: key.name,
            role: key.role,
            provinces: key.provinces.0,
            outlet_id: key.outlet_id,
        })
    }

    /// A caller without a key.
    pub fn anonymous() -> Caller {
        Caller::Anonymous {
            ip: Ipv4Addr::LOCALHOST.into(),
        }
    }

    /// A writer for `caller`, as a mutation gets one.
    pub fn writer<'a>(&'a self, caller: &'a Caller) -> Writer<'a> {
        Writer {
            db: &self.db,
            reference: &self.reference,
            caller,
            status: &self.status,
        }
    }

    /// Runs `query` with `variables` for `caller`, with the request data `/graphql` adds.
    pub async fn execute(
        &self,
        caller: &Caller,
        query: &str,
        variables: serde_json::Value,
    ) -> Response {
        let request = Request::new(query)
            .variables(Variables::from_json(variables))
            .data(RequestInfo {
                today: crate::clock::today(),
                catalogue: None,
            })
            .data(loaders::for_request(self.db.clone()))
            .data(caller.clone())
            .data(Refusal::default());
        self.schema.execute(request).await
    }
}

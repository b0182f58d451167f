//! Building and running the service: database, migrations, reference data, demo catalogue,
//! search backend and index follower, schema, router; graceful shutdown.

use std::{net::SocketAddr, sync::Arc};

use anyhow::Context;
use ocop_search::SearchBackend;
use sea_orm::DatabaseConnection;
use tokio::{net::TcpListener, sync::watch};

use crate::{
    config::Settings,
    db, demo,
    graphql::{self, AppSchema, Shared},
    indexing::{self, IndexFollower, SyncStatus, follower::FollowerConfig},
    rate_limit::RateLimits,
    reference::ReferenceData,
    routes,
};

/// What every HTTP handler can reach.
#[derive(Clone)]
pub struct AppState {
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
}

/// A built service, bound to its port but not yet serving.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    follower: IndexFollower,
}

impl Application {
    /// Builds with the search engine the settings choose.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let search = indexing::backend::from_settings(&settings)?;
        Self::build_with_search(settings, search).await
    }

    /// Connects to and migrates the database, loads the demo catalogue into an empty one when
    /// enabled, and binds the listener (port 0 picks a free port).
    pub async fn build_with_search(
        settings: Settings,
        search: Arc<dyn SearchBackend>,
    ) -> anyhow::Result<Self> {
        let db = db::connect(&settings).await?;
        db::migrate(&db).await?;
        let reference = Arc::new(
            ReferenceData::load(&db)
                .await
                .context("cannot read the reference data")?,
        );
        if settings.demo {
            demo::load_if_empty(&db, &reference).await?;
        }
        // An index with no position (new, or left by another version) is built by the
        // follower before it follows; searches find nothing until then.
        let status = Arc::new(SyncStatus::new(
            search.name(),
            format!("meilisearch:{}", settings.meili_index_prefix),
        ));
        let follower = IndexFollower::new(
            db.clone(),
            reference.clone(),
            search.clone(),
            status.clone(),
            FollowerConfig {
                lease: std::time::Duration::from_secs(settings.search_lease_secs),
                retention: std::time::Duration::from_secs(
                    u64::from(settings.change_log_retention_days) * 24 * 3600,
                ),
                ..FollowerConfig::default()
            },
        );
        let limiter = Arc::new(RateLimits::new(&settings.limits));
        let schema = graphql::build_schema(
            Shared {
                db: db.clone(),
                reference: reference.clone(),
                search: search.clone(),
                status: status.clone(),
                counts: Arc::default(),
            },
            &settings.limits,
            limiter.clone(),
            settings.introspection(),
        );
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen))?;
        let state = AppState {
            db,
            schema,
            reference,
            search,
            status,
            settings: Arc::new(settings),
            limiter,
        };
        Ok(Self {
            listener,
            state,
            follower,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// The shared state (tests use its database).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests, stops the index
    /// follower after its current pass, and returns.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let addr = self.local_addr();
        let router = routes::router(self.state.clone());
        let (stop_worker, worker_stopped) = watch::channel(false);
        let worker = self
            .state
            .settings
            .index_follower
            .then(|| tokio::spawn(self.follower.run(worker_stopped)));
        tracing::info!(
            %addr,
            graphiql = format!("http://{addr}/graphql"),
            database = self.state.settings.database_label(),
            search = self.state.search.name(),
            "ocop-catalog is ready"
        );
        let served = axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown)
        .await;
        let _ = stop_worker.send(true);
        if let Some(worker) = worker
            && let Err(e) = worker.await
        {
            tracing::error!(error = %e, "the index follower panicked");
        }
        self.state.db.clone().close().await.ok();
        served.context("server error")?;
        tracing::info!("ocop-catalog stopped");
        Ok(())
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown requested; finishing in-flight requests");
}

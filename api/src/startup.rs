//! Building and running the service: database, migrations, reference data, demo catalogue,
//! search backend and index follower, schema, router; graceful shutdown.

use std::{future::IntoFuture, net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use ocop_search::SearchBackend;
use tokio::{net::TcpListener, sync::watch};

use crate::{
    config::Settings,
    db, demo,
    graphql::{self, Shared},
    indexing::{self, IndexFollower, SyncStatus, follower::FollowerConfig},
    rate_limit::RateLimits,
    reference::ReferenceData,
    routes::{
        self,
        state::{AppState, Services},
    },
    services::count_cache::CountCache,
};

/// A built service, bound to its port but not yet serving.
pub struct Application {
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
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
        mut settings: Settings,
        search: Arc<dyn SearchBackend>,
    ) -> anyhow::Result<Self> {
        crate::metrics::install();
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
                lease: Duration::from_secs(settings.search_lease_secs),
                retention: Duration::from_secs(
                    u64::from(settings.change_log_retention_days) * 24 * 3600,
                ),
                ..FollowerConfig::default()
            },
        );
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen))?;
        if settings.public_url.is_none() {
            // Verification URLs point at this server when no public address is configured.
            settings.public_url = Some(format!("http://{}", listener.local_addr()?));
        }
        let settings = Arc::new(settings);
        let limiter = Arc::new(RateLimits::with_redis(
            &settings.limits,
            settings.redis_url.as_ref(),
        )?);
        let freshness = crate::services::freshness::FreshnessReads::new(db.clone());
        let schema = graphql::build_schema(
            Shared {
                db: db.clone(),
                reference: reference.clone(),
                search: search.clone(),
                status: status.clone(),
                counts: Arc::new(CountCache::new(freshness.clone())),
                settings: settings.clone(),
                rate_limits: limiter.clone(),
                spelling: Default::default(),
            },
            &settings.limits,
            limiter.clone(),
            settings.introspection(),
        );
        let metrics_listener = match settings.metrics_address()? {
            Some(addr) => Some(TcpListener::bind(addr).await.with_context(|| {
                format!("cannot listen for metrics on {addr} (set OCOP_METRICS_LISTEN, or off)")
            })?),
            None => None,
        };
        let proxies = Arc::new(crate::client_ip::TrustedProxies::parse(
            &settings.limits.trusted_proxies,
        )?);
        let responses = Arc::new(crate::routes::response_cache::ResponseCache::new(
            settings.response_cache_mib,
        ));
        let documents = crate::routes::persisted_queries::PersistedQueries::new(
            crate::routes::trusted_documents::TrustedDocuments::load(
                settings.trusted_documents.as_deref(),
            )?,
            settings.arbitrary_queries,
        );
        let state = AppState::new(Services {
            freshness,
            keys: Default::default(),
            responses,
            documents,
            db,
            schema,
            reference,
            search,
            status,
            settings,
            limiter,
            proxies,
        });
        Ok(Self {
            listener,
            metrics_listener,
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

    /// The address `/metrics` is served on, if any.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener
            .as_ref()
            .map(|l| l.local_addr().expect("a bound listener has an address"))
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
        let metrics = self.metrics_listener.map(|listener| {
            let router = routes::metrics::router(self.state.clone());
            let mut stopped = stop_worker.subscribe();
            tokio::spawn(async move {
                let stop = async move {
                    let _ = stopped.wait_for(|s| *s).await;
                };
                if let Err(e) = axum::serve(listener, router)
                    .with_graceful_shutdown(stop)
                    .await
                {
                    tracing::error!(error = %e, "the metrics listener failed");
                }
            })
        });
        tracing::info!(
            %addr,
            graphiql = format!("http://{addr}/graphql"),
            database = self.state.settings.database_label(),
            search = self.state.search.name(),
            "ocop-catalog is ready"
        );
        // Requests in flight may finish within the grace period; then the server stops anyway.
        let (signalled, mut stopping) = watch::channel(false);
        let shutdown = async move {
            shutdown.await;
            let _ = signalled.send(true);
        };
        let grace = Duration::from_secs(self.state.settings.shutdown_grace_secs);
        let serve = axum::serve(
            self.listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown);
        let served = tokio::select! {
            served = serve.into_future() => served,
            () = async {
                if stopping.wait_for(|s| *s).await.is_err() {
                    std::future::pending::<()>().await;
                }
                tokio::time::sleep(grace).await;
            } => {
                tracing::warn!(
                    grace_secs = grace.as_secs(),
                    "requests still in flight after the shutdown grace period; stopping anyway"
                );
                Ok(())
            }
        };
        let _ = stop_worker.send(true);
        if let Some(metrics) = metrics {
            let _ = metrics.await;
        }
        if let Some(worker) = worker
            && let Err(e) = worker.await
            && e.is_panic()
        {
            // A cancelled follower is the runtime shutting down under us, not a fault.
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

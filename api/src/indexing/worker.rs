//! The outbox worker: applies committed changes to the search index.
//!
//! Every catalogue write appends outbox rows in its own transaction. The worker claims pending
//! rows (with a lease, and `FOR UPDATE SKIP LOCKED` on PostgreSQL, so that several replicas never
//! process one row twice), re-reads the changed products and outlets from the database, writes
//! their documents, and only then marks the rows done. When the engine fails, the rows go back to
//! pending with a growing delay; nothing is lost.

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use chrono::Utc;
use ocop_entities::{ext::outbox::OutboxEntity, outbox};
use ocop_search::SearchBackend;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, Statement, sea_query::Expr,
};
use tokio::sync::watch;

use super::{SyncStatus, documents};
use crate::reference::ReferenceData;

/// Tuning of the worker.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    /// Rows claimed at once.
    pub batch_size: u64,
    /// How often to look for rows written by other processes.
    pub poll_interval: Duration,
    /// How long a claim holds before another worker may take the rows over.
    pub lease: Duration,
    /// Longest delay before a failed row is retried (the engine is probed meanwhile, and the
    /// rows are retried at once when it answers).
    pub max_backoff: Duration,
    /// How often a failing engine is probed.
    pub probe_interval: Duration,
    /// Processed rows older than this are deleted.
    pub keep_processed: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            batch_size: 500,
            poll_interval: Duration::from_millis(250),
            lease: Duration::from_secs(30),
            max_backoff: Duration::from_secs(10),
            probe_interval: Duration::from_secs(1),
            keep_processed: Duration::from_secs(24 * 3600),
        }
    }
}

/// A claimed outbox row.
#[derive(Clone, Debug)]
struct Claimed {
    id: i64,
    entity: Option<OutboxEntity>,
    entity_id: i64,
    attempts: i32,
}

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    /// Rows claimed.
    pub claimed: usize,
    /// Rows marked done.
    pub applied: usize,
}

/// The worker.
#[derive(Clone)]
pub struct OutboxWorker {
    db: DatabaseConnection,
    reference: Arc<ReferenceData>,
    search: Arc<dyn SearchBackend>,
    status: Arc<SyncStatus>,
    config: WorkerConfig,
}

/// Retry delay after `attempts` failures: 0.5 s, 1 s, 2 s… up to `max`.
pub fn backoff(attempts: i32, max: Duration) -> Duration {
    let exp = attempts.clamp(1, 16) as u32 - 1;
    Duration::from_millis(500u64.saturating_mul(1 << exp)).min(max)
}

impl OutboxWorker {
    /// A worker over `db` writing to `search`.
    pub fn new(
        db: DatabaseConnection,
        reference: Arc<ReferenceData>,
        search: Arc<dyn SearchBackend>,
        status: Arc<SyncStatus>,
        config: WorkerConfig,
    ) -> Self {
        Self {
            db,
            reference,
            search,
            status,
            config,
        }
    }

    /// Runs until `shutdown` turns true, finishing the batch in hand.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut settings_applied = false;
        let mut last_prune = std::time::Instant::now();
        // Consecutive failed passes; while positive, the engine is probed every second and the
        // failed rows are retried as soon as it answers again.
        let mut failures: i32 = 0;
        tracing::info!(backend = self.search.name(), "outbox worker started");
        while !*shutdown.borrow() {
            if failures > 0 && self.search.health().await.is_ok() {
                if let Err(e) = self.retry_now().await {
                    tracing::warn!(error = %e, "outbox worker: cannot reschedule failed rows");
                }
                failures = 0;
            }
            if !settings_applied {
                match self.search.apply_settings().await {
                    Ok(()) => settings_applied = true,
                    Err(e) => self.status.failed(format!("applying index settings: {e}")),
                }
            }
            let delay = if settings_applied {
                match self.run_once().await {
                    Ok(pass) if pass.applied < pass.claimed => {
                        failures += 1;
                        self.config.probe_interval
                    }
                    Ok(pass) if pass.claimed == self.config.batch_size as usize => Duration::ZERO,
                    Ok(_) if failures > 0 => self.config.probe_interval,
                    Ok(_) => self.config.poll_interval,
                    Err(e) => {
                        failures += 1;
                        tracing::warn!(error = %e, "outbox worker: database error");
                        self.status.failed(format!("database: {e}"));
                        backoff(failures, self.config.max_backoff)
                    }
                }
            } else {
                failures += 1;
                self.config.probe_interval
            };
            if last_prune.elapsed() > Duration::from_secs(600) {
                last_prune = std::time::Instant::now();
                if let Err(e) = self.prune().await {
                    tracing::warn!(error = %e, "outbox worker: pruning failed");
                }
            }
            if delay.is_zero() {
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                () = self.status.wake.notified() => {}
                _ = shutdown.changed() => {}
            }
        }
        tracing::info!("outbox worker stopped");
    }

    /// Claims one batch and applies it. Database errors are returned; search-engine errors are
    /// recorded on the rows (which go back to pending) and reported in the returned pass.
    pub async fn run_once(&self) -> Result<Pass, DbErr> {
        let switched_before = self.refresh().await;
        let rows = self.claim().await?;
        if rows.is_empty() {
            if !switched_before {
                self.status.succeeded();
            }
            return Ok(Pass::default());
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        match self.apply(&rows).await {
            Ok(()) => {
                self.mark_done(&ids).await?;
                // A rebuilt index may have been switched in while this batch was written to the
                // old one: apply the batch again to the new one.
                if self.refresh().await {
                    self.repend(&ids).await?;
                }
                self.status.succeeded();
                Ok(Pass {
                    claimed: rows.len(),
                    applied: rows.len(),
                })
            }
            Err(e) => {
                let attempts = rows.iter().map(|r| r.attempts).max().unwrap_or(0) + 1;
                tracing::warn!(error = %e, rows = rows.len(), attempts, "outbox worker: search engine error; will retry");
                self.status.failed(e.to_string());
                self.release(&ids, attempts, &e.to_string()).await?;
                Ok(Pass {
                    claimed: rows.len(),
                    applied: 0,
                })
            }
        }
    }

    async fn refresh(&self) -> bool {
        match self.search.refresh().await {
            Ok(switched) => switched,
            Err(e) => {
                tracing::warn!(error = %e, "outbox worker: cannot refresh the search index");
                false
            }
        }
    }

    async fn apply(&self, rows: &[Claimed]) -> anyhow::Result<()> {
        let mut products = BTreeSet::new();
        let mut outlets = BTreeSet::new();
        for r in rows {
            match r.entity {
                Some(OutboxEntity::Product) => {
                    products.insert(r.entity_id);
                }
                Some(OutboxEntity::Outlet) => {
                    outlets.insert(r.entity_id);
                }
                None => tracing::warn!(row = r.id, "outbox row of an unknown entity type; skipped"),
            }
        }
        if !products.is_empty() {
            let ids: Vec<i64> = products.into_iter().collect();
            let changes = documents::products(&self.db, &self.reference, &ids).await?;
            self.search
                .write_products(changes.upsert, changes.delete)
                .await?;
        }
        if !outlets.is_empty() {
            let ids: Vec<i64> = outlets.into_iter().collect();
            let changes = documents::outlets(&self.db, &self.reference, &ids).await?;
            self.search
                .write_outlets(changes.upsert, changes.delete)
                .await?;
        }
        Ok(())
    }

    /// Claims up to a batch of due, unclaimed rows, oldest first.
    async fn claim(&self) -> Result<Vec<Claimed>, DbErr> {
        let now = Utc::now();
        let until = now + chrono::Duration::from_std(self.config.lease).unwrap_or_default();
        let backend = self.db.get_database_backend();
        let lock = if backend == DatabaseBackend::Postgres {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let (p1, p2, p3, p4) = match backend {
            DatabaseBackend::Postgres => ("$1", "$2", "$3", "$4"),
            _ => ("?", "?", "?", "?"),
        };
        let sql = format!(
            "UPDATE outbox SET claimed_until = {p1} WHERE id IN (\
               SELECT id FROM outbox WHERE processed_at IS NULL AND available_at <= {p2} \
               AND (claimed_until IS NULL OR claimed_until < {p3}) ORDER BY id LIMIT {p4}{lock}) \
             RETURNING id, entity_type, entity_id, attempts"
        );
        let statement = Statement::from_sql_and_values(
            backend,
            sql,
            [
                until.into(),
                now.into(),
                now.into(),
                (self.config.batch_size as i64).into(),
            ],
        );
        let rows = self.db.query_all_raw(statement).await?;
        let mut claimed = Vec::with_capacity(rows.len());
        for row in rows {
            let entity: String = row.try_get("", "entity_type")?;
            claimed.push(Claimed {
                id: row.try_get("", "id")?,
                entity: OutboxEntity::parse(&entity),
                entity_id: row.try_get("", "entity_id")?,
                attempts: row.try_get("", "attempts")?,
            });
        }
        claimed.sort_by_key(|c| c.id);
        Ok(claimed)
    }

    async fn mark_done(&self, ids: &[i64]) -> Result<(), DbErr> {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::ProcessedAt, Expr::value(Utc::now()))
            .col_expr(
                outbox::Column::ClaimedUntil,
                Expr::value(Option::<chrono::DateTime<Utc>>::None),
            )
            .col_expr(
                outbox::Column::LastError,
                Expr::value(Option::<String>::None),
            )
            .filter(outbox::Column::Id.is_in(ids.to_vec()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    async fn repend(&self, ids: &[i64]) -> Result<(), DbErr> {
        outbox::Entity::update_many()
            .col_expr(
                outbox::Column::ProcessedAt,
                Expr::value(Option::<chrono::DateTime<Utc>>::None),
            )
            .col_expr(outbox::Column::AvailableAt, Expr::value(Utc::now()))
            .filter(outbox::Column::Id.is_in(ids.to_vec()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    async fn release(&self, ids: &[i64], attempts: i32, error: &str) -> Result<(), DbErr> {
        let retry_at = Utc::now()
            + chrono::Duration::from_std(backoff(attempts, self.config.max_backoff))
                .unwrap_or_default();
        let error: String = error.chars().take(1000).collect();
        outbox::Entity::update_many()
            .col_expr(outbox::Column::Attempts, Expr::value(attempts))
            .col_expr(outbox::Column::LastError, Expr::value(error))
            .col_expr(outbox::Column::AvailableAt, Expr::value(retry_at))
            .col_expr(
                outbox::Column::ClaimedUntil,
                Expr::value(Option::<chrono::DateTime<Utc>>::None),
            )
            .filter(outbox::Column::Id.is_in(ids.to_vec()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    async fn retry_now(&self) -> Result<(), DbErr> {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::AvailableAt, Expr::value(Utc::now()))
            .filter(outbox::Column::ProcessedAt.is_null())
            .filter(outbox::Column::AvailableAt.gt(Utc::now()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    async fn prune(&self) -> Result<u64, DbErr> {
        let before =
            Utc::now() - chrono::Duration::from_std(self.config.keep_processed).unwrap_or_default();
        let result = outbox::Entity::delete_many()
            .filter(outbox::Column::ProcessedAt.lt(before))
            .exec(&self.db)
            .await?;
        Ok(result.rows_affected)
    }
}

/// Puts back to pending every row created at or after `since` (after an index rebuild, whose
/// snapshot may have missed them).
pub async fn repend_since<C: ConnectionTrait>(
    db: &C,
    since: chrono::DateTime<Utc>,
) -> Result<u64, DbErr> {
    let result = outbox::Entity::update_many()
        .col_expr(
            outbox::Column::ProcessedAt,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(outbox::Column::AvailableAt, Expr::value(Utc::now()))
        .filter(outbox::Column::CreatedAt.gte(since))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_a_limit() {
        let max = Duration::from_secs(60);
        assert_eq!(backoff(1, max), Duration::from_millis(500));
        assert_eq!(backoff(2, max), Duration::from_secs(1));
        assert_eq!(backoff(5, max), Duration::from_secs(8));
        assert_eq!(backoff(20, max), max);
        assert_eq!(backoff(5, Duration::from_secs(3)), Duration::from_secs(3));
        assert_eq!(backoff(0, max), Duration::from_millis(500));
    }
}

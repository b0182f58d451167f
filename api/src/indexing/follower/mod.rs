//! The index follower: keeps this server's search index in step with the change log.
//!
//! Each pass reads the entries after the index's position, re-reads the products and outlets
//! they touch from the database, and writes their documents together with the new position:
//! - an **embedded index** (one per server) records the position in the same tantivy commit as
//!   the documents, so a crash neither loses nor repeats a change;
//! - **Meilisearch** (one index for every server) has its position in the `search_cursor` row.
//!   One server at a time holds a lease on it and applies the changes; if it dies, another takes
//!   over when the lease lapses. A batch written again after a crash rewrites the same current
//!   documents.
//!
//! An index with no position (new, or left by an older version) or whose position was compacted
//! away is rebuilt from the database, then followed. When the engine fails, the position stays
//! where it is and the pass is retried with a growing delay: nothing is lost. An entry the engine
//! itself keeps refusing is set aside as a dead letter ([`super::dead_letter`]) so that the rest
//! of the log is followed.
//!
//! Just over 300 lines with its unit tests.

mod lease;
mod recovery;

pub use lease::set_shared_position;

use std::{collections::BTreeSet, sync::Arc, time::Duration};

use chrono::Utc;
use ocop_entities::{
    change_log,
    ext::change_log::{self as log, LogError, parse_ids},
};
use ocop_search::{IndexBatch, SearchBackend};
use sea_orm::DatabaseConnection;
use tokio::sync::watch;

use lease::Claim;

use super::{SyncStatus, dead_letter, documents};
use crate::reference::ReferenceData;

/// Tuning of the follower.
#[derive(Clone, Debug)]
pub struct FollowerConfig {
    /// Change-log entries applied per pass.
    pub batch_size: u64,
    /// How often to look for changes committed by other servers.
    pub poll_interval: Duration,
    /// With a shared index: how long this server's lease on applying changes holds.
    pub lease: Duration,
    /// Longest delay before a failed pass is retried (the engine is probed meanwhile).
    pub max_backoff: Duration,
    /// How often a failing engine is probed.
    pub probe_interval: Duration,
    /// Change-log entries older than this are compacted.
    pub retention: Duration,
    /// How often compaction runs.
    pub compact_every: Duration,
}

impl Default for FollowerConfig {
    fn default() -> Self {
        Self {
            batch_size: 1000,
            poll_interval: Duration::from_millis(100),
            lease: Duration::from_secs(30),
            max_backoff: Duration::from_secs(10),
            probe_interval: Duration::from_secs(1),
            retention: Duration::from_secs(30 * 24 * 3600),
            compact_every: Duration::from_secs(600),
        }
    }
}

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pass {
    /// Change-log entries applied.
    pub applied: usize,
    /// Whether the index was rebuilt from the database.
    pub rebuilt: bool,
    /// Whether another server holds the lease on the shared index (nothing was done).
    pub not_ours: bool,
}

/// The follower of one search index.
#[derive(Clone)]
pub struct IndexFollower {
    db: DatabaseConnection,
    reference: Arc<ReferenceData>,
    search: Arc<dyn SearchBackend>,
    status: Arc<SyncStatus>,
    config: FollowerConfig,
    owner: String,
    /// The documents (products|outlets) of the last entry the engine refused, and how many
    /// times in a row it refused them.
    refusals: Arc<std::sync::Mutex<(String, u32)>>,
}

/// Retry delay after `attempts` failures: 0.5 s, 1 s, 2 s… up to `max`.
pub fn backoff(attempts: i32, max: Duration) -> Duration {
    let exp = attempts.clamp(1, 16) as u32 - 1;
    Duration::from_millis(500u64.saturating_mul(1 << exp)).min(max)
}

impl IndexFollower {
    /// A follower writing to `search`.
    pub fn new(
        db: DatabaseConnection,
        reference: Arc<ReferenceData>,
        search: Arc<dyn SearchBackend>,
        status: Arc<SyncStatus>,
        config: FollowerConfig,
    ) -> Self {
        let owner = format!("{}-{:016x}", std::process::id(), rand::random::<u64>());
        Self {
            db,
            reference,
            search,
            status,
            config,
            owner,
            refusals: Arc::default(),
        }
    }

    /// Runs until `shutdown` turns true, finishing the pass in hand.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut settings_applied = false;
        let mut last_compaction: Option<std::time::Instant> = None;
        let mut failures: i32 = 0;
        tracing::info!(backend = self.search.name(), "index follower started");
        while !*shutdown.borrow() {
            if !settings_applied {
                match self.search.apply_settings().await {
                    Ok(()) => settings_applied = true,
                    Err(e) => self
                        .status
                        .failed(format!("applying index settings: {}", e.report())),
                }
            }
            let delay = if !settings_applied {
                failures += 1;
                self.config.probe_interval
            } else {
                match self.run_once().await {
                    Ok(pass) => {
                        failures = 0;
                        if pass.applied as u64 == self.config.batch_size || pass.rebuilt {
                            Duration::ZERO
                        } else {
                            self.config.poll_interval
                        }
                    }
                    Err(e) => {
                        failures += 1;
                        let e = format!("{e:#}");
                        if failures == 1 || failures % 60 == 0 {
                            tracing::warn!(error = %e, failures, "index follower: pass failed; will retry");
                        }
                        self.status.failed(e);
                        // Retried every probe interval at first, so an engine that comes back
                        // is caught up at once; then less often.
                        if failures < 30 {
                            self.config.probe_interval
                        } else {
                            backoff(failures - 29, self.config.max_backoff)
                        }
                    }
                }
            };
            if last_compaction.is_none_or(|t| t.elapsed() > self.config.compact_every) {
                last_compaction = Some(std::time::Instant::now());
                self.compact().await;
            }
            if delay.is_zero() {
                continue;
            }
            // While failing, new commits do not wake the follower: it retries on its own clock.
            let wake = async {
                if failures == 0 {
                    self.status.wake.notified().await;
                } else {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                () = wake => {}
                _ = shutdown.changed() => {}
            }
        }
        if let Err(e) = self.release().await {
            tracing::warn!(error = %e, "index follower: cannot release its lease");
        }
        tracing::info!("index follower stopped");
    }

    /// Applies the next batch of changes, or rebuilds the index when it has no usable position.
    pub async fn run_once(&self) -> anyhow::Result<Pass> {
        if let Err(e) = self.search.refresh().await {
            tracing::warn!(
                error = e.report(),
                "index follower: cannot refresh the search index"
            );
        }
        let position = if self.search.keeps_position() {
            self.search.position()
        } else {
            match self.claim().await? {
                Claim::Ours(position) => position,
                Claim::NotOurs => {
                    self.status.succeeded();
                    return Ok(Pass {
                        not_ours: true,
                        ..Pass::default()
                    });
                }
            }
        };
        let Some(position) = position else {
            self.rebuild("the index has no change-log position").await?;
            return Ok(Pass {
                rebuilt: true,
                ..Pass::default()
            });
        };
        let entries = match log::after(&self.db, position, self.config.batch_size).await {
            Ok(entries) => entries,
            Err(LogError::ResyncRequired { .. }) => {
                self.rebuild("the index is older than the change log's retention window")
                    .await?;
                return Ok(Pass {
                    rebuilt: true,
                    ..Pass::default()
                });
            }
            Err(LogError::Db(e)) => return Err(e.into()),
        };
        let Some(last) = entries.last().map(|e| e.position) else {
            self.status.succeeded();
            return Ok(Pass::default());
        };
        match self.apply(&entries, last).await {
            Ok(()) => {
                if !self.search.keeps_position() {
                    self.store(last).await?;
                }
            }
            Err(e) if dead_letter::refused(&e) => self.isolate(&entries).await?,
            Err(e) => return Err(e),
        }
        self.status.succeeded();
        Ok(Pass {
            applied: entries.len(),
            ..Pass::default()
        })
    }

    async fn apply(&self, entries: &[change_log::Model], position: i64) -> anyhow::Result<()> {
        let mut products = BTreeSet::new();
        let mut outlets = BTreeSet::new();
        for e in entries {
            products.extend(parse_ids(&e.products));
            outlets.extend(parse_ids(&e.outlets));
        }
        let products: Vec<i64> = products.into_iter().collect();
        let outlets: Vec<i64> = outlets.into_iter().collect();
        let (p, o) = tokio::try_join!(
            documents::products(&self.db, &self.reference, &products),
            documents::outlets(&self.db, &self.reference, &outlets),
        )?;
        self.search
            .apply(IndexBatch {
                products: p.upsert,
                delete_products: p.delete,
                outlets: o.upsert,
                delete_outlets: o.delete,
                position,
            })
            .await?;
        Ok(())
    }

    async fn compact(&self) {
        let before =
            Utc::now() - chrono::Duration::from_std(self.config.retention).unwrap_or_default();
        match log::compact(&self.db, before).await {
            Ok(through) => tracing::debug!(through, "change log compacted"),
            Err(e) => {
                tracing::warn!(error = %e, "index follower: compacting the change log failed")
            }
        }
    }
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

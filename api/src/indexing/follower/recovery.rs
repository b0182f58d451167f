//! What a pass does when it cannot simply apply a batch: isolates the entries the engine keeps
//! refusing (setting them aside as dead letters), or rebuilds an index without a usable
//! position from the database.

use ocop_entities::change_log;
use ocop_search::IndexBatch;

use super::IndexFollower;
use crate::indexing::{dead_letter, reindex};

impl IndexFollower {
    /// The engine refused a batch: applies its entries one at a time, and sets aside those whose
    /// documents it keeps refusing ([`dead_letter::REFUSALS`] times in a row) so the rest can
    /// follow. Refusals are counted per set of documents: every entry that touches a document
    /// the engine will not take is refused, and is set aside at once when that is known.
    pub(super) async fn isolate(&self, entries: &[change_log::Model]) -> anyhow::Result<()> {
        for entry in entries {
            let documents = format!("{}|{}", entry.products, entry.outlets);
            let applied = self
                .apply(std::slice::from_ref(entry), entry.position)
                .await;
            let refusal = match applied {
                Ok(()) => {
                    let mut last = self.refusals.lock().expect("refusals lock");
                    if last.0 == documents {
                        *last = (String::new(), 0);
                    }
                    None
                }
                Err(e) if dead_letter::refused(&e) => Some(e),
                Err(e) => return Err(e),
            };
            if let Some(e) = refusal {
                let refusals = {
                    let mut last = self.refusals.lock().expect("refusals lock");
                    let n = if last.0 == documents { last.1 + 1 } else { 1 };
                    *last = (documents, n);
                    n
                };
                if refusals < dead_letter::REFUSALS {
                    return Err(e.context(format!(
                        "the engine refused change-log position {} ({refusals} of {} times \
                         before it is set aside)",
                        entry.position,
                        dead_letter::REFUSALS
                    )));
                }
                let error = format!("{e:#}");
                tracing::error!(
                    position = entry.position,
                    kind = %entry.kind,
                    record_id = entry.record_id,
                    error,
                    "the search engine keeps refusing a change: set aside as a dead letter \
                     (see `ocop dead-letters`)"
                );
                dead_letter::set_aside(&self.db, &self.status.consumer(), entry, &error).await?;
                // Step over it: an empty batch moves the position on.
                self.search
                    .apply(IndexBatch {
                        position: entry.position,
                        ..IndexBatch::default()
                    })
                    .await?;
            }
            if !self.search.keeps_position() {
                self.store(entry.position).await?;
            }
        }
        Ok(())
    }

    pub(super) async fn rebuild(&self, why: &str) -> anyhow::Result<()> {
        tracing::info!(why, "building the search index from the database");
        self.status.set_building(true);
        let rebuilding = reindex::reindex(&self.db, &self.reference, &self.search, false);
        let result = if self.search.keeps_position() {
            rebuilding.await
        } else {
            // A rebuild of a shared index may outlast the lease: renew it meanwhile, so that no
            // other server starts a rebuild of its own.
            tokio::pin!(rebuilding);
            let mut renew = tokio::time::interval(self.config.lease / 3);
            loop {
                tokio::select! {
                    result = &mut rebuilding => break result,
                    _ = renew.tick() => {
                        if let Err(e) = self.claim().await {
                            tracing::warn!(error = %e, "index follower: cannot renew the lease");
                        }
                    }
                }
            }
        };
        self.status.set_building(false);
        let report = result?;
        if !self.search.keeps_position() {
            self.store(report.position).await?;
        }
        tracing::info!(?report, "search index built; following the change log");
        Ok(())
    }
}

//! Rebuilding the indexes beside the live ones, with document batches sent ahead, and swapping
//! them in.

use std::collections::VecDeque;

use async_trait::async_trait;
use meilisearch_sdk::{client::SwapIndexes, task_info::TaskInfo};
use serde::Serialize;

use super::{MeiliBackend, meili_outlets};
use crate::{
    Rebuild, SearchError,
    document::{OutletDocument, ProductDocument},
};

impl MeiliBackend {
    pub(super) fn clone_handle(&self) -> MeiliBackend {
        MeiliBackend {
            client: self.client.clone(),
            options: self.options.clone(),
        }
    }
}

/// Document batches a rebuild sends ahead of the engine. Meilisearch indexes consecutive
/// additions to one index together, as one batch, and each batch has a fixed cost (its prefix
/// databases are rebuilt): waiting for each addition before sending the next would have it
/// index them one at a time. With 64 in flight, 100,000 products (sent 2,000 at a time) are
/// indexed in about four batches; with 16, in eight.
const REBUILD_TASKS_AHEAD: usize = 64;

/// Indexes being rebuilt beside the live ones, swapped in by [`Rebuild::finish`].
pub(super) struct MeiliRebuild {
    backend: MeiliBackend,
    products: String,
    outlets: String,
    /// Document tasks sent and not yet seen to succeed, oldest first.
    pending: VecDeque<TaskInfo>,
}

impl MeiliRebuild {
    /// A rebuild into the new indexes `products` and `outlets`.
    pub(super) fn new(backend: MeiliBackend, products: String, outlets: String) -> Self {
        Self {
            backend,
            products,
            outlets,
            pending: VecDeque::new(),
        }
    }

    /// Sends `docs` to index `uid` without waiting for them to be indexed.
    async fn send<T: Serialize + Send + Sync>(
        &mut self,
        uid: &str,
        docs: &[T],
    ) -> Result<(), SearchError> {
        if docs.is_empty() {
            return Ok(());
        }
        let b = &self.backend;
        let index = b.client.index(uid);
        let task = b
            .timed(
                b.options.task_timeout,
                index.add_or_replace(docs, Some("id")),
            )
            .await?;
        self.sent(task).await
    }

    /// Keeps `task` among the pending ones, waiting for the oldest while too many are.
    async fn sent(&mut self, task: TaskInfo) -> Result<(), SearchError> {
        self.pending.push_back(task);
        while self.pending.len() > REBUILD_TASKS_AHEAD {
            if let Some(oldest) = self.pending.pop_front() {
                self.backend.wait(oldest).await?;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl Rebuild for MeiliRebuild {
    async fn add_products(&mut self, docs: Vec<ProductDocument>) -> Result<(), SearchError> {
        let uid = self.products.clone();
        self.send(&uid, &docs).await
    }

    async fn add_outlets(&mut self, docs: Vec<OutletDocument>) -> Result<(), SearchError> {
        let uid = self.outlets.clone();
        self.send(&uid, &meili_outlets(&docs)).await
    }

    async fn finish(mut self: Box<Self>, _position: i64) -> Result<(), SearchError> {
        // Every document must be in before the swap.
        while let Some(task) = self.pending.pop_front() {
            self.backend.wait(task).await?;
        }
        let b = &self.backend;
        let limit = b.options.task_timeout;
        // The swap needs two sides: the live indexes are created if they do not exist yet.
        // They are not given settings, as they are swapped out and deleted (settings applied
        // to a full live index would have it reindex everything: 6 s at 100,000 products).
        b.create_unless_exists(&b.products_uid()).await?;
        b.create_unless_exists(&b.outlets_uid()).await?;
        let swaps = [
            SwapIndexes {
                indexes: (b.products_uid(), self.products.clone()),
                rename: None,
            },
            SwapIndexes {
                indexes: (b.outlets_uid(), self.outlets.clone()),
                rename: None,
            },
        ];
        let task = b.timed(limit, b.client.swap_indexes(&swaps)).await?;
        b.wait(task).await?;
        for old in [&self.products, &self.outlets] {
            let task = b.timed(limit, b.client.delete_index(old)).await?;
            b.wait(task).await?;
        }
        Ok(())
    }
}

//! The interface both search engines implement.

use async_trait::async_trait;

use crate::{
    document::{OutletDocument, ProductDocument},
    query::{NameSuggest, OutletHits, OutletSearch, ProductHits, ProductSearch},
};

/// What went wrong underneath a [`SearchError`]: the engine client's or the index library's
/// own error, kept for the logs (`{:#}` prints the whole chain), or a plain reason.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// Why a search-engine call failed. Every variant means "try again later" to the caller: the
/// outbox keeps the change, search answers `SEARCH_UNAVAILABLE`.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The engine did not answer in time.
    #[error("the search engine did not answer within {0:?}")]
    Timeout(std::time::Duration),
    /// The engine could not be reached or answered with a server error.
    #[error("the search engine is unavailable")]
    Unavailable(#[source] Cause),
    /// The engine accepted a task that then failed (it refused the documents); the engine's
    /// message.
    #[error("a search-engine task failed: {0}")]
    TaskFailed(String),
    /// The engine rejected a request (a bug on our side: the request should have been valid).
    #[error("the search engine rejected a request")]
    Rejected(#[source] Cause),
    /// The embedded index failed (I/O, corruption).
    #[error("embedded index error")]
    Index(#[source] Cause),
    /// The embedded index on disk was built with another schema (by another version).
    #[error("the embedded index was built with another schema: {0}")]
    Outdated(String),
}

impl SearchError {
    /// The error and every cause under it, `"outer: inner: …"`, for a log line or a status
    /// message (its `Display` alone names only the outer failure).
    pub fn report(&self) -> String {
        let mut text = self.to_string();
        let mut cause = std::error::Error::source(self);
        while let Some(c) = cause {
            text.push_str(": ");
            text.push_str(&c.to_string());
            cause = c.source();
        }
        text
    }
}

/// Documents for both indexes, written together up to a change-log position.
#[derive(Clone, Debug, Default)]
pub struct IndexBatch {
    /// Products to add or replace.
    pub products: Vec<ProductDocument>,
    /// Products to remove.
    pub delete_products: Vec<i64>,
    /// Outlets to add or replace.
    pub outlets: Vec<OutletDocument>,
    /// Outlets to remove.
    pub delete_outlets: Vec<i64>,
    /// The change-log position the index is at once the batch is written.
    pub position: i64,
}

/// A search engine holding two indexes: products and outlets.
#[async_trait]
pub trait SearchBackend: Send + Sync {
    /// `embedded` or `meilisearch`.
    fn name(&self) -> &'static str;

    /// Applies the settings of [`crate::settings`]; idempotent.
    async fn apply_settings(&self) -> Result<(), SearchError>;

    /// Checks the engine answers.
    async fn health(&self) -> Result<(), SearchError>;

    /// Adds or replaces product documents and removes the products in `delete`, durably.
    async fn write_products(
        &self,
        upsert: Vec<ProductDocument>,
        delete: Vec<i64>,
    ) -> Result<(), SearchError>;

    /// Adds or replaces outlet documents and removes the outlets in `delete`, durably.
    async fn write_outlets(
        &self,
        upsert: Vec<OutletDocument>,
        delete: Vec<i64>,
    ) -> Result<(), SearchError>;

    /// Writes a batch. An engine that keeps its own position ([`SearchBackend::keeps_position`])
    /// records `batch.position` in the same durable commit as the documents.
    async fn apply(&self, batch: IndexBatch) -> Result<(), SearchError> {
        if !batch.outlets.is_empty() || !batch.delete_outlets.is_empty() {
            self.write_outlets(batch.outlets, batch.delete_outlets)
                .await?;
        }
        if !batch.products.is_empty() || !batch.delete_products.is_empty() {
            self.write_products(batch.products, batch.delete_products)
                .await?;
        }
        Ok(())
    }

    /// Whether the index records its change-log position itself: true for an index of this
    /// server's own (embedded), false for one that every server shares (Meilisearch), whose
    /// position the database keeps.
    fn keeps_position(&self) -> bool {
        false
    }

    /// The change-log position the index is at, if it keeps one and has one (a new index, or
    /// one written by a version without positions, has none and must be rebuilt).
    fn position(&self) -> Option<i64> {
        None
    }

    /// Searches products.
    async fn search_products(&self, query: &ProductSearch) -> Result<ProductHits, SearchError>;

    /// Ids of the products whose name completes what was typed, best first. Several products
    /// may share a name: callers that show names ask for more than they show.
    async fn suggest_products(&self, query: &NameSuggest) -> Result<Vec<i64>, SearchError>;

    /// Searches outlets.
    async fn search_outlets(&self, query: &OutletSearch) -> Result<OutletHits, SearchError>;

    /// Starts building a complete new index beside the live one.
    async fn begin_rebuild(&self) -> Result<Box<dyn Rebuild>, SearchError>;

    /// Whether the index had to be started afresh (an embedded index left by a version with
    /// another schema) and must be rebuilt from the database.
    fn needs_rebuild(&self) -> bool {
        false
    }

    /// Picks up an index that another process switched to (after a rebuild); cheap when
    /// nothing changed. Returns whether the live index changed.
    async fn refresh(&self) -> Result<bool, SearchError> {
        Ok(false)
    }
}

/// A new index being built; searches keep using the live one until [`Rebuild::finish`].
#[async_trait]
pub trait Rebuild: Send {
    /// Adds products.
    async fn add_products(&mut self, docs: Vec<ProductDocument>) -> Result<(), SearchError>;

    /// Adds outlets.
    async fn add_outlets(&mut self, docs: Vec<OutletDocument>) -> Result<(), SearchError>;

    /// Makes the new index the live one, atomically. The index is then at change-log
    /// `position` (recorded with it by an engine that keeps its position).
    async fn finish(self: Box<Self>, position: i64) -> Result<(), SearchError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_names_every_cause_once() {
        let io = std::io::Error::other("disk full");
        let e = SearchError::Index(Box::new(io));
        assert_eq!(e.to_string(), "embedded index error");
        assert_eq!(e.report(), "embedded index error: disk full");
        assert!(std::error::Error::source(&e).is_some());
        let e = SearchError::Unavailable("the task is still pending".into());
        assert_eq!(
            e.report(),
            "the search engine is unavailable: the task is still pending"
        );
    }
}

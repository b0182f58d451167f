//! The Meilisearch backend, through `meilisearch-sdk`.
//!
//! Every call is bounded by a timeout, so a search answers (or fails) within
//! [`MeiliOptions::search_timeout`] even when the engine hangs. Writes wait for their task to
//! succeed before returning: the outbox marks a change done only once it is searchable.

mod documents;
pub mod filter;
mod query_text;
mod rebuild;
mod search;
mod settings;

use std::{future::Future, time::Duration};

use async_trait::async_trait;
use meilisearch_sdk::{
    client::Client,
    errors::{Error as MeiliError, ErrorCode, ErrorType},
    task_info::TaskInfo,
    tasks::Task,
};

use documents::{MeiliProduct, meili_outlets};
pub use query_text::{exact_first, exact_tone_query_string, query_string};
use rebuild::MeiliRebuild;

use crate::{
    Rebuild, SearchBackend, SearchError,
    document::{OutletDocument, ProductDocument},
    query::{NameSuggest, OutletHits, OutletSearch, ProductHits, ProductSearch},
};

/// How to reach Meilisearch.
#[derive(Clone, Debug)]
pub struct MeiliOptions {
    /// Base URL, e.g. `http://127.0.0.1:7700`.
    pub url: String,
    /// API key (the master key or a key with the needed actions).
    pub api_key: Option<String>,
    /// Prefix of the index names (`ocop_` gives `ocop_products`, `ocop_outlets`).
    pub index_prefix: String,
    /// Longest wait for a search.
    pub search_timeout: Duration,
    /// Longest wait for a write task to be processed.
    pub task_timeout: Duration,
}

impl MeiliOptions {
    /// Defaults for a server at `url`.
    pub fn new(url: impl Into<String>, api_key: Option<String>) -> Self {
        Self {
            url: url.into().trim_end_matches('/').to_owned(),
            api_key,
            index_prefix: "ocop_".to_owned(),
            search_timeout: Duration::from_secs(2),
            task_timeout: Duration::from_secs(60),
        }
    }
}

/// The Meilisearch backend.
pub struct MeiliBackend {
    client: Client,
    options: MeiliOptions,
}

/// Maps an SDK error: unreachable, 5xx and internal errors are "unavailable" (retry later);
/// anything the engine rejects is a bug to fix, reported as such.
fn map_err(e: MeiliError) -> SearchError {
    let unavailable = match &e {
        // Slow, not refused: retried like an engine that is down.
        MeiliError::Timeout | MeiliError::HttpError(_) => true,
        MeiliError::MeilisearchCommunication(c) => c.status_code >= 500 || c.status_code == 0,
        MeiliError::Meilisearch(m) => m.error_type == ErrorType::Internal,
        _ => true,
    };
    if unavailable {
        SearchError::Unavailable(Box::new(e))
    } else {
        SearchError::Rejected(Box::new(e))
    }
}

impl MeiliBackend {
    /// A backend for the server in `options` (no request is sent yet).
    pub fn new(options: MeiliOptions) -> Result<Self, SearchError> {
        let client = Client::new(options.url.clone(), options.api_key.clone()).map_err(map_err)?;
        Ok(Self { client, options })
    }

    fn products_uid(&self) -> String {
        format!("{}products", self.options.index_prefix)
    }

    fn outlets_uid(&self) -> String {
        format!("{}outlets", self.options.index_prefix)
    }

    async fn timed<T>(
        &self,
        limit: Duration,
        f: impl Future<Output = Result<T, MeiliError>>,
    ) -> Result<T, SearchError> {
        match tokio::time::timeout(limit, f).await {
            Ok(result) => result.map_err(map_err),
            Err(_) => Err(SearchError::Timeout(limit)),
        }
    }

    /// Waits for a task to end.
    async fn finished(&self, task: TaskInfo) -> Result<Task, SearchError> {
        let limit = self.options.task_timeout;
        self.timed(
            limit + Duration::from_secs(1),
            task.wait_for_completion(&self.client, Some(Duration::from_millis(25)), Some(limit)),
        )
        .await
    }

    /// Waits for a task and fails unless it succeeded.
    async fn wait(&self, task: TaskInfo) -> Result<(), SearchError> {
        match self.finished(task).await? {
            Task::Succeeded { .. } => Ok(()),
            Task::Failed { content } => Err(SearchError::TaskFailed(content.error.error_message)),
            _ => Err(SearchError::Unavailable("the task is still pending".into())),
        }
    }

    /// Creates index `uid`, empty and without settings, unless it exists.
    async fn create_unless_exists(&self, uid: &str) -> Result<(), SearchError> {
        let limit = self.options.task_timeout;
        let task = self
            .timed(limit, self.client.create_index(uid, Some("id")))
            .await?;
        match self.finished(task).await? {
            Task::Succeeded { .. } => Ok(()),
            Task::Failed { content }
                if content.error.error_code == ErrorCode::IndexAlreadyExists =>
            {
                Ok(())
            }
            Task::Failed { content } => Err(SearchError::TaskFailed(content.error.error_message)),
            _ => Err(SearchError::Unavailable("the task is still pending".into())),
        }
    }

    async fn apply_settings_to(&self, products: &str, outlets: &str) -> Result<(), SearchError> {
        let limit = self.options.task_timeout;
        let p = self
            .timed(
                limit,
                self.client
                    .index(products)
                    .set_settings(&settings::products()),
            )
            .await?;
        self.wait(p).await?;
        let o = self
            .timed(
                limit,
                self.client
                    .index(outlets)
                    .set_settings(&settings::outlets()),
            )
            .await?;
        self.wait(o).await
    }

    async fn write_products_to(
        &self,
        uid: &str,
        upsert: &[ProductDocument],
        delete: &[i64],
    ) -> Result<(), SearchError> {
        let limit = self.options.task_timeout;
        let index = self.client.index(uid);
        if !upsert.is_empty() {
            let docs: &[MeiliProduct] = upsert;
            let task = self
                .timed(limit, index.add_or_replace(docs, Some("id")))
                .await?;
            self.wait(task).await?;
        }
        if !delete.is_empty() {
            let task = self.timed(limit, index.delete_documents(delete)).await?;
            self.wait(task).await?;
        }
        Ok(())
    }

    async fn write_outlets_to(
        &self,
        uid: &str,
        upsert: &[OutletDocument],
        delete: &[i64],
    ) -> Result<(), SearchError> {
        let limit = self.options.task_timeout;
        let index = self.client.index(uid);
        if !upsert.is_empty() {
            let docs = meili_outlets(upsert);
            let task = self
                .timed(limit, index.add_or_replace(&docs, Some("id")))
                .await?;
            self.wait(task).await?;
        }
        if !delete.is_empty() {
            let task = self.timed(limit, index.delete_documents(delete)).await?;
            self.wait(task).await?;
        }
        Ok(())
    }
}

#[async_trait]
impl SearchBackend for MeiliBackend {
    fn name(&self) -> &'static str {
        "meilisearch"
    }

    async fn apply_settings(&self) -> Result<(), SearchError> {
        self.apply_settings_to(&self.products_uid(), &self.outlets_uid())
            .await
    }

    async fn health(&self) -> Result<(), SearchError> {
        self.timed(self.options.search_timeout, self.client.health())
            .await
            .map(|_| ())
    }

    async fn write_products(
        &self,
        upsert: Vec<ProductDocument>,
        delete: Vec<i64>,
    ) -> Result<(), SearchError> {
        self.write_products_to(&self.products_uid(), &upsert, &delete)
            .await
    }

    async fn write_outlets(
        &self,
        upsert: Vec<OutletDocument>,
        delete: Vec<i64>,
    ) -> Result<(), SearchError> {
        self.write_outlets_to(&self.outlets_uid(), &upsert, &delete)
            .await
    }

    async fn search_products(&self, search: &ProductSearch) -> Result<ProductHits, SearchError> {
        self.products(search).await
    }

    async fn suggest_products(&self, query: &NameSuggest) -> Result<Vec<i64>, SearchError> {
        self.suggestions(query).await
    }

    async fn search_outlets(&self, search: &OutletSearch) -> Result<OutletHits, SearchError> {
        self.outlets(search).await
    }

    async fn begin_rebuild(&self) -> Result<Box<dyn Rebuild>, SearchError> {
        let suffix = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let products = format!("{}_rebuild_{suffix}", self.products_uid());
        let outlets = format!("{}_rebuild_{suffix}", self.outlets_uid());
        self.apply_settings_to(&products, &outlets).await?;
        Ok(Box::new(MeiliRebuild::new(
            self.clone_handle(),
            products,
            outlets,
        )))
    }
}

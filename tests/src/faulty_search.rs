//! Fault injection for the search engine: the real embedded index behind a switch that makes it
//! unavailable, and a log of what was written, so that tests can take the engine down and bring
//! it back while the real server runs.

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicBool, Ordering},
};

use async_trait::async_trait;
use ocop_search::{
    IndexBatch, OutletDocument, OutletHits, OutletSearch, ProductDocument, ProductHits,
    ProductSearch, Rebuild, SearchBackend, SearchError,
};

/// A search backend that can be switched off.
pub struct FaultySearch {
    inner: Arc<dyn SearchBackend>,
    down: AtomicBool,
    shared: bool,
    written: Mutex<Vec<i64>>,
    poisoned: Mutex<Option<i64>>,
}

impl FaultySearch {
    /// Wraps a backend, up.
    pub fn new(inner: Arc<dyn SearchBackend>) -> Self {
        Self {
            inner,
            down: AtomicBool::new(false),
            shared: false,
            written: Mutex::new(Vec::new()),
            poisoned: Mutex::new(None),
        }
    }

    /// Makes it behave as an index every server shares (as Meilisearch is): it keeps no
    /// position of its own, so the database keeps it.
    pub fn shared(mut self) -> Self {
        self.shared = true;
        self
    }

    /// Takes the engine down (`true`) or brings it back (`false`).
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// Makes the engine refuse (as a bug in a document would) every batch holding the
    /// document of product `id`; `None` lifts it.
    pub fn poison(&self, id: Option<i64>) {
        *self.poisoned.lock().unwrap() = id;
    }

    /// Ids of every product document written successfully, in order (repeats included).
    pub fn written_products(&self) -> Vec<i64> {
        self.written.lock().unwrap().clone()
    }

    fn check(&self) -> Result<(), SearchError> {
        if self.down.load(Ordering::SeqCst) {
            Err(SearchError::Unavailable("the engine is down (test)".into()))
        } else {
            Ok(())
        }
    }
}

#[async_trait]
impl SearchBackend for FaultySearch {
    fn name(&self) -> &'static str {
        self.inner.name()
    }

    async fn apply_settings(&self) -> Result<(), SearchError> {
        self.check()?;
        self.inner.apply_settings().await
    }

    async fn health(&self) -> Result<(), SearchError> {
        self.check()?;
        self.inner.health().await
    }

    async fn write_products(
        &self,
        upsert: Vec<ProductDocument>,
        delete: Vec<i64>,
    ) -> Result<(), SearchError> {
        self.check()?;
        let ids: Vec<i64> = upsert.iter().map(|d| d.id).collect();
        self.inner.write_products(upsert, delete).await?;
        self.written.lock().unwrap().extend(ids);
        Ok(())
    }

    async fn write_outlets(
        &self,
        upsert: Vec<OutletDocument>,
        delete: Vec<i64>,
    ) -> Result<(), SearchError> {
        self.check()?;
        self.inner.write_outlets(upsert, delete).await
    }

    async fn apply(&self, batch: IndexBatch) -> Result<(), SearchError> {
        self.check()?;
        if let Some(id) = *self.poisoned.lock().unwrap()
            && batch.products.iter().any(|d| d.id == id)
        {
            return Err(SearchError::Rejected(
                format!("document {id} refused (test)").into(),
            ));
        }
        let ids: Vec<i64> = batch.products.iter().map(|d| d.id).collect();
        self.inner.apply(batch).await?;
        self.written.lock().unwrap().extend(ids);
        Ok(())
    }

    fn keeps_position(&self) -> bool {
        !self.shared && self.inner.keeps_position()
    }

    fn position(&self) -> Option<i64> {
        if self.shared {
            None
        } else {
            self.inner.position()
        }
    }

    fn needs_rebuild(&self) -> bool {
        self.inner.needs_rebuild()
    }

    async fn search_products(&self, query: &ProductSearch) -> Result<ProductHits, SearchError> {
        self.check()?;
        self.inner.search_products(query).await
    }

    async fn suggest_products(
        &self,
        query: &ocop_search::NameSuggest,
    ) -> Result<Vec<i64>, SearchError> {
        self.check()?;
        self.inner.suggest_products(query).await
    }

    async fn search_outlets(&self, query: &OutletSearch) -> Result<OutletHits, SearchError> {
        self.check()?;
        self.inner.search_outlets(query).await
    }

    async fn begin_rebuild(&self) -> Result<Box<dyn Rebuild>, SearchError> {
        self.check()?;
        self.inner.begin_rebuild().await
    }

    async fn refresh(&self) -> Result<bool, SearchError> {
        self.inner.refresh().await
    }
}

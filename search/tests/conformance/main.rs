//! The search conformance suite: the same cases against the embedded index (always) and
//! Meilisearch (when `MEILI_URL`, and `MEILI_MASTER_KEY` if the server needs one, are set).
//!
//! Each case is a module with one test per backend: `cases::<name>::embedded` and
//! `cases::<name>::meilisearch`.

mod cases;
mod corpus;

use ocop_search::{
    OutletHits, OutletSearch, ProductFilters, ProductHits, ProductSearch, SearchBackend,
    SearchSort,
    embedded::EmbeddedBackend,
    meili::{MeiliBackend, MeiliOptions},
};

/// A backend loaded with the corpus.
pub struct Harness {
    backend: Box<dyn SearchBackend>,
    _dir: Option<tempfile::TempDir>,
    /// On Meilisearch: the server and the prefix of this harness's indexes, deleted on drop.
    meili: Option<MeiliOptions>,
}

impl Drop for Harness {
    /// Deletes the harness's Meilisearch indexes, so that runs do not pile them up on the
    /// server. The deletion is only enqueued; a test's runtime may be gone, so it gets its own.
    fn drop(&mut self) {
        let Some(options) = self.meili.take() else {
            return;
        };
        let deleted = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async {
                let client = meilisearch_sdk::client::Client::new(
                    options.url.clone(),
                    options.api_key.clone(),
                )
                .expect("a Meilisearch client");
                for kind in ["products", "outlets"] {
                    let uid = format!("{}{kind}", options.index_prefix);
                    if let Err(e) = client.delete_index(&uid).await {
                        eprintln!("index {uid} left on Meilisearch: {e}");
                    }
                }
            });
        });
        let _ = deleted.join();
    }
}

static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

impl Harness {
    async fn load(
        backend: Box<dyn SearchBackend>,
        dir: Option<tempfile::TempDir>,
        meili: Option<MeiliOptions>,
    ) -> Self {
        backend.apply_settings().await.expect("settings apply");
        backend
            .write_products(corpus::products(), vec![])
            .await
            .expect("products index");
        backend
            .write_outlets(corpus::outlets(), vec![])
            .await
            .expect("outlets index");
        Self {
            backend,
            _dir: dir,
            meili,
        }
    }

    /// The embedded index in a temporary directory.
    pub async fn embedded() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let backend = EmbeddedBackend::open(dir.path().join("index")).expect("the index opens");
        Self::load(Box::new(backend), Some(dir), None).await
    }

    /// Meilisearch, in indexes of its own, when `MEILI_URL` is set.
    pub async fn meilisearch() -> Option<Self> {
        let Some(url) = std::env::var("MEILI_URL").ok().filter(|u| !u.is_empty()) else {
            eprintln!("skipped on Meilisearch: MEILI_URL is not set");
            return None;
        };
        let key = std::env::var("MEILI_MASTER_KEY")
            .ok()
            .filter(|k| !k.is_empty());
        let mut options = MeiliOptions::new(url, key);
        options.index_prefix = format!(
            "conformance_{}_{}_{}_",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos()
        );
        let backend = MeiliBackend::new(options.clone()).expect("a Meilisearch client");
        Some(Self::load(Box::new(backend), None, Some(options)).await)
    }

    /// The backend under test.
    pub fn backend(&self) -> &dyn SearchBackend {
        &*self.backend
    }

    /// Runs a product search.
    pub async fn products(&self, search: ProductSearch) -> ProductHits {
        self.backend
            .search_products(&search)
            .await
            .expect("the search succeeds")
    }

    /// The ids found for `text` among every product, whatever its certification.
    pub async fn ids(&self, text: &str) -> Vec<i64> {
        self.products(query(text).any()).await.ids
    }

    /// Runs an outlet search.
    pub async fn outlets(&self, search: OutletSearch) -> OutletHits {
        self.backend
            .search_outlets(&search)
            .await
            .expect("the search succeeds")
    }
}

/// A product search for `text`, valid certificates only, first page of 50.
pub fn query(text: &str) -> ProductSearch {
    ProductSearch {
        text: text.to_owned(),
        filters: ProductFilters::default(),
        sort: SearchSort::Relevance,
        page: 1,
        page_size: 50,
        today: corpus::TODAY,
    }
}

/// Builders for readable cases.
pub trait SearchExt {
    /// Every certification state.
    fn any(self) -> Self;
    /// With these filters.
    fn filters(self, f: ProductFilters) -> Self;
}

impl SearchExt for ProductSearch {
    fn any(mut self) -> Self {
        self.filters.validity = ocop_search::Validity::Any;
        self
    }

    fn filters(mut self, f: ProductFilters) -> Self {
        self.filters = f;
        self
    }
}

/// An outlet search for `text`.
pub fn outlet_query(text: &str) -> OutletSearch {
    OutletSearch {
        text: text.to_owned(),
        province_codes: vec![],
        kinds: vec![],
        near: None,
        radius_km: None,
        limit: 20,
    }
}

/// Defines one conformance case, run on every backend.
#[macro_export]
macro_rules! case {
    ($name:ident, |$h:ident| $body:block) => {
        pub mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($h: $crate::Harness) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn embedded() {
                run($crate::Harness::embedded().await).await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn meilisearch() {
                if let Some(h) = $crate::Harness::meilisearch().await {
                    run(h).await
                }
            }
        }
    };
}

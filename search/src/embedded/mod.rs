//! The embedded search backend: tantivy indexes in a directory, zero setup.
//!
//! Writes commit durably and reload the reader before returning, so a document is searchable
//! as soon as `write_products` returns. Searches run on the blocking pool.
//!
//! Over 300 lines with its unit tests (about 130 of them).

mod collector;
mod count_cache;
mod generation;
mod hit_order;
mod lexicon;
mod query_builder;
mod rebuild;
pub mod schema;
mod search;
mod validity_cache;

use std::{
    path::{Path, PathBuf},
    sync::{Arc, RwLock},
};

use async_trait::async_trait;
use tantivy::Term;

use self::{
    generation::{Generation, err},
    rebuild::EmbeddedRebuild,
};
use crate::{
    IndexBatch, Rebuild, SearchBackend, SearchError,
    document::{OutletDocument, ProductDocument},
    query::{NameSuggest, OutletHits, OutletSearch, ProductHits, ProductSearch},
};

/// Most words the last word of a name completion stands for (see
/// [`query_builder::name_query`]).
const MAX_COMPLETIONS: usize = 16;

/// Memory budget of the writer of the live generation.
const LIVE_HEAP: usize = 30_000_000;

/// The embedded backend rooted at a directory (e.g. `./data/index`).
pub struct EmbeddedBackend {
    root: PathBuf,
    live: RwLock<Arc<Generation>>,
    started_afresh: bool,
}

impl EmbeddedBackend {
    /// Opens the live generation under `root`, creating the first one if there is none.
    pub fn open(root: impl AsRef<Path>) -> Result<Self, SearchError> {
        let root = root.as_ref().to_path_buf();
        std::fs::create_dir_all(&root).map_err(err)?;
        let name = match generation::read_current(&root)? {
            Some(name) => name,
            None => {
                let name = generation::next_name(&root)?;
                Generation::open(&root, &name)?;
                generation::write_current(&root, &name)?;
                name
            }
        };
        let (live, started_afresh) = match Generation::open(&root, &name) {
            Ok(live) => (live, false),
            // Left by a version with another schema: serve from a new, empty generation (the
            // old one is pruned later) until it is rebuilt from the database.
            Err(SearchError::Outdated(why)) => {
                tracing::warn!(
                    generation = name,
                    why,
                    "the search index has an old schema; starting a new one"
                );
                let name = generation::next_name(&root)?;
                let live = Generation::open(&root, &name)?;
                generation::write_current(&root, &name)?;
                (live, true)
            }
            Err(e) => return Err(e),
        };
        Ok(Self {
            root,
            live: RwLock::new(Arc::new(live)),
            started_afresh,
        })
    }

    fn live(&self) -> Arc<Generation> {
        self.live.read().expect("live generation lock").clone()
    }

    /// The name of the live generation (for status and tests).
    pub fn generation(&self) -> String {
        self.live().name.clone()
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, SearchError> + Send + 'static,
) -> Result<T, SearchError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| err(format!("search task failed: {e}")))?
}

fn write_products(
    generation: &Generation,
    upsert: Vec<ProductDocument>,
    delete: Vec<i64>,
    position: Option<i64>,
) -> Result<(), SearchError> {
    let f = &generation.product_fields;
    generation.products.write(LIVE_HEAP, position, |w| {
        for id in delete.iter().copied().chain(upsert.iter().map(|d| d.id)) {
            w.delete_term(Term::from_field_u64(f.id, id as u64));
        }
        for doc in &upsert {
            w.add_document(f.document(doc))?;
        }
        Ok(())
    })
}

fn write_outlets(
    generation: &Generation,
    upsert: Vec<OutletDocument>,
    delete: Vec<i64>,
) -> Result<(), SearchError> {
    let f = &generation.outlet_fields;
    generation.outlets.write(LIVE_HEAP, None, |w| {
        for id in delete.iter().copied().chain(upsert.iter().map(|d| d.id)) {
            w.delete_term(Term::from_field_u64(f.id, id as u64));
        }
        for doc in &upsert {
            w.add_document(f.document(doc))?;
        }
        Ok(())
    })
}

#[async_trait]
impl SearchBackend for EmbeddedBackend {
    fn name(&self) -> &'static str {
        "embedded"
    }

    async fn apply_settings(&self) -> Result<(), SearchError> {
        // The schema carries every setting; opening the index applied it.
        Ok(())
    }

    async fn health(&self) -> Result<(), SearchError> {
        let live = self.live();
        blocking(move || {
            live.products.reader.searcher();
            Ok(())
        })
        .await
    }

    async fn write_products(
        &self,
        upsert: Vec<ProductDocument>,
        delete: Vec<i64>,
    ) -> Result<(), SearchError> {
        let live = self.live();
        blocking(move || write_products(&live, upsert, delete, None)).await
    }

    async fn write_outlets(
        &self,
        upsert: Vec<OutletDocument>,
        delete: Vec<i64>,
    ) -> Result<(), SearchError> {
        let live = self.live();
        blocking(move || write_outlets(&live, upsert, delete)).await
    }

    async fn apply(&self, batch: IndexBatch) -> Result<(), SearchError> {
        let live = self.live();
        blocking(move || {
            // Outlets first, products last: the products commit records the position, so a
            // crash in between re-applies the batch (documents are replaced, never doubled).
            if !batch.outlets.is_empty() || !batch.delete_outlets.is_empty() {
                write_outlets(&live, batch.outlets, batch.delete_outlets)?;
            }
            write_products(
                &live,
                batch.products,
                batch.delete_products,
                Some(batch.position),
            )
        })
        .await
    }

    fn keeps_position(&self) -> bool {
        true
    }

    fn position(&self) -> Option<i64> {
        self.live().products.position()
    }

    fn needs_rebuild(&self) -> bool {
        self.started_afresh
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
        let root = self.root.clone();
        let generation = blocking(move || {
            let name = generation::next_name(&root)?;
            Generation::open(&root, &name)
        })
        .await?;
        Ok(Box::new(EmbeddedRebuild {
            root: self.root.clone(),
            generation: Arc::new(generation),
        }))
    }

    async fn refresh(&self) -> Result<bool, SearchError> {
        let root = self.root.clone();
        let current = self.live().name.clone();
        let opened = blocking(move || match generation::read_current(&root)? {
            Some(name) if name != current => Generation::open(&root, &name).map(Some),
            _ => Ok(None),
        })
        .await?;
        if let Some(new) = opened {
            let old = std::mem::replace(
                &mut *self.live.write().expect("live generation lock"),
                Arc::new(new),
            );
            tracing::info!(from = %old.name, to = %self.generation(), "switched to a rebuilt search index");
            blocking(move || {
                old.products.close_writer()?;
                old.outlets.close_writer()
            })
            .await?;
            return Ok(true);
        }
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: i64, name: &str) -> ProductDocument {
        ProductDocument {
            id,
            name: name.into(),
            category_names: vec![],
            category_codes: vec![],
            producer_name: "HTX".into(),
            producer_kind: "COOPERATIVE".into(),
            province_code: "42".into(),
            region_code: "BTB".into(),
            place_names: vec![],
            ward_name: String::new(),
            description: String::new(),
            story: String::new(),
            tone: String::new(),
            cert_state: "NONE".into(),
            stars: None,
            cert_issued_on: None,
            cert_expires_on: None,
            outlet_ids: vec![],
            created_at: 0,
            updated_at: 0,
        }
    }

    #[tokio::test]
    async fn the_change_log_position_is_committed_with_the_documents_and_survives_a_reopen() {
        let root = tempfile::tempdir().unwrap();
        let backend = EmbeddedBackend::open(root.path()).unwrap();
        assert!(backend.keeps_position());
        assert_eq!(backend.position(), None, "a new index has no position");
        backend
            .apply(IndexBatch {
                products: vec![product(1, "Nước mắm")],
                position: 7,
                ..IndexBatch::default()
            })
            .await
            .unwrap();
        assert_eq!(backend.position(), Some(7));
        // A write without a position keeps the one recorded.
        backend
            .write_products(vec![product(2, "Mật ong")], vec![])
            .await
            .unwrap();
        assert_eq!(backend.position(), Some(7));
        drop(backend);
        let reopened = EmbeddedBackend::open(root.path()).unwrap();
        assert_eq!(reopened.position(), Some(7), "read back from the commit");
        // A rebuild is at the position it was built at, in the process that switches to it.
        let mut rebuild = reopened.begin_rebuild().await.unwrap();
        rebuild
            .add_products(vec![product(1, "Nước mắm")])
            .await
            .unwrap();
        rebuild.finish(12).await.unwrap();
        assert!(reopened.refresh().await.unwrap());
        assert_eq!(reopened.position(), Some(12));
        drop(reopened);
        assert_eq!(
            EmbeddedBackend::open(root.path()).unwrap().position(),
            Some(12)
        );
    }

    #[test]
    fn an_index_left_with_another_schema_is_replaced_by_an_empty_one_to_rebuild() {
        let root = tempfile::tempdir().unwrap();
        let old = root.path().join("gen-1").join("products");
        std::fs::create_dir_all(&old).unwrap();
        let mut b = tantivy::schema::Schema::builder();
        b.add_text_field("only_field", tantivy::schema::TEXT);
        tantivy::Index::create_in_dir(&old, b.build()).unwrap();
        generation::write_current(root.path(), "gen-1").unwrap();

        let backend = EmbeddedBackend::open(root.path()).unwrap();
        assert!(backend.needs_rebuild());
        assert_eq!(backend.generation(), "gen-2");
        assert_eq!(
            generation::read_current(root.path()).unwrap().as_deref(),
            Some("gen-2")
        );
        let again = EmbeddedBackend::open(root.path()).unwrap();
        assert!(
            !again.needs_rebuild(),
            "the new generation has the current schema"
        );
    }
}

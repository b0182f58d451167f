//! The embedded search backend: tantivy indexes in a directory, zero setup.
//!
//! Writes commit durably and reload the reader before returning, so a document is searchable
//! as soon as `write_products` returns. Searches run on the blocking pool.

mod collector;
mod count_cache;
mod generation;
mod hit_order;
mod lexicon;
mod query_builder;
pub mod schema;
mod validity_cache;

use std::{
    cmp::Ordering,
    path::{Path, PathBuf},
    sync::{Arc, RwLock},
};

use async_trait::async_trait;
use tantivy::Term;

use self::{
    collector::{OutletCollector, ProductCollector, ProductHit},
    generation::{Generation, REBUILD_WRITER_HEAP, err},
    hit_order::HitOrder,
    lexicon::IndexLexicon,
    query_builder::Matching,
};
use crate::{
    IndexBatch, Rebuild, SearchBackend, SearchError,
    document::{OutletDocument, ProductDocument},
    query::{
        FacetCounts, FacetField, MAX_PAGE_SIZE, NameSuggest, OutletHit, OutletHits, OutletSearch,
        ProductHits, ProductSearch, SearchSort, distance_km,
    },
    text,
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

/// The fields whose words a joined word may split into: the short ones a buyer types from
/// (names, groups, places), not descriptions.
fn split_fields(text: &[(tantivy::schema::Field, f32)]) -> Vec<tantivy::schema::Field> {
    text.iter()
        .filter(|(_, weight)| *weight >= 1.0)
        .map(|(field, _)| *field)
        .collect()
}

/// Orders hits and keeps page `page` of `size`.
fn page_of(
    mut hits: Vec<ProductHit>,
    order: HitOrder,
    page: usize,
    size: usize,
) -> Vec<ProductHit> {
    let cmp = |a: &ProductHit, b: &ProductHit| order.cmp(a, b);
    let start = page.saturating_sub(1).saturating_mul(size);
    let end = start.saturating_add(size).min(hits.len());
    if start >= hits.len() {
        return Vec::new();
    }
    if end < hits.len() {
        hits.select_nth_unstable_by(end, cmp);
        hits.truncate(end);
    }
    hits.sort_unstable_by(cmp);
    hits.drain(start..).collect()
}

fn facet_counts(
    facets: std::collections::HashMap<FacetField, std::collections::HashMap<String, u64>>,
) -> Vec<FacetCounts> {
    FacetField::ALL
        .iter()
        .map(|field| {
            let mut values: Vec<(String, u64)> = facets
                .get(field)
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            FacetCounts {
                field: *field,
                values,
            }
        })
        .collect()
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
        let live = self.live();
        let search = search.clone();
        blocking(move || {
            let f = &live.product_fields;
            let searcher = live.products.reader.searcher();
            let lexicon = IndexLexicon::new(&searcher, split_fields(&f.text));
            let size = search.page_size.min(MAX_PAGE_SIZE);
            let page = search.page.max(1);
            let words = text::words(&search.text);
            let order = HitOrder::new(search.sort, !words.is_empty());
            // The best hits up to the end of the page are all a page needs.
            let window = page.saturating_mul(size);
            let run = |matching: Matching, hits: bool, facets: bool| {
                let (query, scoring) = query_builder::product_query(
                    f,
                    &live.states,
                    &search.text,
                    &search.filters,
                    i64::from(search.today),
                    &lexicon,
                    matching,
                );
                let collector = ProductCollector {
                    scoring,
                    keep: if hits { window } else { 0 },
                    order,
                    facets,
                    group: u8::from(matching == Matching::Partial),
                };
                searcher.search(&*query, &collector).map_err(err)
            };
            let (ranked, total_hits, facets) = if words.len() > 1 {
                // The products with every word, ranked; the total and facets count every
                // product with the first word (kept per first word while the index is
                // unchanged); the others are ranked only when the page reaches them.
                let mut ranked = run(Matching::All, true, false)?;
                let key = format!("{} {:?} {}", words[0], search.filters, search.today);
                let counted =
                    live.counts
                        .get_or_count(searcher.generation().generation_id(), key, || {
                            run(Matching::FirstOnly, false, true)
                        })?;
                let page_reaches_them =
                    search.sort != SearchSort::Relevance || ranked.count < window as u64;
                if page_reaches_them && counted.count > ranked.count {
                    ranked
                        .hits
                        .extend(run(Matching::Partial, true, false)?.hits);
                }
                (ranked, counted.count, counted.facets.clone())
            } else {
                // One word (or none): the products ranked; the facets kept per word (a prefix,
                // hence the `*`) and filters, as for a first word above.
                let word = words.first().map_or("", String::as_str);
                let key = format!("{word}* {:?} {}", search.filters, search.today);
                let counted =
                    live.counts
                        .get_or_count(searcher.generation().generation_id(), key, || {
                            run(Matching::FirstOnly, false, true)
                        })?;
                let ranked = run(Matching::All, true, false)?;
                (ranked, counted.count, counted.facets.clone())
            };
            let hits = page_of(ranked.hits, order, page, size);
            Ok(ProductHits {
                ids: hits.into_iter().map(|h| h.id as i64).collect(),
                total_hits,
                facets: facet_counts(facets),
            })
        })
        .await
    }

    async fn suggest_products(&self, query: &NameSuggest) -> Result<Vec<i64>, SearchError> {
        let live = self.live();
        let query = query.clone();
        blocking(move || {
            let f = &live.product_fields;
            let searcher = live.products.reader.searcher();
            let lexicon = IndexLexicon::new(&searcher, split_fields(&f.text));
            let Some(last) = text::words(&query.text).pop() else {
                return Ok(Vec::new());
            };
            let completions = lexicon.completions(f.name, &last, MAX_COMPLETIONS);
            let today = i64::from(query.today);
            let Some(q) = query_builder::name_query(
                f,
                &live.states,
                &query.text,
                &completions,
                today,
                &lexicon,
            ) else {
                return Ok(Vec::new());
            };
            let top = tantivy::collector::TopDocs::with_limit(query.limit.max(1)).order_by_score();
            let mut ids = Vec::new();
            for (_, address) in searcher.search(&*q, &top).map_err(err)? {
                let column = searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .u64("id")
                    .map_err(err)?;
                ids.extend(column.first(address.doc_id).map(|id| id as i64));
            }
            Ok(ids)
        })
        .await
    }

    async fn search_outlets(&self, search: &OutletSearch) -> Result<OutletHits, SearchError> {
        let live = self.live();
        let search = search.clone();
        blocking(move || {
            let searcher = live.outlets.reader.searcher();
            let f = &live.outlet_fields;
            let lexicon = IndexLexicon::new(&searcher, split_fields(&f.text));
            let query = query_builder::outlet_query(f, &search, &lexicon);
            let rows = searcher.search(&*query, &OutletCollector).map_err(err)?;
            let mut hits: Vec<(OutletHit, f32)> = rows
                .into_iter()
                .map(|r| {
                    let distance_km = search.near.map(|p| distance_km(p, (r.lat, r.lng)));
                    (
                        OutletHit {
                            id: r.id as i64,
                            distance_km,
                        },
                        r.score,
                    )
                })
                .filter(|(h, _)| match (h.distance_km, search.radius_km) {
                    (Some(d), Some(radius)) => d <= radius,
                    _ => true,
                })
                .collect();
            hits.sort_by(|(a, sa), (b, sb)| match (a.distance_km, b.distance_km) {
                (Some(da), Some(db)) => da.total_cmp(&db).then(a.id.cmp(&b.id)),
                _ => sb
                    .partial_cmp(sa)
                    .unwrap_or(Ordering::Equal)
                    .then(a.id.cmp(&b.id)),
            });
            let total_hits = hits.len() as u64;
            hits.truncate(search.limit);
            Ok(OutletHits {
                hits: hits.into_iter().map(|(h, _)| h).collect(),
                total_hits,
            })
        })
        .await
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

/// A generation being built by [`EmbeddedBackend::begin_rebuild`].
struct EmbeddedRebuild {
    root: PathBuf,
    generation: Arc<Generation>,
}

#[async_trait]
impl Rebuild for EmbeddedRebuild {
    // A new generation holds each id once: documents are only added, and committed at the end.
    async fn add_products(&mut self, docs: Vec<ProductDocument>) -> Result<(), SearchError> {
        let generation = self.generation.clone();
        blocking(move || {
            let f = &generation.product_fields;
            generation.products.add(REBUILD_WRITER_HEAP, |w| {
                docs.iter()
                    .try_for_each(|d| w.add_document(f.document(d)).map(|_| ()))
            })
        })
        .await
    }

    async fn add_outlets(&mut self, docs: Vec<OutletDocument>) -> Result<(), SearchError> {
        let generation = self.generation.clone();
        blocking(move || {
            let f = &generation.outlet_fields;
            generation.outlets.add(REBUILD_WRITER_HEAP, |w| {
                docs.iter()
                    .try_for_each(|d| w.add_document(f.document(d)).map(|_| ()))
            })
        })
        .await
    }

    async fn finish(self: Box<Self>, position: i64) -> Result<(), SearchError> {
        let Self { root, generation } = *self;
        blocking(move || {
            generation.outlets.commit_and_close(None)?;
            generation.products.commit_and_close(Some(position))?;
            generation::write_current(&root, &generation.name)?;
            generation::prune(&root, &generation.name)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(id: u64, score: f32, stars: u64, created_at: i64) -> ProductHit {
        ProductHit {
            id,
            group: 0,
            score,
            stars,
            created_at,
        }
    }

    #[test]
    fn products_with_every_word_come_before_higher_scored_partial_matches() {
        let mut partial = hit(1, 9.0, 5, 0);
        partial.group = 1;
        let hits = vec![partial, hit(2, 1.0, 3, 0), hit(3, 2.0, 3, 0)];
        let ids = |v: Vec<ProductHit>| v.into_iter().map(|h| h.id).collect::<Vec<_>>();
        assert_eq!(
            ids(page_of(
                hits.clone(),
                HitOrder::new(SearchSort::Relevance, true),
                1,
                3
            )),
            [3, 2, 1]
        );
        assert_eq!(
            ids(page_of(
                hits,
                HitOrder::new(SearchSort::StarsDesc, true),
                1,
                3
            )),
            [1, 3, 2],
            "stars decide first"
        );
    }

    #[test]
    fn pages_are_cut_after_sorting() {
        let hits: Vec<_> = (0..10)
            .map(|i| hit(i, i as f32, i % 3, 100 - i as i64))
            .collect();
        let ids = |v: Vec<ProductHit>| v.into_iter().map(|h| h.id).collect::<Vec<_>>();
        assert_eq!(
            ids(page_of(
                hits.clone(),
                HitOrder::new(SearchSort::Relevance, true),
                1,
                3
            )),
            [9, 8, 7]
        );
        assert_eq!(
            ids(page_of(
                hits.clone(),
                HitOrder::new(SearchSort::Relevance, true),
                2,
                3
            )),
            [6, 5, 4]
        );
        assert_eq!(
            ids(page_of(
                hits.clone(),
                HitOrder::new(SearchSort::Relevance, true),
                4,
                3
            )),
            [0]
        );
        assert!(
            page_of(
                hits.clone(),
                HitOrder::new(SearchSort::Relevance, true),
                5,
                3
            )
            .is_empty()
        );
        assert_eq!(
            ids(page_of(
                hits.clone(),
                HitOrder::new(SearchSort::Newest, true),
                1,
                2
            )),
            [0, 1]
        );
        assert_eq!(
            ids(page_of(
                hits,
                HitOrder::new(SearchSort::StarsDesc, true),
                1,
                4
            )),
            [8, 5, 2, 7]
        );
    }

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

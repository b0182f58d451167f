//! Searching products and outlets, and completing product names, in this server's index.
//!
//! Over 300 lines with its unit tests (about 60 of them).

use std::cmp::Ordering;

use super::{
    EmbeddedBackend, MAX_COMPLETIONS, blocking,
    collector::{OutletCollector, ProductCollector, ProductHit},
    generation::err,
    hit_order::HitOrder,
    lexicon::IndexLexicon,
    query_builder::{self, Matching},
};
use crate::{
    SearchError,
    query::{
        FacetCounts, FacetField, MAX_PAGE_SIZE, NameSuggest, OutletHit, OutletHits, OutletSearch,
        ProductHits, ProductSearch, SearchSort, distance_km,
    },
    text,
};

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

impl EmbeddedBackend {
    /// Products matching `search`.
    pub(super) async fn products(
        &self,
        search: &ProductSearch,
    ) -> Result<ProductHits, SearchError> {
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

    /// Products whose name starts like `query`.
    pub(super) async fn suggestions(&self, query: &NameSuggest) -> Result<Vec<i64>, SearchError> {
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

    /// Outlets matching `search`.
    pub(super) async fn outlets(&self, search: &OutletSearch) -> Result<OutletHits, SearchError> {
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
}

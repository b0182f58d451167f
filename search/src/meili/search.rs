//! Searching products and outlets, and suggesting product names, in Meilisearch.

use std::collections::HashMap;

use meilisearch_sdk::search::{MatchingStrategies, Selectors};
use serde::Deserialize;

use super::{MeiliBackend, exact_first, exact_tone_query_string, filter, query_string};
use crate::{
    SearchError,
    query::{
        FacetCounts, FacetField, MAX_PAGE_SIZE, NameSuggest, OutletHit, OutletHits, OutletSearch,
        ProductFilters, ProductHits, ProductSearch, SearchSort,
    },
    text,
};

#[derive(Deserialize)]
struct IdHit {
    id: i64,
    #[serde(rename = "_geoDistance")]
    geo_distance: Option<f64>,
}

fn facet_field(attribute: &str) -> Option<FacetField> {
    Some(match attribute {
        "province_code" => FacetField::Province,
        "region_code" => FacetField::Region,
        "category_codes" => FacetField::Category,
        "stars" => FacetField::Stars,
        "producer_kind" => FacetField::ProducerKind,
        _ => return None,
    })
}

impl MeiliBackend {
    /// Products matching `search`.
    pub(super) async fn products(
        &self,
        search: &ProductSearch,
    ) -> Result<ProductHits, SearchError> {
        let uid = self.products_uid();
        let index = self.client.index(&uid);
        let q = query_string(&search.text);
        let filter = filter::products(&search.filters, i64::from(search.today));
        let sort: &[&str] = match search.sort {
            SearchSort::Relevance if search.text.trim().is_empty() => &["created_at:desc"],
            SearchSort::Relevance => &[],
            SearchSort::StarsDesc => &["stars:desc"],
            SearchSort::Newest => &["created_at:desc"],
        };
        let size = search.page_size.min(MAX_PAGE_SIZE);
        let page = search.page.max(1);
        let exact = match search.sort {
            SearchSort::Relevance => exact_tone_query_string(&search.text),
            _ => None,
        };
        let mut request = index.search();
        request
            .with_query(&q)
            .with_matching_strategy(MatchingStrategies::LAST)
            .with_attributes_to_retrieve(Selectors::Some(&["id"]))
            .with_facets(Selectors::Some(crate::settings::PRODUCT_FACETS));
        if !sort.is_empty() {
            request.with_sort(sort);
        }
        if let Some(f) = &filter {
            request.with_filter(f);
        }
        let (results, exact_ids) = match &exact {
            None => {
                request.with_page(page).with_hits_per_page(size);
                let results = self
                    .timed(self.options.search_timeout, request.execute::<IdHit>())
                    .await?;
                (results, None)
            }
            Some(exact) => {
                // Products with every typed word in its typed tones first, then the others in
                // the usual order: both lists from the top, in one request, merged here.
                let window = page.saturating_mul(size);
                request
                    .with_page(1)
                    .with_hits_per_page(window.saturating_mul(2))
                    .with_index_uid();
                let mut first = index.search();
                first
                    .with_query(exact)
                    .with_matching_strategy(MatchingStrategies::ALL)
                    .with_attributes_to_retrieve(Selectors::Some(&["id"]))
                    .with_page(1)
                    .with_hits_per_page(window)
                    .with_index_uid();
                if let Some(f) = &filter {
                    first.with_filter(f);
                }
                let mut multi = self.client.multi_search();
                multi.with_search_query(first).with_search_query(request);
                let mut response = self
                    .timed(self.options.search_timeout, multi.execute::<IdHit>())
                    .await?;
                let broad = response.results.pop();
                let exact = response.results.pop();
                match (exact, broad) {
                    (Some(exact), Some(broad)) => {
                        let ids: Vec<i64> = exact.hits.into_iter().map(|h| h.result.id).collect();
                        (broad, Some(ids))
                    }
                    _ => {
                        return Err(SearchError::Rejected(
                            "a multi-search answered without its two results".into(),
                        ));
                    }
                }
            }
        };
        let facets = results.facet_distribution.unwrap_or_default();
        let mut by_field: HashMap<FacetField, Vec<(String, u64)>> = HashMap::new();
        for (attribute, values) in facets {
            if let Some(field) = facet_field(&attribute) {
                let mut values: Vec<(String, u64)> = values
                    .into_iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(v, n)| (v, n as u64))
                    .collect();
                values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                by_field.insert(field, values);
            }
        }
        let ids: Vec<i64> = results.hits.into_iter().map(|h| h.result.id).collect();
        let ids = match exact_ids {
            None => ids,
            Some(first) => exact_first(first, ids, page, size),
        };
        Ok(ProductHits {
            ids,
            total_hits: results.total_hits.unwrap_or(0) as u64,
            facets: FacetField::ALL
                .iter()
                .map(|f| FacetCounts {
                    field: *f,
                    values: by_field.remove(f).unwrap_or_default(),
                })
                .collect(),
        })
    }

    /// Products whose name starts like `query`.
    pub(super) async fn suggestions(&self, query: &NameSuggest) -> Result<Vec<i64>, SearchError> {
        if text::words(&query.text).is_empty() {
            return Ok(Vec::new());
        }
        let uid = self.products_uid();
        let index = self.client.index(&uid);
        let filter = filter::products(&ProductFilters::default(), i64::from(query.today));
        let mut request = index.search();
        request
            .with_query(query.text.trim_start())
            .with_attributes_to_search_on(&["name"])
            .with_matching_strategy(MatchingStrategies::ALL)
            .with_attributes_to_retrieve(Selectors::Some(&["id"]))
            .with_limit(query.limit.max(1));
        if let Some(f) = &filter {
            request.with_filter(f);
        }
        let results = self
            .timed(self.options.search_timeout, request.execute::<IdHit>())
            .await?;
        Ok(results.hits.into_iter().map(|h| h.result.id).collect())
    }

    /// Outlets matching `search`.
    pub(super) async fn outlets(&self, search: &OutletSearch) -> Result<OutletHits, SearchError> {
        let uid = self.outlets_uid();
        let index = self.client.index(&uid);
        let filter = filter::outlets(search);
        let sort_by_distance = search
            .near
            .map(|(lat, lng)| format!("_geoPoint({lat}, {lng}):asc"));
        let sort = sort_by_distance.as_deref().map(|s| [s]);
        let mut request = index.search();
        request
            .with_query(search.text.trim())
            .with_page(1)
            .with_hits_per_page(search.limit.clamp(1, MAX_PAGE_SIZE))
            .with_matching_strategy(MatchingStrategies::LAST)
            // `_geoDistance` comes back only with `_geo`.
            .with_attributes_to_retrieve(Selectors::Some(if search.near.is_some() {
                &["id", "_geo"]
            } else {
                &["id"]
            }));
        if let Some(sort) = &sort {
            request.with_sort(sort);
        }
        if let Some(f) = &filter {
            request.with_filter(f);
        }
        let results = self
            .timed(self.options.search_timeout, request.execute::<IdHit>())
            .await?;
        Ok(OutletHits {
            total_hits: results.total_hits.unwrap_or(0) as u64,
            hits: results
                .hits
                .into_iter()
                .map(|h| OutletHit {
                    id: h.result.id,
                    distance_km: h.result.geo_distance.map(|m| m / 1000.0),
                })
                .collect(),
        })
    }
}

//! The Meilisearch backend, through `meilisearch-sdk`.
//!
//! Every call is bounded by a timeout, so a search answers (or fails) within
//! [`MeiliOptions::search_timeout`] even when the engine hangs. Writes wait for their task to
//! succeed before returning: the outbox marks a change done only once it is searchable.

pub mod filter;
mod settings;

use std::{
    collections::{HashMap, VecDeque},
    future::Future,
    time::Duration,
};

use async_trait::async_trait;
use meilisearch_sdk::{
    client::{Client, SwapIndexes},
    errors::{Error as MeiliError, ErrorCode, ErrorType},
    search::{MatchingStrategies, Selectors},
    task_info::TaskInfo,
    tasks::Task,
};
use serde::{Deserialize, Serialize};

use crate::{
    Rebuild, SearchBackend, SearchError,
    document::{OutletDocument, ProductDocument},
    query::{
        FacetCounts, FacetField, MAX_PAGE_SIZE, NameSuggest, OutletHit, OutletHits, OutletSearch,
        ProductFilters, ProductHits, ProductSearch, SearchSort,
    },
    text,
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

/// A product document as stored in Meilisearch (the product document as is).
type MeiliProduct = ProductDocument;

/// An outlet document as stored in Meilisearch, with its `_geo` point.
#[derive(Serialize)]
struct MeiliOutlet<'a> {
    #[serde(flatten)]
    doc: &'a OutletDocument,
    #[serde(rename = "_geo")]
    geo: Geo,
}

#[derive(Serialize)]
struct Geo {
    lat: f64,
    lng: f64,
}

/// Outlet documents with their `_geo` points.
fn meili_outlets(docs: &[OutletDocument]) -> Vec<MeiliOutlet<'_>> {
    docs.iter()
        .map(|doc| MeiliOutlet {
            doc,
            geo: Geo {
                lat: doc.lat,
                lng: doc.lng,
            },
        })
        .collect()
}

#[derive(Deserialize)]
struct IdHit {
    id: i64,
    #[serde(rename = "_geoDistance")]
    geo_distance: Option<f64>,
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

/// The query string sent for what the buyer typed: the tone-preserving tokens of the complete
/// words typed with marks are added so that exact-tone matches match one more word. They go
/// before the last word when it may still be being typed (so it keeps its prefix matching and
/// the tokens are never prefix-matched), after everything when the query ends with a space;
/// never first, since the `last` matching strategy never drops the first word.
pub fn query_string(typed: &str) -> String {
    let words: Vec<&str> = typed.split_whitespace().collect();
    let complete = typed.ends_with(char::is_whitespace);
    let (complete_words, partial) = match (complete, words.split_last()) {
        (true, _) | (false, None) => (&words[..], None),
        (false, Some((last, rest))) => (rest, Some(*last)),
    };
    let tokens: Vec<String> = complete_words
        .iter()
        .flat_map(|w| text::telex_of_marked_words(w))
        .collect();
    if tokens.is_empty() || complete_words.is_empty() {
        return typed.trim().to_owned();
    }
    match partial {
        Some(last) => format!("{} {} {}", complete_words.join(" "), tokens.join(" "), last),
        None => format!("{} {} ", complete_words.join(" "), tokens.join(" ")),
    }
}

/// The query string that finds only products with every typed word in the tones it was typed
/// with: the typed words and the tone-preserving token of every word typed with marks, the last
/// word itself last so that it stays a prefix. `None` when no word carries marks.
///
/// Meilisearch's `last` matching strategy can rank a product higher only by more matched words
/// dropped from the end, so a token for the word still being typed would cost that word its
/// prefix matching (`mè` would no longer find `mèo`). A second query in the same request, with
/// every word required, finds the exact-tone products instead; [`exact_first`] puts them first.
pub fn exact_tone_query_string(typed: &str) -> Option<String> {
    let tokens = text::telex_of_marked_words(typed);
    if tokens.is_empty() {
        return None;
    }
    let words: Vec<&str> = typed.split_whitespace().collect();
    let (last, rest) = words.split_last()?;
    let tail = if typed.ends_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let mut q: Vec<&str> = rest.to_vec();
    q.extend(tokens.iter().map(String::as_str));
    q.push(last);
    Some(format!("{}{tail}", q.join(" ")))
}

/// Page `page` of `size` of the exact-tone products (`first`, from the top) followed by the
/// others (`rest`, from the top, which holds the exact-tone products too).
///
/// `first` must hold the top `page × size` exact-tone products and `rest` the top
/// `2 × page × size` of all: then the page is complete whatever the two lists hold.
pub fn exact_first(first: Vec<i64>, rest: Vec<i64>, page: usize, size: usize) -> Vec<i64> {
    let seen: std::collections::HashSet<i64> = first.iter().copied().collect();
    first
        .into_iter()
        .chain(rest.into_iter().filter(|id| !seen.contains(id)))
        .skip(page.saturating_sub(1).saturating_mul(size))
        .take(size)
        .collect()
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

    async fn suggest_products(&self, query: &NameSuggest) -> Result<Vec<i64>, SearchError> {
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

    async fn search_outlets(&self, search: &OutletSearch) -> Result<OutletHits, SearchError> {
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

    async fn begin_rebuild(&self) -> Result<Box<dyn Rebuild>, SearchError> {
        let suffix = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        let products = format!("{}_rebuild_{suffix}", self.products_uid());
        let outlets = format!("{}_rebuild_{suffix}", self.outlets_uid());
        self.apply_settings_to(&products, &outlets).await?;
        Ok(Box::new(MeiliRebuild {
            backend: self.clone_handle(),
            products,
            outlets,
            pending: VecDeque::new(),
        }))
    }
}

impl MeiliBackend {
    fn clone_handle(&self) -> MeiliBackend {
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
struct MeiliRebuild {
    backend: MeiliBackend,
    products: String,
    outlets: String,
    /// Document tasks sent and not yet seen to succeed, oldest first.
    pending: VecDeque<TaskInfo>,
}

impl MeiliRebuild {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_tokens_go_before_a_word_still_being_typed() {
        assert_eq!(query_string("mè đen"), "mè mef đen");
        assert_eq!(query_string("nước mắ"), "nước nuwowcs mắ");
    }

    #[test]
    fn tone_tokens_go_last_when_every_word_is_complete() {
        assert_eq!(query_string("dừa "), "dừa duwaf ");
        assert_eq!(query_string("mè đen "), "mè đen mef ddenz ");
    }

    #[test]
    fn the_exact_tone_query_has_every_token_and_keeps_the_last_word_a_prefix() {
        assert_eq!(exact_tone_query_string("mè").as_deref(), Some("mef mè"));
        assert_eq!(
            exact_tone_query_string("mè đen").as_deref(),
            Some("mè mef ddenz đen")
        );
        assert_eq!(
            exact_tone_query_string("kẹo dừa ").as_deref(),
            Some("kẹo keoj duwaf dừa ")
        );
        assert_eq!(exact_tone_query_string("nuoc mam"), None);
        assert_eq!(exact_tone_query_string(" "), None);
    }

    #[test]
    fn exact_tone_products_come_first_and_pages_stay_whole() {
        let first = vec![7, 3];
        let rest = vec![1, 3, 2, 7, 4, 5];
        assert_eq!(exact_first(first.clone(), rest.clone(), 1, 3), [7, 3, 1]);
        assert_eq!(exact_first(first.clone(), rest.clone(), 2, 3), [2, 4, 5]);
        assert_eq!(exact_first(vec![], rest, 1, 2), [1, 3]);
    }

    #[test]
    fn queries_without_marks_or_with_one_word_being_typed_are_sent_as_typed() {
        assert_eq!(query_string("nuoc mam"), "nuoc mam");
        assert_eq!(query_string("dừa"), "dừa");
        assert_eq!(query_string("  "), "");
    }
}

//! What a search answers: product hits with facets and highlights, outlet hits with their
//! distance, and the state of the index.

use std::sync::Arc;

use async_graphql::{ComplexObject, Enum, Result, SimpleObject};
use ocop_search::highlight::Matcher;

use crate::{
    error::AppError,
    graphql::types::{
        highlight::{Highlight, HighlightField},
        outlet::Outlet,
        product::Product,
        scalars::DateTimeUtc,
    },
};

/// Order of search results.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SearchSort {
    /// Best match first (the default); for an empty query, newest first.
    #[default]
    Relevance,
    /// Most stars first, then best match.
    StarsDesc,
    /// Newest first.
    Newest,
}

/// A facet of the search results.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "ocop_search::FacetField")]
pub enum FacetField {
    /// Province (value: its code).
    Province,
    /// Region (value: its code).
    Region,
    /// Product set or top-level group (value: its code).
    Category,
    /// Stars of the current certificate (value: "3", "4" or "5").
    Stars,
    /// Producer legal form (value: `ENTERPRISE`, …).
    ProducerKind,
}

/// One value of a facet.
#[derive(SimpleObject, Clone, Debug)]
pub struct FacetValue {
    /// The value to filter by: a code, a number of stars, a producer kind.
    pub value: String,
    /// Vietnamese label for display.
    pub label: String,
    /// Matching products with this value.
    pub count: u64,
}

/// Counts of one facet over the filtered results.
#[derive(SimpleObject, Clone, Debug)]
pub struct Facet {
    /// Which facet.
    pub field: FacetField,
    /// Its values, most frequent first.
    pub values: Vec<FacetValue>,
}

/// One product found.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ProductHit {
    /// The product, as the database has it now.
    pub product: Product,
    /// The typed words, to find in the product's texts.
    #[graphql(skip)]
    pub matcher: Arc<Matcher>,
}

/// Longest snippet of a description or story, in characters.
const MAX_SNIPPET_CHARS: i32 = 500;

#[ComplexObject]
impl ProductHit {
    /// Where the typed words are: the name, and a snippet of the description and of the story,
    /// each listed only when it holds a typed word. Empty for an empty query.
    async fn highlights(
        &self,
        #[graphql(desc = "Characters of a description or story snippet (default 160, 20–500).")]
        snippet_length: Option<i32>,
    ) -> Result<Vec<Highlight>> {
        let length = snippet_length.unwrap_or(160);
        if !(20..=MAX_SNIPPET_CHARS).contains(&length) {
            return Err(AppError::bad_input(
                "snippetLength",
                format!("must be between 20 and {MAX_SNIPPET_CHARS} (got {length})"),
            )
            .into());
        }
        let p = &self.product.0;
        let name = self.matcher.highlight(&p.name);
        let name = (!name.ranges.is_empty()).then(|| Highlight::new(HighlightField::Name, name));
        let long_texts = [
            (HighlightField::Description, &p.description),
            (HighlightField::Story, &p.story),
        ];
        let snippets = long_texts.into_iter().filter_map(|(field, text)| {
            let found = self.matcher.snippet(text.as_deref()?, length as usize)?;
            Some(Highlight::new(field, found))
        });
        Ok(name.into_iter().chain(snippets).collect())
    }
}

/// A spelling that finds something, offered when a search finds nothing.
#[derive(SimpleObject, Clone, Debug)]
pub struct DidYouMean {
    /// The query to offer ("Có phải bạn muốn tìm …").
    pub query: String,
    /// How many products it finds with the same filters.
    pub total_hits: u64,
}

/// A page of product search results.
#[derive(SimpleObject)]
pub struct ProductSearchResult {
    /// Number of matching products (exact).
    pub total_hits: u64,
    /// This page (1-based).
    pub page: i32,
    /// Page size.
    pub page_size: i32,
    /// The products of this page, best first.
    pub hits: Vec<ProductHit>,
    /// Facet counts over every matching product.
    pub facets: Vec<Facet>,
    /// When nothing was found: the closest spelling that finds something with the same
    /// filters (a typo in a short word, words typed joined or split), if there is one.
    pub did_you_mean: Option<DidYouMean>,
}

/// One outlet found.
#[derive(SimpleObject)]
pub struct OutletHit {
    /// Kilometres from `near`; null without it.
    pub distance_km: Option<f64>,
    /// The outlet.
    pub outlet: Outlet,
}

/// Outlet search results.
#[derive(SimpleObject)]
pub struct OutletSearchResult {
    /// Number of matching outlets.
    pub total_hits: u64,
    /// The outlets, nearest first with `near`, best match first otherwise.
    pub hits: Vec<OutletHit>,
}

/// How far the search index is behind the database.
#[derive(SimpleObject)]
pub struct SearchStatus {
    /// `embedded` or `meilisearch`.
    pub backend: String,
    /// Whether the engine answers.
    pub healthy: bool,
    /// The change-log position this server's index is at; null until it is first built.
    pub position: Option<i64>,
    /// The change log's head: the position of the last committed change.
    pub head: i64,
    /// Whether this server's index is being built from the database.
    pub building: bool,
    /// Committed changes not yet in this server's index (head − position).
    pub pending_changes: u64,
    /// Age of the oldest of them, in seconds.
    pub oldest_pending_age_seconds: Option<f64>,
    /// When the index was last brought up to date.
    pub last_successful_sync: Option<DateTimeUtc>,
    /// The last synchronisation error, while it persists. Its cause (which may name internal
    /// addresses) is shown to ADMIN keys only; others see that there is one.
    pub last_error: Option<String>,
    /// Changes the engine refused, set aside so that the index follows the rest of the log;
    /// `ocop dead-letters` lists, retries or skips them.
    pub dead_letters: u64,
}

/// What a caller other than an ADMIN reads in place of a synchronisation error's cause.
pub const HIDDEN_CAUSE: &str =
    "the search index cannot be brought up to date; the cause is in the server's logs";

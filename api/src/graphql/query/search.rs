//! Full-text search: products with facets, outlets near a point, and the sync status.

use std::sync::Arc;

use async_graphql::{Context, Object, Result};
use ocop_entities::product;
use ocop_search::{SearchSort as Sort, highlight::Matcher};

use super::{outlets::OutletFilterArg, products::ProductFilterArg};
use crate::{
    error::AppError,
    graphql::{
        Shared, prefetch, shared, today,
        types::{
            geo::GeoPointInput,
            outlet::Outlet,
            product::Product,
            scalars::DateTimeUtc,
            search::{
                DidYouMean, Facet, FacetValue, HIDDEN_CAUSE, OutletHit, OutletSearchResult,
                ProductHit, ProductSearchResult, SearchSort, SearchStatus,
            },
        },
    },
    services::{
        ProductFilter,
        search::{OutletQuery, ProductQuery, Searcher},
    },
};

/// Search queries.
#[derive(Default)]
pub struct SearchQuery;

/// The search use case over the schema's shared parts.
fn searcher(shared: &Shared) -> Searcher<'_> {
    Searcher {
        db: &shared.db,
        reference: &shared.reference,
        engine: shared.search.as_ref(),
        spelling: &shared.spelling,
    }
}

#[Object]
impl SearchQuery {
    /// Vietnamese full-text search over published products: accents optional, the last word
    /// matched as a prefix, typos tolerated in longer words, former province names understood.
    /// `query` may be empty to list by the filter. Facets count every matching product.
    #[graphql(complexity = "page_size.unwrap_or(20).clamp(1, 100) as usize * child_complexity + 1")]
    async fn search_products(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the buyer typed (at most 200 characters; may be empty).")]
        query: String,
        #[graphql(desc = "Filters, as for `products` (default: valid certificates).")]
        filter: Option<ProductFilterArg>,
        #[graphql(desc = "Page, from 1 (default 1).")] page: Option<i32>,
        #[graphql(desc = "Results per page (default 20, at most 100).")] page_size: Option<i32>,
        #[graphql(desc = "Order (default RELEVANCE).")] sort: Option<SearchSort>,
    ) -> Result<ProductSearchResult> {
        let shared = shared(ctx);
        let filter = ProductFilter::parse(
            filter.unwrap_or_default().into(),
            &shared.reference,
            "filter",
            true,
        )?;
        let found = searcher(shared)
            .products(ProductQuery {
                text: query,
                filter,
                page,
                page_size,
                sort: match sort.unwrap_or_default() {
                    SearchSort::Relevance => Sort::Relevance,
                    SearchSort::StarsDesc => Sort::StarsDesc,
                    SearchSort::Newest => Sort::Newest,
                },
                today: today(ctx),
            })
            .await?;
        let models: Vec<&product::Model> = found.products.iter().collect();
        prefetch::products(
            ctx,
            &ctx.look_ahead().field("hits").field("product"),
            &models,
        )
        .await?;
        let matcher = Arc::new(Matcher::new(&found.text));
        Ok(ProductSearchResult {
            total_hits: found.total_hits,
            page: found.page,
            page_size: found.page_size,
            hits: found
                .products
                .into_iter()
                .map(|p| ProductHit {
                    product: Product(p),
                    matcher: matcher.clone(),
                })
                .collect(),
            facets: found
                .facets
                .into_iter()
                .map(|(field, values)| Facet {
                    field: field.into(),
                    values: values
                        .into_iter()
                        .map(|v| FacetValue {
                            value: v.value,
                            label: v.label,
                            count: v.count,
                        })
                        .collect(),
                })
                .collect(),
            did_you_mean: found.did_you_mean.map(|a| DidYouMean {
                query: a.query,
                total_hits: a.total_hits,
            }),
        })
    }

    /// Searches active outlets by name, address, ward and province (former names too), optionally
    /// nearest first from a point and within a radius.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity + 1")]
    async fn search_outlets(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the user typed (may be empty).")] query: String,
        #[graphql(desc = "Order by distance from this point.")] near: Option<GeoPointInput>,
        #[graphql(desc = "Only outlets within this many kilometres of `near` (0–2000).")] radius_km: Option<f64>,
        #[graphql(desc = "Province and kind filters.")] filter: Option<OutletFilterArg>,
        #[graphql(desc = "Most results (default 20, at most 100).")] first: Option<i32>,
    ) -> Result<OutletSearchResult> {
        let shared = shared(ctx);
        let near = near.map(|p| p.parse("near")).transpose()?;
        let filter = OutletFilterArg::parse(filter, &shared.reference)?;
        let found = searcher(shared)
            .outlets(OutletQuery {
                text: query,
                near,
                radius_km,
                filter,
                first,
            })
            .await?;
        Ok(OutletSearchResult {
            total_hits: found.total_hits,
            hits: found
                .hits
                .into_iter()
                .map(|(outlet, distance_km)| OutletHit {
                    distance_km,
                    outlet: Outlet(outlet),
                })
                .collect(),
        })
    }

    /// The search backend and how far this server's index is behind the change log.
    async fn search_status(&self, ctx: &Context<'_>) -> Result<SearchStatus> {
        let shared = shared(ctx);
        let report = shared
            .status
            .report(&shared.db, shared.search.as_ref())
            .await
            .map_err(AppError::from)?;
        let healthy =
            tokio::time::timeout(std::time::Duration::from_secs(2), shared.search.health())
                .await
                .is_ok_and(|r| r.is_ok());
        Ok(SearchStatus {
            backend: report.backend.to_owned(),
            healthy,
            position: report.position,
            head: report.head,
            building: report.building,
            pending_changes: report.pending_changes,
            oldest_pending_age_seconds: report.oldest_pending_age_secs,
            last_successful_sync: report.last_success.map(DateTimeUtc),
            last_error: report.last_error.map(|cause| {
                if crate::graphql::caller(ctx).is_ok_and(|c| c.is_admin()) {
                    cause
                } else {
                    HIDDEN_CAUSE.to_owned()
                }
            }),
            dead_letters: report.dead_letters,
        })
    }
}

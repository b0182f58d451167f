//! Full-text search: products with facets, outlets near a point, and the sync status.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{ComplexObject, Context, Enum, Object, Result, SimpleObject};
use ocop_entities::{
    outlet::{self, OutletStatus},
    product::{self, ProductStatus},
};
use ocop_search::{
    FacetField as Field, OutletSearch, ProductFilters, ProductSearch, SearchSort as Sort, Validity,
    highlight::Matcher,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{outlets::OutletFilterArg, products::ProductFilterArg};
use crate::{
    domain::SearchText,
    error::AppError,
    graphql::{
        prefetch, shared, today,
        types::{
            geo::GeoPointInput,
            highlight::{Highlight, HighlightField},
            outlet::Outlet,
            product::Product,
            scalars::DateTimeUtc,
        },
    },
    indexing::documents::day,
    services::{CertificationFilter, ProductFilter, outlets::OutletFilter},
};

/// Largest `page × pageSize` served: deeper pages are for `products` and its cursors.
pub const MAX_SEARCH_DEPTH: usize = 10_000;

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

/// Search queries.
#[derive(Default)]
pub struct SearchQuery;

fn validity(filter: CertificationFilter) -> Validity {
    match filter {
        CertificationFilter::Valid => Validity::Valid,
        CertificationFilter::ExpiringSoon => Validity::ExpiringSoon,
        CertificationFilter::Expired => Validity::Expired,
        CertificationFilter::Revoked => Validity::Revoked,
        CertificationFilter::None => Validity::None,
        CertificationFilter::Any => Validity::Any,
    }
}

fn search_filters(f: ProductFilter) -> ProductFilters {
    ProductFilters {
        province_codes: f.province_codes,
        region_codes: f.region_codes,
        category_codes: f.category_leaves,
        min_stars: f.min_stars.map(|n| n.clamp(0, 5) as u8),
        validity: validity(f.certification),
        producer_kinds: f
            .producer_kinds
            .iter()
            .map(sea_orm::ActiveEnum::to_value)
            .collect(),
        outlet_id: f.outlet_id,
        updated_since: f.updated_since.map(|t| t.timestamp()),
    }
}

fn producer_kind_label(kind: &str) -> &'static str {
    match kind {
        "ENTERPRISE" => "Doanh nghiệp",
        "COOPERATIVE" => "Hợp tác xã",
        "COOPERATIVE_GROUP" => "Tổ hợp tác",
        "HOUSEHOLD" => "Hộ kinh doanh",
        _ => "Khác",
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
        let text = SearchText::parse(&query).map_err(|m| AppError::bad_input("query", m))?;
        let page = page.unwrap_or(1);
        if page < 1 {
            return Err(
                AppError::bad_input("page", format!("must be at least 1 (got {page})")).into(),
            );
        }
        let page_size = page_size.unwrap_or(20);
        if page_size < 1 {
            return Err(AppError::bad_input(
                "pageSize",
                format!("must be at least 1 (got {page_size})"),
            )
            .into());
        }
        let page_size = page_size.min(100);
        if (page as usize).saturating_mul(page_size as usize) > MAX_SEARCH_DEPTH {
            return Err(AppError::bad_input(
                "page",
                format!("search results go {MAX_SEARCH_DEPTH} deep; use `products` with cursors to walk the whole catalogue"),
            )
            .into());
        }
        let filter = ProductFilter::parse(
            filter.unwrap_or_default().into(),
            &shared.reference,
            "filter",
            true,
        )?;
        if filter.statuses != [ocop_entities::product::ProductStatus::Published] {
            return Err(AppError::bad_input(
                "filter.statuses",
                "search covers published products; list others with `products(filter: {statuses})`",
            )
            .into());
        }
        let search = ProductSearch {
            text: text.as_str().to_owned(),
            filters: search_filters(filter),
            sort: match sort.unwrap_or_default() {
                SearchSort::Relevance => Sort::Relevance,
                SearchSort::StarsDesc => Sort::StarsDesc,
                SearchSort::Newest => Sort::Newest,
            },
            page: page as usize,
            page_size: page_size as usize,
            today: day(today(ctx)),
        };
        let started = std::time::Instant::now();
        let found = shared.search.search_products(&search).await;
        crate::metrics::search(shared.search.name(), "products", started.elapsed());
        let found = found.map_err(|e| AppError::SearchUnavailable(e.into()))?;
        // The index chose which products and in what order; the database shows them as they are.
        // (Read by id alone, then checked: with the status in the SQL, SQLite may prefer the
        // status index and walk every published product.)
        let mut rows: HashMap<i64, product::Model> = product::Entity::find()
            .filter(product::Column::Id.is_in(found.ids.clone()))
            .all(&shared.db)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .filter(|p| p.status == ProductStatus::Published)
            .map(|p| (p.id, p))
            .collect();
        let products: Vec<product::Model> =
            found.ids.iter().filter_map(|id| rows.remove(id)).collect();
        let models: Vec<&product::Model> = products.iter().collect();
        prefetch::products(
            ctx,
            &ctx.look_ahead().field("hits").field("product"),
            &models,
        )
        .await?;
        let did_you_mean = if found.total_hits == 0 && !search.text.trim().is_empty() {
            shared
                .spelling
                .alternative(
                    &shared.db,
                    &shared.reference,
                    shared.search.as_ref(),
                    &search,
                )
                .await?
                .map(|a| DidYouMean {
                    query: a.query,
                    total_hits: a.total_hits,
                })
        } else {
            None
        };
        let matcher = Arc::new(Matcher::new(&search.text));
        let reference = &shared.reference;
        let facets = found
            .facets
            .into_iter()
            .map(|f| {
                let values = f
                    .values
                    .into_iter()
                    .filter_map(|(value, count)| {
                        let label = match f.field {
                            Field::Province => reference.province(&value)?.name.clone(),
                            Field::Region => reference.region(&value)?.name.clone(),
                            Field::Category => {
                                // Product sets and top-level groups only.
                                let c = reference.category(&value)?;
                                if !(reference.is_leaf(&value) || c.parent_code.is_none()) {
                                    return None;
                                }
                                c.name.clone()
                            }
                            Field::Stars => format!("{value} sao"),
                            Field::ProducerKind => producer_kind_label(&value).to_owned(),
                        };
                        Some(FacetValue {
                            value,
                            label,
                            count,
                        })
                    })
                    .collect();
                Facet {
                    field: f.field.into(),
                    values,
                }
            })
            .collect();
        Ok(ProductSearchResult {
            total_hits: found.total_hits,
            page,
            page_size,
            hits: products
                .into_iter()
                .map(|p| ProductHit {
                    product: Product(p),
                    matcher: matcher.clone(),
                })
                .collect(),
            facets,
            did_you_mean,
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
        let text = SearchText::parse(&query).map_err(|m| AppError::bad_input("query", m))?;
        let near = near.map(|p| p.parse("near")).transpose()?;
        if let Some(r) = radius_km {
            if !(r.is_finite() && (0.0..=2000.0).contains(&r)) {
                return Err(AppError::bad_input("radiusKm", "must be between 0 and 2000").into());
            }
            if near.is_none() {
                return Err(AppError::bad_input("radiusKm", "needs `near`").into());
            }
        }
        let limit = crate::domain::PageSize::parse(first)
            .map_err(|m| AppError::bad_input("first", m))?
            .get();
        let filter = filter.unwrap_or_default();
        let filter = OutletFilter::parse(
            filter.province_codes,
            filter
                .kinds
                .map(|k| k.into_iter().map(Into::into).collect()),
            &shared.reference,
            "filter",
        )?;
        let search = OutletSearch {
            text: text.as_str().to_owned(),
            province_codes: filter.province_codes,
            kinds: filter
                .kinds
                .iter()
                .map(sea_orm::ActiveEnum::to_value)
                .collect(),
            near: near.map(|p| (p.lat, p.lng)),
            radius_km,
            limit,
        };
        let started = std::time::Instant::now();
        let found = shared.search.search_outlets(&search).await;
        crate::metrics::search(shared.search.name(), "outlets", started.elapsed());
        let found = found.map_err(|e| AppError::SearchUnavailable(e.into()))?;
        let ids: Vec<i64> = found.hits.iter().map(|h| h.id).collect();
        let mut rows: HashMap<i64, outlet::Model> = outlet::Entity::find()
            .filter(outlet::Column::Id.is_in(ids))
            .filter(outlet::Column::Status.eq(OutletStatus::Active))
            .all(&shared.db)
            .await
            .map_err(AppError::from)?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let hits = found
            .hits
            .into_iter()
            .filter_map(|h| {
                Some(OutletHit {
                    distance_km: h.distance_km,
                    outlet: Outlet(rows.remove(&h.id)?),
                })
            })
            .collect();
        Ok(OutletSearchResult {
            total_hits: found.total_hits,
            hits,
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

//! The search use case: checks the request, asks the engine, and shows what it found as the
//! database has it now, with Vietnamese facet labels and, when nothing is found, a spelling
//! that finds something. The engine chooses which records and in what order; the database
//! decides what they say (and drops any the index still has but that are no longer shown).
//!
//! Just over 300 lines: both searches, their checks and the facet labels are one use case.

use std::{collections::HashMap, sync::Arc};

use chrono::NaiveDate;
use ocop_entities::{
    outlet::{self, OutletStatus},
    product::{self, ProductStatus},
};
use ocop_search::{
    FacetField, OutletSearch, ProductFilters, ProductSearch, SearchBackend, SearchSort, Validity,
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::{
    CertificationFilter, ProductFilter, outlets::OutletFilter, spelling::Alternative,
    spelling::Spelling,
};
use crate::{
    domain::{GeoPoint, PageSize, SearchText, page_size::MAX_PAGE_SIZE},
    error::{AppError, AppResult},
    indexing::documents::day,
    reference::ReferenceData,
};

/// Largest `page × pageSize` served: deeper pages are for `products` and its cursors.
pub const MAX_SEARCH_DEPTH: usize = 10_000;

/// What search reads.
#[derive(Clone, Copy)]
pub struct Searcher<'a> {
    /// The database, which shows the hits as they are now.
    pub db: &'a DatabaseConnection,
    /// Reference data, for filters and facet labels.
    pub reference: &'a Arc<ReferenceData>,
    /// The engine.
    pub engine: &'a dyn SearchBackend,
    /// The vocabulary behind "did you mean".
    pub spelling: &'a Arc<Spelling>,
}

/// A product search as asked: the arguments of `searchProducts`, the filter already parsed.
pub struct ProductQuery {
    /// What the buyer typed.
    pub text: String,
    /// The filter.
    pub filter: ProductFilter,
    /// Page, from 1 (default 1).
    pub page: Option<i32>,
    /// Results per page (default 20, at most 100).
    pub page_size: Option<i32>,
    /// Order.
    pub sort: SearchSort,
    /// Today in Việt Nam, for certificate validity.
    pub today: NaiveDate,
}

/// One value of a facet, labelled.
pub struct FacetCount {
    /// The value to filter by.
    pub value: String,
    /// Its Vietnamese label.
    pub label: String,
    /// Matching products with it.
    pub count: u64,
}

/// A page of products found.
pub struct ProductPage {
    /// The text searched (trimmed and checked).
    pub text: String,
    /// Matching products.
    pub total_hits: u64,
    /// This page (1-based).
    pub page: i32,
    /// Page size.
    pub page_size: i32,
    /// The products of the page, best first, as the database has them.
    pub products: Vec<product::Model>,
    /// Facet counts over every match, product sets and top-level groups only for categories.
    pub facets: Vec<(FacetField, Vec<FacetCount>)>,
    /// A spelling that finds something, when nothing was found.
    pub did_you_mean: Option<Alternative>,
}

/// An outlet search as asked.
pub struct OutletQuery {
    /// What the user typed.
    pub text: String,
    /// Order by distance from this point.
    pub near: Option<GeoPoint>,
    /// Only outlets within this many kilometres of `near`.
    pub radius_km: Option<f64>,
    /// Province and kind filters.
    pub filter: OutletFilter,
    /// Most results (default 20, at most 100).
    pub first: Option<i32>,
}

/// Outlets found, each with its distance from `near`.
pub struct OutletPage {
    /// Matching outlets.
    pub total_hits: u64,
    /// The active outlets among the hits, in the engine's order.
    pub hits: Vec<(outlet::Model, Option<f64>)>,
}

impl Searcher<'_> {
    /// Searches published products.
    pub async fn products(&self, q: ProductQuery) -> AppResult<ProductPage> {
        let text = SearchText::parse(&q.text).map_err(|m| AppError::bad_input("query", m))?;
        let (page, page_size) = page(q.page, q.page_size)?;
        if q.filter.statuses != [ProductStatus::Published] {
            return Err(AppError::bad_input(
                "filter.statuses",
                "search covers published products; list others with `products(filter: {statuses})`",
            ));
        }
        let search = ProductSearch {
            text: text.as_str().to_owned(),
            filters: filters(q.filter),
            sort: q.sort,
            page: page as usize,
            page_size: page_size as usize,
            today: day(q.today),
        };
        let started = std::time::Instant::now();
        let found = self.engine.search_products(&search).await;
        crate::metrics::search(self.engine.name(), "products", started.elapsed());
        let found = found.map_err(|e| AppError::SearchUnavailable(e.into()))?;
        // Read by id alone, then checked: with the status in the SQL, SQLite may prefer the
        // status index and walk every published product.
        let mut rows: HashMap<i64, product::Model> = product::Entity::find()
            .filter(product::Column::Id.is_in(found.ids.clone()))
            .all(self.db)
            .await?
            .into_iter()
            .filter(|p| p.status == ProductStatus::Published)
            .map(|p| (p.id, p))
            .collect();
        let products = found.ids.iter().filter_map(|id| rows.remove(id)).collect();
        let did_you_mean = if found.total_hits == 0 && !search.text.trim().is_empty() {
            self.spelling
                .alternative(self.db, self.reference, self.engine, &search)
                .await?
        } else {
            None
        };
        let facets = found
            .facets
            .into_iter()
            .map(|f| {
                let values = f
                    .values
                    .into_iter()
                    .filter_map(|(value, count)| {
                        let label = label(self.reference, f.field, &value)?;
                        Some(FacetCount {
                            value,
                            label,
                            count,
                        })
                    })
                    .collect();
                (f.field, values)
            })
            .collect();
        Ok(ProductPage {
            text: search.text,
            total_hits: found.total_hits,
            page,
            page_size,
            products,
            facets,
            did_you_mean,
        })
    }

    /// Searches active outlets.
    pub async fn outlets(&self, q: OutletQuery) -> AppResult<OutletPage> {
        let text = SearchText::parse(&q.text).map_err(|m| AppError::bad_input("query", m))?;
        if let Some(r) = q.radius_km {
            if !(r.is_finite() && (0.0..=2000.0).contains(&r)) {
                return Err(AppError::bad_input(
                    "radiusKm",
                    "must be between 0 and 2000",
                ));
            }
            if q.near.is_none() {
                return Err(AppError::bad_input("radiusKm", "needs `near`"));
            }
        }
        let limit = PageSize::parse(q.first)
            .map_err(|m| AppError::bad_input("first", m))?
            .get();
        let search = OutletSearch {
            text: text.as_str().to_owned(),
            province_codes: q.filter.province_codes,
            kinds: q
                .filter
                .kinds
                .iter()
                .map(sea_orm::ActiveEnum::to_value)
                .collect(),
            near: q.near.map(|p| (p.lat, p.lng)),
            radius_km: q.radius_km,
            limit,
        };
        let started = std::time::Instant::now();
        let found = self.engine.search_outlets(&search).await;
        crate::metrics::search(self.engine.name(), "outlets", started.elapsed());
        let found = found.map_err(|e| AppError::SearchUnavailable(e.into()))?;
        let ids: Vec<i64> = found.hits.iter().map(|h| h.id).collect();
        let mut rows: HashMap<i64, outlet::Model> = outlet::Entity::find()
            .filter(outlet::Column::Id.is_in(ids))
            .filter(outlet::Column::Status.eq(OutletStatus::Active))
            .all(self.db)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let hits = found
            .hits
            .into_iter()
            .filter_map(|h| Some((rows.remove(&h.id)?, h.distance_km)))
            .collect();
        Ok(OutletPage {
            total_hits: found.total_hits,
            hits,
        })
    }
}

/// The page and its size, checked: both from 1, the size at most 100, no deeper than
/// [`MAX_SEARCH_DEPTH`].
fn page(page: Option<i32>, page_size: Option<i32>) -> AppResult<(i32, i32)> {
    let page = page.unwrap_or(1);
    if page < 1 {
        return Err(AppError::bad_input(
            "page",
            format!("must be at least 1 (got {page})"),
        ));
    }
    let page_size = page_size.unwrap_or(20);
    if page_size < 1 {
        return Err(AppError::bad_input(
            "pageSize",
            format!("must be at least 1 (got {page_size})"),
        ));
    }
    let page_size = page_size.min(MAX_PAGE_SIZE as i32);
    if (page as usize).saturating_mul(page_size as usize) > MAX_SEARCH_DEPTH {
        return Err(AppError::bad_input(
            "page",
            format!(
                "search results go {MAX_SEARCH_DEPTH} deep; use `products` with cursors to walk the whole catalogue"
            ),
        ));
    }
    Ok((page, page_size))
}

/// The engine's filters for a product filter.
fn filters(f: ProductFilter) -> ProductFilters {
    ProductFilters {
        province_codes: f.province_codes,
        region_codes: f.region_codes,
        category_codes: f.category_leaves,
        min_stars: f.min_stars.map(|n| n.clamp(0, 5) as u8),
        validity: match f.certification {
            CertificationFilter::Valid => Validity::Valid,
            CertificationFilter::ExpiringSoon => Validity::ExpiringSoon,
            CertificationFilter::Expired => Validity::Expired,
            CertificationFilter::Revoked => Validity::Revoked,
            CertificationFilter::None => Validity::None,
            CertificationFilter::Any => Validity::Any,
        },
        producer_kinds: f
            .producer_kinds
            .iter()
            .map(sea_orm::ActiveEnum::to_value)
            .collect(),
        outlet_id: f.outlet_id,
        updated_since: f.updated_since.map(|t| t.timestamp()),
    }
}

/// The Vietnamese label of a facet value; `None` for a value not shown (an unknown code, or
/// a category between a group and its product sets).
fn label(reference: &ReferenceData, field: FacetField, value: &str) -> Option<String> {
    Some(match field {
        FacetField::Province => reference.province(value)?.name.clone(),
        FacetField::Region => reference.region(value)?.name.clone(),
        FacetField::Category => {
            let c = reference.category(value)?;
            if !(reference.is_leaf(value) || c.parent_code.is_none()) {
                return None;
            }
            c.name.clone()
        }
        FacetField::Stars => format!("{value} sao"),
        FacetField::ProducerKind => match value {
            "ENTERPRISE" => "Doanh nghiệp",
            "COOPERATIVE" => "Hợp tác xã",
            "COOPERATIVE_GROUP" => "Tổ hợp tác",
            "HOUSEHOLD" => "Hộ kinh doanh",
            _ => "Khác",
        }
        .to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_checked_and_bounded() {
        assert_eq!(page(None, None).unwrap(), (1, 20));
        assert_eq!(page(Some(3), Some(500)).unwrap(), (3, 100));
        assert!(page(Some(0), None).is_err());
        assert!(page(None, Some(0)).is_err());
        assert!(page(Some(101), Some(100)).is_err());
        assert!(page(Some(100), Some(100)).is_ok());
    }
}

//! Listings: a product on an outlet's shelf.

use async_graphql::{Context, Object, Result, SimpleObject};
use ocop_entities::product::ProductStatus;

use super::{
    nodes::{Outlet, Product},
    page_info::PageInfo,
    scalars::DateTimeUtc,
};
use crate::{
    error::AppError,
    graphql::{
        loaders,
        loaders::{OutletId, ProductId},
    },
};

pub use super::nodes::Listing;

#[Object]
impl Listing {
    /// The outlet; null if it has been archived.
    async fn outlet(&self, ctx: &Context<'_>) -> Result<Option<Outlet>> {
        let outlet = loaders(ctx)?
            .load_one(OutletId(self.0.outlet_id))
            .await
            .map_err(AppError::from)?;
        Ok(outlet.map(Outlet))
    }

    /// The product; null if it is no longer published.
    async fn product(&self, ctx: &Context<'_>) -> Result<Option<Product>> {
        let product = loaders(ctx)?
            .load_one(ProductId(self.0.product_id))
            .await
            .map_err(AppError::from)?;
        Ok(product
            .filter(|p| p.status == ProductStatus::Published)
            .map(Product))
    }

    /// Shelf price, whole VND; null when not shown.
    async fn price_vnd(&self) -> Option<i64> {
        self.0.price_vnd
    }

    /// Whether the outlet has it in stock.
    async fn in_stock(&self) -> bool {
        self.0.in_stock
    }

    /// When price or stock last changed.
    async fn updated_at(&self) -> DateTimeUtc {
        DateTimeUtc(self.0.updated_at)
    }
}

/// An edge of a listing connection.
#[derive(SimpleObject)]
pub struct ListingEdge {
    /// Opaque cursor of this edge.
    pub cursor: String,
    /// The listing.
    pub node: Listing,
}

/// A page of an outlet's shelf.
#[derive(SimpleObject)]
pub struct ListingConnection {
    /// Number of listings on the shelf (published products only).
    pub total_count: u64,
    /// Where this page sits.
    pub page_info: PageInfo,
    /// The listings of this page.
    pub edges: Vec<ListingEdge>,
}

//! An outlet's shelf: for administrators, editors of the outlet's province and its own kiosk.

use async_graphql::{Context, ID, Object, Result};

use crate::graphql::writer;
use crate::{
    graphql::types::listing::Listing,
    services::write::{self, listings},
};

/// Shelf mutations.
#[derive(Default)]
pub struct ShelfMutation;

#[Object]
impl ShelfMutation {
    /// Puts a product on an outlet's shelf, or changes its price (whole VND) and stock.
    async fn set_listing(
        &self,
        ctx: &Context<'_>,
        outlet_id: ID,
        product_id: ID,
        price_vnd: Option<i64>,
        in_stock: bool,
    ) -> Result<Listing> {
        let outlet_id = write::id("outletId", &outlet_id)?;
        let product_id = write::id("productId", &product_id)?;
        Ok(Listing(
            listings::set(writer(ctx)?, outlet_id, product_id, price_vnd, in_stock).await?,
        ))
    }

    /// Takes a product off an outlet's shelf; false when it was not there.
    async fn remove_listing(
        &self,
        ctx: &Context<'_>,
        outlet_id: ID,
        product_id: ID,
    ) -> Result<bool> {
        let outlet_id = write::id("outletId", &outlet_id)?;
        let product_id = write::id("productId", &product_id)?;
        Ok(listings::remove(writer(ctx)?, outlet_id, product_id).await?)
    }
}

//! An outlet's shelf: for administrators, editors of the outlet's province and its own kiosk.

use async_graphql::{Context, ID, Object, Result};

use crate::{
    graphql::{
        types::{listing::Listing, scalars::DateTimeUtc},
        writer,
    },
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
        #[graphql(desc = "The outlet's id.")] outlet_id: ID,
        #[graphql(desc = "The product's id.")] product_id: ID,
        #[graphql(desc = "Price in whole VND; null when not shown.")] price_vnd: Option<i64>,
        #[graphql(desc = "Whether it is in stock.")] in_stock: bool,
        #[graphql(
            desc = "The listing's `updatedAt` the keeper saw: refused with CONFLICT if it changed or went since."
        )]
        expected_updated_at: Option<DateTimeUtc>,
    ) -> Result<Listing> {
        let outlet_id = write::id("outletId", &outlet_id)?;
        let product_id = write::id("productId", &product_id)?;
        let expected = expected_updated_at.map(|t| t.0);
        let set = listings::set(
            writer(ctx)?,
            outlet_id,
            product_id,
            price_vnd,
            in_stock,
            expected,
        );
        Ok(Listing(set.await?))
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

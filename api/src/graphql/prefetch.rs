//! Loading, in one statement per kind, the relations a list will need, before its items are
//! resolved.
//!
//! DataLoaders batch the keys that arrive within a short window; on a busy multi-threaded
//! runtime a long list can straddle two windows and cost two statements instead of one. A list
//! resolver therefore primes the request's loader cache with every key of the page at once (for
//! the fields the query asks for), which makes the number of statements per page fixed.

use async_graphql::{Context, Lookahead};
use ocop_entities::{listing, product};

use super::{
    loaders,
    loaders::{CertificationsOf, ListingsOf, OutletId, ProducerId, ProductId},
};
use crate::error::AppError;

/// Primes what `node` (a `Product` selection) asks for, for every product of a page.
pub async fn products(
    ctx: &Context<'_>,
    node: &Lookahead<'_>,
    page: &[&product::Model],
) -> Result<(), AppError> {
    if page.is_empty() {
        return Ok(());
    }
    let loaders = loaders(ctx)?;
    let producers = async {
        if node.field("producer").exists() {
            loaders
                .load_many(page.iter().map(|p| ProducerId(p.producer_id)))
                .await
                .map_err(AppError::from)?;
        }
        Ok::<_, AppError>(())
    };
    let certificates = async {
        if node.field("currentCertification").exists() || node.field("certifications").exists() {
            loaders
                .load_many(page.iter().map(|p| CertificationsOf(p.id)))
                .await
                .map_err(AppError::from)?;
        }
        Ok::<_, AppError>(())
    };
    let listings = async {
        let selection = node.field("listings");
        if selection.exists() {
            let shelves = loaders
                .load_many(page.iter().map(|p| ListingsOf(p.id)))
                .await
                .map_err(AppError::from)?;
            if selection.field("outlet").exists() {
                let outlets = shelves.values().flatten().map(|l| OutletId(l.outlet_id));
                loaders.load_many(outlets).await.map_err(AppError::from)?;
            }
        }
        Ok::<_, AppError>(())
    };
    futures::try_join!(producers, certificates, listings)?;
    Ok(())
}

/// Primes the products (and what `product` asks of them) of a page of listings.
pub async fn listings(
    ctx: &Context<'_>,
    node: &Lookahead<'_>,
    page: &[&listing::Model],
) -> Result<(), AppError> {
    let selection = node.field("product");
    if page.is_empty() || !selection.exists() {
        return Ok(());
    }
    let loaders = loaders(ctx)?;
    let found = loaders
        .load_many(page.iter().map(|l| ProductId(l.product_id)))
        .await
        .map_err(AppError::from)?;
    let products: Vec<&product::Model> = found.values().collect();
    self::products(ctx, &selection, &products).await
}

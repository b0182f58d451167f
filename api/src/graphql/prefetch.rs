//! Loading, in one statement per kind, the relations a list will need, before its items are
//! resolved.
//!
//! DataLoaders batch the keys that arrive within a short window; on a busy multi-threaded
//! runtime a long list can straddle two windows and cost two statements instead of one. A list
//! resolver therefore primes the request's loader cache with every key of the page at once (for
//! the fields the query asks for), which makes the number of statements per page fixed.
//!
//! Priming reads straight through the loader and feeds its cache: a page's keys are all known
//! at once, so there is nothing to batch, and the loader's batching delay (a millisecond on a
//! timer thread, per level of relations) would only add latency.

use std::{collections::HashMap, hash::Hash, sync::Arc};

use async_graphql::{Context, Lookahead, dataloader::Loader};
use ocop_entities::{listing, product};
use sea_orm::DbErr;

use super::{
    loaders,
    loaders::{CertificationsOf, DbLoader, ListingsOf, Loaders, OutletId, ProducerId, ProductId},
};
use crate::error::AppError;

/// Loads `keys` (each once) in one statement and puts what was found in the request's cache.
async fn prime<K>(
    loaders: &Loaders,
    keys: impl IntoIterator<Item = K>,
) -> Result<HashMap<K, <DbLoader as Loader<K>>::Value>, AppError>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    DbLoader: Loader<K, Error = Arc<DbErr>>,
{
    let mut keys: Vec<K> = keys.into_iter().collect();
    let mut seen = std::collections::HashSet::with_capacity(keys.len());
    keys.retain(|k| seen.insert(k.clone()));
    let found = loaders.loader().load(&keys).await.map_err(AppError::from)?;
    loaders.feed_many(found.clone()).await;
    Ok(found)
}

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
            prime(loaders, page.iter().map(|p| ProducerId(p.producer_id))).await?;
        }
        Ok::<_, AppError>(())
    };
    let certificates = async {
        if node.field("currentCertification").exists() || node.field("certifications").exists() {
            prime(loaders, page.iter().map(|p| CertificationsOf(p.id))).await?;
        }
        Ok::<_, AppError>(())
    };
    let listings = async {
        let selection = node.field("listings");
        if selection.exists() {
            let shelves = prime(loaders, page.iter().map(|p| ListingsOf(p.id))).await?;
            if selection.field("outlet").exists() {
                let outlets = shelves.values().flatten().map(|l| OutletId(l.outlet_id));
                prime(loaders, outlets).await?;
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
    let found = prime(loaders, page.iter().map(|l| ProductId(l.product_id))).await?;
    let products: Vec<&product::Model> = found.values().collect();
    self::products(ctx, &selection, &products).await
}

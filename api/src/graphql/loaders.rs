//! Per-request DataLoaders: every relation reached from a list is loaded in one batched
//! statement per kind, whatever the page size.

use std::{collections::HashMap, sync::Arc};

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use ocop_entities::{
    certification, listing,
    outlet::{self, OutletStatus},
    producer, product,
};
use sea_orm::{ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder};

use crate::db::StatementCounter;

/// Producer by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProducerId(pub i64);
/// Product by id (any status; callers decide visibility).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ProductId(pub i64);
/// Outlet by id (active outlets only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OutletId(pub i64);
/// A product's whole certificate history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CertificationsOf(pub i64);
/// A product's listings at active outlets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ListingsOf(pub i64);

/// One listing by outlet and product (any outlet status).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ListingKey(pub i64, pub i64);

/// The one loader behind every key kind above.
pub struct DbLoader {
    db: DatabaseConnection,
}

/// A per-request DataLoader, with a per-request cache, whose batches count towards the
/// request's SQL statements.
pub type Loaders = DataLoader<DbLoader, HashMapCache>;

/// A fresh loader for one request.
pub fn for_request(db: DatabaseConnection) -> Loaders {
    DataLoader::with_cache(
        DbLoader { db },
        StatementCounter::spawn_in_current_scope,
        HashMapCache::default(),
    )
}

type LoadResult<K, V> = Result<HashMap<K, V>, Arc<DbErr>>;

impl Loader<ProducerId> for DbLoader {
    type Value = producer::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[ProducerId]) -> LoadResult<ProducerId, Self::Value> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let rows = producer::Entity::find()
            .filter(producer::Column::Id.is_in(ids))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|r| (ProducerId(r.id), r)).collect())
    }
}

impl Loader<ProductId> for DbLoader {
    type Value = product::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[ProductId]) -> LoadResult<ProductId, Self::Value> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let rows = product::Entity::find()
            .filter(product::Column::Id.is_in(ids))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|r| (ProductId(r.id), r)).collect())
    }
}

impl Loader<OutletId> for DbLoader {
    type Value = outlet::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[OutletId]) -> LoadResult<OutletId, Self::Value> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let rows = outlet::Entity::find()
            .filter(outlet::Column::Id.is_in(ids))
            .filter(outlet::Column::Status.eq(OutletStatus::Active))
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|r| (OutletId(r.id), r)).collect())
    }
}

impl Loader<CertificationsOf> for DbLoader {
    type Value = Vec<certification::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[CertificationsOf]) -> LoadResult<CertificationsOf, Self::Value> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let rows = certification::Entity::find()
            .filter(certification::Column::ProductId.is_in(ids))
            .order_by_desc(certification::Column::IssuedOn)
            .order_by_desc(certification::Column::Id)
            .all(&self.db)
            .await?;
        let mut out: HashMap<CertificationsOf, Vec<_>> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        for r in rows {
            out.entry(CertificationsOf(r.product_id))
                .or_default()
                .push(r);
        }
        Ok(out)
    }
}

impl Loader<ListingsOf> for DbLoader {
    type Value = Vec<listing::Model>;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[ListingsOf]) -> LoadResult<ListingsOf, Self::Value> {
        let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let rows = listing::Entity::find()
            .filter(listing::Column::ProductId.is_in(ids))
            .filter(ocop_entities::ext::listing::at_active_outlet())
            .order_by_asc(listing::Column::OutletId)
            .all(&self.db)
            .await?;
        let mut out: HashMap<ListingsOf, Vec<_>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for r in rows {
            out.entry(ListingsOf(r.product_id)).or_default().push(r);
        }
        Ok(out)
    }
}

impl Loader<ListingKey> for DbLoader {
    type Value = listing::Model;
    type Error = Arc<DbErr>;

    async fn load(&self, keys: &[ListingKey]) -> LoadResult<ListingKey, Self::Value> {
        let outlets: Vec<i64> = keys.iter().map(|k| k.0).collect();
        let products: Vec<i64> = keys.iter().map(|k| k.1).collect();
        let rows = listing::Entity::find()
            .filter(listing::Column::OutletId.is_in(outlets))
            .filter(listing::Column::ProductId.is_in(products))
            .all(&self.db)
            .await?;
        let wanted: std::collections::HashSet<&ListingKey> = keys.iter().collect();
        Ok(rows
            .into_iter()
            .map(|r| (ListingKey(r.outlet_id, r.product_id), r))
            .filter(|(k, _)| wanted.contains(k))
            .collect())
    }
}

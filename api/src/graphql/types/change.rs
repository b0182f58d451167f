//! Changes of the catalogue, as partners follow them.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use ocop_entities::{change_log, ext::change_log as log, product::ProductStatus};

use super::{
    certification::Certification, listing::Listing, outlet::Outlet, page_info::PageInfo,
    producer::Producer, product::Product, scalars::DateTimeUtc,
};
use crate::{
    error::AppError,
    graphql::{
        loaders,
        loaders::{CertificationsOf, ListingKey, OutletId, ProducerId, ProductId},
        today,
    },
    services::changes::cursor_of,
};

/// The kind of record a change is about.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "ocop_entities::ext::change_log::ChangeKind")]
pub enum ChangeKind {
    /// A product.
    Product,
    /// A producer.
    Producer,
    /// A certificate (revocations included).
    Certification,
    /// An outlet.
    Outlet,
    /// A product listed at an outlet.
    Listing,
}

/// What happened to the record.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "ocop_entities::ext::change_log::ChangeOp")]
pub enum ChangeOperation {
    /// Created.
    Created,
    /// Changed (a revocation is a change of its certificate).
    Updated,
    /// Archived: the record is no longer shown; drop it from a copy.
    Archived,
    /// Deleted: drop it from a copy.
    Removed,
}

/// One change of one record.
pub struct CatalogueChange(pub change_log::Model);

impl CatalogueChange {
    fn record_kind(&self) -> Result<log::ChangeKind, AppError> {
        log::ChangeKind::parse(&self.0.kind).ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("unknown change kind {}", self.0.kind))
        })
    }

    fn is(&self, kind: log::ChangeKind) -> bool {
        self.record_kind().is_ok_and(|k| k == kind)
    }
}

#[Object]
impl CatalogueChange {
    /// The change's cursor (its position in the change log).
    async fn cursor(&self) -> String {
        cursor_of(self.0.position)
    }

    /// Its position in the change log: grows with commit order.
    async fn position(&self) -> i64 {
        self.0.position
    }

    /// The kind of record.
    async fn kind(&self) -> Result<ChangeKind> {
        Ok(self.record_kind()?.into())
    }

    /// The record's id; `<outletId>:<productId>` for a listing.
    async fn id(&self) -> ID {
        match self.0.related_id {
            Some(product) => ID(format!("{}:{product}", self.0.record_id)),
            None => ID(self.0.record_id.to_string()),
        }
    }

    /// What happened.
    async fn operation(&self) -> Result<ChangeOperation> {
        log::ChangeOp::parse(&self.0.operation)
            .map(Into::into)
            .ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!("unknown operation {}", self.0.operation)).into()
            })
    }

    /// When the change was committed.
    async fn changed_at(&self) -> DateTimeUtc {
        DateTimeUtc(self.0.changed_at)
    }

    /// The product as it is now; null if the change is about another kind, or the product is
    /// archived or removed.
    async fn product(&self, ctx: &Context<'_>) -> Result<Option<Product>> {
        if !self.is(log::ChangeKind::Product) {
            return Ok(None);
        }
        let found = loaders(ctx)?
            .load_one(ProductId(self.0.record_id))
            .await
            .map_err(AppError::from)?;
        Ok(found
            .filter(|p| p.status != ProductStatus::Archived)
            .map(Product))
    }

    /// The producer as it is now; null if the change is about another kind.
    async fn producer(&self, ctx: &Context<'_>) -> Result<Option<Producer>> {
        if !self.is(log::ChangeKind::Producer) {
            return Ok(None);
        }
        let found = loaders(ctx)?
            .load_one(ProducerId(self.0.record_id))
            .await
            .map_err(AppError::from)?;
        Ok(found.map(Producer))
    }

    /// The certificate as it is now (revoked ones included); null if the change is about
    /// another kind or the certificate was removed.
    async fn certification(&self, ctx: &Context<'_>) -> Result<Option<Certification>> {
        let (true, Some(product)) = (
            self.is(log::ChangeKind::Certification),
            log::parse_ids(&self.0.products).next(),
        ) else {
            return Ok(None);
        };
        let history = loaders(ctx)?
            .load_one(CertificationsOf(product))
            .await
            .map_err(AppError::from)?
            .unwrap_or_default();
        Ok(Certification::history(history, today(ctx))
            .into_iter()
            .find(|c| c.model.id == self.0.record_id))
    }

    /// The outlet as it is now; null if the change is about another kind, or the outlet is
    /// archived.
    async fn outlet(&self, ctx: &Context<'_>) -> Result<Option<Outlet>> {
        if !self.is(log::ChangeKind::Outlet) {
            return Ok(None);
        }
        let found = loaders(ctx)?
            .load_one(OutletId(self.0.record_id))
            .await
            .map_err(AppError::from)?;
        Ok(found.map(Outlet))
    }

    /// The listing as it is now; null if the change is about another kind, or the product was
    /// taken off the shelf.
    async fn listing(&self, ctx: &Context<'_>) -> Result<Option<Listing>> {
        let (true, Some(product)) = (self.is(log::ChangeKind::Listing), self.0.related_id) else {
            return Ok(None);
        };
        let found = loaders(ctx)?
            .load_one(ListingKey(self.0.record_id, product))
            .await
            .map_err(AppError::from)?;
        Ok(found.map(Listing))
    }
}

/// A page of changes, in log order.
#[derive(SimpleObject)]
pub struct CatalogueChangeConnection {
    /// Where this page sits; `endCursor` is where to go on from.
    pub page_info: PageInfo,
    /// The changes.
    pub nodes: Vec<CatalogueChange>,
    /// The cursor of the change log's head when the page was read: a copy that has applied
    /// every change up to it is current.
    pub head_cursor: String,
}

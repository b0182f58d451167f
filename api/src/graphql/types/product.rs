//! Products.

use super::{
    category::Category,
    certification::Certification,
    enums,
    nodes::{Listing, Producer, missing},
    reference::{Province, Ward},
    scalars::DateTimeUtc,
};
use crate::{
    error::AppError,
    graphql::{
        loaders,
        loaders::{CertificationsOf, ListingsOf, ProducerId},
        shared, today,
    },
    services::products::summary,
};
use async_graphql::{Context, ID, Object, Result};

pub use super::nodes::Product;

#[Object]
impl Product {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// URL key, unique among products.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Product name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Short description.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The product story (criterion part B).
    async fn story(&self) -> Option<&str> {
        self.0.story.as_deref()
    }

    /// Image URLs.
    async fn images(&self) -> &[String] {
        &self.0.images.0
    }

    /// Packaging, e.g. "Chai thủy tinh 500 ml".
    async fn packaging(&self) -> Option<&str> {
        self.0.packaging.as_deref()
    }

    /// Selling unit, e.g. "chai".
    async fn unit(&self) -> Option<&str> {
        self.0.unit.as_deref()
    }

    /// Lowest retail price, whole VND.
    async fn price_min_vnd(&self) -> Option<i64> {
        self.0.price_min_vnd
    }

    /// Highest retail price, whole VND.
    async fn price_max_vnd(&self) -> Option<i64> {
        self.0.price_max_vnd
    }

    /// Publication state.
    async fn status(&self) -> enums::ProductStatus {
        self.0.status.into()
    }

    /// Stars of the current valid certificate; null when there is none.
    async fn stars(&self, ctx: &Context<'_>) -> Option<i32> {
        summary(&self.0).valid_stars(today(ctx))
    }

    /// Certification status today.
    async fn certification_status(&self, ctx: &Context<'_>) -> enums::CertificationStatus {
        summary(&self.0).status(today(ctx)).into()
    }

    /// The product set it is certified in.
    async fn category(&self, ctx: &Context<'_>) -> Result<Category> {
        let code = &self.0.category_code;
        Ok(shared(ctx)
            .reference
            .category(code)
            .cloned()
            .map(Category)
            .ok_or_else(|| missing("category", code))?)
    }

    /// Province of origin.
    async fn province(&self, ctx: &Context<'_>) -> Result<Province> {
        Ok(Province::of(ctx, &self.0.province_code)?)
    }

    /// Ward of origin.
    async fn ward(&self, ctx: &Context<'_>) -> Result<Ward> {
        Ok(Ward::of(ctx, &self.0.ward_code)?)
    }

    /// The producer ("chủ thể OCOP").
    async fn producer(&self, ctx: &Context<'_>) -> Result<Producer> {
        let producer = loaders(ctx)?
            .load_one(ProducerId(self.0.producer_id))
            .await
            .map_err(AppError::from)?
            .ok_or_else(|| missing("producer", &self.0.producer_id.to_string()))?;
        Ok(Producer(producer))
    }

    /// The current certificate (the latest unrevoked one), valid or not; null when none.
    async fn current_certification(&self, ctx: &Context<'_>) -> Result<Option<Certification>> {
        let history = self.history(ctx).await?;
        Ok(history.into_iter().find(|c| c.is_current))
    }

    /// Every certificate of the product, newest first.
    async fn certifications(&self, ctx: &Context<'_>) -> Result<Vec<Certification>> {
        Ok(self.history(ctx).await?)
    }

    /// Outlets that list the product, with their price and stock.
    async fn listings(&self, ctx: &Context<'_>) -> Result<Vec<Listing>> {
        let rows = loaders(ctx)?
            .load_one(ListingsOf(self.0.id))
            .await
            .map_err(AppError::from)?;
        Ok(rows.unwrap_or_default().into_iter().map(Listing).collect())
    }

    /// When the product was added.
    async fn created_at(&self) -> DateTimeUtc {
        DateTimeUtc(self.0.created_at)
    }

    /// When the product or its certificates last changed.
    async fn updated_at(&self) -> DateTimeUtc {
        DateTimeUtc(self.0.updated_at)
    }
}

impl Product {
    async fn history(&self, ctx: &Context<'_>) -> Result<Vec<Certification>, AppError> {
        let rows = loaders(ctx)?
            .load_one(CertificationsOf(self.0.id))
            .await
            .map_err(AppError::from)?
            .unwrap_or_default();
        Ok(Certification::history(rows, today(ctx)))
    }
}

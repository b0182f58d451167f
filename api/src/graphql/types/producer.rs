//! Producers.

use async_graphql::{Context, ID, Object, Result};

use super::{
    enums,
    reference::{Province, Ward},
    scalars::DateTimeUtc,
};

pub use super::nodes::Producer;

#[Object]
impl Producer {
    /// Opaque id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// URL key, unique among producers.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Registered name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Legal form.
    async fn kind(&self) -> enums::ProducerKind {
        self.0.kind.into()
    }

    /// Address as printed (may use pre-2025 names).
    async fn address(&self) -> Option<&str> {
        self.0.address.as_deref()
    }

    /// Legal representative.
    async fn representative(&self) -> Option<&str> {
        self.0.representative.as_deref()
    }

    /// Contact phone.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }

    /// Contact e-mail.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }

    /// Tax code ("mã số thuế"); null unless the caller holds a partner, editor or admin key.
    async fn tax_code(&self, ctx: &Context<'_>) -> Option<&str> {
        let private = crate::graphql::caller(ctx).is_ok_and(|c| c.reads_private());
        self.0.tax_code.as_deref().filter(|_| private)
    }

    /// Current ward.
    async fn ward(&self, ctx: &Context<'_>) -> Result<Ward> {
        Ok(Ward::of(ctx, &self.0.ward_code)?)
    }

    /// Current province.
    async fn province(&self, ctx: &Context<'_>) -> Result<Province> {
        Ok(Province::of(ctx, &self.0.province_code)?)
    }

    /// When the record last changed.
    async fn updated_at(&self) -> DateTimeUtc {
        DateTimeUtc(self.0.updated_at)
    }
}
